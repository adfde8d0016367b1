"""Problems on require lines from what the module proxies know: retracted and nonexistent
versions, deprecated modules, newer Go requirements, available upgrades and newer majors.

Pure: the facts come from `versionfacts` through a lookup, so the server can merge whatever has
arrived into the diagnostics of the current text, and the CLI can run it after gathering all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from modlsp.core import gover, semver
from modlsp.core.modfile import ModFile, Require
from modlsp.core.problems import Edit, Fix, Problem, Severity
from modlsp.core.pseudo import is_zero_pseudo_version
from modlsp.core.versionfacts import NotFound, RequirementFacts
from modlsp.core.versionquery import Catalog, Level, ModFacts

# Codes reported only with network-derived facts; the CLI's --upgrades and the server's
# version facts turn them on.
RETRACTED = "retracted-version"
DEPRECATED = "deprecated-module"
UNKNOWN_VERSION = "unknown-version"
REQUIRES_GO = "requires-newer-go"
UPGRADE = "upgrade-available"
NEWER_MAJOR = "newer-major-version"
CODES = frozenset({RETRACTED, DEPRECATED, UNKNOWN_VERSION, REQUIRES_GO, UPGRADE, NEWER_MAJOR})

LEVEL_NAMES = {Level.PATCH: "latest patch", Level.MINOR: "latest minor", Level.LATEST: "latest"}

Lookup = Callable[[str, str], RequirementFacts | None]


@dataclass(frozen=True, slots=True)
class Upgrade:
    version: str
    levels: tuple[Level, ...]  # the queries that name this version

    @property
    def label(self) -> str:
        return ", ".join(LEVEL_NAMES[level] for level in self.levels)


def upgrades(catalog: Catalog, current: str, excluded: frozenset[str]) -> list[Upgrade]:
    """The distinct versions the patch, minor and latest queries offer, lowest first."""
    found: dict[str, list[Level]] = {}
    for level in (Level.PATCH, Level.MINOR, Level.LATEST):
        version = catalog.query(level, current, excluded)
        if version is not None:
            found.setdefault(version, []).append(level)
    return [Upgrade(v, tuple(levels)) for v, levels in found.items()]


def excluded_versions(model: ModFile, path: str) -> frozenset[str]:
    return frozenset(e.version for e in model.excludes if e.path == path and e.valid)


def is_replaced(model: ModFile, require: Require) -> bool:
    return any(
        r.old_path == require.path and r.old_version in ("", require.version)
        for r in model.replaces
    )


def checked_requires(model: ModFile) -> Iterator[Require]:
    """Require lines version facts apply to: valid, and not replaced (the go command never
    fetches a replaced version)."""
    for require in model.requires:
        if require.valid and not is_replaced(model, require):
            yield require


def version_problems(model: ModFile, lookup: Lookup, *, show_upgrades: bool) -> list[Problem]:
    problems: list[Problem] = []
    for require in checked_requires(model):
        facts = lookup(require.path, require.version)
        if facts is not None:
            problems.extend(_require_problems(model, require, facts, show_upgrades))
    return problems


def _require_problems(
    model: ModFile, require: Require, facts: RequirementFacts, show_upgrades: bool
) -> Iterator[Problem]:
    path, version = require.path, require.version
    catalog = facts.catalog if isinstance(facts.catalog, Catalog) else None
    excluded = excluded_versions(model, path)
    offered = upgrades(catalog, version, excluded) if catalog is not None else []
    upgrade_fixes = tuple(_upgrade_fix(require, u) for u in offered)

    if isinstance(facts.gomod, NotFound) and not is_zero_pseudo_version(version):
        nearest = catalog.newest(excluded) if catalog else None
        missing_fixes = (_set_version(require, nearest, "latest"),) if nearest else ()
        yield Problem(
            require.version_token.span,
            Severity.ERROR,
            UNKNOWN_VERSION,
            f"{path}@{version}: version not found ({facts.gomod.message})",
            missing_fixes,
        )
        return
    retraction = catalog.retraction(version) if catalog is not None else None
    if catalog is not None and retraction is not None:
        nearest = catalog.nearest_allowed(version, excluded)
        fixes = (
            [_set_version(require, nearest, "nearest version not retracted", preferred=True)]
            if nearest
            else []
        )
        fixes += [_upgrade_fix(require, u) for u in offered if u.version != nearest]
        yield Problem(
            require.version_token.span,
            Severity.WARNING,
            RETRACTED,
            f"{path}@{version} is retracted: {retraction.message}",
            tuple(fixes),
        )
    if catalog is not None and catalog.deprecated:
        yield Problem(
            require.path_token.span,
            Severity.WARNING,
            DEPRECATED,
            f"{path} is deprecated: {catalog.deprecated}",
        )
    if isinstance(facts.gomod, ModFacts):
        yield from _go_version_problem(model, require, facts.gomod)
    if require.indirect:
        return
    if show_upgrades and offered and retraction is None:
        newest = offered[-1].version
        yield Problem(
            require.version_token.span,
            Severity.INFORMATION,
            UPGRADE,
            f"{path} can be upgraded to {newest}",
            upgrade_fixes,
        )
    major = facts.newer_major
    if major is not None:
        target = major.newest()
        if target is not None:
            yield Problem(
                require.path_token.span,
                Severity.INFORMATION,
                NEWER_MAJOR,
                f"{major.path} {target} is available",
            )


def _go_version_problem(model: ModFile, require: Require, gomod: ModFacts) -> Iterator[Problem]:
    if model.go is None or not gomod.go or not gover.is_valid(model.go.version):
        return
    if not gover.is_valid(gomod.go) or gover.compare(gomod.go, model.go.version) <= 0:
        return
    fix = Fix(f"Raise the go line to {gomod.go}", (Edit(model.go.token.span, gomod.go),), True)
    yield Problem(
        require.version_token.span,
        Severity.WARNING,
        REQUIRES_GO,
        f"{require.path}@{require.version} requires go >= {gomod.go}"
        f" (this module says go {model.go.version}; the go command would raise it)",
        (fix,),
    )


def _upgrade_fix(require: Require, upgrade: Upgrade) -> Fix:
    return _set_version(require, upgrade.version, upgrade.label)


def _set_version(require: Require, version: str, why: str, *, preferred: bool = False) -> Fix:
    verb = "Upgrade" if semver.compare(version, require.version) > 0 else "Change"
    return Fix(
        f"{verb} to {version} ({why})",
        (Edit(require.version_token.span, version),),
        preferred,
    )
