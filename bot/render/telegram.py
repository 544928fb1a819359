"""A breakdown as Telegram HTML: one compact reply for a phone, and the expanded sections.

The reply must read without scrolling (aim: 1,500 visible characters), so it is built at
decreasing levels of detail until it fits; the buttons (`BUTTONS`) expand everything, split
into messages Telegram accepts. Every piece of article text goes through `esc`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.breakdown.model import Breakdown, Quote
from bot.render.common import (
    SpeakerGroup,
    best_quote,
    claim_tag,
    claims_by_kind,
    describe_source,
    format_date,
    group_by_speaker,
    is_calendar_date,
    key_dates,
    plural,
    quote_words,
    quoted,
    ranked_speakers,
    shorten,
    sourcing_line,
)
from bot.render.telegram_parts import clean, cue_list, esc, esc_short, link, speaker_label
from bot.render.telegram_split import TELEGRAM_LIMIT, plain_text, split_html, visible_length

__all__ = ["BUTTONS", "REPLY_AIM", "plain_text", "render_reply", "render_section",
           "split_html", "visible_length"]

Section = Literal["quotes", "claims", "timeline", "text"]
BUTTONS: list[tuple[str, Section]] = [
    ("All quotes", "quotes"), ("All claims", "claims"),
    ("Timeline", "timeline"), ("Source text", "text"),
]
REPLY_AIM = 1500
_LANGUAGES = {"de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
              "pt": "Portuguese", "nl": "Dutch", "ru": "Russian", "ar": "Arabic",
              "he": "Hebrew", "el": "Greek", "zh": "Chinese", "ja": "Japanese",
              "ko": "Korean", "hi": "Hindi", "th": "Thai"}


@dataclass(frozen=True, slots=True)
class _Detail:
    """How much of each section the reply shows; limits are visible characters."""

    summary: int
    speakers: int  # named speakers given a line with a quote; the rest are only named
    quote: int
    dates: int
    context: int
    claims: int
    claim: int
    names: int = 5  # speakers listed by name only, before "and N more"


# Most detailed first. The last rung is bounded whatever the input (every piece is
# shortened and counted), so it always stays far below Telegram's 4096.
_LADDER = (
    _Detail(summary=400, speakers=4, quote=110, dates=5, context=80, claims=4, claim=110),
    _Detail(summary=400, speakers=3, quote=100, dates=5, context=70, claims=3, claim=90),
    _Detail(summary=400, speakers=2, quote=90, dates=5, context=65, claims=3, claim=80),
    _Detail(summary=400, speakers=2, quote=80, dates=5, context=60, claims=3, claim=70),
    _Detail(summary=300, speakers=2, quote=70, dates=4, context=50, claims=3, claim=60),
    _Detail(summary=220, speakers=1, quote=60, dates=3, context=40, claims=2, claim=60,
            names=3),
)
# A date phrase ending this early opens its sentence ("Earlier, on January 18th and …").
_DATE_OPENING = 45


def render_reply(breakdown: Breakdown, *, truncated_note: str | None = None) -> str:
    """The compact reply: title, summary, who said what, key dates, claims, sourcing."""
    head = _header(breakdown, truncated_note)
    if breakdown.language != "en":
        return head + "\n\n" + _not_english(breakdown)
    if not (breakdown.summary or breakdown.quotes or breakdown.claims):
        return head + "\n\n" + _nothing_found(breakdown)
    for detail in _LADDER:
        reply = head + "\n\n" + "\n\n".join(_body(breakdown, detail))
        if visible_length(reply) <= REPLY_AIM:
            return reply
    # Nothing reached the aim (only absurd input gets here): the most compact rung, which
    # is bounded well below Telegram's limit; the cut is a last line of defence.
    return reply if visible_length(reply) <= TELEGRAM_LIMIT else split_html(reply)[0]


def _header(breakdown: Breakdown, note: str | None) -> str:
    source = breakdown.source
    title = esc_short(source.title, 150) if source.title else "Article breakdown"
    lines = [f"📰 <b>{link(title, source.url)}</b>",
             f"<i>{esc_short(describe_source(breakdown), 160)}</i>"]
    if note:
        lines.append(f"<i>✂️ {esc_short(note, 200)}</i>")
    return "\n".join(lines)


def _not_english(breakdown: Breakdown) -> str:
    language = breakdown.language
    if not breakdown.text.strip():
        return "There was no text to break down. Send me an article's text or its link."
    if language == "und":
        return ("I couldn't tell which language this is, so I can't break it down. "
                "For now I can only break down articles in English.")
    name = _LANGUAGES.get(language)
    seen = f"This looks like {name} text." if name else \
        f"This doesn't look like English (detected: {esc(language)})."
    return (f"{seen} For now I can only break down articles in English — summaries, "
            "quotes, dates and claims need an English parser.")


def _nothing_found(breakdown: Breakdown) -> str:
    dates = key_dates(breakdown)
    found = f" Only {plural(len(dates), 'key date')} turned up." if dates else ""
    return ("I read it but found no summary, quotes or claims to show — it may be too "
            f"short, or not a news article.{found} Try sending the full article or its link.")


def _body(breakdown: Breakdown, detail: _Detail) -> list[str]:
    blocks = [esc(_summary(breakdown.summary, detail.summary))] if breakdown.summary else []
    if breakdown.quotes:
        blocks.append(_speakers(breakdown.quotes, detail))
    if lines := _date_lines(breakdown, detail):
        blocks.append("📅 <b>Key dates</b>\n" + "\n".join(lines))
    if breakdown.claims:
        blocks.append(_claims(breakdown, detail))
    blocks.append(f"<b>Sourcing:</b> {esc(sourcing_line(breakdown))}")
    return blocks


def _summary(sentences: tuple[str, ...], limit: int) -> str:
    """The summary sentences that fit in `limit`, in order; at least one, shortened."""
    kept: list[str] = []
    for sentence in (" ".join(clean(s).split()) for s in sentences):
        if len(" ".join([*kept, sentence])) > limit:
            break
        kept.append(sentence)
    return " ".join(kept) if kept else shorten(clean(sentences[0]), limit)


def _speakers(quotes: tuple[Quote, ...], detail: _Detail) -> str:
    groups = group_by_speaker(quotes)
    ranked = ranked_speakers(groups)  # the first get a quote line, the rest only a name
    lines = [f"• {speaker_label(g)} ({len(g.quotes)}): {_quote_line(g, detail.quote)}"
             for g in ranked[:detail.speakers]]
    rest = ranked[detail.speakers:]
    if rest:
        names = [f"{esc_short(g.speaker, 40)} ({len(g.quotes)})" for g in rest[:detail.names]]
        more = f" · and {len(rest) - detail.names} more" if len(rest) > detail.names else ""
        lines.append("• Also: " + " · ".join(names) + more)
    anonymous = [g for g in groups if g.anonymous]
    if anonymous:
        names = [f"“{esc_short(g.speaker, 40)}” ({len(g.quotes)})"
                 for g in anonymous[:detail.names]]
        more = f", and {len(anonymous) - detail.names} more" \
            if len(anonymous) > detail.names else ""
        lines.append("• ⚠️ unnamed sources: " + ", ".join(names) + more)
    title = (f"🗣 <b>Who said what</b> — {plural(len(quotes), 'statement')} "
             f"from {plural(len(groups), 'source')}")
    return title + "\n" + "\n".join(lines)


def _quote_line(group: SpeakerGroup, limit: int) -> str:
    """A direct quote in quotation marks; a reported one after its verb ("urged …")."""
    quote = best_quote(group)
    content = clean(quote_words(quote)).strip().rstrip(",;:")
    if quote.kind == "indirect" and not quote.cue.lower().startswith("according"):
        cue = clean(quote.cue)
        return f"<i>{esc_short(cue, 30)}</i> {esc_short(content, max(20, limit - len(cue)))}"
    return esc(quoted(shorten(content, limit)))


def _date_lines(breakdown: Breakdown, detail: _Detail) -> list[str]:
    """Key dates oldest first; dates sharing a sentence share a line ("Jan 18 & Jan 22")."""
    lines: list[tuple[list[str], list[str], str]] = []
    for date in key_dates(breakdown, detail.dates):
        if lines and lines[-1][2] == date.context:
            lines[-1][0].append(format_date(date.value))
            lines[-1][1].append(date.text)
        else:
            lines.append(([format_date(date.value)], [date.text], date.context))
    return [f"• <b>{esc(' & '.join(values))}</b> — "
            f"{esc_short(_after_date(context, texts[-1]), detail.context)}"
            for values, texts, context in lines]


def _after_date(context: str, date_text: str) -> str:
    """A context that opens with its date ("On February 5th, X said…") without it: the date
    is already shown, and on a phone every word of the line counts."""
    at = context.find(date_text)
    end = at + len(date_text)
    rest = context[end:].lstrip(" ,;:—–-")
    return rest if at >= 0 and end <= _DATE_OPENING and len(rest) >= 20 else context


def _claims(breakdown: Breakdown, detail: _Detail) -> str:
    unattributed, vague = claims_by_kind(breakdown)
    # The engine ranks claims, most notable first; the reply shows those with cue words
    # or a type first, since they tell a reader why the sentence is notable.
    # Unattributed before vague ones: the speakers' block already names unnamed sources.
    shown = sorted(breakdown.claims, key=lambda c: (not (c.cues or c.type != "other"),
                                                    c.kind == "vague"))[:detail.claims]
    lines = []
    for claim in shown:
        # The title says "unattributed": only vague sourcing and the type need a tag.
        label = claim_tag(claim, sourcing=claim.kind == "vague")
        tag = f"<i>({label})</i> " if label else ""
        text = esc(quoted(shorten(clean(claim.text), detail.claim)))
        lines.append(f"• {tag}{text}{cue_list(claim.cues)}")
    title = f"❗ <b>Unattributed claims</b> — {len(unattributed)}"
    if vague:
        title += f", plus {len(vague)} vaguely sourced"
    return title + "\n" + "\n".join(lines)


# --- The expanded sections (the buttons) -------------------------------------------------


def render_section(breakdown: Breakdown, section: Section, *,
                   max_messages: int | None = None) -> list[str]:
    """Everything in one section, as messages Telegram accepts (≤ 4096 visible each).

    Items are separated by blank lines so that splits fall between them. `max_messages`
    caps very long source texts; the last kept message then says how much was left out.
    """
    builders = {"quotes": _all_quotes, "claims": _all_claims,
                "timeline": _timeline, "text": _source_text}
    messages = split_html(builders[section](breakdown))
    if max_messages is not None and len(messages) > max_messages:
        left = len(messages) - max_messages + 1
        note = f"<i>… {plural(left, 'more message')} left out: too long to send here.</i>"
        messages = [*messages[:max(0, max_messages - 1)], note]
    return messages


def _all_quotes(breakdown: Breakdown) -> str:
    if not breakdown.quotes:
        return "🗣 No attributed statements were found in this text."
    groups = group_by_speaker(breakdown.quotes)
    blocks = [f"🗣 <b>All quotes</b> — {plural(len(breakdown.quotes), 'statement')} "
              f"from {plural(len(groups), 'source')}"]
    for group in groups:
        label = f"<b>{esc(group.speaker)}</b>" + (f", {esc(group.role)}" if group.role else "")
        if group.anonymous:
            label = f"⚠️ unnamed source: {label}"
        lines = [f"{label} ({len(group.quotes)})"]
        for quote in sorted(group.quotes, key=lambda q: q.start):
            content = esc(quoted(" ".join(clean(quote.content).split())))
            lines.append(f"• <i>{esc(quote.cue)}</i>: {content}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _all_claims(breakdown: Breakdown) -> str:
    if not breakdown.claims:
        return "❗ No unattributed or vaguely sourced claims were found."
    unattributed, vague = claims_by_kind(breakdown)
    blocks = [f"❗ <b>All claims</b> — {len(unattributed)} with no source, "
              f"{len(vague)} vaguely sourced (most notable first)"]
    for claim in breakdown.claims:
        text = esc(quoted(" ".join(clean(claim.text).split())))
        cues = f"\n<i>Cues: {esc(', '.join(claim.cues))}</i>" if claim.cues else ""
        blocks.append(f"• <b>{claim_tag(claim)}</b>: {text}{cues}")
    return "\n\n".join(blocks)


def _timeline(breakdown: Breakdown) -> str:
    dates = key_dates(breakdown)
    # "now", "recently": kept in the JSON, but no point on a timeline
    others = [d for d in breakdown.dates if not d.key and is_calendar_date(d.value)]
    if not dates and not others:
        return "📅 No calendar dates were found in this text."
    blocks = ["📅 <b>Timeline</b> — key dates, oldest first"]
    blocks += [f"• <b>{esc(format_date(d.value))}</b> — {esc(d.context)}" for d in dates]
    if others:
        blocks.append("<b>Other dates mentioned</b>")
        blocks += [f"• {esc(format_date(d.value))} (“{esc(d.text)}”) — {esc(d.context)}"
                   for d in others]
    return "\n\n".join(blocks)


def _source_text(breakdown: Breakdown) -> str:
    title = f"📄 <b>Source text</b> — {plural(breakdown.source.words, 'word')}"
    return title + "\n\n" + esc(clean(breakdown.text).strip())
