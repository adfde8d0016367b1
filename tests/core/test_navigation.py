"""Hover on imports, go to a requirement's go.mod and its references, on a real module cache
that the go command filled from a file:// proxy (oracle.goproxy), and a real workspace."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from oracle.goproxy import materialize
from oracle.tidy_fixtures import TidyFixture, go_file, gomod, lib, merge

from modlsp.cli_modules import module_of_gomod
from modlsp.core.gosource import GoSource, Import
from modlsp.core.index import ModuleIndex
from modlsp.core.modcache import ModuleCache
from modlsp.core.modfile import ModFile, Require
from modlsp.core.navigation import import_hover, require_definition, require_references
from modlsp.core.project import judge
from modlsp.core.text import Span
from modlsp.core.tidy import TidyPlan

MAIN = "example.com/main"

FIXTURE = TidyFixture(
    "navigation",
    proxy=merge(
        lib(
            "example.com/a@v1.0.0",
            "example.com/b",
            require=[
                "example.com/b v1.0.0",
                "example.com/c v1.0.0",
                "example.com/x v1.2.0",
                "example.com/Quiet v1.0.0",
            ],
        ),
        lib("example.com/b@v1.0.0"),
        lib("example.com/c@v1.0.0"),
        lib("example.com/x@v1.1.0", files={"y/y.go": go_file("y")}),
        lib("example.com/x@v1.2.0", files={"y/y.go": go_file("y")}),
        lib("example.com/Quiet@v1.0.0"),
        lib("example.com/z@v1.0.0"),
        lib("example.com/amb@v1.0.0", files={"sub/s.go": go_file("sub")}),
        lib("example.com/amb/sub@v1.0.0"),
        {
            "example.com/fork@v1.1.0": {
                "go.mod": gomod("example.com/f"),
                "f.go": go_file("f"),
            }
        },
    ),
    files={
        "go.mod": gomod(
            MAIN,
            require=[
                "example.com/a v1.0.0",
                "example.com/amb v1.0.0",
                "example.com/amb/sub v1.0.0",
                "example.com/f v1.0.0",
                "example.com/r v1.0.0",
                "example.com/x v1.1.0",
                "example.com/b v1.0.0 // indirect",
                "example.com/gone v1.0.0 // indirect",
                "example.com/Quiet v1.0.0 // indirect",
            ],
            extra=(
                "replace example.com/r => ./local/r\n"
                "replace example.com/f v1.0.0 => example.com/fork v1.1.0\n"
            ),
        ),
        "main.go": go_file(
            "main",
            "fmt",
            "example.com/a",
            "example.com/x/y",
            "example.com/c",
            "example.com/r",
            "example.com/f",
            f"{MAIN}/internal/util",
            "example.com/nowhere/pkg",
            "example.com/z",
        ),
        # Outside the build: the plan never loads these imports.
        "ignored.go": go_file(
            "main",
            "C",
            "./rel",
            "example.com/b",
            "example.com/x",
            "example.com/Quiet",
            "example.com/amb/sub",
            f"{MAIN}/gone",
            build="ignore",
        ),
        "internal/util/util.go": go_file("util", "strings", "example.com/x"),
        "local/r/go.mod": gomod("example.com/r"),
        "local/r/r.go": go_file("r"),
    },
)


@dataclass(frozen=True)
class Materialized:
    workspace: Path
    gomodcache: Path
    plan: TidyPlan
    model: ModFile
    files: list[tuple[Path, GoSource]]

    def source(self, name: str) -> GoSource:
        return next(s for f, s in self.files if f == self.workspace / name)

    def imported(self, name: str, path: str) -> Import:
        return next(i for i in self.source(name).imports if i.path == path)

    def literal(self, name: str, path: str) -> Span:
        """The span of the quoted import path, found in the file's bytes."""
        data = (self.workspace / name).read_bytes()
        start = data.index(f'"{path}"'.encode())
        return Span(start, start + len(path) + 2)

    def require(self, path: str) -> Require:
        return next(r for r in self.model.requires if r.path == path)


@pytest.fixture(scope="module")
def nav(tmp_path_factory: pytest.TempPathFactory) -> Materialized:
    workspace, gomodcache, _ = materialize(FIXTURE, tmp_path_factory.mktemp("navigation"))
    # The go command keeps only the .mod of a version it needed for the graph alone.
    shutil.rmtree(gomodcache / "example.com" / "!quiet@v1.0.0")
    for extra in (gomodcache / "cache/download/example.com/!quiet/@v").iterdir():
        if extra.suffix != ".mod":
            extra.unlink()
    module = module_of_gomod(workspace / "go.mod")
    assert module is not None
    index = ModuleIndex.scan_disk(module)
    judgement = judge(index, module.gomod.read_bytes(), ModuleCache(gomodcache))
    assert judgement.plan is not None
    return Materialized(workspace, gomodcache, judgement.plan, judgement.model, index.files())


def hover(nav: Materialized, path: str, *, file: str = "main.go", go_mod: bool = True) -> str:
    imported = nav.imported(file, path)
    requires = nav.model.requires if go_mod else None
    found = import_hover(nav.plan, imported, requires)
    assert found is not None
    assert found.span == imported.span == nav.literal(file, path)
    return found.markdown


def test_the_plan_seen_by_navigation(nav: Materialized) -> None:
    assert nav.plan.unresolved == ["example.com/nowhere/pkg"]
    assert {p: str(m) for p, m in nav.plan.added_for.items()} == {
        "example.com/z": "example.com/z@v1.0.0"
    }
    assert nav.plan.resolver.graph.selected_version("example.com/x") == "v1.2.0"


