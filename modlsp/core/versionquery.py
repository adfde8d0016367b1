"""Version queries over what a proxy knows about one module, with the go command's rules
(cmd/go/internal/modload/query.go): "latest", "upgrade" and "patch", retractions read from the
latest version's go.mod, exclusions, and `+incompatible` versions counted only while the module
has no go.mod.

Everything here is pure: the facts arrive as a `Catalog` built by `versionfacts`.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from modlsp.core import semver
from modlsp.core.modfile import FileKind
from modlsp.core.modgraph import ModVer
from modlsp.core.pseudo import is_pseudo_version
from modlsp.core.reader import read

# What `go list -m -u` prints for a retraction without a rationale.
NO_RATIONALE = "retracted by module author"


class Level(enum.Enum):
    PATCH = "patch"  # the newest vX.Y.* at or above the current version
    MINOR = "minor"  # the newest release of the same major: `go get -u`'s "upgrade"
    LATEST = "latest"  # what `@latest` names (a pre-release or pseudo-version when no release)


class Retraction(NamedTuple):
    low: str
    high: str
    rationale: str

    def covers(self, version: str) -> bool:
        return semver.compare(self.low, version) <= 0 <= semver.compare(self.high, version)

    @property
    def message(self) -> str:
        return self.rationale or NO_RATIONALE


@dataclass(frozen=True, slots=True)
class ModFacts:
    """What a version's go.mod says that version facts need."""

    module: str
    go: str  # "" when it has no go line
    requires: tuple[ModVer, ...]
    retractions: tuple[Retraction, ...]
    deprecated: str
    has_gomod: bool  # False for the `module <path>` file a proxy synthesizes

    @classmethod
    def parse(cls, path: str, data: bytes) -> ModFacts:
        model = read(data, FileKind.GOMOD, "go.mod")
        module = model.module.path if model.module is not None else ""
        return cls(
            module=module,
            go=model.go.version if model.go is not None else "",
            requires=tuple(ModVer(r.path, r.version) for r in model.requires if r.valid),
            retractions=tuple(Retraction(r.low, r.high, r.rationale) for r in model.retracts),
            deprecated=model.module.deprecated if model.module is not None else "",
            has_gomod=data.strip() != f"module {path}".encode()
            and data.strip() != f'module "{path}"'.encode(),
        )

    def to_json(self) -> str:
        return json.dumps(
            [
                self.module,
                self.go,
                [list(r) for r in self.requires],
                [list(r) for r in self.retractions],
                self.deprecated,
                self.has_gomod,
            ],
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> ModFacts | None:
        """None for anything this version did not write (the cache then reads the go.mod)."""
        try:
            module, go, requires, retractions, deprecated, has_gomod = json.loads(text)
            return cls(
                str(module),
                str(go),
                tuple(ModVer(str(p), str(v)) for p, v in requires),
                tuple(Retraction(str(lo), str(hi), str(why)) for lo, hi, why in retractions),
                str(deprecated),
                bool(has_gomod),
            )
        except (ValueError, TypeError):
            return None


@dataclass(frozen=True, slots=True)
class Catalog:
    """A module's published versions and its author's word on them."""

    path: str
    versions: tuple[str, ...]  # tagged versions (@v/list), ascending, no pseudo-versions
    latest: str  # the version "latest" names ignoring retractions, "" when unknown
    retractions: tuple[Retraction, ...]  # from `latest`'s go.mod
    deprecated: str  # from `latest`'s go.mod
    # Whether the newest compatible version has a go.mod: then +incompatible versions
    # are not candidates (golang.org/issue/34165).
    compatible_has_gomod: bool = True
    pseudo_latest: str = ""  # @latest's answer when the module has no tags

    def retraction(self, version: str) -> Retraction | None:
        for r in self.retractions:
            if r.covers(version):
                return r
        return None

    def allowed(self, version: str, excluded: frozenset[str] = frozenset()) -> bool:
        return version not in excluded and self.retraction(version) is None

    def candidates(
        self, excluded: frozenset[str] = frozenset(), *, prefer_incompatible: bool = False
    ) -> tuple[list[str], list[str]]:
        """(releases, pre-releases) that a query may pick, ascending (cmd/go's filterVersions)."""
        return _split(self.versions, self, excluded, prefer_incompatible)

    def query(
        self, level: Level, current: str, excluded: frozenset[str] = frozenset()
    ) -> str | None:
        """The version the go command's query picks from `current`, None when it stays (or the
        module has nothing to offer)."""
        chosen = self._pick(level, current, excluded)
        if chosen is None or semver.compare(chosen, current) <= 0:
            return None
        return chosen

    def newest(self, excluded: frozenset[str] = frozenset()) -> str | None:
        """What `@latest` names: the newest allowed release, else pre-release, else @latest."""
        return self._pick(Level.LATEST, "", excluded)

    def _pick(self, level: Level, current: str, excluded: frozenset[str]) -> str | None:
        prefer_incompatible = current.endswith("+incompatible")
        if level is Level.PATCH:
            prefix = semver.major_minor(current) + "."
            pool = [v for v in self.versions if v.startswith(prefix)]
        else:
            pool = list(self.versions)
        if level is not Level.LATEST:
            pool = [v for v in pool if semver.compare(v, current) >= 0]
        releases, prereleases = _split(pool, self, excluded, prefer_incompatible)
        pick = releases or prereleases
        if pick:
            return pick[-1]
        latest = self.pseudo_latest
        if not latest or not self.allowed(latest, excluded):
            return None
        if level is Level.LATEST:
            return latest
        if level is Level.MINOR and is_pseudo_version(current):
            return latest if semver.compare(latest, current) >= 0 else None
        return None

    def nearest_allowed(self, current: str, excluded: frozenset[str] = frozenset()) -> str | None:
        """For a retracted or excluded version: the closest higher version that is allowed
        (a release when there is one), else the highest allowed lower one."""
        releases, prereleases = self.candidates(excluded)
        for pool in (releases, prereleases):
            higher = [v for v in pool if semver.compare(v, current) > 0]
            if higher:
                return higher[0]
        lower = [v for v in releases or prereleases if semver.compare(v, current) < 0]
        return lower[-1] if lower else None


def _split(
    versions: Iterable[str], catalog: Catalog, excluded: frozenset[str], prefer_incompatible: bool
) -> tuple[list[str], list[str]]:
    releases: list[str] = []
    prereleases: list[str] = []
    need_incompatible = prefer_incompatible
    seen_compatible = False
    for v in versions:
        if not catalog.allowed(v, excluded):
            continue
        if not need_incompatible:
            if not v.endswith("+incompatible"):
                seen_compatible = True
            elif seen_compatible:
                if catalog.compatible_has_gomod:
                    break  # every later version is +incompatible
                need_incompatible = True
        (prereleases if semver.prerelease(v) else releases).append(v)
    return releases, prereleases


def latest_ignoring_retractions(
    versions: Iterable[str], has_gomod: dict[str, bool] | None = None
) -> str:
    """The version whose go.mod holds the retractions and the deprecation: "latest" with no
    version disallowed. `has_gomod` answers for the newest compatible version when the list
    also has +incompatible ones."""
    ordered = list(versions)
    compatible = [v for v in ordered if not v.endswith("+incompatible")]
    hides_incompatible = bool(compatible) and (has_gomod or {}).get(compatible[-1], True)
    if hides_incompatible and len(compatible) < len(ordered):
        ordered = [v for v in ordered if semver.compare(v, compatible[-1]) <= 0]
    releases = [v for v in ordered if not semver.prerelease(v)]
    return (releases or ordered or [""])[-1]
