"""What a chat message asks for: links to break down, an article's text, or nothing.

Text first: a message with an article's worth of words besides its links is the article
(its links are offered under the breakdown, not fetched); a message that is mostly links
asks for them; HTML source is read as a web page, through the link extractor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice
from typing import Literal

from bot.breakdown.words import has_words

# Links as people paste them; Telegram's own url entities are preferred when present.
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'«»“”]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}’'\""

Kind = Literal["links", "text", "html", "short"]
# A page's source rather than an article: document-level tags, or many element tags.
_DOCUMENT_TAG = re.compile(r"<!doctype\s+html|</?(?:html|head|body)\b[^<>]*>", re.IGNORECASE)
_ELEMENT_TAG = re.compile(
    r"</?(?:a|p|div|span|br|li|ul|ol|h[1-6]|img|meta|link|script|style|table|tr|td|"
    r"article|section|nav|header|footer|main|figure|em|strong|b|i|form|input|button)"
    r"\b[^<>]{0,1000}>", re.IGNORECASE)
HTML_MIN_TAGS = 10


@dataclass(frozen=True, slots=True)
class Request:
    kind: Kind
    links: tuple[str, ...] = ()  # to fetch ("links"), or to offer under a text's breakdown
    extra_links: int = 0  # links beyond the per-message limit, to say so


def find_links(text: str, entity_urls: list[str] | None = None) -> list[str]:
    """Distinct links in order; "www.x" gets https://; trailing punctuation is not part."""
    found = list(entity_urls or []) or [m.group().rstrip(_TRAILING) for m in _URL.finditer(text)]
    # Only "www." gets a scheme: "javascript:…" or "data:…" must stay what they are, so
    # that the fetcher refuses them as links rather than reading them as a host.
    links = [f"https://{link}" if link.lower().startswith("www.") else link for link in found]
    return list(dict.fromkeys(links))


def looks_like_html(text: str) -> bool:
    """A doctype, an html/head/body tag, or at least `HTML_MIN_TAGS` element tags."""
    if _DOCUMENT_TAG.search(text):
        return True
    return sum(1 for _ in islice(_ELEMENT_TAG.finditer(text), HTML_MIN_TAGS)) >= HTML_MIN_TAGS


def classify(text: str, *, entity_urls: list[str] | None = None, max_links: int = 3,
             min_words: int = 40) -> Request:
    """HTML source; else an article (`min_words` words besides its links); else links."""
    if looks_like_html(text):
        return Request("html")
    links = find_links(text, entity_urls)
    # Only the threshold matters here, and counting a long article's every word cost ~0.5 ms
    # per message before its first await: a burst of articles kept /help waiting.
    if has_words(_URL.sub(" ", text) if links else text, min_words):
        return Request("text", tuple(links[:max_links]))
    if links:
        return Request("links", tuple(links[:max_links]), max(0, len(links) - max_links))
    return Request("short")
