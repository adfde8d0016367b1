"""Version facts in the editor: the module proxies' answers merged into a go.mod's diagnostics
when they arrive, the "Check for upgrades" / "Upgrade all (N)" lenses and their commands, and
upgrade code actions.

Nothing here is on the typing path: a publication computes problems from the facts already in
memory and, for requirements not asked about yet, starts a background gather that publishes
again when it lands. A requirement whose facts could not be had is asked again only after
`RETRY_AFTER` seconds, so an unreachable proxy cannot cause a publish-fetch loop.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from typing import Any

from lsprotocol import types

from modlsp.core.files import read_head
from modlsp.core.modfile import FileKind, ModFile
from modlsp.core.problems import Edit, Problem
from modlsp.core.reader import read
from modlsp.core.sources.config import DIRECT, OFF, Overrides, SourceConfig, public_goproxy
from modlsp.core.sources.fetcher import Fetcher
from modlsp.core.sources.http import Limits
from modlsp.core.sources.setup import open_fetcher, source_config
from modlsp.core.upgrade import Change, plan_upgrades
from modlsp.core.versioncheck import (
    RETRACTED,
    UPGRADE,
    checked_requires,
    excluded_versions,
    upgrades,
    version_problems,
)
from modlsp.core.versionfacts import VersionFacts
from modlsp.core.versionquery import Catalog, Level
from modlsp.lsp import convert, modules
from modlsp.lsp.documents import Snapshot
from modlsp.lsp.server import ModlspServer
from modlsp.lsp.versionstate import Pair

log = logging.getLogger(__name__)

CHECK_UPGRADES = "modlsp.server.checkUpgrades"
UPGRADE_ALL = "modlsp.server.upgradeAll"
UPGRADE_KINDS = {"source.upgrade.minor": Level.MINOR, "source.upgrade.patch": Level.PATCH}
RETRY_AFTER = 60.0


def register(server: ModlspServer) -> None:
    server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions())(code_lens)
    server.command(CHECK_UPGRADES)(check_upgrades)
    server.command(UPGRADE_ALL)(upgrade_all)


def _settings_key(ls: ModlspServer) -> tuple[object, ...]:
    s = ls.settings
    return (s.goproxy, s.goprivate, s.offline, s.go_command, s.proxy_timeout)


def settings_changed(ls: ModlspServer) -> None:
    """New proxy settings: forget what the old ones said (the next publication asks again)."""
    state = ls.versions
    if state.facts is not None and state.key != _settings_key(ls):
        old = state.facts.fetcher
        ls.start_background(old.close())
        state.facts = None
        state.attempted.clear()
        state.graphs_fetched.clear()


def ready(ls: ModlspServer) -> VersionFacts | None:
    """The version facts for the current settings when they are set up; None while the
    fetcher is still being built (`go env` runs then): requests that must not wait for it
    answer without facts, and the build goes on."""
    state = ls.versions
    if state.facts is not None and state.key == _settings_key(ls):
        return state.facts
    return None


async def service(ls: ModlspServer) -> VersionFacts:
    state = ls.versions
    key = _settings_key(ls)
    if state.facts is not None and state.key == key:
        return state.facts
    if state.building is None or state.building_key != key:
        state.building_key = key
        state.building = asyncio.ensure_future(_build(ls, key))
    facts = await asyncio.shield(state.building)
    if state.building_key == key:
        state.facts, state.key = facts, key
    return facts


async def _build(ls: ModlspServer, key: tuple[object, ...]) -> VersionFacts:
    settings = ls.settings
    overrides = Overrides(settings.goproxy, settings.goprivate, settings.offline)
    loop = asyncio.get_running_loop()

    def make() -> Fetcher:
        config = source_config(overrides, settings.go_command)
        log.info(
            "version facts from GOPROXY=%s (GONOPROXY=%s, offline=%s, module cache %s)",
            public_goproxy(config.goproxy),
            config.noproxy,
            config.offline,
            config.modcache,
        )
        limits = Limits(timeout=settings.proxy_timeout)
        return open_fetcher(config, lambda message: _tell(ls, message), limits=limits)

    fetcher = await loop.run_in_executor(None, make)
    for complaint in fetcher.config.complaints:
        _tell(ls, complaint)
    return VersionFacts(fetcher)


def _tell(ls: ModlspServer, message: str) -> None:
    """One message per outage or notice: the fetcher already says each once."""
    log.warning("%s", message)
    ls.tell(message)


def forget(ls: ModlspServer, uri: str) -> None:
    """A closed document: its "checked" state and lens count go with it."""
    ls.versions.checked.discard(uri)
    ls.versions.lens_counts.pop(uri, None)
    ls.versions.graphs_fetched.pop(uri, None)


# --- diagnostics ---------------------------------------------------------------------------


def problems(ls: ModlspServer, uri: str, snapshot: Snapshot) -> list[Problem]:
    """Version problems from the facts in memory; starts a gather for what is missing."""
    model = snapshot.analysis.model
    if model.kind is not FileKind.GOMOD:
        return []
    pairs = [(r.path, r.version) for r in checked_requires(model)]
    direct = frozenset(r.path for r in checked_requires(model) if not r.indirect)
    _gather_missing(ls, uri, pairs, direct)
    facts = ls.versions.facts
    if facts is None:
        return []
    show = ls.settings.upgrades or uri in ls.versions.checked
    disabled = ls.settings.disabled_codes
    found = version_problems(model, facts.known_requirement, show_upgrades=show)
    return [p for p in found if p.code not in disabled]


def _gather_missing(ls: ModlspServer, uri: str, pairs: list[Pair], direct: frozenset[str]) -> None:
    state = ls.versions
    now = time.monotonic()
    facts = state.facts
    wanted = [
        pair
        for pair in pairs
        if (facts is None or facts.known_requirement(*pair) is None or _failed(facts, pair))
        and now - state.attempted.get(pair, -RETRY_AFTER) >= RETRY_AFTER
    ]
    if not wanted or uri in state.gathering:
        return
    for pair in wanted:
        state.attempted[pair] = now
    state.gathering[uri] = ls.start_background(_gather(ls, uri, wanted, direct, fresh=False))


def _failed(facts: VersionFacts, pair: Pair) -> bool:
    known = facts.known_requirement(*pair)
    return known is not None and not isinstance(known.catalog, Catalog)


async def _gather(
    ls: ModlspServer, uri: str, pairs: Iterable[Pair], direct: frozenset[str], *, fresh: bool
) -> None:
    """Newer majors are probed for direct requirements only: only those show them."""
    try:
        facts = await service(ls)
        await facts.requirements(pairs, fresh=fresh, majors=direct)
    finally:
        ls.versions.gathering.pop(uri, None)
    _refresh(ls, uri)


def _refresh(ls: ModlspServer, uri: str) -> None:
    from modlsp.lsp.diagnostics import schedule

    if ls.document(uri) is not None:
        schedule(ls, uri, immediate=True)
    snapshot = ls.snapshot(uri)
    if snapshot is None or uri not in ls.versions.lens_counts:
        return  # the client never asked for lenses here
    count = len(upgrade_plan(ls, snapshot.analysis.model, Level.MINOR))
    workspace = ls.client_capabilities.workspace
    can_refresh = workspace and workspace.code_lens and workspace.code_lens.refresh_support
    if count != ls.versions.lens_counts[uri] and can_refresh:
        ls.workspace_code_lens_refresh(None)


# --- lenses and commands -------------------------------------------------------------------


def upgrade_plan(ls: ModlspServer, model: ModFile, level: Level) -> list[Change]:
    facts = ls.versions.facts
    return plan_upgrades(model, facts.listed, level) if facts is not None else []


def code_lens(ls: ModlspServer, params: types.CodeLensParams) -> list[types.CodeLens] | None:
    uri = params.text_document.uri
    snapshot = ls.snapshot(uri)
    if snapshot is None or snapshot.analysis.model.kind is not FileKind.GOMOD:
        return None
    model = snapshot.analysis.model
    first = next(iter(checked_requires(model)), None)
    if first is None:
        return []
    where = snapshot.mapper.range(first.line.span)
    # The arguments name the document only: the server recomputes everything from its text,
    # so the lens costs the same for a 5-line and a 500-line go.mod (golang/go#63648).
    argument = [{"uri": uri}]
    lenses = [
        types.CodeLens(
            range=where,
            command=types.Command(
                title="Check for upgrades", command=CHECK_UPGRADES, arguments=argument
            ),
        )
    ]
    count = len(upgrade_plan(ls, model, Level.MINOR))
    ls.versions.lens_counts[uri] = count
    if count:
        lenses.append(
            types.CodeLens(
                range=where,
                command=types.Command(
                    title=f"Upgrade all ({count})",
                    command=UPGRADE_ALL,
                    arguments=[{"uri": uri, "level": "minor"}],
                ),
            )
        )
    return lenses


def command_argument(args: tuple[Any, ...]) -> dict[str, Any] | None:
    """The one object the server's commands take, when it names a document ("uri")."""
    if args and isinstance(args[0], dict) and isinstance(args[0].get("uri"), str):
        return args[0]
    return None


