"""Version facts for a 300-requirement go.mod against a module proxy on 127.0.0.1.

    python -m benchmarks.bench_versions [--requires 300] [--completions 50]

Writes a GOPROXY tree (each module: five releases, a retraction in the newest go.mod, every
tenth module also a /v2) and serves it with the tests' aiohttp proxy (tests/versions) in a
separate process. Measures, in the core:
- cold: every fact of every requirement (catalog, required go.mod, newer-major probes) with
  empty memory and an empty on-disk cache: all HTTP;
- warm: a new process-like state (new fetcher and facts) over the on-disk cache just filled;
and through the real server over stdio (pygls client):
- didOpen -> the publication that carries the version facts (cold: a fresh cache dir);
- completion requests on a version, once the facts are in (warm), median and p95.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from benchmarks.bench_lsp import _percentile
from modlsp.core.modpath import escape_path
from modlsp.core.sources.config import ProxyEntry, SourceConfig
from modlsp.core.sources.diskcache import DiskCache
from modlsp.core.sources.fetcher import Fetcher
from modlsp.core.versionfacts import VersionFacts

ROOT = Path(__file__).resolve().parent.parent
RELEASES = ("v1.0.0", "v1.1.0", "v1.2.0", "v1.2.1", "v1.3.0")
SERVE = """
import sys, threading
sys.path.insert(0, sys.argv[2])
from versions.proxyserver import ProxyServer
with ProxyServer(__import__("pathlib").Path(sys.argv[1])) as proxy:
    print(proxy.url, flush=True)
    sys.stdin.read()
"""


def module_path(i: int) -> str:
    return f"bench.example/org{i % 7}/Mod{i:03d}"  # uppercase: escaped paths too


def write_proxy(root: Path, count: int) -> None:
    for i in range(count):
        paths: list[tuple[str, tuple[str, ...]]] = [(module_path(i), RELEASES)]
        if i % 10 == 0:
            paths.append((module_path(i) + "/v2", ("v2.0.0", "v2.1.0")))
        for path, versions in paths:
            vdir = root / escape_path(path) / "@v"
            vdir.mkdir(parents=True)
            (vdir / "list").write_text("".join(f"{v}\n" for v in versions))
            for n, version in enumerate(versions):
                info = {"Version": version, "Time": f"2024-0{n + 1}-02T03:04:05Z"}
                (vdir / f"{version}.info").write_text(json.dumps(info))
                retract = "retract v1.0.0 // Broken.\n" if version == versions[-1] else ""
                (vdir / f"{version}.mod").write_text(f"module {path}\n\ngo 1.21\n{retract}")


def main_gomod(count: int) -> str:
    requires = "".join(f"\t{module_path(i)} v1.1.0\n" for i in range(count))
    return f"module bench.example/main\n\ngo 1.22\n\nrequire (\n{requires})\n"


async def core_facts(url: str, cache: Path, count: int) -> tuple[float, int]:
    config = SourceConfig(proxies=(ProxyEntry(url),), goproxy=url, noproxy="", private="")
    fetcher = Fetcher(config, disk=DiskCache(cache / "proxy.sqlite3"))
    facts = VersionFacts(fetcher)
    pairs = [(module_path(i), "v1.1.0") for i in range(count)]
    began = time.perf_counter()
    found = await facts.requirements(pairs)
    seconds = time.perf_counter() - began
    await fetcher.close()
    assert all(f.newer_major is not None for f in found[::10]), "a /v2 probe failed"
    return seconds, fetcher.requests


async def lsp_run(url: str, work: Path, count: int, completions: int) -> tuple[float, list[float]]:
    client = LanguageClient("bench", "1")
    published: list[types.PublishDiagnosticsParams] = []
    arrived = asyncio.Event()

    def _published(params: types.PublishDiagnosticsParams) -> None:
        published.append(params)
        arrived.set()

    client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(_published)
    env = {**os.environ, "MODLSP_CACHE_DIR": str(work / "lsp-cache"), "GOMODCACHE": "/nonexistent"}
    await client.start_io(sys.executable, "-m", "modlsp", env=env)
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            initialization_options={"debounceMs": 0, "goproxy": url},
        )
    )
    client.initialized(types.InitializedParams())
    gomod = work / "go.mod"
    text = main_gomod(count)
    gomod.write_text(text)
    began = time.perf_counter()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(gomod.as_uri(), "go.mod", 1, text))
    )
    majors = count // 10 + (1 if count % 10 else 0)
    while not published or majors > sum(
        1 for d in published[-1].diagnostics if d.code == "newer-major-version"
    ):
        arrived.clear()
        await asyncio.wait_for(arrived.wait(), 60)
    open_seconds = time.perf_counter() - began
    params = types.CompletionParams(
        text_document=types.TextDocumentIdentifier(gomod.as_uri()),
        position=types.Position(line=5 + count // 2, character=len(module_path(count // 2)) + 2),
    )
    first = await client.text_document_completion_async(params)  # fetches the dates once
    assert isinstance(first, types.CompletionList) and len(first.items) == len(RELEASES), first
    latencies = []
    for _ in range(completions):
        start = time.perf_counter()
        await client.text_document_completion_async(params)
        latencies.append((time.perf_counter() - start) * 1000)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()  # type: ignore[no-untyped-call]
    return open_seconds, latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requires", type=int, default=300)
    parser.add_argument("--completions", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="modlsp-bench-versions-") as tmp:
        work = Path(tmp)
        write_proxy(work / "proxy", args.requires)
        server = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(work / "proxy"), str(ROOT / "tests")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            url = server.stdout.readline().strip()
            cold, requests = asyncio.run(core_facts(url, work / "cache", args.requires))
            warm_runs = [
                asyncio.run(core_facts(url, work / "cache", args.requires)) for _ in range(10)
            ]
            warm_requests = sum(n for _, n in warm_runs)
            warm = [seconds * 1000 for seconds, _ in warm_runs]
            opened, latencies = asyncio.run(lsp_run(url, work, args.requires, args.completions))
            reopened, _ = asyncio.run(lsp_run(url, work, args.requires, 1))
        finally:
            server.communicate("", timeout=30)
    print(f"{args.requires} requirements against {url}")
    print(f"core, cold (HTTP, empty caches): {cold * 1000:.0f} ms, {requests} requests")
    print(
        f"core, warm (on-disk cache, 10 runs): median {statistics.median(warm):.1f} ms, "
        f"max {max(warm):.1f} ms, {warm_requests} requests"
    )
    print(f"server, didOpen -> facts published (cold): {opened * 1000:.0f} ms")
    print(f"server, didOpen -> facts published (new server, warm cache): {reopened * 1000:.0f} ms")
    print(
        f"server, completion on a version (warm, {len(latencies)}): "
        f"median {statistics.median(latencies):.1f} ms, p95 {_percentile(latencies, 0.95):.1f} ms"
    )


if __name__ == "__main__":
    main()