def test_hover_on_module_dependencies(nav: Materialized) -> None:
    assert hover(nav, "example.com/a") == (
        "`example.com/a` is provided by module `example.com/a` `v1.0.0`\n\n"
        "required directly by the main module"
    )
    assert hover(nav, "example.com/x/y") == (
        "`example.com/x/y` is provided by module `example.com/x` `v1.2.0`\n\n"
        "required directly by the main module (go.mod says `v1.1.0`; the build selects `v1.2.0`)"
    )
    assert hover(nav, "example.com/c") == (
        "`example.com/c` is provided by module `example.com/c` `v1.0.0`\n\n"
        "not required by the main module: selected through another requirement"
    )
    assert hover(nav, "example.com/b", file="ignored.go") == (
        "`example.com/b` is provided by module `example.com/b` `v1.0.0`\n\n"
        "required by the main module as `// indirect`"
    )


def test_hover_on_replaced_modules(nav: Materialized) -> None:
    assert hover(nav, "example.com/r") == (
        "`example.com/r` is provided by module `example.com/r` `v1.0.0`, replaced by "
        "`./local/r`\n\nrequired directly by the main module"
    )
    assert hover(nav, "example.com/f") == (
        "`example.com/f` is provided by module `example.com/f` `v1.0.0`, replaced by "
        "`example.com/fork` `v1.1.0`\n\nrequired directly by the main module"
    )


def test_hover_without_the_gomod_lines_tells_what_tidy_would_require(
    nav: Materialized,
) -> None:
    assert hover(nav, "example.com/c", go_mod=False) == (
        "`example.com/c` is provided by module `example.com/c` `v1.0.0`\n\n"
        "required directly by the main module"
    )
    assert hover(nav, "example.com/x/y", go_mod=False) == (
        "`example.com/x/y` is provided by module `example.com/x` `v1.2.0`\n\n"
        "required directly by the main module"
    )


def test_hover_on_std_own_and_missing_packages(nav: Materialized) -> None:
    assert hover(nav, "fmt") == (
        "`fmt` is a standard library package\n\n[pkg.go.dev/fmt](https://pkg.go.dev/fmt)"
    )
    util = (nav.workspace / "internal" / "util").as_uri()
    assert hover(nav, f"{MAIN}/internal/util") == (
        f"`{MAIN}/internal/util` is a package of this module (`{MAIN}`)\n\n"
        f"directory: [`./internal/util`]({util})"
    )
    assert hover(nav, "example.com/nowhere/pkg") == (
        "`example.com/nowhere/pkg`: no required module provides this package\n\n"
        "no module in the module cache provides it either"
    )
    assert hover(nav, "example.com/z") == (
        "`example.com/z`: no required module provides this package\n\n"
        "`go mod tidy` would add module `example.com/z` `v1.0.0` (found in the module cache)"
    )


def test_hover_on_imports_outside_the_plan(nav: Materialized) -> None:
    assert hover(nav, "C", file="ignored.go") == (
        "`C` is cgo's pseudo-package: the C declarations of the comment above it"
    )
    assert hover(nav, "./rel", file="ignored.go") == (
        "`./rel` is relative, but relative import paths are not supported in module mode"
    )
    assert hover(nav, "example.com/Quiet", file="ignored.go") == (
        "`example.com/Quiet`: unknown provider: the source of `example.com/Quiet` `v1.0.0` "
        "is not in the module cache"
    )
    assert hover(nav, "example.com/amb/sub", file="ignored.go") == (
        "`example.com/amb/sub`: ambiguous import: found in several modules: "
        "`example.com/amb/sub` `v1.0.0`, `example.com/amb` `v1.0.0`"
    )
    assert hover(nav, f"{MAIN}/gone", file="ignored.go") == (
        f"`{MAIN}/gone`: no required module provides this package\n\n"
        f"nor does this module (`{MAIN}`): it has no package in `./gone`"
    )


def test_definition_of_requirements(nav: Materialized) -> None:
    cache = nav.gomodcache
    expected = {
        "example.com/a": cache / "example.com" / "a@v1.0.0" / "go.mod",
        # go.mod says v1.1.0; a's requirement selects v1.2.0.
        "example.com/x": cache / "example.com" / "x@v1.2.0" / "go.mod",
        "example.com/r": (nav.workspace / "local" / "r" / "go.mod").resolve(),
        "example.com/f": cache / "example.com" / "fork@v1.1.0" / "go.mod",
        # Only the .mod is in the cache (escaped path).
        "example.com/Quiet": cache / "cache/download/example.com/!quiet/@v/v1.0.0.mod",
        "example.com/gone": None,
    }
    found = {path: require_definition(nav.plan, nav.require(path)) for path in expected}
    assert found == expected
    assert all(path.is_file() for path in found.values() if path is not None)


def test_references_of_requirements(nav: Materialized) -> None:
    main_go = nav.workspace / "main.go"
    util_go = nav.workspace / "internal" / "util" / "util.go"

    def refs(module: str) -> list[tuple[Path, Span]]:
        return require_references(nav.plan, nav.files, module)

    # ignored.go imports x and b too, but it is outside the build.
    assert refs("example.com/x") == [
        (main_go, nav.literal("main.go", "example.com/x/y")),
        (util_go, nav.literal("internal/util/util.go", "example.com/x")),
    ]
    assert refs("example.com/b") == []
    assert refs("example.com/r") == [(main_go, nav.literal("main.go", "example.com/r"))]
    assert refs("example.com/f") == [(main_go, nav.literal("main.go", "example.com/f"))]
    # Tidy's plan adds z for the import, so the import is z's.
    assert refs("example.com/z") == [(main_go, nav.literal("main.go", "example.com/z"))]
    assert refs("example.com/nowhere") == []
    assert refs(MAIN) == []
