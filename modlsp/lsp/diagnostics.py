"""Document lifecycle and diagnostics: debounced analysis, versioned publishing, no stale
results."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from lsprotocol import types

from modlsp.core.modfile import FileKind
from modlsp.core.problems import Problem, reading_order
from modlsp.lsp import convert, modules, versions
from modlsp.lsp.positions import PositionMapper
from modlsp.lsp.server import ModlspServer

log = logging.getLogger(__name__)


def register(server: ModlspServer) -> None:
    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open)
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(did_close)


def initialize(ls: ModlspServer, params: types.InitializeParams) -> None:
    ls.apply_settings(params.initialization_options)


async def did_change_configuration(
    ls: ModlspServer, params: types.DidChangeConfigurationParams
) -> None:
    raw = params.settings
    if not raw:
        # Clients that follow the pull model send null and expect a workspace/configuration.
        caps = ls.client_capabilities.workspace
        if not (caps and caps.configuration):
            return
        result = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section="modlsp")])
        )
        raw = result[0] if result else None
    ls.apply_settings(raw)
    ls.snapshots.clear()
    republish_all(ls)


def did_open(ls: ModlspServer, params: types.DidOpenTextDocumentParams) -> None:
    modules.document_changed(ls, params.text_document.uri)
    schedule(ls, params.text_document.uri, immediate=True)


def did_change(ls: ModlspServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    modules.document_changed(ls, uri)
    schedule(ls, uri, immediate=_ends_a_quiet_spell(ls, uri))


def did_close(ls: ModlspServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    task = ls.pending.pop(uri, None)
    if task is not None:
        task.cancel()
    ls.snapshots.forget(uri)
    ls.last_published.pop(uri, None)
    ls.last_change.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    modules.document_closed(ls, uri)
    versions.forget(ls, uri)


def republish_all(ls: ModlspServer) -> None:
    for document in ls.documents():
        schedule(ls, document.uri, immediate=True)


def schedule(ls: ModlspServer, uri: str, immediate: bool = False) -> None:
    """Analyse after the debounce delay; a newer change cancels the pending run."""
    previous = ls.pending.pop(uri, None)
    if previous is not None:
        previous.cancel()
    delay = 0.0 if immediate else ls.settings.debounce_ms / 1000
    ls.pending[uri] = ls.start_background(_publish_after(ls, uri, delay))


def _ends_a_quiet_spell(ls: ModlspServer, uri: str) -> bool:
    """Whether the document had not changed for debounceMs before this change.

    Such a change is analysed at once, so a single edit shows its diagnostics in a few
    milliseconds; the changes that follow it within the delay (typing, a burst) wait for a
    quiet spell and are analysed once, at the last."""
    now = time.monotonic()
    last = ls.last_change.get(uri)
    ls.last_change[uri] = now
    return last is None or now - last >= ls.settings.debounce_ms / 1000


async def _publish_after(ls: ModlspServer, uri: str, delay: float) -> None:
    if delay > 0:
        await asyncio.sleep(delay)
    current = asyncio.current_task()
    if ls.pending.get(uri) is current:
        del ls.pending[uri]
    view = document_problems(ls, uri)
    if view is None:
        return  # closed meanwhile, or nothing modlsp judges
    document = ls.document(uri)
    if document is None or document.version != view.version:
        return  # a newer version is on its way; never publish stale results
    diagnostics = [convert.diagnostic(p, view.mapper) for p in view.problems]
    if ls.last_published.get(uri) == (view.version, diagnostics):
        return  # e.g. the scan finished and changed nothing here: no flicker, no noise
    ls.last_published[uri] = (view.version, diagnostics)
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=view.version)
    )


@dataclass(frozen=True, slots=True)
class DocumentProblems:
    uri: str
    version: int | None
    data: bytes
    mapper: PositionMapper
    problems: list[Problem]


def document_problems(ls: ModlspServer, uri: str) -> DocumentProblems | None:
    """Everything modlsp finds in an open document: a module file's own problems and its
    module's, or a Go file's import problems."""
    document = ls.document(uri)
    if document is None:
        return None
    language_id = document.language_id or ""
    snapshot = ls.snapshot(uri)
    extra = modules.module_problems(ls, uri, language_id)
    if snapshot is not None and snapshot.analysis.model.kind is FileKind.GOWORK:
        extra = modules.workspace_file_problems(ls, uri, snapshot.analysis.model)
    if snapshot is not None:
        problems = snapshot.problems + extra + versions.problems(ls, uri, snapshot)
        problems.sort(key=reading_order)
        return DocumentProblems(uri, snapshot.version, snapshot.data, snapshot.mapper, problems)
    if not modules.is_go_source(uri, language_id):
        return None
    data = document.source.encode("utf-8", "surrogatepass")
    return DocumentProblems(uri, document.version, data, PositionMapper(data, ls.encoding), extra)
