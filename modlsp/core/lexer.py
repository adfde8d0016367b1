"""The go.mod / go.work lexer: the go command's token rules, recovering from every error.

x/mod's lexer panics at the first bad character; this one records a problem and goes on, so one
typo never hides the rest of the file. Tokens carry byte spans into the original bytes.
"""

from __future__ import annotations

import enum
import re
from typing import NamedTuple

from modlsp.core.gostring import go_quote_rune, is_invalid_byte
from modlsp.core.problems import Edit, Fix, Problem, Severity
from modlsp.core.text import Span


class Kind(enum.IntEnum):
    # An IntEnum: hashing its members is C code, and the parser tests membership per token.
    IDENT = enum.auto()
    STRING = enum.auto()
    LPAREN = enum.auto()
    RPAREN = enum.auto()
    LBRACK = enum.auto()
    RBRACK = enum.auto()
    LBRACE = enum.auto()
    RBRACE = enum.auto()
    COMMA = enum.auto()
    NEWLINE = enum.auto()
    # A whole-line comment; like x/mod's lexer it also consumes the newline that ends it.
    LINE_COMMENT = enum.auto()
    # A comment after other tokens on its line; it also ends the line.
    SUFFIX_COMMENT = enum.auto()
    EOF = enum.auto()


_PUNCT = {
    ord("("): Kind.LPAREN,
    ord(")"): Kind.RPAREN,
    ord("["): Kind.LBRACK,
    ord("]"): Kind.RBRACK,
    ord("{"): Kind.LBRACE,
    ord("}"): Kind.RBRACE,
    ord(","): Kind.COMMA,
}


class Token(NamedTuple):
    kind: Kind
    # The token's text decoded as UTF-8 with surrogateescape (lossless for invalid bytes).
    # Comments exclude the newline they consume.
    text: str
    start: int
    end: int

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    @property
    def ends_line(self) -> bool:
        return self.kind in _EOL_KINDS


_EOL_KINDS = frozenset({Kind.NEWLINE, Kind.SUFFIX_COMMENT, Kind.LINE_COMMENT, Kind.EOF})

# One alternative per token class; order matters (comments before identifiers).
# Identifier bytes: anything but ASCII controls, space, DEL and the punctuation; a '/' only when
# it does not start '//' or '/*'. Non-ASCII runs are checked rune by rune afterwards. As in Go,
# a backslash escapes any byte in a "string", even a newline.
_TOKEN_RE = re.compile(
    rb"""
    (?P<ws>[ \t\r]+)
  | (?P<comment>//[^\n]*\n?)
  | (?P<nl>\n)
  | (?P<punct>[()\[\]{},])
  | (?P<dq>"(?:[^"\\\n]|\\.)*(?:(?P<dqend>")|(?=\n)|\\?\Z))
  | (?P<bq>`[^`\n]*(?:(?P<bqend>`)|(?=\n)|\Z))
  | (?P<block>/\*)
  | (?P<ident>(?:[^\x00-\x20\x7f()\[\]{},/]|/(?![/*]))+)
  | (?P<bad>.)
    """,
    re.VERBOSE | re.DOTALL,
)


# A line with only printable ASCII words, tabs and spaces, and perhaps a // comment.
_NOT_PLAIN = re.compile(rb'[^\t\r\x20-\x7e]|["`()\[\]{},]|/\*')
_COMMENT_KINDS = frozenset({Kind.LINE_COMMENT, Kind.SUFFIX_COMMENT})
_LINE_CACHE: dict[bytes, tuple[tuple[Kind, str, int, int], ...]] = {}
_LINE_CACHE_SIZE = 50_000


def _plain_line(line: bytes) -> tuple[tuple[Kind, str, int, int], ...]:
    """Tokens of a plain line, with offsets relative to the line start."""
    cut = line.find(b"//")
    code = line if cut < 0 else line[:cut]
    out: list[tuple[Kind, str, int, int]] = []
    at = 0
    for word in code.split():
        start = code.find(word, at)
        at = start + len(word)
        out.append((Kind.IDENT, word.decode("ascii"), start, at))
    if cut >= 0:
        stop = len(line) - 1 if line.endswith(b"\r") else len(line)
        kind = Kind.SUFFIX_COMMENT if out else Kind.LINE_COMMENT
        out.append((kind, line[cut:stop].decode("ascii"), cut, stop))
    return tuple(out)


def _is_ident_char(ch: str) -> bool:
    if is_invalid_byte(ch):  # invalid UTF-8: Go reads U+FFFD, which is printable
        return True
    return ch.isprintable() and not ch.isspace() and ch not in "()[]{},"


