"""An import edit in an open Go file -> updated diagnostics for the file and its go.mod.

    python -m benchmarks.bench_imports [--files 10000] [--modules 20] [--edits 200]

Generates the bench_scan workspace (N modules, realistic import sections), gives every module a
go.mod that requires the third-party modules it imports and the other workspace modules
(replaced by their directories, as monorepos do), and a module cache holding the third-party
modules. The real server (over stdio, pygls client, debounceMs 0) scans the workspace; then one
file of mod0, the only importer of `example.com/solo`, has that import toggled between
`example.com/solo` and a path nothing provides. Each toggle changes the file's diagnostics and
the go.mod's ("not used" / not) and is timed from didChange until both publications arrived.
Also `modlsp check` on the whole tree, timed, with its finding count.
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

from benchmarks.bench_lsp import _percentile, _rss_mb
from benchmarks.bench_scan import generate
from modlsp.core.modpath import escape_path, escape_version

THIRD_PARTY = {  # module -> (version, package dirs the generator imports)
    "github.com/pkg/errors": ("v0.9.1", ["."]),
    "golang.org/x/sync": ("v0.7.0", ["errgroup"]),
    "golang.org/x/text": ("v0.14.0", ["language"]),
    "google.golang.org/grpc": ("v1.64.0", ["."]),
    "gopkg.in/yaml.v3": ("v3.0.1", ["."]),
    "example.com/solo": ("v1.0.0", ["."]),
}
ZERO = "v0.0.0-00010101000000-000000000000"


def write_cache(cache: Path) -> None:
    for path, (version, packages) in THIRD_PARTY.items():
        download = cache / "cache" / "download" / escape_path(path) / "@v"
        download.mkdir(parents=True, exist_ok=True)
        gomod = f"module {path}\n\ngo 1.21\n"
        (download / f"{escape_version(version)}.mod").write_text(gomod)
        info = {"Version": version, "Time": "2024-01-01T00:00:00Z"}
        (download / f"{escape_version(version)}.info").write_text(json.dumps(info))
        source = cache / f"{escape_path(path)}@{escape_version(version)}"
        for package in packages:
            directory = source / package
            directory.mkdir(parents=True, exist_ok=True)
            name = path.rsplit("/", 1)[-1].split(".")[0] if package == "." else package
            (directory / "x.go").write_text(f'package {name}\n\nimport "fmt"\n')
        (source / "go.mod").write_text(gomod)


def write_gomods(root: Path, modules: int) -> None:
    for m in range(modules):
        requires = [f"\t{p} {v}" for p, (v, _) in THIRD_PARTY.items() if p != "example.com/solo"]
        if m == 0:
            requires.append(f"\texample.com/solo {THIRD_PARTY['example.com/solo'][0]}")
        others = [k for k in range(modules) if k != m]
        requires += [f"\texample.com/org/mod{k} {ZERO}" for k in others]
        replaces = [f"\texample.com/org/mod{k} => ../mod{k}" for k in others]
        text = (
            f"module example.com/org/mod{m}\n\ngo 1.22\n\n"
            f"require (\n{chr(10).join(requires)}\n)\n\nreplace (\n{chr(10).join(replaces)}\n)\n"
        )
        (root / f"mod{m}" / "go.mod").write_text(text)
    solo = root / "mod0" / "solo"
    solo.mkdir()
    (solo / "solo.go").write_text(SOLO_GO)


SOLO_GO = 'package solo\n\nimport (\n\t"fmt"\n\n\t"example.com/solo"\n)\n'
SOLO_LINE, SOLO_COLUMN = 5, 14  # the "o" that the edits toggle, in `"example.com/solo"`


async def measure(root: Path, cache: Path, edits: int) -> tuple[float, list[float], float]:
    client = LanguageClient("bench", "1")
    published: list[types.PublishDiagnosticsParams] = []
    arrived = asyncio.Event()
    scanned = asyncio.Event()

    def _published(params: types.PublishDiagnosticsParams) -> None:
        published.append(params)
        arrived.set()

    def _create(params: types.WorkDoneProgressCreateParams) -> None:
        return None

    def _progress(params: types.ProgressParams) -> None:
        if isinstance(params.value, dict) and params.value.get("kind") == "end":
            scanned.set()

    client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(_published)
    client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)(_create)
    client.feature(types.PROGRESS)(_progress)

    async def next_for(uri: str, since: int) -> int:
        index = since
        while True:
            for i in range(index, len(published)):
                if published[i].uri == uri:
                    return i + 1
            index = len(published)
            arrived.clear()
            await asyncio.wait_for(arrived.wait(), 30)

    env = {**os.environ, "GOMODCACHE": str(cache)}
    await client.start_io(sys.executable, "-m", "modlsp", env=env)
    began = time.perf_counter()
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                window=types.WindowClientCapabilities(work_done_progress=True)
            ),
            initialization_options={"debounceMs": 0},
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="bench")],
        )
    )
    client.initialized(types.InitializedParams())
    await asyncio.wait_for(scanned.wait(), 120)
    scan_seconds = time.perf_counter() - began

    solo = root / "mod0" / "solo" / "solo.go"
    gomod = root / "mod0" / "go.mod"
    for path, language in ((gomod, "go.mod"), (solo, "go")):
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(path.as_uri(), language, 1, path.read_text())
            )
        )
    await next_for(solo.as_uri(), 0)
    latencies = []
    for version in range(2, edits + 2):
        since = len(published)
        change = types.TextDocumentContentChangePartial(
            range=types.Range(
                start=types.Position(line=SOLO_LINE, character=SOLO_COLUMN),
                end=types.Position(line=SOLO_LINE, character=SOLO_COLUMN + 1),
            ),
            text="0" if version % 2 == 0 else "o",
        )
        start = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=solo.as_uri(), version=version
                ),
                content_changes=[change],
            )
        )
        await next_for(solo.as_uri(), since)
        await next_for(gomod.as_uri(), since)
        latencies.append((time.perf_counter() - start) * 1000)
    assert client._server is not None
    rss = _rss_mb(client._server.pid)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()  # type: ignore[no-untyped-call]
    return scan_seconds, latencies, rss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--modules", type=int, default=20)
    parser.add_argument("--edits", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp, "ws")
        cache = Path(tmp, "modcache")
        written = generate(root, args.files, args.modules)
        write_gomods(root, args.modules)
        write_cache(cache)
        print(f"generated {written} files in {args.modules} modules")
        scan, latencies, rss = asyncio.run(measure(root, cache, args.edits))
        print(f"server: workspace folder scanned in {scan:.2f} s")
        print(
            f"import edit -> diagnostics for the file and its go.mod: "
            f"median {statistics.median(latencies):.1f} ms, "
            f"p95 {_percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms "
            f"({args.edits} edits); server RSS {rss:.0f} MB"
        )
        began = time.perf_counter()
        check = subprocess.run(
            [sys.executable, "-m", "modlsp", "check", str(root)],
            capture_output=True,
            text=True,
            env={**os.environ, "GOMODCACHE": str(cache)},
        )
        elapsed = time.perf_counter() - began
        print(
            f"modlsp check on the tree: {elapsed:.2f} s, exit {check.returncode}, "
            f"{len(check.stdout.splitlines())} findings"
        )


if __name__ == "__main__":
    main()
