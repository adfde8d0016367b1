"""Hover latency under load, through the real server's stdio (issue 7).

    python -m benchmarks.bench_load [--files 5000] [--modules 10] [--edits 1000]
                                    [--requires 20000] [--only scan-refused,...]

Scenarios, each in a fresh server process, offline but for the scenario's proxy, with an
empty version-facts cache and no module cache; hovers are sent back to back (the next one
when the previous answer arrived), round robin over a `go` directive, a required module path
and a required version:

- scan-refused / scan-hanging: a 5,000-file workspace (bench_scan's generator, 10 modules) is
  scanned while a go.mod of it, requiring the five third-party modules its files import, is
  open; the proxy refuses connections, or accepts them and never answers. Hovers start when
  the scan's progress begins (right after `initialized` and didOpen, while `go env` runs too)
  and go on until the scan has landed (every scan begun has ended, and the go.mod was
  published after that).
- edits: the 600-line benchmark go.mod (benchmarks/corpus.py) receives a burst of 1,000
  incremental didChange edits, sent without waiting (a comment typed at the end of the
  file, a character per edit, a new line every 60 characters), and a hover right after the
  last one (so it queues behind them), then 20 more; five bursts.
- requires: a go.mod with 20,000 requirements (about 0.8 MB, under the 1 MiB analysis limit)
  against a proxy that answers every request after 50 ms (404 for unknown modules): hovers
  during the version-facts gather it starts.

A raw JSON-RPC client (no lsprotocol on the client side) times each hover from writing the
request to reading its response. RSS is the server's resident set at the end of a scenario.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.bench_lsp import _rss_mb
from benchmarks.bench_scan import generate
from benchmarks.corpus import big_go_mod

ROOT = Path(__file__).resolve().parent.parent
SERVER = [sys.executable, "-m", "modlsp"]
GOAL_MS = 100.0
SERVE = """
import sys
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from versions.proxyserver import Fault, ProxyServer
faults = {"hang": [Fault("hang")], "slow": [Fault("delay", delay=0.05)], "ok": []}[sys.argv[3]]
with ProxyServer(Path(sys.argv[1]), faults=faults) as proxy:
    print(proxy.url, flush=True)
    sys.stdin.read()
