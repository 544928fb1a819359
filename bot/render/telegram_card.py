"""The inline-mode card: a breakdown small enough to send into any chat (handlers/inline_flow.py).

`@yourbot <link>` answers with one card: the title, a sourcing line a reader can judge
the article by ("12 quotes · 3 anonymous · 8 claims with no source"), the most-quoted
speakers and the most notable claims with no source. It is built from the compact
reply's parts (bot/render/telegram.py) at decreasing detail until it fits `CARD_AIM`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.breakdown.model import Breakdown, Claim
from bot.render.common import (
    claim_tag,
    claims_by_kind,
    format_date,
    group_by_speaker,
    plural,
    quoted,
    ranked_speakers,
    shorten,
)
from bot.render.telegram_parts import (
    clean,
    esc,
    esc_short,
    link,
    quote_line,
    speaker_label,
    summary_text,
)
from bot.render.telegram_split import visible_length

__all__ = ["CARD_AIM", "Card", "render_card", "short_sourcing_line"]

# A card lands in someone else's chat: under one phone screen (the reply aims at 1,500).
CARD_AIM = 900
TITLE_LIMIT = 120  # the result list shows one or two lines of it


@dataclass(frozen=True, slots=True)
class Card:
    title: str  # plain text: the result's title in the inline list
    description: str  # plain text under it: the sourcing line
    html: str  # the message the user sends (Telegram HTML)


@dataclass(frozen=True, slots=True)
class _Detail:
    summary: int  # visible characters; 0 leaves the summary out
    speakers: int
    quote: int
    claims: int
    claim: int


# Most detailed first; the last rung is bounded whatever the input.
_LADDER = (
    _Detail(summary=220, speakers=3, quote=110, claims=2, claim=110),
    _Detail(summary=160, speakers=2, quote=90, claims=2, claim=90),
    _Detail(summary=0, speakers=2, quote=70, claims=1, claim=80),
    _Detail(summary=0, speakers=1, quote=60, claims=1, claim=60),
)


def render_card(breakdown: Breakdown) -> Card:
    """The card of a breakdown that has something to show (English, with findings)."""
    head = _head(breakdown)
    for detail in _LADDER:
        html = "\n\n".join([head, *_body(breakdown, detail)])
        if visible_length(html) <= CARD_AIM:
            break
    return Card(title=shorten(clean(card_title(breakdown)), TITLE_LIMIT),
                description=short_sourcing_line(breakdown), html=html)


def card_title(breakdown: Breakdown) -> str:
    """The page's title, else its site: never blank (Telegram refuses an empty title)."""
    source = breakdown.source
    return next((name for name in (source.title, source.site) if name and clean(name).strip()),
                "Article breakdown")


def short_sourcing_line(breakdown: Breakdown) -> str:
    """"12 quotes · 3 anonymous · 8 claims with no source · 3 vaguely sourced"."""
    anonymous = sum(quote.anonymous for quote in breakdown.quotes)
    unattributed, vague = claims_by_kind(breakdown)
    parts = [plural(len(breakdown.quotes), "quote")]
    if anonymous:
        parts.append(f"{anonymous} anonymous")
    parts.append(f"{plural(len(unattributed), 'claim')} with no source")
    if vague:
        parts.append(f"{len(vague)} vaguely sourced")
    return " · ".join(parts)


def _head(breakdown: Breakdown) -> str:
    source = breakdown.source
    title = f"📰 <b>{link(esc_short(card_title(breakdown), TITLE_LIMIT), source.url)}</b>"
    origin = [source.site] if source.site else []
    if source.published:
        origin.append(format_date(source.published))
    lines = [title]
    if origin:
        lines.append(f"<i>{esc_short(' · '.join(origin), 100)}</i>")
    lines.append(f"📊 {esc(short_sourcing_line(breakdown))}")
    return "\n".join(lines)


def _body(breakdown: Breakdown, detail: _Detail) -> list[str]:
    blocks = []
    if detail.summary and breakdown.summary:
        blocks.append(esc(summary_text(breakdown.summary, detail.summary)))
    if speakers := ranked_speakers(group_by_speaker(breakdown.quotes))[:detail.speakers]:
        blocks.append("\n".join(f"🗣 {speaker_label(group, 70)}: {quote_line(group, detail.quote)}"
                                for group in speakers))
    unattributed, vague = claims_by_kind(breakdown)
    # The engine ranks claims most notable first; those with no source at all come first,
    # since the sourcing line already counts the vaguely sourced ones.
    if shown := (unattributed + vague)[:detail.claims]:
        lines = [_claim_line(claim, detail.claim) for claim in shown]
        blocks.append("\n".join(["❗ <b>Claims with no source</b>", *lines]))
    return blocks


def _claim_line(claim: Claim, limit: int) -> str:
    """"• “It is incredibly likely that …” — cause · incredibly likely": one trailing note
    with why the claim is listed (its type, a vague source, its cue words)."""
    label = claim_tag(claim, sourcing=claim.kind == "vague")
    note = " · ".join(part for part in (label, ", ".join(claim.cues)) if part)
    text = esc(quoted(shorten(clean(claim.text), limit)))
    return f"• {text}" + (f" — <i>{esc_short(note, 60)}</i>" if note else "")
