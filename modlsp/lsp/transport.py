"""The server's stdio: Content-Length framing, a reader thread, a writer thread, and the event
loop in between, which never waits for the client.

pygls's own stdio loop reads with one executor job per header line and per body, and writes
from the event loop with a blocking write: a client that stops reading freezes the server. Here:

- the reader thread reads stdin in large chunks, cuts them into frames, and hands the bodies to
  the loop in batches (one wake-up for everything that arrived meanwhile). After a bad frame (a
  missing, non-numeric or negative Content-Length, junk between frames) it finds its feet at
  the next header line; a body too short for its Content-Length is the protocol's Parse error.
- the writer thread owns stdout and writes whatever is queued in one go. The loop only appends
  to the queue (`send_frame`).
- stdin and stdout are moved to private descriptors: fd 0 becomes /dev/null and fd 1 a copy of
  stderr, so neither a child process (`go env`) nor a stray print can read or corrupt the
  channel.

The output policy (what keeps memory bounded when the client does not read):
- responses, requests to the client and notifications other than publications are never
  dropped, and are written in the order they were sent;
- a textDocument/publishDiagnostics replaces the one for the same document still waiting to be
  written (only a document's latest state matters to the client) and goes to the end of the
  queue, so publications for a document stay in version order;
- while more than OUTPUT_LIMIT bytes wait for the client, the reader stops reading. What the
  server sends besides publications answers what the client sent (responses, progress and
  requests of the commands it ran), so the queue stays bounded; the client in turn blocks on its
  writes once the pipe to us is full, which is all a client that does not read can expect. The
  event loop keeps running meanwhile: background work lands and its publications coalesce.

Threads touch only this module's queues (under one lock) and wake the loop with
call_soon_threadsafe; every message is handled on the event loop, in order.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import logging
import os
import re
import sys
import threading
from collections.abc import Callable, Hashable, Iterator
from typing import Protocol, runtime_checkable

from pygls.server import JsonRPCServer

log = logging.getLogger(__name__)

CHUNK = 1 << 16  # bytes per read
MAX_BODY = 128 << 20  # a larger message is skipped (a 10 MB go.mod is about 10 MB of JSON)
MAX_HEADER_LINE = 1 << 12  # a longer line between frames is junk, dropped as it comes
INPUT_LIMIT = 16 << 20  # bytes read ahead of the loop
OUTPUT_LIMIT = 4 << 20  # bytes waiting for the client before the reader stops reading
BATCH = 256  # messages handled per loop callback, so that timers and tasks run in between
CLOSE_TIMEOUT = 2.0  # seconds `exit` waits for the last frames to be written

_HEADER_NAME = re.compile(rb"[A-Za-z0-9-]+")


@runtime_checkable
class Receiver(Protocol):
    """What handles the frames (protocol.ModlspProtocol)."""

    def receive(self, body: bytes) -> None: ...

    def oversized(self, length: int) -> None: ...

    def caught_up(self) -> None: ...


class _Oversized:
    __slots__ = ("length",)

    def __init__(self, length: int) -> None:
        self.length = length


_Item = bytes | _Oversized | None  # None: the end of input


class _Input:
    """stdin as a byte stream, read in chunks."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()

    def _fill(self) -> bool:
        chunk = os.read(self.fd, CHUNK)
        self.buffer += chunk
        return bool(chunk)

    def line(self) -> bytes | None:
        """The next line, its line break included (the tail of an overlong one is a line of
        its own); None at the end of input."""
        while True:
            end = self.buffer.find(b"\n")
            if end >= 0:
                line = bytes(self.buffer[: end + 1])
                del self.buffer[: end + 1]
                return line
            if len(self.buffer) > MAX_HEADER_LINE:
                line = bytes(self.buffer)
                self.buffer.clear()
                return line
            if not self._fill():
                return None

    def take(self, length: int) -> bytes | None:
        while len(self.buffer) < length:
            if not self._fill():
                return None
        body = bytes(self.buffer[:length])
        del self.buffer[:length]
        return body

    def skip(self, length: int) -> bool:
        while len(self.buffer) < length:
            length -= len(self.buffer)
            self.buffer.clear()
            if not self._fill():
                return False
        del self.buffer[:length]
        return True


def frames(source: _Input) -> Iterator[bytes | _Oversized]:
    """The bodies of the frames on `source`, until its end."""
    length: int | None = None
    in_headers = False
    complained = False  # about the junk since the last good frame: once
    while (line := source.line()) is not None:
        text = line.rstrip(b"\r\n")
        if not text:
            if not in_headers:
                continue  # a blank line between frames
            in_headers = False
            if length is None:
                log.warning("skipped a header block without a valid Content-Length")
                continue
            if length > MAX_BODY:
                if not source.skip(length):
                    return
                yield _Oversized(length)
            else:
                body = source.take(length)
                if body is None:
                    log.warning("the input ended inside a message")
                    return
                yield body
            length = None
            complained = False
            continue
        name, colon, value = text.partition(b":")
        if colon and _HEADER_NAME.fullmatch(name):
            in_headers = True
            if name.lower() == b"content-length":
                value = value.strip()
                length = int(value) if value.isdigit() else None
                if length is None:
                    log.warning("a Content-Length that is not a number: %r", value[:40])
            continue
        if not complained:
            log.warning("skipped input that is not a header: %r", text[:80])
            complained = True
        in_headers = False  # a broken header block: start over at the next header
        length = None


