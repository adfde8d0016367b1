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
# One character of UTF-8 text as a client counts it: a well-formed sequence, a lone surrogate
# (a JSON "\ud800" the document holds encoded with surrogatepass: one UTF-16 code unit), or
# else a single byte that is not valid UTF-8 (one U+FFFD to an editor reading the file).
_CHARACTER = re.compile(
    rb"[\xf0-\xf4][\x80-\xbf]{3}|[\xe0-\xef][\x80-\xbf]{2}|[\xc2-\xdf][\x80-\xbf]|.", re.DOTALL
)


def _characters(text: bytes) -> list[bytes]:
    """`text` split into characters; a 4-byte one lies outside the BMP."""
    return _CHARACTER.findall(text)


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

    def _units(self, start: int, offset: int, end: int) -> int:
        """Code units from `start` to `offset` on a line ending at `end`; an offset inside a
        character counts as its start."""
        text = self._data[start:offset]
        if self._utf8 or text.isascii():
            return len(text)
        units = 0
        consumed = start
        for ch in _characters(self._data[start:end]):
            consumed += len(ch)
            if consumed > offset:
                break
            units += 2 if self._utf16 and len(ch) == 4 else 1
        return units

    def position(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self._data)))
        line = bisect.bisect_right(self._starts, offset) - 1
        end = self._line_end(line)
        offset = min(offset, end)
        return types.Position(line=line, character=self._units(self._starts[line], offset, end))

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
        for ch in _characters(text):
            if units >= wanted:
                break
            units += 2 if self._utf16 and len(ch) == 4 else 1
            consumed += len(ch)
        return start + consumed

    def span(self, range_: types.Range) -> Span:
        return Span(self.offset(range_.start), self.offset(range_.end))
