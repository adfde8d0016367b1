"""The network half of the command line: `modlsp check --upgrades` and `modlsp upgrade`."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterable
from pathlib import Path

from modlsp.cli_modules import emit_gomod
from modlsp.core import semver
from modlsp.core.modfile import FileKind, ModFile, Require
from modlsp.core.problems import Problem, apply_edits
from modlsp.core.reader import read
from modlsp.core.sources.config import Overrides
from modlsp.core.sources.setup import open_fetcher, source_config
from modlsp.core.upgrade import Change, plan_upgrades, set_version
from modlsp.core.versioncheck import checked_requires, excluded_versions, version_problems
from modlsp.core.versionfacts import NotFound, Unknown, VersionFacts
from modlsp.core.versionquery import Catalog, Level

EXIT_OK, EXIT_CHANGES, EXIT_USAGE = 0, 1, 2
QUERIES = {"latest": Level.LATEST, "upgrade": Level.MINOR, "patch": Level.PATCH}


def _say(message: str) -> None:
    print(f"modlsp: {message}", file=sys.stderr)


class VersionChecker:
    """Version facts for the go.mod files one command looks at, on one event loop."""

    def __init__(self, *, offline: bool = False) -> None:
        config = source_config(Overrides(offline=offline), None)
        for complaint in config.complaints:
            _say(complaint)
        self._loop = asyncio.new_event_loop()
        self._fetcher = open_fetcher(config, _say)
        self.facts = VersionFacts(self._fetcher)

    def problems(self, model: ModFile) -> list[Problem]:
        pairs = [(r.path, r.version) for r in checked_requires(model)]
        direct = {r.path for r in checked_requires(model) if not r.indirect}
        self._loop.run_until_complete(self.facts.requirements(pairs, majors=direct))
        return version_problems(model, self.facts.known_requirement, show_upgrades=True)

    def catalogs(self, paths: Iterable[str]) -> dict[str, Catalog | Unknown | NotFound]:
        async def gather() -> list[Catalog | Unknown | NotFound]:
            return await asyncio.gather(*(self.facts.catalog(p) for p in unique))

        unique = list(dict.fromkeys(paths))
        return dict(zip(unique, self._loop.run_until_complete(gather()), strict=True))

    def exists(self, path: str, version: str) -> Unknown | NotFound | None:
        found = self._loop.run_until_complete(self.facts.gomod(path, version))
        return found if isinstance(found, (Unknown, NotFound)) else None

    def newer_major(self, path: str) -> Catalog | None:
        return self._loop.run_until_complete(self.facts.newer_major(path))

    def close(self) -> None:
        self._loop.run_until_complete(self._fetcher.close())
        self._loop.close()


def upgrade_command(
    directory: str, targets: list[str], level: Level, *, write: bool, diff: bool
) -> int:
    gomod = Path(directory) / "go.mod"
    try:
        data = gomod.read_bytes()
    except OSError as err:
        _say(f"{gomod}: cannot read: {err.strerror or err} (use -C DIR for another module)")
        return EXIT_USAGE
    model = read(data, FileKind.GOMOD, str(gomod))
    if model.has_errors:
        _say(f"{gomod}: fix the go.mod's errors first (modlsp check)")
        return EXIT_CHANGES
    checker = VersionChecker()
    try:
        changes = _plan(model, targets, level, checker)
    finally:
        checker.close()
    if changes is None:
        return EXIT_USAGE
    for change in changes:
        print(f"modlsp: upgraded {change}", file=sys.stderr)
    after = apply_edits(data, [c.edit for c in changes])
    return emit_gomod(gomod, data, after, write=write, diff=diff)


def _plan(
    model: ModFile, targets: list[str], level: Level, checker: VersionChecker
) -> list[Change] | None:
    """The changes, None (after saying why) when a target cannot be honoured."""
    requires = {r.path: r for r in model.requires if r.valid}
    wanted: dict[str, str] = {}  # path -> explicit version, or "" for the level's query
    for target in targets:
        path, _, query = target.partition("@")
        if path not in requires:
            _say(f"{path} is not required by this module (add an import and run modlsp tidy)")
            return None
        wanted[path] = query
    catalogs = checker.catalogs(list(wanted) or [r.path for r in checked_requires(model)])
    for path, catalog in catalogs.items():
        if not isinstance(catalog, Catalog):
            _say(f"{path}: cannot list its versions: {catalog.message}")
            if path in wanted:
                return None

    by_level = {p for p, q in wanted.items() if not q}
    changes = plan_upgrades(model, checker.facts.listed, level, by_level if wanted else None)
    for path, query in wanted.items():
        if query:
            change = _explicit(requires[path], query, checker.facts.listed(path), model, checker)
            if change is None:
                return None
            if change.new != change.old:
                changes.append(change)
    return sorted(changes, key=lambda c: c.edit.span.start)


def _explicit(
    require: Require, query: str, catalog: Catalog | None, model: ModFile, checker: VersionChecker
) -> Change | None:
    path = require.path
    if query in QUERIES:
        if catalog is None:
            return None
        excluded = excluded_versions(model, path)
        version = catalog.query(QUERIES[query], require.version, excluded)
        return set_version(require, version or require.version)
    if not semver.is_valid(query) or semver.canonical(query) != query.removesuffix("+incompatible"):
        _say(f"{path}@{query}: not a canonical version (like v1.2.3), latest, upgrade or patch")
        return None
    problem = checker.exists(path, query)
    if problem is not None:
        _say(f"{path}@{query}: {problem.message}")
        return None
    if catalog is not None and (retraction := catalog.retraction(query)) is not None:
        _say(f"warning: {path}@{query} is retracted: {retraction.message}")
    return set_version(require, query)
