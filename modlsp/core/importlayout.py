"""The head of a Go file as gofmt lays out its imports: declarations, groups, runs of spec
lines with their aliases and trailing comments, read by a small tokenizer anchored on the
import literal spans gosource.scan found (no second parse). importrewrite plans its edits on
this layout; None means the head has a shape gofmt does not print and nothing may move."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from modlsp.core.gosource import Import
from modlsp.core.text import Span

# ---------------------------------------------------------------------------------------------
# Reading the head: tokens, declarations, specs and the lines they sit on

_NEWLINE, LINE_COMMENT, BLOCK_COMMENT, _STRING, _CODE, _SEMICOLON, _UNKNOWN = range(1, 8)
_TOKEN = re.compile(
    rb"[ \t]*(?:"  # blanks before a token, in the same match: a third fewer matches
    rb"(\n)"
    rb"|(//[^\r\n]*)"
    rb"|(/\*.*?\*/)"
    rb'|("(?:[^"\\\n]|\\.)*"|`[^`]*`)'
    rb"|([A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*|[().])"
    rb"|(;)"
    rb"|(.)"  # \r among others: CRLF files are rewritten in place only
    rb"|\Z)",
    re.DOTALL,
)
_LEADING_BLANKS = re.compile(rb"[ \t\r\n]*")
# Nearly every line of a gofmt'd import group, read in one match rather than token by token.
_PLAIN_SPEC_LINE = re.compile(
    rb'[ \t]*(?:([A-Za-z_][A-Za-z0-9_]*|\.)[ \t]+)?("[^"\\\n]*")[ \t]*(//[^\r\n]*)?\n'
)
_LINE_END = re.compile(rb"[ \t]*(//[^\r\n]*)?\n")


class _Token(NamedTuple):
    kind: int
    start: int
    end: int
    line: int


def _after_leading_comments(data: bytes) -> int:
    """Where the first token after the file's leading comments (its package clause) starts.

    Those comments are skipped without tokens: go/printer starts each of their lines in
    column 0, so none is a cell next to the package clause."""
    position = 0
    while True:
        position = _LEADING_BLANKS.match(data, position).end()  # type: ignore[union-attr]
        if data.startswith(b"//", position):
            newline = data.find(b"\n", position)
            position = len(data) if newline < 0 else newline
        elif data.startswith(b"/*", position):
            close = data.find(b"*/", position + 2)
            if close < 0:
                return position
            position = close + 2
        else:
            return position


class _Tokens:
    """The file's tokens from its package clause on, read on demand and filed by line.

    Lines are numbered from the package clause's (0); those above it hold only comments."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        first = _after_leading_comments(data)
        line_start = data.rfind(b"\n", 0, first) + 1
        self._position = first
        self.line_starts = [line_start]
        self.by_line: list[list[_Token]] = [[]]
        self.crossed: set[int] = set()  # lines a block comment or raw string spans
        if data[line_start:first].strip():  # a block comment ends before `package`
            self.crossed.add(0)
        self.failed = False

    def next(self) -> _Token | None:
        while self._position < len(self._data):
            match = _TOKEN.match(self._data, self._position)
            assert match is not None  # the last alternative matches anything
            self._position = match.end()
            kind = match.lastindex
            if kind is None:
                continue
            if kind == _UNKNOWN:
                self.failed = True
                return None
            start, end = match.span(kind)
            token = _Token(kind, start, end, len(self.line_starts) - 1)
            if kind == _NEWLINE:
                self._new_line(end)
            else:
                self.by_line[-1].append(token)
                if BLOCK_COMMENT <= kind <= _STRING:
                    self._cross_lines(token)
            return token
        return None

    def plain_spec_line(self, expected: Import) -> tuple[_Token, ...] | None:
        """`[name ]"path"[ // comment]` up to the newline, its literal being `expected`'s, as
        name and literal tokens; None, reading nothing, for any other line."""
        match = _PLAIN_SPEC_LINE.match(self._data, self._position)
        if match is None or match.span(2) != expected.span:
            return None
        name = match.group(1)
        if (name.decode() if name else None) != expected.name:
            return None
        line = len(self.line_starts) - 1
        tokens = [_Token(_STRING, *match.span(2), line)]
        if name:
            tokens.insert(0, _Token(_CODE, *match.span(1), line))
        self.by_line[-1].extend(tokens)
        if match.start(3) >= 0:
            self.by_line[-1].append(_Token(LINE_COMMENT, *match.span(3), line))
        self._position = match.end()
        self._new_line(match.end())
        return tuple(tokens)

    def line_end(self) -> bool:
        """Read the rest of the line if it holds at most a `//` comment."""
        match = _LINE_END.match(self._data, self._position)
        if match is None:
            return False
        if match.start(1) >= 0:
            line = len(self.line_starts) - 1
            self.by_line[-1].append(_Token(LINE_COMMENT, *match.span(1), line))
        self._position = match.end()
        self._new_line(match.end())
        return True

    def significant(self) -> _Token | None:
        """The next token that is not a comment, a newline or a `;`."""
        while (token := self.next()) is not None:
            if token.kind == _STRING or token.kind == _CODE:
                return token
        return None

    def on_this_line(self) -> _Token | None:
        """The next token other than a comment, None at the end of the line."""
        while (token := self.next()) is not None and token.kind != _NEWLINE:
            if token.kind >= _STRING:
                return token
        return None

    def finish_line(self) -> bool:
        """Read up to the next newline; False when the data ended first."""
        while (token := self.next()) is not None:
            if token.kind == _NEWLINE:
                return True
        return False

    def _new_line(self, start: int) -> None:
        self.line_starts.append(start)
        self.by_line.append([])

    def _cross_lines(self, token: _Token) -> None:
        newline = self._data.find(b"\n", token.start, token.end)
        if newline < 0:
            return
        self.crossed.add(token.line)
        while newline >= 0:
            self._new_line(newline + 1)
            self.crossed.add(len(self.line_starts) - 1)
            newline = self._data.find(b"\n", newline + 1, token.end)


