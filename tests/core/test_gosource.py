"""The Go source scanner's own promises (go/parser agreement is in tests/oracle)."""

from __future__ import annotations

from modlsp.core.gosource import Import, ImportComment, scan
from modlsp.core.text import Span


def test_build_ignored_files_are_marked() -> None:
    assert scan(b'//go:build ignore\n\npackage main\n\nimport "x.com/tool"\n').excluded
    assert not scan(b'//go:build linux\n\npackage main\n\nimport "x.com/tool"\n').excluded
    # A constraint-looking comment after the package clause is just a comment.
    assert not scan(b'package main\n\n//go:build ignore\nimport "x.com/tool"\n').excluded


def test_import_comment_span_covers_the_quoted_path() -> None:
    data = b'package p // import "example.com/p/v2"\n'
    source = scan(data)
    assert source.import_comment == ImportComment("example.com/p/v2", Span(20, 38))
    assert data[20:38] == b'"example.com/p/v2"'
    assert scan(b'package p\n// import "example.com/p"\n').import_comment is None
    assert scan(b"package p // import me\n").import_comment is None


def test_broken_files_keep_the_imports_that_parse() -> None:
    data = b'package p\n\nimport (\n\t"fmt"\n\t"os"\n'  # the block never ends
    source = scan(data)
    assert source.package == "p"
    assert [i.path for i in source.imports] == ["fmt", "os"]
    for i in source.imports:
        assert data[i.span.start : i.span.end] == f'"{i.path}"'.encode()


def test_never_raises_on_garbage() -> None:
    for data in (
        b"",
        b"\xff\xfe\x00",
        b"import",
        b'import "x"',
        b"package",
        b"package p\nimport ((",
    ):
        scan(data)
    assert scan(b"") == scan(b"")
    assert scan(b'import "x"').package is None


def test_bad_literals_are_skipped() -> None:
    source = scan(b'package p\n\nimport (\n\t"ok.com/a"\n\t"bad\\q"\n)\n')
    assert source.imports == (Import("ok.com/a", Span(21, 31), None),)
