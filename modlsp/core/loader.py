"""Packages as `go mod tidy` loads them: every package of the main module and its tests, what
they import transitively, and the tests of those packages one level deep; each import path
resolved to the one module of the build list that provides it.

The main module's imports come from the caller (the workspace index keeps them current while
the user types); dependencies' packages are read from their source trees (module cache,
replacement directories), once.
"""

from __future__ import annotations

import enum
import functools
import os
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from modlsp.core.gosource import GoSource, scan
from modlsp.core.modgraph import Graph, ModVer, Summaries
from modlsp.core.modpath import check_import_path, prefixes

# A Go file bigger than this is generated data; its imports are read from its head only.
_MAX_HEAD_BYTES = 256 << 10


@dataclass(frozen=True, slots=True)
class PackageImports:
    imports: tuple[str, ...]  # of the non-test files that are in the build
    test_imports: tuple[str, ...]  # of the _test.go files that are in the build
    # The same without standard-library paths: what the loader follows (computed once, as
    # the loader walks thousands of packages on every judgement).
    deps: tuple[str, ...] = field(init=False, compare=False)
    test_deps: tuple[str, ...] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "deps", tuple(p for p in self.imports if not is_std(p)))
        object.__setattr__(self, "test_deps", tuple(p for p in self.test_imports if not is_std(p)))

    @classmethod
    def of(cls, files: Iterable[tuple[str, GoSource]]) -> PackageImports:
        imports: dict[str, None] = {}
        tests: dict[str, None] = {}
        for name, source in files:
            if source.excluded:
                continue
            target = tests if name.endswith("_test.go") else imports
            for imported in source.imports:
                target[imported.path] = None
        return cls(tuple(imports), tuple(tests))


EMPTY_PACKAGE = PackageImports((), ())


def is_std(path: str) -> bool:
    """The go command's rule: a first path element without a dot names a standard package."""
    return "." not in path.partition("/")[0]


@functools.lru_cache(maxsize=1 << 16)
def is_module_import(path: str) -> bool:
    """Imports that a module must provide: not std, not cgo's "C", not relative, valid."""
    return not is_std(path) and check_import_path(path) is None


@dataclass(slots=True)
class MainModule:
    path: str
    dir: Path
    packages: Mapping[str, PackageImports]  # package dir relative to dir ("." for the root)
    tools: tuple[str, ...] = ()  # the packages of its `tool` directives

    def package_dir(self, import_path: str) -> str | None:
        if import_path == self.path:
            return "."
        if import_path.startswith(self.path + "/"):
            return import_path[len(self.path) + 1 :]
        return None


Resolutions = dict[str, tuple["Resolved", PackageImports, bool]]
_KEPT_RESOLUTIONS = 8  # build lists whose resolutions are remembered


class DirectoryReader:
    """Packages of dependency source trees, each directory read once, and the resolutions of
    dependency import paths per build list, which edits to the main module's files do not
    change. The module cache is immutable; the session replaces the whole reader when a
    file it watches changes (a replacement directory's content)."""

    def __init__(self) -> None:
        self._packages: dict[Path, PackageImports | None] = {}
        self._resolutions: dict[Hashable, Resolutions] = {}

    def resolutions(self, build_list: Hashable) -> Resolutions:
        found = self._resolutions.get(build_list)
        if found is None:
            if len(self._resolutions) >= _KEPT_RESOLUTIONS:
                self._resolutions.pop(next(iter(self._resolutions)))
            found = self._resolutions[build_list] = {}
        return found

    def package(self, directory: Path) -> PackageImports | None:
        """None when the directory holds no .go file (then it is no package)."""
        if directory in self._packages:
            return self._packages[directory]
        result = _read_package(directory)
        self._packages[directory] = result
        return result


def _read_package(directory: Path) -> PackageImports | None:
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return None
    names = sorted(e.name for e in entries if e.name.endswith(".go") and _is_file(e))
    if not names:
        return None
    sources: list[tuple[str, GoSource]] = []
    for name in names:
        if name.startswith((".", "_")):
            continue  # counts for "is a package directory", never built
        try:
            with (directory / name).open("rb") as handle:
                data = handle.read(_MAX_HEAD_BYTES)
        except OSError:
            continue
        sources.append((name, scan(data)))
    return PackageImports.of(sources)


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


class Resolution(enum.Enum):
    MAIN = "main"
    MODULE = "module"
    MISSING = "missing"  # no module of the build list provides it
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"  # a candidate module's source is not on this machine


@dataclass(frozen=True, slots=True)
class Resolved:
    kind: Resolution
    module: ModVer | None = None  # for MODULE
    candidates: tuple[ModVer, ...] = ()  # for AMBIGUOUS and UNKNOWN


@dataclass(slots=True)
class Package:
    path: str
    resolved: Resolved
    imports: PackageImports
    in_all: bool = False
    tests_loaded: bool = False


@dataclass(slots=True)
class Loaded:
    packages: dict[str, Package] = field(default_factory=dict)
    direct: set[str] = field(default_factory=set)  # modules the main module imports from

    def external(self) -> Iterable[Package]:
        return (p for p in self.packages.values() if p.resolved.kind is Resolution.MODULE)

    def with_kind(self, kind: Resolution) -> list[Package]:
        return [p for p in self.packages.values() if p.resolved.kind is kind]


