"""A hover answers from what is known, without waiting for what is slow: the `go env` run that
sets up the version sources, a module proxy that does not answer, a workspace scan; and a
version-facts gather over a go.mod of many requirements keeps the event loop free.

No timing is asserted here (BENCHMARKS.md has the latencies, from benchmarks/bench_load.py).
Each "does not wait" test holds what the hover must not wait for (a proxy's answers, the go
command) until the hover's answer has arrived: a server that waited would answer only after
its own budget or timeout, and with other content than the test expects.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import threading
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_lsp
from aiohttp import web
from lsprotocol import types
from pytest_lsp import ClientServerConfig
from versions.proxyserver import Fault, ProxyServer

from modlsp.core.modpath import escape_path
from modlsp.core.sources.config import ProxyEntry, SourceConfig
from modlsp.core.sources.fetcher import Fetcher
from modlsp.core.sources.http import HttpClient, Limits
from modlsp.core.versionfacts import GATHER_CONCURRENCY, VersionFacts
from modlsp.core.versionquery import Catalog

from .support import (
    EDITORS,
    TIMEOUT,
    ModClient,
    codes,
    held_go_command,
    make_client,
    open_doc,
    pos,
    release,
    start,
)

RELEASES = ("v1.0.0", "v1.1.0", "v1.2.0")
STILL_ON_ITS_WAY = "Version information is still on its way from the module proxy."


@dataclass(frozen=True)
class Required:
    """The module a test's go.mod requires, at v1.1.0, under a path of its own: the session's
    tests share the answer cache on disk, where a publish date fetched by one test would
    answer another's hover."""

    path: str

    @property
    def go_mod(self) -> str:
        return f"module example.com/hoverlatency/main\n\ngo 1.22\n\nrequire {self.path} v1.1.0\n"

    @property
    def version(self) -> types.Position:
        return pos(4, len(f"require {self.path} ") + 1)  # on v1.1.0

    @property
    def header(self) -> str:
        return f"**{self.path}** `v1.1.0`"


def write_module(root: Path, path: str, versions: tuple[str, ...] = RELEASES) -> None:
    """A module in a GOPROXY directory: its versions, each with a .info and a .mod; the
    newest go.mod retracts the second version."""
    directory = root / escape_path(path) / "@v"
    directory.mkdir(parents=True)
    (directory / "list").write_text("".join(f"{v}\n" for v in versions))
    for n, version in enumerate(versions):
        info = {"Version": version, "Time": f"2024-0{n % 9 + 1}-02T03:04:05Z"}
        (directory / f"{version}.info").write_text(json.dumps(info))
        retract = f"retract {versions[1]} // Broken.\n" if version == versions[-1] else ""
        (directory / f"{version}.mod").write_text(f"module {path}\n\ngo 1.21\n{retract}")


@pytest.fixture
def required() -> Required:
    return Required(f"example.com/hoverlatency/m{uuid.uuid4().hex[:12]}")


@pytest.fixture
def proxy_root(tmp_path: Path, required: Required) -> Path:
    root = tmp_path / "proxy"
    write_module(root, required.path)
    return root


def text_of(hover: types.Hover | None) -> str:
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    return hover.contents.value


async def hover_at(client: ModClient, uri: str, where: types.Position) -> str:
    return text_of(
        await client.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=where)
        )
    )


# --- a proxy that does not answer ---------------------------------------------------------


class HeldProxy(ProxyServer):
    """The tests' module proxy, except that requests whose path ends with one of `held` are
    held (neither answered nor logged) until `release()`, then served as usual."""

    def __init__(self, root: Path, held: tuple[str, ...]) -> None:
        super().__init__(root)
        self.held = held
        self._gate_lock = threading.Lock()
        self._released = False
        self._gates: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []

    def release(self) -> None:
        with self._gate_lock:
            self._released = True
            gates, self._gates = self._gates, []
        for loop, gate in gates:
            with contextlib.suppress(RuntimeError):  # the proxy's loop is closed already
                loop.call_soon_threadsafe(gate.set)

    def stop(self) -> None:
        self.release()
        super().stop()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.path.endswith(self.held):
            gate = asyncio.Event()
            with self._gate_lock:
                if self._released:
                    gate.set()
                else:
                    self._gates.append((asyncio.get_running_loop(), gate))
            await gate.wait()
        return await super()._handle(request)


