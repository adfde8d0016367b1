#!/usr/bin/env python3
"""Coverage-guided fuzz target (atheris) for the Go import scanner and the import rewriter.

Input: the bytes of a Go file. `scan` never raises; each import it reports must point at its
string literal (inside the input, and the literal's Go value is the import's path), and so
must the package clause's `// import "..."` comment.

Then the target moves one module: the prefix made of the first import path's first two
elements gets a "/v2" (`example.com/m/pkg` -> `example.com/m/v2/pkg`), as the major-version
refactorings do. `rewrite_imports` must plan edits inside the input that do not overlap,
`apply_edits` must apply them, and, when the file's imports parse without a syntax error (a
broken head leaves tree-sitter's error recovery free to read the edited file otherwise),
scanning the result must find exactly the renamed paths.

Any exception is a crash. Usage (fuzz/README.md): python fuzz/fuzz_gosource.py [flags] [dirs]
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import atheris
import tree_sitter
import tree_sitter_go

# Fuzz the checkout this file belongs to, whatever is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

with atheris.instrument_imports(include=["modlsp"]):
    from modlsp.core.gosource import GoSource, scan
    from modlsp.core.gostring import unquote
    from modlsp.core.importrewrite import rewrite_imports
    from modlsp.core.problems import apply_edits
    from modlsp.core.text import Span

_PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_go.language()))
_FIRST_DECLARATION = re.compile(rb"^(?:func|type|var|const)\b", re.MULTILINE)


def check(data: bytes) -> None:
    source = scan(data)
    _check_spans(data, source)
    if not source.imports:
        return
    prefix = "/".join(source.imports[0].path.split("/")[:2])
    if not prefix:
        return
    rename = _mover(prefix, prefix + "/v2")

    edits = rewrite_imports(data, source, rename)
    for edit in edits:
        _inside(data, edit.span, edit)
    result = apply_edits(data, edits)  # raises ValueError on overlapping edits

    after = scan(result)
    _check_spans(result, after)
    if not _parses(data):
        return
    expected = {rename(i.path) or i.path for i in source.imports}
    found = {i.path for i in after.imports}
    assert found == expected, (
        f"imports after the rewrite: {sorted(found)!r}, expected {sorted(expected)!r}\n"
        f"edits: {edits!r}\nbefore: {data!r}\nafter:  {result!r}"
    )
    if source.import_comment is not None:
        old = source.import_comment.path
        assert after.import_comment is not None, f"import comment lost: {result!r}"
        assert after.import_comment.path == (rename(old) or old), after.import_comment


def _parses(data: bytes) -> bool:
    """Whether the file up to its first declaration (what `scan` reads) has no syntax error."""
    cut = _FIRST_DECLARATION.search(data)
    head = data[: cut.start()] if cut else data
    return not _PARSER.parse(head).root_node.has_error


def _mover(old: str, new: str) -> Callable[[str], str | None]:
    def rename(path: str) -> str | None:
        if path == old or path.startswith(old + "/"):
            return new + path[len(old) :]
        return None

    return rename


def _check_spans(data: bytes, source: GoSource) -> None:
    literals: list[tuple[str, Span]] = [(i.path, i.span) for i in source.imports]
    if source.import_comment is not None:
        literals.append(source.import_comment)
    for path, span in literals:
        _inside(data, span, path)
        literal = data[span.start : span.end].decode("utf-8", "surrogateescape")
        value = _go_value(literal)
        assert value == path, f"literal {literal!r} at {span} is {value!r}, not {path!r}"


def _go_value(literal: str) -> str | None:
    """strconv.Unquote, which go/build applies to import paths: a raw string loses its
    carriage returns."""
    if len(literal) >= 2 and literal[0] == literal[-1] == "`":
        return literal[1:-1].replace("\r", "")
    return unquote(literal)


def _inside(data: bytes, span: Span, what: object) -> None:
    assert 0 <= span.start <= span.end <= len(data), f"span {span} outside the input: {what!r}"


if __name__ == "__main__":
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()
