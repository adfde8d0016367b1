"""modlsp's Fetcher against the real test proxy (proxyserver.py): credentials over https only
and TLS verification always on; GOPROXY lists walked as cmd/go walks them; GONOPROXY routing
(a private module never reaches a proxy, the module cache still answers); the memory, disk and
in-flight layers. Faults and outages: test_faults.py; VersionFacts: test_facts_http.py."""

from __future__ import annotations

import asyncio
import logging
import shutil
from pathlib import Path

import pytest

from modlsp.core.sources.answers import Failed, Found, Key, Kind, Missing
from modlsp.core.sources.diskcache import DiskCache
from modlsp.core.sources.fetcher import DIRECT_NOTICE
from modlsp.core.sources.http import environment_proxy
from modlsp.core.sources.netrc import Credentials, credentials_for, load_credentials

from .fetching import Fetchers, file_answer, listing
from .fixture import ALPHA, GAMMA, PRIVATE_OTHER, PRIVATE_PATTERN, PRIVATE_SECRET, escaped_dir
from .proxyserver import Fault, ProxyServer, refused_url

USER, PASSWORD = "user", "s3cret-pw"
ALPHA_LIST = Key(ALPHA, Kind.LIST)
ALPHA_INFO = Key(ALPHA, Kind.INFO, "v1.2.1")
ALPHA_MOD = Key(ALPHA, Kind.MOD, "v1.2.1")
NOWHERE = Key("example.com/nonexistent", Kind.LIST)


def write_netrc(tmp_path: Path, machine: str = "127.0.0.1") -> Path:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine {machine} login {USER} password {PASSWORD}\n")
    return netrc


def authorized(server: ProxyServer) -> list[tuple[str, bool]]:
    return [(r.path, r.authorized) for r in server.requests]


# --- credentials and TLS ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "machine",
    ["127.0.0.1:{port}", "127.0.0.1:{port}/", "127.0.0.1"],
    ids=["host-port", "host-port-slash", "host"],
)
async def test_netrc_credentials_are_sent_over_https(
    fixture_root: Path, tmp_path: Path, fetchers: Fetchers, machine: str
) -> None:
    with ProxyServer(fixture_root, credentials=(USER, PASSWORD), tls=True) as server:
        assert server.url.startswith("https://127.0.0.1:")
        netrc = write_netrc(tmp_path, machine.format(port=server.port))
        credentials = load_credentials({"NETRC": str(netrc)}, "netrc")
        fetcher = fetchers.new(server.url, tls=server.client_ssl_context(), credentials=credentials)
        assert await fetcher.get(ALPHA_LIST) == listing(fixture_root, ALPHA)
        assert authorized(server) == [("/example.com/alpha/@v/list", True)]
    assert fetchers.messages == []


@pytest.mark.parametrize(
    ("machines", "url", "expected"),
    [
        # go 1.24+: a machine is a prefix of the URL without https://, at a "/".
        (["p.example:8443"], "https://p.example:8443", "p.example:8443"),
        (["p.example:8443/mod"], "https://p.example:8443/mod/", "p.example:8443/mod"),
        (["https://p.example/mod/"], "https://p.example/mod", "https://p.example/mod/"),
        (["p.example/a", "p.example/a/b"], "https://p.example/a/b/c", "p.example/a/b"),
        (["p.example/a/b"], "https://p.example/a", None),
        (["p.example/ab"], "https://p.example/abc", None),
        (["p.example:1"], "https://p.example:2", None),
        (["p.example:1"], "https://p.example", None),
        # older go commands and curl: the host name alone, whatever the port.
        (["p.example"], "https://p.example:8443/x", "p.example"),
        (["p.example"], "https://u:pw@p.example", "p.example"),
        (["P.example"], "https://P.example", "P.example"),
        (["other.example"], "https://p.example", None),
    ],
)
def test_which_netrc_machine_applies(machines: list[str], url: str, expected: str | None) -> None:
    found = {m: Credentials(m, "pw") for m in machines}
    chosen = credentials_for(found, url)
    assert (chosen.login if chosen else None) == expected


