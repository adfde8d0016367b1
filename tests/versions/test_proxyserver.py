"""The version-intelligence test infrastructure works: the fixture tree is what fixture.py
says, ProxyServer speaks the module proxy protocol (the real go command reads it exactly as
it reads the same tree through file://), logs requests, authenticates, mounts, injects each
documented fault, serves many concurrent requests and stops cleanly; gooracle reports what
the go command says (README.md shows the outputs).
"""

from __future__ import annotations

import asyncio
import base64
import gc
import http.client
import threading
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from modlsp.core.modpath import escape_version

from .fixture import (
    ALPHA,
    ALPHA_RETRACT_RATIONALE,
    ALPHA_V2,
    ALPHA_V3,
    ALPHA_V4,
    BETA,
    BETA_DEPRECATION,
    DELTA,
    DELTA_PSEUDO,
    DELTA_TIME,
    GAMMA,
    GOPKG_V1,
    GOPKG_V2,
    GRAPH_A,
    GRAPH_B,
    INCOMPAT,
    LISTED,
    MAIN_GOMOD,
    MAIN_PATH,
    MODULES,
    PRIVATE_PATTERN,
    PRIVATE_SECRET,
    SELFRETRACT,
    SELFRETRACT_RATIONALE,
    UPPER,
    build_fixture,
    escaped_dir,
    proxy_file,
)
from .gooracle import (
    GoError,
    JSONObject,
    go_latest,
    go_list_retracted,
    go_list_updates,
    go_query,
    go_versions,
    go_versions_of,
    run_go,
)
from .proxyserver import HUGE_SIZE, Fault, ProxyServer, refused_url

TIMEOUT = 30.0

# Never through an http_proxy of the environment: urllib does not bypass 127.0.0.1 by itself.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

# ---------------------------------------------------------------------------------------------
# Helpers.


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: Mapping[str, str]


def fetch(url: str, *, method: str = "GET", headers: Mapping[str, str] | None = None) -> Answer:
    """One request with urllib (a new connection); HTTP errors are answers too."""
    req = urllib.request.Request(url, method=method, headers=dict(headers or {}))
    try:
        with OPENER.open(req, timeout=TIMEOUT) as resp:
            return Answer(resp.status, resp.read(), dict(resp.headers))
    except urllib.error.HTTPError as err:
        with err:
            return Answer(err.code, err.read(), dict(err.headers))


def without_local_paths(objs: Mapping[str, JSONObject]) -> dict[str, JSONObject]:
    """The JSON objects without the fields naming files of one go home (GoMod, Dir)."""
    return {
        path: {k: v for k, v in obj.items() if k not in ("GoMod", "Dir")}
        for path, obj in objs.items()
    }


# ---------------------------------------------------------------------------------------------
# The fixture tree.


