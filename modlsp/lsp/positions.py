"""The one place byte offsets become LSP positions and back, in the negotiated encoding.

LSP counts columns in UTF-16 code units by default (UTF-8 bytes or UTF-32 code points when
negotiated) and ends lines at '\\n', '\\r\\n' or a lone '\\r'.
"""

from __future__ import annotations

import bisect
import re

from lsprotocol import types

from modlsp.core.text import Span

_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


class PositionMapper:
    __slots__ = ("_data", "_encoding", "_starts", "_utf8", "_utf16")

    def __init__(self, data: bytes, encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self._data = data
        # lsprotocol's enum members are str subclasses whose str() is "PositionEncodingKind.X":
        # compare by value.
        self._encoding = str(getattr(encoding, "value", encoding))
        self._utf8 = self._encoding == types.PositionEncodingKind.Utf8
        self._utf16 = self._encoding == types.PositionEncodingKind.Utf16
        self._starts = [0] + [m.end() for m in _LINE_BREAK.finditer(data)]

    def _line_end(self, line: int) -> int:
        """Byte offset where the line's text ends (before its line break)."""
        if line + 1 >= len(self._starts):
            return len(self._data)
        end = self._starts[line + 1] - 1
        if self._data[end : end + 1] == b"\n" and self._data[end - 1 : end] == b"\r":
            end -= 1
        return end

    def _units(self, text: bytes) -> int:
        if self._utf8 or text.isascii():
            return len(text)
        decoded = text.decode("utf-8", "replace")
        if self._utf16:  # characters outside the BMP take two UTF-16 code units
            return len(decoded) + sum(1 for ch in decoded if ord(ch) > 0xFFFF)
        return len(decoded)

    def position(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self._data)))
        line = bisect.bisect_right(self._starts, offset) - 1
        start = self._starts[line]
        offset = min(offset, self._line_end(line))
        return types.Position(line=line, character=self._units(self._data[start:offset]))

    def range(self, span: Span) -> types.Range:
        return types.Range(start=self.position(span.start), end=self.position(span.end))

    def offset(self, position: types.Position) -> int:
        """The byte offset of a client position; past-the-end positions clamp to the line end."""
        if position.line >= len(self._starts):
            return len(self._data)
        start = self._starts[position.line]
        end = self._line_end(position.line)
        text = self._data[start:end]
        wanted = position.character
        if self._utf8 or text.isascii():
            return start + min(wanted, len(text))
        units = 0
        consumed = 0
        for ch in text.decode("utf-8", "replace"):
            if units >= wanted:
                break
            units += 2 if self._utf16 and ord(ch) > 0xFFFF else 1
            consumed += len(ch.encode("utf-8"))
        return start + consumed

    def span(self, range_: types.Range) -> Span:
        return Span(self.offset(range_.start), self.offset(range_.end))
