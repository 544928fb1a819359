"""Small pieces of Telegram HTML: escaping article text safely, links, speaker labels, the
summary and quote lines that the reply and the inline card share.

Everything taken from an article goes through `esc`: Telegram's HTML mode rejects the
whole message on one stray ``<`` or ``&``, and some characters break things in other
ways (lone surrogates cannot be encoded at all; bidi overrides flip our own markup).
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

from bot.render.common import SpeakerGroup, best_quote, quote_words, quoted, shorten

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


def summary_text(sentences: tuple[str, ...], limit: int) -> str:
    """The summary sentences that fit in `limit`, in order; at least one, shortened."""
    kept: list[str] = []
    for sentence in (" ".join(clean(s).split()) for s in sentences):
        if len(" ".join([*kept, sentence])) > limit:
            break
        kept.append(sentence)
    return " ".join(kept) if kept else shorten(clean(sentences[0]), limit)


def quote_line(group: SpeakerGroup, limit: int) -> str:
    """A direct quote in quotation marks; a reported one after its verb ("urged …")."""
    quote = best_quote(group)
    content = clean(quote_words(quote)).strip().rstrip(",;:")
    if quote.kind == "indirect" and not quote.cue.lower().startswith("according"):
        cue = clean(quote.cue)
        return f"<i>{esc_short(cue, 30)}</i> {esc_short(content, max(20, limit - len(cue)))}"
    return esc(quoted(shorten(content, limit)))
