"""Document structure for editors: an outline of directives and foldable regions, as byte spans."""

from __future__ import annotations

from dataclasses import dataclass, replace

from modlsp.core.modfile import ModFile
from modlsp.core.syntax import Block, Line
from modlsp.core.text import Span


@dataclass(frozen=True, slots=True)
class OutlineItem:
    name: str
    detail: str
    kind: str  # the directive verb; the LSP layer maps it to a SymbolKind
    span: Span  # the whole directive or block
    selection: Span  # the part to highlight: the verb or the first argument
    children: tuple[OutlineItem, ...] = ()


@dataclass(frozen=True, slots=True)
class Fold:
    span: Span
    comment: bool


def _line_item(verb: str, line: Line, args_from: int) -> OutlineItem:
    args = [t.text for t in line.tokens[args_from:]]
    name = args[0] if args else verb
    detail = " ".join(args[1:])
    if line.comments.suffix:
        detail = f"{detail} {line.comments.suffix[0].text}".strip()
    selection = line.tokens[args_from].span if len(line.tokens) > args_from else line.tokens[0].span
    return OutlineItem(name, detail, verb, line.span, selection)


def outline(model: ModFile) -> list[OutlineItem]:
    items: list[OutlineItem] = []
    for stmt in model.syntax.stmts:
        if isinstance(stmt, Line):
            verb = stmt.tokens[0].text
            item = _line_item(verb, stmt, 1)
            name = verb if len(stmt.tokens) == 1 else f"{verb} {item.name}"
            items.append(replace(item, name=name))
        elif isinstance(stmt, Block):
            verb = " ".join(t.text for t in stmt.verb)
            end = (
                stmt.rparen.end
                if stmt.rparen is not None
                else (stmt.lines[-1].end if stmt.lines else stmt.lparen.end)
            )
            children = tuple(_line_item(stmt.verb[0].text, line, 0) for line in stmt.lines)
            detail = f"{len(children)} {'entry' if len(children) == 1 else 'entries'}"
            items.append(
                OutlineItem(
                    verb,
                    detail,
                    stmt.verb[0].text,
                    Span(stmt.start, end),
                    stmt.header_span,
                    children,
                )
            )
    return items


def folds(model: ModFile) -> list[Fold]:
    """Blocks, and runs of two or more whole-line comments."""
    out: list[Fold] = []
    for stmt in model.syntax.stmts:
        comments = stmt.comments.before
        if len(comments) >= 2:
            out.append(Fold(Span(comments[0].start, comments[-1].end), comment=True))
        if isinstance(stmt, Block):
            end = stmt.rparen.start if stmt.rparen is not None else len(model.syntax.data)
            out.append(Fold(Span(stmt.start, end), comment=False))
    return out
