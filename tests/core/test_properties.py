"""Property tests of the core: the parser, the formatter, positions and quick fixes.

1. Analysis never raises; every span it hands out (tokens, tree lines, problems, fix edits)
   lies inside the input, on character boundaries, in source order; a token's text is its
   bytes; the edits of one fix do not overlap, and no edit splits a character or a \\r\\n.
2. Formatting settles: formatting the output again changes nothing (but for the blank line
   after `(` that `go mod edit -fmt` itself drops on a second run, see
   without_blank_after_paren), and the output has no error the input did not have.
3. (tests/oracle/test_format_oracle_properties.py: formatting is `go mod edit -fmt`.)
4. Every diagnostic range is a valid LSP range in UTF-8, UTF-16 and UTF-32, equal to a
   reference computed character by character, and maps back to its byte offsets.
5. Applying an offered fix removes its diagnostic and adds no error.

Inputs come from tests/core/strategies.py (structured go.mod/go.work text, with bad values and
damage) and from arbitrary bytes and Unicode text.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lsprotocol import types

from modlsp.core.analysis import Analysis, FileKind, analyze
from modlsp.core.formatter import format_model, format_source
from modlsp.core.lexer import Kind, Lexer, Token
from modlsp.core.problems import Edit, Fix, Problem, Severity, apply_edits, reading_order
from modlsp.core.reader import read
from modlsp.core.syntax import Block, Comments, Line
from modlsp.core.text import Span
from modlsp.lsp.positions import PositionMapper

from .strategies import kinded_files, kinds

NAMES = {FileKind.GOMOD: "dir/go.mod", FileKind.GOWORK: "dir/go.work"}
ENCODINGS = (
    types.PositionEncodingKind.Utf8,
    types.PositionEncodingKind.Utf16,
    types.PositionEncodingKind.Utf32,
)


def examples(n: int) -> settings:
    return settings(max_examples=n, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- 1. spans inside the input, in order ------------------------------------------------------


def _comment_tokens(c: Comments) -> Iterator[Token]:
    yield from c.before
    yield from c.suffix
    yield from c.after


def _inside(span: Span | Token, size: int) -> bool:
    return 0 <= span.start <= span.end <= size


def char_boundaries(data: bytes) -> set[int]:
    """Offsets between characters: a valid UTF-8 sequence is one character, an invalid byte is
    one on its own (as the lexer reads them, with surrogateescape)."""
    out = {0}
    offset = 0
    for ch in data.decode("utf-8", "surrogateescape"):
        offset += len(ch.encode("utf-8", "surrogateescape"))
        out.add(offset)
    return out


def _splits(data: bytes, offset: int, boundaries: set[int]) -> bool:
    """The offset cuts a character in two, or a \\r\\n line break."""
    return offset not in boundaries or data[offset - 1 : offset + 1] == b"\r\n"


def _check_fix(data: bytes, fix: Fix, where: str, boundaries: set[int]) -> None:
    assert fix.target is None, f"{where}: single-file analysis offered a fix for another file"
    assert fix.edits, f"{where}: a fix without edits"
    edits = sorted(fix.edits, key=lambda e: (e.span.start, e.span.end))
    for edit in edits:
        assert _inside(edit.span, len(data)), f"{where}: edit {edit} outside the input"
        for offset in edit.span:
            assert not _splits(data, offset, boundaries), (
                f"{where}: edit {edit} splits a character or a \\r\\n at {offset} in {data!r}"
            )
    for a, b in itertools.pairwise(edits):
        assert a.span.end <= b.span.start, f"{where}: overlapping edits {a} and {b}"
    apply_edits(data, fix.edits)


def check_spans(data: bytes, kind: FileKind) -> Analysis:
    size = len(data)
    analysis = analyze(data, kind, NAMES[kind])
    # Lexer tokens: inside, in order, each one exactly its bytes.
    tokens = Lexer(data).tokens()
    assert tokens[-1].kind is Kind.EOF and tokens[-1].start == size
    previous = 0
    for tok in tokens:
        assert _inside(tok, size), tok
        assert previous <= tok.start, f"token {tok} starts before the end of the previous one"
        assert data[tok.start : tok.end].decode("utf-8", "surrogateescape") == tok.text, tok
        previous = tok.end
    # The tree: statements, lines and their tokens in source order; comments inside.
    syntax = analysis.model.syntax
    previous = 0
    comments: list[Token] = list(_comment_tokens(syntax.comments))
    for stmt in syntax.stmts:
        comments += _comment_tokens(stmt.comments)
        if isinstance(stmt, Line):
            stmt_tokens = stmt.tokens
        elif isinstance(stmt, Block):
            comments += _comment_tokens(stmt.lparen_comments)
            comments += _comment_tokens(stmt.rparen_comments)
            stmt_tokens = [*stmt.verb, stmt.lparen]
            for line in stmt.lines:
                comments += _comment_tokens(line.comments)
                assert line.tokens, "an empty line in a block"
                stmt_tokens += line.tokens
            if stmt.rparen is not None:
                stmt_tokens.append(stmt.rparen)
        else:
            assert _inside(Span(stmt.start, stmt.start), size)
            assert previous <= stmt.start
            continue
        for tok in stmt_tokens:
            assert _inside(tok, size), tok
            assert previous <= tok.start, f"{tok} is before the end of the previous token"
            previous = tok.end
    for tok in comments:
        assert _inside(tok, size), tok
        assert data[tok.start : tok.end].decode("utf-8", "surrogateescape") == tok.text, tok
    lines = syntax.directive_lines()
    for (_, a), (_, b) in itertools.pairwise(lines):
        assert a.end <= b.start, "directive lines out of order"
    # Problems: inside, in reading order, with well-formed fixes.
    problems = analysis.problems
    assert list(problems) == sorted(problems, key=reading_order)
    boundaries = char_boundaries(data)
    for problem in problems:
        where = f"[{problem.code}] {problem.message!r} at {problem.span}"
        assert _inside(problem.span, size), where
        assert problem.span.start in boundaries and problem.span.end in boundaries, where
        assert problem.code and problem.message, where
        assert isinstance(problem.severity, Severity), where
        for fix in problem.fixes:
            _check_fix(data, fix, where, boundaries)
    return analysis


@examples(300)
@given(st.binary(max_size=400), kinds())
def test_spans_of_arbitrary_bytes(data: bytes, kind: FileKind) -> None:
    check_spans(data, kind)


@examples(400)
@given(kinded_files(bad=30, noise=30))
@example((FileKind.GOMOD, b'module "example.com/a\r\n'))  # the closing quote inside \r\n
def test_spans_of_module_files(case: tuple[FileKind, bytes]) -> None:
    kind, data = case
    check_spans(data, kind)


_SNIPPETS = st.sampled_from(
    (
        b"module example.com/m\n",
        b"go 1.21\r\n",
        b"require (\n",
        b"\texample.com/a v1.2.3 // indirect\n",
        b"\tExample.com/b/v2 v1.0.0\r\n",
        b")\n",
        b"replace a.com/x => ./x\n",
        b"retract [v1.0.0, v1.1.0] // why\n",
        b'require "a.com/x v1\r\n',
        b"exclude `a.com/y` v1.2\n",
        b"use (\r\n\t./a\r\n)\r\n",
        b"godebug k=v\n",
        b"// comment\n",
        b"/* block\n",
        b"\n",
        b"\r",
    )
)


@examples(300)
@given(st.lists(st.binary(max_size=12) | _SNIPPETS, max_size=12), kinds())
def test_spans_of_spliced_files(pieces: list[bytes], kind: FileKind) -> None:
    """Directive lines with arbitrary bytes in between: the parser resynchronizes."""
    check_spans(b"".join(pieces), kind)


# --- 2. formatting settles ----------------------------------------------------------------


def _error_codes(analysis: Analysis) -> Counter[str]:
    return Counter(p.code for p in analysis.problems if p.severity is Severity.ERROR)


def without_blank_after_paren(formatted: bytes, kind: FileKind) -> bytes:
    """`formatted` without the blank lines that directly follow a block's opening line.

    Where `go mod edit -fmt` (go 1.27) is not idempotent, and modlsp with it (the case found):
    sorting a block can move a line whose comments start with a blank line to the top, where
    the printer writes the blank line right after `(`; parsing drops a blank line there, so
    formatting again removes it. (`printf 'use (\\n\\tb\\n\\n\\ta\\n)\\n' > go.work; go work
    edit -fmt -print` prints `use (\\n\\n\\ta\\n\\tb\\n)`, and that file formats to
    `use (\\n\\ta\\n\\tb\\n)`.) The oracle tests check that modlsp does what go does here."""
    syntax = read(formatted, kind).syntax
    index = syntax.lines
    blank: set[int] = set()
    for stmt in syntax.stmts:
        if isinstance(stmt, Block):
            line = index.line_of(stmt.lparen.end) + 1
            if line + 1 < index.line_count and index.line_start(line) == index.line_end(line):
                blank.add(line)
    lines = formatted.split(b"\n")
    return b"\n".join(text for n, text in enumerate(lines) if n not in blank)


def check_format_idempotent(data: bytes, kind: FileKind) -> bytes | None:
    analysis = analyze(data, kind, NAMES[kind])
    formatted = format_model(analysis.model)
    assert formatted == format_source(data, kind, NAMES[kind])
    if formatted is None:
        assert analysis.model.has_errors
        return None
    again = read(formatted, kind, NAMES[kind])
    assert not again.has_errors, [p.message for p in again.problems]
    twice = format_model(again)
    assert twice == without_blank_after_paren(formatted, kind), (
        f"{data!r}\nformats to {formatted!r}\nwhich formats to {twice!r}"
    )
    assert format_source(twice, kind) == twice, f"{data!r}: formatting does not settle"
    new_errors = _error_codes(analyze(formatted, kind, NAMES[kind])) - _error_codes(analysis)
    assert not new_errors, f"formatting {data!r} added errors: {dict(new_errors)}"
    return formatted


@examples(400)
@given(kinded_files(bad=20, noise=5))
# An invalid byte in a path: printable to Go, unquoted by both the fast and the slow path.
@example((FileKind.GOMOD, b"module ex\xe2\x82ample.com/a\nexclude ex\xe2\x82ample.com/a v1.2.3\n"))
def test_format_is_idempotent(case: tuple[FileKind, bytes]) -> None:
    kind, data = case
    check_format_idempotent(data, kind)


@examples(200)
@given(kinded_files(bad=40, noise=40))
def test_format_is_idempotent_on_noisy_files(case: tuple[FileKind, bytes]) -> None:
    kind, data = case
    check_format_idempotent(data, kind)


# --- 4. positions in every encoding ---------------------------------------------------------


def reference_positions(data: bytes) -> dict[str, dict[int, types.Position]]:
    """Per encoding, the LSP position of every character boundary of UTF-8 `data` (which may
    hold surrogates, as the server encodes a document with surrogatepass), computed one
    character at a time: lines end at \\n, \\r\\n or a lone \\r; an offset between \\r and \\n
    is the end of its line."""
    text = data.decode("utf-8", "surrogatepass")
    out: dict[str, dict[int, types.Position]] = {str(e.value): {} for e in ENCODINGS}
    line = 0
    col = dict.fromkeys(out, 0)
    offset = 0
    i = 0
    while True:
        for enc, table in out.items():
            table[offset] = types.Position(line=line, character=col[enc])
        if i == len(text):
            return out
        ch = text[i]
        width = len(ch.encode("utf-8", "surrogatepass"))
        if ch == "\r" and text[i + 1 : i + 2] == "\n":
            for enc, table in out.items():  # between \r and \n: still the end of the line
                table[offset + 1] = types.Position(line=line, character=col[enc])
            offset, i, line = offset + 2, i + 2, line + 1
            col = dict.fromkeys(out, 0)
            continue
        if ch in "\r\n":
            offset, i, line = offset + 1, i + 1, line + 1
            col = dict.fromkeys(out, 0)
            continue
        col["utf-8"] += width
        col["utf-16"] += 2 if ord(ch) > 0xFFFF else 1
        col["utf-32"] += 1
        offset += width
        i += 1


def _before(a: types.Position, b: types.Position) -> bool:
    return (a.line, a.character) <= (b.line, b.character)


def check_positions(data: bytes, spans: list[Span], encodings: tuple[str, ...]) -> None:
    reference = reference_positions(data)
    for encoding in encodings:
        mapper = PositionMapper(data, encoding)
        table = reference[str(getattr(encoding, "value", encoding))]
        for span in spans:
            for offset in span:
                assert offset in table, f"{span} splits a character of {data!r}"
            lsp_range = mapper.range(span)
            expected = types.Range(start=table[span.start], end=table[span.end])
            assert lsp_range == expected, f"{encoding}: {span} in {data!r}"
            assert _before(lsp_range.start, lsp_range.end)
            back = mapper.span(lsp_range)
            # The round trip gives the offset back; inside a \r\n, the end of its line.
            want = Span(*(o - 1 if data[o - 1 : o + 1] == b"\r\n" else o for o in span))
            assert back == want, f"{encoding}: {span} -> {lsp_range} -> {back} in {data!r}"


_TEXT_PIECES = st.sampled_from(
    (
        "module example.com/m\n",
        "require (\n",
        "\trequire a.com/x v1.2\n",
        "go 1.x\n",
        "requre ",
        "Example.com/é v2.0.0",
        ")",
        '"',
        " // ",
        "/* c */",
        "\u00e9",
        "e\u0301",  # e + combining acute
        "\U0001d11e",  # musical symbol G clef (astral)
        "\U0001f600",  # an emoji (astral)
        "\u4e2d\u6587",
        "\ufeff",
        "\u00a0",
        "\u2028",
        "\x00",
        "\t",
        " ",
        "\n",
        "\r\n",
        "\r",
    )
)
UNICODE_TEXT = st.lists(_TEXT_PIECES | st.text(max_size=5), max_size=30).map("".join)


@examples(300)
@given(UNICODE_TEXT, kinds())
def test_diagnostic_ranges_in_every_encoding(text: str, kind: FileKind) -> None:
    data = text.encode("utf-8")
    analysis = analyze(data, kind, NAMES[kind])
    spans = [p.span for p in analysis.problems]
    spans += [e.span for p in analysis.problems for f in p.fixes for e in f.edits]
    check_positions(data, spans, ENCODINGS)


@examples(200)
@given(UNICODE_TEXT)
def test_every_character_boundary_round_trips(text: str) -> None:
    data = text.encode("utf-8")
    boundaries = sorted(reference_positions(data)["utf-8"])
    check_positions(data, [Span(o, o) for o in boundaries], ENCODINGS)


# A document whose text holds lone surrogates (JSON allows "\ud800"): documents.py encodes it
# with surrogatepass. A lone surrogate is one UTF-16 code unit and one code point.
SURROGATE_TEXT = st.lists(
    _TEXT_PIECES | st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=20
).map("".join)


@examples(200)
@given(SURROGATE_TEXT, kinds())
@example("\ud800", FileKind.GOMOD)  # one UTF-16 code unit, not three
def test_ranges_with_lone_surrogates(text: str, kind: FileKind) -> None:
    data = text.encode("utf-8", "surrogatepass")
    analysis = analyze(data, kind, NAMES[kind])
    spans = [p.span for p in analysis.problems]
    boundaries = sorted(reference_positions(data)["utf-8"])
    spans += [Span(o, o) for o in boundaries]
    check_positions(
        data, spans, (types.PositionEncodingKind.Utf16, types.PositionEncodingKind.Utf32)
    )


_ANY_BYTES = st.lists(
    st.sampled_from((b"\r", b"\n", b"\r\n", b"a", b"\xff", b"\xe2\x82", b"\xf0\x9d\x84\x9e"))
    | st.binary(max_size=8),
    max_size=40,
).map(b"".join)


@examples(200)
@given(_ANY_BYTES, st.sampled_from(ENCODINGS))
@example(b"\xf0\x9d\x84\x9e", types.PositionEncodingKind.Utf16)  # offsets inside a character
def test_positions_of_any_bytes_are_valid(data: bytes, encoding: str) -> None:
    """Files read from disk may hold any bytes: every offset still maps to a position on its
    line, with positions in the order of the offsets."""
    mapper = PositionMapper(data, encoding)
    previous = types.Position(line=0, character=0)
    for offset in range(len(data) + 1):
        position = mapper.position(offset)
        before = data[:offset]
        if before.endswith(b"\r") and data[offset : offset + 1] == b"\n":
            before = before[:-1]  # between \r and \n: the end of the line
        lines = before.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n")
        assert position.line == lines, (offset, position)
        assert position.character >= 0
        assert _before(previous, position), (offset, previous, position)
        previous = position


# --- 5. fixes fix ---------------------------------------------------------------------------

# Problems after which the reader does not interpret their line (a lexical error, an unknown
# directive or block type): the go command's checks of that line come only once it is fixed.
_HIDES_ITS_LINE = frozenset({"unknown-directive"})
# Errors a newly interpreted line brings about on another line: a second module/go/toolchain,
# a conflicting replacement, a directory used twice, a retract without a module line, and the
# missing module line (reported only when the file has no other problem).
_ABOUT_OTHER_LINES = frozenset(
    {
        "repeated-directive",
        "conflicting-replace",
        "duplicate-use",
        "retract-no-module",
        "missing-module",
    }
)


def _identity(problem: Problem) -> tuple[str, str]:
    """What identifies a problem across an edit besides its place: code and message. Messages
    name the offending path, version or directive, not its position; the exception, an
    unterminated block's, names the line where the block starts, which its fix leaves alone."""
    return problem.code, problem.message


