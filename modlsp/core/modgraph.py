"""The module requirement graph and minimal version selection, as the go command builds them.

A main module at `go 1.17` or later has a *pruned* graph: it holds each requirement's own
requirements, but goes deeper only below modules whose go.mod is older than 1.17 (*unpruned*:
their whole transitive graph counts). The selected version of a module is the highest version
any edge of the graph names (MVS).

The go.mod files come from a `Summaries` source: the module cache, with the main module's
`replace` directives applied (a directory replacement reads that directory's go.mod). A go.mod
that is not available locally leaves a hole in the graph; the graph records it in `unknown`
so that callers can say what they cannot know instead of guessing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, TypeVar

from modlsp.core import gover, semver
from modlsp.core.modcache import MAX_GOMOD_BYTES, ModuleCache
from modlsp.core.modfile import FileKind, Replace
from modlsp.core.reader import read

# Go 1.17 introduced graph pruning; a go.mod without a go line counts as go 1.16.
PRUNING_GO = "1.17"
DEFAULT_GO = "1.16"


class ModVer(NamedTuple):
    path: str
    version: str

    def __str__(self) -> str:
        return f"{self.path}@{self.version}" if self.version else self.path


class Summary(NamedTuple):
    """What the graph needs from one module version's go.mod."""

    go: str  # its go line, DEFAULT_GO when it has none
    requires: tuple[ModVer, ...]

    @property
    def pruned(self) -> bool:
        return gover.compare(self.go, PRUNING_GO) >= 0


def summarize(data: bytes) -> Summary:
    model = read(data, FileKind.GOMOD, "go.mod")
    go = model.go.version if model.go is not None else DEFAULT_GO
    requires = tuple(ModVer(r.path, r.version) for r in model.requires if r.valid)
    return Summary(go, requires)


_Key = TypeVar("_Key", bound=Hashable)
_CACHE_SUMMARIES: dict[tuple[Path, ModVer], Summary] = {}
_DIRECTORY_SUMMARIES: dict[tuple[Path, int, int], Summary] = {}
_MAX_CACHE_SUMMARIES = 50_000


class Replacement(NamedTuple):
    path: str  # a directory (absolute) or a module path
    version: str  # "" for a directory

    @property
    def is_directory(self) -> bool:
        return not self.version


def _directory_summary(gomod: Path) -> Summary | None:
    """A replacement directory's go.mod, parsed again only when it changed on disk."""
    try:
        stat = gomod.stat()
        if stat.st_size > MAX_GOMOD_BYTES:
            return None
        key = (gomod, stat.st_mtime_ns, stat.st_size)
        found = _DIRECTORY_SUMMARIES.get(key)
        if found is None:
            found = _remember(_DIRECTORY_SUMMARIES, key, summarize(gomod.read_bytes()))
        return found
    except OSError:
        return None


def _cache_summary(cache: ModuleCache, m: ModVer) -> Summary | None:
    """A module cache go.mod (immutable), parsed once for every plan."""
    key = (cache.root, m)
    found = _CACHE_SUMMARIES.get(key)
    if found is None:
        data = cache.gomod(m.path, m.version)
        if data is None:
            return None  # not downloaded yet: ask again next time
        found = _remember(_CACHE_SUMMARIES, key, summarize(data))
    return found


def _remember(table: dict[_Key, Summary], key: _Key, summary: Summary) -> Summary:
    if len(table) >= _MAX_CACHE_SUMMARIES:
        table.clear()
    table[key] = summary
    return summary


@dataclass(slots=True)
class Summaries:
    """go.mod summaries and source trees of dependency versions, replacements applied.

    `fetched` answers for a module version the module cache does not hold (e.g. the .mod files
    version facts fetched from a proxy); it is asked for the replacement module when there is
    one, never for a directory."""

    cache: ModuleCache | None
    replaces: Mapping[tuple[str, str], Replacement] = field(default_factory=dict)
    _summaries: dict[ModVer, Summary | None] = field(default_factory=dict)
    fetched: Callable[[ModVer], Summary | None] | None = None

    @classmethod
    def for_module(
        cls,
        cache: ModuleCache | None,
        main_dir: Path,
        replaces: Iterable[Replace],
        fetched: Callable[[ModVer], Summary | None] | None = None,
    ) -> Summaries:
        """Relative replacement directories are relative to the main module."""
        table: dict[tuple[str, str], Replacement] = {}
        for r in replaces:
            if r.is_directory:
                target = Replacement(str((main_dir / r.new_path).resolve()), "")
            else:
                target = Replacement(r.new_path, r.new_version)
            table[(r.old_path, r.old_version)] = target
        return cls(cache, table, fetched=fetched)

    def replacement(self, m: ModVer) -> Replacement | None:
        """A version-specific replacement wins over one for every version."""
        return self.replaces.get((m.path, m.version)) or self.replaces.get((m.path, ""))

    def summary(self, m: ModVer) -> Summary | None:
        """None when the go.mod is not on this machine."""
        if m in self._summaries:
            return self._summaries[m]
        target = self.replacement(m)
        if target is not None and target.is_directory:
            result = _directory_summary(Path(target.path, "go.mod"))
        else:
            where = m if target is None else ModVer(target.path, target.version)
            result = _cache_summary(self.cache, where) if self.cache is not None else None
            if result is None and self.fetched is not None:
                result = self.fetched(where)
        self._summaries[m] = result
        return result

    def source_dir(self, m: ModVer) -> Path | None:
        """The source tree of a dependency version, None when it is not on this machine."""
        target = self.replacement(m)
        if target is not None and target.is_directory:
            directory = Path(target.path)
            return directory if directory.is_dir() else None
        if self.cache is None:
            return None
        if target is not None:
            return self.cache.source_dir(target.path, target.version)
        return self.cache.source_dir(m.path, m.version)

    def is_local(self, m: ModVer) -> bool:
        target = self.replacement(m)
        return target is not None and target.is_directory


