"""Reading files of untrusted trees with a size cap: a Go file's imports live at its top, and a
go.mod or go.work beyond a mebibyte is no module file anyone wrote, so nothing is read past
MAX_HEAD_BYTES (a 5 GB file in a cloned repository costs one mebibyte of memory)."""

from __future__ import annotations

from pathlib import Path

MAX_HEAD_BYTES = 1 << 20


def read_head(path: Path) -> bytes | None:
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_HEAD_BYTES)
    except OSError:
        return None
