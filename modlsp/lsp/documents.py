"""Open documents: their text as the client's edits leave it, and analysed snapshots, one per
(uri, version), computed on demand."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.workspace import TextDocument, Workspace

from modlsp.core.analysis import Analysis, CheckOptions, FileKind, analyze
from modlsp.core.problems import Problem
from modlsp.lsp.positions import PositionMapper


@dataclass(frozen=True, slots=True)
class Snapshot:
    uri: str
    version: int | None
    data: bytes
    analysis: Analysis
    mapper: PositionMapper
    disabled: frozenset[str]

    @property
    def problems(self) -> list[Problem]:
        return [p for p in self.analysis.problems if p.code not in self.disabled]


def file_name(uri: str) -> str:
    path = unquote(urlparse(uri).path) or uri
    return path.rstrip("/").rsplit("/", 1)[-1]


def open_document(workspace: Workspace, uri: str) -> TextDocument | None:
    """The open document `uri` names, however the client percent-escaped it: pygls keys its
    documents by the unescaped URI, so a raw lookup misses every path with a space or another
    escaped character. The document's own `uri` is the client's, the one to publish under."""
    found: TextDocument | None = workspace.text_documents.get(unquote(uri))
    return found


class Snapshots:
    """Caches the latest analysis of each document; a new version replaces the old one."""

    def __init__(self) -> None:
        self._latest: dict[str, Snapshot] = {}

    def get(
        self,
        uri: str,
        kind: FileKind,
        version: int | None,
        text: str,
        encoding: str,
        options: CheckOptions,
        disabled: frozenset[str],
    ) -> Snapshot:
        cached = self._latest.get(uri)
        if (
            cached is not None
            and cached.version == version
            and cached.disabled == disabled
            and (version is not None or cached.data == text.encode("utf-8", "surrogatepass"))
        ):
            return cached
        data = text.encode("utf-8", "surrogatepass")
        analysis = analyze(data, kind, file_name(uri), options)
        snapshot = Snapshot(uri, version, data, analysis, PositionMapper(data, encoding), disabled)
        self._latest[uri] = snapshot
        return snapshot

    def forget(self, uri: str) -> None:
        self._latest.pop(uri, None)

    def judging_godebugs(self) -> list[str]:
        """The documents whose analysis checked godebug directives against a GODEBUG table."""
        return [uri for uri, s in self._latest.items() if s.analysis.model.godebugs]

    def clear(self) -> None:
        self._latest.clear()


# --- applying the client's edits --------------------------------------------------------------
#
# pygls's TextDocument.apply_change converts each position one character at a time in Python
# and rebuilds the document line by line: a keystroke costs time in proportion to its line's
# length (0.3 ms a keystroke, typing a line of 1,000 characters), and a burst of edits backs
# up. Here every step is a C-level scan (a regular expression, str.isascii, bytes.translate);
# only characters outside the BMP (UTF-16) are visited one by one. Lines end at "\n", "\r\n"
# or a lone "\r", as LSP says, not at the other breaks str.splitlines knows (U+2028, form
# feed, ...).

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_UTF8_CONTINUATION = bytes(range(0x80, 0xC0))


def column_index(line: str, character: int, encoding: str) -> int:
    """The index into `line` (code points, no line break) of a client column counted in
    `encoding`'s code units: the number of characters that start before it. A column inside a
    character (half a surrogate pair, a byte inside a UTF-8 sequence) is after it; one past the
    end is the end."""
    if character <= 0:
        return 0
    if encoding == types.PositionEncodingKind.Utf32 or line.isascii():
        return min(character, len(line))
    if encoding == types.PositionEncodingKind.Utf8:
        data = line.encode("utf-8", "surrogatepass")
        if character >= len(data):
            return len(line)
        head = data[:character]
        return len(head.translate(None, _UTF8_CONTINUATION))  # the characters' first bytes
    # UTF-16: one code unit per character, two for those outside the BMP.
    extra = 0  # second code units so far
    after = 0  # the index after the last such character that starts before the column
    for found in _ASTRAL.finditer(line):
        if found.start() + extra >= character:
            break
        extra += 1
        after = found.start() + 1
    return min(max(character - extra, after), len(line))


@dataclass(slots=True)
class LineCursor:
    """Where one line of a document's current text starts, kept from edit to edit.

    Typing edits a line near the last one edited: the next line start is found from here
    with a few C-level finds instead of splitting the text up to it (24 us at line 600, twice
    a keystroke; a burst of 1,000 keystrokes at the end of the file paid 50 ms). An edit
    leaves every line start before its own offset where it was, so the cursor stays valid
    when it is set to the edited line before the edit is applied."""

    line: int = 0
    start: int = 0

    def reset(self) -> None:
        self.line, self.start = 0, 0  # line 0 starts at 0 in every text


# Lines a cursor walks to reach a line; further, a split is cheaper.
_WALK = 64


def text_index(
    text: str, position: types.Position, encoding: str, cursor: LineCursor | None = None
) -> int:
    """The index into `text` of a client position; a line past the last is the text's end.
    `cursor` (a line start valid in `text`) is used and moved to the position's line."""
    start = 0
    if position.line > 0:
        found_start = _line_start(text, position.line, cursor)
        if found_start is None:
            return len(text)
        start = found_start
    elif cursor is not None:
        cursor.reset()
    found = _LINE_BREAK.search(text, start)
    end = found.start() if found is not None else len(text)
    return start + column_index(text[start:end], position.character, encoding)