@dataclass(slots=True)
class Graph:
    edges: dict[ModVer, tuple[ModVer, ...]]  # the go.mods that were read
    selected: dict[str, str]  # module path -> the version MVS selects
    unknown: set[ModVer]  # versions whose go.mod the graph needed but could not read
    excluded: frozenset[ModVer] = frozenset()

    def selected_version(self, path: str) -> str:
        """The selected version, "none" when the module is not in the graph (as cmd/go)."""
        return self.selected.get(path, "none")


def build_graph(
    roots: Iterable[ModVer], pruned: bool, summaries: Summaries, excluded: frozenset[ModVer]
) -> Graph:
    """cmd/go's readModGraph for one main module."""
    root_list = tuple(roots)
    edges: dict[ModVer, tuple[ModVer, ...]] = {}
    unknown: set[ModVer] = set()
    selected: dict[str, str] = {}

    def select(m: ModVer) -> None:
        current = selected.get(m.path)
        if current is None or semver.compare(m.version, current) > 0:
            selected[m.path] = m.version

    # (module, whether everything below it is loaded because an unpruned module needs it)
    queue: list[tuple[ModVer, bool]] = [(m, not pruned) for m in root_list]
    seen: set[tuple[ModVer, bool]] = set()
    for m in root_list:
        select(m)
    while queue:
        m, unpruned_below = queue.pop()
        if (m, unpruned_below) in seen or m.version == "none":
            continue
        seen.add((m, unpruned_below))
        summary = summaries.summary(m)
        if summary is None:
            unknown.add(m)
            continue
        # The go command drops a dependency's requirement on an excluded version.
        requires = tuple(r for r in summary.requires if r not in excluded)
        edges[m] = requires
        for r in requires:
            select(r)
        if unpruned_below or not summary.pruned:
            for r in requires:
                queue.append((r, True))
    return Graph(edges, selected, unknown, excluded)


def minimal_requirements(
    keep: Iterable[ModVer],
    base: Iterable[str],
    summaries: Summaries,
    excluded: frozenset[ModVer] = frozenset(),
) -> tuple[list[ModVer], set[ModVer]]:
    """x/mod's mvs.Req: the smallest requirement list, listing every path in `base`, whose
    build list (over full, unpruned graphs) equals the build list of `keep`. Also the versions
    whose go.mod was needed but unavailable."""
    keep_list = list(keep)
    graph = build_graph(keep_list, pruned=False, summaries=summaries, excluded=excluded)
    top = graph.selected
    postorder: list[ModVer] = []
    required: dict[ModVer, tuple[ModVer, ...]] = {}
    for m in (ModVer(p, v) for p, v in sorted(top.items())):
        stack: list[tuple[ModVer, int]] = [(m, 0)]
        while stack:
            node, index = stack.pop()
            if index == 0:
                if node in required:
                    continue
                required[node] = graph.edges.get(node, ())
            children = required[node]
            if index < len(children):
                stack.append((node, index + 1))
                if children[index] not in required:
                    stack.append((children[index], 0))
            else:
                postorder.append(node)
    have: set[ModVer] = set()

    def mark(m: ModVer) -> None:
        pending = [m]
        while pending:
            node = pending.pop()
            if node in have:
                continue
            have.add(node)
            pending.extend(required.get(node, ()))

    result: list[ModVer] = []
    listed: set[str] = set()
    for path in base:
        if path in listed or path not in top:
            continue
        m = ModVer(path, top[path])
        result.append(m)
        mark(m)
        listed.add(path)
    for m in reversed(postorder):
        if top.get(m.path) != m.version or m in have:
            continue
        result.append(m)
        mark(m)
    result.sort(key=lambda m: m.path)
    return result, graph.unknown
