"""GOPROXY over HTTP(S) with aiohttp: one session per event loop with connection reuse, a
bound on concurrent requests, per-request timeouts and response size caps.

Credentials (from .netrc, or `user:password@` in the GOPROXY URL) travel over https only, as
the go command sends them (cmd/go/internal/web): never in clear text, not even to this
machine. TLS certificates are always verified.
"""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import logging
import ssl
import urllib.request
from dataclasses import dataclass
from ssl import SSLContext
from types import ModuleType
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from modlsp.core.sources.answers import SIZE_CAPS, Answer, Failed, Found, Key, Missing, malformed
from modlsp.core.sources.config import public_url
from modlsp.core.sources.netrc import Credentials

if TYPE_CHECKING:
    import aiohttp

log = logging.getLogger(__name__)


def _aiohttp() -> ModuleType:
    """aiohttp, imported when a proxy is first reached over the network: 0.14 s and 11 MB
    that a session with GOPROXY=off or file:// proxies never needs. `prepare` imports it in
    the thread that builds the fetcher, so that the event loop does not."""
    import aiohttp

    return aiohttp


USER_AGENT = "modlsp (+https://go.dev/ref/mod#goproxy-protocol)"


@dataclass(frozen=True, slots=True)
class Limits:
    timeout: float = 10.0  # seconds for one whole request
    connect_timeout: float = 5.0
    concurrency: int = 16  # requests in flight per client


class HttpClient:
    """An aiohttp session, created on first use inside the running event loop.

    `ssl`: the context that verifies servers' certificates; None is the default verification
    (the system's trust store, or SSL_CERT_FILE / SSL_CERT_DIR, read by `prepare`).
    Verification is never off.
    """

    def __init__(self, limits: Limits = Limits(), *, ssl: ssl.SSLContext | None = None) -> None:
        self.limits = limits
        self._ssl = ssl
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None
        self._default_ssl: SSLContext | None = None  # made by prepare() or on first use
        # scheme://host -> the environment's proxy for it, read once per session: reading
        # the environment costs about 0.25 ms, once per request it was most of a warm fetch.
        self._proxies: dict[str, str | None] = {}

    def prepare(self) -> SSLContext:
        """The context that verifies servers; loads the default trust store (tens of
        milliseconds) when there is none yet, and aiohttp. Called in a worker thread, that
        work stays off the event loop, where the first request would do it."""
        _aiohttp()
        if self._ssl is not None:
            return self._ssl
        if self._default_ssl is None:
            self._default_ssl = ssl.create_default_context()
        return self._default_ssl

    def _ensure(self) -> tuple[aiohttp.ClientSession, asyncio.Semaphore]:
        aiohttp = _aiohttp()
        loop = asyncio.get_running_loop()
        if self._session is None or self._slots is None or self._loop is not loop:
            connector = aiohttp.TCPConnector(
                limit=self.limits.concurrency,
                ttl_dns_cache=300,
                # The default made by prepare(), not aiohttp's made at import: SSL_CERT_FILE
                # and SSL_CERT_DIR as they are when the client is prepared or first used.
                ssl=self.prepare(),
            )
            timeout = aiohttp.ClientTimeout(
                total=self.limits.timeout, sock_connect=self.limits.connect_timeout
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=timeout,
                headers={"User-Agent": USER_AGENT},
                auto_decompress=True,
                # Not trust_env: besides HTTPS_PROXY it makes aiohttp read ~/.netrc and send
                # those credentials itself, over plain http too (and fail with ValueError next
                # to our own Authorization header). The proxy variables: environment_proxy.
                trust_env=False,
            )
            self._slots = asyncio.Semaphore(self.limits.concurrency)
            self._loop = loop
            self._proxies.clear()
        return self._session, self._slots

    def _proxy_for(self, url: str) -> str | None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._proxies:
            self._proxies[origin] = environment_proxy(url)
        return self._proxies[origin]

    async def get(self, url: str, cap: int, headers: dict[str, str]) -> tuple[int, bytes]:
        """(status, body); raises aiohttp.ClientError, asyncio.TimeoutError or BodyTooLargeError."""
        session, slots = self._ensure()
        proxy = self._proxy_for(url)
        async with (
            slots,
            session.get(url, headers=headers, allow_redirects=True, proxy=proxy) as response,
        ):
            length = response.content_length
            if length is not None and length > cap:
                raise BodyTooLargeError(cap, length)  # not read at all
            body = bytearray()
            async for chunk in response.content.iter_chunked(64 << 10):
                body += chunk
                if len(body) > cap:
                    raise BodyTooLargeError(cap)  # read no further
            return response.status, bytes(body)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def environment_proxy(url: str) -> str | None:
    """The proxy HTTPS_PROXY / HTTP_PROXY names for `url`, None when there is none or NO_PROXY
    exempts the host (the go command honours these variables too)."""
    parts = urlsplit(url)
    proxy = urllib.request.getproxies().get(parts.scheme)
    host = parts.hostname or ""
    if not proxy or _is_loopback(host) or urllib.request.proxy_bypass(host):
        return None
    return proxy


