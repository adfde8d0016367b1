"""What a Go source file tells about modules: its package name, its imports (path, alias, byte
span of the string literal), its `// import "..."` comment, and whether `go mod tidy` builds it.

Only the file's head is parsed (tree-sitter-go): imports must precede every other declaration,
so the source is cut before the first top-level `func`/`type`/`var`/`const` at the start of a
line. A full parse costs about 70 times more on real code; the cut is only a speed-up, and a
head that does not parse cleanly is parsed again whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

import tree_sitter
import tree_sitter_go

from modlsp.core.buildtags import excluded_by_constraints
from modlsp.core.gostring import unquote
from modlsp.core.text import Span

_PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_go.language()))
_FIRST_DECLARATION = re.compile(rb"^(?:func|type|var|const)\b", re.MULTILINE)
_DECLARATIONS = frozenset(
    {
        "function_declaration",
        "method_declaration",
        "type_declaration",
        "var_declaration",
        "const_declaration",
    }
)
_IMPORT_COMMENT = re.compile(r'^//\s*import\s+("(?:[^"\\\n]|\\.)*"|`[^`\n]*`)\s*$')


class Import(NamedTuple):
    path: str
    span: Span  # the string literal, quotes included
    name: str | None  # the alias: an identifier, "_" or "."; None when there is none


class ImportComment(NamedTuple):
    path: str
    span: Span  # the quoted path inside the comment


@dataclass(frozen=True, slots=True)
class GoSource:
    package: str | None
    imports: tuple[Import, ...]
    import_comment: ImportComment | None
    # //go:build ignore (or a constraint no tag set but `ignore` satisfies): outside every build.
    excluded: bool


def scan(data: bytes) -> GoSource:
    """Never raises: a file that does not parse yields the imports that do."""
    cut = _FIRST_DECLARATION.search(data)
    head = data[: cut.start()] if cut else data
    tree = _PARSER.parse(head)
    if cut and tree.root_node.has_error:
        tree = _PARSER.parse(data)
    root = tree.root_node

    package: str | None = None
    package_end = len(head)
    import_comment: ImportComment | None = None
    imports: list[Import] = []
    for node in root.named_children:
        kind = node.type
        if kind == "package_clause":
            package_end = node.start_byte
            name = next((c for c in node.named_children if c.type == "package_identifier"), None)
            package = _text(data, name) if name is not None else None
            import_comment = _import_comment_after(data, node)
        elif kind == "import_declaration":
            for spec in _specs(node):
                found = _import(data, spec)
                if found is not None:
                    imports.append(found)
        elif kind in _DECLARATIONS:
            break  # imports precede every declaration
    return GoSource(
        package, tuple(imports), import_comment, excluded_by_constraints(data[:package_end])
    )


def comment_spans(data: bytes) -> list[Span]:
    """Every comment of a whole Go file (a full parse: only for the few files that need it)."""
    spans: list[Span] = []
    stack = [_PARSER.parse(data).root_node]
    while stack:
        node = stack.pop()
        if node.type == "comment":
            spans.append(Span(node.start_byte, node.end_byte))
        elif node.child_count:
            stack.extend(node.children)
    return spans


def _specs(declaration: tree_sitter.Node) -> list[tree_sitter.Node]:
    specs = []
    for child in declaration.named_children:
        if child.type == "import_spec":
            specs.append(child)
        elif child.type == "import_spec_list":
            specs.extend(c for c in child.named_children if c.type == "import_spec")
    return specs


def _import(data: bytes, spec: tree_sitter.Node) -> Import | None:
    literal = spec.child_by_field_name("path")
    if literal is None or literal.is_missing:
        return None
    path = _string_value(_text(data, literal))
    if path is None:
        return None
    alias = spec.child_by_field_name("name")
    name = _text(data, alias) if alias is not None else None
    return Import(path, Span(literal.start_byte, literal.end_byte), name)


def _string_value(literal: str) -> str | None:
    if len(literal) >= 2 and literal[0] == literal[-1] == "`":
        return literal[1:-1].replace("\r", "")  # Go's scanner drops \r from raw strings
    if len(literal) >= 2 and literal[0] == literal[-1] == '"':
        return unquote(literal)
    return None


def _import_comment_after(data: bytes, clause: tree_sitter.Node) -> ImportComment | None:
    """`package x // import "example.com/x"`: the comment on the package clause's line."""
    comment = clause.next_named_sibling
    if comment is None or comment.type != "comment" or not _same_line(data, clause, comment):
        return None
    match = _IMPORT_COMMENT.match(_text(data, comment))
    if match is None:
        return None
    path = _string_value(match.group(1))
    if path is None:
        return None
    start = comment.start_byte + len(
        match.string[: match.start(1)].encode("utf-8", "surrogateescape")
    )
    return ImportComment(
        path, Span(start, start + len(match.group(1).encode("utf-8", "surrogateescape")))
    )


def _same_line(data: bytes, a: tree_sitter.Node, b: tree_sitter.Node) -> bool:
    return b"\n" not in data[a.end_byte : b.start_byte]


def _text(data: bytes, node: tree_sitter.Node) -> str:
    return data[node.start_byte : node.end_byte].decode("utf-8", "surrogateescape")
