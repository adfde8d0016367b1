"""What `go mod tidy` would make of a module's requirements, computed offline.

The steps are cmd/go's: load the packages of `all` (loader.py) over the current requirement
graph; look up a module for each import nothing provides (here: the newest suitable version in
the module cache, where the go command would ask the proxy for `@latest`) and load again; then
choose the requirements the go.mod must list (tidyPrunedRoots for go >= 1.17 modules,
tidyUnprunedRoots with mvs.Req before), marking `// indirect` every module the main module
does not import from.

When something the go command would download is not on this machine, the plan is incomplete:
it says what is missing, and callers report only what holds whatever those modules contain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from modlsp.core import gover, semver
from modlsp.core.loader import (
    DirectoryReader,
    Loaded,
    MainModule,
    Package,
    PackageImports,
    Resolution,
    Resolver,
    load,
)
from modlsp.core.modcache import ModuleCache
from modlsp.core.modfile import FileKind, ModFile
from modlsp.core.modgraph import (
    PRUNING_GO,
    Graph,
    ModVer,
    Summaries,
    build_graph,
    minimal_requirements,
)
from modlsp.core.modpath import prefixes, split_path_version
from modlsp.core.pseudo import is_pseudo_version, zero_pseudo_version
from modlsp.core.reader import read

# Each round adds the modules for the imports the previous one could not resolve; the go
# command loops the same way. Real modules settle in two or three.
_MAX_ROUNDS = 10
# Before go 1.16, `all` also held the imports of every test of every package in it.
_NARROW_ALL_GO = "1.16"


@dataclass(frozen=True, slots=True)
class Requirement:
    version: str
    indirect: bool


@dataclass(slots=True)
class TidyPlan:
    main: MainModule
    loaded: Loaded
    resolver: Resolver  # over the final build list, for paths the loader did not reach
    # The requirements `go mod tidy` would write: path -> version and indirect.
    requires: dict[str, Requirement]
    # Import paths nothing required provides -> the module (cached locally) tidy would add.
    added_for: dict[str, ModVer] = field(default_factory=dict)
    # Import paths nothing provides and for which no module is cached.
    unresolved: list[str] = field(default_factory=list)
    # Module versions whose go.mod or source tidy would need, not on this machine.
    unavailable: set[ModVer] = field(default_factory=set)
    ambiguous: dict[str, tuple[ModVer, ...]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Everything tidy reads is on this machine: `requires` is exactly tidy's answer."""
        return not (self.unresolved or self.unavailable or self.ambiguous)


def plan(
    main_path: str,
    main_dir: Path,
    model: ModFile,
    packages: Mapping[str, PackageImports],
    cache: ModuleCache | None,
    reader: DirectoryReader | None = None,
) -> TidyPlan:
    tools = tuple(t.path for t in model.tools)
    main = MainModule(main_path, main_dir, packages, tools)
    reader = reader or DirectoryReader()
    summaries = Summaries.for_module(cache, main_dir, model.replaces)
    excluded = frozenset(ModVer(e.path, e.version) for e in model.excludes if e.valid)
    # Without a go line, tidy first writes the running toolchain's (pruned) version.
    go = model.go.version if model.go is not None else PRUNING_GO
    pruned = gover.compare(go, PRUNING_GO) >= 0
    closes_over_tests = gover.compare(go, _NARROW_ALL_GO) < 0

    roots: dict[str, str] = {}
    for r in model.requires:
        if not r.valid or ModVer(r.path, r.version) in excluded:
            continue  # tidy drops a requirement on an excluded version, then looks again
        if r.path not in roots or semver.compare(r.version, roots[r.path]) > 0:
            roots[r.path] = r.version
    added_for: dict[str, ModVer] = {}
    for _ in range(_MAX_ROUNDS):
        graph = build_graph(_modvers(roots), pruned, summaries, excluded)
        build_list = (
            main_dir,
            tuple(sorted(roots.items())) if pruned else (),
            tuple(sorted(graph.selected.items())),
            tuple(sorted(summaries.replaces.items())),
        )
        memo = reader.resolutions(build_list)
        resolver = Resolver(main, graph, summaries, reader, roots if pruned else {}, memo=memo)
        loaded = load(resolver, closes_over_tests)
        if pruned:
            consistent = _consistent_roots(roots, loaded, graph, resolver.used_graph, summaries)
            if consistent != roots:
                roots = consistent
                continue  # load again before looking up anything missing, as cmd/go does
        additions: dict[str, str] = {}
        for package in loaded.with_kind(Resolution.MISSING):
            found = _cached_provider(package.path, graph, cache, summaries, reader, excluded)
            if found is not None:
                added_for[package.path] = found
                if semver.compare(found.version, additions.get(found.path, "")) > 0:
                    additions[found.path] = found.version
        if not additions:
            break
        roots.update(additions)

    result = TidyPlan(main, loaded, resolver, {}, added_for)
    if any(p.resolved.kind is not Resolution.MAIN for p in loaded.packages.values()):
        # The go.mods the graph could not read can change which versions are selected; that
        # matters only when some package comes from a module.
        result.unavailable |= graph.unknown
    for package in loaded.packages.values():
        kind = package.resolved.kind
        if kind is Resolution.MISSING:
            result.unresolved.append(package.path)
        elif kind is Resolution.UNKNOWN:
            result.unavailable.update(package.resolved.candidates)
        elif kind is Resolution.AMBIGUOUS:
            result.ambiguous[package.path] = package.resolved.candidates
    result.unresolved.sort()

    if pruned:
        tidy_roots, unknown = _pruned_roots(loaded, summaries, excluded)
    else:
        tidy_roots, unknown = _unpruned_roots(loaded, summaries, excluded)
    result.unavailable |= unknown
    result.requires = {
        m.path: Requirement(m.version, m.path not in loaded.direct)
        for m in sorted(tidy_roots, key=lambda m: m.path)
    }
    return result