class Spec(NamedTuple):
    nth: int  # its place in GoSource.imports
    decl: int
    grouped: bool  # in a parenthesized declaration
    tokens: tuple[_Token, ...]  # [import] [name] literal: what its line must hold
    literal: _Token


class _Group(NamedTuple):
    opening: int  # the line of `import (`
    closing: int  # the line of `)`
    specs: bool  # whether it has any


OPAQUE, NO_CELL, CELL, GROUP_CELL = range(4)


class _Line(NamedTuple):
    """A line as text/tabwriter sees it: `CELL` is code then a `//` comment at the top level,
    `GROUP_CELL` the same inside an import group (one column further right), `OPAQUE` a line
    whose cells are not known."""

    kind: int
    start: int
    cell_start: int  # where the aligned cell begins (after a group's indentation)
    cell_end: int  # where the code ends
    comment: int  # where the `//` comment starts; -1 without one
    end: int  # before the newline


@dataclass
class Layout:
    data: bytes
    tokens: _Tokens
    specs: list[Spec]
    groups: tuple[_Group, ...]
    last_line: int  # the last line read; the next one is looked at as bytes
    openings: frozenset[int] = frozenset()
    closings: frozenset[int] = frozenset()
    # go/printer puts a formfeed after the `import (` and before the `)` of a group with specs
    # (ending every tabwriter column there), and none in an empty group.
    feed_after: frozenset[int] = frozenset()
    feed_before: frozenset[int] = frozenset()
    _lines: dict[int, _Line] = field(default_factory=dict)
    _spec_at: dict[int, Spec] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.openings = frozenset(group.opening for group in self.groups)
        self.closings = frozenset(group.closing for group in self.groups)
        self.feed_after = frozenset(group.opening for group in self.groups if group.specs)
        self.feed_before = frozenset(group.closing for group in self.groups if group.specs)
        self._spec_at = {spec.literal.line: spec for spec in self.specs}

    def line(self, number: int) -> _Line:
        known = self._lines.get(number)
        if known is None:
            known = self._lines[number] = self._classify(number)
        return known

    def runs(self) -> Iterator[list[Spec]]:
        """go/ast's runs: the specs of a group on successive lines; a single spec otherwise."""
        run: list[Spec] = []
        for spec in self.specs:
            if run and not (
                spec.grouped
                and spec.decl == run[-1].decl
                and spec.tokens[0].line <= run[-1].literal.line + 1
            ):
                yield run
                run = []
            run.append(spec)
        if run:
            yield run

    def _classify(self, number: int) -> _Line:
        if number < 0:  # above the package clause: comments
            return _Line(NO_CELL, 0, 0, 0, -1, 0)
        if number > self.last_line:
            return self._classify_unread(number)
        tokens = self.tokens.by_line[number]
        start = self.tokens.line_starts[number]
        end = self._line_end(number)
        opaque = _Line(OPAQUE, start, start, start, -1, end)
        if all(t.kind in (LINE_COMMENT, BLOCK_COMMENT) for t in tokens):
            # No cell: go/printer starts a top-level comment line in column 0, and ends each
            # line of a comment that spans several with a formfeed.
            indented = bool(tokens) and tokens[0].start > start and not self._in_group(number)
            return opaque if indented else _Line(NO_CELL, start, start, start, -1, end)
        if number in self.tokens.crossed or any(t.kind == BLOCK_COMMENT for t in tokens):
            return opaque
        comment = tokens[-1].start if tokens[-1].kind == LINE_COMMENT else -1
        code = tokens[:-1] if comment >= 0 else tokens
        kind = self._cell_kind(number, code, start)
        if kind == OPAQUE:
            return opaque
        cell_start = code[0].start if kind == GROUP_CELL else start
        return _Line(
            kind if comment >= 0 else NO_CELL, start, cell_start, code[-1].end, comment, end
        )

    def _cell_kind(self, number: int, code: list[_Token], start: int) -> int:
        """Which column a line's code is a cell of, for the few lines gofmt can print next to an
        import spec: specs, `package p`, `import (` and `)`."""
        indented = code[0].start != start
        spec = self._spec_at.get(number)
        if spec is not None:
            if tuple(code) != spec.tokens or indented != spec.grouped:
                return OPAQUE
            return GROUP_CELL if spec.grouped else CELL
        words = [self.data[t.start : t.end] for t in code]
        if indented:
            return OPAQUE
        if len(code) == 2 and words[0] == b"package" and code[1].kind == _CODE:
            return CELL
        opening = number in self.openings and words == [b"import", b"("]
        closing = number in self.closings and words == [b")"]
        return CELL if opening or closing else OPAQUE

    def _classify_unread(self, number: int) -> _Line:
        """The line after the imports, from its bytes: opaque when it has code and a comment
        (it may be a cell, of a width not measured here)."""
        if number != self.last_line + 1 or number >= len(self.tokens.line_starts):
            return _Line(NO_CELL, 0, 0, 0, -1, 0)
        start = self.tokens.line_starts[number]
        end = self._line_end(number)
        text = self.data[start:end]
        plain = not text.strip() or text.startswith(b"//")
        if not plain and (b"//" in text or b"/*" in text or text[:1] in b" \t\r"):
            return _Line(OPAQUE, start, start, start, -1, end)
        return _Line(NO_CELL, start, start, start, -1, end)

    def _line_end(self, number: int) -> int:
        if number + 1 < len(self.tokens.line_starts):
            return self.tokens.line_starts[number + 1] - 1
        newline = self.data.find(b"\n", self.tokens.line_starts[number])
        return len(self.data) if newline < 0 else newline

    def _in_group(self, number: int) -> bool:
        return any(group.opening < number < group.closing for group in self.groups)


