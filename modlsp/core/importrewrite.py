"""Rewriting a Go file's import paths the way gofmt would leave them, for moving a module to a
new major version (`example.com/m/pkg` -> `example.com/m/v2/pkg`) across every file of it.

A plain textual replacement is not enough for a gofmt-clean file to stay clean, because two of
gofmt's rules depend on the paths (go/ast/import.go, go/printer/nodes.go):

- SortImports sorts each *run* of a parenthesized declaration (specs on successive lines) by
  path, name and comment text, and drops a spec that duplicates the next one when it has no
  comment. A rewritten spec line therefore moves, whole, within its run.
- the printer aligns the trailing `//` comments of consecutive lines in a column through
  text/tabwriter (padding 1, widths in runes); a path of another length moves that column.
  A formfeed follows `import (` and precedes `)`, so a group's columns never reach outside it,
  while single-line `import "x" // c` declarations share one with their neighbours.

There is no second parse: the file's head, up to the end of its last import declaration, is
read by a small tokenizer anchored on the literal spans `scan` found, and only the lines next
to a changed spec are looked at again. Whatever does not have the shape gofmt prints (a block
comment or two specs on a line, CRLF line endings, an unknown token, a head that does not match
the scan) is handled conservatively: its literals are replaced in place, nothing moves.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from modlsp.core.gosource import GoSource, Import, ImportComment
from modlsp.core.gostring import go_bytes, go_quote
from modlsp.core.problems import Edit
from modlsp.core.text import Span


def rewrite_imports(
    data: bytes, source: GoSource, rename: Callable[[str], str | None]
) -> list[Edit]:
    """Edits that change every import path P of the file for which rename(P) is not None to
    rename(P), and the package clause's `// import "P"` comment too, leaving the file exactly
    as gofmt would print it after a plain textual replacement (when it was gofmt-clean before).
    `source` is `scan(data)`; [] when nothing changes."""
    edits = _import_comment_edits(data, source.import_comment, rename)
    new_paths: dict[int, str] = {}
    for index, spec in enumerate(source.imports):
        new = rename(spec.path)
        if new is not None and new != spec.path:
            new_paths[index] = new
    if new_paths:
        edits.extend(_spec_edits(data, source.imports, new_paths))
    return sorted(edits, key=lambda edit: edit.span)


def _import_comment_edits(
    data: bytes, comment: ImportComment | None, rename: Callable[[str], str | None]
) -> list[Edit]:
    if comment is None:
        return []
    new = rename(comment.path)
    if new is None or new == comment.path:
        return []
    backquoted = data[comment.span.start : comment.span.start + 1] == b"`"
    text = f"`{new}`" if backquoted and _fits_backquotes(new) else go_quote(new)
    return [Edit(comment.span, text)]


# ---------------------------------------------------------------------------------------------
# Literals


_ILLEGAL_IN_PATH = frozenset("!\"#$%&'()*,:;<=>?[\\]^{|}`\ufffd")


def _fits_backquotes(path: str) -> bool:
    return not any(c in path for c in "`\r\n")


def _canonical_path(path: str) -> bool:
    """go/printer's sanitizeImportPath: a path it prints double-quoted whatever the source said
    (graphic runes but spaces and a few ASCII punctuation marks); others keep their literal."""
    return path != "" and all(
        c not in _ILLEGAL_IN_PATH and not c.isspace() and unicodedata.category(c)[0] in "LMNPS"
        for c in path
    )


def _new_literal(old_literal: bytes, old_path: str, new_path: str) -> bytes:
    """Go quoting, except that backquotes stay: gofmt leaves them only around paths it does not
    canonicalize, so a formatted file has them for such a path, and a file that has them
    around another path was written that way on purpose."""
    if (
        old_literal.startswith(b"`")
        and _fits_backquotes(new_path)
        and (_canonical_path(old_path) or not _canonical_path(new_path))
    ):
        return go_bytes(f"`{new_path}`")
    return go_quote(new_path).encode()


def _runes(text: bytes) -> int:
    """Go's utf8.RuneCount (text/tabwriter's cell width): an invalid byte counts as one."""
    return len(text) if text.isascii() else len(text.decode("utf-8", "surrogateescape"))


def _comment_text(comment: bytes) -> bytes:
    """go/ast's CommentGroup.Text of a lone `//` comment: SortImports' third key."""
    text = comment[2:]
    if text.startswith(b" "):
        text = text[1:]
    elif text and _is_directive(text):
        return b""
    text = text.rstrip(b" \t\r\n")
    return text + b"\n" if text else b""


_DIRECTIVE = re.compile(rb"(?:line |extern |export |[a-z0-9]+:[a-z0-9])")


def _is_directive(text: bytes) -> bool:
    return _DIRECTIVE.match(text) is not None


# ---------------------------------------------------------------------------------------------
# Reading the head: tokens, declarations, specs and the lines they sit on

_NEWLINE, _LINE_COMMENT, _BLOCK_COMMENT, _STRING, _CODE, _SEMICOLON, _UNKNOWN = range(1, 8)
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
                if _BLOCK_COMMENT <= kind <= _STRING:
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
            self.by_line[-1].append(_Token(_LINE_COMMENT, *match.span(3), line))
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
            self.by_line[-1].append(_Token(_LINE_COMMENT, *match.span(1), line))
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


class _Spec(NamedTuple):
    nth: int  # its place in GoSource.imports
    decl: int
    grouped: bool  # in a parenthesized declaration
    tokens: tuple[_Token, ...]  # [import] [name] literal: what its line must hold
    literal: _Token


class _Group(NamedTuple):
    opening: int  # the line of `import (`
    closing: int  # the line of `)`
    specs: bool  # whether it has any


_OPAQUE, _NO_CELL, _CELL, _GROUP_CELL = range(4)


class _Line(NamedTuple):
    """A line as text/tabwriter sees it: `_CELL` is code then a `//` comment at the top level,
    `_GROUP_CELL` the same inside an import group (one column further right), `_OPAQUE` a line
    whose cells are not known."""

    kind: int
    start: int
    cell_start: int  # where the aligned cell begins (after a group's indentation)
    cell_end: int  # where the code ends
    comment: int  # where the `//` comment starts; -1 without one
    end: int  # before the newline


@dataclass
class _Layout:
    data: bytes
    tokens: _Tokens
    specs: list[_Spec]
    groups: tuple[_Group, ...]
    last_line: int  # the last line read; the next one is looked at as bytes
    openings: frozenset[int] = frozenset()
    closings: frozenset[int] = frozenset()
    # go/printer puts a formfeed after the `import (` and before the `)` of a group with specs
    # (ending every tabwriter column there), and none in an empty group.
    feed_after: frozenset[int] = frozenset()
    feed_before: frozenset[int] = frozenset()
    _lines: dict[int, _Line] = field(default_factory=dict)
    _spec_at: dict[int, _Spec] = field(default_factory=dict)

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

    def runs(self) -> Iterator[list[_Spec]]:
        """go/ast's runs: the specs of a group on successive lines; a single spec otherwise."""
        run: list[_Spec] = []
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
            return _Line(_NO_CELL, 0, 0, 0, -1, 0)
        if number > self.last_line:
            return self._classify_unread(number)
        tokens = self.tokens.by_line[number]
        start = self.tokens.line_starts[number]
        end = self._line_end(number)
        opaque = _Line(_OPAQUE, start, start, start, -1, end)
        if all(t.kind in (_LINE_COMMENT, _BLOCK_COMMENT) for t in tokens):
            # No cell: go/printer starts a top-level comment line in column 0, and ends each
            # line of a comment that spans several with a formfeed.
            indented = bool(tokens) and tokens[0].start > start and not self._in_group(number)
            return opaque if indented else _Line(_NO_CELL, start, start, start, -1, end)
        if number in self.tokens.crossed or any(t.kind == _BLOCK_COMMENT for t in tokens):
            return opaque
        comment = tokens[-1].start if tokens[-1].kind == _LINE_COMMENT else -1
        code = tokens[:-1] if comment >= 0 else tokens
        kind = self._cell_kind(number, code, start)
        if kind == _OPAQUE:
            return opaque
        cell_start = code[0].start if kind == _GROUP_CELL else start
        return _Line(
            kind if comment >= 0 else _NO_CELL, start, cell_start, code[-1].end, comment, end
        )

    def _cell_kind(self, number: int, code: list[_Token], start: int) -> int:
        """Which column a line's code is a cell of, for the few lines gofmt can print next to an
        import spec: specs, `package p`, `import (` and `)`."""
        indented = code[0].start != start
        spec = self._spec_at.get(number)
        if spec is not None:
            if tuple(code) != spec.tokens or indented != spec.grouped:
                return _OPAQUE
            return _GROUP_CELL if spec.grouped else _CELL
        words = [self.data[t.start : t.end] for t in code]
        if indented:
            return _OPAQUE
        if len(code) == 2 and words[0] == b"package" and code[1].kind == _CODE:
            return _CELL
        opening = number in self.openings and words == [b"import", b"("]
        closing = number in self.closings and words == [b")"]
        return _CELL if opening or closing else _OPAQUE

    def _classify_unread(self, number: int) -> _Line:
        """The line after the imports, from its bytes: opaque when it has code and a comment
        (it may be a cell, of a width not measured here)."""
        if number != self.last_line + 1 or number >= len(self.tokens.line_starts):
            return _Line(_NO_CELL, 0, 0, 0, -1, 0)
        start = self.tokens.line_starts[number]
        end = self._line_end(number)
        text = self.data[start:end]
        plain = not text.strip() or text.startswith(b"//")
        if not plain and (b"//" in text or b"/*" in text or text[:1] in b" \t\r"):
            return _Line(_OPAQUE, start, start, start, -1, end)
        return _Line(_NO_CELL, start, start, start, -1, end)

    def _line_end(self, number: int) -> int:
        if number + 1 < len(self.tokens.line_starts):
            return self.tokens.line_starts[number + 1] - 1
        newline = self.data.find(b"\n", self.tokens.line_starts[number])
        return len(self.data) if newline < 0 else newline

    def _in_group(self, number: int) -> bool:
        return any(group.opening < number < group.closing for group in self.groups)