async def check_upgrades(ls: ModlspServer, *args: Any) -> dict[str, int] | None:
    """Ask the proxies again (no caches) about every requirement of the go.mod, show the
    upgrades in its diagnostics from now on, and say in one message what was found."""
    found = command_argument(args)
    model = _model(ls, found["uri"]) if found is not None else None
    if found is None or model is None:
        _tell(ls, "Check for upgrades: no readable go.mod was given")
        return None
    uri = found["uri"]
    ls.versions.checked.add(uri)
    pairs = [(r.path, r.version) for r in checked_requires(model)]
    direct = frozenset(r.path for r in checked_requires(model) if not r.indirect)
    now = time.monotonic()
    for pair in pairs:
        ls.versions.attempted[pair] = now
    await _gather(ls, uri, pairs, direct, fresh=True)
    facts = ls.versions.facts
    unknown: list[str] = []  # why each requirement without a catalog has none
    for pair in pairs:
        known = facts.known_requirement(*pair) if facts is not None else None
        if known is None:
            unknown.append("no answer")
        elif not isinstance(known.catalog, Catalog):
            unknown.append(known.catalog.message)
    upgradable = len(upgrade_plan(ls, model, Level.MINOR))
    requirements = _count(len(pairs), "requirement")
    if upgradable:
        message = f"{upgradable} of {requirements} can be upgraded"
    else:
        message = f"no upgrades for {requirements}"
    if unknown:
        message += f"; no version information for {len(unknown)} ({unknown[0]})"
    elif facts is not None and (local := _local_only(facts.fetcher.config)):
        # Not "nothing newer exists": nothing newer that this machine knows of.
        message += f" (module cache only: {local})"
    ls.tell(message, types.MessageType.Info)
    return {"requirements": len(pairs), "upgrades": upgradable, "unknown": len(unknown)}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _local_only(config: SourceConfig) -> str | None:
    """Why no proxy is asked at all, None when one is."""
    if config.offline:
        return "offline"
    if all(entry.url in (OFF, DIRECT) for entry in config.proxies):
        return f"GOPROXY={config.goproxy}"
    return None


