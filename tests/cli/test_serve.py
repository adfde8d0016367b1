"""`modlsp serve` from the command line: flags, and what lands in the log."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def _frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


SESSION = b"".join(
    _frame(m)
    for m in [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None},
        {"jsonrpc": "2.0", "method": "exit", "params": None},
    ]
)


def _serve(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "modlsp", *args], input=SESSION, capture_output=True, timeout=60
    )


def test_stdio_session_with_vscode_flag_and_log_file(tmp_path: Path) -> None:
    log = tmp_path / "modlsp.log"
    result = _serve("--stdio", "--log-file", str(log))
    assert result.returncode == 0, result.stderr
    assert b'"id": 1' in result.stdout and b'"capabilities"' in result.stdout
    text = log.read_text()
    # At the default level the log holds modlsp's own lines, not every JSON-RPC message
    # (pygls logs those at INFO; they once filled the stderr pipe of a client not reading it).
    assert "modlsp.lsp.protocol: sending" not in text
    assert result.stderr == b""


def test_debug_level_logs_the_messages(tmp_path: Path) -> None:
    log = tmp_path / "modlsp.log"
    result = _serve("serve", "--log-file", str(log), "--log-level", "debug")
    assert result.returncode == 0, result.stderr
    text = log.read_text()
    assert "modlsp.lsp.protocol: sending" in text
    assert """sending b'{"id": 2, "jsonrpc": "2.0", "result": null}'""" in text


def test_bad_tcp_address_is_a_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "modlsp", "serve", "--tcp", "nowhere"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--tcp wants HOST:PORT" in result.stderr