async def test_a_hover_shows_the_facts_in_memory_while_the_proxy_holds_the_rest(
    client: ModClient, required: Required, proxy_root: Path, tmp_path: Path
) -> None:
    """The diagnostics gathered the module's versions and go.mods; the publish dates, which
    only the hover shows, are held by the proxy. The hover shows the retraction and the
    upgrade at once, without dates, instead of waiting for them and then saying that the
    version information is still on its way."""
    proxy = HeldProxy(proxy_root, held=(".info",))
    with proxy:
        await start(client, {"debounceMs": 0, "goproxy": proxy.url})
        since = client.mark()
        doc = open_doc(client, tmp_path / "go.mod", required.go_mod)
        await client.until(doc.uri, lambda d: "retracted-version" in codes(d), since=since)

        shown = await hover_at(client, doc.uri, required.version)
        proxy.release()

        assert shown.startswith(required.header + "\n\n"), shown
        assert "**Retracted:** Broken." in shown, shown
        assert "`v1.2.0`" in shown, shown  # the upgrade
        assert "published" not in shown and "2024-" not in shown, shown  # held
        assert "still on its way" not in shown, shown


async def test_a_hover_answers_while_every_request_to_the_proxy_hangs(
    client: ModClient, required: Required, tmp_path: Path
) -> None:
    with ProxyServer(tmp_path / "empty", faults=[Fault("hang")]) as proxy:
        await start(client, {"debounceMs": 0, "goproxy": proxy.url})
        since = client.mark()
        doc = open_doc(client, tmp_path / "go.mod", required.go_mod)
        await client.next_diagnostics(doc.uri, since=since)
        await asyncio.get_running_loop().run_in_executor(None, proxy.wait_for_requests)

        shown = await hover_at(client, doc.uri, required.version)
        # What the file says, and that the facts are on their way.
        assert shown.startswith(f"{required.header}\n\n{STILL_ON_ITS_WAY}\n\n"), shown
        directive = await hover_at(client, doc.uri, pos(4, 1))
        assert directive.startswith("**require** directive"), directive


# --- a go command that does not return ----------------------------------------------------


async def test_a_hover_does_not_wait_for_go_env(
    client: ModClient, required: Required, proxy_root: Path, tmp_path: Path
) -> None:
    """`go env` (GOPROXY, GOPRIVATE, GOMODCACHE) runs once at start-up; until it has
    answered, a hover says what the file says and that version facts are on their way; the
    facts arrive after it (the go command failing, the settings' proxy is used)."""
    with ProxyServer(proxy_root) as proxy, held_go_command(tmp_path) as (go, holder):
        await start(client, {"debounceMs": 0, "goproxy": proxy.url, "goCommand": str(go)})
        since = client.mark()
        doc = open_doc(client, tmp_path / "go.mod", required.go_mod)
        first = await client.next_diagnostics(doc.uri, since=since)
        assert codes(first.diagnostics) == []

        shown = await hover_at(client, doc.uri, required.version)
        asked = proxy.requests
        release(holder)

        # The file's own facts, no proxy's; no pkg.go.dev link (GOPRIVATE is not known yet).
        assert shown == f"{required.header}\n\n{STILL_ON_ITS_WAY}\n\n---\n\n**v1.1.0**"
        assert asked == []
        await client.until(doc.uri, lambda d: "retracted-version" in codes(d), since=since)
        later = await hover_at(client, doc.uri, required.version)
        assert "**Retracted:** Broken." in later, later


# --- a workspace scan -----------------------------------------------------------------------


def scan_env() -> dict[str, str]:
    """conftest's environment, except that GOMODCACHE is not set: the scan asks the go
    command for it. GOPATH points nowhere, so that the fallback finds no module cache."""
    env = {k: v for k, v in os.environ.items() if k != "GOMODCACHE"}
    return {**env, "GOPATH": "/nonexistent/gopath"}


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "modlsp"],
        client_factory=make_client,
        server_env=scan_env(),
    ),
    params=EDITORS,
)
async def scanning(lsp_client: ModClient, request: pytest.FixtureRequest) -> AsyncIterator[None]:
    lsp_client.editor = request.param
    yield
    await asyncio.wait_for(lsp_client.shutdown_session(), TIMEOUT)


def scans(client: ModClient, kind: str) -> int:
    """How many "Scanning Go modules" progress reports of `kind` (begin, end) arrived."""
    count = 0
    for reports in client.progress_reports.values():
        if reports and getattr(reports[0], "title", "") == "Scanning Go modules":
            count += sum(1 for r in reports if getattr(r, "kind", "") == kind)
    return count


def write_workspace(root: Path) -> Path:
    root.mkdir()
    (root / "main.go").write_text('package main\n\nimport "fmt"\n\nfunc main() { fmt.Println() }\n')
    return root / "go.mod"


