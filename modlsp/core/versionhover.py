"""Hover on a module path or version of a require, replace or exclude line: what the module
proxies know about it (upgrades with their publish dates, a newer major version, retraction,
deprecation), the replacement in effect, and a pkg.go.dev link for public modules.

Three steps, so that only the middle one waits: `hover_target` finds what is under the cursor
(pure), `gather` asks `VersionFacts` (the caller bounds it with a timeout), and `render` writes
the Markdown (pure) from whatever was gathered. When the gather is not done in time, `known`
is what the facts hold in memory already, and `render` says what is still on its way.
"""

from __future__ import annotations

import asyncio
import bisect
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import quote

from modlsp.core import semver
from modlsp.core.modfile import ModFile, Replace, Require
from modlsp.core.modpath import check_path
from modlsp.core.sources.config import SourceConfig
from modlsp.core.text import Span
from modlsp.core.versioncheck import excluded_versions, upgrades
from modlsp.core.versionfacts import Info, NotFound, Unknown, VersionFacts
from modlsp.core.versionquery import Catalog


class Role(enum.Enum):
    REQUIRE = "require"
    REPLACE_OLD = "replace"  # the module a replace directive replaces
    REPLACE_NEW = "replacement"  # the module it is replaced with
    EXCLUDE = "exclude"


@dataclass(frozen=True, slots=True)
class HoverTarget:
    path: str  # the module the facts are about
    version: str  # the version written there (canonical), "" when none applies
    span: Span  # the token under the cursor
    role: Role
    excluded: frozenset[str] = frozenset()  # the main module's excludes of `path`


@dataclass(frozen=True, slots=True)
class VersionHoverFacts:
    catalog: Catalog | Unknown | NotFound | None  # None: not known yet (still on its way)
    newer_major: Catalog | None
    infos: Mapping[str, Info] = field(default_factory=dict)  # version -> publish time


NOTHING_YET = VersionHoverFacts(None, None)


def hover_target(model: ModFile, offset: int) -> HoverTarget | None:
    """The module path or version token of a require, replace or exclude line under `offset`
    (a cursor touching either end of a token counts)."""

    def under(span: Span) -> bool:
        return span.start <= offset <= span.end

    # The requirements are in file order, one to a line: only the last one that starts at or
    # before the offset can be under it (a go.mod may have thousands; a scan of them all
    # cost 1.6 ms a hover at 20,000).
    before = bisect.bisect_right(model.requires, offset, key=_path_start)
    if before > 0:
        require = model.requires[before - 1]
        for token in (require.path_token, require.version_token):
            if token.start <= offset <= token.end:
                version = require.version if require.valid else ""
                return _target(model, require.path, version, token.span, Role.REQUIRE)
    for replace in model.replaces:
        found = _replace_target(model, replace, under)
        if found is not None:
            return found
    for exclude in model.excludes:
        for span in (exclude.path_token.span, exclude.version_token.span):
            if under(span):
                version = exclude.version if exclude.valid else ""
                return _target(model, exclude.path, version, span, Role.EXCLUDE)
    return None


def _path_start(require: Require) -> int:
    return require.path_token.start


def _replace_target(
    model: ModFile, replace: Replace, under: Callable[[Span], bool]
) -> HoverTarget | None:
    old_spans = [replace.old_path_token.span]
    if replace.old_version_token is not None:
        old_spans.append(replace.old_version_token.span)
    for span in old_spans:
        if under(span):
            version = replace.old_version or _required_version(model, replace.old_path)
            return _target(model, replace.old_path, version, span, Role.REPLACE_OLD)
    if replace.is_directory:
        return None
    new_spans = [replace.new_path_token.span]
    if replace.new_version_token is not None:
        new_spans.append(replace.new_version_token.span)
    for span in new_spans:
        if under(span):
            return _target(model, replace.new_path, replace.new_version, span, Role.REPLACE_NEW)
    return None


def _target(model: ModFile, path: str, version: str, span: Span, role: Role) -> HoverTarget | None:
    if check_path(path) is not None:
        return None
    return HoverTarget(path, version, span, role, excluded_versions(model, path))


def _required_version(model: ModFile, path: str) -> str:
    for require in model.requires:
        if require.path == path and require.valid:
            return require.version
    return ""


async def gather(facts: VersionFacts, target: HoverTarget) -> VersionHoverFacts:
    """The catalog, the newer major and the publish times the hover shows."""
    catalog, major = await asyncio.gather(
        facts.catalog(target.path), facts.newer_major(target.path)
    )
    ordered = _wanted_infos(target, catalog)
    found = await asyncio.gather(*(facts.info(target.path, v) for v in ordered))
    infos = {v: info for v, info in zip(ordered, found, strict=True) if info is not None}
    return VersionHoverFacts(catalog, major, infos)


