"""Planning a major-version bump of a module with many Go files.

    python -m benchmarks.bench_majors [--files 300 10000] [--runs 3]

Generates one module (bench_scan's generator: realistic import sections, 2-6 standard-library
imports, 0-5 imports of the module's own packages, 1-4 third-party ones, a 100-line body) and
times, for each size:
- core: `plan_bump` from disk (find the module and its neighbours, read every Go file, parse
  the ones that mention the module path, plan the edits), in this process, cold each run;
- CLI: `modlsp bump-major DIR` (prints the summary, writes nothing) in a new process;
- server: the real server over stdio (pygls client), from `workspace/executeCommand`
  `modlsp.server.bumpMajor` to the `workspace/applyEdit` it sends, with the number of
  $/progress reports the client saw.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from benchmarks.bench_scan import generate
from modlsp.cli_majors import Neighbourhood, read_file
from modlsp.core.majorbump import plan_bump
from modlsp.core.rename import RenamePlan


def core_seconds(module_dir: Path) -> tuple[float, RenamePlan]:
    start = time.perf_counter()
    place = Neighbourhood(module_dir)
    assert place.main is not None
    plan = plan_bump(place.main, place.others, place.claimed(), read_file)
    assert isinstance(plan, RenamePlan)
    return time.perf_counter() - start, plan


def cli_seconds(module_dir: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "modlsp", "bump-major", str(module_dir)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


async def server_seconds(module_dir: Path) -> tuple[float, int, int]:
    """(executeCommand -> applyEdit seconds, files in the edit, progress reports)."""
    client = LanguageClient("bench", "1")
    scanned = asyncio.Event()
    applied: asyncio.Future[types.ApplyWorkspaceEditParams] = (
        asyncio.get_running_loop().create_future()
    )
    reports: list[Any] = []

    def _create(params: types.WorkDoneProgressCreateParams) -> None:
        return None

    def _progress(params: types.ProgressParams) -> None:
        value = params.value if isinstance(params.value, dict) else {}
        if value.get("kind") == "report":
            reports.append(value)
        if value.get("kind") == "end" and not scanned.is_set():
            scanned.set()

    def _apply(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        if not applied.done():
            applied.set_result(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)(_create)
    client.feature(types.PROGRESS)(_progress)
    client.feature(types.WORKSPACE_APPLY_EDIT)(_apply)
    await client.start_io(sys.executable, "-m", "modlsp", env={**os.environ})
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                window=types.WindowClientCapabilities(work_done_progress=True),
                workspace=types.WorkspaceClientCapabilities(
                    apply_edit=True,
                    workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
                ),
            ),
            workspace_folders=[types.WorkspaceFolder(uri=module_dir.as_uri(), name="bench")],
        )
    )
    client.initialized(types.InitializedParams())
    await asyncio.wait_for(scanned.wait(), 300)
    reports.clear()
    start = time.perf_counter()
    command = types.ExecuteCommandParams(
        command="modlsp.server.bumpMajor",
        arguments=[{"uri": (module_dir / "go.mod").as_uri()}],
    )
    execute = asyncio.ensure_future(client.workspace_execute_command_async(command))
    params = await asyncio.wait_for(applied, 300)
    seconds = time.perf_counter() - start
    await execute
    files = len(params.edit.document_changes or [])
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()  # type: ignore[no-untyped-call]
    return seconds, files, len(reports)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, nargs="+", default=[300, 10_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for files in args.files:
        root = Path(tempfile.mkdtemp(prefix="modlsp-bench-majors-"))
        try:
            generate(root, files, 1)
            module_dir = root / "mod0"
            core, cli, server = [], [], []
            plan: RenamePlan | None = None
            progress = changed = 0
            for _ in range(args.runs):
                seconds, plan = core_seconds(module_dir)
                core.append(seconds)
                cli.append(cli_seconds(module_dir))
                seconds, changed, progress = asyncio.run(server_seconds(module_dir))
                server.append(seconds)
            assert plan is not None
            print(
                f"{files} Go files: {len(plan.go_files)} to change, {plan.import_count} imports;"
                f" server edit covers {changed} files, {progress} progress reports"
            )
            for name, values in (("core", core), ("cli", cli), ("server", server)):
                shown = ", ".join(f"{v:.2f}" for v in values)
                print(f"  {name:6} {shown} s (median {statistics.median(values):.2f} s)")
        finally:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
