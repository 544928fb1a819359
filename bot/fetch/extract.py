"""Read the article out of a fetched page: body text, title, author, site, date, canonical URL.

Pure and synchronous; the bot runs it in a worker process with a time limit
(`bot.process_workers`), because trafilatura can take a minute and hundreds of MiB on
adversarial pages.

Settings measured on pages-dev (120 WCXB pages, `bench/extraction.py`): trafilatura defaults
(tables kept, no precision/recall bias) score best, body word F1 0.939; favor_precision 0.913,
favor_recall 0.928, include_tables=False 0.925, deduplicate no change. Dates: htmldate with
original_date=True is exact on 100/120 from markup alone (extensive_search=False) and 102/120
with the extensive fallback; original_date=False (the latest date) only 68. Modification
evidence is removed before either reads the page (`pubdate`): still 102/120, 3 pages right
that took the last edit before, 3 "wrong" where the benchmark's gold is the "Updated" date.
Page furniture the extractor keeps (credits, related-story lines, sign-up boxes, share bars,
ads, author bios: `bot.breakdown.furniture`) is dropped after it: body word F1 0.947 -> 0.949.
"""

from __future__ import annotations

import codecs
import re
from typing import cast
from urllib.parse import urljoin, urlsplit

from charset_normalizer import from_bytes
from trafilatura import bare_extraction, baseline
from trafilatura.settings import Document

from bot.breakdown.furniture import strip_furniture
from bot.breakdown.language import detect_language
from bot.fetch.article import Article
from bot.fetch.errors import NoArticleText
from bot.fetch.pubdate import publication_date, publication_tree

