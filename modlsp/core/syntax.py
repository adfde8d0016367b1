"""The lossless syntax tree of a go.mod / go.work file and its error-tolerant parser.

The tree has the shape of x/mod's (lines, blocks, comment blocks; comments before, suffix and
after), so the formatter can print exactly what `go mod edit -fmt` prints. Unlike x/mod, the
parser never stops: a syntax error becomes a Problem and parsing resumes at the next line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from modlsp.core.lexer import Kind, Lexer, Token
from modlsp.core.problems import Edit, Fix, Problem, Severity
from modlsp.core.text import LineIndex, Span

_EOL = frozenset({Kind.NEWLINE, Kind.LINE_COMMENT, Kind.SUFFIX_COMMENT, Kind.EOF})

# A blank line inside a block is kept as an empty comment, as x/mod does.
BLANK = ""


@dataclass(slots=True)
class Comments:
    before: list[Token] = field(default_factory=list)
    suffix: list[Token] = field(default_factory=list)
    after: list[Token] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Line:
    tokens: list[Token]
    in_block: bool
    comments: Comments = field(default_factory=Comments)

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        return self.tokens[-1].end

    @property
    def span(self) -> Span:
        return Span(self.tokens[0].start, self.tokens[-1].end)

    @property
    def texts(self) -> list[str]:
        return [t.text for t in self.tokens]


@dataclass(slots=True, eq=False)
class Block:
    verb: list[Token]
    lparen: Token
    lines: list[Line]
    # None when the block is never closed (a syntax error).
    rparen: Token | None
    comments: Comments = field(default_factory=Comments)
    lparen_comments: Comments = field(default_factory=Comments)
    rparen_comments: Comments = field(default_factory=Comments)

    @property
    def start(self) -> int:
        return self.verb[0].start

    @property
    def header_span(self) -> Span:
        """The verb tokens and the opening parenthesis."""
        return Span(self.verb[0].start, self.lparen.end)


@dataclass(slots=True, eq=False)
class CommentBlock:
    start: int
    comments: Comments = field(default_factory=Comments)


Stmt = Line | Block | CommentBlock


@dataclass(slots=True, eq=False)
class FileSyntax:
    data: bytes
    name: str
    stmts: list[Stmt]
    comments: Comments
    problems: list[Problem]
    lines: LineIndex

    def directive_lines(self) -> list[tuple[Block | None, Line]]:
        """Every directive line with its block: the order x/mod interprets them in."""
        out: list[tuple[Block | None, Line]] = []
        for stmt in self.stmts:
            if isinstance(stmt, Line):
                out.append((None, stmt))
            elif isinstance(stmt, Block):
                out.extend((stmt, line) for line in stmt.lines)
        return out


def parse(data: bytes, name: str = "go.mod", verbs: frozenset[str] = frozenset()) -> FileSyntax:
    """Parse any bytes; never raises. `verbs` (the file kind's directives) guide recovery
    from an unterminated block: the block is taken to end before the first unindented line
    that starts with one of them."""
    lexer = Lexer(data)
    tokens = lexer.tokens()
    parser = _Parser(data, name, tokens, verbs)
    stmts = parser.parse_file()
    syntax = FileSyntax(
        data, name, stmts, Comments(), lexer.problems + parser.problems, parser.index
    )
    _assign_suffix_comments(syntax, [t for t in tokens if t.kind is Kind.SUFFIX_COMMENT])
    syntax.problems.sort(key=lambda p: p.span.start)
    return syntax


class _Parser:
    def __init__(self, data: bytes, name: str, tokens: list[Token], verbs: frozenset[str]) -> None:
        self.data = data
        self.name = name
        self.tokens = tokens
        self.verbs = verbs
        self.closings: list[Edit] = []  # the fixes of the unterminated blocks so far
        self.pos = 0
        self.problems: list[Problem] = []
        self.index = LineIndex(data)

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def next(self) -> Token:
        tok = self.tokens[self.pos]
        if tok.kind is not Kind.EOF:
            self.pos += 1
        return tok

    def parse_file(self) -> list[Stmt]:
        stmts: list[Stmt] = []
        pending: CommentBlock | None = None
        while True:
            tok = self.peek()
            kind = tok.kind
            if kind is Kind.NEWLINE:
                self.next()
                if pending is not None:
                    stmts.append(pending)
                    pending = None
            elif kind is Kind.LINE_COMMENT or kind is Kind.SUFFIX_COMMENT:
                self.next()
                if kind is Kind.LINE_COMMENT:
                    if pending is None:
                        pending = CommentBlock(tok.start)
                    pending.comments.before.append(tok)
            elif kind is Kind.EOF:
                if pending is not None:
                    stmts.append(pending)
                return stmts
            else:
                stmt = self.parse_stmt()
                stmts.append(stmt)
                if pending is not None:
                    stmt.comments.before = pending.comments.before
                    pending = None

    def parse_stmt(self) -> Line | Block:
        tokens = [self.next()]
        while True:
            tok = self.next()
            if tok.ends_line:
                return Line(tokens, in_block=False)
            if tok.kind is Kind.LPAREN:
                following = self.peek()
                if following.ends_line:
                    return self.parse_block(tokens, tok)
                if following.kind is Kind.RPAREN:
                    rparen = self.next()
                    if self.peek().ends_line:
                        self.next()
                        return Block(tokens, tok, [], rparen)
                    tokens.append(tok)
                    tokens.append(rparen)
                    continue
            tokens.append(tok)

    def parse_block(self, verb: list[Token], lparen: Token) -> Block:
        """The lines of a block up to its ')'. The hot loop of big files: it walks the token
        list with a local index instead of calling peek()/next() per token."""
        block = Block(verb, lparen, [], None)
        lines = block.lines
        comments: list[Token] = []
        starts: list[int] = []  # token index of each line, to rewind an unterminated block
        tokens = self.tokens
        pos = self.pos
        while True:
            tok = tokens[pos]
            kind = tok.kind
            if kind is Kind.SUFFIX_COMMENT:
                pos += 1
            elif kind is Kind.NEWLINE:
                pos += 1
                if (not comments and lines) or (comments and comments[-1].text != BLANK):
                    comments.append(Token(Kind.LINE_COMMENT, BLANK, tok.start, tok.start))
            elif kind is Kind.LINE_COMMENT:
                pos += 1
                comments.append(tok)
            elif kind is Kind.EOF:
                self.pos = pos
                self.unterminated(block, starts)
                return block
            elif kind is Kind.RPAREN:
                self.pos = pos + 1
                if len(comments) == 1 and comments[0].text == BLANK:
                    comments = []
                block.rparen_comments.before = comments
                block.rparen = tok
                self.expect_line_end()
                return block
            else:
                starts.append(pos)
                end = pos + 1
                while tokens[end].kind not in _EOL:
                    end += 1
                line = Line(tokens[pos:end], in_block=True)
                pos = end if tokens[end].kind is Kind.EOF else end + 1
                if comments:
                    line.comments.before = comments
                    comments = []
                lines.append(line)

    def expect_line_end(self) -> None:
        """After a block's ')': anything but the end of the line is an error, then skipped."""
        extra: list[Token] = []
        while not self.peek().ends_line:
            extra.append(self.next())
        self.next()
        if extra:
            span = Span(extra[0].start, extra[-1].end)
            self.error(span, "syntax error (expected newline after closing paren)")

    def unterminated(self, block: Block, starts: list[int]) -> None:
        """Close an unterminated block where the user most likely meant it to end."""
        for i, candidate in enumerate(block.lines):
            first = candidate.tokens[0]
            if first.text in self.verbs and self.index.position(first.start)[1] == 0:
                del block.lines[i:]
                self.pos = starts[i]
                break
        if block.lines:
            where = self.index.line_end(self.index.line_of(block.lines[-1].end))
        else:
            where = block.lparen.end
        line, column = self.go_position(block.start)
        # To the go command, an unterminated block runs to the end of the file, so a later
        # block is inside it: closing the later one alone would close the earlier one instead.
        # Its fix closes every unterminated block up to it.
        self.closings.append(Edit(Span(where, where), "\n)"))
        title = (
            "Add the missing ')'"
            if len(self.closings) == 1
            else (f"Add the {len(self.closings)} missing ')'")
        )
        fix = Fix(title, tuple(self.closings), preferred=True)
        message = f"syntax error (unterminated block started at {self.name}:{line}:{column})"
        self.error(block.header_span, message, fix)

    def go_position(self, offset: int) -> tuple[int, int]:
        """1-based line and rune column, as the go command prints positions."""
        line, column = self.index.position(offset)
        prefix = self.data[offset - column : offset]
        if not prefix.isascii():
            column = len(prefix.decode("utf-8", "replace"))
        return line + 1, column + 1

    def error(self, span: Span, message: str, *fixes: Fix) -> None:
        self.problems.append(Problem(span, Severity.ERROR, "syntax", message, fixes))