def _consistent_roots(
    roots: Mapping[str, str],
    loaded: Loaded,
    graph: Graph,
    graph_used: bool,
    summaries: Summaries,
) -> dict[str, str]:
    """cmd/go's updatePrunedRoots: every module providing a package in `all` becomes a root,
    and roots move to their selected versions, but only when the go command would look at the
    full graph: a root was added, an import needed the graph, or the requirements of a module
    that provides packages contradict the roots."""
    new = dict(roots)
    upgraded = False
    spot_check: set[ModVer] = set()
    for package in loaded.external():
        module = package.resolved.module
        if not package.in_all or module is None:
            continue
        if module.path in new:
            spot_check.add(module)
        else:
            new[module.path] = module.version
            upgraded = True
    while True:
        current: Graph | None = None
        if upgraded:
            current = build_graph(_modvers(new), True, summaries, graph.excluded)
        elif graph_used or not _spot_check(new, spot_check, summaries):
            current = graph  # nothing was added, so this is the graph of these roots
        if current is None:
            return new
        selected = {path: current.selected_version(path) for path in new}
        upgraded = selected != new
        new = selected
        if not upgraded:
            return new


def _spot_check(roots: Mapping[str, str], modules: set[ModVer], summaries: Summaries) -> bool:
    """cmd/go's spotCheckRoots: no requirement of these modules names a root at a higher
    version than the root's."""
    for module in modules:
        summary = summaries.summary(module)
        if summary is None:
            return False
        for r in summary.requires:
            listed = roots.get(r.path)
            if listed is not None and semver.compare(listed, r.version) < 0:
                return False
    return True


def _modvers(table: Mapping[str, str]) -> list[ModVer]:
    return [ModVer(p, v) for p, v in sorted(table.items())]


def _pruned_roots(
    loaded: Loaded, summaries: Summaries, excluded: frozenset[ModVer]
) -> tuple[list[ModVer], set[ModVer]]:
    """cmd/go's tidyPrunedRoots: a root for every module providing a package in `all`, then,
    one import depth at a time, one for every other loaded package (tests of dependencies and
    what they import) whose module the pruned graph of those roots does not already select at
    that version."""
    roots: dict[str, str] = {}
    level: list[tuple[Package, bool]] = []
    queued: set[tuple[str, bool]] = set()
    for package in loaded.packages.values():
        if not package.in_all:
            continue
        module = package.resolved.module
        if module is not None and module.path not in roots:
            roots[module.path] = module.version
        level.append((package, False))
        queued.add((package.path, False))
    graph = build_graph(_modvers(roots), True, summaries, excluded)
    unknown = set(graph.unknown)
    if not any(_needs_root(p, roots, graph) for p in loaded.external() if not p.in_all):
        # Adding roots only raises selected versions: when no package outside `all` wants one
        # now, none will at any depth, and the walk below would add nothing.
        return _modvers(roots), unknown
    while level:
        following: list[tuple[Package, bool]] = []
        grew = False
        for package, is_test in level:
            imports = package.imports.test_imports if is_test else package.imports.imports
            for path in imports:
                dependency = loaded.packages.get(path)
                if dependency is not None and (path, False) not in queued:
                    queued.add((path, False))
                    following.append((dependency, False))
            if not is_test and package.tests_loaded and (package.path, True) not in queued:
                queued.add((package.path, True))
                following.append((package, True))
            module = package.resolved.module
            if module is not None and _needs_root(package, roots, graph):
                roots[module.path] = module.version
                grew = True
        if grew:
            graph = build_graph(_modvers(roots), True, summaries, excluded)
            unknown |= graph.unknown
        level = following
    return _modvers(roots), unknown


def _needs_root(package: Package, roots: Mapping[str, str], graph: Graph) -> bool:
    module = package.resolved.module
    return (
        module is not None
        and module.path not in roots
        and semver.compare(graph.selected_version(module.path), module.version) < 0
    )


