"""What every rendering shares: speakers grouped, dates spelt for people, the sourcing line.

Renderers (terminal, Telegram HTML) differ only in markup; the choices about what to
show and in which order live here once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.breakdown.model import Breakdown, Claim, KeyDate, Quote

# A claim's type as a reader's short tag; "other" gets none (it would explain nothing).
TYPE_TAGS = {"quantity": "figure", "prediction": "prediction", "causal": "cause",
             "comparison": "comparison"}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class SpeakerGroup:
    speaker: str
    role: str | None
    anonymous: bool
    quotes: tuple[Quote, ...]


def group_by_speaker(quotes: tuple[Quote, ...] | list[Quote]) -> list[SpeakerGroup]:
    """Named speakers first, most statements first; anonymous sources after them."""
    groups: dict[tuple[str, bool], list[Quote]] = {}
    for quote in quotes:
        groups.setdefault((quote.speaker, quote.anonymous), []).append(quote)
    ordered = sorted(groups.items(), key=lambda item: (item[0][1], -len(item[1]),
                                                       item[1][0].start))
    return [SpeakerGroup(speaker, items[0].role, anonymous, tuple(items))
            for (speaker, anonymous), items in ordered]


def ranked_speakers(groups: list[SpeakerGroup]) -> list[SpeakerGroup]:
    """Named speakers in the order they deserve a quote line: most statements first, then
    speakers the article introduces (a role) and who are quoted directly."""
    named = [g for g in groups if not g.anonymous]
    return sorted(named, key=lambda g: (-len(g.quotes), not g.role,
                                        not any(q.kind == "direct" for q in g.quotes)))


def best_quote(group: SpeakerGroup) -> Quote:
    """The statement that shows a speaker best: a direct quote of readable length."""
    def score(quote: Quote) -> tuple[int, int]:
        length = len(quote.content)
        return (quote.kind == "direct", -abs(length - 140))

    return max(group.quotes, key=score)


_REFERENCES = {"PRESENT_REF": "now", "PAST_REF": "in the past", "FUTURE_REF": "in the future"}
_SEASONS = {"SP": "spring", "SU": "summer", "FA": "fall", "WI": "winter"}
_DAY_PARTS = {"MO": "morning", "AF": "afternoon", "EV": "evening", "NI": "night"}


def format_date(value: str) -> str:
    """TIMEX3 value to what a reader expects: "Feb 5", "Feb 5, 2020", "Feb 2020", "2020",
    "week of Feb 7, 2000", "Q3 2019", "first half of 1990", "summer 1998", "1970s", "now";
    a time of day after the day: "Feb 5, 2020, night", "Feb 5, 2020, 09:00".

    Any other value comes back as it is: a label never raises.
    """
    if value in _REFERENCES:
        return _REFERENCES[value]
    if match := re.fullmatch(r"((?:\d{4}|XXXX)-\d{2}-\d{2})T(?:(MO|AF|EV|NI)|(\d{2}:\d{2}))",
                             value):
        day = format_date(match[1])
        time = _DAY_PARTS[match[2]] if match[2] else match[3]
        return value if day == match[1] else f"{day}, {time}"
    if (match := re.fullmatch(r"(\d{4}|XXXX)-(\d{2})(?:-(\d{2}))?", value)) and (
            1 <= int(match[2]) <= 12):
        year, month, day = match.groups()
        text = _MONTHS[int(month) - 1] + (f" {int(day)}" if day else "")
        if year == "XXXX":
            return text
        return f"{text}, {year}" if day else f"{text} {year}"
    if match := re.fullmatch(r"(\d{4})-W(\d{2})", value):
        try:
            monday = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            return value
        return f"week of {format_date(monday.isoformat())}"
    if match := re.fullmatch(r"(\d{4}|XXXX)-Q([1-4])", value):
        return f"Q{match[2]}" + ("" if match[1] == "XXXX" else f" {match[1]}")
    if match := re.fullmatch(r"(\d{4}|XXXX)-H([12])", value):
        half = "first half" if match[2] == "1" else "second half"
        return half + ("" if match[1] == "XXXX" else f" of {match[1]}")
    if match := re.fullmatch(r"(\d{4}|XXXX)-(SP|SU|FA|WI)", value):
        return _SEASONS[match[2]] + ("" if match[1] == "XXXX" else f" {match[1]}")
    if match := re.fullmatch(r"(\d{3})X?", value):
        return f"{match[1]}0s"  # a decade: "197X" (or "197") is the 1970s
    return value


def is_calendar_date(value: str) -> bool:
    """Not a reference value: "now" (PRESENT_REF) and the like name no point in time."""
    return not value.endswith("_REF")


def key_dates(breakdown: Breakdown, limit: int | None = None) -> list[KeyDate]:
    """Key dates, oldest first (the engine already orders them)."""
    dates = [d for d in breakdown.dates if d.key and is_calendar_date(d.value)]
    return dates[:limit] if limit else dates


def claims_by_kind(breakdown: Breakdown) -> tuple[list[Claim], list[Claim]]:
    unattributed = [c for c in breakdown.claims if c.kind == "unattributed"]
    vague = [c for c in breakdown.claims if c.kind == "vague"]
    return unattributed, vague


def claim_tag(claim: Claim, *, sourcing: bool = True) -> str:
    """"no source · prediction", "vague source · figure", "vague source"; with
    ``sourcing=False`` only the type ("cause", or "" for "other")."""
    parts = [("vague source" if claim.kind == "vague" else "no source")] if sourcing else []
    if tag := TYPE_TAGS.get(claim.type):
        parts.append(tag)
    return " · ".join(parts)


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def sourcing_line(breakdown: Breakdown, *, brief: bool = False) -> str:
    """One line a reader can judge the sourcing by; `brief` words it for a phone."""
    quotes = breakdown.quotes
    sources = len({(q.speaker, q.anonymous) for q in quotes})
    anonymous = sum(q.anonymous for q in quotes)
    unattributed, vague = claims_by_kind(breakdown)
    statement = "statement" if brief else "attributed statement"
    parts = [f"{plural(len(quotes), statement)} from {plural(sources, 'source')}"]
    if anonymous:
        parts[0] += f" ({anonymous} unnamed)" if brief else \
            f" ({anonymous} from unnamed sources)"
    parts.append(f"{plural(len(unattributed), 'claim')} with no source")
    if vague:
        parts.append(f"{len(vague)} vaguely sourced")
    return " · ".join(parts)


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary with an ellipsis; whitespace collapsed."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—–-… ")  # no "… …"
    return cut + "…"


# "…at all," said Denise Hart, a parent. "You cut them…": the attribution between two
# parts of one quotation, shown as an ellipsis (the JSON keeps the text as written).
_INNER_FRAME = re.compile(r"""(?<=[^\s])[,]?["”](?:,)?\s+[^"“”\n]{1,160}?[.,:]\s+["“](?=\S)""")


def quote_words(quote: Quote) -> str:
    """What a quote says, as shown: a direct quote without its own attribution inside."""
    if quote.kind != "direct":
        return quote.content
    return _INNER_FRAME.sub(" … ", quote.content)


def quoted(text: str) -> str:
    """Text in quotation marks, unless it already opens with one."""
    return text if text[:1] in "“\"«‘'" else f"“{text}”"


def describe_source(breakdown: Breakdown, *, brief: bool = False) -> str:
    """"pasted text · 578 words · no publication date" and the like; `brief` leaves out
    what a phone reader can do without (why dates have no year)."""
    source = breakdown.source
    origin = (source.site or source.url or "link") if source.kind == "url" else "pasted text"
    parts = [origin, plural(source.words, "word")]
    if source.published:
        verb = "published" if source.published_reliable else "date detected on the page:"
        parts.append(f"{verb} {format_date(source.published)}")
    else:
        parts.append("no publication date" if brief else
                     "no publication date (dates shown without a year)")
    return " · ".join(parts)
