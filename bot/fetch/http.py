"""Download one user-supplied page with hard limits and the SSRF guard on every hop.

Connection pinning: every hop's host is resolved and checked by `guard.resolve_allowed`
*before* the request, and the checked IPs are recorded in a `PinnedBackend` (an httpcore
network backend). httpcore asks that backend to `connect_tcp(hostname, port)`; it connects
to the recorded IPs instead and refuses any host it holds no checked IPs for. The URL keeps
the hostname, so the Host header, TLS SNI and certificate verification all use the name,
while the socket can only reach an address that passed the guard: no second DNS lookup,
hence no DNS-rebinding window between the check and the connection.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import urllib.request
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpcore
import httpx

from bot.fetch.errors import (
    AddressNotAllowed,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    InvalidURL,
    NotAWebPage,
    TooLarge,
    TooManyRedirects,
)
from bot.fetch.guard import Resolver, SystemResolver, parse_url, resolve_allowed
from bot.settings import Settings
from bot.urls import CanonicalURL

log = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Only encodings we can inflate with a size bound (brotli is not a dependency).
_ACCEPT_ENCODING = "gzip, deflate"


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str  # final URL, after redirects (credentials and fragment removed)
    status: int
    content_type: str  # media type only, lower case; "" when the server sent none
    declared_charset: str | None  # charset parameter of Content-Type, if any
    body: bytes  # decompressed, at most settings.fetch_max_bytes
    is_text_plain: bool  # text/plain: take the body as the article text, not HTML


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects a hostname only to the IPs the guard checked for it, and nowhere else."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.AnyIOBackend()
        self._pins: dict[str, list[str]] = {}

    def pin(self, host: str, ips: list[str]) -> None:
        self._pins[host.strip("[]").lower()] = list(ips)

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Any = None) -> httpcore.AsyncNetworkStream:
        ips = self._pins.get(host.strip("[]").lower())
        if not ips:
            raise AddressNotAllowed("connection to a host the guard did not check")
        failure: Exception | None = None
        for ip in ips:  # every one of them passed the guard; try them in resolver order
            try:
                return await self._inner.connect_tcp(ip, port, timeout=timeout,
                                                     local_address=local_address,
                                                     socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout, OSError) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Any = None) -> httpcore.AsyncNetworkStream:
        raise AddressNotAllowed("unix sockets are never used for links")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport, with its connection pool built on a `PinnedBackend`.

    httpx does not expose httpcore's `network_backend`, so the pool made by the base class is
    replaced; everything else (exception mapping, streaming) is httpx's own code.
    """

    def __init__(self, backend: PinnedBackend, ssl_context: ssl.SSLContext) -> None:
        super().__init__(verify=ssl_context, trust_env=False, retries=0)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context, max_connections=4, retries=0, network_backend=backend)


class _ProxyRouter(httpx.AsyncBaseTransport):
    """With fetch_trust_env on, sends a request through the environment's proxy if one
    applies (the proxy then resolves the name itself: pinning cannot reach past it)."""

    def __init__(self, direct: httpx.AsyncBaseTransport, ssl_context: ssl.SSLContext) -> None:
        self._direct = direct
        self._ssl_context = ssl_context
        self._proxies: dict[str, httpx.AsyncHTTPTransport] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        proxies = urllib.request.getproxies_environment()
        proxy = proxies.get(request.url.scheme) or proxies.get("all")
        # proxy_bypass_environment is public in CPython but missing from typeshed
        if not proxy or urllib.request.proxy_bypass_environment(  # type: ignore[attr-defined]
                request.url.host, proxies):
            return await self._direct.handle_async_request(request)
        if proxy not in self._proxies:
            self._proxies[proxy] = httpx.AsyncHTTPTransport(
                proxy=proxy, verify=self._ssl_context, trust_env=True)
        return await self._proxies[proxy].handle_async_request(request)

    async def aclose(self) -> None:
        await self._direct.aclose()
        for transport in self._proxies.values():
            await transport.aclose()


@lru_cache(maxsize=2)
def _ssl_context(trust_env: bool) -> ssl.SSLContext:
    # Loading the CA bundle is the slow part of a client; one context serves every fetch.
    return httpx.create_ssl_context(trust_env=trust_env)


async def fetch_page(url: str, *, settings: Settings, resolver: Resolver | None = None,
                     transport: httpx.AsyncBaseTransport | None = None,
                     network_backend: httpcore.AsyncNetworkBackend | None = None) -> FetchedPage:
    """GET `url` within every limit in `settings`; raises a FetchError subclass otherwise.

    `transport` replaces the whole network layer (pinning included; the guard still runs on
    every hop); `network_backend` is what pinned connections go through. Both are for tests.
    """
    try:
        async with asyncio.timeout(settings.fetch_total_timeout):
            return await _fetch(parse_url(url), settings, resolver or SystemResolver(),
                                transport, network_backend)
    except TimeoutError:  # the overall deadline (resolution, redirects and body included)
        raise FetchTimeout("total deadline exceeded") from None


