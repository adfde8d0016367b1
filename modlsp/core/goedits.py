"""Edits to go.mod and go.work files planned the way the go command's `edit` commands leave
them (x/mod's markRemoved + Cleanup: a removed line takes the comments above it, a block that
loses every line goes, a one-line block collapses, the file is printed as `go mod edit -fmt`
prints it when it was formatted before), and directories written as people write them in
replace and use lines. Shared by the replace and go.work fixes and the major-version
refactorings."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from modlsp.core.edits import minimal_edits
from modlsp.core.formatter import format_model, format_source
from modlsp.core.lexer import Token
from modlsp.core.localmodules import absolute
from modlsp.core.modfile import ModFile
from modlsp.core.problems import Edit, Fix, apply_edits
from modlsp.core.syntax import Block, Line
from modlsp.core.text import Span


def resolve_directory(base: Path, path: str) -> Path:
    """A replacement or `use` directory as the go command finds it: filepath.Join(base, path)
    (cleaned, symbolic links kept); an absolute path stays as it is."""
    return Path(os.path.normpath(base / path))


def directory_path(target: Path, base: Path) -> str:
    """`target` written relative to `base` the way people write replace and use directories:
    forward slashes, a leading `./` or `../` (x/mod's IsDirectoryPath, Go's ToDirectoryPath)."""
    try:
        rel = os.path.relpath(target, base)
    except ValueError:  # another drive (Windows): only an absolute path reaches it
        return Path(target).as_posix()
    rel = rel.replace(os.sep, "/")
    if rel in (".", "..") or rel.startswith("../"):
        return rel
    return "./" + rel


def same_directory(a: Path, b: Path) -> bool:
    try:
        return Path(a).samefile(b)
    except OSError:
        return os.path.normcase(absolute(a)) == os.path.normcase(absolute(b))


class GoEdits:
    """Plans edits to one go.mod / go.work the way the go command's `edit` commands leave it.

    Formatting the whole file after an edit costs a few milliseconds for a large go.mod, and a
    judgement may carry dozens of fixes: edits known to keep a formatted file formatted (a
    token changed without moving its line in the block's order, lines removed without leaving
    a one-line block) skip it."""

    def __init__(self, model: ModFile) -> None:
        self.model = model
        self._canonical: bool | None = None
        self._blocks: dict[int, Block] | None = None

    @property
    def canonical(self) -> bool:
        """The file is byte for byte what `go mod edit -fmt` prints."""
        if self._canonical is None:
            self._canonical = format_model(self.model) == self.model.syntax.data
        return self._canonical

    def block_of(self, line: Line) -> Block | None:
        if self._blocks is None:
            self._blocks = {
                id(inner): stmt
                for stmt in self.model.syntax.stmts
                if isinstance(stmt, Block)
                for inner in stmt.lines
            }
        return self._blocks.get(id(line))

    def finish(
        self, raw: Sequence[Edit], *, reformat: bool = False, keeps_format: bool = False
    ) -> tuple[Edit, ...]:
        """The raw edits, completed as the go command would print the result (blocks sorted,
        one-line blocks collapsed, blank lines normalized) when the file was formatted before
        (unless the edits are known to keep it so) or `reformat` asks for the go command's
        output whatever the file looked like."""
        if not raw:
            return ()
        data = self.model.syntax.data
        if reformat or (not keeps_format and self.canonical):
            after = apply_edits(data, list(raw))
            formatted = format_source(after, self.model.kind, self.model.syntax.name)
            if formatted is not None:
                return tuple(minimal_edits(data, formatted))
        return tuple(raw)

    def token_fix(
        self, title: str, line: Line, changes: Mapping[int, str | None], *, preferred: bool = False
    ) -> Fix:
        """A fix changing tokens of one line (token start -> new text, None: delete it)."""
        raw: list[Edit] = []
        texts: list[str] = []
        for i, token in enumerate(line.tokens):
            if token.start not in changes:
                texts.append(token.text)
                continue
            new = changes[token.start]
            if new is None:
                start = line.tokens[i - 1].end if i else token.start
                raw.append(Edit(Span(start, token.end), ""))
            else:
                raw.append(Edit(token.span, new))
                texts.append(new)
        return Fix(title, self.finish(raw, keeps_format=self._in_order(line, texts)), preferred)

    def _in_order(self, line: Line, texts: list[str]) -> bool:
        """The line, with these tokens, keeps its place in its block's sorted order."""
        block = self.block_of(line)
        if block is None:
            return True
        if [t.text for t in block.verb] not in (["replace"], ["use"]):
            return False  # blocks with an order of their own (exclude, retract)
        key = _sort_key(texts)
        at = block.lines.index(line)
        before = block.lines[at - 1] if at else None
        after = block.lines[at + 1] if at + 1 < len(block.lines) else None
        return (before is None or _sort_key(before.texts) <= key) and (
            after is None or key <= _sort_key(after.texts)
        )

    def removal(self, lines: Iterable[Line]) -> list[Edit]:
        """Raw edits deleting directive lines like x/mod's markRemoved + Cleanup: each line
        with its comments (before and suffix); a block that loses every line goes whole."""
        wanted = {id(line) for line in lines}
        edits: list[Edit] = []
        for stmt in self.model.syntax.stmts:
            if isinstance(stmt, Line):
                if id(stmt) in wanted:
                    edits.append(self._delete(stmt.comments.before, stmt.start, _line_end(stmt)))
            elif isinstance(stmt, Block):
                gone = [line for line in stmt.lines if id(line) in wanted]
                if gone and len(gone) == len(stmt.lines) and stmt.rparen is not None:
                    suffix = stmt.rparen_comments.suffix
                    end = suffix[-1].end if suffix else stmt.rparen.end
                    edits.append(self._delete(stmt.comments.before, stmt.start, end))
                    continue
                for line in gone:
                    edits.append(self._delete(line.comments.before, line.start, _line_end(line)))
        return edits

    def remove_fix(self, line: Line, title: str, *, preferred: bool = False) -> Fix:
        """A fix removing one line: formatting is needed only when its block is left with one
        line, which the go command turns into a single line."""
        block = self.block_of(line)
        collapses = block is not None and len(block.lines) == 2 and not block.rparen_comments.before
        raw = self.removal([line])
        return Fix(title, self.finish(raw, keeps_format=not collapses), preferred)

    def append_line(self, text: str) -> Edit:
        """A raw edit adding a top-level line at the end of the file (x/mod's addLine when no
        statement of the kind is found: `go mod edit -replace` of a path not yet replaced)."""
        data = self.model.syntax.data
        prefix = "\n" if data and not data.endswith(b"\n") else ""
        if data.strip():
            prefix += "\n"
        return Edit(Span(len(data), len(data)), prefix + text + "\n")

    def _delete(self, before: list[Token], start: int, end: int) -> Edit:
        """Whole lines from the first comment before to the end; a blank line that would be
        left next to another blank line (or at the end of the file) goes too."""
        index = self.model.syntax.lines
        first = index.line_of(before[0].start if before else start)
        last = index.line_of(end)
        data = self.model.syntax.data
        count = index.line_count - data.endswith(b"\n")  # no line after a final newline

        def blank(line: int) -> bool:
            if line < 0 or line >= count:
                return False
            return not data[index.line_start(line) : index.line_end(line)].strip()

        def line_start(line: int) -> int:
            return index.line_start(line) if line < index.line_count else len(data)

        if blank(last + 1) and (first == 0 or blank(first - 1)):
            last += 1
        elif blank(first - 1) and all(blank(n) for n in range(last + 1, count)):
            first -= 1
        return Edit(Span(line_start(first), line_start(last + 1)), "")


def _sort_key(texts: list[str]) -> list[bytes]:
    """The formatter's order of block lines: token by token, as Go compares strings."""
    return [t.encode("utf-8", "surrogateescape") for t in texts]


def _line_end(line: Line) -> int:
    return line.comments.suffix[-1].end if line.comments.suffix else line.end
