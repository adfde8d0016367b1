"""Core values -> lsprotocol values. Every range goes through a PositionMapper."""

from __future__ import annotations

from lsprotocol import types

from modlsp.core.problems import Edit, Fix, Problem
from modlsp.lsp.positions import PositionMapper

_SEVERITY = {
    1: types.DiagnosticSeverity.Error,
    2: types.DiagnosticSeverity.Warning,
    3: types.DiagnosticSeverity.Information,
    4: types.DiagnosticSeverity.Hint,
}


def wants_kind(only: list[str], kind: str) -> bool:
    """Code action kinds are hierarchical: asking for `source` includes `source.tidy`."""
    return not only or any(kind == k or kind.startswith(k + ".") for k in only)


def diagnostic(problem: Problem, mapper: PositionMapper) -> types.Diagnostic:
    return types.Diagnostic(
        range=mapper.range(problem.span),
        message=problem.message,
        severity=_SEVERITY[int(problem.severity)],
        code=problem.code,
        source="modlsp",
    )


def text_edit(edit: Edit, mapper: PositionMapper) -> types.TextEdit:
    return types.TextEdit(range=mapper.range(edit.span), new_text=edit.new_text)


def workspace_edit(
    uri: str, version: int | None, edits: list[types.TextEdit], document_changes: bool
) -> types.WorkspaceEdit:
    """Versioned documentChanges where the client supports them, so a stale fix is refused."""
    if document_changes:
        document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        change = types.TextDocumentEdit(text_document=document, edits=list(edits))
        return types.WorkspaceEdit(document_changes=[change])
    return types.WorkspaceEdit(changes={uri: list(edits)})


def quick_fix(
    fix: Fix,
    problem: Problem,
    uri: str,
    version: int | None,
    mapper: PositionMapper,
    document_changes: bool,
) -> types.CodeAction:
    edits = [text_edit(e, mapper) for e in fix.edits]
    return types.CodeAction(
        title=fix.title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic(problem, mapper)],
        is_preferred=fix.preferred or None,
        edit=workspace_edit(uri, version, edits, document_changes),
    )
