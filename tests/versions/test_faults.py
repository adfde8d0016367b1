"""Faults of a module proxy as modlsp's Fetcher meets them: each one is a `Failed` answer with
a clear message, never an exception, quickly and within the size caps; an outage is said
once, then requests fail at once without reaching the proxy until the backoff is over (the
Fetcher's clock is moved by hand: no sleeps)."""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from pathlib import Path

import pytest

from modlsp.core.sources.answers import SIZE_CAPS, Failed, Key, Kind, Missing
from modlsp.core.sources.fetcher import FIRST_BACKOFF
from modlsp.core.sources.http import Limits

from .fetching import Clock, Fetchers, listing
from .fixture import ALPHA, DELTA, GAMMA
from .proxyserver import HUGE_SIZE, Fault, ProxyServer, refused_url

ALPHA_LIST = Key(ALPHA, Kind.LIST)
ALPHA_INFO = Key(ALPHA, Kind.INFO, "v1.2.1")
ALPHA_MOD = Key(ALPHA, Kind.MOD, "v1.2.1")
DELTA_LATEST = Key(DELTA, Kind.LATEST)

# name: (fault, None for a refused connection; key asked; the message after "URL: ")
FAULTS: dict[str, tuple[Fault | None, Key, str]] = {
    "hang": (Fault("hang"), ALPHA_LIST, f"{ALPHA}/@v/list: no answer within 0.3 s"),
    "500": (
        Fault("status", status=500),
        ALPHA_LIST,
        f"{ALPHA}/@v/list: HTTP 500 injected fault: 500",
    ),
    "502-empty": (
        Fault("status", status=502, body=b""),
        ALPHA_MOD,
        f"{ALPHA}@v1.2.1 (.mod): HTTP 502",
    ),
    "malformed-info": (
        Fault("malformed"),
        ALPHA_INFO,
        f"invalid JSON in the info response for {ALPHA}@v1.2.1 (.info)",
    ),
    "malformed-latest": (
        Fault("malformed"),
        DELTA_LATEST,
        f"invalid JSON in the latest response for {DELTA}@latest",
    ),
    "info-without-version": (
        Fault("malformed", body=b'{"Time": "2024-01-02T03:04:05Z"}'),
        ALPHA_INFO,
        f"no Version in the info response for {ALPHA}@v1.2.1 (.info)",
    ),
    "truncated": (
        Fault("truncated"),
        ALPHA_INFO,
        f"{ALPHA}@v1.2.1 (.info): the response was cut short",
    ),
    "huge-declared": (
        Fault("huge"),
        ALPHA_LIST,
        f"{ALPHA}/@v/list: response larger than the cap of {SIZE_CAPS[Kind.LIST]} bytes"
        f" ({HUGE_SIZE} bytes announced)",
    ),
    "huge-chunked": (
        Fault("huge", declare_length=False),
        ALPHA_LIST,
        f"{ALPHA}/@v/list: response larger than the cap of {SIZE_CAPS[Kind.LIST]} bytes",
    ),
    "huge-mod-chunked": (
        Fault("huge", declare_length=False),
        ALPHA_MOD,
        f"{ALPHA}@v1.2.1 (.mod): response larger than the cap of {SIZE_CAPS[Kind.MOD]} bytes",
    ),
    "drop": (Fault("drop"), ALPHA_LIST, f"{ALPHA}/@v/list: the server closed the connection"),
    "refused": (None, ALPHA_LIST, f"{ALPHA}/@v/list: cannot connect (Connect call failed"),
}


@pytest.mark.parametrize("name", list(FAULTS))
async def test_a_fault_is_a_clear_failure(
    fixture_root: Path, fetchers: Fetchers, name: str
) -> None:
    fault, key, expected = FAULTS[name]
    limits = Limits(timeout=0.3) if name == "hang" else Limits(timeout=10.0)
    with ProxyServer(fixture_root, faults=[fault] if fault else []) as server:
        url = server.url if fault else refused_url()
        fetcher = fetchers.new(url, limits=limits)
        tracing = tracemalloc.is_tracing()
        tracemalloc.start()
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        started = time.monotonic()
        try:
            answer = await fetcher.get(key)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            if not tracing:
                tracemalloc.stop()
        assert time.monotonic() - started < 5.0
        assert peak - before < 3 * SIZE_CAPS[key.kind] + (8 << 20)  # never the whole 64 MiB
        assert isinstance(answer, Failed) and answer.outage, answer
        assert answer.message.startswith(f"{url}: {expected}"), answer.message
        if fault is not None:
            assert server.paths()[0] == "/" + key.relative_url()
    assert len(fetchers.messages) == 1
    assert fetchers.messages[0].startswith(f"The module proxy {url} is not answering (")


