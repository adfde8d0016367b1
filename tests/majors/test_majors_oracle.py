"""The go command judges both major-version refactorings: after `modlsp bump-major -w` and
`modlsp upgrade --major -w`, the modules build and vet, gofmt has nothing to say, and no
package of the old module path is left among the dependencies."""

from __future__ import annotations

from pathlib import Path

import pytest

from modlsp.cli import main

from .fixture import BIG, GoTool, tidy_sums, write_workspace


@pytest.fixture(scope="module")
def tool(tmp_path_factory: pytest.TempPathFactory) -> GoTool:
    return GoTool(tmp_path_factory.mktemp("go-home"), tmp_path_factory.mktemp("proxy"))


@pytest.fixture
def workspace(tmp_path: Path, tool: GoTool) -> Path:
    root = write_workspace(tmp_path / "ws")
    tidy_sums(tool, {"big": root / "big", "app": root / "app", "mine": root / "mine"})
    return root


def module_line(directory: Path) -> str:
    return (directory / "go.mod").read_text().splitlines()[0]


def test_the_fixture_builds_before_any_change(workspace: Path, tool: GoTool) -> None:
    """The checks below mean something only if the untouched fixture passes them too."""
    for name in ("big", "app", "mine"):
        assert tool.unformatted(workspace / name) == []
        tool.build_and_vet(workspace / name)
    tool.build_and_vet(workspace / "app", gowork=workspace / "go.work")
    assert BIG in tool.modules_of_deps(workspace / "big")


def test_bump_to_v2_builds_and_leaves_no_old_import(
    workspace: Path, tool: GoTool, capsys: pytest.CaptureFixture[str]
) -> None:
    big, app = workspace / "big", workspace / "app"
    assert main(["bump-major", "-w", str(big)]) == 0
    assert "example.com/big -> example.com/big/v2" in capsys.readouterr().err
    assert module_line(big) == "module example.com/big/v2"
    tool.build_and_vet(big)
    modules = tool.modules_of_deps(big)
    assert BIG not in modules
    assert {f"{BIG}/v2", f"{BIG}/tools", "example.com/dep"} <= modules
    # The nested module kept its path; the import group was re-sorted around it.
    mixed = (big / "mixed" / "mixed.go").read_text()
    assert mixed.index(f'"{BIG}/tools/helper"') < mixed.index(f'"{BIG}/v2/internal/util"')
    assert f'package p10 // import "{BIG}/v2/pkg/p10"' in (big / "pkg/p10/p10.go").read_text()
    assert f"see [{BIG}/v2/pkg/p52.V52]" in mixed  # a doc link
    assert f"tool {BIG}/v2/cmd/bigtool" in (big / "go.mod").read_text()
    # The workspace module that uses big followed: requirement, replace and imports.
    app_gomod = (app / "go.mod").read_text()
    assert f"require {BIG}/v2 v2.0.0" in app_gomod
    assert f"replace {BIG}/v2 => ../big" in app_gomod
    tool.build_and_vet(app)
    tool.build_and_vet(app, gowork=workspace / "go.work")
    assert BIG not in tool.modules_of_deps(app)
    for name in ("big", "app"):
        assert tool.unformatted(workspace / name) == []


def test_bump_twice_reaches_v3(workspace: Path, tool: GoTool) -> None:
    big = workspace / "big"
    assert main(["bump-major", "-w", str(big)]) == 0
    assert main(["bump-major", "-w", "--to", "3", str(big)]) == 0
    assert module_line(big) == "module example.com/big/v3"
    tool.build_and_vet(big)
    modules = tool.modules_of_deps(big)
    assert not modules & {BIG, f"{BIG}/v2"}
    assert tool.unformatted(big) == []
    tool.build_and_vet(workspace / "app", gowork=workspace / "go.work")


def test_bump_of_a_gopkg_in_module(workspace: Path, tool: GoTool) -> None:
    mine = workspace / "mine"
    assert main(["bump-major", "-w", str(mine)]) == 0
    assert module_line(mine) == "module gopkg.in/mine.v2"
    tool.build_and_vet(mine)
    assert tool.modules_of_deps(mine) == {"gopkg.in/mine.v2"}
    assert tool.unformatted(mine) == []


@pytest.mark.parametrize(
    ("target", "old", "new", "require"),
    [
        (
            "example.com/dep@v2.1.0",
            "example.com/dep",
            "example.com/dep/v2",
            "example.com/dep/v2 v2.1.0",
        ),
        ("example.com/dep", "example.com/dep", "example.com/dep/v2", "example.com/dep/v2 v2.1.0"),
        ("gopkg.in/fake.v1", "gopkg.in/fake.v1", "gopkg.in/fake.v2", "gopkg.in/fake.v2 v2.0.0"),
    ],
)
def test_cross_major_upgrade_builds(
    workspace: Path,
    tool: GoTool,
    monkeypatch: pytest.MonkeyPatch,
    target: str,
    old: str,
    new: str,
    require: str,
) -> None:
    big = workspace / "big"
    monkeypatch.setenv("GOPROXY", tool.proxy.resolve().as_uri())
    assert main(["upgrade", "--major", "-w", "-C", str(big), target]) == 0
    assert require in (big / "go.mod").read_text()
    tool.build_and_vet(big)
    modules = tool.modules_of_deps(big)
    assert old not in modules
    assert new in modules
    assert tool.unformatted(big) == []


def test_a_module_without_gomod_moves_to_incompatible(
    workspace: Path, tool: GoTool, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = workspace / "big"
    monkeypatch.setenv("GOPROXY", tool.proxy.resolve().as_uri())
    before = (big / "mixed" / "mixed.go").read_text()
    assert main(["upgrade", "--major", "-w", "-C", str(big), "example.com/old"]) == 0
    assert "example.com/old v2.0.0+incompatible" in (big / "go.mod").read_text()
    assert (big / "mixed" / "mixed.go").read_text() == before  # the path did not change
    tool.build_and_vet(big)
    assert tool.unformatted(big) == []
