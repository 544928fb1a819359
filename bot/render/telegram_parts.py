"""Small pieces of Telegram HTML: escaping article text safely, links, speaker labels.

Everything taken from an article goes through `esc`: Telegram's HTML mode rejects the
whole message on one stray ``<`` or ``&``, and some characters break things in other
ways (lone surrogates cannot be encoded at all; bidi overrides flip our own markup).
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

from bot.render.common import SpeakerGroup, shorten

# C0/C1 controls other than tab and newline, lone surrogates (unencodable as UTF-8), and
# explicit bidi embeddings/overrides/isolates: an RLO inside a quote would reverse the rest
# of our line ("— cues", counts). Ordinary RTL letters and marks (LRM/RLM) are kept.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Article text with characters that break a Telegram message removed."""
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def esc(text: str) -> str:
    """Article text made safe for Telegram HTML (``&``, ``<``, ``>`` escaped)."""
    return escape(clean(text), quote=False)


def esc_short(text: str, limit: int) -> str:
    """Shortened at a word boundary first, then escaped: limits count visible characters."""
    return esc(shorten(clean(text), limit))


def safe_url(url: str | None) -> str | None:
    """An http(s) address Telegram will accept in ``<a href>``, else None."""
    if not url or len(url) > 2048 or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def link(text_html: str, url: str | None) -> str:
    """`text_html` (already escaped) linked to `url` when the address is safe to link."""
    href = safe_url(url)
    return f'<a href="{escape(href, quote=True)}">{text_html}</a>' if href else text_html


def speaker_label(group: SpeakerGroup, limit: int = 90) -> str:
    """"<b>James Jeffrey</b>, US Envoy on Syria" — name bold, role plain, both escaped."""
    name = f"<b>{esc_short(group.speaker, 50)}</b>"
    if not group.role:
        return name
    return f"{name}, {esc_short(group.role, max(20, limit - len(group.speaker)))}"


def cue_list(cues: tuple[str, ...], limit: int = 60) -> str:
    """A claim's cue words in italics, e.g. "— <i>incredibly likely</i>" ("" for none)."""
    if not cues:
        return ""
    return f" — <i>{esc_short(', '.join(cues), limit)}</i>"
