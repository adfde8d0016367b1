"""Coding against an unpublished module, the Go docs' own workflow: on a require line, "Use the
local copy at ../x" when a directory beside the module (or in the workspace) holds the required
module; and the source action "Remove local replaces" for when it is time to publish."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from modlsp.core.goedits import directory_path
from modlsp.core.localmodules import modules_beside
from modlsp.core.modfile import FileKind
from modlsp.core.problems import Edit
from modlsp.core.replacecheck import remove_local_replaces, use_local_copy
from modlsp.lsp import convert, modules
from modlsp.lsp.documents import Snapshot
from modlsp.lsp.server import ModlspServer

REMOVE_LOCAL_REPLACES = "source.removeLocalReplaces"


def _places(ls: ModlspServer, module_dir: Path) -> dict[str, list[Path]]:
    """Module path -> directories holding it: the module's siblings, the workspace folders'
    modules and the go.work's."""
    known: dict[str, Path] = {}
    for state in ls.session.modules.values():
        if state.index.module.path:
            known.setdefault(state.index.module.path, state.dir)
    own = ls.session.modules.get(module_dir)
    if own is not None:
        known.update(own.workspace)
    return modules_beside(module_dir, known)


def local_copy_actions(
    ls: ModlspServer, uri: str, snapshot: Snapshot, start: int, end: int
) -> list[types.CodeAction]:
    model = snapshot.analysis.model
    gomod = modules.uri_path(uri)
    if model.kind is not FileKind.GOMOD or gomod is None or model.has_errors:
        return []
    wanted = [
        r
        for r in model.requires
        if r.valid and r.line.span.start <= end and r.line.span.end >= start
    ]
    replaced = {rep.old_path for rep in model.replaces if rep.is_directory}
    wanted = [r for r in wanted if r.path not in replaced]
    if not wanted:
        return []
    module_dir = gomod.parent
    places = _places(ls, module_dir)
    actions = []
    for require in wanted:
        for directory in places.get(require.path, []):
            if directory == module_dir:
                continue
            shown = directory_path(directory, module_dir)
            edits = use_local_copy(model, module_dir, require.path, directory)
            actions.append(
                types.CodeAction(
                    title=f"Use the local copy at {shown}",
                    kind=types.CodeActionKind.RefactorRewrite,
                    edit=_edit(ls, uri, snapshot, edits),
                )
            )
    return actions


def remove_local_replaces_action(
    ls: ModlspServer, uri: str, snapshot: Snapshot
) -> types.CodeAction | None:
    model = snapshot.analysis.model
    if model.kind is not FileKind.GOMOD or not any(r.is_directory for r in model.replaces):
        return None
    count = sum(1 for r in model.replaces if r.is_directory)
    return types.CodeAction(
        title=f"Remove local replaces ({count})",
        kind=REMOVE_LOCAL_REPLACES,
        edit=_edit(ls, uri, snapshot, remove_local_replaces(model)),
    )


def _edit(ls: ModlspServer, uri: str, snapshot: Snapshot, edits: list[Edit]) -> types.WorkspaceEdit:
    text_edits = [convert.text_edit(e, snapshot.mapper) for e in edits]
    return convert.workspace_edit(uri, snapshot.version, text_edits, ls.supports_document_changes())
