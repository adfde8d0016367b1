"""replace_problems on real directories: each case's problems (token, code, severity, wording),
and every fix applied: the problem goes, no error comes, the file stays as `go mod edit -fmt`
prints it (modlsp's formatter, itself checked against the go command by the oracle suite).

The two replace actions (use_local_copy, remove_local_replaces) against the go command's
output, recorded from `go mod edit -replace` / `-dropreplace` (tests/oracle/test_replace_oracle
runs the go command on the same inputs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from modlsp.core.formatter import format_source
from modlsp.core.goedits import directory_path
from modlsp.core.localmodules import modules_beside
from modlsp.core.modfile import FileKind
from modlsp.core.problems import Problem, Severity, apply_edits
from modlsp.core.reader import read
from modlsp.core.replacecheck import (
    remove_local_replaces,
    replace_problems,
    use_local_copy,
)

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFORMATION

HEAD = "module example.com/m\n\ngo 1.22\n\n"
# Sibling modules most cases use.
SIBLINGS = {
    "x/go.mod": "module example.com/x\n",
    "y/go.mod": "module example.com/y\n",
}


@dataclass(frozen=True)
class Case:
    id: str
    gomod: str  # the go.mod of tmp/m
    expected: list[tuple[Severity, str, str, str]]  # (severity, code, token text, message)
    fixes: list[list[str]] = field(default_factory=list)  # fix titles, per expected problem
    files: dict[str, str] = field(default_factory=lambda: dict(SIBLINGS))
    published: bool = False


CASES = [
    Case(
        "clean",
        HEAD + "require example.com/x v1.0.0\n\nreplace example.com/x => ../x\n",
        [],
    ),
    Case(
        "missing-required",
        HEAD + "require example.com/x v1.0.0\n\nreplace example.com/x => ../missing\n",
        [(E, "replace-directory", "../missing", "replacement directory ../missing does not exist")],
        [["Point the replace at ../x", "Remove this replace"]],
    ),
    Case(
        "missing-not-required",
        HEAD + "replace example.com/x => ../missing\n",
        [
            (
                W,
                "replace-directory",
                "../missing",
                "replacement directory ../missing does not exist (the go command fails once it needs example.com/x)",
            )
        ],
        [["Point the replace at ../x", "Remove this replace"]],
    ),
    Case(
        "missing-other-version-required",
        HEAD + "require example.com/x v1.0.0\n\nreplace example.com/x v1.1.0 => ../missing\n",
        [
            (
                W,
                "replace-directory",
                "../missing",
                "replacement directory ../missing does not exist (the go command fails once it needs example.com/x)",
            ),
            (
                W,
                "replace-version-mismatch",
                "v1.1.0",
                "this replace applies only to example.com/x v1.1.0, but example.com/x v1.0.0 is required: it has no effect on the required version",
            ),
        ],
        [
            ["Point the replace at ../x", "Remove this replace"],
            ["Replace the required version v1.0.0 instead", "Replace every version"],
        ],
    ),
    Case(
        "not-a-directory",
        HEAD + "require example.com/x v1.0.0\n\nreplace example.com/x => ../notes.txt\n",
        [
            (
                E,
                "replace-directory",
                "../notes.txt",
                "replacement directory ../notes.txt is not a directory",
            )
        ],
        [["Point the replace at ../x", "Remove this replace"]],
        {**SIBLINGS, "notes.txt": "hello\n"},
    ),
    Case(
        "no-gomod",
        HEAD + "require example.com/z v1.0.0\n\nreplace example.com/z => ./third_party/z\n",
        [
            (
                E,
                "replace-directory",
                "./third_party/z",
                "replacement directory ./third_party/z has no go.mod file",
            )
        ],
        [["Remove this replace"]],
        {**SIBLINGS, "m/third_party/z/z.go": "package z\n"},
    ),
    Case(
        "module-path",
        HEAD + "require example.com/x v1.0.0\n\nreplace example.com/x => ../y\n",
        [
            (
                W,
                "replace-module-path",
                "../y",
                "replacement directory ../y declares its path as example.com/y, not example.com/x: the go command builds it as example.com/x, and its imports of example.com/y packages do not resolve to it",
            )
        ],
        [["Point the replace at ../x", "Point the replace at ../x-fork", "Remove this replace"]],
        {**SIBLINGS, "x-fork/go.mod": "module example.com/x\n"},
    ),
    Case(
        "module-path-quoted",
        HEAD + 'require example.com/x v1.0.0\n\nreplace example.com/x => "../my y"\n',
        [
            (
                W,
                "replace-module-path",
                '"../my y"',
                "replacement directory ../my y declares its path as example.com/y, not example.com/x: the go command builds it as example.com/x, and its imports of example.com/y packages do not resolve to it",
            )
        ],
        [["Point the replace at ../my x", "Remove this replace"]],
        {"my x/go.mod": "module example.com/x\n", "my y/go.mod": "module example.com/y\n"},
    ),
    Case(
        "version-mismatch",
        HEAD
        + "require example.com/x v1.0.0\n\nreplace example.com/x v1.2.0 => example.com/fork v1.2.0\n",
        [
            (
                W,
                "replace-version-mismatch",
                "v1.2.0",
                "this replace applies only to example.com/x v1.2.0, but example.com/x v1.0.0 is required: it has no effect on the required version",
            )
        ],
        [["Replace the required version v1.0.0 instead", "Replace every version"]],
    ),
    Case(
        "version-mismatch-highest-require",
        HEAD
        + "require example.com/x v1.0.0\n\nrequire example.com/x v1.3.0\n\nreplace example.com/x v1.0.0 => ../x\n",
        [
            (
                W,
                "replace-version-mismatch",
                "v1.0.0",
                "this replace applies only to example.com/x v1.0.0, but example.com/x v1.3.0 is required: it has no effect on the required version",
            )
        ],
        [["Replace the required version v1.3.0 instead", "Replace every version"]],
    ),
    Case(
        "version-mismatch-required-one-replaced",
        HEAD
        + "require example.com/x v1.0.0\n\nreplace (\n\texample.com/x v1.0.0 => ../x\n\texample.com/x v1.1.0 => ../x\n)\n",
        [
            (
                W,
                "replace-version-mismatch",
                "v1.1.0",
                "this replace applies only to example.com/x v1.1.0, but example.com/x v1.0.0 is required: it has no effect on the required version",
            )
        ],
        [["Replace every version"]],
    ),
    Case(
        "version-not-required",
        HEAD + "replace example.com/x v1.2.0 => ../x\n",
        [],
    ),
    Case(
        "main-module",
        HEAD + "replace example.com/m => ../x\n",
        [
            (
                W,
                "self-replace",
                "example.com/m",
                "example.com/m is the main module, which the go command never replaces: this replace has no effect on it (it applies only to other versions of example.com/m that dependencies require)",
            )
        ],
        [["Remove this replace"]],
    ),
    Case(
        "main-module-version",  # other versions of the main module, in a dependency cycle
        HEAD + "replace example.com/m v1.0.0 => ../m-v1\n",
        [],
        files={"m-v1/go.mod": "module example.com/m\n"},
    ),
    Case(
        "own-directory",
        HEAD + "require example.com/x v1.0.0\n\nreplace example.com/x => ./\n",
        [
            (
                W,
                "self-replace",
                "./",
                "replacement directory ./ is this module's own directory: the go command builds its packages a second time as example.com/x",
            )
        ],
        [["Point the replace at ../x", "Remove this replace"]],
    ),
    Case(
        "own-directory-roundabout",
        HEAD + "require example.com/x v1.0.0\n\nreplace example.com/x => ../m\n",
        [
            (
                W,
                "self-replace",
                "../m",
                "replacement directory ../m is this module's own directory: the go command builds its packages a second time as example.com/x",
            )
        ],
        [["Point the replace at ../x", "Remove this replace"]],
    ),
    Case(
        "published",
        HEAD
        + "require example.com/x v1.0.0\n\nreplace (\n\texample.com/x => ../x\n\texample.com/z => example.com/z2 v1.0.0\n)\n",
        [
            (
                INFO,
                "replace-ignored-by-consumers",
                "example.com/x",
                "replace directives apply only when example.com/m is the main module: modules that require example.com/m ignore this replacement of example.com/x",
            ),
            (
                INFO,
                "replace-ignored-by-consumers",
                "example.com/z",
                "replace directives apply only when example.com/m is the main module: modules that require example.com/m ignore this replacement of example.com/z",
            ),
        ],
        [[], []],
        published=True,
    ),
]


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _problems(data: bytes, module_dir: Path, published: bool = False) -> list[Problem]:
    model = read(data, FileKind.GOMOD)
    assert not model.has_errors, model.problems
    return replace_problems(model, module_dir, modules_beside(module_dir), published=published)


def _shown(data: bytes, problems: list[Problem]) -> list[tuple[Severity, str, str, str]]:
    return [
        (p.severity, p.code, data[p.span.start : p.span.end].decode(), p.message) for p in problems
    ]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_replace_problems(tmp_path: Path, case: Case) -> None:
    _write(tmp_path, {**case.files, "m/go.mod": case.gomod})
    module_dir = tmp_path / "m"
    data = case.gomod.encode()
    assert format_source(data, FileKind.GOMOD) == data, "fixtures are formatted"
    problems = _problems(data, module_dir, case.published)
    assert _shown(data, problems) == case.expected
    assert [[f.title for f in p.fixes] for p in problems] == (case.fixes or [[]] * len(problems))
    # A fix may turn a known warning into an error (a replace of a missing directory that now
    # applies to the required version), never bring a new kind of problem.
    known = {p.code for p in problems}
    for problem in problems:
        for fix in problem.fixes:
            fixed = apply_edits(data, fix.edits)
            assert format_source(fixed, FileKind.GOMOD) == fixed, fix.title
            after = _problems(fixed, module_dir, case.published)
            assert (problem.code, problem.message) not in {(p.code, p.message) for p in after}
            assert {p.code for p in after if p.severity is E} <= known, fix.title


def test_fix_results(tmp_path: Path) -> None:
    """What the fixes write, in a block: the block's other lines stay, a one-line block
    becomes a line (as `go mod edit` leaves it)."""
    _write(tmp_path, SIBLINGS)
    gomod = (
        HEAD
        + "require example.com/x v1.0.0\n\n"
        + "replace (\n\t// gone\n\texample.com/m => ../x\n\texample.com/x v1.1.0 => ../y // keep\n)\n"
    )
    data = gomod.encode()
    problems = _problems(data, tmp_path / "m")
    fixes = {(p.code, f.title): f for p in problems for f in p.fixes}
    removed = apply_edits(data, fixes["self-replace", "Remove this replace"].edits)
    assert removed.decode() == (
        HEAD + "require example.com/x v1.0.0\n\nreplace example.com/x v1.1.0 => ../y // keep\n"
    )
    every = apply_edits(data, fixes["replace-version-mismatch", "Replace every version"].edits)
    assert every.decode() == (
        HEAD
        + "require example.com/x v1.0.0\n\n"
        + "replace (\n\t// gone\n\texample.com/m => ../x\n\texample.com/x => ../y // keep\n)\n"
    )
    point = apply_edits(data, fixes["replace-module-path", "Point the replace at ../x"].edits)
    assert b"example.com/x v1.1.0 => ../x // keep\n" in point


def test_unformatted_file_gets_local_edits(tmp_path: Path) -> None:
    """A file that is not as `go mod edit -fmt` prints it is not reformatted by a fix."""
    _write(tmp_path, SIBLINGS)
    gomod = "module   example.com/m\ngo 1.22\nrequire example.com/x   v1.0.0\n\nreplace example.com/x => ../gone\nexclude example.com/q v1.0.0\n"
    data = gomod.encode()
    (problem,) = _problems(data, tmp_path / "m")
    fixes = {f.title: f for f in problem.fixes}
    assert apply_edits(data, fixes["Point the replace at ../x"].edits).decode() == gomod.replace(
        "../gone", "../x"
    )
    assert apply_edits(data, fixes["Remove this replace"].edits).decode() == gomod.replace(
        "replace example.com/x => ../gone\n", ""
    )


@pytest.mark.parametrize(
    ("target", "base", "expected"),
    [
        ("/w/x", "/w/m", "../x"),
        ("/w/m/vendor/x", "/w/m", "./vendor/x"),
        ("/w/m", "/w/m", "."),
        ("/w", "/w/m", ".."),
        ("/a/b/c", "/w/m", "../../a/b/c"),
    ],
)
def test_directory_path(target: str, base: str, expected: str) -> None:
    assert directory_path(Path(target), Path(base)) == expected


# (id, go.mod after HEAD, module path, sibling dir, expected go.mod after HEAD): recorded from
# `go mod edit -replace=<path>=<dir> -print` (go 1.27.3).
USE_LOCAL = [
    (
        "new",
        "require example.com/x v1.0.0\n",
        "example.com/x",
        "x",
        "require example.com/x v1.0.0\n\nreplace example.com/x => ../x\n",
    ),
    (
        "after-other-replaces",  # a new path goes to the end, not into the replace block
        "replace (\n\texample.com/a => ../a\n\texample.com/b => ../b\n)\n\nrequire example.com/x v1.0.0\n",
        "example.com/x",
        "x",
        "replace (\n\texample.com/a => ../a\n\texample.com/b => ../b\n)\n\nrequire example.com/x v1.0.0\n\nreplace example.com/x => ../x\n",
    ),
    (
        "update-first-drop-others",
        "require example.com/x v1.0.0\n\nreplace (\n\texample.com/b => ../b\n\texample.com/x v1.0.0 => example.com/fork v1.0.0 // why\n)\n\n// old\nreplace example.com/x v1.2.0 => ../old\n",
        "example.com/x",
        "x",
        "require example.com/x v1.0.0\n\nreplace (\n\texample.com/b => ../b\n\texample.com/x => ../x // why\n)\n",
    ),
    (
        "trailing-comment",
        "require example.com/x v1.0.0\n// end\n",
        "example.com/x",
        "x",
        "require example.com/x v1.0.0\n\n// end\n\nreplace example.com/x => ../x\n",
    ),
    (
        "quoted",
        "require example.com/x v1.0.0\n",
        "example.com/x",
        "my x",
        'require example.com/x v1.0.0\n\nreplace example.com/x => "../my x"\n',
    ),
]


@pytest.mark.parametrize(
    ("body", "path", "sibling", "expected"),
    [c[1:] for c in USE_LOCAL],
    ids=[c[0] for c in USE_LOCAL],
)
def test_use_local_copy(tmp_path: Path, body: str, path: str, sibling: str, expected: str) -> None:
    data = (HEAD + body).encode()
    edits = use_local_copy(read(data, FileKind.GOMOD), tmp_path / "m", path, tmp_path / sibling)
    assert apply_edits(data, edits).decode() == HEAD + expected


def test_use_local_copy_formats_like_go(tmp_path: Path) -> None:
    """go mod edit prints the whole file formatted; so does the action."""
    data = b"module example.com/m\ngo 1.22\nrequire (\n  example.com/x v1.0.0\n)\n"
    edits = use_local_copy(
        read(data, FileKind.GOMOD), tmp_path / "m", "example.com/x", tmp_path / "x"
    )
    assert apply_edits(data, edits).decode() == (
        HEAD + "require example.com/x v1.0.0\n\nreplace example.com/x => ../x\n"
    )


# (id, go.mod after HEAD, expected after HEAD): recorded from `go mod edit -dropreplace=...`
# for each directory replacement.
REMOVE_LOCAL = [
    ("none", "require example.com/x v1.0.0\n", "require example.com/x v1.0.0\n"),
    (
        "all-of-a-block",
        "require example.com/x v1.0.0\n\n// local copies\nreplace (\n\texample.com/x => ../x\n\texample.com/y v1.0.0 => /abs/y\n)\n\nexclude example.com/q v1.0.0\n",
        "require example.com/x v1.0.0\n\nexclude example.com/q v1.0.0\n",
    ),
    (
        "keep-module-replacements",
        "require example.com/x v1.0.0\n\nreplace (\n\texample.com/a => example.com/fork v1.0.0\n\t// about x\n\texample.com/x => ../x\n\texample.com/z => ./z\n)\n\nreplace example.com/b => ../b\n",
        "require example.com/x v1.0.0\n\nreplace example.com/a => example.com/fork v1.0.0\n",
    ),
]


@pytest.mark.parametrize(
    ("body", "expected"), [c[1:] for c in REMOVE_LOCAL], ids=[c[0] for c in REMOVE_LOCAL]
)
def test_remove_local_replaces(body: str, expected: str) -> None:
    data = (HEAD + body).encode()
    edits = remove_local_replaces(read(data, FileKind.GOMOD))
    assert apply_edits(data, edits).decode() == HEAD + expected
