"""Asking the installed go command about its environment, with a fixed argument list."""

from __future__ import annotations

import logging
import shutil
import subprocess

log = logging.getLogger(__name__)


def go_env(key: str, go: str | None = None, timeout: float = 10.0) -> str | None:
    """`go env KEY` with a fixed argument list; None when go is missing or fails."""
    executable = go or shutil.which("go")
    if executable is None:
        return None
    try:
        return subprocess.run(
            [executable, "env", key],
            stdin=subprocess.DEVNULL,  # never the server's stdin, the client's messages
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as err:
        log.info("go env %s failed: %s", key, err)
        return None