def _read_layout(data: bytes, imports: tuple[Import, ...]) -> _Layout | None:
    """The import declarations, or None when they are not what `scan` saw."""
    tokens = _Tokens(data)
    keyword = tokens.significant()
    name = tokens.significant()
    if keyword is None or data[keyword.start : keyword.end] != b"package" or name is None:
        return None
    specs: list[_Spec] = []
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
    return _Layout(data, tokens, specs, tuple(groups), last_line)


def _read_group(
    data: bytes, tokens: _Tokens, imports: tuple[Import, ...], specs: list[_Spec], decl: int
) -> _Token | None:
    """The specs of a group, up to its `)`."""
    while True:
        while tokens.line_end():
            pass
        if len(specs) < len(imports):
            plain = tokens.plain_spec_line(imports[len(specs)])
            if plain is not None:
                specs.append(_Spec(len(specs), decl, True, plain, plain[-1]))
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
) -> _Spec | None:
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
    return _Spec(index, decl, True, (*name, token), token)


# ---------------------------------------------------------------------------------------------
# Planning: which spec goes on which line, and the padding before each comment


def _spec_edits(data: bytes, imports: tuple[Import, ...], new_paths: dict[int, str]) -> list[Edit]:
    literals = {
        index: _new_literal(
            data[imports[index].span.start : imports[index].span.end], imports[index].path, path
        )
        for index, path in new_paths.items()
    }
    layout = _read_layout(data, imports)
    if layout is None:
        return [_literal_edit(imports[i].span, literal) for i, literal in literals.items()]
    return _Rewrite(layout, imports, new_paths, literals).edits()


