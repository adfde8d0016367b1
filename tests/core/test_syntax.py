"""The lexer and parser: token spans, comment attachment, and recovery from every error."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modlsp.core.analysis import FileKind, analyze
from modlsp.core.formatter import format_source
from modlsp.core.lexer import Kind, Lexer
from modlsp.core.problems import apply_edits
from modlsp.core.reader import read
from modlsp.core.syntax import Block, CommentBlock, Line, parse


def kinds(src: bytes) -> list[tuple[str, str]]:
    return [(t.kind.name, t.text) for t in Lexer(src).tokens()]


def test_tokens_and_spans() -> None:
    src = b'require "a b" v1 // c\n'
    tokens = Lexer(src).tokens()
    assert [(t.kind, t.text, src[t.start : t.end].decode()) for t in tokens] == [
        (Kind.IDENT, "require", "require"),
        (Kind.STRING, '"a b"', '"a b"'),
        (Kind.IDENT, "v1", "v1"),
        (Kind.SUFFIX_COMMENT, "// c", "// c"),
        (Kind.EOF, "", ""),
    ]


def test_double_slash_ends_an_identifier() -> None:
    assert kinds(b"module example.com//m\n") == [
        ("IDENT", "module"),
        ("IDENT", "example.com"),
        ("SUFFIX_COMMENT", "//m"),
        ("EOF", ""),
    ]


def test_quotes_inside_identifiers_and_punctuation() -> None:
    assert kinds(b'a"b [x, y]\n') == [
        ("IDENT", 'a"b'),
        ("LBRACK", "["),
        ("IDENT", "x"),
        ("COMMA", ","),
        ("IDENT", "y"),
        ("RBRACK", "]"),
        ("NEWLINE", "\n"),
        ("EOF", ""),
    ]


def test_crlf_comments_drop_the_carriage_return() -> None:
    tokens = Lexer(b"// top\r\nmodule x // end\r\n").tokens()
    assert [t.text for t in tokens if "COMMENT" in t.kind.name] == ["// top", "// end"]


@pytest.mark.parametrize(
    ("src", "message", "where"),
    [
        (b"\xef\xbb\xbfmodule x\n", "unexpected input character '\\ufeff'", (0, 3)),
        (b"module x\x00\n", "unexpected input character '\\x00'", (8, 9)),
        (b"module a\xc2\xa0b\n", "unexpected input character '\\u00a0'", (8, 10)),
        (b"module x\x0b\n", "unexpected input character '\\v'", (8, 9)),
        (b'module "x\n', "unexpected newline in string", (7, 9)),
        (b'module "x', "unexpected EOF in string", (7, 9)),
        (b"module `x\n", "unexpected newline in string", (7, 9)),
        (b"module x /* c */\n", "mod files must use // comments (not /* */ comments)", (9, 16)),
        (b"module x/*c*/y\n", "mod files must use // comments (not /* */ comments)", (8, 13)),
    ],
)
def test_lexical_errors(src: bytes, message: str, where: tuple[int, int]) -> None:
    problems = read(src, FileKind.GOMOD).problems
    assert [(p.message, (p.span.start, p.span.end)) for p in problems] == [(message, where)]


def test_nul_and_invalid_utf8_in_comments_are_fine() -> None:
    assert read(b"module x // \x00 \xff\xfe\n", FileKind.GOMOD).problems == []


def test_comment_attachment_matches_xmod() -> None:
    src = (
        b"// head\n\n// before\nrequire ( // after-paren\n"
        b"\t// line\n\ta v1.0.0 // suffix\n\n) // end\n"
    )
    syntax = parse(src)
    head, block = syntax.stmts
    assert isinstance(head, CommentBlock)
    assert [c.text for c in head.comments.before] == ["// head"]
    assert isinstance(block, Block)
    assert [c.text for c in block.comments.before] == ["// before"]
    assert [c.text for c in block.lparen_comments.suffix] == ["// after-paren"]
    (line,) = block.lines
    assert [c.text for c in line.comments.before] == ["// line"]
    assert [c.text for c in line.comments.suffix] == ["// suffix"]
    assert [c.text for c in block.rparen_comments.suffix] == ["// end"]


def test_blank_lines_in_blocks_are_kept_once() -> None:
    block = parse(b"require (\n\ta v1\n\n\n\tb v1\n)\n").stmts[0]
    assert isinstance(block, Block)
    assert [c.text for c in block.lines[1].comments.before] == [""]


def test_parenthesis_forms() -> None:
    stmts = parse(b"a ()\nb ( )\nc (x y)\nd ( ) e\n").stmts
    assert [type(s).__name__ for s in stmts] == ["Block", "Block", "Line", "Line"]
    assert [t.text for t in stmts[3].tokens] == ["d", "(", ")", "e"]  # type: ignore[union-attr]


def test_unterminated_block_recovers_at_the_next_directive() -> None:
    src = b"module m\n\nrequire (\n\ta.com/x v1.0.0\n\ngo 1.21\n"
    model = read(src, FileKind.GOMOD, "go.mod")
    assert [p.message for p in model.problems] == [
        "syntax error (unterminated block started at go.mod:3:1)"
    ]
    assert model.go is not None and model.go.version == "1.21"
    assert [r.path for r in model.requires] == ["a.com/x"]
    fixed = apply_edits(src, model.problems[0].fixes[0].edits)
    assert fixed == b"module m\n\nrequire (\n\ta.com/x v1.0.0\n)\n\ngo 1.21\n"
    assert read(fixed, FileKind.GOMOD).problems == []


def test_unterminated_block_at_eof() -> None:
    src = b"module m\nrequire (\n\ta.com/x v1.0.0"
    model = read(src, FileKind.GOMOD)
    assert model.problems[0].code == "syntax"
    fixed = apply_edits(src, model.problems[0].fixes[0].edits)
    assert read(fixed, FileKind.GOMOD).problems == []


def test_tokens_after_closing_paren() -> None:
    model = read(b"require (\n\ta.com/x v1.0.0\n) extra\ngo 1.21\n", FileKind.GOMOD)
    assert [(p.message, p.span.start) for p in model.problems] == [
        ("syntax error (expected newline after closing paren)", 28)
    ]
    assert model.go is not None


def test_stray_closing_paren_is_an_unknown_directive() -> None:
    assert [p.message for p in read(b")\n", FileKind.GOMOD).problems] == ["unknown directive: )"]


def test_one_bad_line_does_not_hide_the_rest() -> None:
    src = b'module example.com/m\nrequire a.com/x "v1\ngo 1.x\nrequire Bad.com/y v1.0.0\n'
    messages = [p.message for p in analyze(src, FileKind.GOMOD).problems]
    assert messages == [
        "unexpected newline in string",
        "invalid go version '1.x': must match format 1.23.0",
        "malformed module path \"Bad.com/y\": invalid char 'B' in first path element",
    ]


def test_line_spans_cover_the_tokens() -> None:
    (line,) = parse(b"  require  a  v1  \n").stmts
    assert isinstance(line, Line)
    assert (line.start, line.end) == (2, 16)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_never_raise(data: bytes) -> None:
    for kind in FileKind:
        analysis = analyze(data, kind)
        for problem in analysis.problems:
            assert 0 <= problem.span.start <= problem.span.end <= len(data)
        format_source(data, kind)


_PIECES = st.sampled_from(
    [
        b"module",
        b"require",
        b"replace",
        b"retract",
        b"go",
        b"(",
        b")",
        b"[",
        b"]",
        b",",
        b"=>",
        b"\n",
        b" ",
        b"\t",
        b"// c",
        b'"',
        b"`",
        b"/*",
        b"v1.2.3",
        b"a.com/x",
        b"\r\n",
        b"\xef\xbb\xbf",
        b"\xff",
        b"\x00",
        b"1.21",
        b"godebug",
        b"k=v",
        b"use",
        b"./d",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=40))
def test_go_mod_like_noise_never_raises(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    for kind in FileKind:
        analysis = analyze(data, kind)
        for problem in analysis.problems:
            for fix in problem.fixes:
                apply_edits(data, fix.edits)  # every fix applies cleanly
        formatted = format_source(data, kind)
        if formatted is not None:
            assert format_source(formatted, kind) == formatted


def test_huge_file() -> None:
    """The parser itself takes any size in one pass (no recursion); analysis stops at 1 MiB
    (tests/core/test_large_files.py)."""
    line = b"\texample.com/some/module v1.2.3 // indirect\n"
    data = b"module m\n\nrequire (\n" + line * 200_000 + b")\n"  # about 9 MB
    model = read(data, FileKind.GOMOD)
    assert len(model.requires) == 200_000
