"""work_problems and overridden_replaces on real directories: each case's problems (token,
code, severity, wording), and every fix applied: the problem goes, no new kind of error comes,
and the go.work stays as `go work edit -fmt` prints it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from modlsp.core.formatter import format_source
from modlsp.core.modfile import FileKind
from modlsp.core.problems import Problem, Severity, apply_edits
from modlsp.core.reader import read
from modlsp.core.workcheck import overridden_replaces, work_problems

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFORMATION

A = {"a/go.mod": "module example.com/a\n\ngo 1.22\n"}
B = {"b/go.mod": "module example.com/b\n\ngo 1.22\n"}


@dataclass(frozen=True)
class Case:
    id: str
    gowork: str
    files: dict[str, str]
    expected: list[tuple[Severity, str, str, str]]  # (severity, code, token text, message)
    fixes: list[list[str]] = field(default_factory=list)
    # Fix title -> the go.work it writes (optional).
    results: dict[str, str] = field(default_factory=dict)


CASES = [
    Case("clean", "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n", {**A, **B}, []),
    Case(
        "missing",
        "go 1.22\n\nuse (\n\t./a\n\t./gone\n)\n",
        A,
        [
            (
                E,
                "use-directory",
                "./gone",
                "cannot load module ./gone listed in go.work file: directory ./gone does not exist",
            )
        ],
        [["Remove this use"]],
        {"Remove this use": "go 1.22\n\nuse ./a\n"},
    ),
    Case(
        "not-a-directory",
        "go 1.22\n\nuse ./a\n\nuse ./notes.txt\n",
        {**A, "notes.txt": "hi\n"},
        [
            (
                E,
                "use-directory",
                "./notes.txt",
                "cannot load module ./notes.txt listed in go.work file: ./notes.txt is not a directory",
            )
        ],
        [["Remove this use"]],
        {"Remove this use": "go 1.22\n\nuse ./a\n"},
    ),
    Case(
        "no-gomod",
        "go 1.22\n\n// the tools\nuse ./tools\n",
        {"tools/main.go": "package main\n"},
        [
            (
                E,
                "use-directory",
                "./tools",
                "cannot load module ./tools listed in go.work file: ./tools has no go.mod file",
            )
        ],
        [["Remove this use"]],
        {"Remove this use": "go 1.22\n"},
    ),
    Case(
        "no-module-line",
        "go 1.22\n\nuse ./a\n",
        {"a/go.mod": "go 1.22\n"},
        [
            (
                E,
                "use-directory",
                "./a",
                "cannot load module ./a listed in go.work file: error reading ./a/go.mod: missing module declaration",
            )
        ],
        [["Remove this use"]],
    ),
    Case(
        "gomod-errors",
        "go 1.22\n\nuse ./a\n",
        {"a/go.mod": "module example.com/a\n\nrequre x\n"},
        [
            (
                E,
                "use-directory",
                "./a",
                "cannot load module ./a listed in go.work file: errors parsing ./a/go.mod",
            )
        ],
        [["Remove this use"]],
    ),
    Case(
        "same-directory-two-ways",
        "go 1.22\n\nuse (\n\t./a\n\t{root}/a\n)\n",
        A,
        [
            (
                E,
                "duplicate-use",
                "{root}/a",
                "path {root}/a appears multiple times in workspace",
            )
        ],
        [["Remove this use"]],
        {"Remove this use": "go 1.22\n\nuse ./a\n"},
    ),
    Case(
        "same-module-twice",
        "go 1.22\n\nuse (\n\t./a\n\t./a-copy\n)\n",
        {**A, "a-copy/go.mod": "module example.com/a\n\ngo 1.22\n"},
        [
            (
                E,
                "duplicate-workspace-module",
                "./a",
                "module example.com/a appears multiple times in workspace (also used as ./a-copy)",
            ),
            (
                E,
                "duplicate-workspace-module",
                "./a-copy",
                "module example.com/a appears multiple times in workspace (also used as ./a)",
            ),
        ],
        [["Remove this use"], ["Remove this use"]],
    ),
    Case(
        "go-too-old",
        "go 1.21\n\ntoolchain go1.22.1\n\nuse (\n\t./a\n\t./b\n)\n",
        {**A, "b/go.mod": "module example.com/b\n\ngo 1.22.3\n"},
        [
            (
                E,
                "work-go-too-old",
                "1.21",
                "module ./a listed in go.work file requires go >= 1.22, but go.work lists go 1.21",
            ),
            (
                E,
                "work-go-too-old",
                "1.21",
                "module ./b listed in go.work file requires go >= 1.22.3, but go.work lists go 1.21",
            ),
        ],
        [["Raise go.work to go 1.22.3"], ["Raise go.work to go 1.22.3"]],
        # As `go work use` leaves it: a toolchain older than the new go line goes.
        {"Raise go.work to go 1.22.3": "go 1.22.3\n\nuse (\n\t./a\n\t./b\n)\n"},
    ),
    Case(
        "go-too-old-toolchain-kept",
        "go 1.21\n\ntoolchain go1.23.0\n\nuse ./a\n",
        A,
        [
            (
                E,
                "work-go-too-old",
                "1.21",
                "module ./a listed in go.work file requires go >= 1.22, but go.work lists go 1.21",
            )
        ],
        [["Raise go.work to go 1.22"]],
        {"Raise go.work to go 1.22": "go 1.22\n\ntoolchain go1.23.0\n\nuse ./a\n"},
    ),
    Case(
        "no-go-line",
        "// my workspace\n\n// the app\nuse ./a\n",
        A,
        [
            (
                E,
                "work-go-too-old",
                "./a",
                "module ./a listed in go.work file requires go >= 1.22, but go.work implicitly requires go 1.18",
            )
        ],
        [["Add go 1.22 to go.work"]],
        {"Add go 1.22 to go.work": "// my workspace\n\ngo 1.22\n\n// the app\nuse ./a\n"},
    ),
    Case(
        "old-modules-are-not-checked",  # go lines before 1.21 did not promise anything
        "go 1.19\n\nuse ./a\n",
        {"a/go.mod": "module example.com/a\n\ngo 1.20\n"},
        [],
    ),
    Case(
        "conflicting-replaces",
        "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n",
        {
            "a/go.mod": "module example.com/a\n\ngo 1.22\n\nreplace example.com/x => ../x1\n",
            "b/go.mod": "module example.com/b\n\ngo 1.22\n\nreplace example.com/x => ../x2\n",
        },
        [
            (
                E,
                "conflicting-workspace-replace",
                "./b",
                "conflicting replacements for example.com/x:\n\t./x1 (./a/go.mod)\n\t./x2 (./b/go.mod)\n"
                'use "go work edit -replace example.com/x=[override]" to resolve',
            )
        ],
        [
            [
                "Replace example.com/x with ./x1 in go.work",
                "Replace example.com/x with ./x2 in go.work",
            ]
        ],
        {
            "Replace example.com/x with ./x1 in go.work": "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n\nreplace example.com/x => ./x1\n"
        },
    ),
    Case(
        "conflicting-version-replaces",
        "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n",
        {
            "a/go.mod": "module example.com/a\n\ngo 1.22\n\nreplace example.com/x v1.0.0 => example.com/fork v1.0.0\n",
            "b/go.mod": "module example.com/b\n\ngo 1.22\n\nreplace example.com/x v1.0.0 => ../../shared/x\n",
        },
        [
            (
                E,
                "conflicting-workspace-replace",
                "./b",
                "conflicting replacements for example.com/x@v1.0.0:\n\texample.com/fork v1.0.0 (./a/go.mod)\n"
                '\t../shared/x (./b/go.mod)\nuse "go work edit -replace example.com/x@v1.0.0=[override]" to resolve',
            )
        ],
        [
            [
                "Replace example.com/x@v1.0.0 with example.com/fork v1.0.0 in go.work",
                "Replace example.com/x@v1.0.0 with ../shared/x in go.work",
            ]
        ],
        {
            "Replace example.com/x@v1.0.0 with ../shared/x in go.work": "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n\nreplace example.com/x v1.0.0 => ../shared/x\n"
        },
    ),
    Case(
        "lookup-conflict",  # a version-specific replace after another module's replacement
        "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n",
        {
            "a/go.mod": "module example.com/a\n\ngo 1.22\n\nrequire example.com/x v1.0.0\n\nreplace example.com/x => ../x1\n",
            "b/go.mod": "module example.com/b\n\ngo 1.22\n\nreplace example.com/x v1.0.0 => ../x2\n",
        },
        [
            (
                E,
                "conflicting-workspace-replace",
                "./b",
                "conflicting replacements found for example.com/x@v1.0.0 in workspace modules defined by ./a/go.mod and ./b/go.mod:\n"
                "\t./x1 (./a/go.mod)\n\t./x2 (./b/go.mod)",
            )
        ],
        [
            [
                "Replace example.com/x@v1.0.0 with ./x1 in go.work",
                "Replace example.com/x@v1.0.0 with ./x2 in go.work",
            ]
        ],
        {
            "Replace example.com/x@v1.0.0 with ./x1 in go.work": "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n\nreplace example.com/x v1.0.0 => ./x1\n"
        },
    ),
    Case(
        "lookup-wildcard-wins-silently",  # the later module's replace of every version wins
        "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n",
        {
            "a/go.mod": "module example.com/a\n\ngo 1.22\n\nrequire example.com/x v1.0.0\n\nreplace example.com/x v1.0.0 => ../x1\n",
            "b/go.mod": "module example.com/b\n\ngo 1.22\n\nreplace example.com/x => ../x2\n",
        },
        [],
    ),
    Case(
        "same-directory-is-no-conflict",
        "go 1.22\n\nuse (\n\t./a\n\t./nested/b\n)\n",
        {
            "a/go.mod": "module example.com/a\n\ngo 1.22\n\nreplace example.com/x => ../x\n",
            "nested/b/go.mod": "module example.com/b\n\ngo 1.22\n\nreplace example.com/x => ../../x\n",
        },
        [],
    ),
    Case(
        # A go.work replace of the path at any version turns the loading check off; the lookup
        # of v1.0.0 then meets two replaces of every version: the later one wins silently.
        "go-work-replace-of-another-version",
        "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n\nreplace example.com/x v1.9.0 => ./x\n",
        {
            "a/go.mod": "module example.com/a\n\ngo 1.22\n\nrequire example.com/x v1.0.0\n\nreplace example.com/x => ../x1\n",
            "b/go.mod": "module example.com/b\n\ngo 1.22\n\nreplace example.com/x => ../x2\n",
        },
        [],
    ),
    Case(
        "different-versions-are-no-conflict",
        "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n",
        {
            "a/go.mod": "module example.com/a\n\ngo 1.22\n\nreplace example.com/x v1.0.0 => ../x1\n",
            "b/go.mod": "module example.com/b\n\ngo 1.22\n\nreplace example.com/x => ../x2\n",
        },
        [],
    ),
    Case(
        "workspace-module-replaced",
        "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n\nreplace (\n\texample.com/b => ./b2\n\texample.com/b v1.0.0 => ./b1\n)\n",
        {**A, **B},
        [
            (
                E,
                "work-replaces-workspace-module",
                "example.com/b",
                "workspace module example.com/b is replaced at all versions in the go.work file. To fix, remove the replacement from the go.work file or specify the version at which to replace the module.",
            )
        ],
        [["Remove this replace"]],
        {
            "Remove this replace": "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n\nreplace example.com/b v1.0.0 => ./b1\n"
        },
    ),
]


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _problems(data: bytes, gowork: Path) -> list[Problem]:
    model = read(data, FileKind.GOWORK)
    assert not model.has_errors, model.problems
    return work_problems(model, gowork)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_work_problems(tmp_path: Path, case: Case) -> None:
    root = tmp_path / "ws"
    text = case.gowork.replace("{root}", str(root))
    _write(root, {**case.files, "go.work": text})
    gowork = root / "go.work"
    data = text.encode()
    assert format_source(data, FileKind.GOWORK) == data, "fixtures are formatted"
    problems = _problems(data, gowork)
    shown = [
        (p.severity, p.code, data[p.span.start : p.span.end].decode(), p.message) for p in problems
    ]
    expected = [
        (s, c, t.replace("{root}", str(root)), m.replace("{root}", str(root)))
        for s, c, t, m in case.expected
    ]
    assert shown == expected
    assert [[f.title for f in p.fixes] for p in problems] == (case.fixes or [[]] * len(problems))
    known = {p.code for p in problems}
    results: dict[str, str] = {}
    for problem in problems:
        for fix in problem.fixes:
            fixed = apply_edits(data, fix.edits)
            results[fix.title] = fixed.decode()
            assert format_source(fixed, FileKind.GOWORK) == fixed, fix.title
            after = _problems(fixed, gowork)
            assert (problem.code, problem.message) not in {(p.code, p.message) for p in after}
            assert {p.code for p in after if p.severity is E} <= known, fix.title
    for title, text in case.results.items():
        assert results[title] == text


def test_unformatted_go_work_gets_local_edits(tmp_path: Path) -> None:
    _write(tmp_path, A)
    text = "go 1.21\ntoolchain go1.21.0\nuse   ./a\nuse ./gone\n"
    (tmp_path / "go.work").write_text(text)
    problems = _problems(text.encode(), tmp_path / "go.work")
    fixes = {f.title: f for p in problems for f in p.fixes}
    assert set(fixes) == {"Remove this use", "Raise go.work to go 1.22"}
    assert apply_edits(text.encode(), fixes["Remove this use"].edits).decode() == (
        "go 1.21\ntoolchain go1.21.0\nuse   ./a\n"
    )
    assert apply_edits(text.encode(), fixes["Raise go.work to go 1.22"].edits).decode() == (
        "go 1.22\nuse   ./a\nuse ./gone\n"
    )


def test_not_a_go_work(tmp_path: Path) -> None:
    model = read(b"module example.com/m\n", FileKind.GOMOD)
    assert work_problems(model, tmp_path / "go.work") == []


# overridden_replaces: (id, go.work, go.mod of ./a, expected (token, message))
OVERRIDDEN = [
    (
        "same-path",
        "go 1.22\n\nuse ./a\n\nreplace example.com/x => ./x2\n",
        "module example.com/a\n\ngo 1.22\n\nreplace (\n\texample.com/x v1.0.0 => ../x1\n\texample.com/y => ../y\n)\n",
        [
            (
                "example.com/x",
                "go.work replaces example.com/x => ./x2: in this workspace it wins over this replace",
            )
        ],
    ),
    (
        "same-version",
        "go 1.22\n\nuse ./a\n\nreplace example.com/x v1.0.0 => example.com/fork v1.0.0\n",
        "module example.com/a\n\ngo 1.22\n\nreplace example.com/x v1.0.0 => ../x1\n",
        [
            (
                "example.com/x",
                "go.work replaces example.com/x v1.0.0 => example.com/fork v1.0.0: in this workspace it wins over this replace",
            )
        ],
    ),
    (
        "one-version-of-every-version",
        "go 1.22\n\nuse ./a\n\nreplace example.com/x v1.5.0 => ./x2\n",
        "module example.com/a\n\ngo 1.22\n\nreplace example.com/x => ../x1\n",
        [
            (
                "example.com/x",
                "go.work replaces example.com/x v1.5.0 => ./x2: in this workspace it wins over this replace for example.com/x v1.5.0",
            )
        ],
    ),
    (
        "other-version",
        "go 1.22\n\nuse ./a\n\nreplace example.com/x v1.5.0 => ./x2\n",
        "module example.com/a\n\ngo 1.22\n\nreplace example.com/x v1.0.0 => ../x1\n",
        [],
    ),
    (
        "not-used",
        "go 1.22\n\nuse ./b\n\nreplace example.com/x => ./x2\n",
        "module example.com/a\n\ngo 1.22\n\nreplace example.com/x => ../x1\n",
        [],
    ),
    (
        "no-work-replace",
        "go 1.22\n\nuse ./a\n",
        "module example.com/a\n\ngo 1.22\n\nreplace example.com/x => ../x1\n",
        [],
    ),
]


@pytest.mark.parametrize(
    ("gowork", "gomod", "expected"), [c[1:] for c in OVERRIDDEN], ids=[c[0] for c in OVERRIDDEN]
)
def test_overridden_replaces(
    tmp_path: Path, gowork: str, gomod: str, expected: list[tuple[str, str]]
) -> None:
    _write(tmp_path, {"go.work": gowork, "a/go.mod": gomod, **B})
    data = gomod.encode()
    problems = overridden_replaces(
        read(data, FileKind.GOMOD),
        tmp_path / "a",
        read(gowork.encode(), FileKind.GOWORK),
        tmp_path / "go.work",
    )
    assert {p.severity for p in problems} <= {INFO}
    assert {p.code for p in problems} <= {"replace-overridden-by-work"}
    assert [(data[p.span.start : p.span.end].decode(), p.message) for p in problems] == expected