async def test_a_hover_is_answered_while_the_scan_waits(
    scanning: ModClient, required: Required, tmp_path: Path
) -> None:
    """The scan starts by asking the go command where the module cache is, and that go
    command does not return: the hover is answered meanwhile, and the module's diagnostics
    (which need the scan) come once the go command has."""
    client = scanning
    gomod = write_workspace(tmp_path / "ws")
    with held_go_command(tmp_path) as (go, holder):
        options = {"debounceMs": 0, "goCommand": str(go)}
        await start(client, options, module_checks=True, root=gomod.parent)
        since = client.mark()
        doc = open_doc(client, gomod, required.go_mod)
        await client.next_diagnostics(doc.uri, since=since)

        shown = await hover_at(client, doc.uri, pos(2, 1))
        assert shown.startswith("**go** directive"), shown
        assert scans(client, "end") == 0
        assert list(client.published[-1].diagnostics) == []
        release(holder)

    unused = await client.until(doc.uri, lambda d: "unused-requirement" in codes(d), since=since)
    assert unused.diagnostics[0].message == f"{required.path} is not used in this module"


async def test_a_go_mod_opened_at_start_up_is_scanned_once(
    client: ModClient, required: Required, tmp_path: Path
) -> None:
    """Opened right after `initialized` (as editors do), the go.mod waits for its folder's
    scan instead of starting a scan of its own module, which the folder's would repeat."""
    gomod = write_workspace(tmp_path / "ws")
    await start(client, {"debounceMs": 0}, module_checks=True, root=gomod.parent)
    since = client.mark()
    doc = open_doc(client, gomod, required.go_mod)
    await client.until(doc.uri, lambda d: "unused-requirement" in codes(d), since=since)
    # Every scan begun has ended (a request after the last publication flushes the stream).
    await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=doc.identifier)
    )
    assert (scans(client, "begin"), scans(client, "end")) == (1, 1)


# --- a gather over many requirements ------------------------------------------------------


def facts_over(url: str, **options: float) -> VersionFacts:
    config = SourceConfig(proxies=(ProxyEntry(url),), goproxy=url, noproxy="", private="")
    fetcher = Fetcher(config, client=HttpClient(Limits(timeout=TIMEOUT)), report=lambda _: None)
    return VersionFacts(fetcher, **options)


async def test_a_gather_looks_up_a_bounded_number_of_requirements_at_a_time(
    tmp_path: Path,
) -> None:
    """A go.mod of thousands of requirements against a proxy that hangs: the gather does not
    become thousands of tasks queueing for the proxy's connections (each one a step of the
    event loop's work), only as many as it looks up at a time."""
    count = 2000
    with ProxyServer(tmp_path / "empty", faults=[Fault("hang")]) as proxy:
        facts = facts_over(proxy.url)
        pairs = [(f"example.com/many/m{i}", "v1.0.0") for i in range(count)]
        gathering = asyncio.ensure_future(facts.requirements(pairs))
        loop = asyncio.get_running_loop()
        # The proxy has as many requests as the client has connections: the gather has
        # started everything it starts before any answer.
        assert await loop.run_in_executor(None, proxy.wait_for_requests, Limits().concurrency)
        tasks = len(asyncio.all_tasks())
        gathering.cancel()
    # The proxy has stopped: the requests in flight fail, and the lookups sharing them end.
    others = asyncio.all_tasks() - {asyncio.current_task()}
    await asyncio.wait_for(asyncio.gather(*others, return_exceptions=True), TIMEOUT)
    await facts.fetcher.close()
    # The workers, one lookup in flight each, the gather and this test: 130 (before: two tasks
    # for each of the 2,000 requirements); some to spare for tasks aiohttp may start.
    assert tasks <= 3 * GATHER_CONCURRENCY, tasks


async def test_a_gather_answered_from_memory_gives_the_loop_back(tmp_path: Path) -> None:
    """Facts already in memory are answered without I/O, so nothing would suspend a gather
    over them: it yields to the event loop at the end of each slice of work (here a slice
    of 0 s, so after every requirement) instead of holding it until all are done."""
    root = tmp_path / "proxy"
    paths = [f"example.com/warm/m{i}" for i in range(40)]
    for path in paths:
        write_module(root, path)
    facts = facts_over(root.as_uri(), work_slice=0.0)
    pairs = [(path, "v1.1.0") for path in paths]
    await facts.requirements(pairs)  # from the file:// proxy into memory

    turns = 0
    stop = asyncio.Event()

    async def tick() -> None:
        nonlocal turns
        while not stop.is_set():
            turns += 1
            await asyncio.sleep(0)

    ticker = asyncio.ensure_future(tick())
    found = await facts.requirements(pairs, concurrency=2)
    stop.set()
    await ticker
    await facts.fetcher.close()
    assert [f.path for f in found] == paths
    assert all(isinstance(f.catalog, Catalog) and f.newer_major is None for f in found)
    # Two workers, 40 requirements: the loop came round about once per two of them (before:
    # twice in all, the gather's tasks running to their end in one turn).
    assert turns >= len(pairs) // 4, turns
