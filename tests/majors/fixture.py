"""The modules the major-version refactorings are tried on, and the go command that judges the
result.

`big` (example.com/big) has 56 packages that import one another (with aliases, dot and blank
imports, `// import` comments, external tests, an import group whose order changes when the
paths move, aligned trailing comments), a nested module (example.com/big/tools) that shares its
path prefix but must not move, a `tool` line, and dependencies from a file:// proxy: a module
with a v2 (example.com/dep), a gopkg.in module with a .v2, and a module without go.mod whose
v2 is `+incompatible`. `app` uses big through a go.work. `mine` is a gopkg.in module of its own.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

from oracle.gocmd import offline_go_env
from oracle.goproxy import go_binary, telemetry_off, write_files, write_proxy

BIG = "example.com/big"
PACKAGES = 56
PROXY_MODULES: dict[str, dict[str, str]] = {
    "example.com/dep@v1.2.0": {
        "go.mod": "module example.com/dep\n\ngo 1.21\n",
        "dep.go": 'package dep\n\nfunc Hello() string { return "v1" }\n',
        "sub/sub.go": 'package sub\n\nconst Name = "sub v1"\n',
    },
    "example.com/dep/v2@v2.1.0": {
        "go.mod": "module example.com/dep/v2\n\ngo 1.21\n",
        "dep.go": 'package dep\n\nfunc Hello() string { return "v2" }\n',
        "sub/sub.go": 'package sub\n\nconst Name = "sub v2"\n',
    },
    "gopkg.in/fake.v1@v1.0.0": {
        "go.mod": "module gopkg.in/fake.v1\n\ngo 1.21\n",
        "fake.go": "package fake\n\nconst Major = 1\n",
    },
    "gopkg.in/fake.v2@v2.0.0": {
        "go.mod": "module gopkg.in/fake.v2\n\ngo 1.21\n",
        "fake.go": "package fake\n\nconst Major = 2\n",
    },
    # No go.mod at any version: its v2 is v2.0.0+incompatible of the same path.
    "example.com/old@v1.0.0": {"old.go": "package old\n\nconst Major = 1\n"},
    "example.com/old@v2.0.0+incompatible": {"old.go": "package old\n\nconst Major = 2\n"},
}

BIG_GOMOD = """\
module example.com/big

go 1.24

require (
	example.com/big/tools v0.0.0-00010101000000-000000000000
	example.com/dep v1.2.0
	example.com/old v1.0.0
	gopkg.in/fake.v1 v1.0.0
)

replace example.com/big/tools => ./tools

tool example.com/big/cmd/bigtool
"""


def _package(number: int) -> str:
    """pkg/pNN imports its predecessor (aliased now and then) and the package at half its
    number: 56 packages in a chain, no cycles."""
    name = f"p{number:02d}"
    imports: list[str] = []
    body = "1"
    if number > 0:
        before = f"p{number - 1:02d}"
        if number % 7 == 0:
            imports.append(f'\tprev "{BIG}/pkg/{before}"')
            body = f"prev.V{number - 1:02d}() + 1"
        else:
            imports.append(f'\t"{BIG}/pkg/{before}"')
            body = f"{before}.V{number - 1:02d}() + 1"
    if number > 2 and number // 2 != number - 1:
        half = f"p{number // 2:02d}"
        imports.append(f'\t"{BIG}/pkg/{half}"')
        body += f" + {half}.V{number // 2:02d}()"
    imports.sort(key=lambda line: line.split('"')[1])
    block = "import (\n" + "\n".join(imports) + "\n)\n\n" if imports else ""
    clause = (
        f'package {name} // import "{BIG}/pkg/{name}"' if number % 10 == 0 else f"package {name}"
    )
    return f"{clause}\n\n{block}func V{number:02d}() int {{ return {body} }}\n"


def big_files() -> dict[str, str]:
    files = {"go.mod": BIG_GOMOD}
    for number in range(PACKAGES - 3):
        files[f"pkg/p{number:02d}/p{number:02d}.go"] = _package(number)
    files["pkg/p05/p05_test.go"] = f"""\
package p05_test

import (
	"testing"

	"{BIG}/pkg/p05"
)

func TestV05(t *testing.T) {{
	if p05.V05() < 1 {{
		t.Fatal("V05")
	}}
}}
"""
    files["internal/util/util.go"] = f"""\
package util

import (
	. "{BIG}/pkg/p01"
	_ "{BIG}/pkg/p02"
)

func Twice() int {{ return 2 * V01() }}
"""
    # One group whose order changes: tools/ is another module and keeps its path, so it sorts
    # before the moved v2/ paths afterwards. The trailing comments are aligned by gofmt.
    files["mixed/mixed.go"] = f"""\