"""
SCANNED_GO_MOD = (
    "module example.com/org/mod0\n"
    "\n"
    "go 1.22\n"
    "\n"
    "require (\n"
    "\tgithub.com/pkg/errors v0.9.1\n"  # line 5
    "\tgolang.org/x/sync v0.7.0\n"
    "\tgolang.org/x/text v0.16.0\n"
    "\tgoogle.golang.org/grpc v1.64.0\n"
    "\tgopkg.in/yaml.v3 v3.0.1\n"
    ")\n"
)
# name -> (line, character) in SCANNED_GO_MOD and in the generated 20,000-requirement go.mod.
HOVERS = {"go directive": (2, 1), "require path": (5, 5), "require version": (5, 24)}


class Client:
    """A minimal LSP client over the server's stdio: requests by id, notifications in order;
    the server's own requests are answered with null."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.notifications: list[dict[str, Any]] = []
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._next_id = 0
        self._arrived = asyncio.Event()
        self._reader = asyncio.ensure_future(self._read())

    @classmethod
    async def start(cls, env: dict[str, str]) -> Client:
        process = await asyncio.create_subprocess_exec(
            *SERVER,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=env,
        )
        return cls(process)

    async def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                length = 0
                while (line := await stdout.readline()) not in (b"\r\n", b""):
                    name, _, value = line.decode("ascii").partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                if not line:
                    return
                message = json.loads(await stdout.readexactly(length))
                if "method" in message and "id" in message:
                    result = None
                    if message["method"] == "workspace/configuration":
                        result = [None] * len(message["params"]["items"])
                    self._write({"jsonrpc": "2.0", "id": message["id"], "result": result})
                elif "method" in message:
                    self.notifications.append(message)
                    self._arrived.set()
                else:
                    future = self._waiting.pop(message["id"], None)
                    if future is not None and not future.done():
                        future.set_result(message)

    def _write(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    async def request(self, method: str, params: Any) -> dict[str, Any]:
        self._next_id += 1
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[self._next_id] = future
        self._write({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params})
        return await asyncio.wait_for(future, 60)

    def notify(self, method: str, params: Any) -> None:
        self._write({"jsonrpc": "2.0", "method": method, "params": params})

    async def until(self, condition: Callable[[], bool], timeout: float = 120) -> None:
        async def wait() -> None:
            while not condition():
                self._arrived.clear()
                await self._arrived.wait()

        await asyncio.wait_for(wait(), timeout)

    async def initialize(self, options: dict[str, Any], root: Path | None) -> None:
        params: dict[str, Any] = {
            "processId": os.getpid(),
            "rootUri": root.as_uri() if root else None,
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "window": {"workDoneProgress": True},
            },
            "initializationOptions": options,
        }
        if root is not None:
            params["workspaceFolders"] = [{"uri": root.as_uri(), "name": root.name}]
        await self.request("initialize", params)
        self.notify("initialized", {})

    def open(self, uri: str, text: str) -> None:
        item = {"uri": uri, "languageId": "go.mod", "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": item})

    async def hover(self, uri: str, line: int, character: int) -> tuple[float, str]:
        """Seconds to the answer, and its text."""
        params = {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
        began = time.perf_counter()
        answer = await self.request("textDocument/hover", params)
        seconds = time.perf_counter() - began
        result = answer.get("result") or {}
        return seconds, str((result.get("contents") or {}).get("value", ""))

    def progress(self, kind: str) -> bool:
        return any(
            n["method"] == "$/progress" and n["params"]["value"].get("kind") == kind
            for n in self.notifications
        )

    def published_after_end(self, uri: str) -> bool:
        """Every scan begun has ended, and the document was published after the first end
        (a later scan that changes nothing for it publishes nothing)."""
        begun = ended = 0
        published = False
        for n in self.notifications:
            if n["method"] == "$/progress":
                kind = n["params"]["value"].get("kind")
                begun += kind == "begin"
                ended += kind == "end"
            elif n["method"] == "textDocument/publishDiagnostics" and ended:
                published = published or n["params"]["uri"] == uri
        return bool(begun) and begun == ended and published

    async def stop(self) -> float:
        """The server's RSS in MB, then shutdown and exit."""
        rss = _rss_mb(self.process.pid)
        with contextlib.suppress(asyncio.TimeoutError, ConnectionError):
            await asyncio.wait_for(self.request("shutdown", None), 10)
            self.notify("exit", None)
            await asyncio.wait_for(self.process.wait(), 10)
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        self._reader.cancel()
        return rss


class Latencies:
    def __init__(self) -> None:
        self.by_kind: dict[str, list[float]] = {name: [] for name in HOVERS}
        self.first: tuple[str, float] | None = None
        # Over the goal: kind, ms, seconds since the scenario began, the answer's start.
        self.slow: list[tuple[str, float, float, str]] = []
        self.began = time.perf_counter()

    def add(self, kind: str, seconds: float, text: str) -> None:
        ms = seconds * 1000
        if self.first is None:
            self.first = (kind, ms)
        self.by_kind[kind].append(ms)
        if ms > GOAL_MS:
            at = time.perf_counter() - self.began - seconds
            self.slow.append((kind, round(ms), round(at, 2), text.split("\n", 1)[0][:50]))

    def report(self, title: str, rss: float, extra: str = "") -> str:
        everything = [ms for values in self.by_kind.values() for ms in values]
        lines = [f"{title}: {_stats(everything)}; RSS {rss:.0f} MB{extra}"]
        for kind, values in self.by_kind.items():
            lines.append(f"    {kind}: {_stats(values)}")
        if self.first is not None:
            lines.append(f"    first hover ({self.first[0]}): {self.first[1]:.1f} ms")
        if self.slow:
            lines.append(f"    over {GOAL_MS:.0f} ms: {len(self.slow)} (kind, ms, at s, answer):")
            lines.extend(f"        {slow}" for slow in self.slow[:8])
        return "\n".join(lines)


def _stats(values: list[float]) -> str:
    if not values:
        return "no hovers"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    median = ordered[len(ordered) // 2]
    return f"n={len(ordered)} median {median:.1f} ms, p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms"


def _env(work: Path) -> dict[str, str]:
    """Offline but for the scenario's proxy (the `goproxy` setting), with an empty answer
    cache of its own and an empty module cache."""
    return {
        **os.environ,
        "GOPROXY": "off",
        "GOENV": "off",
        "MODLSP_CACHE_DIR": str(work / f"cache-{time.monotonic_ns()}"),
        "GOMODCACHE": str(work / "modcache"),
    }


@contextlib.contextmanager
def proxy(kind: str, root: Path) -> Any:
    """The URL of a module proxy serving `root`: "refused" (nothing listens), "hang" (never
    answers), "slow" (answers after 50 ms), served from a separate process."""
    if kind == "refused":
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:  # a port just freed
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        yield f"http://127.0.0.1:{port}"
        return
    root.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(root), str(ROOT / "tests"), kind],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        yield server.stdout.readline().strip()
    finally:
        server.communicate("", timeout=30)


async def scan_scenario(workspace: Path, work: Path, proxy_url: str, title: str) -> str:
    client = await Client.start(_env(work))
    gomod = workspace / "mod0" / "go.mod"
    uri = gomod.as_uri()
    latencies = Latencies()
    began = time.perf_counter()
    await client.initialize({"goproxy": proxy_url}, workspace)
    client.open(uri, SCANNED_GO_MOD)
    await client.until(lambda: client.progress("begin"))
    during = True
    while during and time.perf_counter() - began < 60:
        during = not client.published_after_end(uri)
        for kind, (line, character) in HOVERS.items():
            seconds, text = await client.hover(uri, line, character)
            latencies.add(kind, seconds, text)
    landed = time.perf_counter() - began
    rss = await client.stop()
    scans = sum(
        1
        for n in client.notifications
        if n["method"] == "$/progress" and n["params"]["value"].get("kind") == "begin"
    )
    outcome = f"{scans} scan(s) landed {landed:.1f} s after initialize"
    return latencies.report(title, rss, "; " + (outcome if not during else "scan still running"))


async def edits_scenario(work: Path, edits: int, bursts: int = 5, after: int = 20) -> str:
    client = await Client.start(_env(work))
    text = big_go_mod().decode()
    gomod = work / "edits" / "go.mod"
    gomod.parent.mkdir(exist_ok=True)
    gomod.write_text(text)
    uri = gomod.as_uri()
    await client.initialize({}, None)
    client.open(uri, text)
    await client.until(lambda: any(n["params"].get("uri") == uri for n in client.notifications))
    lines = text.split("\n")
    spots = {"go directive": _find(lines, "go "), "require path": _find(lines, "\t")}
    required = spots["require path"][0]
    spots["require version"] = (required, lines[required].index(" v") + 2)
    # Typed at the end of the file, as someone writes a comment: a character per didChange,
    # a new "// " line every 60 characters, so every version analyses the same way.
    line, column, version = len(lines) - 1, 0, 1
    first = Latencies()
    rest = Latencies()
    for _ in range(bursts):
        for _ in range(edits):
            version += 1
            typed = "// " if column == 0 else "\n" if column >= 60 else "x"
            at = {"line": line, "character": column}
            change = {"range": {"start": at, "end": at}, "text": typed}
            line, column = (line + 1, 0) if typed == "\n" else (line, column + len(typed))
            client.notify(
                "textDocument/didChange",
                {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
            )
        for n in range(after + 1):
            kind = list(spots)[n % len(spots)]
            seconds, answer = await client.hover(uri, *spots[kind])
            (first if n == 0 else rest).add(kind, seconds, answer)
    rss = await client.stop()
    return (
        first.report(f"edits: first hover after each burst of {edits} didChange", rss)
        + "\n"
        + rest.report(f"edits: the {after} hovers after it", rss)
    )


def _find(lines: list[str], prefix: str) -> tuple[int, int]:
    number = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    return number, 1


def requires_text(count: int) -> str:
    body = "".join(f"\texample.com/org{i % 97}/module{i:05d} v1.{i % 9}.0\n" for i in range(count))
    return f"module example.com/big\n\ngo 1.22\n\nrequire (\n{body})\n"


async def requires_scenario(work: Path, proxy_url: str, count: int) -> str:
    client = await Client.start(_env(work))
    text = requires_text(count)
    gomod = work / "requires" / "go.mod"
    gomod.parent.mkdir(exist_ok=True)
    gomod.write_text(text)
    uri = gomod.as_uri()
    latencies = Latencies()
    spots = {"go directive": (2, 1), "require path": (5, 5), "require version": (5, 32)}
    await client.initialize({"goproxy": proxy_url}, None)
    client.open(uri, text)
    await client.until(lambda: any(n["params"].get("uri") == uri for n in client.notifications))
    began = time.perf_counter()
    while time.perf_counter() - began < 10.0:
        for kind, (line, character) in spots.items():
            seconds, answer = await client.hover(uri, line, character)
            latencies.add(kind, seconds, answer)
    rss = await client.stop()
    size = len(text) / 1e6
    return latencies.report(f"requires: {count} requirements ({size:.1f} MB), 10 s", rss)


async def run(args: argparse.Namespace, work: Path) -> None:
    only = set(args.only.split(",")) if args.only else None

    def wanted(name: str) -> bool:
        return only is None or name in only

    if wanted("scan-refused") or wanted("scan-hanging"):
        workspace = work / "workspace"
        written = generate(workspace, args.files, args.modules)
        print(f"generated {written} Go files in {args.modules} modules", flush=True)
        (workspace / "mod0" / "go.mod").write_text(SCANNED_GO_MOD)
        if wanted("scan-refused"):
            with proxy("refused", work / "proxy") as url:
                print(await scan_scenario(workspace, work, url, "scan, refusing proxy"), flush=True)
        if wanted("scan-hanging"):
            with proxy("hang", work / "proxy") as url:
                print(await scan_scenario(workspace, work, url, "scan, hanging proxy"), flush=True)
    if wanted("edits"):
        print(await edits_scenario(work, args.edits), flush=True)
    if wanted("requires"):
        with proxy("slow", work / "proxy") as url:
            print(await requires_scenario(work, url, args.requires), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--modules", type=int, default=10)
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--requires", type=int, default=20_000)
    parser.add_argument("--only", help="comma-separated: scan-refused,scan-hanging,edits,requires")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="modlsp-bench-load-") as tmp:
        asyncio.run(run(args, Path(tmp)))


if __name__ == "__main__":
    main()
