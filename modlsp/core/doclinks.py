"""Go doc links to a moved module's packages: `[example.com/m/sub]`, `[example.com/m/sub.F]`,
`[example.com/m.T.Method]` in comments become `[example.com/m/v2/sub]` and so on, so the
rendered documentation of a new major version does not link to the old one.

Only text inside comments changes (a tree-sitter parse finds them, for the files that have a
candidate at all); the link's import path is what is left after dropping at most two trailing
`.Name` parts, as go/doc/comment reads `[pkg.Name]` and `[pkg.Name.Method]`."""

from __future__ import annotations

import re
from collections.abc import Callable

from modlsp.core.gosource import comment_spans
from modlsp.core.problems import Edit
from modlsp.core.text import Span

_NAME = re.compile(r"\.[A-Za-z_][A-Za-z0-9_]*\Z")


def doc_link_edits(data: bytes, old: str, rename: Callable[[str], str | None]) -> list[Edit]:
    """Edits for the doc links in `data`'s comments that name a package `rename` moves."""
    pattern = re.compile(rb"\[(" + re.escape(old.encode()) + rb"[^\]\s\[]*)\]")
    matches = list(pattern.finditer(data))
    if not matches:
        return []
    comments = comment_spans(data)
    edits = []
    for match in matches:
        start, end = match.span(1)
        if not any(c.start <= start and end <= c.end for c in comments):
            continue
        moved = _moved_link(match.group(1).decode("utf-8", "surrogateescape"), rename)
        if moved is not None:
            edits.append(Edit(Span(start, end), moved))
    return edits


def _moved_link(text: str, rename: Callable[[str], str | None]) -> str | None:
    path, names = text, ""
    for _ in range(3):
        moved = rename(path)
        if moved is not None:
            return moved + names
        found = _NAME.search(path)
        if found is None:
            return None
        path, names = path[: found.start()], found.group() + names
    return None
