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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from modlsp.core.gosource import GoSource, Import, ImportComment
from modlsp.core.gostring import go_bytes, go_quote
from modlsp.core.importlayout import (
    BLOCK_COMMENT,
    CELL,
    GROUP_CELL,
    LINE_COMMENT,
    NO_CELL,
    OPAQUE,
    Layout,
    Spec,
    read_layout,
)
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
# Planning: which spec goes on which line, and the padding before each comment


def _spec_edits(data: bytes, imports: tuple[Import, ...], new_paths: dict[int, str]) -> list[Edit]:
    literals = {
        index: _new_literal(
            data[imports[index].span.start : imports[index].span.end], imports[index].path, path
        )
        for index, path in new_paths.items()
    }
    layout = read_layout(data, imports)
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
    layout: Layout
    imports: tuple[Import, ...]
    new_paths: dict[int, str]
    literals: dict[int, bytes]
    placed: dict[int, Spec] = field(default_factory=dict)  # line -> the spec printed there
    dirty: set[int] = field(default_factory=set)  # lines whose cell changes
    deleted: set[int] = field(default_factory=set)  # lines of the duplicates gofmt drops
    deletions: list[Edit] = field(default_factory=list)
    in_place: list[Spec] = field(default_factory=list)  # renamed specs on opaque lines
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

    def _place(self, run: list[Spec]) -> None:
        """Put each spec of a run that holds a renamed one on the line gofmt will print it on."""
        lines = [spec.literal.line for spec in run]
        opaque = any(self.layout.line(n).kind == OPAQUE for n in lines)
        order = None if opaque or len(run) == 1 else self._gofmt_order(run)
        if order is None or order == run:  # every spec stays on its line
            for spec in run:
                if spec.nth not in self.literals:
                    continue
                if self.layout.line(spec.literal.line).kind == OPAQUE:
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

    def _drop(self, run: list[Spec], lines: list[int], order: list[Spec]) -> None:
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
            t.kind in (LINE_COMMENT, BLOCK_COMMENT) for t in following
        )
        specs = self.layout.specs
        ends_group = run[-1].nth + 1 == len(specs) or specs[run[-1].nth + 1].decl != run[-1].decl
        blank = "\n" if above and comment_follows and not ends_group else ""
        self.deletions.append(Edit(Span(first.start, last.end + 1), blank))

    def _keep(self, spec: Spec) -> None:
        number = spec.literal.line
        self.placed[number] = spec
        self.dirty.add(number)
        self.seeds.add(number)

    def _gofmt_order(self, run: list[Spec]) -> list[Spec] | None:
        """The run as SortImports leaves it; None where that is not sure: a run that was not
        sorted (someone's order, not gofmt's) or, beyond the insertion sort, equal keys."""
        if _sorted_and_deduped(run, [self._key(spec, renamed=False) for spec in run]) != run:
            return None
        keys = [self._key(spec, renamed=True) for spec in run]
        if len(run) > _INSERTION_SORT_MAX and len({key for key, _ in keys}) < len(keys):
            return None
        return _sorted_and_deduped(run, keys)

    def _key(self, spec: Spec, *, renamed: bool) -> tuple[_SortKey, bool]:
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
            if seed in done or self._kind(seed, new=True) not in (CELL, GROUP_CELL):
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
        if kind not in (CELL, GROUP_CELL):
            return None
        block = [number]
        for step in (-1, 1):
            here = number
            while (there := self._neighbour(here, step, new=new)) is not None:
                there_kind = self._kind(there, new=new)
                if there_kind == OPAQUE:
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
        return (GROUP_CELL if spec.grouped else CELL) if has_comment else NO_CELL

    def _width(self, number: int, *, new: bool) -> int:
        spec = self.placed.get(number) if new else None
        if spec is None:
            line = self.layout.line(number)
            return _runes(self.layout.data[line.cell_start : line.cell_end])
        return _runes(self._cell(spec))

    def _cell(self, spec: Spec) -> bytes:
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


def _sorted_and_deduped(run: list[Spec], keys: list[tuple[_SortKey, bool]]) -> list[Spec]:
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
