"""Requests on one document: quick fixes, formatting, outline, folding and hover."""

from __future__ import annotations

from lsprotocol import types

from modlsp.core import outline
from modlsp.core.edits import minimal_edits
from modlsp.core.formatter import format_model
from modlsp.core.hover import hover as hover_text
from modlsp.lsp import convert
from modlsp.lsp.positions import PositionMapper
from modlsp.lsp.server import ModlspServer

_SYMBOL_KINDS = {
    "module": types.SymbolKind.Module,
    "go": types.SymbolKind.Constant,
    "toolchain": types.SymbolKind.Constant,
    "godebug": types.SymbolKind.Property,
    "require": types.SymbolKind.Package,
    "exclude": types.SymbolKind.Null,
    "replace": types.SymbolKind.Interface,
    "retract": types.SymbolKind.Event,
    "tool": types.SymbolKind.Function,
    "ignore": types.SymbolKind.Null,
    "use": types.SymbolKind.Module,
}


def register(server: ModlspServer) -> None:
    server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )(code_action)
    server.feature(types.TEXT_DOCUMENT_FORMATTING)(formatting)
    server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)(document_symbol)
    server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)(folding_range)
    server.feature(types.TEXT_DOCUMENT_HOVER)(hover)


def code_action(ls: ModlspServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    snapshot = ls.snapshot(params.text_document.uri)
    if snapshot is None:
        return None
    only = params.context.only
    # Kinds may arrive as plain strings or as lsprotocol's enum, whose str() is its name.
    wanted_kinds = [str(getattr(kind, "value", kind)) for kind in only or ()]
    if wanted_kinds and not any(k.startswith(types.CodeActionKind.QuickFix) for k in wanted_kinds):
        return None
    wanted = snapshot.mapper.span(params.range)
    document_changes = ls.supports_document_changes()
    actions = []
    for problem in snapshot.problems:
        if not problem.span.overlaps(wanted):
            continue
        for fix in problem.fixes:
            actions.append(
                convert.quick_fix(
                    fix, problem, snapshot.uri, snapshot.version, snapshot.mapper, document_changes
                )
            )
    return actions


def formatting(
    ls: ModlspServer, params: types.DocumentFormattingParams
) -> list[types.TextEdit] | None:
    snapshot = ls.snapshot(params.text_document.uri)
    if snapshot is None:
        return None
    formatted = format_model(snapshot.analysis.model)
    if formatted is None:
        return None  # the file has errors: the go command would not format it either
    return [convert.text_edit(e, snapshot.mapper) for e in minimal_edits(snapshot.data, formatted)]


def _symbol(item: outline.OutlineItem, mapper: PositionMapper) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=item.name or item.kind,
        detail=item.detail or None,
        kind=_SYMBOL_KINDS.get(item.kind, types.SymbolKind.Key),
        range=mapper.range(item.span),
        selection_range=mapper.range(item.selection),
        children=[_symbol(child, mapper) for child in item.children] or None,
    )


def document_symbol(
    ls: ModlspServer, params: types.DocumentSymbolParams
) -> list[types.DocumentSymbol] | None:
    snapshot = ls.snapshot(params.text_document.uri)
    if snapshot is None:
        return None
    return [_symbol(item, snapshot.mapper) for item in outline.outline(snapshot.analysis.model)]


def folding_range(
    ls: ModlspServer, params: types.FoldingRangeParams
) -> list[types.FoldingRange] | None:
    snapshot = ls.snapshot(params.text_document.uri)
    if snapshot is None:
        return None
    ranges = []
    for fold in outline.folds(snapshot.analysis.model):
        start = snapshot.mapper.position(fold.span.start).line
        end = snapshot.mapper.position(fold.span.end).line
        if not fold.comment:
            end -= 1  # keep the closing parenthesis visible
        if end > start:
            kind = types.FoldingRangeKind.Comment if fold.comment else types.FoldingRangeKind.Region
            ranges.append(types.FoldingRange(start_line=start, end_line=end, kind=kind))
    return ranges


def hover(ls: ModlspServer, params: types.HoverParams) -> types.Hover | None:
    snapshot = ls.snapshot(params.text_document.uri)
    if snapshot is None:
        return None
    found = hover_text(snapshot.analysis.model, snapshot.mapper.offset(params.position))
    if found is None:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=found.markdown),
        range=snapshot.mapper.range(found.span),
    )
