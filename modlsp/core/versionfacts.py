"""What the module proxies know about the modules a go.mod names, gathered concurrently
through one `Fetcher` and kept in memory: catalogs (versions, retractions, deprecation),
each required version's go.mod, publish times, and newer major versions.

Answers are values: a module the proxies cannot tell about yields facts with an `error`, and
"does not exist" is said only when a proxy answered "not found".

A gather shares the event loop with the editor's requests, however many requirements it has:
at most `GATHER_CONCURRENCY` requirements are looked up at a time (a go.mod of 20,000
requirements does not become 20,000 tasks queueing for 16 connections), and answers that
need no I/O (memory, the disk cache) give the loop back every `SLICE` seconds.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import datetime

from modlsp.core import semver
from modlsp.core.majorpath import current_major, with_major
from modlsp.core.modpath import check_path
from modlsp.core.pseudo import is_pseudo_version
from modlsp.core.sources.answers import Failed, Found, Key, Kind, Missing
from modlsp.core.sources.fetcher import Fetcher
from modlsp.core.versionquery import Catalog, ModFacts, Retraction, latest_ignoring_retractions

log = logging.getLogger(__name__)

# How far above the current major to look for /vN modules, and how many at a time.
MAJOR_PROBE_LIMIT = 12
MAJOR_PROBE_BATCH = 3
# Requirements looked up at a time: four per proxy connection (Limits.concurrency is 16), as
# each runs its requests one after the other.
GATHER_CONCURRENCY = 64
# Seconds of work a gather does before it lets the event loop serve others (requests, edits).
SLICE = 0.005


@dataclass(frozen=True, slots=True)
class Unknown:
    """The proxies could not say (unreachable, disabled, or no proxy for this module)."""

    message: str


@dataclass(frozen=True, slots=True)
class NotFound:
    """A proxy answered that it does not exist."""

    message: str


@dataclass(frozen=True, slots=True)
class Info:
    version: str
    time: datetime | None


@dataclass(frozen=True, slots=True)
class RequirementFacts:
    """Everything known about one `require path version` line."""

    path: str
    version: str
    catalog: Catalog | Unknown | NotFound
    gomod: ModFacts | Unknown | NotFound  # the required version's go.mod
    newer_major: Catalog | None  # the highest /vN (N above this path's) with a release


class VersionFacts:
    def __init__(self, fetcher: Fetcher, *, work_slice: float = SLICE) -> None:
        self.fetcher = fetcher
        self.work_slice = work_slice
        self._catalogs: dict[str, Catalog | Unknown | NotFound] = {}
        self._mods: dict[tuple[str, str], ModFacts | Unknown | NotFound] = {}
        self._majors: dict[str, Catalog | None] = {}
        self._unsure_catalogs: set[str] = set()  # a go.mod it needed had no answer
        self._unsure_majors: set[str] = set()  # a probe had no answer
        self._infos: dict[tuple[str, str], Info | None] = {}  # None: the proxy has none
        self._yield_at = 0.0  # when the running gathers give the loop back (perf_counter)

    # --- what is already known, without I/O ---------------------------------------------

    def listed(self, path: str) -> Catalog | None:
        """The catalog in memory, None when there is none or the proxies could not tell."""
        found = self._catalogs.get(path)
        return found if isinstance(found, Catalog) else None

    def known_requirement(self, path: str, version: str) -> RequirementFacts | None:
        catalog = self._catalogs.get(path)
        gomod = self._mods.get((path, version))
        if catalog is None or gomod is None or path not in self._majors:
            return None
        return RequirementFacts(path, version, catalog, gomod, self._majors[path])

    def known_gomod(self, path: str, version: str) -> ModFacts | Unknown | NotFound | None:
        return self._mods.get((path, version))

    def known_catalog(self, path: str) -> Catalog | Unknown | NotFound | None:
        """The catalog in memory, whatever it says; None when none was built yet."""
        return self._catalogs.get(path)

    def known_major(self, path: str) -> Catalog | None:
        """The newer major in memory; None when there is none or none was looked for yet."""
        return self._majors.get(path)

    def known_info(self, path: str, version: str) -> Info | None:
        return self._infos.get((path, version))

    # --- gathering ----------------------------------------------------------------------

    async def requirements(
        self,
        pairs: Iterable[tuple[str, str]],
        *,
        fresh: bool = False,
        majors: Container[str] | None = None,
        concurrency: int = GATHER_CONCURRENCY,
    ) -> list[RequirementFacts]:
        """Facts of each (path, version); newer majors are probed for the paths in `majors`
        (all when None): a go.mod shows them on direct requirements only. At most
        `concurrency` requirements are looked up at a time."""
        unique = list(dict.fromkeys(pairs))
        found: list[RequirementFacts | None] = [None] * len(unique)
        queue = iter(enumerate(unique))  # shared by the workers: each takes the next one

        async def work() -> None:
            for index, (path, version) in queue:
                major = majors is None or path in majors
                found[index] = await self.requirement(path, version, fresh=fresh, major=major)
                await self.pause()

        await asyncio.gather(*(work() for _ in range(min(concurrency, len(unique)))))
        return [f for f in found if f is not None]

    async def pause(self) -> None:
        """Let the event loop serve others once the gathers have had it for `work_slice`
        seconds. Shared by every worker of every gather: when the slice is over, each of them
        yields as it finishes its current requirement, and the first one back starts the
        next slice. So the loop is held about a slice at a time, not a slice per worker."""
        if time.perf_counter() < self._yield_at:
            return
        await asyncio.sleep(0)
        now = time.perf_counter()
        if now >= self._yield_at:
            self._yield_at = now + self.work_slice

    async def requirement(
        self, path: str, version: str, *, fresh: bool = False, major: bool = True
    ) -> RequirementFacts:
        # One after the other: the requirements themselves run concurrently and the proxy
        # connections are bounded anyway, and a warm start (everything cached) creates no
        # tasks at all this way.
        catalog = await self.catalog(path, fresh=fresh)
        gomod = await self.gomod(path, version)
        newer = await self.newer_major(path, fresh=fresh) if major else None
        if not major and path not in self._majors:
            self._majors[path] = None  # not asked: known for now, probed when wanted
            self._unsure_majors.add(path)
        return RequirementFacts(path, version, catalog, gomod, newer)

    async def catalog(self, path: str, *, fresh: bool = False) -> Catalog | Unknown | NotFound:
        known = self._catalogs.get(path)
        if (
            known is not None
            and not fresh
            and not isinstance(known, Unknown)
            and path not in self._unsure_catalogs
        ):
            return known
        result = await self._build_catalog(path, fresh)
        self._catalogs[path] = result
        # A catalog built while a go.mod it needs had no answer lacks the retractions or the
        # deprecation: kept for `listed`, built again when asked again.
        if isinstance(result, Catalog) and any(
            isinstance(self._mods.get((path, v)), Unknown) for v in _consulted(result)
        ):
            self._unsure_catalogs.add(path)
        else:
            self._unsure_catalogs.discard(path)
        return result

    async def _build_catalog(self, path: str, fresh: bool) -> Catalog | Unknown | NotFound:
        listed = await self.fetcher.get(Key(path, Kind.LIST), fresh=fresh)
        if isinstance(listed, Failed):
            return Unknown(listed.message)
        if isinstance(listed, Missing):
            return NotFound(listed.message)
        versions = parse_list(listed.data)
        pseudo_latest = ""
        if not versions:
            latest = await self.fetcher.get(Key(path, Kind.LATEST), fresh=fresh)
            if isinstance(latest, Found):
                pseudo_latest = parse_info(latest.data).version
        has_gomod: dict[str, bool] = {}
        compatible = [v for v in versions if not v.endswith("+incompatible")]
        if compatible and len(compatible) < len(versions):
            newest = await self.gomod(path, compatible[-1])
            has_gomod[compatible[-1]] = not isinstance(newest, ModFacts) or newest.has_gomod
        latest_version = latest_ignoring_retractions(versions, has_gomod) or pseudo_latest
        retractions: tuple[Retraction, ...] = ()
        deprecated = ""
        if latest_version:
            facts = await self.gomod(path, latest_version)
            if isinstance(facts, ModFacts):
                retractions, deprecated = facts.retractions, facts.deprecated
        return Catalog(
            path=path,
            versions=tuple(versions),
            latest=latest_version,
            retractions=retractions,
            deprecated=deprecated,
            compatible_has_gomod=has_gomod.get(compatible[-1], True) if compatible else True,
            pseudo_latest=pseudo_latest,
        )

    async def gomod(self, path: str, version: str) -> ModFacts | Unknown | NotFound:
        key = (path, version)
        known = self._mods.get(key)
        if known is not None and not isinstance(known, Unknown):
            return known
        disk = self.fetcher.disk
        stored = disk.get_derived(path, version) if disk is not None else None
        parsed = ModFacts.from_json(stored) if stored is not None else None
        if parsed is not None:
            self._mods[key] = parsed
            return parsed
        answer = await self.fetcher.get(Key(path, Kind.MOD, version))
        result: ModFacts | Unknown | NotFound
        if isinstance(answer, Found):
            result = ModFacts.parse(path, answer.data)
            if disk is not None:
                disk.put_derived(path, version, result.to_json())
        elif isinstance(answer, Missing):
            result = NotFound(answer.message)
        else:
            result = Unknown(answer.message)
        self._mods[key] = result  # an Unknown is asked again next time
        return result

    async def info(self, path: str, version: str) -> Info | None:
        key = (path, version)
        if key in self._infos:
            return self._infos[key]
        answer = await self.fetcher.get(Key(path, Kind.INFO, version))
        info = parse_info(answer.data) if isinstance(answer, Found) else None
        if not isinstance(answer, Failed):
            self._infos[key] = info  # a failure is asked again next time
        return info

    async def newer_major(self, path: str, *, fresh: bool = False) -> Catalog | None:
        """The highest-major module `path/vN` (or `gopkg.in/x.vN`) above this one that has a
        release, probing a few majors at a time up to a bound."""
        if path in self._majors and not fresh and path not in self._unsure_majors:
            return self._majors[path]
        found: Catalog | None = None
        unsure = False  # a probe got no answer
        current = current_major(path)
        if current is not None:
            next_major = current + 1
            while next_major <= current + MAJOR_PROBE_LIMIT:
                batch = range(
                    next_major, min(next_major + MAJOR_PROBE_BATCH, current + MAJOR_PROBE_LIMIT + 1)
                )
                paths = [p for n in batch if (p := with_major(path, n)) and check_path(p) is None]
                if not paths:
                    break
                catalogs = await asyncio.gather(*(self.catalog(p, fresh=fresh) for p in paths))
                released = [c for c in catalogs if isinstance(c, Catalog) and c.candidates()[0]]
                if released:
                    found = released[-1]
                unsure = unsure or any(isinstance(c, Unknown) for c in catalogs)
                if not isinstance(catalogs[-1], Catalog):
                    break
                next_major = batch[-1] + 1
        self._majors[path] = found
        if unsure:
            self._unsure_majors.add(path)  # kept for known_requirement, asked again next time
        else:
            self._unsure_majors.discard(path)
        return found


def _consulted(catalog: Catalog) -> list[str]:
    """The versions whose go.mod `_build_catalog` reads: the newest compatible one (when there
    are +incompatible ones) and `latest`."""
    compatible = [v for v in catalog.versions if not v.endswith("+incompatible")]
    consulted = [catalog.latest] if catalog.latest else []
    if compatible and len(compatible) < len(catalog.versions):
        consulted.append(compatible[-1])
    return consulted


def parse_list(data: bytes) -> list[str]:
    """cmd/go's reading of @v/list: the first field of each line, valid semantic versions
    only, pseudo-versions dropped, sorted."""
    versions = set()
    for line in data.decode("utf-8", "replace").splitlines():
        fields = line.split()
        if fields and semver.is_valid(fields[0]) and not is_pseudo_version(fields[0]):
            versions.add(fields[0])
    return semver.sort_versions(versions)


def parse_info(data: bytes) -> Info:
    """An .info or @latest body that `answers.malformed` accepted."""
    value = json.loads(data)
    when: datetime | None = None
    raw_time = value.get("Time")
    if isinstance(raw_time, str):
        when = parse_time(raw_time)
    return Info(str(value["Version"]), when)


# RFC 3339 as Go writes it: fractional seconds with trailing zeros trimmed (any count of digits,
# which datetime.fromisoformat only accepts from Python 3.11 on).
_TIME_RE = re.compile(r"(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})\Z")


def parse_time(text: str) -> datetime | None:
    match = _TIME_RE.match(text.strip())
    if match is None:
        return None
    seconds, fraction, zone = match.groups()
    micro = (fraction or ".0")[1:7].ljust(6, "0")
    try:
        return datetime.fromisoformat(f"{seconds}.{micro}{'+00:00' if zone == 'Z' else zone}")
    except ValueError:
        return None