async def test_an_outage_fails_fast_and_is_said_once(
    fixture_root: Path, fetchers: Fetchers
) -> None:
    clock = Clock()
    with ProxyServer(fixture_root, faults=[Fault("status", status=503)]) as server:
        fetcher = fetchers.new(server.url, clock=clock)
        first = await fetcher.get(ALPHA_LIST)
        assert isinstance(first, Failed) and "HTTP 503" in first.message
        assert len(server.requests) == 1

        keys = [Key(f"example.com/m{i}", Kind.LIST) for i in range(50)]
        answers = await asyncio.gather(*(fetcher.get(k) for k in keys))
        for key, answer in zip(keys, answers, strict=True):
            assert isinstance(answer, Failed) and answer.outage
            assert answer.message.startswith(f"{key}: not asked, {server.url} is not answering")
        assert len(server.requests) == 1  # none of the 50 reached the proxy
        assert len(fetchers.messages) == 1
        assert f"next try in {FIRST_BACKOFF:g} s" in fetchers.messages[0]

        # Back: once the backoff is over, requests go through again.
        server.clear_faults()
        clock.advance(FIRST_BACKOFF)
        assert await fetcher.get(ALPHA_LIST) == listing(fixture_root, ALPHA)
        answers = await asyncio.gather(*(fetcher.get(k) for k in keys[:5]))
        assert all(isinstance(a, Missing) for a in answers)
        assert len(server.requests) == 7
        assert len(fetchers.messages) == 1

        # A later outage is a new one: said again.
        server.add_fault(Fault("status", status=500))
        assert isinstance(await fetcher.get(Key(GAMMA, Kind.LIST)), Failed)
        assert len(fetchers.messages) == 2
        assert "HTTP 500" in fetchers.messages[1]


async def test_concurrent_failures_are_one_outage(fixture_root: Path, fetchers: Fetchers) -> None:
    clock = Clock()
    with ProxyServer(fixture_root, faults=[Fault("status", status=500)]) as server:
        fetcher = fetchers.new(server.url, clock=clock)
        keys = [Key(f"example.com/m{i}", Kind.LIST) for i in range(50)]
        answers = await asyncio.gather(*(fetcher.get(k) for k in keys))
        assert all(isinstance(a, Failed) and a.outage for a in answers)
        assert 1 <= len(server.requests) <= 50
        assert len(fetchers.messages) == 1
        # The requests in flight together were one failed try: the backoff did not grow
        # once per request.
        server.clear_faults()
        clock.advance(FIRST_BACKOFF)
        assert await fetcher.get(ALPHA_LIST) == listing(fixture_root, ALPHA)


async def test_the_backoff_doubles_while_the_proxy_stays_down(
    fixture_root: Path, fetchers: Fetchers
) -> None:
    clock = Clock()
    with ProxyServer(fixture_root, faults=[Fault("status", status=500)]) as server:
        fetcher = fetchers.new(server.url, clock=clock)
        keys = [Key(f"example.com/m{i}", Kind.LIST) for i in range(10)]
        await fetcher.get(ALPHA_LIST)
        assert len(server.requests) == 1
        clock.advance(FIRST_BACKOFF)
        # One request tries whether the proxy is back; the others still fail at once.
        answers = await asyncio.gather(*(fetcher.get(k) for k in keys))
        assert all(isinstance(a, Failed) for a in answers)
        assert len(server.requests) == 2
        clock.advance(FIRST_BACKOFF)  # not enough: the backoff is now twice as long
        await fetcher.get(ALPHA_LIST)
        assert len(server.requests) == 2
        clock.advance(FIRST_BACKOFF)
        await fetcher.get(ALPHA_LIST)
        assert len(server.requests) == 3
        assert len(fetchers.messages) == 1  # still the same outage


async def test_a_hanging_proxy_times_out_and_others_are_not_held_up(
    fixture_root: Path, fetchers: Fetchers
) -> None:
    # "A|B": A hangs on the list only; the timeout hands over to B, and A's outage keeps
    # later requests from waiting for it again.
    clock = Clock()
    with (
        ProxyServer(fixture_root, faults=[Fault("hang", suffix="/@v/list")]) as a,
        ProxyServer(fixture_root) as b,
    ):
        fetcher = fetchers.new(f"{a.url}|{b.url}", limits=Limits(timeout=0.3), clock=clock)
        assert await fetcher.get(ALPHA_LIST) == listing(fixture_root, ALPHA)
        assert await fetcher.get(Key(GAMMA, Kind.LIST)) == listing(fixture_root, GAMMA)
        assert a.paths() == ["/example.com/alpha/@v/list"]
        assert b.paths() == ["/example.com/alpha/@v/list", "/example.com/gamma/@v/list"]