@dataclass(slots=True)
class Resolver:
    main: MainModule
    graph: Graph
    summaries: Summaries
    reader: DirectoryReader
    # The main module's requirements. In a pruned module the go command looks for a package
    # in these, at the versions go.mod lists, before it consults the whole graph.
    roots: Mapping[str, str] = field(default_factory=dict)
    # Some import was not found among the roots, so the go command would load the full graph.
    used_graph: bool = False
    # Dependency import paths resolved before over the same build list (see DirectoryReader).
    memo: Resolutions = field(default_factory=dict)

    def resolve(self, import_path: str) -> tuple[Resolved, PackageImports]:
        rel = self.main.package_dir(import_path)
        if rel is not None:
            known = self.main.packages.get(rel)
            if known is not None:
                return Resolved(Resolution.MAIN), known
            found = self._local_package(self.main.dir, rel)
            if found is not None:
                return Resolved(Resolution.MAIN), found
        remembered = self.memo.get(import_path)
        if remembered is not None:
            resolved, imports, used_graph = remembered
            self.used_graph |= used_graph
            return resolved, imports
        used_graph = False
        if self.roots:
            result = self._among(import_path, self._candidates(import_path, self.roots))
            used_graph = result[0].kind is not Resolution.MODULE
        if not self.roots or used_graph:
            result = self._among(import_path, self._candidates(import_path, self.graph.selected))
        self.used_graph |= used_graph
        self.memo[import_path] = (*result, used_graph)
        return result

    def _among(self, import_path: str, candidates: list[ModVer]) -> tuple[Resolved, PackageImports]:
        providers: list[tuple[ModVer, PackageImports]] = []
        unknown: list[ModVer] = []
        for m in candidates:
            root = self.summaries.source_dir(m)
            if root is None:
                unknown.append(m)
                continue
            sub = import_path[len(m.path) + 1 :] if import_path != m.path else "."
            if self.summaries.is_local(m):
                package = self._local_package(root, sub)
            else:
                package = self.reader.package(root / sub)
            if package is not None:
                providers.append((m, package))
        if len(providers) == 1:
            return Resolved(Resolution.MODULE, providers[0][0]), providers[0][1]
        if len(providers) > 1:
            return Resolved(Resolution.AMBIGUOUS, candidates=tuple(m for m, _ in providers)), (
                EMPTY_PACKAGE
            )
        if unknown:
            return Resolved(Resolution.UNKNOWN, candidates=tuple(unknown)), EMPTY_PACKAGE
        return Resolved(Resolution.MISSING), EMPTY_PACKAGE

    def _candidates(self, import_path: str, versions: Mapping[str, str]) -> list[ModVer]:
        """Modules of `versions` whose path is a prefix of the import path, longest first."""
        found = []
        for prefix in prefixes(import_path):
            version = versions.get(prefix)
            if version is not None and version != "none" and prefix != self.main.path:
                found.append(ModVer(prefix, version))
        return found

    def _local_package(self, root: Path, rel: str) -> PackageImports | None:
        """A package of a module on disk: not inside a nested module below `root`."""
        if rel != ".":
            parts = rel.split("/")
            for depth in range(1, len(parts) + 1):
                if (root.joinpath(*parts[:depth]) / "go.mod").is_file():
                    return None
        return self.reader.package(root / rel if rel != "." else root)


def load(resolver: Resolver, closes_over_tests: bool) -> Loaded:
    """cmd/go's loader for the `all` pattern with tests, as `go mod tidy` runs it."""
    main = resolver.main
    loaded = Loaded()
    packages = loaded.packages
    # A main module path without a dot looks like the standard library's: follow every import.
    everything = is_std(main.path)
    # (import path, in "all"); a package found again as part of "all" is processed again.
    queue: list[tuple[str, bool]] = []
    for rel in sorted(main.packages):
        path = main.path if rel == "." else f"{main.path}/{rel}"
        queue.append((path, True))
    # Tools are in `all` too, but importing none of them makes no module direct.
    queue.extend((tool, True) for tool in main.tools if is_module_import(tool))
    while queue:
        path, in_all = queue.pop()
        package = packages.get(path)
        if package is None:
            if not is_module_import(path) and main.package_dir(path) is None:
                continue  # malformed, relative, or a standard package
            resolved, imports = resolver.resolve(path)
            package = Package(path, resolved, imports)
            packages[path] = package
        elif package.in_all or not in_all:
            continue  # processed already, with at least these flags
        package.in_all = in_all = package.in_all or in_all
        found = package.imports
        for imported in found.imports if everything else found.deps:
            known = packages.get(imported)
            if known is None or (in_all and not known.in_all):
                queue.append((imported, in_all))
        if in_all and not package.tests_loaded:
            package.tests_loaded = True
            test_in_all = closes_over_tests or package.resolved.kind is Resolution.MAIN
            for imported in found.test_imports if everything else found.test_deps:
                known = packages.get(imported)
                if known is None or (test_in_all and not known.in_all):
                    queue.append((imported, test_in_all))
    for package in list(loaded.packages.values()):
        if package.resolved.kind is not Resolution.MAIN:
            continue
        for imported in (*package.imports.imports, *package.imports.test_imports):
            dependency = loaded.packages.get(imported)
            if dependency is not None and dependency.resolved.module is not None:
                loaded.direct.add(dependency.resolved.module.path)
    return loaded