def _assign_suffix_comments(syntax: FileSyntax, suffix: list[Token]) -> None:
    """x/mod's rule: a suffix comment belongs to the last single-line node ending before it."""
    if not suffix:
        return
    line_of = syntax.lines.line_of
    # Only a string with a backslash-newline lets a line's tokens span two lines.
    lines_may_wrap = b"\\\n" in syntax.data
    # (end, comments) of each single-line node in x/mod's postorder; multi-line nodes never
    # take suffix comments.
    post: list[tuple[int, Comments]] = []
    for stmt in syntax.stmts:
        if isinstance(stmt, Line):
            if not lines_may_wrap or line_of(stmt.start) == line_of(stmt.end):
                post.append((stmt.tokens[-1].end, stmt.comments))
        elif isinstance(stmt, Block):
            post.append((stmt.lparen.end, stmt.lparen_comments))
            for line in stmt.lines:
                if not lines_may_wrap or line_of(line.start) == line_of(line.end):
                    post.append((line.tokens[-1].end, line.comments))
            if stmt.rparen is not None:
                post.append((stmt.rparen.end, stmt.rparen_comments))
                if line_of(stmt.start) == line_of(stmt.rparen.end):
                    post.append((stmt.rparen.end, stmt.comments))
        else:
            post.append((stmt.start, stmt.comments))
    remaining = len(suffix)  # suffix[:remaining] are still unassigned
    for end, comments in reversed(post):
        if not remaining:
            break
        if suffix[remaining - 1].start < end:
            continue
        first = remaining
        while first > 0 and end <= suffix[first - 1].start:
            first -= 1
        comments.suffix.extend(suffix[first:remaining])
        remaining = first
    syntax.comments.before.extend(suffix[:remaining])
