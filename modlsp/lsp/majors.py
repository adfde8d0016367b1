"""The major-version refactorings in the editor: code actions on the `module` line (bump the
module's own `/vN`) and on require lines (move a dependency to its newer major), and the
commands behind them, which plan off the event loop with progress and send one
`workspace/applyEdit` covering every file."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from lsprotocol import types

from modlsp.core import semver
from modlsp.core.gittags import newest_mismatched, release_tags
from modlsp.core.gowork import find_gowork
from modlsp.core.majorbump import plan_bump
from modlsp.core.majorpath import bumped_path, current_major
from modlsp.core.majorupgrade import plan_major_upgrade
from modlsp.core.modfile import FileKind, ModFile
from modlsp.core.problems import Problem, Refusal
from modlsp.core.reader import read
from modlsp.core.rename import ModuleSnapshot, RenamePlan
from modlsp.core.session import ModuleState
from modlsp.core.versioncheck import NEWER_MAJOR, checked_requires
from modlsp.lsp import convert, modules
from modlsp.lsp.documents import Snapshot
from modlsp.lsp.positions import PositionMapper
from modlsp.lsp.progress import Progress
from modlsp.lsp.server import ModlspServer
from modlsp.lsp.versions import command_argument

log = logging.getLogger(__name__)

BUMP_MAJOR = "modlsp.server.bumpMajor"
UPGRADE_MAJOR = "modlsp.server.upgradeMajor"
TAG_MISMATCH = "major-tag-mismatch"


def register(server: ModlspServer) -> None:
    server.command(BUMP_MAJOR)(bump_major)
    server.command(UPGRADE_MAJOR)(upgrade_major)


# --- code actions --------------------------------------------------------------------------


def actions(
    ls: ModlspServer, uri: str, snapshot: Snapshot, start: int, end: int, shown: list[Problem]
) -> list[types.CodeAction]:
    """Refactorings for the module and require lines in [start, end] (whole lines)."""
    model = snapshot.analysis.model
    if model.kind is not FileKind.GOMOD or model.module is None:
        return []
    found: list[types.CodeAction] = []
    module = model.module
    if module.line.span.start <= end and module.line.span.end >= start:
        found += _bump_actions(uri, model, shown, snapshot.mapper)
    facts = ls.versions.facts
    if facts is None:
        return found
    for require in checked_requires(model):
        if require.line.span.end < start or require.line.span.start > end:
            continue
        known = facts.known_requirement(require.path, require.version)
        newer = known.newer_major if known is not None else None
        version = newer.newest() if newer is not None else None
        if newer is None or version is None:
            continue
        diagnostics = [
            convert.diagnostic(p, snapshot.mapper)
            for p in shown
            if p.code == NEWER_MAJOR and p.span.overlaps(require.line.span)
        ]
        found.append(
            types.CodeAction(
                title=f"Upgrade to {newer.path} {version} and rewrite its imports",
                kind=types.CodeActionKind.QuickFix
                if diagnostics
                else types.CodeActionKind.RefactorRewrite,
                diagnostics=diagnostics or None,
                command=types.Command(
                    title="Upgrade across major versions",
                    command=UPGRADE_MAJOR,
                    arguments=[
                        {
                            "uri": uri,
                            "path": require.path,
                            "newPath": newer.path,
                            "version": version,
                        }
                    ],
                ),
            )
        )
    return found


def _bump_actions(
    uri: str, model: ModFile, shown: list[Problem], mapper: PositionMapper
) -> list[types.CodeAction]:
    assert model.module is not None
    path = model.module.path
    target = bumped_path(path)
    if isinstance(target, Refusal):
        return []
    out = [_bump_action(uri, target, types.CodeActionKind.RefactorRewrite, [])]
    mismatches = [p for p in shown if p.code == TAG_MISMATCH]
    gomod = modules.uri_path(uri)
    tags = release_tags(gomod.parent, path) if mismatches and gomod is not None else None
    newest = newest_mismatched(tags, path) if tags is not None else None
    if newest is not None:
        # The quick fix moves the path to the major of the tag the problem names.
        tagged = bumped_path(path, int(semver.major(newest)[1:]))
        if not isinstance(tagged, Refusal):
            diagnostics = [convert.diagnostic(p, mapper) for p in mismatches]
            out.insert(0, _bump_action(uri, tagged, types.CodeActionKind.QuickFix, diagnostics))
    return out


def _bump_action(
    uri: str, target: str, kind: str, diagnostics: list[types.Diagnostic]
) -> types.CodeAction:
    major = current_major(target)
    return types.CodeAction(
        title=f"Move module to {target} and rewrite its imports",
        kind=kind,
        diagnostics=diagnostics or None,
        is_preferred=bool(diagnostics) or None,
        command=types.Command(
            title="Bump module major version",
            command=BUMP_MAJOR,
            arguments=[{"uri": uri, "major": major}],
        ),
    )


# --- commands ------------------------------------------------------------------------------


class Workspace:
    """The bytes a refactoring plans on, taken on the event loop: the editor's text of open
    documents (with their versions), else the disk's (read in the planning thread)."""

    def __init__(self, ls: ModlspServer) -> None:
        self.open: dict[Path, tuple[bytes, int]] = {}
        for document in ls.documents():
            path = modules.uri_path(document.uri)
            if path is not None and document.version is not None:
                self.open[path] = (
                    document.source.encode("utf-8", "surrogatepass"),
                    document.version,
                )

    def read(self, path: Path) -> bytes | None:
        found = self.open.get(path)
        if found is not None:
            return found[0]
        try:
            return path.read_bytes()
        except OSError:
            return None

    def version(self, path: Path) -> int | None:
        found = self.open.get(path)
        return found[1] if found is not None else None