async def test_netrc_credentials_are_not_sent_over_http(
    fixture_root: Path, tmp_path: Path, fetchers: Fetchers, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = write_netrc(tmp_path)
    credentials = load_credentials({"NETRC": str(netrc)}, "netrc")
    # NETRC in the process environment too: aiohttp must not read it on its own either.
    monkeypatch.setenv("NETRC", str(netrc))
    with ProxyServer(fixture_root, credentials=(USER, PASSWORD)) as server:
        answer = await fetchers.new(server.url, credentials=credentials).get(ALPHA_LIST)
        assert isinstance(answer, Failed)
        assert "401" in answer.message and ".netrc" in answer.message
        assert "https only" in answer.message
        assert authorized(server) == [("/example.com/alpha/@v/list", False)]


async def test_goauth_off_sends_no_netrc_credentials(
    fixture_root: Path, tmp_path: Path, fetchers: Fetchers, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = write_netrc(tmp_path)
    monkeypatch.setenv("NETRC", str(netrc))
    assert load_credentials({"NETRC": str(netrc)}, "off") == {}
    with ProxyServer(fixture_root, credentials=(USER, PASSWORD), tls=True) as server:
        fetcher = fetchers.new(server.url, tls=server.client_ssl_context(), credentials={})
        answer = await fetcher.get(ALPHA_LIST)
        assert isinstance(answer, Failed) and "401" in answer.message
        assert authorized(server) == [("/example.com/alpha/@v/list", False)]


async def test_netrc_in_the_environment_and_ours_over_https_do_not_clash(
    fixture_root: Path, tmp_path: Path, fetchers: Fetchers, monkeypatch: pytest.MonkeyPatch
) -> None:
    # aiohttp with trust_env reads $NETRC itself and refuses it next to an Authorization header.
    monkeypatch.setenv("NETRC", str(write_netrc(tmp_path)))
    credentials = load_credentials({"NETRC": str(tmp_path / "netrc")}, "netrc")
    with ProxyServer(fixture_root, credentials=(USER, PASSWORD), tls=True) as server:
        fetcher = fetchers.new(server.url, tls=server.client_ssl_context(), credentials=credentials)
        assert await fetcher.get(ALPHA_LIST) == listing(fixture_root, ALPHA)
        assert authorized(server) == [("/example.com/alpha/@v/list", True)]


async def test_credentials_in_the_url_go_over_https_only(
    fixture_root: Path, fetchers: Fetchers, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="modlsp.core.sources.http")
    with ProxyServer(fixture_root, credentials=(USER, PASSWORD), tls=True) as server:
        fetcher = fetchers.new(
            server.url_with_credentials(USER, PASSWORD), tls=server.client_ssl_context()
        )
        assert await fetcher.get(ALPHA_LIST) == listing(fixture_root, ALPHA)
        assert authorized(server) == [("/example.com/alpha/@v/list", True)]
    assert caplog.records == []

    with ProxyServer(fixture_root, credentials=(USER, PASSWORD)) as server:
        fetcher = fetchers.new(server.url_with_credentials(USER, PASSWORD))
        first, second = await fetcher.get(ALPHA_LIST), await fetcher.get(ALPHA_MOD)
        assert isinstance(first, Failed) and isinstance(second, Failed)
        assert "401" in first.message and ".netrc" in first.message
        assert PASSWORD not in first.message + second.message
        assert authorized(server) == [("/example.com/alpha/@v/list", False)]  # then down
    warnings = [r.getMessage() for r in caplog.records]
    assert warnings == [f"credentials for {server.url} are not sent over plain http"]
    assert PASSWORD not in "".join(fetchers.messages)


async def test_an_untrusted_certificate_is_a_clear_failure(
    fixture_root: Path, fetchers: Fetchers
) -> None:
    with (
        ProxyServer(fixture_root, tls=True) as server,
        ProxyServer(fixture_root, tls=True) as other,
    ):
        for tls in (None, other.client_ssl_context()):  # the system's CAs; another test CA
            answer = await fetchers.new(server.url, tls=tls).get(ALPHA_LIST)
            assert isinstance(answer, Failed) and answer.outage, answer
            assert answer.message.startswith(f"{server.url}: {ALPHA}/@v/list: ")
            assert "TLS certificate of 127.0.0.1 is not trusted" in answer.message
            assert "(unable to get local issuer certificate)" in answer.message
        assert server.requests == []  # no request went out unverified
    assert len(fetchers.messages) == 2  # one outage report per fetcher


async def test_default_verification_honours_ssl_cert_file(
    fixture_root: Path, fetchers: Fetchers, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ProxyServer(fixture_root, tls=True) as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_pem))
        assert await fetchers.new(server.url).get(ALPHA_LIST) == listing(fixture_root, ALPHA)


# --- GOPROXY lists -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
async def test_comma_falls_through_on_not_found(
    fixture_root: Path, fetchers: Fetchers, status: int
) -> None:
    with (
        ProxyServer(fixture_root, faults=[Fault("status", status=status)]) as a,
        ProxyServer(fixture_root) as b,
    ):
        fetcher = fetchers.new(f"{a.url},{b.url}")
        assert await fetcher.get(ALPHA_LIST) == listing(fixture_root, ALPHA)
        assert a.paths() == b.paths() == ["/example.com/alpha/@v/list"]
    assert fetchers.messages == []


async def test_comma_stops_at_an_error(fixture_root: Path, fetchers: Fetchers) -> None:
    with (
        ProxyServer(fixture_root, faults=[Fault("status", status=500)]) as a,
        ProxyServer(fixture_root) as b,
    ):
        answer = await fetchers.new(f"{a.url},{b.url}").get(ALPHA_LIST)
        assert isinstance(answer, Failed) and answer.outage
        assert answer.message == f"{a.url}: {ALPHA}/@v/list: HTTP 500 injected fault: 500"
        assert a.paths() == ["/example.com/alpha/@v/list"]
        assert b.requests == []


@pytest.mark.parametrize(
    "fault",
    [
        Fault("status", status=500),
        Fault("status", status=503),
        Fault("malformed"),
        Fault("truncated"),
        Fault("drop"),
        None,  # connection refused
    ],
    ids=["500", "503", "malformed", "truncated", "drop", "refused"],
)
async def test_pipe_falls_through_on_any_error(
    fixture_root: Path, fetchers: Fetchers, fault: Fault | None
) -> None:
    with (
        ProxyServer(fixture_root, faults=[fault] if fault else []) as a,
        ProxyServer(fixture_root) as b,
    ):
        first = a.url if fault else refused_url()
        fetcher = fetchers.new(f"{first}|{b.url}")
        assert await fetcher.get(ALPHA_INFO) == file_answer(fixture_root, ALPHA, "v1.2.1", "info")
        # (aiohttp tries a GET twice when the connection is closed before an answer)
        assert set(a.paths()) == ({f"/{ALPHA}/@v/v1.2.1.info"} if fault else set())
        assert b.paths() == [f"/{ALPHA}/@v/v1.2.1.info"]
    assert len(fetchers.messages) == 1  # the first proxy is down, said once
    assert fetchers.messages[0].startswith(f"The module proxy {first} is not answering")


async def test_pipe_then_comma(fixture_root: Path, fetchers: Fetchers) -> None:
    # "A|B,C": A's error falls through to B, B's 500 stops before C.
    with (
        ProxyServer(fixture_root, faults=[Fault("status", status=500)]) as a,
        ProxyServer(fixture_root, faults=[Fault("status", status=500)]) as b,
        ProxyServer(fixture_root) as c,
    ):
        answer = await fetchers.new(f"{a.url}|{b.url},{c.url}").get(ALPHA_LIST)
        assert isinstance(answer, Failed) and answer.message.startswith(b.url)
        assert (len(a.requests), len(b.requests), c.requests) == (1, 1, [])


async def test_off_asks_nothing(proxy: ProxyServer, fetchers: Fetchers) -> None:
    for goproxy in ("off", f"off,{proxy.url}"):  # the go command ignores what follows "off"
        answer = await fetchers.new(goproxy).get(ALPHA_LIST)
        assert answer == Failed("module lookup disabled by GOPROXY=off", outage=False)
    assert proxy.requests == []
    assert fetchers.messages == []  # the user chose it


async def test_direct_after_not_found_keeps_the_proxys_answer(
    proxy: ProxyServer, fixture_root: Path, fetchers: Fetchers
) -> None:
    fetcher = fetchers.new(f"{proxy.url},direct")
    assert await fetcher.get(NOWHERE) == Missing("not found: example.com/nonexistent@list")
    assert await fetcher.get(ALPHA_LIST) == listing(fixture_root, ALPHA)
    notice = DIRECT_NOTICE.format(private="")
    assert fetchers.messages == [notice]  # once, when "direct" was first reached
    # "direct" alone: modlsp does not fetch from version control; not an outage.
    alone = await fetchers.new("direct").get(ALPHA_LIST)
    assert isinstance(alone, Failed) and not alone.outage
    assert fetchers.messages == [notice, notice]
    assert proxy.paths() == ["/example.com/nonexistent/@v/list", "/example.com/alpha/@v/list"]


async def test_file_proxy(fixture_root: Path, tmp_path: Path, fetchers: Fetchers) -> None:
    fetcher = fetchers.new(fixture_root.as_uri())
    assert await fetcher.get(ALPHA_LIST) == listing(fixture_root, ALPHA)
    assert await fetcher.get(ALPHA_MOD) == file_answer(fixture_root, ALPHA, "v1.2.1", "mod")
    assert isinstance(await fetcher.get(NOWHERE), Missing)
    assert isinstance(await fetcher.get(Key(ALPHA, Kind.MOD, "v9.9.9")), Missing)
    # A missing file:// directory falls through to the next entry like a 404.
    with ProxyServer(fixture_root) as server:
        both = fetchers.new(f"{(tmp_path / 'empty').as_uri()},{server.url}")
        assert await both.get(ALPHA_LIST) == listing(fixture_root, ALPHA)
        assert server.paths() == ["/example.com/alpha/@v/list"]
    # A malformed .info in a file:// proxy is refused like a proxy's, not handed on.
    broken = tmp_path / "broken"
    shutil.copytree(fixture_root / "example.com" / "alpha", broken / "example.com" / "alpha")
    (broken / "example.com/alpha/@v/v1.2.1.info").write_text('{"Version": ')
    answer = await fetchers.new(broken.as_uri()).get(ALPHA_INFO)
    assert isinstance(answer, Failed) and "invalid JSON" in answer.message


# --- GONOPROXY / GOPRIVATE -----------------------------------------------------------------


def module_cache(fixture_root: Path, tmp_path: Path, *paths: str) -> Path:
    """A module cache holding `paths` as the go command lays them out (cache/download)."""
    modcache = tmp_path / "modcache"
    for path in paths:
        source = escaped_dir(fixture_root, path)
        target = escaped_dir(modcache / "cache" / "download", path)
        shutil.copytree(source, target)
        (target / "list").unlink()  # the module cache lists what it holds
    return modcache


async def test_private_modules_never_reach_the_proxy(
    proxy: ProxyServer, fixture_root: Path, tmp_path: Path, fetchers: Fetchers
) -> None:
    modcache = module_cache(fixture_root, tmp_path, PRIVATE_SECRET)
    fetcher = fetchers.new(proxy.url, noproxy=PRIVATE_PATTERN, modcache=modcache)
    keys = [
        Key(PRIVATE_SECRET, Kind.LIST),
        Key(PRIVATE_SECRET, Kind.LATEST),
        Key(PRIVATE_SECRET, Kind.INFO, "v1.1.0"),
        Key(PRIVATE_SECRET, Kind.MOD, "v1.1.0"),
        Key(PRIVATE_OTHER, Kind.LIST),
        Key(PRIVATE_OTHER, Kind.MOD, "v0.1.0"),
    ]
    listed, latest, info, mod, other_list, other_mod = [await fetcher.get(k) for k in keys]
    assert proxy.requests == []
    # The module cache answers for what it holds ...
    assert listed == Found(b"v1.0.0\nv1.1.0\n")
    assert info == file_answer(fixture_root, PRIVATE_SECRET, "v1.1.0", "info")
    assert mod == file_answer(fixture_root, PRIVATE_SECRET, "v1.1.0", "mod")
    # ... and nothing else says anything: no proxy serves private modules, not an outage.
    assert latest == Failed(f"{PRIVATE_SECRET}: no proxy serves this module", outage=False)
    assert other_list == other_mod == Failed(f"{PRIVATE_OTHER}: no proxy serves this module", False)
    assert fetchers.messages == [DIRECT_NOTICE.format(private=" (GONOPROXY/GOPRIVATE)")]
    # Public modules still come from the proxy.
    assert await fetcher.get(ALPHA_LIST) == listing(fixture_root, ALPHA)
    assert proxy.paths() == ["/example.com/alpha/@v/list"]


async def test_the_module_cache_answers_before_the_proxy(
    proxy: ProxyServer, fixture_root: Path, tmp_path: Path, fetchers: Fetchers
) -> None:
    modcache = module_cache(fixture_root, tmp_path, ALPHA)
    fetcher = fetchers.new(proxy.url, modcache=modcache)
    assert await fetcher.get(ALPHA_MOD) == file_answer(fixture_root, ALPHA, "v1.2.1", "mod")
    assert proxy.requests == []  # a version's go.mod never changes: the cache's copy is it
    assert await fetcher.get(ALPHA_LIST) == listing(fixture_root, ALPHA)
    assert proxy.paths() == ["/example.com/alpha/@v/list"]  # lists do change


# --- cache layers ----------------------------------------------------------------------------


async def test_a_second_fetcher_answers_from_the_disk_cache(
    proxy: ProxyServer, fixture_root: Path, tmp_path: Path, fetchers: Fetchers
) -> None:
    db = tmp_path / "c.sqlite3"
    keys = [ALPHA_LIST, ALPHA_INFO, ALPHA_MOD, NOWHERE]
    first = fetchers.new(proxy.url, disk=DiskCache(db))
    answers = [await first.get(k) for k in keys]
    assert len(proxy.requests) == 4
    proxy.clear()

    second = fetchers.new(proxy.url, disk=DiskCache(db))
    assert [await second.get(k) for k in keys] == answers
    assert proxy.requests == []  # .info/.mod forever, the list and "not found" within the TTL

    # ttl=0: the list and the "not found" are asked again; .info and .mod never are.
    third = fetchers.new(proxy.url, disk=DiskCache(db), ttl=0)
    assert [await third.get(k) for k in keys] == answers
    assert sorted(proxy.paths()) == [
        "/example.com/alpha/@v/list",
        "/example.com/nonexistent/@v/list",
    ]


async def test_fresh_asks_again(proxy: ProxyServer, tmp_path: Path, fetchers: Fetchers) -> None:
    fetcher = fetchers.new(proxy.url, disk=DiskCache(tmp_path / "c.sqlite3"))
    await fetcher.get(ALPHA_LIST)
    await fetcher.get(ALPHA_LIST)
    assert len(proxy.requests) == 1
    await fetcher.get(ALPHA_LIST, fresh=True)
    assert len(proxy.requests) == 2


async def test_a_stale_list_beats_no_answer(
    proxy: ProxyServer, fixture_root: Path, tmp_path: Path, fetchers: Fetchers
) -> None:
    db = tmp_path / "c.sqlite3"
    fetcher = fetchers.new(proxy.url, disk=DiskCache(db), ttl=0)
    expected = listing(fixture_root, ALPHA)
    assert await fetcher.get(ALPHA_LIST) == expected
    proxy.add_fault(Fault("status", status=502))
    # From memory, and from the disk in another fetcher: old, but better than nothing.
    assert await fetcher.get(ALPHA_LIST, fresh=True) == expected
    other = fetchers.new(proxy.url, disk=DiskCache(db), ttl=0)
    assert await other.get(ALPHA_LIST) == expected
    assert len(proxy.requests) == 3
    assert len(fetchers.messages) == 2  # each fetcher saw the outage
    # Without an old answer the failure shows.
    assert isinstance(await other.get(Key(GAMMA, Kind.LIST)), Failed)


async def test_concurrent_identical_requests_share_one(
    proxy: ProxyServer, fixture_root: Path, fetchers: Fetchers
) -> None:
    fetcher = fetchers.new(proxy.url)
    answers = await asyncio.gather(*(fetcher.get(ALPHA_LIST) for _ in range(20)))
    assert answers == [listing(fixture_root, ALPHA)] * 20
    assert len(proxy.requests) == 1


async def test_a_cancelled_caller_does_not_cancel_the_others(
    fixture_root: Path, fetchers: Fetchers
) -> None:
    with ProxyServer(fixture_root, faults=[Fault("delay", delay=0.2)]) as server:
        fetcher = fetchers.new(server.url)
        first = asyncio.ensure_future(fetcher.get(ALPHA_LIST))
        second = asyncio.ensure_future(fetcher.get(ALPHA_LIST))
        assert await asyncio.to_thread(server.wait_for_requests, 1)
        first.cancel()
        assert await second == listing(fixture_root, ALPHA)
        assert first.cancelled()
        assert len(server.requests) == 1
        # The shared lookup still landed in memory: asking again sends nothing.
        assert await fetcher.get(ALPHA_LIST) == listing(fixture_root, ALPHA)
        assert len(server.requests) == 1


async def test_a_corrupt_disk_cache_is_left_aside(
    proxy: ProxyServer,
    fixture_root: Path,
    tmp_path: Path,
    fetchers: Fetchers,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="modlsp.core.sources.diskcache")
    db = tmp_path / "c.sqlite3"
    db.write_bytes(b"this is not a database\n" * 200)
    fetcher = fetchers.new(proxy.url, disk=DiskCache(db))
    assert await fetcher.get(ALPHA_LIST) == listing(fixture_root, ALPHA)
    assert [r.getMessage() for r in caplog.records] == [
        f"the proxy cache {db} is not usable (file is not a database); continuing without it"
    ]
    caplog.clear()
    # Broken while open (the database and its WAL files): off at the first error.
    db = tmp_path / "d.sqlite3"
    cache = DiskCache(db)
    fetcher = fetchers.new(proxy.url, disk=cache)
    assert await fetcher.get(ALPHA_MOD) == file_answer(fixture_root, ALPHA, "v1.2.1", "mod")
    for file in tmp_path.glob("d.sqlite3*"):
        file.write_bytes(b"garbage" * 1000)
    fetcher = fetchers.new(proxy.url, disk=cache)
    assert await fetcher.get(ALPHA_INFO) == file_answer(fixture_root, ALPHA, "v1.2.1", "info")
    assert await fetcher.get(ALPHA_MOD) == file_answer(fixture_root, ALPHA, "v1.2.1", "mod")
    assert [r.getMessage() for r in caplog.records] == [
        f"the proxy cache {db} failed (file is not a database); continuing without it"
    ]
    assert len(proxy.requests) == 4


# --- HTTP(S)_PROXY -----------------------------------------------------------------------------


def clear_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def test_environment_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxy_environment(monkeypatch)
    assert environment_proxy("https://proxy.example/x") is None
    monkeypatch.setenv("HTTPS_PROXY", "http://corp-proxy:3128")
    assert environment_proxy("https://proxy.example/x") == "http://corp-proxy:3128"
    assert environment_proxy("http://proxy.example/x") is None  # HTTP_PROXY is not set
    for local in ("https://127.0.0.1:8443", "https://localhost", "https://[::1]:8443"):
        assert environment_proxy(local) is None  # never for this machine, like cmd/go
    monkeypatch.setenv("NO_PROXY", "proxy.example")
    assert environment_proxy("https://proxy.example/x") is None
    assert environment_proxy("https://other.example/x") == "http://corp-proxy:3128"


async def test_requests_go_through_the_environment_proxy(
    proxy: ProxyServer, fixture_root: Path, fetchers: Fetchers, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The test proxy plays the forward proxy: it answers the absolute-form request itself.
    clear_proxy_environment(monkeypatch)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    fetcher = fetchers.new("http://goproxy.invalid")
    assert await fetcher.get(ALPHA_LIST) == listing(fixture_root, ALPHA)
    assert proxy.paths() == ["/example.com/alpha/@v/list"]
    # Loopback proxies are asked directly even when a proxy is configured.
    monkeypatch.setenv("HTTP_PROXY", refused_url())
    assert await fetchers.new(proxy.url).get(ALPHA_MOD) == file_answer(
        fixture_root, ALPHA, "v1.2.1", "mod"
    )
