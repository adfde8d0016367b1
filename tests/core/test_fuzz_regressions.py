"""Every input the fuzz targets (fuzz/) ever flagged, minimized, with the behaviour that is
right for it: no exception, the parser's partial model plus problems, and where the go
command has an answer, the go command's answer (the expected bytes below are what go 1.27's
`go mod edit -fmt -print` and `go list` say about the same input).

A new crash goes here first (fuzz/README.md says how to minimize it); it stays after the fix.
"""

from __future__ import annotations

from modlsp.core.analysis import FileKind, analyze
from modlsp.core.formatter import format_model, format_source
from modlsp.core.gosource import scan
from modlsp.core.importrewrite import rewrite_imports
from modlsp.core.problems import apply_edits

# ---------------------------------------------------------------------------------------------
# fuzz_modfile.py


def test_invalid_utf8_byte_in_a_token_is_not_quoted() -> None:
    """Go's MustQuote ranges over the token's runes: an invalid byte is U+FFFD, printable, so
    the token needs no quotes and the byte is printed as it is."""
    assert format_source(b"module \xdf\n", FileKind.GOMOD) == b"module \xdf\n"
    assert format_source(b"module x\nrequire m\xdfy v1.5.6\n", FileKind.GOMOD) == (
        b"module x\n\nrequire m\xdfy v1.5.6\n"
    )
    work = format_source(b"go 1.22\nuse ./\xdf\n", FileKind.GOWORK)
    assert work == b"go 1.22\n\nuse ./\xdf\n"


def test_invalid_utf8_byte_in_a_quoted_string_reads_as_replacement_char() -> None:
    """strconv.Unquote decodes a raw invalid byte between the quotes as U+FFFD (an escaped
    \\xff stays the byte 0xff)."""
    analysis = analyze(b'module "x\xff"\n', FileKind.GOMOD)
    assert analysis.model.module is not None
    assert analysis.model.module.path == "x\ufffd"
    assert format_model(analysis.model) == b"module x\xef\xbf\xbd\n"
    assert format_source(b'module m\n\nrequire "example.com/\xff" v1.0.0\n', FileKind.GOMOD) == (
        b"module m\n\nrequire example.com/\xef\xbf\xbd v1.0.0\n"
    )


def test_a_quoted_retract_version_is_unquoted_only_when_valid() -> None:
    """x/mod reads retract versions with a fixer that keeps them as they are (dontFixRetract)
    and stores the unquoted value back in the token, valid or not: `go mod edit -fmt` turns
    `retract "a b"` into `retract a b`, two tokens, a file that says something else (go build
    rejects both: `retract example.com/m: version "a b" invalid` before, `unexpected token
    after version: "b"` after).
    modlsp reports the invalid version and leaves its quotes, so formatting never changes what
    a line means; a valid quoted version is unquoted as go does."""
    assert format_source(b'module m\n\nretract "v1.0.0"\n', FileKind.GOMOD) == (
        b"module m\n\nretract v1.0.0\n"
    )
    assert format_source(b'module m\n\nretract ["v1.0.0", v1.1.0]\n', FileKind.GOMOD) == (
        b"module m\n\nretract [v1.0.0, v1.1.0]\n"
    )
    invalid = b'module m\n\nretract "a b"\n'
    codes = [p.code for p in analyze(invalid, FileKind.GOMOD).problems]
    assert "invalid-version" in codes
    assert format_source(invalid, FileKind.GOMOD) == invalid
    assert format_source(b'module m\n\nretract ["v1 .0", v1.0.0]\n', FileKind.GOMOD) == (
        b'module m\n\nretract ["v1 .0", v1.0.0]\n'
    )


def test_formatting_twice_does_what_go_does_twice() -> None:
    """go mod edit -fmt is not idempotent when sorting moves a line that follows a blank line
    to the start of its block: the next pass drops the blank line (x/mod's retract.in). The
    fuzz target compares such cases with the go command; this one is pinned here."""
    source = b"module abc\n\nretract (\n\tv1.2.3\n\n\t[v1.2.3, v1.2.4]\n)\n"
    once = format_source(source, FileKind.GOMOD)
    assert once == b"module abc\n\nretract (\n\n\t[v1.2.3, v1.2.4]\n\tv1.2.3\n)\n"
    twice = format_source(once, FileKind.GOMOD)
    assert twice == b"module abc\n\nretract (\n\t[v1.2.3, v1.2.4]\n\tv1.2.3\n)\n"
    assert format_source(twice, FileKind.GOMOD) == twice


# ---------------------------------------------------------------------------------------------
# fuzz_gosource.py


def test_raw_string_import_path_loses_carriage_returns() -> None:
    """Go discards carriage returns from raw string literals: `go list` reads this import
    as example.com/m/sub (and builds the package)."""
    data = b"package m\n\nimport `example.com/m/\rsub`\n"
    (imported,) = scan(data).imports
    assert imported.path == "example.com/m/sub"
    assert data[imported.span.start : imported.span.end] == b"`example.com/m/\rsub`"


def test_rewrite_in_a_head_that_does_not_parse() -> None:
    """A broken import section: the edits stay inside the file and apply (tree-sitter may read
    the edited file otherwise, so the fuzz target does not compare the imports after it)."""
    data = b'import"\n\xff\t"\xecd"'
    source = scan(data)
    prefix = "/".join(source.imports[0].path.split("/")[:2])

    def rename(path: str) -> str | None:
        if path == prefix or path.startswith(prefix + "/"):
            return prefix + "/v2" + path[len(prefix) :]
        return None

    edits = rewrite_imports(data, source, rename)
    assert edits
    assert all(0 <= e.span.start <= e.span.end <= len(data) for e in edits)
    apply_edits(data, edits)
