"""The real `go mod tidy` on every fixture of tidy_fixtures.py, checked against what it was
observed to do (go 1.27.3): the requirements it leaves in go.mod (EXPECTED), whether go.mod
changes at all, the go line, and that it needs nothing beyond the fixture's module cache.

Each fixture is written below `tmp_path` (proxy, workspace, populated module cache) and tidied
there with `goproxy.go_tidy`: offline, GOPROXY=file://..., GOTOOLCHAIN=local.  The tables
document the go command's behaviour for modlsp's own tidy; the comments on the fixtures in
tidy_fixtures.py say why go does what it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from modlsp.cli_modules import module_of_gomod
from modlsp.core.index import ModuleIndex
from modlsp.core.modcache import ModuleCache
from modlsp.core.modfile import FileKind
from modlsp.core.project import judge
from modlsp.core.reader import read
from modlsp.core.tidy import TidyPlan
from modlsp.core.tidycheck import tidied

from .gocmd import GO_MISSING_MESSAGE
from .goproxy import cache_files, go_tidy, go_version, materialize
from .tidy_fixtures import FIXTURES, TidyFixture

DIRECT = False
INDIRECT = True

MIN_FIXTURES = 25

# Fixture name -> go.mod requirements after `go mod tidy`: path -> (version, `// indirect`).
EXPECTED: dict[str, dict[str, tuple[str, bool]]] = {
    "already-tidy": {
        "example.com/a": ("v1.0.0", DIRECT),
        "example.com/b": ("v1.0.0", INDIRECT),
    },
    "unused-requirement": {
        "example.com/a": ("v1.0.0", DIRECT),
    },
    "missing-requirement-latest": {
        "example.com/c": ("v1.1.0", DIRECT),
    },
    "direct-marked-indirect": {
        "example.com/a": ("v1.0.0", DIRECT),
    },
    "indirect-not-marked": {
        "example.com/a": ("v1.0.0", DIRECT),
        "example.com/b": ("v1.0.0", INDIRECT),
    },
    "raise-transitive": {
        "example.com/a": ("v1.0.0", DIRECT),
        "example.com/b": ("v1.1.0", INDIRECT),
    },
    "unpruned-dependency": {
        "example.com/a": ("v1.0.0", DIRECT),
        "example.com/w": ("v1.0.0", INDIRECT),
    },
    "pruned-dependency": {
        "example.com/a": ("v1.0.0", DIRECT),
        "example.com/w": ("v1.2.0", INDIRECT),
    },
    "unpruned-dependency-version-kept": {
        "example.com/a": ("v1.0.0", DIRECT),
        "example.com/x": ("v1.0.0", DIRECT),
    },
    "go-line-raised-by-dependency": {
        "example.com/a": ("v1.0.0", DIRECT),
    },
    "partial-cache": {
        "example.com/a": ("v1.1.0", DIRECT),
    },
    "main-go-1.16": {
        "example.com/a": ("v1.0.0", DIRECT),
    },
    "main-no-go-line": {
        "example.com/a": ("v1.0.0", DIRECT),
        "example.com/b": ("v1.0.0", INDIRECT),
    },
    "test-imports-in-package": {
        "example.com/a": ("v1.0.0", DIRECT),
        "example.com/assert": ("v1.0.0", DIRECT),
    },
    "test-imports-external-package": {
        "example.com/assert": ("v1.0.0", DIRECT),
    },
    "dependency-test-imports": {
        "example.com/a": ("v1.0.0", DIRECT),
    },
    "dependency-test-imports-unlisted": {
        "example.com/a": ("v1.0.0", DIRECT),
        "example.com/at": ("v1.0.0", INDIRECT),
    },
    "build-ignore-tag": {
        "example.com/a": ("v1.0.0", DIRECT),
    },
    "build-constraints-all-tags": {
        "example.com/darm": ("v1.0.0", DIRECT),
        "example.com/lin": ("v1.0.0", DIRECT),
        "example.com/neg": ("v1.0.0", DIRECT),
        "example.com/plan": ("v1.0.0", DIRECT),
        "example.com/win": ("v1.0.0", DIRECT),
    },
    "import-forms": {
        "example.com/alias": ("v1.0.0", DIRECT),
        "example.com/blank": ("v1.0.0", DIRECT),
        "example.com/cgo": ("v1.0.0", DIRECT),
        "example.com/dot": ("v1.0.0", DIRECT),
    },
    "nested-module-ignored": {
        "example.com/a": ("v1.0.0", DIRECT),
    },
    "nested-module-imported": {
        "example.com/main/sub": ("v1.1.0", DIRECT),
    },
    "ignored-directories": {
        "example.com/a": ("v1.0.0", DIRECT),
    },
    "ignore-directive": {
        "example.com/a": ("v1.0.0", DIRECT),
        "example.com/kept": ("v1.0.0", DIRECT),
    },
    "package-in-two-modules-lookup": {
        "example.com/a/b": ("v1.0.0", DIRECT),
    },
    "package-in-two-modules-required": {
        "example.com/a": ("v1.0.0", DIRECT),
    },
    "major-version-v2": {
        "example.com/m": ("v1.5.0", DIRECT),
        "example.com/m/v2": ("v2.1.0", DIRECT),
    },
    "incompatible-version": {
        "example.com/legacy": ("v2.1.0+incompatible", DIRECT),
        "example.com/modern": ("v1.0.0", DIRECT),
        "example.com/old": ("v2.0.0+incompatible", DIRECT),
    },
    "replace-local-directory": {
        "example.com/b": ("v1.0.0", DIRECT),
        "example.com/c": ("v1.0.0", INDIRECT),
    },
    "replace-parent-directory-unrequired": {
        "example.com/b": ("v0.0.0-00010101000000-000000000000", DIRECT),
        "example.com/c": ("v1.0.0", INDIRECT),
    },
    "replace-module-version": {
        "example.com/a": ("v1.0.0", DIRECT),
        "example.com/d": ("v1.0.0", INDIRECT),
    },
    "exclude-required-version": {
        "example.com/a": ("v1.2.0", DIRECT),
    },
    "exclude-latest-version": {
        "example.com/a": ("v1.1.0", DIRECT),
    },
    "exclude-transitive-version": {
        "example.com/a": ("v1.0.0", DIRECT),
        "example.com/b": ("v1.0.0", INDIRECT),
    },
    "workspace-go-work": {
        "example.com/b": ("v1.0.0", DIRECT),
    },
    "tool-directive": {
        "example.com/tl": ("v1.0.0", INDIRECT),
        "example.com/tldep": ("v1.0.0", INDIRECT),
    },
    "tool-directive-unrequired": {
        "example.com/tl": ("v1.1.0", INDIRECT),
    },
    "dependency-imports-unlisted-module": {
        "example.com/a": ("v1.0.0", DIRECT),
        "example.com/z": ("v1.4.0", INDIRECT),
    },
}

# go.mod is byte for byte what tidy writes (go.sum may still change).
GOMOD_UNCHANGED = {
    "already-tidy",
    "unpruned-dependency-version-kept",
    "dependency-test-imports",
    "package-in-two-modules-required",
    "exclude-transitive-version",
}

# go.mod and go.sum both tidy: `go mod tidy -diff` exits 0.  (The other fixtures have no
# go.sum, so -diff always has something to say.)
FULLY_TIDY = {"already-tidy"}

# Tidy rewrites the go line: the version it writes; LOCAL is the running toolchain's version.
LOCAL = "<running toolchain>"
GO_LINE_AFTER = {
    "main-no-go-line": LOCAL,
    "go-line-raised-by-dependency": "1.23.4",
}

# `go mod tidy -diff` shows no go.mod section although tidy changes go.mod (it adds the
# missing go line without saying so).
DIFF_HIDES_GOMOD_CHANGE = {"main-no-go-line"}


@pytest.fixture(scope="module")
def local_go_version() -> str:
    try:
        return go_version()
    except RuntimeError:
        pytest.fail(GO_MISSING_MESSAGE, pytrace=False)


def _go_line(fixture: TidyFixture) -> str | None:
    gomod = fixture.files[f"{fixture.module_dir}/go.mod".removeprefix("./")]
    for line in gomod.splitlines():
        if line.startswith("go "):
            return line.split()[1]
    return None


def test_fixture_table() -> None:
    names = [f.name for f in FIXTURES]
    assert len(names) >= MIN_FIXTURES
    assert len(set(names)) == len(names), "fixture names must be unique"
    assert set(EXPECTED) == set(names)
    assert GOMOD_UNCHANGED | FULLY_TIDY | set(GO_LINE_AFTER) <= set(names)
    for f in FIXTURES:
        assert f"{f.module_dir}/go.mod".removeprefix("./") in f.files, f.name
        assert set(f.cached or ()) <= set(f.proxy), f.name


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.name)
def test_go_mod_tidy(fixture: TidyFixture, tmp_path: Path, local_go_version: str) -> None:
    workspace, gomodcache, proxy = materialize(fixture, tmp_path)
    cached = set(fixture.proxy) if fixture.cached is None else set(fixture.cached)
    assert cache_files(gomodcache) == {f"{key}{ext}" for key in cached for ext in (".mod", ".zip")}

    module_dir = workspace / fixture.module_dir
    ours = modlsp_tidy(module_dir, gomodcache)  # before go changes anything
    outcome = go_tidy(module_dir, tmp_path / "home", proxy, workspace=workspace)
    shown = f"go mod tidy -diff:\n{outcome.diff}\ngo mod tidy stderr:\n{outcome.stderr}"
    assert outcome.requires == EXPECTED[fixture.name], shown
    # modlsp, offline and without the go command, plans exactly the same requirements, knows
    # it has seen everything it needs, and its tidied go.mod lists them.
    assert ours.plan.complete, (ours.plan.unavailable, ours.plan.unresolved)
    planned = {p: (r.version, r.indirect) for p, r in ours.plan.requires.items()}
    assert planned == outcome.requires, shown
    assert ours.tidied_requires == outcome.requires
    assert outcome.gomod_changed == (fixture.name not in GOMOD_UNCHANGED), shown
    assert outcome.changed == (fixture.name not in FULLY_TIDY), shown
    diff_shows_gomod = "--- current/go.mod" in outcome.diff
    assert diff_shows_gomod == (
        outcome.gomod_changed and fixture.name not in DIFF_HIDES_GOMOD_CHANGE
    ), shown
    go_line = GO_LINE_AFTER.get(fixture.name, _go_line(fixture))
    assert outcome.go_line == (local_go_version if go_line == LOCAL else go_line), shown
    # Everything tidy needed was in the module cache already.
    assert outcome.fetched == (), shown


@dataclass(frozen=True)
class ModlspTidy:
    plan: TidyPlan
    tidied_requires: dict[str, tuple[str, bool]]


def modlsp_tidy(module_dir: Path, gomodcache: Path) -> ModlspTidy:
    """modlsp's tidy of a module, from its files and the module cache alone."""
    module = module_of_gomod(module_dir / "go.mod")
    assert module is not None
    judgement = judge(
        ModuleIndex.scan_disk(module), module.gomod.read_bytes(), ModuleCache(gomodcache)
    )
    assert judgement.plan is not None
    tidied_model = read(tidied(judgement.model, judgement.plan), FileKind.GOMOD, "go.mod")
    return ModlspTidy(
        judgement.plan, {r.path: (r.version, r.indirect) for r in tidied_model.requires}
    )
