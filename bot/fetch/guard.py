"""URL and address policy for user-supplied links (SSRF guard); no I/O except DNS.

`parse_url` turns what a user sent into one canonical (scheme, host, port, target), so the
host that is checked is exactly the host that is connected to. `resolve_allowed` resolves
that host and refuses every address that is not plainly public.

Resolution failures: a name that does not exist raises `InvalidURL` (detail "could not
resolve host"), because for users that is almost always a mistyped link; any other resolver
failure (temporary DNS trouble) raises the plain `FetchError`, whose message is generic.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote, unquote

from bot.fetch.errors import AddressNotAllowed, FetchError, InvalidURL
from bot.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_\-]{0,61}[a-z0-9_])?$")
_NUMERIC_LABEL = re.compile(r"^(?:[0-9]+|0[xX][0-9a-fA-F]*)$")
# Characters left as they are in a request target; everything else is percent-encoded.
_TARGET_SAFE = "!#$%&'()*+,/:;=?@[]~"


@dataclass(frozen=True, slots=True)
class ParsedURL:
    scheme: str  # "http" or "https"
    host: str  # lower-case ASCII name (IDNA), dotted IPv4, or compressed IPv6 without brackets
    port: int  # always set; the scheme's default when the URL has none
    target: str  # path and query, percent-encoded, starting with "/"; no fragment

    @property
    def ip(self) -> IPAddress | None:
        try:
            return ipaddress.ip_address(self.host)
        except ValueError:
            return None

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == _DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.netloc}{self.target}"

    @property
    def for_log(self) -> str:
        """Scheme, host and path only: query strings can carry tokens, so never log them."""
        return f"{self.scheme}://{self.netloc}{self.target.split('?', 1)[0]}"


def parse_url(url: str) -> ParsedURL:
    """Normalise a link the way browsers (WHATWG URL) do, or raise InvalidURL."""
    # Browsers drop surrounding whitespace/controls and every tab or newline inside.
    text = re.sub(r"[\t\r\n]", "", url.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b"
                                              "\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17"
                                              "\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "))
    match = _SCHEME.match(text)
    if not match:
        raise InvalidURL("no scheme")
    scheme = match.group(1).lower()
    if scheme not in _DEFAULT_PORTS:
        raise InvalidURL(f"scheme {scheme!r} not allowed")
    rest = text[match.end():]
    # For http(s) a backslash is a slash (before any query), as in browsers; otherwise
    # "http://a\@b/" would mean a different host to us than to the user's browser.
    head, qmark, query = rest.partition("?")
    rest = head.replace("\\", "/") + qmark + query
    rest = rest.lstrip("/")  # "http:example.com" and "http:///example.com" as browsers do
    rest = rest.split("#", 1)[0]
    end = len(rest)
    for delimiter in "/?":
        pos = rest.find(delimiter)
        if pos != -1:
            end = min(end, pos)
    authority, target = rest[:end], rest[end:]
    # Credentials are dropped, never sent: the host is whatever follows the last "@".
    hostport = authority.rpartition("@")[2]
    host, port = _split_host_port(hostport)
    if not target.startswith("/"):
        target = "/" + target
    return ParsedURL(scheme, host, port or _DEFAULT_PORTS[scheme], quote(target, _TARGET_SAFE))


def _split_host_port(hostport: str) -> tuple[str, int | None]:
    if hostport.startswith("["):
        inside, bracket, after = hostport[1:].partition("]")
        if not bracket or (after and not after.startswith(":")):
            raise InvalidURL("malformed IPv6 address")
        host, port_text = _normalise_ipv6(inside), after[1:]
    else:
        raw_host, _, port_text = hostport.partition(":")
        host = _normalise_host(raw_host)
    if port_text == "":
        return host, None
    if not port_text.isascii() or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise InvalidURL("bad port")
    return host, int(port_text)


def _normalise_ipv6(text: str) -> str:
    if "%" in text:  # zone ids name a local interface: never a public destination
        raise InvalidURL("IPv6 zone id not allowed")
    try:
        return ipaddress.IPv6Address(text).compressed
    except ValueError:
        raise InvalidURL("malformed IPv6 address") from None


def _normalise_host(raw: str) -> str:
    host = unquote(raw)  # browsers decode "%31%32%37.0.0.1" to 127.0.0.1
    if not host:
        raise InvalidURL("no host")
    if not host.isascii():
        # UTS #46 mapping also folds full-width digits and ideographic dots into ASCII,
        # so it must run before the IPv4 check.
        try:
            import idna

            host = idna.encode(host, uts46=True).decode("ascii")
        except Exception:  # idna raises several unrelated types for bad input
            raise InvalidURL("bad international domain name") from None
    host = host.lower()
    ipv4 = _parse_ipv4(host)
    if ipv4 is not None:
        return ipv4
    host = host.removesuffix(".")
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise InvalidURL("bad host name")
    return host


def _parse_ipv4(host: str) -> str | None:
    """inet_aton-style IPv4 (decimal, octal, hex, 1-4 parts), as browsers accept it.

    Returns None for names that are not numeric; raises InvalidURL for a host that ends in a
    number but is not a valid address (browsers refuse those too).
    """
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels.pop()
    if not _NUMERIC_LABEL.match(labels[-1]):
        return None
    if len(labels) > 4 or not all(_NUMERIC_LABEL.match(label) for label in labels):
        raise InvalidURL("malformed IPv4 address")
    numbers = [_parse_ipv4_number(label) for label in labels]
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise InvalidURL("malformed IPv4 address")
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number << (8 * (3 - index))
    return str(ipaddress.IPv4Address(value))


def _parse_ipv4_number(label: str) -> int:
    if label[:2].lower() == "0x":
        return int(label[2:] or "0", 16)
    if len(label) > 1 and label.startswith("0"):
        if not set(label) <= set("01234567"):
            raise InvalidURL("malformed IPv4 address")
        return int(label, 8)
    return int(label)


_V4_BLOCKED = [ipaddress.IPv4Network(n) for n in (
    "0.0.0.0/8",  # "this network", incl. unspecified 0.0.0.0
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",  # private
    "100.64.0.0/10",  # carrier-grade NAT
    "127.0.0.0/8",  # loopback
    "169.254.0.0/16",  # link-local, incl. cloud metadata 169.254.169.254
    "192.0.0.0/24",  # IETF protocol assignments
    "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",  # documentation
    "192.88.99.0/24",  # 6to4 relay anycast
    "198.18.0.0/15",  # benchmarking
    "224.0.0.0/4",  # multicast
    "240.0.0.0/4",  # reserved, incl. broadcast 255.255.255.255
)]
_V6_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_V6_BLOCKED = [ipaddress.IPv6Network(n) for n in (
    "2001::/23",  # IETF protocol assignments, incl. Teredo 2001::/32, benchmarking, ORCHID
    "2001:db8::/32", "3fff::/20",  # documentation
)]
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def is_public_address(ip: str | IPAddress) -> bool:
    """True only for globally routable unicast addresses; every special range is refused."""
    address = ipaddress.ip_address(ip.split("%", 1)[0] if isinstance(ip, str) else ip)
    if isinstance(address, ipaddress.IPv4Address):
        return not any(address in network for network in _V4_BLOCKED)
    # Forms that embed an IPv4 address reach that IPv4 host, so the IPv4 rules decide.
    if address.ipv4_mapped is not None:
        return is_public_address(address.ipv4_mapped)
    if address in _NAT64:
        return is_public_address(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    if address.sixtofour is not None:
        return is_public_address(address.sixtofour)
    # Allow-list: outside 2000::/3 is loopback, unspecified, IPv4-compatible, ULA (fc00::/7),
    # link-local (fe80::/10), site-local (fec0::/10), multicast (ff00::/8) or unassigned.
    if address not in _V6_GLOBAL_UNICAST:
        return False
    return not any(address in network for network in _V6_BLOCKED)


class Resolver(Protocol):
    async def resolve(self, host: str, port: int) -> list[str]:
        """IP addresses for `host`; raises OSError (e.g. socket.gaierror) on failure."""
        ...


class SystemResolver:
    """The operating system's resolver, run in the event loop's executor."""

    async def resolve(self, host: str, port: int) -> list[str]:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        return [str(info[4][0]) for info in infos]


_NO_SUCH_NAME = {getattr(socket, name) for name in ("EAI_NONAME", "EAI_NODATA")
                 if hasattr(socket, name)}


async def resolve_allowed(host: str, port: int, *, settings: Settings,
                          resolver: Resolver) -> list[str]:
    """Checked IPs for host (literal IPs skip DNS), or AddressNotAllowed / InvalidURL.

    A name is refused if *any* of its addresses is not public: filtering would also be safe
    (we connect only to checked IPs), but a mixed answer is a red flag and refusing is clearer.
    """
    literal: IPAddress | None
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        candidates = [literal]
    else:
        try:
            answers = await resolver.resolve(host, port)
        except socket.gaierror as exc:
            if exc.errno in _NO_SUCH_NAME:
                raise InvalidURL("could not resolve host") from None
            raise FetchError("DNS lookup failed") from None
        except OSError:
            raise FetchError("DNS lookup failed") from None
        try:
            candidates = [ipaddress.ip_address(a.split("%", 1)[0]) for a in answers]
        except ValueError:
            raise FetchError("resolver returned a malformed address") from None
        if not candidates:
            raise InvalidURL("could not resolve host")
    if not settings.fetch_allow_private:
        for candidate in candidates:
            if not is_public_address(candidate):
                raise AddressNotAllowed("host resolves to a non-public address")
    return list(dict.fromkeys(str(candidate) for candidate in candidates))
