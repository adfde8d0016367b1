"""`modlsp check` through the real command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BROKEN = b"module example.com/m\n\ngo 1.22\n\nrequire example.com/a 1.0.0\n"
CLEAN = b"module example.com/m\n\ngo 1.22\n"
# An empty module cache: what the go.mod is judged against must not depend on the machine.
ENV = {**os.environ, "GOMODCACHE": "/nonexistent/modcache"}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "modlsp", *args], capture_output=True, text=True, cwd=cwd, env=ENV
    )


def test_text_output_and_exit_code(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_bytes(BROKEN)
    result = run("check", "go.mod", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        'go.mod:5:23: error: require example.com/a: version "1.0.0" invalid: '
        "must be of the form v1.2.3 [invalid-version]\n"
    )


def test_clean_file_exits_zero_with_no_output(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_bytes(CLEAN)
    result = run("check", str(tmp_path / "go.mod"))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_warnings_alone_exit_zero(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_bytes(CLEAN + b"\ntoolchain go1.21.0\n")
    result = run("check", str(tmp_path))
    assert result.returncode == 0
    assert "warning: toolchain go1.21.0 is older than go 1.22" in result.stdout


def test_json_columns_count_characters(tmp_path: Path) -> None:
    # "é" is two bytes in UTF-8 but one character: the version starts at character 30.
    (tmp_path / "go.mod").write_bytes(
        'module example.com/m\n\nreplace "example.com/é" => ../x v1.0.0\n'.encode()
    )
    result = run("check", "--format", "json", str(tmp_path / "go.mod"))
    assert result.returncode == 1
    (finding,) = json.loads(result.stdout)
    assert finding == {
        "path": str(tmp_path / "go.mod"),
        "line": 3,
        "column": 33,
        "end_line": 3,
        "end_column": 39,
        "severity": "error",
        "code": "replace-dir-version",
        "message": 'replacement module directory path "../x" cannot have version',
        "source": "modlsp",
    }


def test_directories_are_searched_skipping_vendor_testdata_and_hidden(tmp_path: Path) -> None:
    for rel in [
        "go.mod",
        "a/go.mod",
        "a/b/go.work",
        "vendor/go.mod",
        "testdata/go.mod",
        ".git/go.mod",
        "_old/go.mod",
        "a/other.mod",
    ]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"bogus\n")
    result = run("check", "--format", "json", str(tmp_path))
    found = sorted(
        Path(f["path"]).relative_to(tmp_path).as_posix() for f in json.loads(result.stdout)
    )
    assert found == ["a/b/go.work", "a/go.mod", "go.mod"]
    assert result.returncode == 1


def test_any_file_name_is_read_as_go_mod_and_go_work_by_name(tmp_path: Path) -> None:
    (tmp_path / "vendor.mod").write_bytes(b"module example.com/m\nuse ./x\n")
    (tmp_path / "go.work").write_bytes(b"go 1.22\nuse ./x\nrequire a.com/b v1.0.0\n")
    result = run("check", str(tmp_path / "vendor.mod"), str(tmp_path / "go.work"))
    codes = [line.rsplit("[", 1)[1] for line in result.stdout.splitlines()]
    # ./x does not exist: the go.work's `use` is checked on disk too.
    assert codes == ["mod-directive]", "use-directory]", "work-directive]"]


def test_missing_path_is_reported_and_others_still_checked(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_bytes(BROKEN)
    result = run("check", str(tmp_path / "nope.mod"), str(tmp_path / "go.mod"))
    assert result.returncode == 2
    assert f"{tmp_path / 'nope.mod'}: no such file or directory" in result.stderr
    assert "invalid-version" in result.stdout


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    loop = tmp_path / "loop.mod"
    loop.symlink_to(loop)  # reading it fails even for root
    (tmp_path / "go.mod").write_bytes(BROKEN)
    result = run("check", str(loop), str(tmp_path / "go.mod"))
    assert result.returncode == 2
    assert f"modlsp: {loop}: cannot read: Too many levels of symbolic links" in result.stderr
    assert "invalid-version" in result.stdout


def test_usage_error_exits_two() -> None:
    result = run("check", "--format", "xml", "go.mod")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_version() -> None:
    from modlsp import __version__

    assert run("--version").stdout == f"modlsp {__version__}\n"


def _replace_workspace(root: Path) -> None:
    for directory, text in {
        "lib": "module example.com/lib\n\ngo 1.22\n",
        "lib-old": "module example.com/libold\n\ngo 1.21\n",
        "app": "module example.com/app\n\ngo 1.21\n\nrequire example.com/lib v1.0.0\n\n"
        "replace example.com/lib => ../lib-old\n\n"
        "replace example.com/unused => ../lib\n",
    }.items():
        (root / directory).mkdir()
        (root / directory / "go.mod").write_text(text)
    (root / "go.work").write_text("go 1.21\n\nuse (\n\t./app\n\t./lib\n\t./gone\n)\n")


def test_replaces_and_go_work_are_checked_on_disk(tmp_path: Path) -> None:
    _replace_workspace(tmp_path)
    result = run("check", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "go.work:1:4: error: module ./lib listed in go.work file requires go >= 1.22, but "
        "go.work lists go 1.21 [work-go-too-old]",
        "go.work:6:2: error: cannot load module ./gone listed in go.work file: directory "
        "./gone does not exist [use-directory]",
        "app/go.mod:5:9: warning: example.com/lib is not used in this module [unused-requirement]",
        "app/go.mod:7:28: warning: replacement directory ../lib-old declares its path as "
        "example.com/libold, not example.com/lib: the go command builds it as example.com/lib, "
        "and its imports of example.com/libold packages do not resolve to it "
        "[replace-module-path]",
        "app/go.mod:9:31: warning: replacement directory ../lib declares its path as "
        "example.com/lib, not example.com/unused: the go command builds it as "
        "example.com/unused, and its imports of example.com/lib packages do not resolve to it "
        "[replace-module-path]",
    ]


def test_published_modules_hear_about_every_replace(tmp_path: Path) -> None:
    _replace_workspace(tmp_path)
    result = run("check", "--published", "app/go.mod", cwd=tmp_path)
    codes = [line.rsplit("[", 1)[1] for line in result.stdout.splitlines()]
    assert codes == [
        "unused-requirement]",
        "replace-ignored-by-consumers]",
        "replace-module-path]",
        "replace-ignored-by-consumers]",
        "replace-module-path]",
    ]


def test_a_replace_of_a_module_no_graph_reaches(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "go.mod").write_text("module example.com/lib\n\ngo 1.21\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "go.mod").write_text(
        "module example.com/app\n\ngo 1.21\n\nreplace example.com/lib => ../lib\n"
    )
    result = run("check", "app/go.mod", cwd=tmp_path)
    assert result.stdout == (
        "app/go.mod:5:9: warning: example.com/lib is in no requirement graph of this module: "
        "this replace has no effect [unused-replace]\n"
    )


def test_workspace_conflicts_duplicates_and_replaces_with_no_effect(tmp_path: Path) -> None:
    files = {
        "a/go.mod": "module example.com/a\n\ngo 1.21\n\nrequire example.com/x v1.0.0\n\n"
        "replace example.com/x v1.2.0 => ../x1\n\nreplace example.com/a => ./\n\n"
        "replace example.com/x => ../x1\n",
        "b/go.mod": "module example.com/b\n\ngo 1.21\n\nrequire example.com/x v1.0.0\n\n"
        "replace example.com/x => ../x2\n",
        "a2/go.mod": "module example.com/a\n\ngo 1.21\n",
        "x1/go.mod": "module example.com/x\n\ngo 1.21\n",
        "x2/go.mod": "module example.com/x\n\ngo 1.21\n",
        "go.work": "go 1.21\n\nuse (\n\t./a\n\t./a2\n\t./b\n)\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    result = run("check", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        "go.work:4:2: error: module example.com/a appears multiple times in workspace (also used"
        " as ./a2) [duplicate-workspace-module]\n"
        "go.work:5:2: error: module example.com/a appears multiple times in workspace (also used"
        " as ./a) [duplicate-workspace-module]\n"
        "go.work:6:2: error: conflicting replacements for example.com/x:\n"
        "\t./x1 (./a/go.mod)\n\t./x2 (./b/go.mod)\n"
        'use "go work edit -replace example.com/x=[override]" to resolve'
        " [conflicting-workspace-replace]\n"
        "a/go.mod:5:9: warning: example.com/x is not used in this module [unused-requirement]\n"
        "a/go.mod:7:23: warning: this replace applies only to example.com/x v1.2.0, but"
        " example.com/x v1.0.0 is required: it has no effect on the required version"
        " [replace-version-mismatch]\n"
        "a/go.mod:9:9: warning: example.com/a is the main module, which the go command never"
        " replaces: this replace has no effect on it (it applies only to other versions of"
        " example.com/a that dependencies require) [self-replace]\n"
        "b/go.mod:5:9: warning: example.com/x is not used in this module [unused-requirement]\n"
    )