def _line_start(text: str, line: int, cursor: LineCursor | None) -> int | None:
    """Where line `line` (> 0) starts; None past the last line."""
    if "\r" in text:
        # \r\n and lone \r breaks too: islice skips the earlier breaks without Python
        # bytecode. (The cursor counts "\n" only.)
        if cursor is not None:
            cursor.reset()
        before = next(itertools.islice(_LINE_BREAK.finditer(text), line - 1, None), None)
        return before.end() if before is not None else None
    start = _walk(text, line, cursor) if cursor is not None else None
    if start is None:
        # One C-level split up to the line (a match object per line costs 0.2 ms at line 600).
        pieces = text.split("\n", line)
        if len(pieces) <= line:
            return None
        start = len(text) - len(pieces[-1])
    if cursor is not None:
        cursor.line, cursor.start = line, start
    return start


def _walk(text: str, line: int, cursor: LineCursor) -> int | None:
    """Line `line`'s start found from the cursor's, None when it is far (or past the end)."""
    start = cursor.start
    if cursor.line <= line <= cursor.line + _WALK:
        for _ in range(line - cursor.line):
            start = text.find("\n", start) + 1
            if start == 0:
                return None
        return start
    if line < cursor.line <= line + _WALK:
        for _ in range(cursor.line - line):
            start = text.rfind("\n", 0, start - 1) + 1
        return start
    return None


def apply_changes(
    text: str,
    changes: Sequence[types.TextDocumentContentChangeEvent],
    encoding: str,
    cursor: LineCursor | None = None,
) -> str:
    """`text` after a didChange's content changes, applied in order; positions in `encoding`
    ("utf-8", "utf-16" or "utf-32"). A range whose end is before its start is taken as empty.
    `cursor`: a line start valid in `text`, left valid in the result."""
    for change in changes:
        if isinstance(change, types.TextDocumentContentChangePartial):
            start = text_index(text, change.range.start, encoding, cursor)
            # The start's line begins at or before the edit: still valid after it.
            kept = (cursor.line, cursor.start) if cursor is not None else None
            end = max(start, text_index(text, change.range.end, encoding, cursor))
            text = text[:start] + change.text + text[end:]
            if cursor is not None and kept is not None:
                cursor.line, cursor.start = kept
        else:
            text = change.text
            if cursor is not None:
                cursor.reset()
    return text
