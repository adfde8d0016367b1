"""The server over stdio: start-up, didChange -> publishDiagnostics latency, memory.

    python -m benchmarks.bench_lsp [--edits N] [--starts N]

Starts the real server (`python -m modlsp`) with a real LSP client (pygls), opens the
600-line benchmark go.mod with debounceMs 0, sends N incremental edits one at a time and
times each until the diagnostics for that document version arrive. RSS is read from
/proc/PID/status after the edits.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from benchmarks.corpus import big_go_mod


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * fraction) - 1)]


async def _start(client: LanguageClient) -> float:
    began = time.perf_counter()
    await client.start_io(sys.executable, "-m", "modlsp")
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            initialization_options={"debounceMs": 0},
        )
    )
    elapsed = (time.perf_counter() - began) * 1000
    client.initialized(types.InitializedParams())
    return elapsed


async def _stop(client: LanguageClient) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()  # type: ignore[no-untyped-call]


async def measure_start(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        client = LanguageClient("bench", "1")
        times.append(await _start(client))
        await _stop(client)
    return times


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def measure_edits(edits: int) -> tuple[list[float], float, int]:
    client = LanguageClient("bench", "1")
    waiting: dict[int, asyncio.Future[types.PublishDiagnosticsParams]] = {}

    def _published(params: types.PublishDiagnosticsParams) -> None:
        future = waiting.pop(params.version or -1, None)
        if future is not None:
            future.set_result(params)

    client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(_published)

    await _start(client)
    text = big_go_mod().decode()
    uri = Path("/tmp/modlsp-bench/go.mod").as_uri()
    loop = asyncio.get_running_loop()
    waiting[1] = loop.create_future()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "go.mod", 1, text))
    )
    await waiting[1] if 1 in waiting else None
    lines = text.splitlines()
    target = next(i for i, line in enumerate(lines) if line.startswith("\t") and " v" in line)
    column = lines[target].rindex(" v") + 2  # the major version digit
    latencies = []
    for version in range(2, edits + 2):
        digit = str(version % 10)
        future: asyncio.Future[types.PublishDiagnosticsParams] = loop.create_future()
        waiting[version] = future
        change = types.TextDocumentContentChangePartial(
            range=types.Range(
                start=types.Position(line=target, character=column),
                end=types.Position(line=target, character=column + 1),
            ),
            text=digit,
        )
        began = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[change],
            )
        )
        published = await asyncio.wait_for(future, 10)
        latencies.append((time.perf_counter() - began) * 1000)
        assert published.diagnostics is not None
    assert client._server is not None
    pid = client._server.pid
    rss = _rss_mb(pid)
    await _stop(client)
    return latencies, rss, len(text)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--starts", type=int, default=10)
    args = parser.parse_args()
    starts = await measure_start(args.starts)
    print(
        f"start -> initialize result: median {statistics.median(starts):.0f} ms, "
        f"max {max(starts):.0f} ms ({args.starts} starts)"
    )
    latencies, rss, size = await measure_edits(args.edits)
    print(
        f"didChange -> publishDiagnostics ({size} bytes, debounce 0): "
        f"median {statistics.median(latencies):.1f} ms, p95 {_percentile(latencies, 0.95):.1f} ms, "
        f"max {max(latencies):.1f} ms ({args.edits} edits)"
    )
    print(f"server RSS with the file open: {rss:.1f} MB")


if __name__ == "__main__":
    asyncio.run(main())
