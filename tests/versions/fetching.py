"""Helpers for the tests of modlsp's Fetcher against the test proxy: a SourceConfig from a
GOPROXY string (parsed by modlsp, as the go command parses it), a manual clock for the
backoff, and `Fetchers`, which builds fetchers that report into a list and closes them."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from pathlib import Path

from modlsp.core.sources.answers import Found
from modlsp.core.sources.config import SourceConfig, parse_goproxy
from modlsp.core.sources.diskcache import DiskCache
from modlsp.core.sources.fetcher import DEFAULT_TTL, Fetcher
from modlsp.core.sources.http import HttpClient, Limits
from modlsp.core.sources.netrc import Credentials

from .fixture import escaped_dir, proxy_file

QUICK = Limits(timeout=5.0, connect_timeout=5.0)


def source_config(goproxy: str, *, noproxy: str = "", modcache: Path | None = None) -> SourceConfig:
    proxies, complaints = parse_goproxy(goproxy)
    assert not complaints, complaints
    return SourceConfig(
        proxies=proxies, goproxy=goproxy, noproxy=noproxy, private=noproxy, modcache=modcache
    )


def listing(root: Path, path: str) -> Found:
    """The `@v/list` answer for `path` in the proxy directory `root`."""
    return Found((escaped_dir(root, path) / "list").read_bytes())


def file_answer(root: Path, path: str, version: str, ext: str) -> Found:
    return Found(proxy_file(root, path, version, ext).read_bytes())


class Clock:
    """A monotonic clock that moves only when told (the Fetcher's backoff clock)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Fetchers:
    """Makes fetchers whose reports land in `messages`; `close()` closes them all."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self._made: list[Fetcher] = []

    def new(
        self,
        goproxy: str,
        *,
        disk: DiskCache | None = None,
        limits: Limits = QUICK,
        tls: ssl.SSLContext | None = None,
        credentials: Mapping[str, Credentials] | None = None,
        noproxy: str = "",
        modcache: Path | None = None,
        ttl: float = DEFAULT_TTL,
        clock: Clock | None = None,
    ) -> Fetcher:
        fetcher = Fetcher(
            source_config(goproxy, noproxy=noproxy, modcache=modcache),
            disk=disk,
            client=HttpClient(limits, ssl=tls),
            credentials=credentials,
            report=self.messages.append,
            ttl=ttl,
            clock=clock or Clock(),
        )
        self._made.append(fetcher)
        return fetcher

    async def close(self) -> None:
        for fetcher in self._made:
            await fetcher.close()
