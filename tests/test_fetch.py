"""Fetching links: limits, content types, redirects and the SSRF guard.

Everything runs against an HTTP server on 127.0.0.1 started here. "Public" hosts are names
that a fake resolver maps to FAKE_PUBLIC; a fake network backend (LoopbackNAT) then carries
connections to FAKE_PUBLIC to the local server. An autouse tripwire makes any connection or
DNS lookup for anything but 127.0.0.1/::1/localhost fail the test before a socket opens, so
no packet can leave loopback even if the guard were broken (a test below breaks it on purpose).
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, quote, urlsplit

import httpcore
import httpx
import pytest

from bot.fetch import guard
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
from bot.fetch.guard import is_public_address, parse_url, resolve_allowed
from bot.fetch.http import FetchedPage, PinnedBackend, fetch_page
from bot.settings import Settings
from tests import figures
from tests.test_urls import NOT_LINKS

FAKE_PUBLIC = "93.184.216.34"  # a public address nothing here ever really connects to
LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}
ARTICLE = (b"<!doctype html><html><head><meta charset='utf-8'><title>Test</title></head>"
           b"<body><article><p>Ministers said on Tuesday that the plan would go ahead.</p>"
           b"</article></body></html>")


# --- the tripwire ---------------------------------------------------------------------------

@dataclass
class Tripwire:
    violations: list[str] = field(default_factory=list)

    def check(self, host: Any) -> None:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if host is not None and name not in LOOPBACK_HOSTS:
            self.violations.append(name)
            raise AssertionError(f"tripwire: attempt to reach {name}")


@pytest.fixture(autouse=True)
def tripwire(monkeypatch: pytest.MonkeyPatch) -> Iterator[Tripwire]:
    """Any connection (or DNS lookup) beyond loopback fails the test instead of happening."""
    wire = Tripwire()

    def wrap_connect(original: Any) -> Any:
        def connect(sock: socket.socket, address: Any, *args: Any) -> Any:
            if isinstance(address, tuple):  # AF_INET / AF_INET6; unix sockets stay local
                wire.check(address[0])
            return original(sock, address, *args)
        return connect

    def wrap_async(original: Any, host_of: Any) -> Any:
        async def method(loop: Any, *args: Any, **kwargs: Any) -> Any:
            wire.check(host_of(*args, **kwargs))
            return await original(loop, *args, **kwargs)
        return method

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        wire.check(host)
        return real_getaddrinfo(host, *args, **kwargs)

    loop_class = asyncio.base_events.BaseEventLoop
    monkeypatch.setattr(socket.socket, "connect", wrap_connect(socket.socket.connect))
    monkeypatch.setattr(socket.socket, "connect_ex", wrap_connect(socket.socket.connect_ex))
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(loop_class, "create_connection", wrap_async(
        loop_class.create_connection,
        lambda protocol, host=None, *a, **k: k.get("host", host) if not k.get("sock") else None))
    monkeypatch.setattr(loop_class, "sock_connect", wrap_async(
        loop_class.sock_connect,
        lambda sock, address: address[0] if isinstance(address, tuple) else None))
    yield wire
    figures.add("disallowed_requests", len(wire.violations))
    assert not wire.violations, f"connections beyond loopback attempted: {wire.violations}"


# --- the local server -----------------------------------------------------------------------

def _gzip_bomb() -> bytes:
    """About 20 KB of gzip that inflates to 20 MB of zeros."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1_000_000)
    return b"".join(compressor.compress(zeros) for _ in range(20)) + compressor.flush()


BOMB = _gzip_bomb()