def _new_size(edit: Edit) -> int:
    return len(edit.new_text.encode("utf-8", "surrogateescape"))


def image(span: Span, edits: tuple[Edit, ...]) -> Span | None:
    """Where `span` is after the edits; None when they delete all of it."""
    ordered = sorted(edits, key=lambda e: (e.span.start, e.span.end))
    if span.start < span.end and any(
        e.new_text == "" and e.span.start <= span.start and span.end <= e.span.end for e in ordered
    ):
        return None

    def moved(offset: int, is_end: bool) -> int:
        shift = 0
        for e in ordered:
            if e.span.start < offset < e.span.end:  # inside an edit: its replacement
                return e.span.start + shift + (_new_size(e) if is_end else 0)
            if e.span.end < offset or (e.span.end == offset and (is_end or e.span.start < offset)):
                shift += _new_size(e) - (e.span.end - e.span.start)
        return offset + shift

    return Span(moved(span.start, False), moved(span.end, True))


def replaced(edits: tuple[Edit, ...]) -> list[Span]:
    """Where the new text of each edit is, after the edits."""
    out: list[Span] = []
    shift = 0
    for e in sorted(edits, key=lambda e: (e.span.start, e.span.end)):
        start = e.span.start + shift
        out.append(Span(start, start + _new_size(e)))
        shift += _new_size(e) - (e.span.end - e.span.start)
    return out


