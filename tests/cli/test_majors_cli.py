"""`modlsp bump-major` and `modlsp upgrade --major` as a user runs them: the summary, the diff,
-w, and a clear refusal (exit 2, files untouched) for every request that cannot be honoured.
The go command's verdict on the written files is in tests/majors."""

from __future__ import annotations

from pathlib import Path

import pytest
from majors.fixture import GoTool, write_workspace
from oracle.goproxy import write_files

from modlsp.cli import main
from modlsp.cli_majors import Neighbourhood, read_file, write_plan
from modlsp.core.majorbump import plan_bump
from modlsp.core.rename import RenamePlan


def snapshot_tree(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return write_workspace(tmp_path / "ws")


def test_without_w_it_prints_what_would_change_and_writes_nothing(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot_tree(workspace)
    assert main(["bump-major", str(workspace / "mine")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert (
        out[0] == "gopkg.in/mine.v1 -> gopkg.in/mine.v2: go.mod and 1 Go file (1 import to rewrite)"
    )
    assert out[-1] == "Run again with -w to write these files, or --diff to see the changes."
    assert snapshot_tree(workspace) == before


def test_diff_shows_every_file_and_exits_one(
    workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(workspace)
    assert main(["bump-major", "--diff", "mine"]) == 1
    diff = capsys.readouterr().out
    assert "--- a/mine/go.mod\n+++ b/mine/go.mod\n" in diff
    assert "-module gopkg.in/mine.v1\n+module gopkg.in/mine.v2\n" in diff
    assert '-import "gopkg.in/mine.v1/inner"\n+import "gopkg.in/mine.v2/inner"\n' in diff


def test_to_names_the_major_and_workspace_modules_follow(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bump-major", "--to", "v4", "-w", str(workspace / "big")]) == 0
    assert "example.com/big -> example.com/big/v4" in capsys.readouterr().err
    app = (workspace / "app" / "go.mod").read_text()
    assert "require example.com/big/v4 v4.0.0\n" in app
    assert "replace example.com/big/v4 => ../big\n" in app
    assert '"example.com/big/v4/pkg/p10"' in (workspace / "app" / "main.go").read_text()


def test_a_major_no_path_can_carry_is_refused(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot_tree(workspace)
    assert main(["bump-major", "--to", "1", str(workspace / "big")]) == 2
    assert "v1 is not a major version a module path can carry (v2 or later)" in (
        capsys.readouterr().err
    )
    assert snapshot_tree(workspace) == before


def test_a_major_that_is_no_number_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["bump-major", "--to", "seven", "."])
    assert stopped.value.code == 2
    assert "'seven' is not a major version (a whole number, e.g. 3 or v3)" in (
        capsys.readouterr().err
    )


def test_a_lower_major_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_files(tmp_path, {"go.mod": "module example.com/m/v3\n\ngo 1.21\n"})
    assert main(["bump-major", "--to", "2", str(tmp_path)]) == 2
    assert "example.com/m/v3 is already at v3: the new major must be above it" in (
        capsys.readouterr().err
    )


def test_a_directory_without_module_and_a_broken_gomod_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bump-major", str(tmp_path)]) == 2
    assert "no go.mod here" in capsys.readouterr().err
    write_files(tmp_path, {"go.mod": "module example.com/m\n\nrequire example.com/x 1.0\n"})
    assert main(["bump-major", str(tmp_path)]) == 2
    assert "fix the go.mod's errors first" in capsys.readouterr().err
    assert (tmp_path / "go.mod").read_text().startswith("module example.com/m\n")


def test_a_module_already_in_the_workspace_is_not_overwritten(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(workspace / "big2", {"go.mod": "module example.com/big/v2\n\ngo 1.21\n"})
    (workspace / "go.work").write_text("go 1.24\n\nuse (\n\t./app\n\t./big\n\t./big2\n)\n")
    assert main(["bump-major", str(workspace / "big")]) == 2
    assert "module example.com/big/v2 already exists in" in capsys.readouterr().err


def test_a_file_changed_after_planning_is_left_alone(workspace: Path) -> None:
    place = Neighbourhood(workspace / "mine")
    assert place.main is not None
    plan = plan_bump(place.main, place.others, place.claimed(), read_file)
    assert isinstance(plan, RenamePlan)
    inner_user = workspace / "mine" / "mine.go"
    inner_user.write_text(inner_user.read_text() + "\n// edited meanwhile\n")
    failed = write_plan(plan)
    assert failed == [f"{inner_user}: changed while planning; not written (run again)"]
    assert "gopkg.in/mine.v1/inner" in inner_user.read_text()
    assert (workspace / "mine" / "go.mod").read_text().startswith("module gopkg.in/mine.v2\n")


@pytest.fixture(scope="module")
def tool(tmp_path_factory: pytest.TempPathFactory) -> GoTool:
    return GoTool(tmp_path_factory.mktemp("go-home"), tmp_path_factory.mktemp("proxy"))


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("example.com/nope", "example.com/nope is not required by"),
        ("example.com/dep@v2", "example.com/dep@v2: not a canonical version (like v2.3.0)"),
        ("example.com/dep@v2.9.0", "example.com/dep/v2@v2.9.0:"),
        ("example.com/dep/v2@v2.1.0", "example.com/dep/v2 is not required by"),
    ],
)
def test_upgrade_major_refusals(
    workspace: Path,
    tool: GoTool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    target: str,
    message: str,
) -> None:
    monkeypatch.setenv("GOPROXY", tool.proxy.resolve().as_uri())
    before = snapshot_tree(workspace)
    assert main(["upgrade", "--major", "-C", str(workspace / "big"), target]) == 2
    assert message in capsys.readouterr().err
    assert snapshot_tree(workspace) == before


def test_upgrade_major_takes_exactly_one_module(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["upgrade", "--major", "-C", str(workspace / "big")]) == 2
    assert "upgrade --major takes one module" in capsys.readouterr().err


def test_upgrade_major_says_when_no_newer_major_is_known(
    workspace: Path,
    tool: GoTool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GOPROXY", tool.proxy.resolve().as_uri())
    gomod = workspace / "big" / "go.mod"
    gomod.write_text(
        gomod.read_text().replace("example.com/dep v1.2.0", "example.com/dep/v2 v2.1.0")
    )
    assert main(["upgrade", "--major", "-C", str(workspace / "big"), "example.com/dep/v2"]) == 2
    assert "no newer major version of example.com/dep/v2 is known" in capsys.readouterr().err
