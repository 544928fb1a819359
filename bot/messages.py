"""What a chat message asks for: links to break down, an article's text, or nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.breakdown.words import has_words

# Links as people paste them; Telegram's own url entities are preferred when present.
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'«»“”]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}’'\""

Kind = Literal["links", "text", "short"]


@dataclass(frozen=True, slots=True)
class Request:
    kind: Kind
    links: tuple[str, ...] = ()
    extra_links: int = 0  # links beyond the per-message limit, to say so


def find_links(text: str, entity_urls: list[str] | None = None) -> list[str]:
    """Distinct links in order; "www.x" gets https://; trailing punctuation is not part."""
    found = list(entity_urls or []) or [m.group().rstrip(_TRAILING) for m in _URL.finditer(text)]
    # Only "www." gets a scheme: "javascript:…" or "data:…" must stay what they are, so
    # that the fetcher refuses them as links rather than reading them as a host.
    links = [f"https://{link}" if link.lower().startswith("www.") else link for link in found]
    return list(dict.fromkeys(links))


def classify(text: str, *, entity_urls: list[str] | None = None, max_links: int = 3,
             min_words: int = 40) -> Request:
    """Links win over text; text needs about `min_words` words to be an article."""
    links = find_links(text, entity_urls)
    if links:
        return Request("links", tuple(links[:max_links]), max(0, len(links) - max_links))
    # Only the threshold matters here, and counting a long article's every word cost ~0.5 ms
    # per message before its first await: a burst of articles kept /help waiting.
    return Request("text" if has_words(text, min_words) else "short")
