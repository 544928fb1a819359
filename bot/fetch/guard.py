"""URL and address policy for user-supplied links (SSRF guard); no I/O except DNS.

`parse_url` turns what a user sent into its `bot.urls.CanonicalURL` (the same parse gives the
cache key and the usage domain), so the host that is checked is exactly the host that is
connected to. `resolve_allowed` resolves that host and refuses every address that is not
plainly public.

Resolution failures: a name that does not exist raises `InvalidURL` (detail "could not
resolve host"), because for users that is almost always a mistyped link; any other resolver
failure (temporary DNS trouble) raises the plain `FetchError`, whose message is generic.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Protocol

from bot.fetch.errors import AddressNotAllowed, FetchError, InvalidURL
from bot.settings import Settings
from bot.urls import CanonicalURL, IPAddress, URLError, canonical_url


def parse_url(url: str) -> CanonicalURL:
    """The link's one canonical form (`bot.urls`), or the fetcher's InvalidURL."""
    try:
        return canonical_url(url)
    except URLError as error:
        raise InvalidURL(str(error)) from None


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
