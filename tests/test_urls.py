"""One canonical form per link (bot/urls.py): what is fetched, the cache key, the usage domain."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.urls import CanonicalURL, URLError, cache_key, canonical_url

NOT_LINKS = [
    "example.com", "no link at all", "ftp://example.com/", "javascript:alert(1)",
    "file:///etc/passwd", "http://", "http://a b/", "http://example.0x7f/", "http://1.2.3.256/",
    "http://1.2.3.4.5/", "http://08.0.0.1/", "http://[::1%25eth0]/", "http://[::1/",
    "http://a.test:99999/", "http://a.test:0/", "http://a.test:x/", "http://a..b/",
    "http://xn--/",
]


@pytest.mark.parametrize(("url", "fetched"), [
    # hosts: case, trailing dot, IDN (UTS #46, full-width dots too), numeric spellings
    ("HTTPS://News.Example.COM./a", "https://news.example.com/a"),
    ("http://Bücher.DE/", "http://xn--bcher-kva.de/"),
    ("http://пример.рф/статья", "http://xn--e1afmkfd.xn--p1ai/%D1%81%D1%82%D0%B0%D1%82%D1%8C%D1%8F"),
    ("http://example\uff0ecom/", "http://example.com/"),
    ("http://2130706433/", "http://127.0.0.1/"),
    ("http://0x7f.1/", "http://127.0.0.1/"),
    ("http://0x7F000001/", "http://127.0.0.1/"),
    ("http://0177.0.0.1/a?b#c", "http://127.0.0.1/a?b"),
    ("http://0x7f.1:8080", "http://127.0.0.1:8080/"),
    ("http://example.com@127.0.0.1/", "http://127.0.0.1/"),
    ("http:\\\\evil.test\\@127.0.0.1/", "http://evil.test/@127.0.0.1/"),
    ("http://[::FFFF:127.0.0.1]:81/", "http://[::ffff:7f00:1]:81/"),
    (" http://example.com?q=1 ", "http://example.com/?q=1"),
    ("http://%31%32%37.0.0.1/", "http://127.0.0.1/"),
    ("http://[0:0:0:0:0:0:0:1]/", "http://[::1]/"),
    # ports
    ("https://example.com:443/a", "https://example.com/a"),
    ("http://example.com:80", "http://example.com/"),
    ("http://example.com:8080/a", "http://example.com:8080/a"),
    ("https://example.com:80/a", "https://example.com:80/a"),
    # dot segments, literal and encoded
    ("http://example.com/a/./b/../c", "http://example.com/a/c"),
    ("http://example.com/a/b/..", "http://example.com/a/"),
    ("http://example.com/../../a", "http://example.com/a"),
    ("http://example.com/a/%2e%2E/b", "http://example.com/b"),
    ("http://example.com/a/.../b", "http://example.com/a/.../b"),  # not a dot segment
    # percent-encoding: upper-case escapes, unreserved decoded, the rest encoded
    ("http://example.com/%7euser/%41%2f%c3%a4", "http://example.com/~user/A%2F%C3%A4"),
    ("http://example.com/a b/ä?q=a b&r=ü", "http://example.com/a%20b/%C3%A4?q=a%20b&r=%C3%BC"),
    ("HTTPS://User:pw@Example.COM.:443/a b", "https://example.com/a%20b"),
    ("http://bücher.de/ä", "http://xn--bcher-kva.de/%C3%A4"),
    ("http://example.com/100%/x?p=%zz", "http://example.com/100%/x?p=%zz"),  # left as browsers do
    ("http://example.com/a\\b?c\\d", "http://example.com/a/b?c%5Cd"),
    # fragments and credentials never reach the server
    ("http://user:pw@example.com/a#frag?x", "http://example.com/a"),
    ("http://example.com/a?b=1#c", "http://example.com/a?b=1"),
    ("http://example.com/a?", "http://example.com/a?"),
    ("\t http://exa\nmple.com/a\r\n", "http://example.com/a"),
])
def test_the_fetched_url(url: str, fetched: str) -> None:
    assert canonical_url(url).url == fetched


@pytest.mark.parametrize(("url", "key"), [
    ("https://example.com/a?utm_source=tg&utm_medium=share&id=7&fbclid=X&gclid=Y",
     "https://example.com/a?id=7"),
    ("https://example.com/a?UTM_Campaign=x&utm%5Fterm=y", "https://example.com/a"),
    ("https://example.com/a?b=2&a=1&utm_source=x", "https://example.com/a?b=2&a=1"),
    ("https://example.com/a?", "https://example.com/a"),
    ("https://example.com/a?q=a+b&q=c", "https://example.com/a?q=a+b&q=c"),
    ("HTTPS://Example.COM/a/B?x=1", "https://example.com/a/B?x=1"),
    ("https://example.com/a#comments", "https://example.com/a"),
    ("https://example.com", "https://example.com/"),
    ("http://[2001:db8::1]:80/x", "http://[2001:db8::1]/x"),
])
def test_the_cache_key(url: str, key: str) -> None:
    assert cache_key(url) == key


def test_every_spelling_of_a_page_has_one_key() -> None:
    spellings = [
        "http://127.0.0.1/news/story?id=7",
        "HTTP://127.0.0.1:80/news/story?id=7#top",
        "http://2130706433/news/./story?id=%37",
        "http://0x7f.1/archive/../news/story?id=7&utm_source=telegram",
        "http://user@0177.0.0.1/news/%73tory?fbclid=abc&id=7",
    ]
    assert {cache_key(url) for url in spellings} == {"http://127.0.0.1/news/story?id=7"}


@pytest.mark.parametrize(("one", "other"), [
    ("https://example.com/A", "https://example.com/a"),  # paths keep their case
    ("https://example.com/a?x=1&y=2", "https://example.com/a?y=2&x=1"),  # and query order
    ("https://example.com/a%2Fb", "https://example.com/a/b"),  # an encoded slash is data
    ("https://example.com/a/", "https://example.com/a"),
    ("http://example.com/", "https://example.com/"),
])
def test_different_pages_keep_different_keys(one: str, other: str) -> None:
    assert cache_key(one) != cache_key(other)


@pytest.mark.parametrize(("url", "domain"), [
    ("https://www.Example.COM/a", "example.com"),
    ("http://0x7f.1/", "127.0.0.1"),
    ("http://[2001:db8::1]/x", "2001:db8::1"),
    ("https://www.bücher.de/", "xn--bcher-kva.de"),
])
def test_the_domain(url: str, domain: str) -> None:
    assert canonical_url(url).domain == domain


@pytest.mark.parametrize("url", NOT_LINKS)
def test_what_is_not_a_link(url: str) -> None:
    with pytest.raises(URLError):
        canonical_url(url)


_PIECES = st.sampled_from(["a", "B", "~", ".", "..", "%2e", "%2F", "%7e", "%zz", "%", " ", "ä",
                           "é", "?", "&", "=", "+", "\\", "/", "//", "#", "'", '"', "<", "{",
                           "|", "^", "`", "@", ":", ";", "!", "$", "(", "*", ",", "[", "\x7f",
                           "utm_source=x", "fbclid=1"])


@given(host=st.sampled_from(["Example.com", "127.0.0.1", "0x7f.1", "[::1]", "bücher.de",
                             "www.a-b.org.:8080"]),
       rest=st.lists(_PIECES, max_size=12).map("".join))
def test_httpx_fetches_exactly_the_canonical_url(host: str, rest: str) -> None:
    """The cache key is made from what is requested: httpx changes nothing in a canonical
    URL, and canonicalising it again gives the same thing."""
    canonical = canonical_url(f"http://{host}/{rest}")
    request = httpx.Request("GET", canonical.url)
    assert request.url.raw_path.decode("ascii") == canonical.target
    assert request.url.raw_host.decode("ascii") == canonical.host
    assert canonical_url(canonical.url) == canonical
    assert canonical_url(canonical.cache_key).cache_key == canonical.cache_key


def test_the_parts() -> None:
    parsed = canonical_url("https://Example.com:8443/a/../b?token=secret#x")
    assert parsed == CanonicalURL("https", "example.com", 8443, "/b", "token=secret")
    assert parsed.netloc == "example.com:8443" and parsed.ip is None
    assert parsed.for_log == "https://example.com:8443/b"  # no query: it may hold tokens
    assert canonical_url("http://[::1]/").ip is not None
