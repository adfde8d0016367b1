"""Requests that read version facts: hover on a require/replace/exclude line, completion of
versions and module paths, document links and inlay hints for versions MVS selects.

Requests may wait a little for facts (the proxies answer in milliseconds when they are up);
they never wait for a hanging proxy beyond a short budget, after which they answer with what
is known and the fetch goes on in the background.

A hover never waits for `go env` (the proxy settings, read once at start-up, 0.1-0.4 s) and
waits at most `HOVER_BUDGET` for the proxies, then shows what is in memory: the module's facts
when they arrived, else what the file itself says, with a line saying that version facts are
on their way (the next hover has them). 50 ms is half the time a hover may take (100 ms):
enough for answers from a proxy on this machine or the local network, and for the publish
dates of a module whose other facts the diagnostics gathered already; not enough for a round
trip or two to a proxy on the internet, which a user waiting on a hover should not pay for.
When a request has been in flight longer than the budget already (the proxy hangs, or a
gather has queued many requests ahead of the hover's), the hover does not wait at all.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from lsprotocol import types

from modlsp.core.completion import (
    PathContext,
    VersionContext,
    completion_context,
    path_items,
    version_infos,
    version_items,
)
from modlsp.core.inlayhints import graph_gomods, known_summaries, selected_hints
from modlsp.core.links import document_links
from modlsp.core.modfile import FileKind, ModFile
from modlsp.core.modpath import prefixes
from modlsp.core.versioncheck import excluded_versions
from modlsp.core.versionfacts import VersionFacts
from modlsp.core.versionhover import NOTHING_YET, gather, hover_target, known, render
from modlsp.core.versionquery import Catalog
from modlsp.lsp import modules, versions
from modlsp.lsp.documents import Snapshot
from modlsp.lsp.server import ModlspServer

log = logging.getLogger(__name__)

HOVER_BUDGET = 0.05  # seconds a hover waits for the proxies
COMPLETION_BUDGET = 2.0


def register(server: ModlspServer) -> None:
    server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=[" "]),
    )(completion)
    server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK, types.DocumentLinkOptions())(document_link)
    server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions())(inlay_hint)


async def _within(budget: float, work: asyncio.Future[Any]) -> bool:
    """Wait up to `budget` seconds; the work goes on in the background either way."""
    try:
        await asyncio.wait_for(asyncio.shield(work), budget)
    except asyncio.TimeoutError:
        return False
    return True


# --- hover ------------------------------------------------------------------------------------


async def version_hover(
    ls: ModlspServer, snapshot: Snapshot, offset: int
) -> tuple[str, types.Range] | None:
    """Markdown about the module version under `offset` and the token it is about, None when
    the offset is not on one."""
    model = snapshot.analysis.model
    target = hover_target(model, offset)
    if target is None:
        return None
    where = snapshot.mapper.range(target.span)
    facts = versions.ready(ls)
    if facts is None:  # `go env` is still running (0.1-0.4 s): no use waiting for it
        ls.start_background(versions.service(ls))
        return render(target, NOTHING_YET, model, None), where
    # Started in the background: when the budget is over, the fetch goes on and fills the
    # caches (and a hanging proxy's timeout marks it down) for the next hover.
    gathering = ls.start_background(gather(facts, target))
    budget = HOVER_BUDGET if facts.fetcher.waiting() < HOVER_BUDGET else 0.0
    done = await _within(budget, gathering)
    gathered = gathering.result() if done else known(facts, target)
    return render(target, gathered, model, facts.fetcher.config), where


# --- completion -------------------------------------------------------------------------------


async def completion(
    ls: ModlspServer, params: types.CompletionParams
) -> types.CompletionList | None:
    snapshot = ls.snapshot(params.text_document.uri)
    if snapshot is None:
        return None
    model = snapshot.analysis.model
    context = completion_context(model, snapshot.mapper.offset(params.position))
    if context is None:
        return None
    facts = await versions.service(ls)
    if isinstance(context, VersionContext):
        items = await _version_completion(facts, model, context, snapshot)
    else:
        items = await _path_completion(ls, facts, params.text_document.uri, context, snapshot)
    return types.CompletionList(is_incomplete=False, items=items)


async def _version_completion(
    facts: VersionFacts, model: ModFile, context: VersionContext, snapshot: Snapshot
) -> list[types.CompletionItem]:
    task = asyncio.ensure_future(facts.catalog(context.path))
    if not await _within(COMPLETION_BUDGET, task):
        return []
    catalog = task.result()
    if not isinstance(catalog, Catalog):
        return []
    infos_task = asyncio.ensure_future(version_infos(facts, catalog))
    infos = infos_task.result() if await _within(COMPLETION_BUDGET / 2, infos_task) else {}
    where = snapshot.mapper.range(context.span)
    out = []
    for item in version_items(catalog, infos, excluded_versions(model, context.path)):
        out.append(
            types.CompletionItem(
                label=item.label,
                kind=types.CompletionItemKind.Constant,
                detail=item.detail or None,
                label_details=types.CompletionItemLabelDetails(description=item.detail or None),
                sort_text=item.sort_text,
                filter_text=item.label,
                tags=[types.CompletionItemTag.Deprecated] if item.retracted else None,
                text_edit=types.TextEdit(range=where, new_text=item.label),
            )
        )
    return out


async def _path_completion(
    ls: ModlspServer, facts: VersionFacts, uri: str, context: PathContext, snapshot: Snapshot
) -> list[types.CompletionItem]:
    candidates = await _import_candidates(ls, facts, uri)
    where = snapshot.mapper.range(context.span)
    return [
        types.CompletionItem(
            label=item.label,
            kind=types.CompletionItemKind.Module,
            detail=item.detail,
            sort_text=item.sort_text,
            text_edit=types.TextEdit(range=where, new_text=item.insert_text),
        )
        for item in path_items(context, candidates)
    ]


async def _import_candidates(
    ls: ModlspServer, facts: VersionFacts, uri: str
) -> list[tuple[str, str | None]]:
    """Modules the module's imports need and go.mod does not require: the ones the module
    cache provides (tidy's plan), and for the rest, the longest import path prefix the proxy
    knows as a module (what `go get` would pick)."""
    found = modules.judged(ls, uri)
    plan = found[2].plan if found is not None else None
    if plan is None:
        return []
    candidates: list[tuple[str, str | None]] = [
        (m.path, m.version) for m in plan.added_for.values()
    ]
    unresolved = plan.unresolved[:20]  # a bound: each costs a few proxy requests
    tasks = [asyncio.ensure_future(_module_for(facts, path)) for path in unresolved]
    if tasks:
        await _within(COMPLETION_BUDGET, asyncio.ensure_future(asyncio.wait(tasks)))
    for task in tasks:
        if task.done() and not task.cancelled() and task.exception() is None:
            module = task.result()
            if module is not None:
                candidates.append(module)
    return candidates


async def _module_for(facts: VersionFacts, import_path: str) -> tuple[str, str | None] | None:
    candidates = list(prefixes(import_path))
    catalogs = await asyncio.gather(*(facts.catalog(p) for p in candidates))
    for path, catalog in zip(candidates, catalogs, strict=True):  # longest first
        if isinstance(catalog, Catalog) and (catalog.versions or catalog.pseudo_latest):
            return path, catalog.newest()
    return None


# --- links and inlay hints --------------------------------------------------------------------


async def document_link(
    ls: ModlspServer, params: types.DocumentLinkParams
) -> list[types.DocumentLink] | None:
    snapshot = ls.snapshot(params.text_document.uri)
    path = modules.uri_path(params.text_document.uri)
    if snapshot is None or path is None:
        return None
    facts = await versions.service(ls)
    links = document_links(snapshot.analysis.model, path.parent, facts.fetcher.config)
    text = ls.client_capabilities.text_document
    tooltips = bool(text and text.document_link and text.document_link.tooltip_support)
    return [
        types.DocumentLink(
            range=snapshot.mapper.range(link.span),
            target=link.target,
            tooltip=link.tooltip if tooltips else None,
        )
        for link in links
    ]


def inlay_hint(ls: ModlspServer, params: types.InlayHintParams) -> list[types.InlayHint] | None:
    uri = params.text_document.uri
    snapshot = ls.snapshot(uri)
    path = modules.uri_path(uri)
    if snapshot is None or path is None or snapshot.analysis.model.kind is not FileKind.GOMOD:
        return None
    model = snapshot.analysis.model
    facts = ls.versions.facts
    _fetch_graph(ls, uri, model, path.parent)
    if facts is None:
        return []
    wanted = snapshot.mapper.span(params.range)
    return [
        types.InlayHint(
            position=snapshot.mapper.position(hint.offset),
            label=hint.label,
            kind=types.InlayHintKind.Type,
            tooltip=hint.tooltip,
            padding_left=True,
        )
        for hint in selected_hints(model, known_summaries(facts), path.parent)
        if wanted.start <= hint.offset <= wanted.end
    ]


def _fetch_graph(ls: ModlspServer, uri: str, model: ModFile, main_dir: Path) -> None:
    """Fetch the go.mods the hints need, once per set of requirements; refresh when done."""
    requirements = frozenset((r.path, r.version) for r in model.requires if r.valid)
    state = ls.versions
    if state.graphs_fetched.get(uri) == requirements:
        return
    state.graphs_fetched[uri] = requirements

    async def fetch() -> None:
        facts = await versions.service(ls)
        before = len(selected_hints(model, known_summaries(facts), main_dir))
        await graph_gomods(facts, model, main_dir)
        after = len(selected_hints(model, known_summaries(facts), main_dir))
        workspace = ls.client_capabilities.workspace
        refresh = workspace and workspace.inlay_hint and workspace.inlay_hint.refresh_support
        if after != before and refresh:
            ls.workspace_inlay_hint_refresh(None)

    ls.start_background(fetch())