def _literal_edit(span: Span, literal: bytes) -> Edit:
    return Edit(span, literal.decode("utf-8", "surrogateescape"))


_INSERTION_SORT_MAX = 12  # Go's slices.SortFunc is a (stable) insertion sort up to 12 elements


class _SortKey(NamedTuple):
    path: bytes
    name: bytes
    comment: bytes


@dataclass
class _Rewrite:
    layout: _Layout
    imports: tuple[Import, ...]
    new_paths: dict[int, str]
    literals: dict[int, bytes]
    placed: dict[int, _Spec] = field(default_factory=dict)  # line -> the spec printed there
    dirty: set[int] = field(default_factory=set)  # lines whose cell changes
    deleted: set[int] = field(default_factory=set)  # lines of the duplicates gofmt drops
    deletions: list[Edit] = field(default_factory=list)
    in_place: list[_Spec] = field(default_factory=list)  # renamed specs on opaque lines
    seeds: set[int] = field(default_factory=set)  # lines whose comment column may move
    _old_widths: dict[int, int | None] = field(default_factory=dict)

    def edits(self) -> list[Edit]:
        for run in self.layout.runs():
            if any(spec.nth in self.literals for spec in run):
                self._place(run)
        pads = self._pads()
        edits = [
            _literal_edit(Span(s.literal.start, s.literal.end), self.literals[s.nth])
            for s in self.in_place
        ]
        for number in sorted(self.placed.keys() | pads.keys()):
            edit = self._line_edit(number, pads.get(number))
            if edit is not None:
                edits.append(edit)
        edits.extend(self.deletions)
        return edits

    # -- order ---------------------------------------------------------------------------------

    def _place(self, run: list[_Spec]) -> None:
        """Put each spec of a run that holds a renamed one on the line gofmt will print it on."""
        lines = [spec.literal.line for spec in run]
        opaque = any(self.layout.line(n).kind == _OPAQUE for n in lines)
        order = None if opaque or len(run) == 1 else self._gofmt_order(run)
        if order is None or order == run:  # every spec stays on its line
            for spec in run:
                if spec.nth not in self.literals:
                    continue
                if self.layout.line(spec.literal.line).kind == _OPAQUE:
                    self.in_place.append(spec)
                else:
                    self._keep(spec)
            return
        for number, old, new in zip(lines, run, order, strict=False):
            self.placed[number] = new
            if new is not old or new.nth in self.literals:
                self.dirty.add(number)
        if len(order) < len(run):
            self._drop(run, lines, order)
        self.seeds.update(lines[: len(order)])

    def _drop(self, run: list[_Spec], lines: list[int], order: list[_Spec]) -> None:
        """Remove the lines the duplicates leave free: the last of the run.

        gofmt (go/ast's MergeLine) then leaves a comment line that follows the run one line
        further down per dropped spec that stood above the last kept line: a blank line in
        between, unless the run ends its group (the `)` is pulled up, and the comment with it).
        """
        dropped = lines[len(order) :]
        self.deleted.update(dropped)
        first, last = self.layout.line(dropped[0]), self.layout.line(dropped[-1])
        kept = {id(spec) for spec in order}
        above = sum(1 for s in run if id(s) not in kept and s.literal.line < lines[len(order) - 1])
        following = (
            self.layout.tokens.by_line[last_line]
            if (last_line := dropped[-1] + 1) <= self.layout.last_line
            else []
        )
        comment_follows = bool(following) and all(
            t.kind in (_LINE_COMMENT, _BLOCK_COMMENT) for t in following
        )
        specs = self.layout.specs
        ends_group = run[-1].nth + 1 == len(specs) or specs[run[-1].nth + 1].decl != run[-1].decl
        blank = "\n" if above and comment_follows and not ends_group else ""
        self.deletions.append(Edit(Span(first.start, last.end + 1), blank))

    def _keep(self, spec: _Spec) -> None:
        number = spec.literal.line
        self.placed[number] = spec
        self.dirty.add(number)
        self.seeds.add(number)

    def _gofmt_order(self, run: list[_Spec]) -> list[_Spec] | None:
        """The run as SortImports leaves it; None where that is not sure: a run that was not
        sorted (someone's order, not gofmt's) or, beyond the insertion sort, equal keys."""
        if _sorted_and_deduped(run, [self._key(spec, renamed=False) for spec in run]) != run:
            return None
        keys = [self._key(spec, renamed=True) for spec in run]
        if len(run) > _INSERTION_SORT_MAX and len({key for key, _ in keys}) < len(keys):
            return None
        return _sorted_and_deduped(run, keys)

    def _key(self, spec: _Spec, *, renamed: bool) -> tuple[_SortKey, bool]:
        data = self.layout.data
        new_path = self.new_paths.get(spec.nth) if renamed else None
        path = new_path if new_path is not None else self.imports[spec.nth].path
        name = self.imports[spec.nth].name or ""
        line = self.layout.line(spec.literal.line)
        comment = _comment_text(data[line.comment : line.end]) if line.comment >= 0 else b""
        return _SortKey(go_bytes(path), go_bytes(name), comment), line.comment >= 0

    # -- alignment -----------------------------------------------------------------------------

    def _pads(self) -> dict[int, bytes]:
        """The spaces before the comment of every line whose comment column moves."""
        pads: dict[int, bytes] = {}
        done: set[int] = set()
        for seed in sorted(self.seeds):
            if seed in done or self._kind(seed, new=True) not in (_CELL, _GROUP_CELL):
                continue
            block = self._block(seed, new=True)
            if block is None:
                continue
            done.update(block)
            column = max(self._width(n, new=True) for n in block) + 1
            for number in block:
                if number in self.dirty or self._old_column(number) != column:
                    pads[number] = b" " * (column - self._width(number, new=True))
        return pads

    def _old_column(self, number: int) -> int | None:
        if number not in self._old_widths:
            block = self._block(number, new=False)
            self._old_widths[number] = (
                None if block is None else max(self._width(n, new=False) for n in block) + 1
            )
        return self._old_widths[number]

    def _block(self, number: int, *, new: bool) -> list[int] | None:
        """The lines whose comments share a column with `number`'s (a tabwriter column block),
        or None when a neighbouring line is opaque."""
        kind = self._kind(number, new=new)
        if kind not in (_CELL, _GROUP_CELL):
            return None
        block = [number]
        for step in (-1, 1):
            here = number
            while (there := self._neighbour(here, step, new=new)) is not None:
                there_kind = self._kind(there, new=new)
                if there_kind == _OPAQUE:
                    return None
                if there_kind != kind:
                    break
                block.append(there)
                here = there
        return block

    def _neighbour(self, number: int, step: int, *, new: bool) -> int | None:
        """The next line up or down, unless a formfeed (after `import (`, before `)`) ends the
        tabwriter's column blocks there."""
        there = number + step
        while new and there in self.deleted:
            there += step
        above, below = (there, number) if step < 0 else (number, there)
        if there < 0 or above in self.layout.feed_after or below in self.layout.feed_before:
            return None
        return there

    def _kind(self, number: int, *, new: bool) -> int:
        spec = self.placed.get(number) if new else None
        if spec is None:
            return self.layout.line(number).kind
        has_comment = self.layout.line(spec.literal.line).comment >= 0
        return (_GROUP_CELL if spec.grouped else _CELL) if has_comment else _NO_CELL

    def _width(self, number: int, *, new: bool) -> int:
        spec = self.placed.get(number) if new else None
        if spec is None:
            line = self.layout.line(number)
            return _runes(self.layout.data[line.cell_start : line.cell_end])
        return _runes(self._cell(spec))

    def _cell(self, spec: _Spec) -> bytes:
        """A spec's code as printed: its name (or `import name`) and its new literal."""
        line = self.layout.line(spec.literal.line)
        literal = self.literals.get(spec.nth)
        if literal is None:
            literal = self.layout.data[spec.literal.start : spec.literal.end]
        return self.layout.data[line.cell_start : spec.literal.start] + literal

    # -- edits ---------------------------------------------------------------------------------

    def _line_edit(self, number: int, pad: bytes | None) -> Edit | None:
        data = self.layout.data
        slot = self.layout.line(number)
        spec = self.placed.get(number)
        source = slot if spec is None else self.layout.line(spec.literal.line)
        code = data[slot.cell_start : slot.cell_end] if spec is None else self._cell(spec)
        code_end = source.cell_end
        if source.comment >= 0:
            tail = (data[code_end : source.comment] if pad is None else pad) + data[
                source.comment : source.end
            ]
        else:
            tail = data[code_end : source.end]
        new = data[slot.start : slot.cell_start] + code + tail
        return _trimmed_edit(slot.start, data[slot.start : slot.end], new)


