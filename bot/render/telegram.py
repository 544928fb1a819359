"""A breakdown as Telegram HTML: one compact reply for a phone, and the expanded sections.

The reply must fit one phone screen (aim: 1,000 visible characters, `REPLY_AIM`), so it
is built at decreasing levels of detail until it fits. What a reader needs first comes
first: what the piece is and how well it is sourced (title, origin, sourcing line), what
happened (summary), who said it, what it asserts with no source, and last the dates (the
timeline has them all). Section lines that would take more than three rows on a phone go
in an expandable quote under their headline. The buttons (`BUTTONS`) expand everything,
split into messages Telegram accepts. Every piece of article text goes through `esc`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.breakdown.model import Breakdown, Quote
from bot.render.common import (
    claim_tag,
    claims_by_kind,
    describe_source,
    format_date,
    group_by_speaker,
    is_calendar_date,
    key_dates,
    plural,
    quoted,
    ranked_speakers,
    shorten,
    sourcing_line,
)
from bot.render.telegram_parts import (
    clean,
    cue_list,
    esc,
    esc_short,
    link,
    quote_line,
    speaker_label,
    summary_text,
)
from bot.render.telegram_phone import collapsible
from bot.render.telegram_split import TELEGRAM_LIMIT, plain_text, split_html, visible_length

__all__ = ["BUTTONS", "REPLY_AIM", "plain_text", "render_reply", "render_section",
           "split_html", "visible_length"]

Section = Literal["quotes", "claims", "timeline", "text"]
BUTTONS: list[tuple[str, Section]] = [
    ("All quotes", "quotes"), ("All claims", "claims"),
    ("Timeline", "timeline"), ("Source text", "text"),
]
# Visible characters (as Telegram counts them) of the reply: one phone screen.
REPLY_AIM = 1000
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
    claims: int
    claim: int
    dates: int
    context: int
    names: int = 4  # speakers listed by name only, before "and N more"
    label: int = 55  # a speaker's name and role
    cues: int = 2  # a claim's cue words shown (the expansion has them all)


# Most detailed first; most news articles fit one of the first four. The last rung is
# bounded whatever the input (every piece is shortened and counted), so it always stays
# far below Telegram's 4096.
_LADDER = (
    _Detail(summary=250, speakers=2, quote=80, claims=3, claim=75, dates=3, context=50),
    _Detail(summary=220, speakers=2, quote=70, claims=3, claim=70, dates=2, context=45),
    _Detail(summary=200, speakers=2, quote=65, claims=2, claim=70, dates=2, context=45,
            label=50),
    _Detail(summary=180, speakers=2, quote=55, claims=2, claim=60, dates=2, context=40,
            names=3, label=45),
    _Detail(summary=160, speakers=1, quote=55, claims=2, claim=55, dates=2, context=40,
            names=3, label=45, cues=1),
    _Detail(summary=140, speakers=1, quote=50, claims=1, claim=50, dates=1, context=35,
            names=2, label=40, cues=1),
)
# A date phrase ending this early opens its sentence ("Earlier, on January 18th and …").
_DATE_OPENING = 45


def render_reply(breakdown: Breakdown, *, truncated_note: str | None = None) -> str:
    """The compact reply: title and sourcing, summary, who said what, claims, key dates."""
    head = _header(breakdown, truncated_note)
    if breakdown.language != "en":
        return head + "\n\n" + _not_english(breakdown)
    if not (breakdown.summary or breakdown.quotes or breakdown.claims):
        return head + "\n\n" + _nothing_found(breakdown)
    head += f"\n<b>Sourcing:</b> {esc(sourcing_line(breakdown, brief=True))}"
    for detail in _LADDER:
        reply = head + "\n\n" + "\n\n".join(_body(breakdown, detail))
        if visible_length(reply) <= REPLY_AIM:
            return reply
    # Nothing reached the aim (only absurd input gets here): the most compact rung, which
    # is bounded well below Telegram's limit; the cut is a last line of defence.
    return reply if visible_length(reply) <= TELEGRAM_LIMIT else split_html(reply)[0]


def _header(breakdown: Breakdown, note: str | None) -> str:
    source = breakdown.source
    title = esc_short(source.title, 120) if source.title else "Article breakdown"
    lines = [f"📰 <b>{link(title, source.url)}</b>",
             f"<i>{esc_short(describe_source(breakdown, brief=True), 100)}</i>"]
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
    blocks = [esc(summary_text(breakdown.summary, detail.summary))] if breakdown.summary else []
    if breakdown.quotes:
        blocks.append(_speakers(breakdown.quotes, detail))
    if breakdown.claims:
        blocks.append(_claims(breakdown, detail))
    if lines := _date_lines(breakdown, detail):
        blocks.append("📅 <b>Key dates</b>\n" + collapsible(lines))
    return blocks


def _speakers(quotes: tuple[Quote, ...], detail: _Detail) -> str:
    groups = group_by_speaker(quotes)
    ranked = ranked_speakers(groups)  # the first get a quote line, the rest only a name
    lines = [f"• {speaker_label(g, detail.label)} ({len(g.quotes)}): "
             f"{quote_line(g, detail.quote)}" for g in ranked[:detail.speakers]]
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
    return "🗣 <b>Who said what</b>\n" + collapsible(lines)


def _date_lines(breakdown: Breakdown, detail: _Detail) -> list[str]:
    """Key dates oldest first; dates sharing a sentence share a line ("Jan 18 & Jan 22")."""
    lines: list[tuple[list[str], list[str], str]] = []
    for date in key_dates(breakdown):
        if lines and lines[-1][2] == date.context:
            lines[-1][0].append(format_date(date.value))
            lines[-1][1].append(date.text)
        elif len(lines) < detail.dates:
            lines.append(([format_date(date.value)], [date.text], date.context))
        else:
            break
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
    # The engine ranks claims, most notable first; the reply shows those with cue words
    # or a type first, since they tell a reader why the sentence is notable.
    # Unattributed before vague ones: the speakers' block already names unnamed sources.
    # The counts are in the sourcing line above.
    shown = sorted(breakdown.claims, key=lambda c: (not (c.cues or c.type != "other"),
                                                    c.kind == "vague"))[:detail.claims]
    lines = []
    for claim in shown:
        # The title says "unattributed": only vague sourcing and the type need a tag.
        label = claim_tag(claim, sourcing=claim.kind == "vague")
        tag = f"<i>({label})</i> " if label else ""
        text = esc(quoted(shorten(clean(claim.text), detail.claim)))
        lines.append(f"• {tag}{text}{cue_list(claim.cues[:detail.cues])}")
    return "❗ <b>Unattributed claims</b>\n" + collapsible(lines)


# --- The expanded sections (the buttons) -------------------------------------------------


def render_section(breakdown: Breakdown, section: Section, *,
                   max_messages: int | None = None) -> list[str]:
    """Everything in one section, as messages Telegram accepts (≤ 4096 visible each).

    Items are separated by blank lines so that splits fall between them. Quotes, claims
    and the timeline are kept to `SECTION_MESSAGES` where shortening their longest items
    gets them there (a note then says so; the source text has every word). `max_messages`
    caps very long source texts; the last kept message then says how much was left out.
    """
    if section == "text":
        messages = split_html(_source_text(breakdown))
    else:
        builders = {"quotes": _all_quotes, "claims": _all_claims, "timeline": _timeline}
        messages = _fitted(breakdown, builders[section])
    if max_messages is not None and len(messages) > max_messages:
        left = len(messages) - max_messages + 1
        note = f"<i>… {plural(left, 'more message')} left out: too long to send here.</i>"
        messages = [*messages[:max(0, max_messages - 1)], note]
    return messages


# Two messages are a phone screen or two of scrolling; past that a reader gives up. Items
# longer than a width are shortened, widest first, until a section fits; below the last
# width a long article's section takes more messages rather than losing its substance.
SECTION_MESSAGES = 2
_WIDTHS: tuple[int | None, ...] = (None, 400, 280, 200, 150)
_SHORTENED = ("<i>Long items are shortened to fit two messages; "
              "“Source text” has them in full.</i>")


def _fitted(breakdown: Breakdown, build: Callable[[Breakdown, int | None], str]) -> list[str]:
    for width in _WIDTHS:
        messages = split_html(build(breakdown, width))
        if len(messages) <= SECTION_MESSAGES:
            break
    return messages


def _clip(text: str, width: int | None) -> str:
    """Article text on one line, shortened to `width` visible characters if given."""
    flat = " ".join(clean(text).split())
    return flat if width is None else shorten(flat, width)


def _heading(title: str, width: int | None) -> str:
    return title if width is None else f"{title}\n{_SHORTENED}"


def _all_quotes(breakdown: Breakdown, width: int | None = None) -> str:
    if not breakdown.quotes:
        return "🗣 No attributed statements were found in this text."
    groups = group_by_speaker(breakdown.quotes)
    blocks = [_heading(f"🗣 <b>All quotes</b> — {plural(len(breakdown.quotes), 'statement')} "
                       f"from {plural(len(groups), 'source')}", width)]
    for group in groups:
        label = f"<b>{esc(group.speaker)}</b>" + (f", {esc(group.role)}" if group.role else "")
        if group.anonymous:
            label = f"⚠️ unnamed source: {label}"
        # The speaker stays in sight; their statements collapse to three lines.
        lines = [f"• <i>{esc(quote.cue)}</i>: {esc(quoted(_clip(quote.content, width)))}"
                 for quote in sorted(group.quotes, key=lambda q: q.start)]
        blocks.append(f"{label} ({len(group.quotes)})\n{collapsible(lines)}")
    return "\n\n".join(blocks)


def _all_claims(breakdown: Breakdown, width: int | None = None) -> str:
    if not breakdown.claims:
        return "❗ No unattributed or vaguely sourced claims were found."
    unattributed, vague = claims_by_kind(breakdown)
    blocks = [_heading(f"❗ <b>All claims</b> — {len(unattributed)} with no source, "
                       f"{len(vague)} vaguely sourced (most notable first)", width)]
    for claim in breakdown.claims:
        text = esc(quoted(_clip(claim.text, width)))
        cues = f"\n<i>Cues: {esc(', '.join(claim.cues))}</i>" if claim.cues else ""
        blocks.append(f"• <b>{claim_tag(claim)}</b>: {text}{cues}")
    return "\n\n".join(blocks)


def _timeline(breakdown: Breakdown, width: int | None = None) -> str:
    dates = key_dates(breakdown)
    # "now", "recently": kept in the JSON, but no point on a timeline
    others = [d for d in breakdown.dates if not d.key and is_calendar_date(d.value)]
    if not dates and not others:
        return "📅 No calendar dates were found in this text."
    blocks = [_heading("📅 <b>Timeline</b> — key dates, oldest first", width)]
    blocks += [f"• <b>{esc(format_date(d.value))}</b> — {esc(_clip(d.context, width))}"
               for d in dates]
    if others:
        blocks.append("<b>Other dates mentioned</b>")
        blocks += [f"• {esc(format_date(d.value))} (“{esc(d.text)}”) — "
                   f"{esc(_clip(d.context, width))}" for d in others]
    return "\n\n".join(blocks)


def _source_text(breakdown: Breakdown) -> str:
    title = f"📄 <b>Source text</b> — {plural(breakdown.source.words, 'word')}"
    return title + "\n\n" + esc(clean(breakdown.text).strip())
