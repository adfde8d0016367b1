"""Turning a whole new text into the smallest line edits, so editors keep marks and cursors."""

from __future__ import annotations

import difflib

from modlsp.core.problems import Edit
from modlsp.core.text import Span


def minimal_edits(before: bytes, after: bytes) -> list[Edit]:
    if before == after:
        return []
    old = before.splitlines(keepends=True)
    new = after.splitlines(keepends=True)
    starts = [0]
    for line in old:
        starts.append(starts[-1] + len(line))
    edits: list[Edit] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        text = b"".join(new[j1:j2]).decode("utf-8", "surrogateescape")
        edits.append(Edit(Span(starts[i1], starts[i2]), text))
    return edits


def unified_diff(name: str, before: bytes, after: bytes) -> list[str]:
    """A unified diff of two versions of a file, as `diff -u` / `go mod tidy -diff` print it."""
    return list(
        difflib.unified_diff(
            before.decode("utf-8", "replace").splitlines(keepends=True),
            after.decode("utf-8", "replace").splitlines(keepends=True),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
        )
    )