class Lexer:
    """Splits source bytes into tokens, collecting lexical problems instead of stopping."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.problems: list[Problem] = []

    def _error(self, start: int, end: int, code: str, message: str, *fixes: Fix) -> None:
        self.problems.append(Problem(Span(start, end), Severity.ERROR, code, message, fixes))

    def tokens(self) -> list[Token]:
        """Line by line: most lines are plain words and a comment, lexed without a regex per
        token and remembered across calls (typing changes one line at a time)."""
        data = self.data
        out: list[Token] = []
        if b"\\\n" in data:  # a backslash-newline may continue a string onto the next line
            self._lex_range(0, len(data), out)
            out.append(Token(Kind.EOF, "", len(data), len(data)))
            return out
        append = out.append
        new_tuple = tuple.__new__
        newline = Kind.NEWLINE
        pos = 0
        size = len(data)
        for line in data.split(b"\n"):
            end = pos + len(line)
            cached = _LINE_CACHE.get(line)
            if cached is None and _NOT_PLAIN.search(line) is None:
                cached = _plain_line(line)
                if len(_LINE_CACHE) >= _LINE_CACHE_SIZE:
                    _LINE_CACHE.clear()
                _LINE_CACHE[line] = cached
            if cached is None:
                self._lex_range(pos, min(end + 1, size), out)
            else:
                # tuple.__new__ skips NamedTuple's Python-level constructor: this is the
                # innermost loop of every analysis.
                for kind, text, start, stop in cached:
                    append(new_tuple(Token, (kind, text, pos + start, pos + stop)))
                if end < size and not (cached and cached[-1][0] in _COMMENT_KINDS):
                    append(new_tuple(Token, (newline, "\n", end, end + 1)))
            pos = end + 1
        append(Token(Kind.EOF, "", size, size))
        return out

    def _lex_range(self, pos: int, size: int, out: list[Token]) -> None:
        """The general lexer, on data[pos:size]."""
        data = self.data
        append = out.append
        match = _TOKEN_RE.match
        line_has_tokens = False
        while pos < size:
            m = match(data, pos, size)
            assert m is not None  # the last alternative matches any byte
            group = m.lastgroup
            start, pos = m.span()
            if group == "ws":
                continue
            if group == "ident":
                raw = data[start:pos]
                if raw.isascii():
                    append(Token(Kind.IDENT, raw.decode("ascii"), start, pos))
                else:
                    self._non_ascii_ident(raw, start, out)
                line_has_tokens = True
            elif group == "nl":
                append(Token(Kind.NEWLINE, "\n", start, pos))
                line_has_tokens = False
            elif group == "comment":
                text_end = pos - 1 if data[pos - 1] == 0x0A else pos
                if text_end > start and data[text_end - 1] == 0x0D:
                    text_end -= 1
                text = data[start:text_end].decode("utf-8", "surrogateescape")
                kind = Kind.SUFFIX_COMMENT if line_has_tokens else Kind.LINE_COMMENT
                append(Token(kind, text, start, text_end))
                line_has_tokens = False
            elif group == "punct":
                append(Token(_PUNCT[data[start]], chr(data[start]), start, pos))
                line_has_tokens = True
            elif group == "dq" or group == "bq":
                closed = m.group("dqend" if group == "dq" else "bqend") is not None
                self._string(start, pos, closed, out)
                line_has_tokens = True
            elif group == "block":
                pos = self._block_comment(start)
            else:
                self._bad_char(start)

    def _string(self, start: int, end: int, closed: bool, out: list[Token]) -> None:
        data = self.data
        quote = data[start : start + 1]
        text = data[start:end].decode("utf-8", "surrogateescape")
        if not closed:
            # The quote goes before a line's closing \r: inside a \r\n it would split the line
            # break (and the \r would stay in the string).
            at = end
            while at > start + 1 and data[at - 1] == 0x0D:
                at -= 1
            message = (
                "unexpected EOF in string"
                if end >= len(data) or data[end : end + 1] != b"\n"
                else "unexpected newline in string"
            )
            self._error(
                start,
                end,
                "syntax",
                message,
                Fix("Close the string", (Edit(Span(at, at), quote.decode()),)),
            )
        out.append(Token(Kind.STRING, text, start, end))

    def _block_comment(self, start: int) -> int:
        """`/*` is an error; the rest of its line is skipped so it is not read as tokens."""
        data = self.data
        eol = data.find(b"\n", start)
        if eol < 0:
            eol = len(data)
        line_end = eol - 1 if eol > start and data[eol - 1 : eol] == b"\r" else eol
        close = data.find(b"*/", start + 2, line_end)
        fixes: tuple[Fix, ...] = ()
        if close >= 0 and not data[close + 2 : line_end].strip():
            inner = data[start + 2 : close].decode("utf-8", "surrogateescape").strip()
            replacement = f"// {inner}" if inner else "//"
            fixes = (Fix("Use a // comment", (Edit(Span(start, line_end), replacement),), True),)
            end = line_end
        elif close < 0:
            fixes = (Fix("Use a // comment", (Edit(Span(start, start + 2), "//"),), True),)
            end = line_end
        else:
            end = close + 2
        self._error(
            start,
            end,
            "block-comment",
            "mod files must use // comments (not /* */ comments)",
            *fixes,
        )
        return end  # lexing resumes after the comment, so its words are not read as tokens

    def _bad_char(self, start: int) -> None:
        """An ASCII control character (non-ASCII runes are checked in identifiers)."""
        ch = chr(self.data[start])
        fix = Fix("Delete the character", (Edit(Span(start, start + 1), ""),), True)
        self._error(
            start,
            start + 1,
            "bad-character",
            f"unexpected input character {go_quote_rune(ch)}",
            fix,
        )

    def _non_ascii_ident(self, raw: bytes, base: int, out: list[Token]) -> None:
        """Split a run at runes Go does not accept in identifiers (BOM, NBSP, controls)."""
        text = raw.decode("utf-8", "surrogateescape")
        offset = base
        piece_start = base
        piece: list[str] = []
        for ch in text:
            width = len(ch.encode("utf-8", "surrogateescape"))
            if _is_ident_char(ch):
                piece.append(ch)
            else:
                if piece:
                    out.append(Token(Kind.IDENT, "".join(piece), piece_start, offset))
                    piece = []
                self._error(
                    offset,
                    offset + width,
                    "bad-character",
                    f"unexpected input character {go_quote_rune(ch)}",
                    Fix("Delete the character", (Edit(Span(offset, offset + width), ""),), True),
                )
                piece_start = offset + width
            offset += width
        if piece:
            out.append(Token(Kind.IDENT, "".join(piece), piece_start, offset))