def read_layout(data: bytes, imports: tuple[Import, ...]) -> Layout | None:
    """The import declarations, or None when they are not what `scan` saw."""
    tokens = _Tokens(data)
    keyword = tokens.significant()
    name = tokens.significant()
    if keyword is None or data[keyword.start : keyword.end] != b"package" or name is None:
        return None
    specs: list[Spec] = []
    groups: list[_Group] = []
    decl = 0
    while len(specs) < len(imports):
        decl += 1
        keyword = tokens.significant()
        if keyword is None or data[keyword.start : keyword.end] != b"import":
            return None
        token = tokens.significant()
        if token is None or data[token.start : token.end] != b"(":
            spec = _read_spec(data, tokens, imports, len(specs), token, decl)
            if spec is None:
                return None
            specs.append(spec._replace(grouped=False, tokens=(keyword, *spec.tokens)))
            continue
        opening, count = token.line, len(specs)
        closing = _read_group(data, tokens, imports, specs, decl)
        if closing is None:
            return None
        groups.append(_Group(opening, closing.line, len(specs) > count))
    newline = tokens.finish_line()
    if tokens.failed or len(specs) != len(imports):
        return None
    last_line = len(tokens.line_starts) - (2 if newline else 1)
    return Layout(data, tokens, specs, tuple(groups), last_line)


def _read_group(
    data: bytes, tokens: _Tokens, imports: tuple[Import, ...], specs: list[Spec], decl: int
) -> _Token | None:
    """The specs of a group, up to its `)`."""
    while True:
        while tokens.line_end():
            pass
        if len(specs) < len(imports):
            plain = tokens.plain_spec_line(imports[len(specs)])
            if plain is not None:
                specs.append(Spec(len(specs), decl, True, plain, plain[-1]))
                continue
        token = tokens.significant()
        if token is None or data[token.start : token.end] == b")":
            return token
        spec = _read_spec(data, tokens, imports, len(specs), token, decl)
        if spec is None:
            return None
        specs.append(spec)


def _read_spec(
    data: bytes,
    tokens: _Tokens,
    imports: tuple[Import, ...],
    index: int,
    token: _Token | None,
    decl: int,
) -> Spec | None:
    """[name] literal, the literal being imports[index] as `scan` found it."""
    if index >= len(imports) or token is None:
        return None
    name: tuple[_Token, ...] = ()
    if token.kind == _CODE:
        name = (token,)
        token = tokens.on_this_line()
        if token is None:
            return None
    expected = imports[index]
    if token.kind != _STRING or Span(token.start, token.end) != expected.span:
        return None
    spelled = data[name[0].start : name[0].end].decode("utf-8", "surrogateescape") if name else None
    if spelled != expected.name:
        return None
    return Spec(index, decl, True, (*name, token), token)