def _statement_spans(data: bytes, kind: FileKind) -> list[Span]:
    """The byte range of every directive line and block, comments and line ends included."""
    syntax = read(data, kind).syntax
    index = syntax.lines
    out: list[Span] = []
    for stmt in syntax.stmts:
        if isinstance(stmt, Line):
            first, last = stmt.start, stmt.end
        elif isinstance(stmt, Block):
            first = stmt.start
            last = stmt.rparen.end if stmt.rparen is not None else stmt.lparen.end
            if stmt.lines:
                last = max(last, stmt.lines[-1].end)
        else:
            continue
        end_line = index.line_of(last) + 1
        end = index.line_start(end_line) if end_line < index.line_count else len(data)
        out.append(Span(index.line_start(index.line_of(first)), end))
    return out


def _touched(spans: list[Span], edited: list[Span]) -> list[Span]:
    return [s for s in spans if any(s.start <= e.end and e.start <= s.end for e in edited)]


def _outside(problems: list[Problem], region: list[Span]) -> list[Problem]:
    return [
        p
        for p in problems
        if p.code not in _ABOUT_OTHER_LINES
        and not any(r.start <= p.span.start and p.span.end <= r.end for r in region)
    ]


def check_fixes(data: bytes, kind: FileKind) -> int:
    before = analyze(data, kind, NAMES[kind])
    lexer = Lexer(data)
    lexer.tokens()
    lexical = {(p.span, p.message) for p in lexer.problems}
    errors = [p for p in before.problems if p.severity is Severity.ERROR]
    applied = 0
    for problem in before.problems:
        for fix in problem.fixes:
            assert fix.target is None
            fixed = apply_edits(data, fix.edits)
            after = analyze(fixed, kind, NAMES[kind])
            where = (
                f"fix {fix.title!r} of [{problem.code}] {problem.message!r} at {problem.span}\n"
                f"before: {data!r}\nafter:  {fixed!r}\n"
                + "\n".join(
                    f"  {p.severity.name} [{p.code}] {p.message!r} at {p.span}"
                    for p in after.problems
                )
            )
            # The problem is gone: nothing with its code and message where it was.
            place = image(problem.span, fix.edits)
            if place is not None:
                still = [
                    p
                    for p in after.problems
                    if _identity(p) == _identity(problem) and p.span.overlaps(place)
                ]
                assert not still, f"not fixed: {where}"
            # No more errors than before. A fix that lets the reader interpret a line for the
            # first time brings that line's own errors, which were there all along: for it, count
            # only the errors outside the statements it edits (and not the errors one line
            # causes on another: a repeated module line, a conflicting replacement, ...).
            after_errors = [p for p in after.problems if p.severity is Severity.ERROR]
            before_errors = errors
            if (problem.span, problem.message) in lexical or problem.code in _HIDES_ITS_LINE:
                before_errors = _outside(
                    errors, _touched(_statement_spans(data, kind), [e.span for e in fix.edits])
                )
                after_errors = _outside(
                    after_errors, _touched(_statement_spans(fixed, kind), replaced(fix.edits))
                )
            assert len(after_errors) <= len(before_errors), (
                f"more errors after the {where}\nnew: "
                f"{sorted(Counter(map(_identity, after_errors)) - Counter(map(_identity, before_errors)))}"
            )
            applied += 1
    return applied


@examples(400)
@given(kinded_files(bad=30, noise=20))
@example((FileKind.GOMOD, b"module example.com/a\ngo 1.21\ngo (\n)\n"))
@example(
    (FileKind.GOMOD, b"module example.com/a\nrequire (\n\ta.com/x v1.2.3\nrequre\nrequire (\n")
)
@example((FileKind.GOMOD, b"module Example.com/A\nrequire Example.com/A v1.0.0\n"))
def test_fixes_remove_their_problem(case: tuple[FileKind, bytes]) -> None:
    kind, data = case
    check_fixes(data, kind)