def _model(ls: ModlspServer, uri: str) -> ModFile | None:
    """The go.mod as the editor has it, else as the disk has it."""
    snapshot = ls.snapshot(uri)
    if snapshot is not None:
        return snapshot.analysis.model
    path = modules.uri_path(uri)
    data = read_head(path) if path is not None and path.name == "go.mod" else None
    if path is None or data is None:
        return None
    return read(data, FileKind.GOMOD, str(path))


async def upgrade_all(ls: ModlspServer, *args: Any) -> None:
    found = command_argument(args)
    snapshot = ls.snapshot(found["uri"]) if found is not None else None
    if found is None or snapshot is None:
        _tell(ls, "Upgrade all: open a go.mod file first")
        return
    uri = found["uri"]
    level = {"patch": Level.PATCH}.get(str(found.get("level")), Level.MINOR)
    edit = upgrade_edit(ls, uri, snapshot, level)
    if edit is None:
        ls.tell("every direct requirement is current", types.MessageType.Info)
        return
    result = await ls.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(edit=edit, label="Upgrade all direct dependencies")
    )
    if not result.applied:
        log.info("the client did not apply the upgrades: %s", result.failure_reason)


def upgrade_edit(
    ls: ModlspServer, uri: str, snapshot: Snapshot, level: Level
) -> types.WorkspaceEdit | None:
    changes = upgrade_plan(ls, snapshot.analysis.model, level)
    if not changes:
        return None
    edits = [convert.text_edit(c.edit, snapshot.mapper) for c in changes]
    return convert.workspace_edit(uri, snapshot.version, edits, ls.supports_document_changes())


# --- code actions --------------------------------------------------------------------------


def upgrade_actions(
    ls: ModlspServer,
    uri: str,
    snapshot: Snapshot,
    wanted_start: int,
    wanted_end: int,
    shown: list[Problem],
) -> list[types.CodeAction]:
    """Upgrades of the require lines in the range, where no diagnostic (upgrade available,
    retracted) already offers them as quick fixes."""
    facts = ls.versions.facts
    model = snapshot.analysis.model
    if facts is None or model.kind is not FileKind.GOMOD:
        return []
    actions: list[types.CodeAction] = []
    for require in checked_requires(model):
        if require.line.span.end < wanted_start or require.line.span.start > wanted_end:
            continue
        span = require.version_token.span
        if any(p.code in (UPGRADE, RETRACTED) and p.span == span for p in shown):
            continue
        catalog = facts.listed(require.path)
        if catalog is None:
            continue
        for upgrade in upgrades(catalog, require.version, excluded_versions(model, require.path)):
            edit = convert.text_edit(Edit(span, upgrade.version), snapshot.mapper)
            actions.append(
                types.CodeAction(
                    title=f"Upgrade {require.path} to {upgrade.version} ({upgrade.label})",
                    kind=types.CodeActionKind.RefactorRewrite,
                    edit=convert.workspace_edit(
                        uri, snapshot.version, [edit], ls.supports_document_changes()
                    ),
                )
            )
    return actions


def source_upgrade_actions(
    ls: ModlspServer, uri: str, snapshot: Snapshot, kinds: list[str]
) -> list[types.CodeAction]:
    actions = []
    for kind, level in UPGRADE_KINDS.items():
        if not convert.wants_kind(kinds, kind):
            continue
        edit = upgrade_edit(ls, uri, snapshot, level)
        if edit is not None:
            actions.append(
                types.CodeAction(
                    title=f"Upgrade all direct dependencies ({level.value})",
                    kind=kind,
                    edit=edit,
                )
            )
    return actions
