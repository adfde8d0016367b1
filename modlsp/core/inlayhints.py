"""Inlay hints on require lines whose version minimal version selection raises: the build uses
a higher version than the line says because another module in the graph requires it.

`selected_hints` is pure over a go.mod lookup; `graph_gomods` fetches, through version facts,
every go.mod the graph needs (with the go command's pruning), so that the lookup can answer
from memory (`known_summaries`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from modlsp.core import gover, semver
from modlsp.core.modfile import FileKind, ModFile
from modlsp.core.modgraph import (
    DEFAULT_GO,
    PRUNING_GO,
    Graph,
    ModVer,
    Replacement,
    Summaries,
    Summary,
    build_graph,
)
from modlsp.core.versionfacts import VersionFacts
from modlsp.core.versionquery import ModFacts

log = logging.getLogger(__name__)

# The most go.mod files `graph_gomods` fetches for one go.mod: a huge graph stops there.
MAX_GOMODS = 2000
# How many .mod requests are in flight at once.
CONCURRENCY = 16
# A bound on raising a pruned graph's roots (each round raises at least one root).
MAX_SETTLE_ROUNDS = 100
# How many of the modules that require the selected version the tooltip names.
TOOLTIP_SOURCES = 3

GoMods = Callable[[ModVer], Summary | None]


@dataclass(frozen=True, slots=True)
class Hint:
    offset: int  # where the hint shows: the end of the version token
    label: str
    tooltip: str = ""


def selected_hints(model: ModFile, gomods: GoMods, main_dir: Path | None = None) -> list[Hint]:
    """A hint after each valid require version that is lower than the version the module
    graph selects. `gomods` answers for a module version (a replacement's, when it is
    replaced by another module); `main_dir` resolves directory replacements (without it,
    they are holes in the graph). Missing go.mods only hide hints, never invent them: the
    selected version can only rise as more of the graph is known."""
    if model.kind is not FileKind.GOMOD:
        return []
    roots = [ModVer(r.path, r.version) for r in model.requires if r.valid]
    if not roots:
        return []
    excluded = frozenset(ModVer(e.path, e.version) for e in model.excludes if e.valid)
    graph = settled_graph(roots, is_pruned(model), _summaries(model, gomods, main_dir), excluded)
    hints: list[Hint] = []
    for require in model.requires:
        if not require.valid:
            continue
        selected = graph.selected.get(require.path)
        if selected is None or semver.compare(selected, require.version) <= 0:
            continue
        wanted = ModVer(require.path, selected)
        sources = sorted(str(m) for m, edges in graph.edges.items() if wanted in edges)
        because = ", ".join(sources[:TOOLTIP_SOURCES])
        if len(sources) > TOOLTIP_SOURCES:
            because += f" and {len(sources) - TOOLTIP_SOURCES} more"
        tooltip = f"Minimal version selection selects {require.path} {selected}"
        if because:
            tooltip += f", required by {because}"
        # "selected v1.4.0": the go command's own word for the version MVS picks, short enough
        # to sit after the version; an arrow alone would read as "upgrade available", which
        # the upgrade diagnostics already say and which is not what this is.
        hints.append(Hint(require.version_token.end, f"selected {selected}", tooltip))
    return hints


def settled_graph(
    roots: list[ModVer], pruned: bool, summaries: Summaries, excluded: frozenset[ModVer]
) -> Graph:
    """The graph the go command builds once go.mod is consistent. A pruned graph reads only
    its roots' go.mods, and the go command keeps each root at its selected version (else
    "updates to go.mod needed"; `-mod=mod` and `go mod tidy` raise it): when the graph
    selects a higher version of a root, that version's go.mod counts too. So raise the roots
    until they stay. (go list -m all on a go 1.21 module requiring a v1.0.0 -> b v1.1.0 and
    b v1.0.0 selects what b v1.1.0 requires.) An unpruned graph already holds everything."""
    graph = build_graph(roots, pruned, summaries, excluded)
    for _ in range(MAX_SETTLE_ROUNDS):
        if not pruned:
            break
        raised = _raised(roots, graph)
        if raised == roots:
            break
        roots = raised
        graph = build_graph(roots, pruned, summaries, excluded)
    return graph


def _raised(roots: list[ModVer], graph: Graph) -> list[ModVer]:
    return [ModVer(m.path, graph.selected.get(m.path, m.version)) for m in roots]


def is_pruned(model: ModFile) -> bool:
    """Whether the main module's graph is pruned: go 1.17 or later (no go line: 1.16)."""
    go = model.go.version if model.go is not None else DEFAULT_GO
    return gover.is_valid(go) and gover.compare(go, PRUNING_GO) >= 0


def known_summaries(facts: VersionFacts) -> GoMods:
    """A lookup answering from the go.mods `facts` already holds, without any I/O."""

    def lookup(m: ModVer) -> Summary | None:
        return _summary(facts.known_gomod(m.path, m.version))

    return lookup


def _summary(found: object) -> Summary | None:
    if isinstance(found, ModFacts):
        return Summary(found.go or DEFAULT_GO, found.requires)
    return None


