"""GOPROXY over HTTP(S) with aiohttp: one session per event loop with connection reuse, a
bound on concurrent requests, per-request timeouts and response size caps."""

from __future__ import annotations

import asyncio
import base64
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp

from modlsp.core.sources.answers import SIZE_CAPS, Answer, Failed, Found, Key, Missing, malformed
from modlsp.core.sources.config import public_url
from modlsp.core.sources.netrc import Credentials

log = logging.getLogger(__name__)

USER_AGENT = "modlsp (+https://go.dev/ref/mod#goproxy-protocol)"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True, slots=True)
class Limits:
    timeout: float = 10.0  # seconds for one whole request
    connect_timeout: float = 5.0
    concurrency: int = 16  # requests in flight per client


class HttpClient:
    """An aiohttp session, created on first use inside the running event loop."""

    def __init__(self, limits: Limits = Limits()) -> None:
        self.limits = limits
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None

    def _ensure(self) -> tuple[aiohttp.ClientSession, asyncio.Semaphore]:
        loop = asyncio.get_running_loop()
        if self._session is None or self._slots is None or self._loop is not loop:
            connector = aiohttp.TCPConnector(limit=self.limits.concurrency, ttl_dns_cache=300)
            timeout = aiohttp.ClientTimeout(
                total=self.limits.timeout, sock_connect=self.limits.connect_timeout
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=timeout,
                headers={"User-Agent": USER_AGENT},
                auto_decompress=True,
                trust_env=True,  # HTTPS_PROXY / NO_PROXY, as the go command honours them
            )
            self._slots = asyncio.Semaphore(self.limits.concurrency)
            self._loop = loop
        return self._session, self._slots

    async def get(self, url: str, cap: int, headers: dict[str, str]) -> tuple[int, bytes]:
        """(status, body); raises aiohttp.ClientError, asyncio.TimeoutError or BodyTooLargeError."""
        session, slots = self._ensure()
        async with slots, session.get(url, headers=headers, allow_redirects=True) as response:
            length = response.content_length
            if length is not None and length > cap:
                raise BodyTooLargeError(length)
            body = bytearray()
            async for chunk in response.content.iter_chunked(64 << 10):
                body += chunk
                if len(body) > cap:
                    raise BodyTooLargeError(len(body))
            return response.status, bytes(body)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


class BodyTooLargeError(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(f"response larger than the cap ({size} bytes or more)")


class HttpSource:
    """One http(s) GOPROXY entry."""

    def __init__(self, url: str, client: HttpClient, credentials: Credentials | None) -> None:
        self.url = url
        self.label = public_url(url)
        self._client = client
        self._headers: dict[str, str] = {}
        parts = urlsplit(url)
        if parts.username is not None:
            credentials = Credentials(parts.username, parts.password or "")
            self.url = self.label
        if credentials is not None and (
            parts.scheme == "https" or (parts.hostname or "") in LOOPBACK_HOSTS
        ):
            # Credentials travel over TLS only (or to this machine): never in clear text
            # across a network.
            token = base64.b64encode(f"{credentials.login}:{credentials.password}".encode())
            self._headers["Authorization"] = "Basic " + token.decode("ascii")

    async def get(self, key: Key) -> Answer:
        try:
            url = f"{self.url}/{key.relative_url()}"
        except ValueError as err:
            return Missing(f"{key}: {err}")
        try:
            status, body = await self._client.get(url, SIZE_CAPS[key.kind], self._headers)
        except BodyTooLargeError as err:
            return Failed(f"{self.label}: {key}: {err}")
        except asyncio.TimeoutError:
            limit = self._client.limits.timeout
            return Failed(f"{self.label}: {key}: no answer within {limit:g} s")
        except aiohttp.ClientError as err:
            return Failed(f"{self.label}: {key}: {_describe(err)}")
        if status == 200:
            problem = malformed(key, body)
            return Failed(f"{self.label}: {problem}") if problem else Found(body)
        text = body[:300].decode("utf-8", "replace").strip()
        if status in (404, 410):
            return Missing(text or f"{key}: not found")
        if status in (401, 403):
            return Failed(f"{self.label}: {key}: {status} (check the credentials in .netrc)")
        return Failed(f"{self.label}: {key}: HTTP {status} {text[:120]}".rstrip())


def _describe(err: aiohttp.ClientError) -> str:
    if isinstance(err, aiohttp.ClientConnectorError):
        return f"cannot connect ({err.os_error.strerror or err.os_error})"
    if isinstance(err, aiohttp.ServerDisconnectedError):
        return "the server closed the connection"
    if isinstance(err, aiohttp.ClientPayloadError):
        return "the response was cut short"
    return str(err) or type(err).__name__