// Package mixed imports from every kind of module; see [{BIG}/pkg/p52.V52].
package mixed

import (
	"example.com/dep"
	"example.com/dep/sub"
	"example.com/old"
	"gopkg.in/fake.v1"

	"{BIG}/internal/util" // same module, moves
	zz "{BIG}/pkg/p03"    // aliased
	"{BIG}/pkg/p52"       // same module, moves
	"{BIG}/tools/helper"  // a nested module: stays
)

func All() string {{
	_ = old.Major + fake.Major + util.Twice() + p52.V52() + zz.V03()
	return dep.Hello() + sub.Name + helper.Name
}}
"""
    files["cmd/bigtool/main.go"] = f"""\
package main

import "{BIG}/mixed"

func main() {{ println(mixed.All()) }}
"""
    files["tools/go.mod"] = "module example.com/big/tools\n\ngo 1.21\n"
    files["tools/helper/helper.go"] = 'package helper\n\nconst Name = "helper"\n'
    return files


APP_GOMOD = """\
module example.com/app

go 1.24

require example.com/big v1.0.0

replace example.com/big => ../big
"""

APP_MAIN = f"""\
package main

import (
	"fmt"

	"{BIG}/pkg/p10"
)

func main() {{ fmt.Println(p10.V10()) }}
"""

MINE_GOMOD = "module gopkg.in/mine.v1\n\ngo 1.21\n"


def write_workspace(root: Path) -> Path:
    """root/big, root/app (through go.work and a replace), root/mine; returns root."""
    write_files(root / "big", big_files())
    write_files(root / "app", {"go.mod": APP_GOMOD, "main.go": APP_MAIN})
    write_files(
        root / "mine",
        {
            "go.mod": MINE_GOMOD,
            "mine.go": 'package mine\n\nimport "gopkg.in/mine.v1/inner"\n\n'
            "func Value() int { return inner.Value }\n",
            "inner/inner.go": "package inner\n\nconst Value = 1\n",
        },
    )
    (root / "go.work").write_text("go 1.24\n\nuse (\n\t./app\n\t./big\n)\n")
    return root


class GoTool:
    """The go command and gofmt, offline against the fixture proxy, with one build cache for
    the whole session (the standard library compiles once)."""

    def __init__(self, home: Path, proxy: Path) -> None:
        self.home = home
        self.proxy = write_proxy(proxy, PROXY_MODULES)
        go, goroot = go_binary()
        self.go = go
        self.gofmt = str(Path(goroot, "bin", "gofmt")) if goroot else "gofmt"
        self.goroot = goroot

    def env(self, gowork: Path | None = None) -> dict[str, str]:
        extra: dict[str, str] = {
            "GOPROXY": self.proxy.resolve().as_uri(),
            "GOSUMDB": "off",
            "GONOSUMDB": "*",
            "GOFLAGS": "" if gowork else "-mod=mod",
            "GOWORK": str(gowork) if gowork else "off",
            "XDG_CONFIG_HOME": str(telemetry_off(self.home)),
            "GOTELEMETRY": "off",
            "LC_ALL": "C",
        }
        if self.goroot:
            extra["GOROOT"] = self.goroot
        return offline_go_env(self.home, **extra)

    def run(
        self, args: list[str], cwd: Path, gowork: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.go, *args],
            cwd=cwd,
            env=self.env(gowork),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def must(self, args: list[str], cwd: Path, gowork: Path | None = None) -> str:
        proc = self.run(args, cwd, gowork)
        assert proc.returncode == 0, f"go {' '.join(args)} in {cwd}:\n{proc.stderr}"
        return proc.stdout

    def unformatted(self, directory: Path) -> list[str]:
        proc = subprocess.run(
            [self.gofmt, "-l", "."],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.split()

    def modules_of_deps(self, directory: Path, gowork: Path | None = None) -> set[str]:
        """The module of every package `./...` and its tests build."""
        out = self.must(
            ["list", "-deps", "-test", "-f", "{{with .Module}}{{.Path}}{{end}}", "./..."],
            directory,
            gowork,
        )
        return set(out.split())

    def build_and_vet(self, directory: Path, gowork: Path | None = None) -> None:
        self.must(["build", "./..."], directory, gowork)
        self.must(["vet", "./..."], directory, gowork)


def tidy_sums(tool: GoTool, modules: Mapping[str, Path]) -> None:
    """go.sum files for each module (alone, with its replaces), so that workspace builds find
    their checksums."""
    for directory in modules.values():
        tool.must(["mod", "tidy"], directory)