def test_fixture_is_deterministic_and_complete(tmp_path: Path, fixture_root: Path) -> None:
    again = build_fixture(tmp_path / "again")
    files = sorted(p.relative_to(fixture_root) for p in fixture_root.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert all((fixture_root / f).read_bytes() == (again / f).read_bytes() for f in files)
    for path, versions in LISTED.items():
        listed = (escaped_dir(fixture_root, path) / "list").read_text().split()
        assert listed == list(versions), path
        for version in versions:
            for ext in ("info", "mod", "zip"):
                assert proxy_file(fixture_root, path, version, ext).is_file()
    assert {k.rpartition("@")[0] for k in MODULES} == set(LISTED)
    # The module without tags: an empty list, an @latest file naming its pseudo-version.
    assert (escaped_dir(fixture_root, DELTA) / "list").read_bytes() == b""
    latest = (escaped_dir(fixture_root, DELTA).parent / "@latest").read_text()
    assert latest == f'{{"Version": "{DELTA_PSEUDO}", "Time": "{DELTA_TIME}"}}\n'
    assert sorted(p.name for p in fixture_root.rglob("@latest")) == ["@latest"]
    assert (fixture_root / "example.com" / "!upper" / "!case" / "@v" / "v1.1.0.zip").is_file()
    assert proxy_file(fixture_root, INCOMPAT, "v2.0.0+incompatible", "mod").read_text() == (
        f"module {INCOMPAT}\n"
    )


# ---------------------------------------------------------------------------------------------
# The go command through the server and through file://.

VERSION_PATHS = (
    ALPHA,
    ALPHA_V2,
    ALPHA_V3,
    ALPHA_V4,
    SELFRETRACT,
    INCOMPAT,
    UPPER,
    DELTA,
    GOPKG_V1,
    GOPKG_V2,
)

EXPECTED_VERSIONS = {
    # Retracted versions are hidden: v1.0.0 and v1.1.0 by v1.2.1's go.mod, v1.0.1 by itself.
    ALPHA: ["v1.2.0", "v1.2.1", "v1.3.0-beta.1"],
    ALPHA_V2: ["v2.0.0", "v2.1.0"],
    ALPHA_V3: ["v3.0.0", "v3.2.0"],
    ALPHA_V4: ["v4.0.0-rc.1"],
    SELFRETRACT: ["v1.0.0"],
    INCOMPAT: ["v1.0.0", "v2.0.0+incompatible", "v2.1.0+incompatible"],
    UPPER: ["v1.0.0", "v1.1.0"],
    DELTA: [],
    GOPKG_V1: ["v1.0.0"],
    GOPKG_V2: ["v2.0.0"],
}


def test_go_lists_versions_identically_through_http_and_file(
    proxy: ProxyServer, fixture_root: Path, tmp_path: Path
) -> None:
    through_http = go_versions_of(proxy.url, VERSION_PATHS, tmp_path / "h1")
    assert through_http == EXPECTED_VERSIONS
    assert go_versions_of(fixture_root.as_uri(), VERSION_PATHS, tmp_path / "f1") == through_http
    paths = set(proxy.paths())
    assert {f"/{escaped_dir(Path(), p).as_posix()}/list" for p in VERSION_PATHS} <= paths
    # Retractions come from the latest release's go.mod, not from the newer pre-release.
    assert "/example.com/alpha/@v/v1.2.1.mod" in paths
    assert "/example.com/alpha/@v/v1.3.0-beta.1.mod" not in paths
    assert all(r.method == "GET" and not r.authorized and r.fault is None for r in proxy.requests)

    retracted = go_versions_of(proxy.url, VERSION_PATHS, tmp_path / "h2", retracted=True)
    assert retracted == {p: list(LISTED[p]) for p in VERSION_PATHS}
    assert go_versions_of(fixture_root.as_uri(), VERSION_PATHS, tmp_path / "f2", True) == (
        retracted
    )


def test_go_latest_of_a_module_without_tags_comes_from_at_latest(
    proxy: ProxyServer, go_home: Path
) -> None:
    latest = go_latest(proxy.url, DELTA, go_home)
    assert (latest["Version"], latest["Time"], latest["Query"]) == (
        DELTA_PSEUDO,
        DELTA_TIME,
        "latest",
    )
    assert proxy.paths()[:2] == ["/example.com/delta/@v/list", "/example.com/delta/@latest"]
    assert go_versions(proxy.url, DELTA, go_home) == []


@dataclass(frozen=True)
class UpdatesRun:
    http: dict[str, JSONObject]
    file: dict[str, JSONObject]
    retracted: dict[str, JSONObject]
    requested: list[str]


@pytest.fixture(scope="module")
def updates(fixture_root: Path, tmp_path_factory: pytest.TempPathFactory) -> UpdatesRun:
    """`go list -m -u -json all` on MAIN_GOMOD through HTTP and file://, and with
    `-retracted` (three go commands for the whole module)."""
    base = tmp_path_factory.mktemp("updates")
    with ProxyServer(fixture_root) as server:
        http = go_list_updates(server.url, MAIN_GOMOD, base / "http")
        requested = server.paths()
        retracted = go_list_retracted(server.url, MAIN_GOMOD, base / "retracted")
    file = go_list_updates(fixture_root.as_uri(), MAIN_GOMOD, base / "file")
    return UpdatesRun(http, file, retracted, requested)


def test_go_list_updates_identical_through_http_and_file(updates: UpdatesRun) -> None:
    assert without_local_paths(updates.http) == without_local_paths(updates.file)
    assert without_local_paths(updates.retracted) == without_local_paths(updates.http)
    requested = set(updates.requested)
    for wanted in (
        "/example.com/alpha/@v/list",
        "/example.com/alpha/@v/v1.1.0.info",
        "/example.com/alpha/@v/v1.2.1.mod",
        "/example.com/beta/@v/v0.3.0.mod",
        "/example.com/!upper/!case/@v/list",
        "/example.com/delta/@v/list",
        "/example.com/delta/@latest",
        "/example.com/incompat/@v/v2.1.0+incompatible.info",
    ):
        assert wanted in requested, wanted
    # MVS reads the go.mod of every required version (graph/b v1.0.0 too), then selects
    # graph/b v1.1.0 (required by graph/a) and only looks for updates of selected versions.
    assert "/example.com/graph/b/@v/v1.0.0.mod" in requested
    assert "/example.com/graph/b/@v/v1.0.0.info" not in requested


def _update(obj: JSONObject) -> str | None:
    update: dict[str, Any] | None = obj.get("Update")
    return None if update is None else str(update["Version"])


def test_what_go_says_about_updates_retractions_and_deprecation(updates: UpdatesRun) -> None:
    objs = updates.http
    assert objs[MAIN_PATH]["Main"] is True
    summary = {
        path: (obj["Version"], _update(obj), obj.get("Retracted"), obj.get("Deprecated"))
        for path, obj in objs.items()
        if path != MAIN_PATH
    }
    assert summary == {
        # The update is the latest release, not the newer pre-release; only the rationale of
        # the retraction covering v1.1.0 is reported.
        ALPHA: ("v1.1.0", "v1.2.1", [ALPHA_RETRACT_RATIONALE], None),
        BETA: ("v0.2.0", "v0.3.0", None, BETA_DEPRECATION),
        # No go-version filter: v1.5.0 needs go 1.24 and the main module says go 1.21.
        GAMMA: ("v1.4.0", "v1.5.0", None, None),
        DELTA: (DELTA_PSEUDO, None, None, None),
        # Retracted, and no newer release: no Update (v1.0.0 would be a downgrade).
        SELFRETRACT: ("v1.0.1", None, [SELFRETRACT_RATIONALE], None),
        UPPER: ("v1.0.0", "v1.1.0", None, None),
        # v1.0.0 has no go.mod, so +incompatible versions are eligible updates.
        INCOMPAT: ("v1.0.0", "v2.1.0+incompatible", None, None),
        GRAPH_A: ("v1.0.0", None, None, None),
        GRAPH_B: ("v1.1.0", None, None, None),
    }
    assert objs[GAMMA]["GoVersion"] == "1.23"
    assert "GoVersion" not in objs[INCOMPAT]
    assert objs[DELTA]["Time"] == DELTA_TIME


def test_go_queries(proxy: ProxyServer, go_home: Path) -> None:
    patch = go_query(proxy.url, GAMMA, "patch", go_home, MAIN_GOMOD)
    assert (patch["Version"], patch["Query"]) == ("v1.4.1", "patch")
    retracted = go_query(proxy.url, ALPHA, "patch", go_home, MAIN_GOMOD)
    assert retracted["Error"]["Err"] == (
        f"{ALPHA}@v1.1.0: retracted by module author: {ALPHA_RETRACT_RATIONALE}"
    )
    below = go_query(proxy.url, ALPHA, "<v1.2.0", go_home)
    assert below["Error"]["Err"] == f'module {ALPHA}: no matching versions for query "<v1.2.0"'
    with pytest.raises(GoError, match=r"go\.mod file not found"):
        go_query(proxy.url, GAMMA, "patch", go_home)


# ---------------------------------------------------------------------------------------------
# GOPRIVATE, authentication, mount path, GOPROXY lists.


def test_goprivate_modules_are_never_asked_from_the_proxy(
    proxy: ProxyServer, go_home: Path
) -> None:
    args = ["list", "-m", "-versions", "-json", PRIVATE_SECRET]
    proc = run_go(args, proxy.url, go_home, goprivate=PRIVATE_PATTERN)
    assert proc.returncode == 1
    # go went "direct" (a go-get lookup), which the refused HTTPS_PROXY cut short.
    assert f'unrecognized import path "{PRIVATE_SECRET}"' in proc.stderr
    assert "https://private.corp/secret?go-get=1" in proc.stderr
    assert "connection refused" in proc.stderr
    assert proxy.requests == []
    # GONOPROXY overrides GOPRIVATE's default for proxying.
    proc = run_go(args, proxy.url, go_home, goprivate=PRIVATE_PATTERN, gonoproxy="none")
    assert proc.returncode == 0, proc.stderr
    assert proxy.paths()[0] == "/private.corp/secret/@v/list"


def test_basic_auth(fixture_root: Path, go_home: Path) -> None:
    with ProxyServer(fixture_root, credentials=("user", "pass")) as server:
        list_url = f"{server.url}/example.com/alpha/@v/list"
        denied = fetch(list_url)
        assert denied.status == 401
        assert denied.headers["WWW-Authenticate"].startswith("Basic ")
        wrong = base64.b64encode(b"user:nope").decode()
        assert fetch(list_url, headers={"Authorization": f"Basic {wrong}"}).status == 401
        right = base64.b64encode(b"user:pass").decode()
        ok = fetch(list_url, headers={"Authorization": f"Basic {right}"})
        assert (ok.status, ok.body) == (200, "".join(f"{v}\n" for v in LISTED[ALPHA]).encode())
        assert [r.authorized for r in server.requests] == [False, True, True]
        server.clear()

        # The go command does not send .netrc credentials over plain http...
        netrc = go_home / ".netrc"
        netrc.write_text("machine 127.0.0.1 login user password pass\n")
        args = ["list", "-m", "-versions", "-json", ALPHA]
        proc = run_go(args, server.url, go_home, NETRC=str(netrc))
        assert proc.returncode == 1
        assert f"reading {list_url}: 401 Unauthorized" in proc.stderr
        assert "server response: unauthorized" in proc.stderr
        assert [(r.path, r.authorized) for r in server.requests] == [
            ("/example.com/alpha/@v/list", False)
        ]
        server.clear()
        # ... and refuses credentials in an http GOPROXY URL without asking anything.
        proc = run_go(args, server.url_with_credentials("user", "pass"), go_home)
        assert proc.returncode == 1
        assert "refusing to pass credentials to insecure URL: http://user:xxxxx@" in proc.stderr
        assert server.requests == []


def test_tls_with_basic_auth(fixture_root: Path, go_home: Path) -> None:
    with ProxyServer(fixture_root, credentials=("user", "pass"), tls=True) as server:
        assert server.url == f"https://127.0.0.1:{server.port}"
        # The go command trusts the throwaway CA through SSL_CERT_FILE and sends .netrc
        # credentials over https (only), for a machine named host:port (go 1.24+ matches
        # machine names as prefixes of the URL; a bare "127.0.0.1" does not name it).
        netrc = go_home / ".netrc"
        netrc.write_text(f"machine 127.0.0.1:{server.port} login user password pass\n")
        trust = {"SSL_CERT_FILE": str(server.ca_pem)}
        assert go_versions(server.url, GAMMA, go_home, NETRC=str(netrc), **trust) == list(
            LISTED[GAMMA]
        )
        assert server.paths()[0] == "/example.com/gamma/@v/list"
        assert all(r.authorized for r in server.requests)
        server.clear()
        # Credentials in an https GOPROXY URL are used as they are.
        url = server.url_with_credentials("user", "pass")
        assert go_versions(url, GAMMA, go_home, **trust) == list(LISTED[GAMMA])
        assert server.requests and all(r.authorized for r in server.requests)
        server.clear()
        # Without the CA the certificate is refused before any request.
        proc = run_go(["list", "-m", "-versions", "-json", BETA], server.url, go_home)
        assert proc.returncode == 1
        assert "certificate signed by unknown authority" in proc.stderr
        assert server.requests == []
        ca_pem = server.ca_pem
    assert not ca_pem.exists()  # removed by stop()


def test_mount_path(fixture_root: Path, go_home: Path) -> None:
    with ProxyServer(fixture_root, base="base/") as server:
        assert server.url == f"http://127.0.0.1:{server.port}/base"
        assert go_versions(server.url, UPPER, go_home) == ["v1.0.0", "v1.1.0"]
        assert server.paths()[0] == "/example.com/!upper/!case/@v/list"
        assert server.requests[0].full_path == "/base/example.com/!upper/!case/@v/list"
        outside = fetch(f"{server.origin}/example.com/!upper/!case/@v/list")
        assert outside.status == 404


def test_goproxy_list_fallthrough(proxy: ProxyServer, fixture_root: Path, go_home: Path) -> None:
    """`,` falls through on 404/410 only, `|` on any error (here 500 and a refused port)."""
    args = ["list", "-m", "-json", f"{GAMMA}@latest"]
    file_uri = fixture_root.as_uri()
    proxy.set_faults(Fault("status", suffix="/@v/list", status=410))
    assert run_go(args, f"{proxy.url},{file_uri}", go_home).returncode == 0
    proxy.set_faults(Fault("status", suffix="/@v/list", status=500))
    failed = run_go(args, f"{proxy.url},{file_uri}", go_home)
    assert failed.returncode == 1
    assert f"reading {proxy.url}/example.com/gamma/@v/list: 500 Internal Server Error" in (
        failed.stderr
    )
    assert "server response: injected fault: 500" in failed.stderr
    assert run_go(args, f"{proxy.url}|{file_uri}", go_home).returncode == 0
    refused = run_go(args, f"{refused_url()},{file_uri}", go_home)
    assert refused.returncode == 1
    assert "connect: connection refused" in refused.stderr


# ---------------------------------------------------------------------------------------------
# The server itself.


def test_serves_the_protocol_and_logs(proxy: ProxyServer, fixture_root: Path) -> None:
    before = time.monotonic()
    info = fetch(f"{proxy.url}/example.com/!upper/!case/@v/v1.1.0.info")
    assert info.status == 200
    assert info.headers["Content-Type"] == "application/json"
    assert info.body == proxy_file(fixture_root, UPPER, "v1.1.0", "info").read_bytes()
    inc = fetch(f"{proxy.url}/example.com/incompat/@v/v2.0.0+incompatible.mod")
    assert inc.body == f"module {INCOMPAT}\n".encode()
    latest = fetch(f"{proxy.url}/example.com/delta/@latest")
    assert b'"Version": "v0.0.0-20240102030405-abcdefabcdef"' in latest.body
    zipped = fetch(f"{proxy.url}/gopkg.in/fix.v1/@v/v1.0.0.zip")
    assert (zipped.status, zipped.headers["Content-Type"]) == (200, "application/zip")
    assert zipped.body.startswith(b"PK\x03\x04")
    head = fetch(f"{proxy.url}/example.com/alpha/@v/list", method="HEAD")
    assert (head.status, head.body) == (200, b"")
    assert fetch(f"{proxy.url}/example.com/alpha/@v/list", method="POST").status == 405
    cases = {
        "/example.com/alpha/@v/v9.9.9.info": "not found: example.com/alpha@v9.9.9",
        "/example.com/!nope/@v/list": "not found: example.com/Nope@list",
        "/example.com/alpha/@latest": "not found: example.com/alpha@latest",
        "/example.com/alpha/@v/../@v/list": "not found: /example.com/alpha/@v/../@v/list",
        "/example.com/alpha/@v/v1.0.0-!r!c.1.mod": "not found: example.com/alpha@v1.0.0-RC.1",
        "/example.com/alpha": "not found: example.com/alpha",
    }
    for path, text in cases.items():
        missing = fetch(proxy.url + path)
        assert (missing.status, missing.body.decode()) == (404, text + "\n"), path
    records = proxy.requests
    assert [r.method for r in records[:6]] == ["GET"] * 4 + ["HEAD", "POST"]
    assert records[0].path == "/example.com/!upper/!case/@v/v1.1.0.info"
    assert records[0].full_path == records[0].path
    times = [r.time for r in records]
    assert times == sorted(times)
    assert before <= times[0] <= time.monotonic()
    proxy.clear()
    assert proxy.requests == []
    assert proxy.paths() == []


@pytest.mark.parametrize("status", [500, 502, 410, 404])
def test_fault_status(proxy: ProxyServer, status: int) -> None:
    proxy.add_fault(Fault("status", prefix="/example.com/alpha/", status=status))
    answer = fetch(f"{proxy.url}/example.com/alpha/@v/list")
    assert (answer.status, answer.body) == (status, f"injected fault: {status}\n".encode())
    assert fetch(f"{proxy.url}/example.com/beta/@v/list").status == 200
    assert [r.fault for r in proxy.requests] == ["status", None]


def test_fault_matching_order_and_times(proxy: ProxyServer) -> None:
    proxy.set_faults(
        Fault("status", suffix="/@v/list", status=502, times=2),
        Fault("status", prefix="/example.com/", status=410, body=b"gone\n"),
    )
    url = f"{proxy.url}/example.com/alpha/@v/list"
    assert [fetch(url).status for _ in range(3)] == [502, 502, 410]
    assert fetch(f"{proxy.url}/example.com/alpha/@v/v1.2.0.info").body == b"gone\n"
    assert fetch(f"{proxy.url}/gopkg.in/fix.v1/@v/v1.0.0.info").status == 200
    proxy.clear_faults()
    assert fetch(url).status == 200


def test_fault_delay_does_not_block_other_requests(proxy: ProxyServer) -> None:
    proxy.add_fault(Fault("delay", suffix="/@v/list", delay=0.5))
    finished: dict[str, float] = {}

    def slow() -> None:
        answer = fetch(f"{proxy.url}/example.com/alpha/@v/list")
        assert answer.status == 200
        finished["slow"] = time.monotonic()

    start = time.monotonic()
    thread = threading.Thread(target=slow)
    thread.start()
    assert proxy.wait_for_requests(1)
    assert fetch(f"{proxy.url}/example.com/alpha/@v/v1.2.0.info").status == 200
    finished["fast"] = time.monotonic()
    thread.join(TIMEOUT)
    assert finished["fast"] < finished["slow"]
    assert finished["slow"] - start >= 0.5


def test_fault_hang_is_released_when_the_server_stops(fixture_root: Path) -> None:
    server = ProxyServer(fixture_root, faults=[Fault("hang", suffix=".info")])
    server.start()
    errors: list[BaseException] = []

    def client() -> None:
        try:
            fetch(f"{server.url}/example.com/alpha/@v/v1.2.0.info")
        except (http.client.HTTPException, ConnectionError) as exc:
            errors.append(exc)

    thread = threading.Thread(target=client)
    thread.start()
    assert server.wait_for_requests(1, where=lambda r: r.fault == "hang")
    assert fetch(f"{server.url}/example.com/alpha/@v/list").status == 200
    assert thread.is_alive()
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 2.0
    thread.join(TIMEOUT)
    assert len(errors) == 1


@pytest.mark.parametrize(
    ("suffix", "body"),
    [
        (".info", b'{"Version": '),
        ("@latest", b'{"Version": '),
        (".mod", b"module (\n"),
        ("/@v/list", b"\x00\xff not a version list\n"),
    ],
)
def test_fault_malformed(proxy: ProxyServer, suffix: str, body: bytes) -> None:
    proxy.add_fault(Fault("malformed", suffix=suffix))
    url = {
        ".info": "/example.com/alpha/@v/v1.2.0.info",
        "@latest": "/example.com/delta/@latest",
        ".mod": "/example.com/alpha/@v/v1.2.0.mod",
        "/@v/list": "/example.com/alpha/@v/list",
    }[suffix]
    answer = fetch(proxy.url + url)
    assert (answer.status, answer.body) == (200, body)


def test_fault_truncated(proxy: ProxyServer, fixture_root: Path) -> None:
    proxy.add_fault(Fault("truncated", suffix=".mod"))
    full = proxy_file(fixture_root, ALPHA, "v1.2.1", "mod").read_bytes()
    with pytest.raises(http.client.IncompleteRead) as caught:
        fetch(f"{proxy.url}/example.com/alpha/@v/v1.2.1.mod")
    assert caught.value.partial == full[: len(full) // 2]
    assert caught.value.expected == len(full) - len(full) // 2 + 1000
    assert fetch(f"{proxy.url}/example.com/alpha/@v/list").status == 200


def _read_all(url: str) -> tuple[int, str | None]:
    count = 0
    with OPENER.open(url, timeout=TIMEOUT) as resp:
        length = resp.headers.get("Content-Length")
        while chunk := resp.read(1 << 20):
            count += len(chunk)
    return count, length


def test_fault_huge(proxy: ProxyServer) -> None:
    proxy.add_fault(Fault("huge", suffix="/@v/list"))
    assert _read_all(f"{proxy.url}/example.com/alpha/@v/list") == (HUGE_SIZE, str(HUGE_SIZE))
    proxy.set_faults(Fault("huge", suffix="/@v/list", size=3_000_000, declare_length=False))
    assert _read_all(f"{proxy.url}/example.com/alpha/@v/list") == (3_000_000, None)
    # A client that gives up early does not disturb the server.
    proxy.set_faults(Fault("huge", suffix="/@v/list"))
    with OPENER.open(f"{proxy.url}/example.com/alpha/@v/list", timeout=TIMEOUT) as r:
        assert r.read(10) == b"v1.0.0\nv1."
    assert fetch(f"{proxy.url}/example.com/alpha/@v/v1.2.0.info").status == 200


def test_fault_drop(proxy: ProxyServer) -> None:
    proxy.add_fault(Fault("drop", prefix="/example.com/alpha/"))
    with pytest.raises(http.client.RemoteDisconnected):
        fetch(f"{proxy.url}/example.com/alpha/@v/list")
    assert fetch(f"{proxy.url}/example.com/beta/@v/list").status == 200


def test_refused_url() -> None:
    with pytest.raises(urllib.error.URLError) as caught:
        fetch(f"{refused_url()}/example.com/alpha/@v/list")
    assert isinstance(caught.value.reason, ConnectionRefusedError)


def _request_paths() -> Iterator[str]:
    for key in MODULES:
        path, _, version = key.rpartition("@")
        escaped = escaped_dir(Path(), path).as_posix()
        yield f"/{escaped}/list"
        yield f"/{escaped}/{escape_version(version)}.info"
        yield f"/{escaped}/{escape_version(version)}.mod"


async def test_many_concurrent_keep_alive_requests(proxy: ProxyServer) -> None:
    paths = list(_request_paths())
    wanted = [paths[i % len(paths)] for i in range(1500)]
    connector = aiohttp.TCPConnector(limit=32)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def get(path: str) -> int:
            async with session.get(proxy.url + path) as resp:
                await resp.read()
                return resp.status

        started = time.monotonic()
        statuses = await asyncio.gather(*(get(p) for p in wanted))
        elapsed = time.monotonic() - started
    assert statuses == [200] * len(wanted)
    assert len(proxy.requests) == len(wanted)
    assert elapsed < 5.0, f"1,500 requests took {elapsed:.2f} s"


def test_clean_shutdown(fixture_root: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        server = ProxyServer(fixture_root, faults=[Fault("hang", suffix=".zip")])
        with server:
            # An idle keep-alive connection and a hanging request at shutdown.
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
            conn.request("GET", "/example.com/alpha/@v/list")
            assert conn.getresponse().read().startswith(b"v1.0.0\n")
            hung = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
            hung.request("GET", "/example.com/alpha/@v/v1.0.0.zip")
            assert server.wait_for_requests(2)
            name = f"ProxyServer:{server.port}"
            assert name in {t.name for t in threading.enumerate()}
        with pytest.raises((http.client.HTTPException, ConnectionError)):
            hung.getresponse()
        conn.close()
        hung.close()
        server.stop()  # idempotent
        gc.collect()
    assert name not in {t.name for t in threading.enumerate()}
    assert [str(w.message) for w in caught] == []
    with pytest.raises(urllib.error.URLError):
        fetch(f"{server.url}/example.com/alpha/@v/list")
