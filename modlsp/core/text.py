"""Byte spans and line lookup: every position inside modlsp is a byte offset into the source."""

from __future__ import annotations

import bisect
from typing import NamedTuple


class Span(NamedTuple):
    """A half-open byte range [start, end) in a source file.

    A NamedTuple rather than a frozen dataclass: spans are made for every token and line on
    every keystroke, and a tuple is built four times faster."""

    start: int
    end: int

    def overlaps(self, other: Span) -> bool:
        if self.start == self.end or other.start == other.end:
            return other.start <= self.end and self.start <= other.end
        return self.start < other.end and other.start < self.end


class LineIndex:
    """Maps byte offsets to (line, byte column), both 0-based. Lines end at '\\n'."""

    __slots__ = ("_data", "_starts")

    def __init__(self, data: bytes) -> None:
        self._data = data
        starts = [0]
        find = data.find
        pos = find(b"\n")
        while pos >= 0:
            starts.append(pos + 1)
            pos = find(b"\n", pos + 1)
        self._starts = starts

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset) - 1

    def line_start(self, line: int) -> int:
        return self._starts[line]

    def line_end(self, line: int) -> int:
        """Offset of the line's end, before any '\\r\\n' or '\\n'."""
        if line + 1 < len(self._starts):
            end = self._starts[line + 1] - 1
            if end > self._starts[line] and self._data[end - 1 : end] == b"\r":
                end -= 1
            return end
        return len(self._data)

    def position(self, offset: int) -> tuple[int, int]:
        """(line, byte column) of an offset."""
        line = self.line_of(offset)
        return line, offset - self._starts[line]

    def char_position(self, offset: int) -> tuple[int, int]:
        """(line, column in Unicode code points), both 0-based; invalid bytes count as one."""
        line = self.line_of(offset)
        start = self._starts[line]
        prefix = self._data[start:offset]
        if prefix.isascii():
            return line, offset - start
        return line, len(prefix.decode("utf-8", "surrogateescape"))