def _replacements(
    model: ModFile, main_dir: Path | None
) -> dict[tuple[str, str], Replacement | None]:
    """(old path, old version or "") -> the replacement; None for a directory that cannot be
    resolved without `main_dir` (a hole in the graph)."""
    table: dict[tuple[str, str], Replacement | None] = {}
    for r in model.replaces:
        if not r.is_directory:
            table[(r.old_path, r.old_version)] = Replacement(r.new_path, r.new_version)
        elif main_dir is not None:
            directory = str((main_dir / r.new_path).resolve())
            table[(r.old_path, r.old_version)] = Replacement(directory, "")
        else:
            table[(r.old_path, r.old_version)] = None
    return table


def _summaries(model: ModFile, gomods: GoMods, main_dir: Path | None) -> Summaries:
    """The main module's replacements applied as the go command applies them."""
    table = _replacements(model, main_dir)
    holes = {key for key, target in table.items() if target is None}
    # Without a table entry a hole would be looked up as itself: the lookup refuses it.
    # (A version-specific hole under a module replacement for every version is read as the
    # latter: a corner of a corner, only without `main_dir`.)

    def fetched(m: ModVer) -> Summary | None:
        if (m.path, m.version) in holes or (m.path, "") in holes:
            return None
        return gomods(m)

    known = {key: target for key, target in table.items() if target is not None}
    return Summaries(None, known, fetched=fetched if holes else gomods)


async def graph_gomods(
    facts: VersionFacts,
    model: ModFile,
    main_dir: Path | None = None,
    limit: int = MAX_GOMODS,
) -> None:
    """Fetch (through `facts.gomod`) every go.mod `selected_hints` needs, wave by wave with
    `build_graph`'s rules: each root's go.mod is read; a pruned one's requirements are edges
    but are not expanded, an unpruned one's (and everything below it) are; then, for a pruned
    main module, the go.mods of roots the graph raises (`settled_graph`). Stops after `limit`
    distinct go.mods."""
    if model.kind is not FileKind.GOMOD:
        return
    pruned = is_pruned(model)
    roots = [ModVer(r.path, r.version) for r in model.requires if r.valid]
    excluded = frozenset(ModVer(e.path, e.version) for e in model.excludes if e.valid)
    walk = _Walk(facts, _replacements(model, main_dir), excluded, limit)
    for _ in range(MAX_SETTLE_ROUNDS):
        await walk.expand([(m, not pruned) for m in roots])
        if not pruned:
            return
        summaries = _summaries(model, known_summaries(facts), main_dir)
        raised = _raised(roots, build_graph(roots, pruned, summaries, excluded))
        if raised == roots:
            return
        roots = raised


class _Walk:
    """The go.mods fetched so far and the (module, expanded) states already walked."""

    def __init__(
        self,
        facts: VersionFacts,
        table: dict[tuple[str, str], Replacement | None],
        excluded: frozenset[ModVer],
        limit: int,
    ) -> None:
        self.facts = facts
        self.table = table
        self.excluded = excluded
        self.limit = limit
        self.directories = Summaries(None, {k: v for k, v in table.items() if v is not None})
        self.gate = asyncio.Semaphore(CONCURRENCY)
        self.asked: set[ModVer] = set()
        self.seen: set[tuple[ModVer, bool]] = set()

    async def expand(self, start: list[tuple[ModVer, bool]]) -> None:
        wave = [s for s in dict.fromkeys(start) if s not in self.seen]
        while wave:
            self.seen.update(wave)
            targets = [t for m, _ in wave if isinstance(t := _target(self.table, m), ModVer)]
            fresh = [t for t in dict.fromkeys(targets) if t not in self.asked]
            if len(self.asked) + len(fresh) > self.limit:
                log.info("module graph larger than %d go.mod files: not fetching more", self.limit)
                fresh = fresh[: max(0, self.limit - len(self.asked))]
            self.asked.update(fresh)
            await asyncio.gather(*(self._fetch(t) for t in fresh))
            following: dict[tuple[ModVer, bool], None] = {}
            for m, below in wave:
                found = self._summary(m)
                if found is None or not (below or not found.pruned):
                    continue
                for r in found.requires:
                    state = (r, True)
                    if r not in self.excluded and r.version != "none" and state not in self.seen:
                        following[state] = None
            wave = list(following)

    async def _fetch(self, target: ModVer) -> None:
        async with self.gate:
            await self.facts.gomod(target.path, target.version)

    def _summary(self, m: ModVer) -> Summary | None:
        target = _target(self.table, m)
        if isinstance(target, ModVer):
            return _summary(self.facts.known_gomod(target.path, target.version))
        return self.directories.summary(m) if target is not None else None


def _target(
    table: dict[tuple[str, str], Replacement | None], m: ModVer
) -> ModVer | Replacement | None:
    """What stands for `m`: itself, a replacement module version, a directory replacement,
    or None for a directory that cannot be resolved. A version-specific replacement wins."""
    key = (m.path, m.version) if (m.path, m.version) in table else (m.path, "")
    if key not in table:
        return m
    target = table[key]
    if target is None or target.is_directory:
        return target
    return ModVer(target.path, target.version)
