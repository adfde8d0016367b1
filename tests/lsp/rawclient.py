"""A minimal JSON-RPC client over the server's stdio, for tests that must send what no real
client library would (malformed frames, wrong params, requests after shutdown) or watch the
process itself (exit codes, RSS, stderr).

It writes Content-Length frames to the real `python -m modlsp` process, reads the server's
frames in a background task, answers the server's own requests with null (or a list of nulls
for workspace/configuration), and keeps the server's stderr for failure reports.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .support import TIMEOUT

SERVER = [sys.executable, "-m", "modlsp"]


def server_env(**extra: str) -> dict[str, str]:
    """The environment the other end-to-end tests give the server: no module cache."""
    return {**os.environ, "GOMODCACHE": "/nonexistent/modcache", **extra}


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def encode(message: dict[str, Any]) -> bytes:
    return frame(json.dumps(message).encode("utf-8"))


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    """The resident set size of process `pid` in KiB, from /proc/<pid>/status (`field`
    "VmHWM": its peak so far)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for process {pid}")


class RawServer:
    """The server process and what it has said: responses by id, notifications in order."""

    def __init__(self, process: asyncio.subprocess.Process, *, read: bool = True) -> None:
        self.process = process
        self.responses: dict[Any, dict[str, Any]] = {}
        self.notifications: list[dict[str, Any]] = []
        self.server_requests: list[dict[str, Any]] = []
        self.unparsable: list[bytes] = []  # frames from the server that are not JSON
        self.stderr = bytearray()
        self._next_id = 0
        self._arrived = asyncio.Event()
        self._tasks = [asyncio.ensure_future(self._read_stderr())]
        self._reader: asyncio.Future[None] | None = None
        if read:
            self.start_reading()

    @classmethod
    async def start(
        cls, env: dict[str, str] | None = None, *, read: bool = True, limit: int = 1 << 16
    ) -> RawServer:
        """The server, started; with `read=False` its stdout is not read until
        `start_reading()` (asyncio still buffers up to about 2 * `limit` bytes of it)."""
        process = await asyncio.create_subprocess_exec(
            *SERVER,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env or server_env(),
            limit=limit,
        )
        return cls(process, read=read)

    def start_reading(self) -> None:
        self._reader = asyncio.ensure_future(self._read())
        self._tasks.append(self._reader)

    @property
    def pid(self) -> int:
        return self.process.pid

    def stderr_text(self, last: int = 6000) -> str:
        """The server's stderr so far: its `last` characters (the rest elided)."""
        text = self.stderr.decode("utf-8", "replace")
        return text if len(text) <= last else "[...]\n" + text[-last:]

    # -- reading ----------------------------------------------------------------------------

    async def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        try:
            while True:
                length = None
                while True:
                    line = await stdout.readline()
                    if not line:
                        return
                    if line in (b"\r\n", b"\n"):
                        break
                    name, _, value = line.decode("ascii", "replace").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                if length is None:
                    continue
                body = await stdout.readexactly(length)
                try:
                    message = json.loads(body)
                except ValueError:
                    self.unparsable.append(body)
                else:
                    self._dispatch(message)
                self._arrived.set()
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            self._arrived.set()

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "method" in message and "id" in message:
            self.server_requests.append(message)
            result: Any = None
            if message["method"] == "workspace/configuration":
                result = [None] * len(message.get("params", {}).get("items", []))
            self._write(encode({"jsonrpc": "2.0", "id": message["id"], "result": result}))
        elif "method" in message:
            self.notifications.append(message)
        else:
            self.responses[message.get("id")] = message

    async def _read_stderr(self) -> None:
        stderr = self.process.stderr
        assert stderr is not None
        while chunk := await stderr.read(65536):
            self.stderr.extend(chunk)

    async def until(self, condition: Callable[[], Any], timeout: float = TIMEOUT) -> Any:
        """Wait for the first truthy `condition()`, re-checked whenever a message arrives;
        AssertionError (with the server's stderr) on timeout."""

        async def wait() -> Any:
            while True:
                value = condition()
                if value:
                    return value
                if self._reader is not None and self._reader.done():  # stdout closed
                    raise AssertionError(
                        "the server closed its stdout (exit code "
                        f"{self.process.returncode}); stderr:\n{self.stderr_text()}"
                    )
                self._arrived.clear()
                await self._arrived.wait()

        try:
            return await asyncio.wait_for(wait(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(
                f"timed out after {timeout}s; server stderr:\n{self.stderr_text()}"
            ) from None

    # -- writing ----------------------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        if not stdin.is_closing():
            stdin.write(data)

    async def send_bytes(self, data: bytes) -> None:
        self._write(data)
        stdin = self.process.stdin
        assert stdin is not None
        with contextlib.suppress(ConnectionError):
            await stdin.drain()

    async def send(self, message: dict[str, Any]) -> None:
        await self.send_bytes(encode(message))

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    async def request(self, method: str, params: Any = None, *, omit_params: bool = False) -> int:
        """Send a request; its id. `params` is sent as given (lists and junk included)."""
        message_id = self.new_id()
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": message_id, "method": method}
        if not omit_params:
            message["params"] = params
        await self.send(message)
        return message_id

    async def notify(self, method: str, params: Any = None) -> None:
        await self.send({"jsonrpc": "2.0", "method": method, "params": params})

    async def response(self, message_id: Any, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The response to request `message_id` (a result or an error message)."""
        return await self.until(lambda: self.responses.get(message_id), timeout)  # type: ignore[no-any-return]

    async def answers(
        self, message_ids: list[Any], timeout: float = TIMEOUT
    ) -> dict[Any, dict[str, Any] | None]:
        """The responses to `message_ids` that arrive within `timeout` (one deadline for all;
        None for the unanswered), without raising."""
        with contextlib.suppress(AssertionError):
            await self.until(lambda: all(i in self.responses for i in message_ids), timeout)
        return {i: self.responses.get(i) for i in message_ids}

    async def call(self, method: str, params: Any = None, timeout: float = TIMEOUT) -> Any:
        return await self.response(await self.request(method, params), timeout)

    async def initialize(
        self,
        options: dict[str, Any] | None = None,
        root: Path | None = None,
        capabilities: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """initialize and initialized; the result. The capabilities default to UTF-16
        positions and nothing else."""
        params: dict[str, Any] = {
            "processId": os.getpid(),
            "rootUri": root.as_uri() if root else None,
            "capabilities": capabilities or {"general": {"positionEncodings": ["utf-16"]}},
            "initializationOptions": options or {},
        }
        if root is not None:
            params["workspaceFolders"] = [{"uri": root.as_uri(), "name": root.name}]
        answer = await self.call("initialize", params)
        assert "result" in answer, answer
        await self.notify("initialized", {})
        return answer["result"]  # type: ignore[no-any-return]

    async def open(self, uri: str, text: str, language: str = "go.mod", version: int = 1) -> None:
        await self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": language,
                    "version": version,
                    "text": text,
                }
            },
        )

    def publications(self, uri: str) -> list[dict[str, Any]]:
        return [
            n["params"]
            for n in self.notifications
            if n["method"] == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri
        ]

    # -- ending -----------------------------------------------------------------------------

    async def exit_code(self, timeout: float = TIMEOUT) -> int:
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(
                f"the server did not exit within {timeout}s; stderr:\n{self.stderr_text()}"
            ) from None

    async def close(self) -> None:
        """Kill the process if it still runs; reap it and the reader tasks."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
        if self._reader is None:
            # asyncio reaps a process once its pipes are at their end; a stdout nobody reads
            # would never get there.
            self.start_reading()
        await self.process.wait()
        for task in self._tasks:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(task, TIMEOUT)


async def stop_or_kill(client: Any, timeout: float = 5.0) -> None:
    """Teardown for a pytest-lsp client whose server may be stuck: shutdown and exit, and
    when that does not end the process within `timeout`, kill it (pytest-lsp would otherwise
    leave it running) and fail the teardown."""
    server: asyncio.subprocess.Process | None = client._server
    try:
        await asyncio.wait_for(client.shutdown_session(), timeout)
    except Exception as error:
        if server is not None and server.returncode is None:
            server.kill()
            await server.wait()
            raise AssertionError(
                f"the server did not shut down within {timeout}s ({error!r}); killed it"
            ) from None
