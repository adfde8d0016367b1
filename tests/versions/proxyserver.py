"""A real HTTP Go module proxy on 127.0.0.1, serving a GOPROXY directory (e.g. the one
`fixture.build_fixture` writes), with a request log, optional basic auth, an optional mount
path and fault injection.

    with ProxyServer(root) as proxy:
        env["GOPROXY"] = proxy.url          # "http://127.0.0.1:PORT" (+ the mount path)
        ...
        proxy.requests                      # what was asked, in arrival order
        proxy.add_fault(Fault("status", suffix="/@v/list", status=502))

The server runs an aiohttp application on its own event loop in a background thread; every
public method is safe to call from other threads (the test thread).  Stopping it releases
`hang` faults, closes every connection and joins the thread.

With `tls=True` it serves https, with a certificate for 127.0.0.1 and localhost signed by a
throwaway CA made for this server (`trustme`, no network): clients trust it through
`client_ssl_context()` or the CA file `ca_pem` (e.g. SSL_CERT_FILE for the go command).

Protocol (https://go.dev/ref/mod#goproxy-protocol): `GET <mount>/<escaped path>/@v/list`,
`/@v/<escaped version>.info|.mod|.zip` and `/<escaped path>/@latest` are answered from the
files under `root`; HEAD is accepted too, other methods get 405.  A missing file, a path
outside the mount or a path with `.`/`..`/empty elements gets 404 with the text body
`not found: <path>@<version>` (the go command prints it as "server response: ...").  The same
directory is usable as `GOPROXY=root.as_uri()`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import shutil
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Literal

import trustme
from aiohttp import web

from modlsp.core.modpath import unescape_path, unescape_version

FaultKind = Literal["status", "delay", "hang", "malformed", "truncated", "huge", "drop"]

HUGE_SIZE = 64 * 1024 * 1024
"""The default body size of a `huge` fault: 64 MiB."""

_CHUNK = 1024 * 1024
_START_TIMEOUT = 10.0

_CONTENT_TYPES = {
    "list": "text/plain; charset=utf-8",
    "info": "application/json",
    "mod": "text/plain; charset=utf-8",
    "zip": "application/zip",
}

_MALFORMED = {
    "info": b'{"Version": ',
    "list": b"\x00\xff not a version list\n",
    "mod": b"module (\n",
    "zip": b"PK\x03\x04 this is not a zip file",
}


@dataclass(frozen=True)
class Fault:
    """A fault injected into the answers to the requests it matches.

    A request matches when its path, relative to the mount (e.g.
    `/example.com/alpha/@v/list`, always starting with `/`), starts with `prefix` and ends
    with `suffix` (both default to "", matching everything).  `times` limits how many
    requests the fault applies to (None: all of them); the first matching fault with uses
    left wins, in the order the faults were added.  The kinds:

    - `status`: answer `status` (e.g. 500, 502, 410, 404) with the text body `body` (default
      `injected fault: <status>`).  The go command falls through to the next GOPROXY entry
      after `,` only on 404 and 410.
    - `delay`: wait `delay` seconds (asyncio, the loop keeps serving other requests), then
      answer normally.  Stopping the server cuts the wait short and drops the connection.
    - `hang`: never answer; when the server stops, drop the connection.  The request is in the
      log as soon as it arrives (`wait_for_requests` can wait for it).
    - `malformed`: 200 with a body of the right content type that does not parse: `body`, or
      by extension `{"Version": ` (.info and @latest), `module (` (.mod), bytes that are not
      a version list (list), a zip local-header magic followed by junk (.zip).
    - `truncated`: 200 with `Content-Length` set to the real answer's length + 1,000, send
      the first half of the real answer (at least one byte when there is any), then close the
      connection: the client sees an unexpected EOF.
    - `huge`: 200 with a `size`-byte body (64 MiB by default) of repeated `v1.0.0` lines,
      streamed in 1 MiB chunks; with `declare_length`, `Content-Length` announces the size,
      otherwise the body is chunked so that only counting the bytes reveals it.  Stops early
      when the client goes away or the server stops.
    - `drop`: close the connection without sending anything (the client sees the connection
      closed before a status line).
    """

    kind: FaultKind
    prefix: str = ""
    suffix: str = ""
    status: int = 500
    delay: float = 0.0
    body: bytes | None = None
    size: int = HUGE_SIZE
    declare_length: bool = True
    times: int | None = None

    def matches(self, path: str) -> bool:
        return path.startswith(self.prefix) and path.endswith(self.suffix)


@dataclass(frozen=True)
class RequestRecord:
    """One request the server received, recorded on arrival (before it is answered)."""

    method: str
    path: str
    """The request path relative to the mount, starting with `/`, percent-decoded, e.g.
    `/example.com/!upper/!case/@v/list`; for a request outside the mount, the full path."""
    authorized: bool
    """The request had an `Authorization` header (whether or not it was right)."""
    time: float
    """`time.monotonic()` at arrival."""
    fault: FaultKind | None = None
    """The fault applied to the request, if any."""
    full_path: str = ""
    """The path as received, including the mount."""


@dataclass
class _FaultSlot:
    fault: Fault
    remaining: int | None = field(default=None)


def refused_url() -> str:
    """An `http://127.0.0.1:PORT` URL where nothing listens (a port the OS just handed out
    and that was closed again), for "connection refused" tests."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _unsafe(rel: str) -> bool:
    """`rel` has an empty, `.` or `..` element or a backslash."""
    parts = rel.split("/")[1:]
    return not parts or any(p in ("", ".", "..") or "\\" in p for p in parts)


