"""Canonical formatting, byte for byte what `go mod edit -fmt` / `go work edit -fmt` print.

The go command parses the file (unquoting needless quotes, canonicalizing versions), removes
duplicate excludes/replaces/tools/ignores, sorts every block, collapses one-line blocks, drops
empty ones, and prints the tree. The same steps run here over modlsp's own syntax tree.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from functools import cmp_to_key

from modlsp.core import semver
from modlsp.core.lexer import Token
from modlsp.core.modfile import FileKind, ModFile
from modlsp.core.reader import read
from modlsp.core.syntax import Block, Comments, FileSyntax, Line

# Go's unicode.IsSpace set, for strings.TrimSpace.
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


@dataclass(slots=True, eq=False)
class _Comments:
    before: list[str] = field(default_factory=list)
    suffix: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class _Line:
    tokens: list[str]
    comments: _Comments
    source: Line | None = None


@dataclass(slots=True, eq=False)
class _Block:
    verb: list[str]
    lines: list[_Line]
    comments: _Comments
    lparen: _Comments
    rparen: _Comments


_Stmt = _Line | _Block | _Comments  # a bare _Comments is a comment block


def format_source(data: bytes, kind: FileKind, name: str | None = None) -> bytes | None:
    """The `go mod edit -fmt` output, or None when the go command would reject the file."""
    model = read(data, kind, name)
    return format_model(model)


def format_model(model: ModFile) -> bytes | None:
    if model.has_errors or model.too_large:
        return None
    stmts = _convert(model.syntax, model.normalized)
    stmts = _remove_duplicates(stmts, _killed_lines(model))
    _sort_blocks(stmts, model)
    return _print(_cleanup(stmts), model.syntax.comments)


def format_syntax(syntax: FileSyntax, normalized: dict[int, str] | None = None) -> bytes:
    """Print a tree as it is (x/mod's modfile.Format), with optional token rewrites."""
    return _print(_convert(syntax, normalized or {}), syntax.comments)


def _texts(tokens: list[Token]) -> list[str]:
    return [t.text for t in tokens]


def _comments(c: Comments) -> _Comments:
    return _Comments(_texts(c.before), _texts(c.suffix), _texts(c.after))


def _convert(syntax: FileSyntax, normalized: dict[int, str]) -> list[_Stmt]:
    def line(source: Line) -> _Line:
        tokens = (
            [normalized.get(t.start, t.text) for t in source.tokens]
            if normalized
            else _texts(source.tokens)
        )
        return _Line(tokens, _comments(source.comments), source)

    out: list[_Stmt] = []
    for stmt in syntax.stmts:
        if isinstance(stmt, Line):
            out.append(line(stmt))
        elif isinstance(stmt, Block):
            out.append(
                _Block(
                    _texts(stmt.verb),
                    [line(x) for x in stmt.lines],
                    _comments(stmt.comments),
                    _comments(stmt.lparen_comments),
                    _comments(stmt.rparen_comments),
                )
            )
        else:
            out.append(_comments(stmt.comments))
    return out


def _killed_lines(model: ModFile) -> set[int]:
    """x/mod's removeDups: earlier excludes/tools/ignores win, later replaces win."""
    killed: set[int] = set()

    def first_wins(entries: Sequence[tuple[Hashable, Line]]) -> None:
        seen: set[Hashable] = set()
        for key, line in entries:
            if key in seen:
                killed.add(id(line))
            seen.add(key)

    replaces = [((r.old_path, r.old_version), r.line) for r in model.replaces]
    first_wins(replaces[::-1])
    if model.kind is FileKind.GOMOD:
        first_wins([((x.path, x.version), x.line) for x in model.excludes])
        first_wins([(t.path, t.line) for t in model.tools])
        first_wins([(i.path, i.line) for i in model.ignores])
    return killed


def _remove_duplicates(stmts: list[_Stmt], killed: set[int]) -> list[_Stmt]:
    out: list[_Stmt] = []
    for stmt in stmts:
        if isinstance(stmt, _Line):
            if id(stmt.source) in killed:
                continue
        elif isinstance(stmt, _Block):
            stmt.lines = [x for x in stmt.lines if id(x.source) not in killed]
            if not stmt.lines:
                continue
        out.append(stmt)
    return out


def _compare_tokens(a: _Line, b: _Line) -> int:
    for x, y in zip(a.tokens, b.tokens, strict=False):
        if x != y:
            return -1 if _go_bytes(x) < _go_bytes(y) else 1
    return (len(a.tokens) > len(b.tokens)) - (len(a.tokens) < len(b.tokens))


def _go_bytes(s: str) -> bytes:
    return s.encode("utf-8", "surrogateescape")


def _compare_exclude(a: _Line, b: _Line) -> int:
    if len(a.tokens) != 2 or len(b.tokens) != 2:
        return _compare_tokens(a, b)
    if a.tokens[0] != b.tokens[0]:
        return -1 if _go_bytes(a.tokens[0]) < _go_bytes(b.tokens[0]) else 1
    return semver.compare(a.tokens[1], b.tokens[1])


def _retract_interval(line: _Line) -> tuple[str, str]:
    t = line.tokens
    if len(t) == 1:
        return t[0], t[0]
    if len(t) == 5 and t[0] == "[" and t[2] == "," and t[4] == "]":
        return t[1], t[3]
    return "", ""


def _compare_retract(a: _Line, b: _Line) -> int:
    (alow, ahigh), (blow, bhigh) = _retract_interval(a), _retract_interval(b)
    return -semver.compare(alow, blow) or -semver.compare(ahigh, bhigh)


def _sort_blocks(stmts: list[_Stmt], model: ModFile) -> None:
    go = model.go.version if model.go else None
    semantic_exclude = go is not None and semver.compare("v" + go, "v1.21") >= 0
    for stmt in stmts:
        if not isinstance(stmt, _Block):
            continue
        compare: Callable[[_Line, _Line], int] = _compare_tokens
        if model.kind is FileKind.GOMOD:
            if stmt.verb[0] == "exclude" and semantic_exclude:
                compare = _compare_exclude
            elif stmt.verb[0] == "retract":
                compare = _compare_retract
        stmt.lines.sort(key=cmp_to_key(compare))


def _cleanup(stmts: list[_Stmt]) -> list[_Stmt]:
    """x/mod's FileSyntax.Cleanup: drop empty blocks, turn one-line blocks into lines."""
    out: list[_Stmt] = []
    for stmt in stmts:
        if isinstance(stmt, _Block):
            if not stmt.lines:
                continue
            if len(stmt.lines) == 1 and not stmt.rparen.before:
                only = stmt.lines[0]
                comments = _Comments(
                    stmt.comments.before + only.comments.before,
                    only.comments.suffix + stmt.comments.suffix,
                    only.comments.after + stmt.comments.after,
                )
                out.append(_Line(stmt.verb + only.tokens, comments, only.source))
                continue
        out.append(stmt)
    return out


class _Printer:
    """x/mod's printer: margins, pending suffix comments, blank-line collapsing."""

    def __init__(self) -> None:
        self.buf: list[str] = []
        self.pending: list[str] = []
        self.margin = 0

    def text(self) -> str:
        return "".join(self.buf)

    def write(self, s: str) -> None:
        self.buf.append(s)

    def trim(self) -> None:
        buf = self.buf
        while buf:
            stripped = buf[-1].rstrip(" \t")
            if stripped:
                buf[-1] = stripped
                return
            buf.pop()

    def at_line_start(self) -> bool:
        for chunk in reversed(self.buf):
            if chunk:
                return chunk.endswith("\n")
        return True

    def ends_with_blank_line(self) -> bool:
        tail = ""
        for chunk in reversed(self.buf):
            tail = chunk + tail
            if len(tail) >= 2:
                break
        return tail == "" or tail.endswith("\n\n")

    def newline(self) -> None:
        if self.pending:
            self.write(" ")
            for i, comment in enumerate(self.pending):
                if i > 0:
                    self.trim()
                    self.write("\n" + "\t" * self.margin)
                self.write(comment.strip(_GO_SPACE))
            self.pending = []
        self.trim()
        if not self.ends_with_blank_line():
            self.write("\n")
        self.write("\t" * self.margin)

    def comments_before(self, before: list[str]) -> None:
        if not before:
            return
        self.trim()
        if not self.at_line_start():
            self.write("\n")
        self.write("\t" * self.margin)
        for comment in before:
            self.write(comment.strip(_GO_SPACE))
            self.newline()

    def tokens(self, tokens: list[str]) -> None:
        sep = ""
        for t in tokens:
            if t in (",", ")", "]", "}"):
                sep = ""
            self.write(sep + t)
            sep = "" if t in ("(", "[", "{") else " "

    def stmt(self, x: _Stmt) -> None:
        if isinstance(x, _Comments):
            self.comments_before(x.before)
            self.pending.extend(x.suffix)
            return
        self.comments_before(x.comments.before)
        if isinstance(x, _Line):
            self.tokens(x.tokens)
        else:
            self.tokens(x.verb)
            self.write(" ")
            self.comments_before(x.lparen.before)
            self.write("(")
            self.pending.extend(x.lparen.suffix)
            self.margin += 1
            for line in x.lines:
                self.newline()
                self.stmt(line)
            self.margin -= 1
            self.newline()
            self.comments_before(x.rparen.before)
            self.write(")")
            self.pending.extend(x.rparen.suffix)
        self.pending.extend(x.comments.suffix)


def _print(stmts: list[_Stmt], file_comments: Comments) -> bytes:
    p = _Printer()
    for token in file_comments.before:
        p.write(token.text.strip(_GO_SPACE))
        p.newline()
    for i, stmt in enumerate(stmts):
        p.stmt(stmt)
        if not isinstance(stmt, _Comments):
            p.newline()
        after = stmt.after if isinstance(stmt, _Comments) else stmt.comments.after
        for comment in after:
            p.write(comment.strip(_GO_SPACE))
            p.newline()
        if i + 1 < len(stmts):
            p.newline()
    text = p.text()
    end = len(text)
    while end > 0 and text[end - 1] == "\n" and (end == 1 or text[end - 2] == "\n"):
        end -= 1
    return text[:end].encode("utf-8", "surrogateescape")