class StdioTransport:
    """The two threads and their queues; pygls's writer interface (write, close) besides
    `send_frame`."""

    def __init__(
        self,
        receiver: Receiver,
        loop: asyncio.AbstractEventLoop,
        in_fd: int,
        out_fd: int,
    ) -> None:
        self._receiver = receiver
        self._loop = loop
        self._in_fd = in_fd
        self._out_fd = out_fd
        self._lock = threading.Condition()
        # Read, not yet handled (guarded by _lock).
        self._inbox: collections.deque[_Item] = collections.deque()
        self._in_bytes = 0
        self._scheduled = False  # a _drain is due on the loop
        # Sent, not yet written, in order (guarded by _lock); see the module's output policy.
        self._outbox: dict[Hashable, bytes] = {}
        self._out_bytes = 0  # queued, and being written
        self._numbers = itertools.count()  # keys of the frames nothing supersedes
        self._closing = False
        self._broken = False
        self.ended: asyncio.Future[None] = loop.create_future()
        self._reader = threading.Thread(target=self._read, name="modlsp-stdin", daemon=True)
        self._writer = threading.Thread(target=self._write, name="modlsp-stdout", daemon=True)

    def start(self) -> None:
        self._reader.start()
        self._writer.start()

    # --- input (reader thread, then the loop) ---------------------------------------------

    def _read(self) -> None:
        try:
            for item in frames(_Input(self._in_fd)):
                if not self._put(item):
                    return
        except OSError as error:
            log.error("reading stdin failed: %s", error)
        self._put(None)

    def _put(self, item: _Item) -> bool:
        """Queue `item` for the loop once there is room; False when the transport closed."""
        size = len(item) if isinstance(item, bytes) else 0
        with self._lock:
            while not self._closing and (
                self._in_bytes >= INPUT_LIMIT or self._out_bytes > OUTPUT_LIMIT
            ):
                self._lock.wait()
            if self._closing:
                return False
            self._inbox.append(item)
            self._in_bytes += size
            wake = not self._scheduled
            self._scheduled = True
        if wake:
            self._call_soon(self._drain)
        return True

    def _call_soon(self, callback: Callable[[], None]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed: the server is ending
            self._loop.call_soon_threadsafe(callback)

    def _drain(self) -> None:
        """Handle what the reader queued, BATCH messages at a time."""
        with self._lock:
            batch = [self._inbox.popleft() for _ in range(min(BATCH, len(self._inbox)))]
            self._in_bytes -= sum(len(item) for item in batch if isinstance(item, bytes))
            more = bool(self._inbox)
            self._scheduled = more
            self._lock.notify_all()
        if more:
            self._loop.call_soon(self._drain)
        for item in batch:
            if item is None:
                log.info("the client closed stdin")
                self._end()
                continue
            try:
                if isinstance(item, _Oversized):
                    self._receiver.oversized(item.length)
                else:
                    self._receiver.receive(item)
            except Exception:
                log.exception("internal error handling a message")
        if not more:
            try:
                self._receiver.caught_up()
            except Exception:
                log.exception("internal error handling a message")

    def _end(self) -> None:
        if not self.ended.done():
            self.ended.set_result(None)

    # --- output (the loop, then the writer thread) ----------------------------------------

    def send_frame(self, frame: bytes, key: Hashable | None = None) -> None:
        with self._lock:
            if self._broken:
                return
            if key is None:
                key = next(self._numbers)
            else:
                superseded = self._outbox.pop(key, None)
                if superseded is not None:
                    self._out_bytes -= len(superseded)
            self._outbox[key] = frame
            self._out_bytes += len(frame)
            self._lock.notify_all()

    def write(self, data: bytes) -> None:
        self.send_frame(data)

    def _write(self) -> None:
        while True:
            with self._lock:
                while not self._outbox and not self._closing:
                    self._lock.wait()
                if not self._outbox:
                    return  # closing, and everything is written
                frames = list(self._outbox.values())
                self._outbox.clear()
            data = frames[0] if len(frames) == 1 else b"".join(frames)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(self._out_fd, view) :]
            except OSError as error:
                log.error("the client is gone (writing stdout failed: %s)", error)
                with self._lock:
                    self._broken = True
                    self._outbox.clear()
                    self._out_bytes = 0
                    self._lock.notify_all()
                self._call_soon(self._end)
                return
            with self._lock:
                self._out_bytes -= len(data)
                self._lock.notify_all()

    def close(self) -> None:
        """Write what is queued (waiting at most CLOSE_TIMEOUT for a client that does not
        read), then stop both threads."""
        with self._lock:
            self._closing = True
            self._lock.notify_all()
        if self._writer.is_alive() and threading.current_thread() is not self._writer:
            self._writer.join(CLOSE_TIMEOUT)


def _private_stdio() -> tuple[int, int]:
    """Private copies of stdin and stdout for the channel; fd 0 then reads /dev/null and fd 1
    writes to stderr."""
    in_fd = os.dup(sys.stdin.fileno())
    out_fd = os.dup(sys.stdout.fileno())
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
    with contextlib.suppress(OSError):
        os.dup2(2, 1)
    return in_fd, out_fd


async def _serve(server: JsonRPCServer, in_fd: int, out_fd: int) -> None:
    receiver = server.protocol
    if not isinstance(receiver, Receiver):
        raise TypeError(f"{type(receiver).__name__} cannot receive frames")
    transport = StdioTransport(receiver, asyncio.get_running_loop(), in_fd, out_fd)
    server.protocol.set_writer(transport)
    transport.start()
    try:
        await transport.ended
    finally:
        transport.close()


def serve_stdio(server: JsonRPCServer) -> None:
    """Serve the client on this process's stdin and stdout until it ends the session (`exit`,
    or closing stdin)."""
    in_fd, out_fd = _private_stdio()
    try:
        asyncio.run(_serve(server, in_fd, out_fd))
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]