MIN_WORDS = 40  # fewer words than this is a teaser, a cookie wall or a page of links
_WORD = re.compile(r"\w+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
# Separators between a headline and the site name, tried in this order.
_SEPARATORS = (" | ", " – ", " — ", " - ", " • ", " · ", " :: ", " » ")
_PREFIX_SEPARATORS = (*_SEPARATORS, ": ")
_NOT_A_NAME = re.compile(r"[\W_]+")
# Host labels that say nothing about the site.
_GENERIC_LABELS = {"www", "blog", "blogs", "news", "online", "home", "amp", "m"}
# WHATWG: a page labelled latin-1/ascii is decoded as windows-1252 by every browser.
_WINDOWS_1252_ALIASES = {"iso8859-1", "latin-1", "ascii"}


SHORT_WORDS = 1000  # words: below this, compare with trafilatura's baseline
RECALL_GAIN = 2.0  # the baseline must find twice as many words to be used


def extract_article(html: bytes | str, url: str | None = None, *,
                    declared_charset: str | None = None, text_plain: bool = False) -> Article:
    """The article in `html` (bytes as fetched, normally); raises `NoArticleText`.

    `declared_charset` is the HTTP Content-Type charset; `text_plain` says the body is plain
    text (no HTML parsing: the decoded text is the article).
    """
    if text_plain:
        return _plain_article(html, url, declared_charset)
    decoded = decode_html(html, declared_charset)
    # parsed once, without "modified"/"updated" dates: they are never the publication date
    tree = publication_tree(decoded)
    document = cast("Document | None", bare_extraction(  # a dict only with as_dict=True
        decoded if tree is None else tree, url=url, include_comments=False,
        with_metadata=True,
        # Strong sources only (meta tags, JSON-LD, <time>): the weak fallback is run below
        # and marked unreliable. original_date: the first publication, not the last edit.
        date_extraction_params={"extensive_search": False, "original_date": True,
                                "url": url},
    ))
    text = (document.text or "").strip() if document is not None else ""
    if len(_WORD.findall(text)) < SHORT_WORDS:
        # A short result is where the precise extractor most often cut the article short
        # (a body it could not tell from the page chrome): trafilatura's baseline takes the
        # page's article markup or JSON-LD body instead; keep it when it found far more.
        _, wider_text, _ = baseline(decoded)
        if len(_WORD.findall(wider_text)) > RECALL_GAIN * len(_WORD.findall(text)):
            text = wider_text.strip()
    # Credits, related-story cards, sign-up boxes, share bars, ads and author bios that the
    # extractor kept: the same line rules that keep them out of a pasted article's analysis.
    text = strip_furniture(text).strip()
    # Count only prose lines: on a page of links trafilatura returns the link texts, one
    # short line each. (Lowest prose count on pages-dev: 78 words.)
    prose = sum(n for line in text.splitlines() if (n := len(_WORD.findall(line))) >= 8)
    if prose < MIN_WORDS:
        raise NoArticleText(f"{prose} words of prose")
    assert document is not None
    final_url = _canonical(document.url, url)
    # htmldate's extensive search (URL patterns, any date in the text) is the fallback: it
    # finds a date on almost every page, right or wrong, so it is only ever "detected".
    published, reliable = publication_date(document.date, decoded, url)
    site = document.sitename or _host(final_url)
    return Article(
        text=text,
        title=clean_title(document.title, site, final_url),
        author=document.author or None,
        site=site,
        published=published,
        url=final_url,
        language=detect_language(text),
        published_reliable=reliable and published is not None,
    )


def decode_html(html: bytes | str, declared_charset: str | None = None) -> bytes | str:
    """The page as text when we know its encoding better than trafilatura would, else bytes.

    trafilatura tries UTF-8, then guesses with charset_normalizer, and ignores both the
    page's <meta charset> and the HTTP header. We keep its UTF-8 test first (a page that
    decodes as UTF-8 is UTF-8 whatever it claims), then trust <meta charset>, then the header
    (often a server default, so it comes after the page's own claim), then its guess.
    """
    if isinstance(html, str):
        return html
    try:
        html.decode("utf-8")
        return html
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(html[:4096])
    for label in (match.group(1).decode("ascii", "ignore") if match else None,
                  declared_charset):
        codec = _codec(label)
        if codec is not None and codec != "utf-8":
            return html.decode(codec, errors="replace")
    return html


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return "cp1252" if name in _WINDOWS_1252_ALIASES else name


def _plain_article(body: bytes | str, url: str | None, declared_charset: str | None) -> Article:
    text = (body if isinstance(body, str) else _decode_text(body, declared_charset)).strip()
    if len(_WORD.findall(text)) < MIN_WORDS:
        raise NoArticleText(f"{len(_WORD.findall(text))} words of text")
    return Article(text=text, title=None, author=None, site=_host(url), published=None,
                   url=url, language=detect_language(text))


def _decode_text(body: bytes, declared_charset: str | None) -> str:
    codec = _codec(declared_charset)
    if codec is not None:
        return body.decode(codec, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(body).best()
        return str(best) if best is not None else body.decode("utf-8", errors="replace")


def _canonical(declared: str | None, fetched: str | None) -> str | None:
    """The page's canonical URL when it is http(s) (relative ones resolved), else `fetched`."""
    if declared:
        resolved = urljoin(fetched or "", declared.strip())
        if urlsplit(resolved).scheme in ("http", "https") and urlsplit(resolved).netloc:
            return resolved
    return fetched


def _host(url: str | None) -> str | None:
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def _norm(text: str) -> str:
    return _NOT_A_NAME.sub("", text.casefold())


def clean_title(title: str | None, site: str | None, url: str | None) -> str | None:
    """`title` without a site-name suffix or prefix ("Headline | Site", "Site: Headline").

    A part is only removed when it names the site: it matches the site name (or one of its
    own parts: names such as "Brand | Slogan" are common) or contains a label of the host.
    """
    if not title:
        return title
    title = " ".join(title.split())
    names: set[str] = set()
    if site and _norm(site) != _norm(title):  # trafilatura falls back to the title itself
        names.add(_norm(site))
        names.update(_norm(part) for sep in _SEPARATORS for part in site.split(sep))
    names.discard("")
    host = urlsplit(url).hostname if url else None
    labels = {label for label in (host or "").split(".")[:-1]
              if len(label) >= 4 and label not in _GENERIC_LABELS}

    def names_site(part: str) -> bool:
        key = _norm(part)
        if not key:
            return False
        if key in names:
            return True
        if len(part.split()) > 8:  # a long part is more likely the headline's second half
            return False
        if any((min(len(key), len(name)) >= 4
                               and (key.startswith(name) or name.startswith(key)
                                    or key.endswith(name)))
               for name in names):
            return True
        return any(label.replace("-", "") in key for label in labels)

    for _ in range(3):  # "Headline | Section | Site" loses one part per round
        before = title
        for sep in _SEPARATORS:
            head, found, tail = title.rpartition(sep)
            if found and len(head.split()) >= 2 and names_site(tail):
                title = head.strip()
                break
        else:
            for sep in _PREFIX_SEPARATORS:
                head, found, tail = title.partition(sep)
                if found and len(tail.split()) >= 2 and names_site(head):
                    title = tail.strip()
                    break
        if title == before:
            break
    return title