def _wanted_infos(target: HoverTarget, catalog: Catalog | Unknown | NotFound | None) -> list[str]:
    """The versions whose publish times the hover shows: the one written and its upgrades,
    or the newest when no version is written."""
    wanted: set[str] = set()
    if target.version:
        wanted.add(target.version)
    if isinstance(catalog, Catalog):
        if target.version:
            wanted.update(u.version for u in upgrades(catalog, target.version, target.excluded))
        else:
            newest = catalog.newest(target.excluded)
            if newest is not None:
                wanted.add(newest)
    return sorted(wanted)


def known(facts: VersionFacts, target: HoverTarget) -> VersionHoverFacts:
    """What `gather` would return, from memory only (no I/O): what is not known yet is left
    out, the catalog as None when it has not arrived."""
    catalog = facts.known_catalog(target.path)
    infos: dict[str, Info] = {}
    for version in _wanted_infos(target, catalog):
        info = facts.known_info(target.path, version)
        if info is not None:
            infos[version] = info
    return VersionHoverFacts(catalog, facts.known_major(target.path), infos)


def render(
    target: HoverTarget, gathered: VersionHoverFacts, model: ModFile, config: SourceConfig | None
) -> str:
    """Compact Markdown: a header with the publish date, then one short paragraph per fact.
    `config` None: the proxy settings are not known yet (no pkg.go.dev link, which depends
    on GOPRIVATE)."""
    path, version = target.path, target.version
    header = f"**{path}**"
    if version:
        header += f" `{version}`"
        published = _date(gathered.infos.get(version))
        if published:
            header += f" · published {published}"
    parts = [header]
    catalog = gathered.catalog
    if catalog is None:
        parts.append("Version information is still on its way from the module proxy.")
    elif isinstance(catalog, Unknown):
        parts.append(f"Version information unavailable: {catalog.message}")
    elif isinstance(catalog, NotFound):
        parts.append(f"Not found on the module proxy: {catalog.message}")
    else:
        parts.extend(_catalog_lines(target, catalog, gathered.infos))
    major = gathered.newer_major
    if major is not None:
        newest = major.newest()
        if newest is not None:
            parts.append(f"Newer major version: `{major.path}` `{newest}`")
    if target.role is Role.REQUIRE:
        replacement = replacement_in_effect(model, path, version)
        if replacement is not None:
            parts.append(f"Replaced by {_describe(replacement)}")
    if config is not None and not config.is_private(path):
        parts.append(f"[{path} on pkg.go.dev]({pkg_go_dev(path, version)})")
    return "\n\n".join(parts)


def _catalog_lines(target: HoverTarget, catalog: Catalog, infos: Mapping[str, Info]) -> list[str]:
    lines: list[str] = []
    version = target.version
    if version:
        retraction = catalog.retraction(version)
        if retraction is not None:
            lines.append(f"**Retracted:** {retraction.message}")
    if catalog.deprecated:
        lines.append(f"**Deprecated:** {catalog.deprecated}")
    if version:
        offered = upgrades(catalog, version, target.excluded)
        if offered:
            lines.append(
                " · ".join(f"{u.label} `{u.version}`{_when(infos, u.version)}" for u in offered)
            )
        else:
            newest = catalog.newest(target.excluded)
            if newest is not None and semver.compare(newest, version) == 0:
                lines.append("This is the latest version.")
            elif newest is not None and semver.compare(newest, version) < 0:
                lines.append(f"Newer than the latest version `{newest}`.")
    else:
        newest = catalog.newest(target.excluded)
        if newest is not None:
            lines.append(f"latest `{newest}`{_when(infos, newest)}")
    return lines


def _when(infos: Mapping[str, Info], version: str) -> str:
    day = _date(infos.get(version))
    return f" ({day})" if day else ""


def _date(info: Info | None) -> str:
    if info is None or info.time is None:
        return ""
    return utc_day(info.time)


def utc_day(when: datetime) -> str:
    """YYYY-MM-DD in UTC (a time without a zone is taken as UTC)."""
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc)
    return when.strftime("%Y-%m-%d")


def replacement_in_effect(model: ModFile, path: str, version: str) -> Replace | None:
    """The main module's replace directive for `path@version`: one naming that version wins
    over one for every version (the go command's rule)."""
    wildcard: Replace | None = None
    for replace in model.replaces:
        if replace.old_path != path:
            continue
        if replace.old_version and replace.old_version == version:
            return replace
        if not replace.old_version:
            wildcard = replace
    return wildcard


def _describe(replace: Replace) -> str:
    if replace.is_directory:
        return f"the directory `{replace.new_path}`"
    return f"`{replace.new_path}` `{replace.new_version}`"


def pkg_go_dev(path: str, version: str = "") -> str:
    """The pkg.go.dev page of a module (at a version when one is given)."""
    where = f"{path}@{version}" if version else path
    return "https://pkg.go.dev/" + quote(where, safe="/@+~")