def _is_loopback(host: str) -> bool:
    """Like the go command (x/net/http/httpproxy), never go through a proxy to this machine."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class BodyTooLargeError(Exception):
    def __init__(self, cap: int, announced: int | None = None) -> None:
        size = f" ({announced} bytes announced)" if announced is not None else ""
        super().__init__(f"response larger than the cap of {cap} bytes{size}")


class HttpSource:
    """One http(s) GOPROXY entry."""

    def __init__(self, url: str, client: HttpClient, credentials: Credentials | None) -> None:
        self.url = url
        self.label = public_url(url)
        self._client = client
        self._headers: dict[str, str] = {}
        self._held_back = False  # credentials known but not sent (plain http)
        parts = urlsplit(url)
        in_url = parts.username is not None or parts.password is not None
        if in_url:
            credentials = Credentials(unquote(parts.username or ""), unquote(parts.password or ""))
            self.url = self.label
        if credentials is None:
            return
        if parts.scheme == "https":
            token = base64.b64encode(f"{credentials.login}:{credentials.password}".encode())
            self._headers["Authorization"] = "Basic " + token.decode("ascii")
            return
        # Never in clear text, not even to this machine: the go command sends no .netrc
        # credentials over http and refuses a URL that has them.
        self._held_back = True
        if in_url:
            log.warning("credentials for %s are not sent over plain http", self.label)
        else:
            log.info("the .netrc credentials for %s are not sent over plain http", self.label)

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
        except _aiohttp().ClientError as err:  # imported: the request was made
            return Failed(f"{self.label}: {key}: {_describe(err)}")
        except (OSError, ValueError) as err:  # what aiohttp leaves unwrapped (a bad URL, ...)
            return Failed(f"{self.label}: {key}: {err or type(err).__name__}")
        if status == 200:
            problem = malformed(key, body)
            return Failed(f"{self.label}: {problem}") if problem else Found(body)
        text = body[:300].decode("utf-8", "replace").strip()
        if status in (404, 410):
            return Missing(text or f"{key}: not found")
        if status in (401, 403):
            hint = "check the credentials in .netrc"
            if self._held_back or not self.url.startswith("https:"):
                hint += "; they are sent over https only"
            return Failed(f"{self.label}: {key}: {status} ({hint})")
        return Failed(f"{self.label}: {key}: HTTP {status} {text[:120]}".rstrip())


def _describe(err: aiohttp.ClientError) -> str:
    aiohttp = _aiohttp()
    # The TLS errors first: they are ClientConnectorErrors whose os_error says little.
    if isinstance(err, aiohttp.ClientConnectorCertificateError):
        reason = err.certificate_error
        detail = getattr(reason, "verify_message", "") or str(reason)
        return f"the TLS certificate of {err.host} is not trusted ({detail})"
    if isinstance(err, aiohttp.ClientSSLError):
        return f"TLS handshake failed ({err})"
    if isinstance(err, aiohttp.ClientConnectorError):
        return f"cannot connect ({err.os_error.strerror or err.os_error})"
    if isinstance(err, aiohttp.ServerDisconnectedError):
        return "the server closed the connection"
    if isinstance(err, aiohttp.ClientPayloadError):
        return "the response was cut short"
    return str(err) or type(err).__name__
