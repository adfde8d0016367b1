"""What modlsp may run and say (README, "Security and privacy"): no shell and no program from
the workspace, subprocesses only where the go command is asked `go env`, with fixed argument
lists; credentials in a GOPROXY URL never reach a message."""

from __future__ import annotations

import ast
import os
import socket
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "modlsp"
# The only modules that start processes: `go env` for GOPROXY & co, GOMODCACHE and GODEBUG.
SPAWNERS = {"core/goenv.py"}
SHELL_CALLS = {"system", "popen", "spawnl", "spawnlp", "spawnv", "spawnvp", "execv", "execvp"}


def _calls(path: Path) -> list[ast.Call]:
    return [
        n for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(n, ast.Call)
    ]


def test_no_shell_and_processes_only_for_go_env() -> None:
    spawning: set[str] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        for call in _calls(path):
            function = call.func
            if isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name):
                owner, attribute = function.value.id, function.attr
                assert not (owner == "os" and attribute in SHELL_CALLS), f"{name}: os.{attribute}"
                if owner == "subprocess" or (owner == "asyncio" and "subprocess" in attribute):
                    spawning.add(name)
                    assert not any(k.arg == "shell" for k in call.keywords), f"{name}: shell="
                    # The argument list is built in the call, never a string for a shell.
                    assert call.args and isinstance(call.args[0], ast.List), name
                    # The child never shares the server's stdin, where the client's messages
                    # arrive (the transport moves them off fd 0; this holds without it too).
                    stdin = [k.value for k in call.keywords if k.arg == "stdin"]
                    assert [ast.unparse(v) for v in stdin] == ["subprocess.DEVNULL"], name
    assert spawning == SPAWNERS


def _refused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_proxy_credentials_never_appear_in_messages(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text(
        "module example.com/m\n\ngo 1.21\n\nrequire example.com/dep v1.0.0\n"
    )
    secret = "hunter2-not-for-logs"
    result = subprocess.run(
        [sys.executable, "-m", "modlsp", "check", "--upgrades", "go.mod"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={
            **os.environ,
            "GOPROXY": f"https://me:{secret}@127.0.0.1:{_refused_port()}",
            "GOMODCACHE": str(tmp_path / "modcache"),
            "MODLSP_CACHE_DIR": str(tmp_path / "cache"),
        },
        timeout=60,
    )
    assert "127.0.0.1" in result.stderr  # the outage is reported, naming the proxy ...
    assert secret not in result.stderr + result.stdout  # ... without its password
