"""`modlsp tidy` and the module checks of `modlsp check`, through the real command line, on a
module whose dependencies the go command put in a private module cache."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from oracle.goproxy import populate_cache, write_files, write_proxy
from oracle.tidy_fixtures import go_file, gomod, lib, merge

PROXY = merge(
    lib("example.com/a@v1.0.0"),
    lib("example.com/a/v2@v2.1.0"),
    lib("example.com/b@v1.0.0"),
    lib("example.com/c@v1.0.0", files={"pkg/pkg.go": go_file("pkg")}),
    lib("example.com/c@v1.1.0", files={"pkg/pkg.go": go_file("pkg")}),
)
GO_MOD = gomod("example.com/m/v2", require=["example.com/a v1.0.0", "example.com/b v1.0.0"])
FILES = {
    "go.mod": GO_MOD,
    # The module moved to /v2; this import still names the other major of a dependency.
    "main.go": go_file("main", "example.com/a/v2", "example.com/m/v2/util"),
    "util/util.go": go_file("util"),
    # An import of this module's own package under its path before /v2, and a package of a
    # module that is in the module cache but not required.
    "cmd/tool/tool.go": go_file("main", "example.com/m/util", "example.com/c/pkg"),
}


@pytest.fixture(scope="module")
def gomodcache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("tidy-cli")
    return populate_cache(write_proxy(base / "proxy", PROXY), base / "home", PROXY)


def run(*args: str, cwd: Path, gomodcache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "modlsp", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "GOMODCACHE": str(gomodcache)},
    )


def test_check_reports_the_module_and_its_imports(tmp_path: Path, gomodcache: Path) -> None:
    write_files(tmp_path, FILES)
    result = run("check", ".", cwd=tmp_path, gomodcache=gomodcache)
    assert result.stdout.splitlines() == [
        "go.mod:1:8: error: example.com/a/v2 is not in your go.mod file [missing-requirement]",
        "go.mod:1:8: error: example.com/c is not in your go.mod file [missing-requirement]",
        "go.mod:1:8: information: requirements checked only in part: no module in the module "
        "cache provides example.com/m/util [tidy-incomplete]",
        "go.mod:6:2: warning: example.com/a is not used in this module [unused-requirement]",
        "go.mod:7:2: warning: example.com/b is not used in this module [unused-requirement]",
        "cmd/tool/tool.go:4:2: error: example.com/m/util is this module's package "
        "example.com/m/v2/util: the module path is now example.com/m/v2 [stale-import-path]",
        "cmd/tool/tool.go:5:2: error: no required module provides package example.com/c/pkg "
        "[missing-module-import]",
        "main.go:4:2: error: no required module provides package example.com/a/v2; go.mod "
        "requires example.com/a v1.0.0 [wrong-major-import]",
    ]
    assert result.returncode == 1


def test_tidy_diff_write_and_idempotence(tmp_path: Path, gomodcache: Path) -> None:
    write_files(tmp_path, FILES)
    diff = run("tidy", "--diff", cwd=tmp_path, gomodcache=gomodcache)
    assert diff.returncode == 1
    assert "-\texample.com/a v1.0.0\n" in diff.stdout
    assert "+\texample.com/a/v2 v2.1.0\n" in diff.stdout
    assert "modlsp: go.mod: requirements checked only in part" in diff.stderr
    assert (tmp_path / "go.mod").read_text() == GO_MOD  # --diff writes nothing

    printed = run("tidy", cwd=tmp_path, gomodcache=gomodcache)
    assert printed.returncode == 0
    written = run("tidy", "-w", str(tmp_path), cwd=tmp_path.parent, gomodcache=gomodcache)
    assert written.returncode == 0
    after = (tmp_path / "go.mod").read_text()
    assert (
        after
        == printed.stdout
        == gomod("example.com/m/v2", require=["example.com/a/v2 v2.1.0", "example.com/c v1.1.0"])
    )
    again = run("tidy", "--diff", cwd=tmp_path, gomodcache=gomodcache)
    assert (again.returncode, again.stdout) == (0, "")


def test_tidy_outside_a_module_is_a_usage_error(tmp_path: Path, gomodcache: Path) -> None:
    result = run("tidy", str(tmp_path), cwd=tmp_path, gomodcache=gomodcache)
    assert result.returncode == 2
    assert "go.mod: cannot read: No such file or directory" in result.stderr


def test_imports_of_go_work_modules_build_without_a_requirement(
    tmp_path: Path, gomodcache: Path
) -> None:
    """In workspace mode the go command builds a's import of b's package from ./b, so the Go
    file has no problem; go mod tidy (which ignores go.work) would still want a requirement,
    and cannot find b in the module cache: the go.mod says so, once."""
    write_files(
        tmp_path,
        {
            "go.work": "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n",
            "a/go.mod": gomod("example.com/a"),
            "a/main.go": go_file("main", "example.com/b/pkg", "example.com/b/nopkg"),
            "b/go.mod": gomod("example.com/b"),
            "b/pkg/pkg.go": go_file("pkg"),
        },
    )
    result = run("check", ".", cwd=tmp_path, gomodcache=gomodcache)
    assert result.stdout.splitlines() == [
        "a/go.mod:1:8: information: requirements checked only in part: no module in the module "
        "cache provides example.com/b/nopkg, example.com/b/pkg [tidy-incomplete]",
        "a/main.go:5:2: error: no required module provides package example.com/b/nopkg "
        "[missing-module-import]",
    ]
