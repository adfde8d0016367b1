"""One interface to every version source: `Fetcher.get(Key) -> Answer`.

Layers, in order: memory (with in-flight requests shared), the module cache (for a version's
immutable .info/.mod), the on-disk cache, then the GOPROXY list walked as the go command walks
it (cmd/go's TryProxies): an entry followed by "," hands over to the next one only when it
answered "not found", one followed by "|" on any error; "off" ends the walk. modlsp does not
fetch from version control, so "direct" (and every module GONOPROXY routes there) has no
opinion: a proxy's "not found" stays the answer, and without one the module is unavailable,
said once.

A proxy that fails (timeout, refused, 5xx, garbage) is marked down with an exponential backoff:
meanwhile its requests fail at once, the caller gets the last answer it had (however old), and
the user hears about the outage once, not once per module. When the backoff is over, one
request tries again; it succeeding ends the outage, it failing doubles the backoff.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from modlsp.core.sources.answers import Answer, Failed, Found, Key, Missing
from modlsp.core.sources.config import DIRECT, OFF, ProxyEntry, SourceConfig, file_url_path
from modlsp.core.sources.directory import DirectorySource
from modlsp.core.sources.diskcache import Cached, DiskCache
from modlsp.core.sources.http import HttpClient, HttpSource
from modlsp.core.sources.netrc import Credentials, credentials_for

log = logging.getLogger(__name__)

# Lists, @latest and "not found" answers are trusted this long (seconds) before asking again.
DEFAULT_TTL = 3600.0
FIRST_BACKOFF, MAX_BACKOFF = 5.0, 300.0

DIRECT_NOTICE = (
    'modlsp does not fetch modules from version control (GOPROXY "direct"); modules that '
    "no proxy serves{private} get version facts from the module cache only"
)
OFF_NOTICE = "GOPROXY=off: modlsp looks up versions in the module cache only"
OFFLINE_NOTICE = (
    'modlsp is offline (setting "offline"): only the module cache and file:// proxies are used'
)


@dataclass(slots=True)
class _Down:
    until: float
    backoff: float
    message: str
    probing: bool = False  # one request is trying whether the source is back


class Fetcher:
    def __init__(
        self,
        config: SourceConfig,
        *,
        disk: DiskCache | None = None,
        client: HttpClient | None = None,
        credentials: Mapping[str, Credentials] | None = None,
        report: Callable[[str], None] | None = None,
        ttl: float = DEFAULT_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self._disk = disk
        self._client = client or HttpClient()
        self._credentials = credentials or {}
        self._report = report or log.warning
        self._ttl = ttl
        self._clock = clock
        self._memory: dict[Key, tuple[Answer, float]] = {}
        self._inflight: dict[Key, asyncio.Task[Answer]] = {}
        self._inflight_since: dict[Key, float] = {}  # time.monotonic(), oldest first
        self._loop: asyncio.AbstractEventLoop | None = None
        self._down: dict[str, _Down] = {}
        self._said: set[str] = set()
        self._sources: dict[str, HttpSource | DirectorySource] = {}
        self._modcache = (
            DirectorySource(
                config.modcache / "cache" / "download", "the module cache", module_cache=True
            )
            if config.modcache is not None
            else None
        )
        self._scope_rows: dict[Key, Cached] | None = None  # loaded on first use
        self._scope_complete = True
        self.requests = 0  # network and file:// requests made, for benchmarks and tests

    @property
    def disk(self) -> DiskCache | None:
        return self._disk

    @property
    def scope(self) -> str:
        """What cached lists depend on: the proxy list."""
        return self.config.goproxy

    async def get(self, key: Key, *, fresh: bool = False) -> Answer:
        """The answer for `key`; `fresh` skips the TTL of cached lists (a user asked)."""
        remembered = self._memory.get(key)
        if remembered is not None and not fresh and self._usable(key, *remembered):
            return remembered[0]
        local = self._local(key, fresh)
        if local is not None:
            return local  # no task, no await: a warm start is a loop over the disk cache
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._inflight.clear()
            self._inflight_since.clear()
            self._loop = loop
        pending = self._inflight.get(key)
        if pending is None:
            # A task of its own, shared by every caller: one that is cancelled (a request the
            # editor gave up) leaves it running for the others and for the caches.
            pending = loop.create_task(self._resolve(key, fresh))
            self._inflight[key] = pending
            self._inflight_since[key] = time.monotonic()
            pending.add_done_callback(lambda task: self._settled(key, task))
        return await asyncio.shield(pending)

    def waiting(self) -> float:
        """Seconds the oldest request still in flight has been waiting; 0 when none is. A
        request waiting longer than a caller's budget means that the sources are slow,
        hanging or busy with a long queue: a new request would not be answered in time."""
        oldest = next(iter(self._inflight_since.values()), None)
        return 0.0 if oldest is None else time.monotonic() - oldest

    def _settled(self, key: Key, task: asyncio.Task[Answer]) -> None:
        if self._inflight.get(key) is task:
            del self._inflight[key]
            self._inflight_since.pop(key, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("looking up %s failed", key, exc_info=task.exception())

    def _usable(self, key: Key, answer: Answer, fetched: float) -> bool:
        if isinstance(answer, Failed):
            return False
        if key.kind.immutable and isinstance(answer, Found):
            return True
        return time.time() - fetched < self._ttl

    def _remember(self, key: Key, answer: Answer, fetched: float | None = None) -> Answer:
        self._memory[key] = (answer, time.time() if fetched is None else fetched)
        return answer

    def _local(self, key: Key, fresh: bool) -> Answer | None:
        """The answer the module cache or the disk cache holds and may be trusted now."""
        if key.kind.immutable and self._modcache is not None:
            local = self._modcache.read(key)
            if isinstance(local, Found):
                return self._remember(key, local)
        if fresh or self._disk is None:
            return None
        cached = self._cached(key)
        if cached is not None and self._usable(key, *cached):
            return self._remember(key, cached.answer, cached.fetched)
        return None

    def _cached(self, key: Key) -> Cached | None:
        """The disk cache's answer; this proxy list's mutable answers are read in one go."""
        if self._disk is None:
            return None
        if key.kind.immutable:
            return self._disk.get(key, self.scope)
        if self._scope_rows is None:
            loaded = self._disk.load_scope(self.scope)
            self._scope_rows = loaded if loaded is not None else {}
            self._scope_complete = loaded is not None
        found = self._scope_rows.get(key)
        if found is None and not self._scope_complete:
            return self._disk.get(key, self.scope)
        return found

    async def _resolve(self, key: Key, fresh: bool) -> Answer:
        cached = self._cached(key)
        answer = await self._walk(key)
        if isinstance(answer, (Found, Missing)):
            if self._disk is not None:
                self._disk.put(key, self.scope, answer)
                if self._scope_rows is not None and not key.kind.immutable:
                    self._scope_rows[key] = Cached(answer, time.time())
            return self._remember(key, answer)
        # No answer now: the last one we had, however old, beats none.
        remembered = self._memory.get(key)
        if remembered is not None and not isinstance(remembered[0], Failed):
            return remembered[0]
        if cached is not None:
            return self._remember(key, cached.answer, cached.fetched)
        if not key.kind.immutable and self._modcache is not None:
            local = self._modcache.read(key)
            if isinstance(local, Found):
                return local  # not remembered: the proxy's list is wanted next time
        return answer

    async def _walk(self, key: Key) -> Answer:
        best: Answer | None = None
        for entry in self.config.entries_for(key.path):
            answer = await self._ask(entry, key)
            if isinstance(answer, Found):
                return answer
            if isinstance(answer, Missing):
                if best is None or (isinstance(best, Failed) and not best.outage):
                    best = answer
            elif answer.outage or best is None:
                best = answer
            if entry.url in (OFF, DIRECT):
                break
            if isinstance(answer, Failed) and answer.outage and not entry.any_error_falls_through:
                break
        return best if best is not None else Failed("no GOPROXY entries", outage=False)

    async def _ask(self, entry: ProxyEntry, key: Key) -> Answer:
        if entry.url == OFF:
            self._say_once(OFF_NOTICE, to_user=False)  # the user chose it
            return Failed("module lookup disabled by GOPROXY=off", outage=False)
        if entry.url == DIRECT:
            private = " (GONOPROXY/GOPRIVATE)" if self.config.noproxy else ""
            self._say_once(DIRECT_NOTICE.format(private=private))
            return Failed(f"{key.path}: no proxy serves this module", outage=False)
        if self.config.offline and entry.is_network:
            self._say_once(OFFLINE_NOTICE, to_user=False)
            return Failed("offline", outage=False)
        source = self._source(entry.url)
        down = self._down.get(entry.url)
        if down is not None:
            if down.probing or self._clock() < down.until:
                return Failed(f"{key}: not asked, {source.label} is not answering ({down.message})")
            down.probing = True  # the backoff is over: this request tries, others still fail
        self.requests += 1
        try:
            answer = await source.get(key)
        finally:
            if down is not None:
                down.probing = False
        if isinstance(answer, Failed) and answer.outage and entry.is_network:
            self._mark_down(entry.url, source.label, answer.message)
        elif entry.url in self._down:
            log.info("%s answers again", source.label)
            del self._down[entry.url]
        return answer

    def _source(self, url: str) -> HttpSource | DirectorySource:
        source = self._sources.get(url)
        if source is None:
            if url.startswith("file:"):
                source = DirectorySource(file_url_path(url), url)
            else:
                credentials = credentials_for(self._credentials, url)
                source = HttpSource(url, self._client, credentials)
            self._sources[url] = source
        return source

    def _mark_down(self, url: str, label: str, message: str) -> None:
        previous = self._down.get(url)
        if previous is not None and self._clock() < previous.until:
            # Another request of the same outage, sent before it was known: the backoff
            # grows once per failed try, not once per request that was in flight.
            return
        backoff = FIRST_BACKOFF if previous is None else min(previous.backoff * 2, MAX_BACKOFF)
        self._down[url] = _Down(self._clock() + backoff, backoff, message)
        if previous is None:
            self._report(
                f"The module proxy {label} is not answering ({message}); version facts "
                f"come from caches until it is back (next try in {backoff:g} s)."
            )

    def _say_once(self, message: str, *, to_user: bool = True) -> None:
        if message not in self._said:
            self._said.add(message)
            if to_user:
                self._report(message)
            else:
                log.info("%s", message)

    async def close(self) -> None:
        await self._client.close()
