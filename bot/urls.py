"""One parse of a user's link, for everything that needs one: the address the fetcher
connects to, the link cache's key, and the host that usage events record.

`canonical_url` reads a link the way browsers do (WHATWG URL), then normalises it as RFC 3986
§6.2.2 allows, so that every spelling of one page becomes one `CanonicalURL`:

- the host: IDNA (UTS #46) for international names, lower case, no trailing dot; numeric
  spellings (`2130706433`, `0x7f.1`, `0177.0.0.1`) become the dotted IPv4 address they
  reach; IPv6 compressed; credentials dropped, never sent;
- the port: the scheme's default when the link has none (and left out of `url`);
- the path and query: characters a request line cannot carry percent-encoded (UTF-8),
  escapes in upper case, escapes of unreserved characters decoded (`%7E` is `~`), and in
  the path the `.` and `..` segments removed (`%2E` counts as a dot, as in browsers);
- no fragment: it never reaches the server.

`url` is exactly what is requested: httpx leaves a canonical URL as it is (tests check
this). `cache_key` is `url` without tracking parameters; `domain` is the host for usage
events. Pure: no I/O, no imports beyond the standard library and `idna`.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import unquote, unquote_plus

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_\-]{0,61}[a-z0-9_])?$")
_NUMERIC_LABEL = re.compile(r"^(?:[0-9]+|0[xX][0-9a-fA-F]*)$")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Printable ASCII left as it is in a request target; everything else is percent-encoded
# (a superset of the WHATWG percent-encode sets, so httpx has nothing left to encode).
_TARGET_SAFE = frozenset("!$%&'()*+,/:;=?@[]") | _UNRESERVED
# Surrounding characters browsers strip: C0 controls and space.
_STRIPPED = "".join(chr(code) for code in range(0x21))
# Parameters that track who shared a link, never which page it is.
_TRACKING_PREFIXES = ("utm_",)
_TRACKING_NAMES = frozenset(
    """fbclid gclid dclid gbraid wbraid msclkid yclid twclid igshid mc_cid mc_eid _ga _gl
    ref_src ref_url cmpid ocid smid sr_share""".split()
)


class URLError(ValueError):
    """Not an http(s) link that can be fetched; the message says why (for logs, not users)."""


@dataclass(frozen=True, slots=True)
class CanonicalURL:
    scheme: str  # "http" or "https"
    host: str  # lower-case ASCII name (IDNA), dotted IPv4, or compressed IPv6 without brackets
    port: int  # always set; the scheme's default when the URL has none
    path: str  # starts with "/"; normalised as the module docstring says
    query: str | None  # without the "?"; "" for a bare "?", None for no query at all

    @property
    def ip(self) -> IPAddress | None:
        try:
            return ipaddress.ip_address(self.host)
        except ValueError:
            return None

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"

    @property
    def target(self) -> str:
        """The request target: path and query."""
        return self.path if self.query is None else f"{self.path}?{self.query}"

    @property
    def url(self) -> str:
        """The address the fetcher requests."""
        return f"{self.scheme}://{self.netloc}{self.target}"

    @property
    def for_log(self) -> str:
        """Scheme, host and path only: query strings can carry tokens, so never log them."""
        return f"{self.scheme}://{self.netloc}{self.path}"

    @property
    def cache_key(self) -> str:
        """`url` without tracking parameters: one key per page, whatever the share button
        added. The other parameters keep their order and spelling (servers may care)."""
        kept = [part for part in (self.query or "").split("&")
                if part and not is_tracking_parameter(unquote_plus(part.split("=", 1)[0]))]
        query = f"?{'&'.join(kept)}" if kept else ""
        return f"{self.scheme}://{self.netloc}{self.path}{query}"

    @property
    def domain(self) -> str:
        """The host as usage events record it: "www." dropped."""
        return self.host.removeprefix("www.")


def is_tracking_parameter(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(text: str) -> CanonicalURL:
    """The canonical form of the http(s) link `text`, or URLError."""
    # Browsers drop surrounding whitespace/controls and every tab or newline inside.
    text = re.sub(r"[\t\r\n]", "", text.strip(_STRIPPED))
    match = _SCHEME.match(text)
    if not match:
        raise URLError("no scheme")
    scheme = match.group(1).lower()
    if scheme not in DEFAULT_PORTS:
        raise URLError(f"scheme {scheme!r} not allowed")
    rest = text[match.end():].split("#", 1)[0]
    # For http(s) a backslash is a slash (before any query), as in browsers; otherwise
    # "http://a\@b/" would mean a different host to us than to the user's browser.
    head, qmark, query = rest.partition("?")
    head = head.replace("\\", "/").lstrip("/")  # "http:example.com", "http:///example.com"
    authority, slash, path = head.partition("/")
    # Credentials are dropped, never sent: the host is whatever follows the last "@".
    host, port = _split_host_port(authority.rpartition("@")[2])
    return CanonicalURL(scheme, host, port or DEFAULT_PORTS[scheme],
                        _remove_dot_segments(_normalise_escapes(slash + path or "/")),
                        _normalise_escapes(query) if qmark else None)


def cache_key(url: str) -> str:
    """The link cache's key for `url` (see `CanonicalURL.cache_key`); URLError if invalid."""
    return canonical_url(url).cache_key


