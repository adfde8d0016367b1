"""Emacs + eglot, configured with the README's snippet verbatim, against the real server.

Emacs, eglot and go-mode come from Debian (tests/editors/install-tools installs them)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import MAIN_GO

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).parent / "emacs" / "eglot-e2e.el"

GO_MOD = (
    "module example.com/hello\n"
    "\n"
    "go 1.22\n"
    "\n"
    "requre golang.org/x/text v0.14.0\n"
    "\n"
    "require golang.org/x/mod v0.17\n"
)
UNKNOWN = "modlsp [unknown-directive]: unknown directive: requre"
NONCANONICAL = (
    'modlsp [noncanonical-version]: version "v0.17" is not canonical: '
    "the go command will rewrite it to v0.17.0"
)


def readme_eglot_config() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- eglot-config -->\n```elisp\n(.*?)```", readme, re.DOTALL)
    assert block is not None, "README has no eglot config block"
    return block.group(1)


def test_eglot_with_the_readme_config(tmp_path: Path, gomodcache: Path) -> None:
    emacs = shutil.which("emacs")
    assert emacs, "emacs is not installed: run tests/editors/install-tools"
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "go.mod").write_text(GO_MOD)
    (workspace / "main.go").write_text(MAIN_GO)
    config = tmp_path / "config.el"
    # Debian's elpa packages (eglot, go-mode) are activated by package.el, as in a user's init.
    config.write_text("(require 'package)\n(package-initialize)\n" + readme_eglot_config())
    report = tmp_path / "report.json"
    env = {
        **os.environ,
        # The README's "modlsp" is this checkout's server.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "GOMODCACHE": str(gomodcache),
    }
    command = ["timeout", "90", emacs, "--batch", "-l", str(config), "-l", str(SCRIPT)]
    result = subprocess.run(
        [*command, str(workspace), str(report)],
        capture_output=True,
        text=True,
        env=env,
        cwd=workspace,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    observed = json.loads(report.read_text())
    assert "error" not in observed, (observed["error"], result.stderr[-3000:])

    assert observed["mode"] == "go-dot-mod-mode"
    assert observed["server"] == "modlsp"
    assert observed["diagnostics"] == [
        {"line": 5, "type": "eglot-error", "text": UNKNOWN},
        {"line": 7, "type": "eglot-warning", "text": NONCANONICAL},
    ]
    assert observed["line5"] == "require golang.org/x/text v0.14.0"
    assert observed["after"] == [{"line": 7, "type": "eglot-warning", "text": NONCANONICAL}]
    assert observed["go-managed"] is False