def _snapshot(state: ModuleState, files: Workspace) -> ModuleSnapshot | None:
    data = files.read(state.gomod)
    if data is None:
        return None
    model = read(data, FileKind.GOMOD, str(state.gomod))
    go_files = [path for path, _ in state.index.files()]
    return ModuleSnapshot(state.dir, data, model, go_files)


async def _module_state(ls: ModlspServer, uri: str) -> ModuleState | None:
    """The module of a file, once the scans under way have landed (a refactoring right after
    start-up must see every module of the workspace)."""
    await modules.scans_done(ls)
    path = modules.uri_path(uri)
    return ls.session.module_of(path) if path is not None else None


async def bump_major(ls: ModlspServer, *args: Any) -> dict[str, Any] | None:
    """Arguments: [{"uri": a file of the module, "major": N (optional, default next)}]."""
    argument = command_argument(args)
    state = await _module_state(ls, argument["uri"]) if argument is not None else None
    if argument is None or state is None:
        ls.tell(
            "Bump module major version: no module found for the given file", types.MessageType.Error
        )
        return None
    major = argument.get("major")
    if major is not None and (not isinstance(major, int) or isinstance(major, bool)):
        ls.tell(
            f"Bump module major version: {major!r} is not a major version", types.MessageType.Error
        )
        return None
    files = Workspace(ls)
    main = _snapshot(state, files)
    others = [
        s
        for other in ls.session.modules.values()
        if other is not state and (s := _snapshot(other, files)) is not None
    ]
    if main is None:
        ls.tell(f"Bump module major version: cannot read {state.gomod}", types.MessageType.Error)
        return None
    claimed = {o.model.module.path for o in others if o.model.module is not None}
    claimed |= set(state.workspace)
    gowork = _gowork(state.dir, files)
    progress = await Progress.start(ls, "Bump module major version")
    try:
        plan = await asyncio.get_running_loop().run_in_executor(
            None,
            lambda: plan_bump(main, others, claimed, files.read, major, gowork, progress.report),
        )
    finally:
        progress.end()
    return await _apply(ls, plan, files, "Bump module major version")


def _gowork(module_dir: Path, files: Workspace) -> tuple[Path, bytes, ModFile] | None:
    gowork = find_gowork(module_dir)
    data = files.read(gowork) if gowork is not None else None
    if gowork is None or data is None:
        return None
    return gowork, data, read(data, FileKind.GOWORK, str(gowork))


async def upgrade_major(ls: ModlspServer, *args: Any) -> dict[str, Any] | None:
    """Arguments: [{"uri": the go.mod, "path": required path, "newPath", "version"}]."""
    argument = command_argument(args)
    state = await _module_state(ls, argument["uri"]) if argument is not None else None
    wanted = [argument.get(k) for k in ("path", "newPath", "version")] if argument else []
    if state is None or not all(isinstance(w, str) for w in wanted) or len(wanted) != 3:
        ls.tell(
            "Upgrade across majors: give uri, path, newPath and version",
            types.MessageType.Error,
        )
        return None
    old, new, version = (str(w) for w in wanted)
    files = Workspace(ls)
    main = _snapshot(state, files)
    if main is None:
        ls.tell(f"Upgrade across majors: cannot read {state.gomod}", types.MessageType.Error)
        return None
    claimed = {s.index.module.path for s in ls.session.modules.values() if s.index.module.path}
    claimed |= set(state.workspace)
    claimed.discard(old)
    progress = await Progress.start(ls, f"Upgrade {old} to {new}")
    try:
        plan = await asyncio.get_running_loop().run_in_executor(
            None,
            lambda: plan_major_upgrade(
                main, old, new, version, claimed, files.read, progress.report
            ),
        )
    finally:
        progress.end()
    return await _apply(ls, plan, files, f"Upgrade {old} to {new} {version}")


async def _apply(
    ls: ModlspServer, plan: RenamePlan | Refusal, files: Workspace, label: str
) -> dict[str, Any] | None:
    if isinstance(plan, Refusal):
        ls.tell(f"{label}: {plan.message}", types.MessageType.Error)
        return None
    edit = workspace_edit(ls, plan, files)
    result = await ls.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(edit=edit, label=label)
    )
    if not result.applied:
        reason = result.failure_reason or "the editor refused the edit"
        ls.tell(f"{label}: not applied: {reason}", types.MessageType.Warning)
        return {"applied": False, "reason": reason}
    for note in plan.notes:
        ls.tell(note, types.MessageType.Warning)
    summary = f"{plan.summary()}, {plan.imports_phrase('rewritten')}"
    ls.tell(summary, types.MessageType.Info)
    return {
        "applied": True,
        "newPath": plan.new_path,
        "files": len(plan.files),
        "imports": plan.import_count,
    }


def workspace_edit(ls: ModlspServer, plan: RenamePlan, files: Workspace) -> types.WorkspaceEdit:
    """One edit for every file: versioned for open documents (a document changed since the
    plan makes the client refuse the whole edit rather than corrupt it)."""
    per_file = []
    for change in plan.files:
        mapper = PositionMapper(change.before, ls.encoding)
        edits = [convert.text_edit(e, mapper) for e in change.edits]
        per_file.append((modules.path_uri(change.path), files.version(change.path), edits))
    if ls.supports_document_changes():
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(
                        uri=uri, version=version
                    ),
                    edits=list(edits),
                )
                for uri, version, edits in per_file
            ]
        )
    return types.WorkspaceEdit(changes={uri: list(edits) for uri, _, edits in per_file})