def _normalise_escapes(text: str) -> str:
    """Percent-encode what a request line cannot carry; escapes upper-cased, and decoded
    where they stand for an unreserved character."""
    encoded = "".join(char if char in _TARGET_SAFE else
                      "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))
                      for char in text)
    return _ESCAPE.sub(_normalise_escape, encoded)


def _normalise_escape(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else match.group(0).upper()


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4 for an absolute path: "/a/./b/../c" is "/a/c", "/a/b/.." is "/a/"."""
    output: list[str] = []
    segments = path.split("/")[1:]
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "..":
            if output:
                output.pop()
        elif segment != ".":
            output.append(segment)
        if last and segment in {".", ".."}:
            output.append("")  # a path ending in a dot segment names a directory
    return "/" + "/".join(output)


def _split_host_port(hostport: str) -> tuple[str, int | None]:
    if hostport.startswith("["):
        inside, bracket, after = hostport[1:].partition("]")
        if not bracket or (after and not after.startswith(":")):
            raise URLError("malformed IPv6 address")
        host, port_text = _normalise_ipv6(inside), after[1:]
    else:
        raw_host, _, port_text = hostport.partition(":")
        host = _normalise_host(raw_host)
    if port_text == "":
        return host, None
    if not port_text.isascii() or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise URLError("bad port")
    return host, int(port_text)


def _normalise_ipv6(text: str) -> str:
    if "%" in text:  # zone ids name a local interface: never a public destination
        raise URLError("IPv6 zone id not allowed")
    try:
        return ipaddress.IPv6Address(text).compressed
    except ValueError:
        raise URLError("malformed IPv6 address") from None


def _normalise_host(raw: str) -> str:
    host = unquote(raw)  # browsers decode "%31%32%37.0.0.1" to 127.0.0.1
    if not host:
        raise URLError("no host")
    if not host.isascii():
        # UTS #46 mapping also folds full-width digits and ideographic dots into ASCII,
        # so it must run before the IPv4 check.
        try:
            import idna

            host = idna.encode(host, uts46=True).decode("ascii")
        except Exception:  # idna raises several unrelated types for bad input
            raise URLError("bad international domain name") from None
    host = host.lower()
    ipv4 = _parse_ipv4(host)
    if ipv4 is not None:
        return ipv4
    host = host.removesuffix(".")
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise URLError("bad host name")
    return host


def _parse_ipv4(host: str) -> str | None:
    """inet_aton-style IPv4 (decimal, octal, hex, 1-4 parts), as browsers accept it.

    Returns None for names that are not numeric; raises URLError for a host that ends in a
    number but is not a valid address (browsers refuse those too).
    """
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels.pop()
    if not _NUMERIC_LABEL.match(labels[-1]):
        return None
    if len(labels) > 4 or not all(_NUMERIC_LABEL.match(label) for label in labels):
        raise URLError("malformed IPv4 address")
    numbers = [_parse_ipv4_number(label) for label in labels]
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise URLError("malformed IPv4 address")
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number << (8 * (3 - index))
    return str(ipaddress.IPv4Address(value))


def _parse_ipv4_number(label: str) -> int:
    if label[:2].lower() == "0x":
        return int(label[2:] or "0", 16)
    if len(label) > 1 and label.startswith("0"):
        if not set(label) <= set("01234567"):
            raise URLError("malformed IPv4 address")
        return int(label, 8)
    return int(label)