def _unpruned_roots(
    loaded: Loaded, summaries: Summaries, excluded: frozenset[ModVer]
) -> tuple[list[ModVer], set[ModVer]]:
    """cmd/go's tidyUnprunedRoots: the smallest requirement list that keeps every module that
    provides a loaded package at its version and lists every direct dependency."""
    keep: dict[str, str] = {}
    for package in loaded.external():
        module = package.resolved.module
        if module is not None and module.path not in keep:
            keep[module.path] = module.version
    base = [path for path in keep if path in loaded.direct]
    return minimal_requirements(_modvers(keep), base, summaries, excluded)


def _cached_provider(
    import_path: str,
    graph: Graph,
    cache: ModuleCache | None,
    summaries: Summaries,
    reader: DirectoryReader,
    excluded: frozenset[ModVer],
) -> ModVer | None:
    """cmd/go's queryImport with the module cache as the proxy: the longest module path with a
    cached `latest` version whose source holds the package."""
    replaced = _replaced_provider(import_path, graph, summaries, reader)
    if replaced is not None:
        return replaced
    if cache is None:
        return None
    for prefix in prefixes(import_path):
        version = local_latest(cache, prefix, excluded)
        if version is None or semver.compare(graph.selected_version(prefix), version) > 0:
            continue
        root = cache.source_dir(prefix, version)
        sub = import_path[len(prefix) + 1 :]
        if root is not None and reader.package(root / sub if sub else root) is not None:
            return ModVer(prefix, version)
    return None


def _replaced_provider(
    import_path: str, graph: Graph, summaries: Summaries, reader: DirectoryReader
) -> ModVer | None:
    """cmd/go's first try: a replaced module (at its highest replaced version, or a zero
    pseudo-version for a replacement of every version) that holds the package."""
    highest: dict[str, str] = {}
    for old_path, old_version in summaries.replaces:
        if import_path != old_path and not import_path.startswith(old_path + "/"):
            continue
        if old_path not in highest or semver.compare(old_version, highest[old_path]) > 0:
            highest[old_path] = old_version
    for old_path in sorted(highest, key=len, reverse=True):
        version = highest[old_path] or _zero_pseudo_version(old_path)
        if semver.compare(graph.selected_version(old_path), version) >= 0:
            continue
        candidate = ModVer(old_path, version)
        root = summaries.source_dir(candidate)
        if root is None:
            continue
        sub = import_path[len(old_path) + 1 :]
        if reader.package(root / sub if sub else root) is not None:
            return candidate
    return None


def _zero_pseudo_version(path: str) -> str:
    split = split_path_version(path)
    major = split.path_major.lstrip("/.") if split.ok and split.path_major else "v0"
    return zero_pseudo_version(major)


def local_latest(
    cache: ModuleCache, path: str, excluded: frozenset[ModVer] = frozenset()
) -> str | None:
    """The version `@latest` would name if the proxy knew only the module cache: the newest
    release that is neither retracted nor excluded, else the newest pre-release, else the
    newest pseudo-version; compatible versions before `+incompatible` ones."""
    versions = cache.versions(path)
    if not versions:
        return None
    retracted = _retractions(cache, path, versions)
    usable = [
        v
        for v in versions
        if ModVer(path, v) not in excluded and not any(_within(v, r) for r in retracted)
    ]
    compatible = [v for v in usable if not v.endswith("+incompatible")]
    # +incompatible versions count only while the module has no go.mod (cmd/go's rule).
    pool = usable if not compatible or not _has_gomod(cache, path, compatible[-1]) else compatible
    for wanted in (_is_release, _is_prerelease, is_pseudo_version):
        chosen = [v for v in pool if wanted(v)]
        if chosen:
            return chosen[-1]
    return None


def _has_gomod(cache: ModuleCache, path: str, version: str) -> bool:
    """The cache synthesizes `module <path>` as the .mod of a version that has no go.mod."""
    data = cache.gomod(path, version)
    return data is not None and data.strip() != f"module {path}".encode()


def _is_release(v: str) -> bool:
    return not semver.prerelease(v)


def _is_prerelease(v: str) -> bool:
    return bool(semver.prerelease(v)) and not is_pseudo_version(v)


def _retractions(cache: ModuleCache, path: str, versions: list[str]) -> list[tuple[str, str]]:
    """Retractions are read from the go.mod of the newest version (release if any)."""
    releases = [v for v in versions if _is_release(v)]
    newest = (releases or versions)[-1]
    data = cache.gomod(path, newest)
    if data is None:
        return []
    model = read(data, FileKind.GOMOD, "go.mod")
    return [(r.low, r.high) for r in model.retracts]


def _within(v: str, interval: tuple[str, str]) -> bool:
    low, high = interval
    return semver.compare(low, v) <= 0 and semver.compare(v, high) <= 0
