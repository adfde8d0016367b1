"""Require-line problems from version facts, and their fixes applied: each fix removes its
problem and adds no new error."""

from __future__ import annotations

from pathlib import Path

from modlsp.core.analysis import analyze
from modlsp.core.modfile import FileKind
from modlsp.core.problems import Problem, Severity, apply_edits
from modlsp.core.versioncheck import checked_requires, version_problems
from modlsp.core.versionfacts import VersionFacts

from .versionproxy import facts, lib, merge, model, proxy

MODULES = merge(
    lib("example.com/x@v1.0.0"),
    lib("example.com/x@v1.0.1"),
    lib("example.com/x@v1.1.0", go="1.23"),
    lib("example.com/x@v1.2.0", "retract v1.0.0 // Bad.", go="1.23"),
    lib("example.com/y@v0.1.0"),
    lib("example.com/y@v0.2.0"),
)


async def problems_of(text: str, root: Path, *, upgrades: bool = True) -> list[Problem]:
    known: VersionFacts = facts(proxy(root, MODULES))
    parsed = model(text)
    direct = {r.path for r in checked_requires(parsed) if not r.indirect}
    await known.requirements([(r.path, r.version) for r in checked_requires(parsed)], majors=direct)
    return version_problems(parsed, known.known_requirement, show_upgrades=upgrades)


def summary(problems: list[Problem]) -> list[tuple[str, Severity, str, list[str]]]:
    return [(p.code, p.severity, p.message, [f.title for f in p.fixes]) for p in problems]


GOMOD = """module example.com/main

go 1.21

require (
	example.com/x v1.0.0
	example.com/y v0.1.0 // indirect
)
"""


async def test_retracted_with_fixes_and_indirect_without_upgrades(tmp_path: Path) -> None:
    found = await problems_of(GOMOD, tmp_path)
    assert summary(found) == [
        (
            "retracted-version",
            Severity.WARNING,
            "example.com/x@v1.0.0 is retracted: Bad.",
            [
                "Upgrade to v1.0.1 (nearest version not retracted)",
                "Upgrade to v1.2.0 (latest minor, latest)",
            ],
        ),
    ]
    after = apply_edits(GOMOD.encode(), found[0].fixes[0].edits)
    assert b"example.com/x v1.0.1" in after
    again = await problems_of(after.decode(), tmp_path / "again")
    assert [p.code for p in again] == ["upgrade-available"]
    assert again[0].message == "example.com/x can be upgraded to v1.2.0"
    # v1.0.1 is already the latest patch: the only offer is the latest minor.
    assert [f.title for f in again[0].fixes] == ["Upgrade to v1.2.0 (latest minor, latest)"]


async def test_requires_newer_go_is_fixed_by_raising_the_go_line(tmp_path: Path) -> None:
    text = GOMOD.replace("v1.0.0", "v1.1.0")
    found = await problems_of(text, tmp_path, upgrades=False)
    (problem,) = found
    assert problem.code == "requires-newer-go"
    assert problem.message == (
        "example.com/x@v1.1.0 requires go >= 1.23 (this module says go 1.21; "
        "the go command would raise it)"
    )
    (fix,) = problem.fixes
    after = apply_edits(text.encode(), fix.edits)
    assert after.startswith(b"module example.com/main\n\ngo 1.23\n")
    assert not [
        p for p in analyze(after, FileKind.GOMOD, "go.mod").problems if p.severity is Severity.ERROR
    ]
    assert await problems_of(after.decode(), tmp_path / "again", upgrades=False) == []


async def test_a_version_the_proxy_does_not_have_is_an_error_with_a_fix(tmp_path: Path) -> None:
    text = GOMOD.replace("v1.0.0", "v1.9.9")
    (problem,) = await problems_of(text, tmp_path, upgrades=False)
    assert (problem.code, problem.severity) == ("unknown-version", Severity.ERROR)
    assert problem.message.startswith("example.com/x@v1.9.9: version not found (")
    assert [f.title for f in problem.fixes] == ["Change to v1.2.0 (latest)"]


async def test_replaced_and_excluded_versions(tmp_path: Path) -> None:
    # A replaced requirement is never fetched by the go command: no facts apply to it. An
    # excluded version is never an upgrade target.
    text = GOMOD.replace(
        ")\n", ")\n\nreplace example.com/y => ../y\n\nexclude example.com/x v1.2.0\n"
    ).replace("v1.0.0", "v1.0.1")
    assert summary(await problems_of(text, tmp_path)) == [
        (
            "upgrade-available",
            Severity.INFORMATION,
            "example.com/x can be upgraded to v1.1.0",
            ["Upgrade to v1.1.0 (latest minor, latest)"],
        )
    ]