class _Handler(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, dict[str, str]]]] = []

    def do_GET(self) -> None:
        type(self).seen.append((self.path, dict(self.headers.items())))
        parts = urlsplit(self.path)  # a proxied request has an absolute URL as its path
        path, query = parts.path, parse_qs(parts.query)
        if path.startswith("/redirect/"):
            hops = int(path.rsplit("/", 1)[1])
            self._send(302, "text/html", b"", location=f"/redirect/{hops - 1}" if hops > 1
                       else "/article")
        elif path == "/to":
            self._send(302, "text/html", b"", location=query["url"][0])
        elif path == "/slow":
            time.sleep(6)
            self._send(200, "text/html", ARTICLE)
        elif path == "/dribble":  # headers at once, then a byte every 0.1 s for ~6 s
            self._start(200, {"Content-Type": "text/html"})
            for _ in range(60):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/big":
            self._send(200, "text/html", ARTICLE + b" " * 300_000)
        elif path == "/big-stream":  # no Content-Length: only counting can stop it
            self._start(200, {"Content-Type": "text/html"})
            for _ in range(30):
                self.wfile.write(b" " * 10_000)
        elif path == "/bomb":
            self._send(200, "text/html", BOMB, encoding="gzip")
        elif path == "/echo":
            echoed = "".join(f"<p>{k}: {v}</p>" for k, v in self.headers.items())
            self._send(200, "text/html", f"<html><body>{echoed}</body></html>".encode())
        elif path.startswith("/status/"):
            self._send(int(path.rsplit("/", 1)[1]), "text/html", b"<html>error</html>")
        else:
            self._send(200, *PAGES.get(path, ("text/html", ARTICLE, None)))

    def _start(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _send(self, status: int, content_type: str | None, body: bytes,
              encoding: str | None = None, location: str | None = None) -> None:
        headers = {"Content-Length": str(len(body))}
        for name, value in (("Content-Type", content_type), ("Content-Encoding", encoding),
                            ("Location", location)):
            if value is not None:
                headers[name] = value
        self._start(status, headers)
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass


PAGES: dict[str, tuple[str | None, bytes, str | None]] = {
    "/article": ("text/html; charset=utf-8", ARTICLE, None),
    "/gzip": ("text/html", gzip.compress(ARTICLE), "gzip"),
    "/deflate": ("text/html", zlib.compress(ARTICLE), "deflate"),
    "/raw-deflate": ("text/html", zlib.compress(ARTICLE, wbits=-15), "deflate"),
    "/brotli": ("text/html", b"\x1b\x00\x00", "br"),
    "/xhtml": ("application/xhtml+xml", ARTICLE, None),
    "/plain": ("text/plain; charset=utf-8", b"Ministers said the plan would go ahead.", None),
    "/latin1": ('text/html; charset="ISO-8859-1"', "<html>café</html>".encode("latin-1"), None),
    "/no-type": (None, b"\n  <!DOCTYPE html><html><body>hi</body></html>", None),
    "/no-type-binary": (None, b"\x89PNG\r\n\x1a\n\x00\x00", None),
    "/file.pdf": ("application/pdf", b"%PDF-1.4", None),
    "/image.png": ("image/png", b"\x89PNG\r\n\x1a\n", None),
}


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # slow handlers must not hold up the end of the module

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up on /slow and /big-stream is the point of those tests


@dataclass
class ArticleServer:
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def seen(self) -> list[tuple[str, dict[str, str]]]:
        return _Handler.seen


@pytest.fixture(scope="module")
def article_server() -> Iterator[ArticleServer]:
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield ArticleServer(server.server_address[1])
    server.shutdown()
    server.server_close()


@pytest.fixture
def server(article_server: ArticleServer) -> ArticleServer:
    _Handler.seen.clear()
    return article_server


# --- fakes for "public" hosts ---------------------------------------------------------------

class FakeResolver:
    def __init__(self, names: dict[str, list[str]]) -> None:
        self.names = names
        self.calls: list[str] = []

    async def resolve(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        if host not in self.names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self.names[host]


class LoopbackNAT(httpcore.AsyncNetworkBackend):
    """Carries connections to FAKE_PUBLIC:80 to the local server; anything else goes to the
    real backend unchanged, where the tripwire stops it if it is not loopback."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connections: list[tuple[str, int]] = []
        self.real = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Any = None) -> httpcore.AsyncNetworkStream:
        self.connections.append((host, port))
        if host == FAKE_PUBLIC:
            host, port = "127.0.0.1", self.port
        return await self.real.connect_tcp(host, port, timeout=timeout)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def public_resolver() -> FakeResolver:
    return FakeResolver({"public.test": [FAKE_PUBLIC], "sneaky.test": ["127.0.0.1"],
                         "mixed.test": [FAKE_PUBLIC, "10.0.0.1"]})


def local(**overrides: Any) -> Settings:
    """Settings for fetching from the local server (so private addresses are allowed)."""
    values: dict[str, Any] = {"fetch_allow_private": True, "fetch_total_timeout": 5.0,
                              "fetch_connect_timeout": 2.0}
    return Settings(**(values | overrides))


STRICT = Settings(fetch_allow_private=False, fetch_total_timeout=5.0)


async def fetch_public(server: ArticleServer, url: str, **kwargs: Any) -> FetchedPage:
    return await fetch_page(url, settings=kwargs.pop("settings", STRICT),
                            resolver=kwargs.pop("resolver", public_resolver()),
                            network_backend=LoopbackNAT(server.port), **kwargs)


# --- pages that work ------------------------------------------------------------------------

async def test_html_page(server: ArticleServer) -> None:
    page = await fetch_page(f"{server.base}/article#top", settings=local())
    assert page == FetchedPage(url=f"{server.base}/article", status=200,
                               content_type="text/html", declared_charset="utf-8",
                               body=ARTICLE, is_text_plain=False)


@pytest.mark.parametrize("path", ["/gzip", "/deflate", "/raw-deflate", "/xhtml", "/no-type"])
async def test_encodings_and_html_types(server: ArticleServer, path: str) -> None:
    page = await fetch_page(server.base + path, settings=local())
    assert b"<html" in page.body.lower() and not page.is_text_plain


async def test_text_plain_and_declared_charset(server: ArticleServer) -> None:
    plain = await fetch_page(f"{server.base}/plain", settings=local())
    assert plain.is_text_plain and plain.body.startswith(b"Ministers")
    latin = await fetch_page(f"{server.base}/latin1", settings=local())
    assert latin.declared_charset == "iso-8859-1" and latin.body.decode("latin-1").count("é")


async def test_user_agent_sent_and_credentials_never(server: ArticleServer) -> None:
    page = await fetch_page(f"http://user:secret@127.0.0.1:{server.port}/echo",
                            settings=local(fetch_user_agent="TestAgent/9"))
    assert b"User-Agent: TestAgent/9" in page.body
    assert b"Authorization" not in page.body and b"secret" not in page.body


async def test_redirect_chain_within_limit(server: ArticleServer) -> None:
    page = await fetch_page(f"{server.base}/redirect/3", settings=local())
    assert page.url == f"{server.base}/article" and page.body == ARTICLE
    assert [p for p, _ in server.seen] == ["/redirect/3", "/redirect/2", "/redirect/1",
                                           "/article"]
    assert (await fetch_page(f"{server.base}/redirect/5", settings=local())).body == ARTICLE


async def test_proxy_environment_ignored_unless_enabled(server: ArticleServer,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://10.0.0.1:3128")  # the tripwire stops any use of it
    assert (await fetch_page(f"{server.base}/article", settings=local())).body == ARTICLE
    # Enabled: the request goes through the proxy (here the local server itself).
    for name in ("HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, server.base)
    for name in ("ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(fetch_allow_private=False, fetch_trust_env=True)
    page = await fetch_page("http://public.test/article", settings=settings,
                            resolver=public_resolver())
    assert page.body == ARTICLE and server.seen[-1][0] == "http://public.test/article"


# --- clear failures -------------------------------------------------------------------------

async def test_too_many_redirects(server: ArticleServer) -> None:
    with pytest.raises(TooManyRedirects):
        await fetch_page(f"{server.base}/redirect/6", settings=local())
    assert len(server.seen) == 6  # the sixth redirect is not followed


async def test_redirect_to_other_scheme(server: ArticleServer) -> None:
    with pytest.raises(InvalidURL):
        await fetch_page(f"{server.base}/to?url=" + quote("ftp://127.0.0.1/x"), settings=local())


@pytest.mark.parametrize("path", ["/file.pdf", "/image.png", "/no-type-binary", "/brotli"])
async def test_not_a_web_page(server: ArticleServer, path: str) -> None:
    with pytest.raises(NotAWebPage):
        await fetch_page(server.base + path, settings=local())


@pytest.mark.parametrize("status", [404, 500])
async def test_http_status(server: ArticleServer, status: int) -> None:
    with pytest.raises(HTTPStatusError) as info:
        await fetch_page(f"{server.base}/status/{status}", settings=local())
    assert info.value.status == status and str(status) in info.value.user_message


@pytest.mark.parametrize("path", ["/slow", "/dribble"])
async def test_total_deadline(server: ArticleServer, path: str) -> None:
    # /dribble answers every read quickly: only the overall deadline can stop it.
    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        await fetch_page(server.base + path, settings=local(fetch_total_timeout=0.8))
    # Well before the server would have finished (6 s), with room for a busy machine.
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("path", ["/big", "/big-stream"])
async def test_body_over_the_cap(server: ArticleServer, path: str) -> None:
    with pytest.raises(TooLarge):
        await fetch_page(server.base + path, settings=local(fetch_max_bytes=50_000))


async def test_gzip_bomb_is_stopped_early(server: ArticleServer) -> None:
    assert len(BOMB) < 100_000  # small as sent: only the decompressed bound can catch it
    started = time.monotonic()
    with pytest.raises(TooLarge):
        await fetch_page(f"{server.base}/bomb", settings=local(fetch_max_bytes=1_000_000))
    assert time.monotonic() - started < 10  # a guard against hanging, not a speed claim


# --- the SSRF guard, end to end -------------------------------------------------------------

class NoDNS:
    async def resolve(self, host: str, port: int) -> list[str]:
        raise AssertionError(f"literal addresses must not be resolved ({host})")


@pytest.mark.parametrize("spelling", [
    "127.0.0.1", "2130706433", "0177.0.0.1", "0x7f.1", "0x7f000001", "127.1", "%31%32%37.0.0.1",
    "１２７。０.０.１", "user@127.0.0.1", "example.com@127.0.0.1", "user:pw@127.0.0.1",
    "[::1]", "[::ffff:127.0.0.1]", "[2002:7f00:1::]", "[64:ff9b::7f00:1]", "[::]", "0.0.0.0",
])
async def test_loopback_refused_before_connecting(server: ArticleServer, spelling: str) -> None:
    with pytest.raises(AddressNotAllowed):
        await fetch_page(f"http://{spelling}:{server.port}/article", settings=STRICT,
                         resolver=NoDNS())
    figures.add("disallowed_requests", len(server.seen))
    assert server.seen == []


async def test_name_resolving_to_loopback_refused(server: ArticleServer) -> None:
    for name in ("sneaky.test", "mixed.test"):
        with pytest.raises(AddressNotAllowed):
            await fetch_public(server, f"http://{name}:{server.port}/article")
    assert server.seen == []


async def test_localhost_via_system_resolver_refused(server: ArticleServer) -> None:
    with pytest.raises(AddressNotAllowed):
        await fetch_page(f"http://localhost:{server.port}/article", settings=STRICT)
    assert server.seen == []


async def test_public_host_connects_to_the_checked_ip(server: ArticleServer) -> None:
    nat = LoopbackNAT(server.port)
    page = await fetch_page("http://public.test/article", settings=STRICT,
                            resolver=public_resolver(), network_backend=nat)
    assert page.body == ARTICLE and page.url == "http://public.test/article"
    assert nat.connections == [(FAKE_PUBLIC, 80)]  # the IP, never the name
    assert server.seen[0][1]["Host"] == "public.test"


async def test_no_second_lookup_for_dns_rebinding(server: ArticleServer) -> None:
    class Rebinding(FakeResolver):
        async def resolve(self, host: str, port: int) -> list[str]:
            answer = await super().resolve(host, port)
            self.names[host] = ["127.0.0.1"]  # every later answer points inside
            return answer

    resolver = Rebinding({"public.test": [FAKE_PUBLIC]})
    page = await fetch_public(server, "http://public.test/article", resolver=resolver)
    assert page.body == ARTICLE and resolver.calls == ["public.test"]


@pytest.mark.parametrize("target", [
    "http://127.0.0.1:{port}/article", "http://[::1]:{port}/article", "http://10.0.0.1/",
    "http://169.254.169.254/latest/meta-data", "http://sneaky.test:{port}/article",
    "http://2130706433:{port}/article", "http://[fd00::1]/", "http://100.64.0.1/",
])
async def test_redirect_to_private_address_refused(server: ArticleServer, target: str) -> None:
    url = "http://public.test/to?url=" + quote(target.format(port=server.port))
    with pytest.raises(AddressNotAllowed):
        await fetch_public(server, url)
    figures.add("disallowed_requests", len(server.seen) - 1)  # the first hop is allowed
    assert [p for p, _ in server.seen] == [urlsplit(url).path + "?" + urlsplit(url).query]


async def test_tls_uses_the_hostname_for_sni_and_certificates(server: ArticleServer) -> None:
    class RecordingStream(httpcore.AsyncNetworkStream):
        server_hostname: str | None = None

        async def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                            timeout: float | None = None) -> httpcore.AsyncNetworkStream:
            RecordingStream.server_hostname = server_hostname
            raise httpcore.ConnectError("stop here: no TLS server in the tests")

    class Recording(LoopbackNAT):
        async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                              local_address: str | None = None,
                              socket_options: Any = None) -> httpcore.AsyncNetworkStream:
            self.connections.append((host, port))
            return RecordingStream()

    backend = Recording(server.port)
    with pytest.raises(FetchError):
        await fetch_page("https://public.test/", settings=STRICT, resolver=public_resolver(),
                         network_backend=backend)
    assert backend.connections == [(FAKE_PUBLIC, 443)]
    assert RecordingStream.server_hostname == "public.test"


async def test_pinned_backend_refuses_unchecked_hosts() -> None:
    class Inner(LoopbackNAT):
        async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                              local_address: str | None = None,
                              socket_options: Any = None) -> Any:  # a stand-in stream
            self.connections.append((host, port))
            return "stream"

    inner = Inner(0)
    backend = PinnedBackend(inner)
    backend.pin("public.test", [FAKE_PUBLIC])
    assert await backend.connect_tcp("public.test", 443) == "stream"
    with pytest.raises(AddressNotAllowed):
        await backend.connect_tcp("other.test", 443)
    with pytest.raises(AddressNotAllowed):
        await backend.connect_tcp(FAKE_PUBLIC, 443)  # even the IP itself was not checked
    assert inner.connections == [(FAKE_PUBLIC, 443)]


async def test_ipv6_literal_is_pinned_under_its_bracketless_name(server: ArticleServer) -> None:
    # Nothing listens on [::1] here: a plain connection failure, not "unchecked host".
    with pytest.raises(FetchError) as info:
        await fetch_page(f"http://[::1]:{server.port}/article", settings=local())
    assert type(info.value) is FetchError


async def test_substituted_transport_still_guards_every_hop() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/start":
            return httpx.Response(302, headers={"Location": "http://169.254.169.254/"})
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=ARTICLE)

    transport = httpx.MockTransport(handler)
    page = await fetch_page("http://public.test/article", settings=STRICT,
                            resolver=public_resolver(), transport=transport)
    assert page.body == ARTICLE
    with pytest.raises(AddressNotAllowed):
        await fetch_page("http://public.test/start", settings=STRICT,
                         resolver=public_resolver(), transport=transport)


# --- the tripwire itself --------------------------------------------------------------------

async def test_tripwire_stops_connections_beyond_loopback(tripwire: Tripwire) -> None:
    with pytest.raises(AssertionError), socket.socket() as sock:
        sock.connect(("10.0.0.1", 80))
    with pytest.raises(AssertionError):
        socket.create_connection(("169.254.169.254", 80), timeout=0.1)
    with pytest.raises(AssertionError):
        await asyncio.open_connection("10.0.0.1", 80)
    with pytest.raises(AssertionError):
        await asyncio.get_running_loop().getaddrinfo("example.com", 80)
    assert len(tripwire.violations) == 4
    tripwire.violations.clear()


async def test_tripwire_holds_when_the_guard_is_broken(server: ArticleServer, tripwire: Tripwire,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guard, "is_public_address", lambda ip: True)
    with pytest.raises(BaseException):  # noqa: B017 - whatever wraps it, nothing got out
        await fetch_public(server, "http://public.test/to?url=" + quote("http://10.0.0.1/"))
    assert tripwire.violations == ["10.0.0.1"]
    tripwire.violations.clear()


# --- the guard's policy, unit by unit -------------------------------------------------------

@pytest.mark.parametrize("url", NOT_LINKS)
def test_parse_url_refuses_with_the_fetchers_error(url: str) -> None:
    """What bot/urls.py refuses (tests/test_urls.py has the canonical forms) is the
    fetcher's InvalidURL, with the message users are shown."""
    with pytest.raises(InvalidURL):
        parse_url(url)


@pytest.mark.parametrize("ip", ["93.184.216.34", "8.8.8.8", "2606:4700::1", "2a00:1450::1",
                                "::ffff:93.184.216.34", "2002:5db8:d822::1",
                                "64:ff9b::5db8:d822"])
def test_public_addresses(ip: str) -> None:
    assert is_public_address(ip)


@pytest.mark.parametrize("ip", [
    "127.0.0.1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "192.0.2.1", "198.51.100.1",
    "203.0.113.10", "198.18.0.1", "::1", "::", "fe80::1", "fc00::1", "fd00::1", "fec0::1",
    "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::", "2002:a00:1::1",
    "64:ff9b::a00:1", "2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:db8::1",
    "::127.0.0.1", "100::1", "3fff::1",
])
def test_non_public_addresses(ip: str) -> None:
    assert not is_public_address(ip)


async def test_resolution_failures() -> None:
    class Failing:
        def __init__(self, errno: int) -> None:
            self.errno = errno

        async def resolve(self, host: str, port: int) -> list[str]:
            raise socket.gaierror(self.errno, "failed")

    with pytest.raises(InvalidURL):  # no such name: almost always a mistyped link
        await resolve_allowed("nope.test", 80, settings=STRICT, resolver=Failing(socket.EAI_NONAME))
    with pytest.raises(FetchError) as info:  # temporary trouble: not the user's fault
        await resolve_allowed("nope.test", 80, settings=STRICT, resolver=Failing(socket.EAI_AGAIN))
    assert type(info.value) is FetchError
    allowed = await resolve_allowed("sneaky.test", 80, settings=local(),
                                    resolver=public_resolver())
    assert allowed == ["127.0.0.1"]