def _not_found_text(rel: str) -> str:
    """`not found: <path>@<version>` for a proxy request path relative to the mount
    (`not found: <rel>` for a path with `.`, `..` or empty elements)."""
    if _unsafe(rel):
        return f"not found: {rel}"
    escaped, at, tail = rel.strip("/").partition("/@")
    try:
        path = unescape_path(escaped)
    except ValueError:
        path = escaped
    if not at:
        return f"not found: {path}"
    if tail == "latest":
        return f"not found: {path}@latest"
    if tail == "v/list":
        return f"not found: {path}@list"
    version = tail.removeprefix("v/").rpartition(".")[0] or tail
    with contextlib.suppress(ValueError):
        version = unescape_version(version)
    return f"not found: {path}@{version}"


def _extension(rel: str) -> str:
    if rel.endswith("/@v/list"):
        return "list"
    if rel.endswith("/@latest"):
        return "info"
    return rel.rpartition(".")[2]


class ProxyServer:
    """An HTTP module proxy serving `root` on 127.0.0.1 (a free port), in a background
    thread; a context manager (`start()` / `stop()` also work).

    `credentials` ("user", "password"): every request needs the matching basic
    `Authorization` header, otherwise 401 with `WWW-Authenticate: Basic`.  `base`: a mount
    path (e.g. "/base" or "base/"): the proxy lives at `http://127.0.0.1:PORT/base`, anything
    else is 404.  `tls`: serve https (see the module docstring).
    """

    def __init__(
        self,
        root: Path,
        *,
        credentials: tuple[str, str] | None = None,
        base: str = "",
        faults: Iterable[Fault] = (),
        tls: bool = False,
    ) -> None:
        self.root = root
        self.tls = tls
        self._ca: trustme.CA | None = None
        self._server_ssl: ssl.SSLContext | None = None
        self._ca_dir: Path | None = None
        if tls:
            self._ca = trustme.CA()
            self._server_ssl = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self._ca.issue_cert("127.0.0.1", "localhost").configure_cert(self._server_ssl)
        self.base = "/" + base.strip("/") if base.strip("/") else ""
        self._auth: str | None = None
        if credentials is not None:
            token = base64.b64encode(f"{credentials[0]}:{credentials[1]}".encode()).decode()
            self._auth = f"Basic {token}"
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._log: list[RequestRecord] = []
        self._faults: list[_FaultSlot] = []
        for fault in faults:
            self.add_fault(fault)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._port = 0

    # -- life cycle ---------------------------------------------------------------------------

    def __enter__(self) -> ProxyServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the proxy server is already started")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind(("127.0.0.1", 0))
            sock.listen(512)
        except OSError:
            sock.close()
            raise
        self._port = sock.getsockname()[1]
        self._thread = threading.Thread(
            target=self._run, args=(sock,), name=f"ProxyServer:{self._port}", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(_START_TIMEOUT):
            raise RuntimeError("the proxy server did not start")
        if self._error is not None:
            self._thread.join()
            raise RuntimeError("the proxy server failed to start") from self._error

    def stop(self) -> None:
        """Release hanging requests, close every connection, join the thread and remove the
        `ca_pem` file; idempotent."""
        if self._ca_dir is not None:
            shutil.rmtree(self._ca_dir, ignore_errors=True)
            self._ca_dir = None
        thread, loop, stopping = self._thread, self._loop, self._stopping
        if thread is None:
            return
        if loop is not None and stopping is not None and thread.is_alive():
            with contextlib.suppress(RuntimeError):  # the loop already closed
                loop.call_soon_threadsafe(stopping.set)
        thread.join()
        self._thread = None

    def _run(self, sock: socket.socket) -> None:
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(self._main(sock))
        except BaseException as exc:  # reported to start() or lost after stop()
            self._error = exc
        finally:
            self._ready.set()
            with contextlib.suppress(Exception):
                loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            sock.close()

    async def _main(self, sock: socket.socket) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=5.0)
        await runner.setup()
        try:
            await web.SockSite(runner, sock, backlog=512, ssl_context=self._server_ssl).start()
            self._ready.set()
            await self._stopping.wait()
        finally:
            if self.tls and runner.server is not None:
                # A TLS connection would wait for the client's close_notify, which a client
                # blocked in stop() never sends: cut them (plain http ones close cleanly).
                for handler in runner.server.connections:
                    if handler.transport is not None:
                        handler.transport.abort()
            await runner.cleanup()

    # -- addresses ----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    @property
    def origin(self) -> str:
        """`http://127.0.0.1:PORT` (`https://` with TLS), without the mount path."""
        return f"{self.scheme}://127.0.0.1:{self._port}"

    @property
    def url(self) -> str:
        """The GOPROXY URL: `http://127.0.0.1:PORT` plus the mount path, no trailing slash."""
        return self.origin + self.base

    def url_with_credentials(self, user: str, password: str) -> str:
        """The GOPROXY URL with `user:password@` in it."""
        return f"{self.scheme}://{user}:{password}@127.0.0.1:{self._port}{self.base}"

    # -- TLS ----------------------------------------------------------------------------------

    def client_ssl_context(self) -> ssl.SSLContext:
        """A client context that verifies certificates and host names and trusts this
        server's CA only (not the system's)."""
        if self._ca is None:
            raise RuntimeError("the proxy server has no TLS (tls=True)")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED, check_hostname
        self._ca.configure_trust(context)
        return context

    @property
    def ca_pem(self) -> Path:
        """The CA certificate in PEM, in a temporary file removed by `stop()`."""
        if self._ca is None:
            raise RuntimeError("the proxy server has no TLS (tls=True)")
        if self._ca_dir is None:
            self._ca_dir = Path(tempfile.mkdtemp(prefix="modlsp-test-ca-"))
            self._ca.cert_pem.write_to_path(self._ca_dir / "ca.pem")
        return self._ca_dir / "ca.pem"

    # -- request log --------------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """A copy of the request log, in arrival order."""
        with self._lock:
            return list(self._log)

    def paths(self) -> list[str]:
        """The logged request paths relative to the mount, in arrival order."""
        with self._lock:
            return [r.path for r in self._log]

    def clear(self) -> None:
        """Empty the request log."""
        with self._lock:
            self._log.clear()

    def wait_for_requests(
        self, count: int = 1, timeout: float = 10.0, where: Callable[[RequestRecord], bool] = bool
    ) -> bool:
        """Wait until the log holds at least `count` requests for which `where` is true;
        False on timeout."""
        with self._changed:
            return self._changed.wait_for(
                lambda: sum(1 for r in self._log if where(r)) >= count, timeout
            )

    # -- faults -------------------------------------------------------------------------------

    def add_fault(self, fault: Fault) -> None:
        """Apply `fault` to the matching requests from now on (after the faults already
        added)."""
        with self._lock:
            self._faults.append(_FaultSlot(fault, fault.times))

    def set_faults(self, *faults: Fault) -> None:
        """Replace every fault with `faults`."""
        with self._lock:
            self._faults = [_FaultSlot(f, f.times) for f in faults]

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _take_fault(self, rel: str) -> Fault | None:
        for slot in self._faults:
            if slot.fault.matches(rel) and (slot.remaining is None or slot.remaining > 0):
                if slot.remaining is not None:
                    slot.remaining -= 1
                return slot.fault
        return None

    # -- serving ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        full = request.path
        inside = not self.base or full == self.base or full.startswith(self.base + "/")
        rel = full[len(self.base) :] if inside else full
        authorized = "Authorization" in request.headers
        with self._changed:
            fault = self._take_fault(rel) if inside else None
            self._log.append(
                RequestRecord(
                    method=request.method,
                    path=rel,
                    authorized=authorized,
                    time=time.monotonic(),
                    fault=fault.kind if fault else None,
                    full_path=full,
                )
            )
            self._changed.notify_all()
        if request.method not in ("GET", "HEAD"):
            return web.Response(status=405, text="method not allowed\n")
        if not inside:
            return web.Response(status=404, text=f"not found: {full}\n")
        if self._auth is not None and request.headers.get("Authorization") != self._auth:
            return web.Response(
                status=401,
                text="unauthorized\n",
                headers={"WWW-Authenticate": 'Basic realm="modlsp-test-proxy"'},
            )
        if fault is not None:
            return await self._faulty(request, rel, fault)
        return self._serve(rel)

    def _file(self, rel: str) -> Path | None:
        if _unsafe(rel) or not (rel.endswith("/@latest") or "/@v/" in rel):
            return None
        parts = rel.split("/")[1:]
        target = self.root.joinpath(*parts)
        return target if target.is_file() else None

    def _serve(self, rel: str) -> web.Response:
        target = self._file(rel)
        if target is None:
            return web.Response(status=404, text=_not_found_text(rel) + "\n")
        content_type = _CONTENT_TYPES.get(_extension(rel), "application/octet-stream")
        return web.Response(body=target.read_bytes(), headers={"Content-Type": content_type})

    async def _faulty(self, request: web.Request, rel: str, fault: Fault) -> web.StreamResponse:
        stopping = self._stopping
        assert stopping is not None
        if fault.kind == "status":
            text = fault.body if fault.body is not None else f"injected fault: {fault.status}\n"
            return web.Response(status=fault.status, body=text)
        if fault.kind == "delay":
            try:
                await asyncio.wait_for(stopping.wait(), fault.delay)
            except asyncio.TimeoutError:
                return self._serve(rel)
            return _drop(request)
        if fault.kind == "hang":
            await stopping.wait()
            return _drop(request)
        if fault.kind == "drop":
            return _drop(request)
        if fault.kind == "malformed":
            ext = _extension(rel)
            body = fault.body if fault.body is not None else _MALFORMED.get(ext, b"\x00junk")
            content_type = _CONTENT_TYPES.get(ext, "application/octet-stream")
            return web.Response(body=body, headers={"Content-Type": content_type})
        if fault.kind == "truncated":
            return await self._truncated(request, rel)
        return await self._huge(request, fault, stopping)

    async def _truncated(self, request: web.Request, rel: str) -> web.StreamResponse:
        target = self._file(rel)
        data = target.read_bytes() if target is not None else b"truncated answer\n"
        resp = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
        resp.content_length = len(data) + 1000
        await resp.prepare(request)
        with contextlib.suppress(ConnectionError):
            await resp.write(data[: max(1, len(data) // 2)] if data else b"")
        if request.transport is not None:
            request.transport.close()
        return resp

    async def _huge(
        self, request: web.Request, fault: Fault, stopping: asyncio.Event
    ) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/plain; charset=utf-8"})
        if fault.declare_length:
            resp.content_length = fault.size
        else:
            resp.enable_chunked_encoding()
        await resp.prepare(request)
        line = b"v1.0.0\n"
        chunk = line * (_CHUNK // len(line) + 1)
        left = fault.size
        try:
            while left > 0 and not stopping.is_set():
                piece = chunk[: min(left, _CHUNK)]
                await resp.write(piece)
                left -= len(piece)
            if left == 0:
                await resp.write_eof()
                return resp
        except ConnectionError:
            pass
        return _drop(request)


def _drop(request: web.Request) -> web.Response:
    """Close the connection at once; aiohttp then sends nothing for the returned response."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=500)