def _sorted_and_deduped(run: list[_Spec], keys: list[tuple[_SortKey, bool]]) -> list[_Spec]:
    """SortImports on one run: a stable sort, then each spec without a comment that has the
    next one's path and name is dropped."""
    order = sorted(range(len(run)), key=lambda i: keys[i][0])
    kept = []
    for position, i in enumerate(order):
        if position + 1 < len(order):
            following = keys[order[position + 1]][0]
            key, has_comment = keys[i]
            if key[:2] == following[:2] and not has_comment:
                continue
        kept.append(run[i])
    return kept


def _trimmed_edit(start: int, old: bytes, new: bytes) -> Edit | None:
    """An edit of `old` (at `start`) into `new` that leaves out their common ends, never cutting
    a UTF-8 sequence in two."""
    if old == new:
        return None
    limit = min(len(old), len(new))
    prefix = _common_length(limit, lambda n: old[:n] == new[:n])
    suffix = _common_length(limit - prefix, lambda n: old[len(old) - n :] == new[len(new) - n :])
    while prefix > 0 and (_continues(old, prefix) or _continues(new, prefix)):
        prefix -= 1
    while suffix > 0 and _continues(old, len(old) - suffix):
        suffix -= 1
    new_text = new[prefix : len(new) - suffix].decode("utf-8", "surrogateescape")
    return Edit(Span(start + prefix, start + len(old) - suffix), new_text)


def _common_length(limit: int, same: Callable[[int], bool]) -> int:
    """The largest n <= limit with same(n), `same` holding up to some n and not beyond."""
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if same(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _continues(text: bytes, index: int) -> bool:
    """Whether text[index] is a UTF-8 continuation byte (not where a character starts)."""
    return index < len(text) and 0x80 <= text[index] < 0xC0
