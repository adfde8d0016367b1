"""Requests on one document: quick fixes, formatting, outline, folding and hover."""

from __future__ import annotations

from lsprotocol import types

from modlsp.core import outline
from modlsp.core.edits import minimal_edits
from modlsp.core.formatter import format_model
from modlsp.core.hover import hover as hover_text
from modlsp.core.problems import Fix, Problem
from modlsp.core.text import Span
from modlsp.core.tidycheck import tidied
from modlsp.lsp import (
    convert,
    majors,
    modules,
    navigation,
    replaces,
    versionfeatures,
    versions,
)
from modlsp.lsp.diagnostics import DocumentProblems, document_problems
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


TIDY_KIND = "source.tidy"  # "Tidy requirements (no network)" on a go.mod


def register(server: ModlspServer) -> None:
    server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[
                types.CodeActionKind.QuickFix,
                types.CodeActionKind.RefactorRewrite,
                TIDY_KIND,
                *versions.UPGRADE_KINDS,
                replaces.REMOVE_LOCAL_REPLACES,
            ]
        ),
    )(code_action)
    server.feature(types.TEXT_DOCUMENT_FORMATTING)(formatting)
    server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)(document_symbol)
    server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)(folding_range)
    server.feature(types.TEXT_DOCUMENT_HOVER)(hover)


def code_action(ls: ModlspServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    view = document_problems(ls, params.text_document.uri)
    if view is None:
        return None
    # Kinds may arrive as plain strings or as lsprotocol's enum, whose str() is its name.
    only = [str(getattr(kind, "value", kind)) for kind in params.context.only or ()]
    actions: list[types.CodeAction] = []
    if convert.wants_kind(only, types.CodeActionKind.QuickFix):
        wanted = view.mapper.span(params.range)
        for problem in view.problems:
            if not problem.span.overlaps(wanted):
                continue
            for fix in problem.fixes:
                action = _quick_fix(ls, view, problem, fix)
                if action is not None:
                    actions.append(action)
    snapshot = ls.snapshot(view.uri)
    if snapshot is not None:
        # A cursor anywhere on a line, its indentation included, asks about the line.
        start, end = _whole_lines(view.data, view.mapper.span(params.range))
        refactorings = versions.upgrade_actions(ls, view.uri, snapshot, start, end, view.problems)
        refactorings += majors.actions(ls, view.uri, snapshot, start, end, view.problems)
        refactorings += replaces.local_copy_actions(ls, view.uri, snapshot, start, end)
        actions += [a for a in refactorings if convert.wants_kind(only, _kind(a))]
    if only and convert.wants_kind(only, TIDY_KIND):  # source actions only when asked for
        tidy = _tidy_action(ls, view)
        if tidy is not None:
            actions.append(tidy)
    if only and snapshot is not None:
        actions += versions.source_upgrade_actions(ls, view.uri, snapshot, only)
    if only and snapshot is not None and convert.wants_kind(only, replaces.REMOVE_LOCAL_REPLACES):
        removal = replaces.remove_local_replaces_action(ls, view.uri, snapshot)
        if removal is not None:
            actions.append(removal)
    return actions


def _whole_lines(data: bytes, span: Span) -> tuple[int, int]:
    end = data.find(b"\n", span.end)
    return data.rfind(b"\n", 0, span.start) + 1, len(data) if end < 0 else end


def _kind(action: types.CodeAction) -> str:
    return str(getattr(action.kind, "value", action.kind))


def _quick_fix(
    ls: ModlspServer, view: DocumentProblems, problem: Problem, fix: Fix
) -> types.CodeAction | None:
    document_changes = ls.supports_document_changes()
    if fix.target is None:
        return convert.quick_fix(
            fix, problem, view.uri, view.version, view.mapper, document_changes
        )
    target = modules.file_view(ls, fix.target)
    if target is None:
        return None
    uri, version, mapper = target
    edits = [convert.text_edit(e, mapper) for e in fix.edits]
    return types.CodeAction(
        title=fix.title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[convert.diagnostic(problem, view.mapper)],
        is_preferred=fix.preferred or None,
        edit=convert.workspace_edit(uri, version, edits, document_changes),
    )


def _tidy_action(ls: ModlspServer, view: DocumentProblems) -> types.CodeAction | None:
    path = modules.uri_path(view.uri)
    if path is None or path.name != "go.mod":
        return None
    state = ls.session.module_of(path)
    judgement = ls.session.judge(state) if state is not None and state.gomod == path else None
    if judgement is None or judgement.plan is None:
        return None
    after = tidied(judgement.model, judgement.plan)
    edits = [convert.text_edit(e, view.mapper) for e in minimal_edits(view.data, after)]
    if not edits:
        return None
    return types.CodeAction(
        title="Tidy requirements (no network)",
        kind=TIDY_KIND,
        edit=convert.workspace_edit(view.uri, view.version, edits, ls.supports_document_changes()),
    )


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


async def hover(ls: ModlspServer, params: types.HoverParams) -> types.Hover | None:
    """A directive's or version's meaning, and what the module proxy knows about it."""
    snapshot = ls.snapshot(params.text_document.uri)
    if snapshot is None:
        return navigation.go_hover(ls, params)
    offset = snapshot.mapper.offset(params.position)
    found = hover_text(snapshot.analysis.model, offset)
    facts = await versionfeatures.version_hover(ls, snapshot, offset)
    parts = ([facts[0]] if facts else []) + ([found.markdown] if found else [])
    if not parts:
        return None
    where = snapshot.mapper.range(found.span) if found else facts[1] if facts else None
    markdown = "\n\n---\n\n".join(parts)
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown), range=where
    )