async def _fetch(target: CanonicalURL, settings: Settings, resolver: Resolver,
                 transport: httpx.AsyncBaseTransport | None,
                 network_backend: httpcore.AsyncNetworkBackend | None) -> FetchedPage:
    backend = PinnedBackend(network_backend)
    if transport is None:
        context = _ssl_context(settings.fetch_trust_env)
        transport = PinnedTransport(backend, context)
        if settings.fetch_trust_env:
            transport = _ProxyRouter(transport, context)
    timeout = httpx.Timeout(settings.fetch_total_timeout, connect=settings.fetch_connect_timeout)
    headers = {"User-Agent": settings.fetch_user_agent, "Accept-Encoding": _ACCEPT_ENCODING,
               "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"}
    async with httpx.AsyncClient(transport=transport, trust_env=False, follow_redirects=False,
                                 timeout=timeout, headers=headers) as client:
        redirects = 0
        while True:
            ips = await resolve_allowed(target.host, target.port, settings=settings,
                                        resolver=resolver)
            backend.pin(target.host, ips)
            log.debug("fetch %s (hop %d)", target.for_log, redirects)
            try:
                response = await client.send(client.build_request("GET", target.url),
                                             stream=True)
                try:
                    location = response.headers.get("location")
                    if response.status_code in _REDIRECTS and location:
                        if redirects >= settings.fetch_max_redirects:
                            raise TooManyRedirects(f"more than {redirects} redirects")
                        redirects += 1
                        target = _redirect_target(response.url, location)
                        continue
                    return await _read_page(response, target, settings)
                finally:
                    await response.aclose()
            except httpx.TimeoutException:
                raise FetchTimeout("connect or read timed out") from None
            except httpx.InvalidURL:
                raise InvalidURL("rejected by the HTTP client") from None
            except httpx.HTTPError as exc:
                log.info("fetch of %s failed: %s", target.for_log, type(exc).__name__)
                raise FetchError(f"could not connect ({type(exc).__name__})") from None


def _redirect_target(current: httpx.URL, location: str) -> CanonicalURL:
    try:
        joined = current.join(location)
    except httpx.InvalidURL:
        raise InvalidURL("bad redirect location") from None
    return parse_url(str(joined))


async def _read_page(response: httpx.Response, target: CanonicalURL,
                     settings: Settings) -> FetchedPage:
    if response.status_code >= 300:  # errors, and 3xx that are not followable redirects
        raise HTTPStatusError(response.status_code)
    media_type, charset = _parse_content_type(response.headers.get("content-type", ""))
    if media_type and media_type not in HTML_TYPES and media_type != "text/plain":
        raise NotAWebPage(f"content type {media_type}")
    length = response.headers.get("content-length", "")
    if length.strip().isdigit() and int(length) > settings.fetch_max_bytes:
        raise TooLarge(f"Content-Length {length.strip()}")  # refuse before reading a byte
    body = await _read_body(response, settings.fetch_max_bytes)
    if not media_type and not _looks_like_html(body):
        raise NotAWebPage("no content type, and the body is not HTML")
    return FetchedPage(url=target.url, status=response.status_code,
                       content_type=media_type, declared_charset=charset, body=body,
                       is_text_plain=media_type == "text/plain")


def _parse_content_type(value: str) -> tuple[str, str | None]:
    media_type, *params = value.split(";")
    charset = None
    for param in params:
        key, _, raw = param.partition("=")
        if key.strip().lower() == "charset":
            charset = raw.strip().strip("\"'").lower() or None
    return media_type.strip().lower(), charset


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n\f").lower()
    return head.startswith(b"<!doctype") or b"<html" in head


class _Inflater:
    """Incremental gzip/deflate decoding that never produces more than `limit` bytes."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        # deflate is meant to be zlib-wrapped, but some servers send raw deflate: auto-detect.
        self._decoder = zlib.decompressobj(31 if self._gzip else 15)
        self._first = True
        self._trailing = False

    def feed(self, data: bytes, limit: int) -> bytes:
        out = bytearray()
        while data:
            try:
                chunk = self._decoder.decompress(data, limit - len(out) + 1)
            except zlib.error:
                if self._first and not self._gzip:
                    self._decoder, self._first = zlib.decompressobj(-15), False
                    continue
                if self._trailing:  # junk after a complete gzip member: browsers ignore it
                    return bytes(out)
                raise FetchError("corrupt compressed body") from None
            self._first = False
            out += chunk
            if len(out) > limit:
                raise TooLarge("decompressed body over the limit")
            data = self._decoder.unconsumed_tail
            if self._decoder.eof and self._decoder.unused_data and self._gzip:
                data = self._decoder.unused_data  # another gzip member follows
                self._decoder, self._trailing = zlib.decompressobj(31), True
        return bytes(out)


async def _read_body(response: httpx.Response, max_bytes: int) -> bytes:
    encodings = [e.strip().lower() for e in response.headers.get("content-encoding", "").split(",")
                 if e.strip() and e.strip().lower() != "identity"]
    if any(e not in ("gzip", "x-gzip", "deflate") for e in encodings):
        raise NotAWebPage(f"unsupported content encoding {','.join(encodings)}")
    if response.is_stream_consumed:
        # Only in-memory transports (httpx.MockTransport in tests) hand over a response that
        # httpx has already read, and decoded; real connections always stream.
        if len(response.content) > max_bytes:
            raise TooLarge("body over the limit")
        return response.content
    # Encodings are listed in the order applied, so they are undone in reverse.
    inflaters = [_Inflater(e) for e in reversed(encodings)]
    received = 0
    body = bytearray()
    async for raw in response.aiter_raw():
        received += len(raw)
        if received > max_bytes:  # bytes as sent, before any decompression
            raise TooLarge("body over the limit")
        data = raw
        for inflater in inflaters:
            data = inflater.feed(data, max_bytes - len(body))
        body += data
        if len(body) > max_bytes:
            raise TooLarge("body over the limit")
    return bytes(body)
