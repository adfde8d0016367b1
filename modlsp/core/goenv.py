"""Asking the installed go command about its environment, with a fixed argument list.

One `go env -json` answers every key modlsp reads (the proxy settings, the module cache, the
GOROOT whose GODEBUG table applies). Callers asking at the same time share one run: at
start-up the server's version sources, its GODEBUG table and its workspace scan each want an
answer within milliseconds of each other, and each go process costs a core for 20-40 ms
while the first go.mod is being analysed. Nothing is kept after a run: a later call (a
settings change) sees `go env -w` edits made meanwhile.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import threading
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

GO_ENV_KEYS = ("GOPROXY", "GOPRIVATE", "GONOPROXY", "GOMODCACHE", "GOAUTH", "GOROOT")


@dataclass
class _Run:
    done: threading.Event = field(default_factory=threading.Event)
    values: dict[str, str] | None = None


_lock = threading.Lock()
_running: dict[str, _Run] = {}  # executable -> the run in progress


def go_environment(go: str | None = None, timeout: float = 10.0) -> dict[str, str] | None:
    """`go env -json` for GO_ENV_KEYS; None when the go command is missing or fails."""
    executable = shutil.which(go or "go")
    if executable is None:
        return None
    with _lock:
        run = _running.get(executable)
        leading = run is None
        if run is None:
            run = _running[executable] = _Run()
    if not leading:
        run.done.wait(timeout)
        return run.values
    try:
        run.values = _ask(executable, timeout)
    finally:
        with _lock:
            del _running[executable]
        run.done.set()
    return run.values


def go_env(key: str, go: str | None = None, timeout: float = 10.0) -> str | None:
    """One of GO_ENV_KEYS ("" when unset); None when the go command is missing or fails."""
    values = go_environment(go, timeout)
    return None if values is None else values.get(key, "")


def _ask(executable: str, timeout: float) -> dict[str, str] | None:
    try:
        completed = subprocess.run(
            [executable, "env", "-json", *GO_ENV_KEYS],
            stdin=subprocess.DEVNULL,  # never the server's stdin, the client's messages
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
        values = json.loads(completed.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as err:
        log.info("go env -json failed: %s", err)
        return None
    if not isinstance(values, dict):
        return None
    return {k: v for k, v in values.items() if isinstance(k, str) and isinstance(v, str)}
