"""Key dates: every calendar-date mention of an article, normalised TIMEX3-style.

Candidates are our own patterns for what news writes (weekdays, month-days, "last
week", quarters, halves, seasons, years, ...) plus spaCy's DATE entities they miss. Each
is normalised against the publication date by `date_rules.normalise_date`, with the
clause's tense (`date_tense`) deciding which way a bare weekday or a year-less date goes;
"that day" or "the next morning" is read from the last date given (`date_anaphora`).
Durations and frequencies ("two years", "daily", "every Monday") are not dates and are
dropped, and so is anything that cannot be pinned down (no value is ever guessed from
today's date). "now", "recently", "the future" get TIMEX3 reference values (PRESENT_REF,
PAST_REF, FUTURE_REF).

`key` marks what a reader would want listed: the first mention of each day-, week- or
month-level date in a body sentence. Years, decades, seasons, halves, quarters, reference
values, dates read from another date, repeats, wire datelines ("WASHINGTON, March 12
(Xinhua) --") and dates in headlines are listed but not key.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from spacy.tokens import Doc

from bot.breakdown.date_anaphora import ANAPHOR, anaphor_value
from bot.breakdown.date_rules import DAY, MONTH, YEAR, is_recent_period, normalise_date
from bot.breakdown.date_tense import clause_direction
from bot.breakdown.date_times import time_extent, time_order, without_time
from bot.breakdown.date_words import GENERIC_TODAY_NOUNS, SEASON_NOUNS
from bot.breakdown.model import KeyDate
from bot.breakdown.segment import Sentence

_CAP_MONTH = (r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|"
              r"July?|Aug(?:ust|\.)?|Sep(?:t(?:ember)?)?\.?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|"
              r"Dec(?:ember|\.)?)(?![a-z])")
_FULL_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|"
               r"November|December)")
_CAP_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_NUMBER = r"(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_SEASON = r"(?:[Ss]pring|[Ss]ummer|[Ff]all|[Aa]utumn|[Ww]inter)"
_SEASON_END = re.compile(rf"{_SEASON}$")  # an entity ending in a season: "summer" school
_SEASON_WORDS = ("spring", "summer", "fall", "autumn", "winter")
_HOLIDAY_WORDS = ("thanksgiving", "christmas", "new year", "independence", "election",
                  "halloween", "valentine", "easter", "good friday", "holy week")

# Ordered loosely from specific to general; overlaps keep the earliest, then longest.
# Each pattern runs only on sentences holding one of its trigger words (lower case; none:
# always): most sentences have no date, and a substring test is far cheaper than a regex.
_PATTERNS: list[tuple[str, re.Pattern[str], tuple[str, ...]]] = [
    ("day", re.compile(rf"(?:{_CAP_WEEKDAY},?\s+)?{_CAP_MONTH}\s*{DAY}\b(?:,?\s+{YEAR}\b)?"),
     ()),
    ("day", re.compile(rf"\b{DAY}\s+(?:of\s+)?{_CAP_MONTH}(?:,?\s+{YEAR}\b)?"), ()),
    ("day", re.compile(r"\b\d{4}-\d\d-\d\d\b|\b(?:1[0-2]|0?[1-9])/(?:[12]\d|3[01]|0?[1-9])/"
                       r"(?:\d{4}|\d\d)\b"), ()),
    ("month", re.compile(rf"\b{_CAP_MONTH}\s*,?\s+(?:of\s+)?{YEAR}\b"), ()),
    ("day", re.compile(r"\b(?:(?:last|next)\s+)?(?:Thanksgiving(?:\s+Day)?|Christmas(?:\s+Eve|"
                       r"\s+Day)?|New\s+Year's\s+(?:Day|Eve)|Independence\s+Day|Election\s+Day|"
                       r"Halloween|Valentine's\s+Day|Easter(?:\s+(?:Sunday|Monday|[Ww]eek))?"
                       r"(?!\s+(?:Island|[Ee]ggs?|Bunny|[Rr]ising|[Uu]prising))|"
                       r"Good\s+Friday|Holy\s+Week)\b"), _HOLIDAY_WORDS),
    ("day", re.compile(rf"\b(?:(?:[Ll]ast|[Nn]ext|[Tt]his|[Ee]arly|[Ll]ate)\s+)?{_CAP_WEEKDAY}"
                       r"(?:['’]s)?(?:\s+(?:morning|afternoon|evening|night))?\b"), ("day",)),
    ("day", re.compile(r"\b(?:today|tonight|yesterday|tomorrow|this\s+(?:morning|afternoon|"
                       r"evening))\b", re.I),
     ("today", "tonight", "yesterday", "tomorrow", "this")),
    ("week", re.compile(r"\b(?:(?:early|late|mid|earlier|later)[\s-]+)?(?:this|last|next|"
                        r"coming)\s+(?:week(?:end)?|month|year|quarter|spring|summer|fall|"
                        r"autumn|winter)\b(?!\s*(?:'s|’s)?\s*\w+\s+(?:of|in)\b)", re.I),
     ("this", "last", "next", "coming")),
    ("ago", re.compile(rf"\b(?:(?:about|almost|nearly|some|more than)\s+)?{_NUMBER}\s+"
                       r"(?:day|week|month|year|decade)s?\s+ago\b", re.I), ("ago",)),
    ("quarter", re.compile(rf"\b(?:the\s+)?(?:first|second|third|fourth|final|last|"
                           rf"[1-4](?:st|nd|rd|th))"
                           rf"[\s-]+(?:fiscal[\s-]+)?quarter(?:\s+of\s+(?:fiscal\s+)?{YEAR})?\b"
                           rf"|\bQ[1-4](?:\s+{YEAR})?\b", re.I),
     ("quarter", "q1", "q2", "q3", "q4")),
    # Halves of a named year ("the first half of 1990", "the second half of last year",
    # "H1 2019"); a bare "the second half" is as often a match's as a year's.
    ("half", re.compile(rf"\b(?:the\s+)?(?:first|second|1st|2nd)[\s-]+half\s+of\s+"
                        rf"(?:{YEAR}|(?:this|last|next|the)\s+year)\b|\bH[12]\s*{YEAR}\b"
                        rf"|\b{YEAR}\s*H[12]\b", re.I), ("half", "h1", "h2")),
    # Seasons of a named year: "summer 1998", "the fall of 2019", "early spring 2001".
    ("season", re.compile(rf"\b(?:(?:early|late|mid)[\s-]+)?(?:the\s+)?{_SEASON}\s*,?\s+"
                          rf"(?:of\s+)?{YEAR}\b"), _SEASON_WORDS),
    # A season after a time preposition: "in the summer", "by the late fall" (the match is
    # group x, without the preposition); "the fall of Rome" and "summer school" are not.
    ("season", re.compile(rf"\b(?:[Ii]n|[Bb]y|[Dd]uring|[Uu]ntil|[Oo]ver|[Tt]hrough|[Ss]ince)\s+"
                          rf"(?P<x>the\s+(?:(?:early|late)\s+)?{_SEASON})\b(?!\s+of\b)"),
     _SEASON_WORDS),
    # "the week of March 6": the week around a day.
    ("week", re.compile(rf"\b(?:the\s+)?week\s+of\s+(?:{_CAP_MONTH}\s*{DAY}\b"
                        rf"(?:,?\s+{YEAR}\b)?|{DAY}\s+(?:of\s+)?{_CAP_MONTH})"), ("week of",)),
    # No calendar date, a TIMEX3 reference value: the present, the past, the future.
    # ("most recently" orders instances, it is no time: "most recently last October")
    ("ref", re.compile(r"\b(?:right\s+)?now\b|\b(?:currently|nowadays|lately)\b"
                       r"|(?<!most )(?<!more )\brecently\b"
                       r"|\bat\s+(?:present|the\s+moment)\b|\bthese\s+days\b"
                       r"|\b(?:the\s+)?(?:(?:near|distant|foreseeable)\s+)?future\b", re.I),
     ("now", "current", "recent", "lately", "present", "moment", "days", "future")),
    # "in the past", "until the present": the nouns (not "the past 20 years", a duration).
    ("ref", re.compile(r"\b(?:in|from|of|to|until|till|through)\s+(?P<x>the\s+(?:(?:recent|"
                       r"distant)\s+)?(?:past|present(?:\s+day)?))\b(?=\s*(?:[.,;:!?)\"”]|"
                       r"and\b|or\b|but\b|$))", re.I), ("past", "present")),
    # Dates read from the last date given: "that day", "the next morning", "later that
    # year", "the day after" (`date_anaphora`).
    ("anaphor", re.compile(ANAPHOR, re.I),
     ("that", "same", "next", "following", "previous", "preceding", "day before", "day after")),
    # "current" only as an adjective ("his current wife"): checked against the parse.
    ("current", re.compile(r"\bcurrent\b", re.I), ("current",)),
    ("decade", re.compile(r"(?:\b(?:early|mid|late)[\s-]+)?(?:\b(?:1[5-9]|20)\d0|['’]\d0)s\b"),
     ("0s",)),
    ("month", re.compile(rf"\b(?:(?:[Ll]ast|[Tt]his|[Nn]ext|[Ee]arly|[Ll]ate|[Mm]id|[Ee]arlier)"
                         rf"[\s-]+)?{_FULL_MONTH}\b(?:\s+(?:this|last|next)\s+year\b)?"
                         r"(?!\s+\d)"), ()),
    ("year", re.compile(rf"(?<![\d$£€.,/])(?<!\d-){YEAR}(?!\d|,\d|\s*(?:%|percent))"), ()),
]
# Durations, frequencies and ages are not calendar dates.
_DURATION = re.compile(
    r"\b(?:daily|weekly|monthly|annually|yearly|nightly|hourly|a\s+(?:day|week|month|year)"
    r"|per\s+\w+|each\s+\w+|every\s+\w+|\w+-(?:year|month|week|day)-old|old)\b"
    r"|^(?:the\s+)?(?:(?:last|past|next|coming|first|recent|previous)\s+)?(?:few\s+|several\s+|"
    r"many\s+|couple\s+of\s+|\S+\s+)?(?:days?|weeks?|months?|years?|decades?|centur(?:y|ies))$"
    r"|^(?:about|approximately|almost|nearly|some|more than|less than|over|up to|only|just)\b",
    re.I)
_DATE_WORD = re.compile(rf"\b{MONTH}\b|{_CAP_WEEKDAY}|\b(?:ago|today|yesterday|tomorrow|"
                        r"tonight|week|month|year|quarter|spring|summer|fall|autumn|winter)\b",
                        re.I)
# A preposition or modifier that makes a bare year or month a time expression.
_TIME_LEAD = re.compile(r"(?:\b(?:in|since|from|until|till|by|before|after|during|of|on|"
                        r"through|to|between|and|early|late|mid|last|this|next|"
                        r"post|pre)[\s-]*|[(,-]\s*)$", re.I)
# "every (other|first...) Monday", "each spring"; "... of each month", "... of the month".
_FREQUENCY_LEAD = re.compile(r"\b(?:every|each)\s+(?:other\s+|(?:first|second|third|fourth|"
                             r"fifth|last|single)\s+)?$", re.I)
_FREQUENCY_TAIL = re.compile(r"\s+(?:of|in)\s+(?:each|every|the)\s+month\b", re.I)
# A capitalised month opening a name: "March for Life", "March on Washington", "March of
# Dimes" (not "March of 2019", not "March on Monday").
_MONTH_AS_NAME = re.compile(rf"\s+(?:for|on|of|against|to)\s+(?:the\s+)?(?!{_CAP_WEEKDAY}|"
                            rf"{_FULL_MONTH})[A-Z]")
_CONTEXT_CHARS = 120


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    kind: str  # the pattern family, or "entity" for a spaCy DATE the patterns missed
    reading: str | None = None  # what to normalise when it is not the text itself


def find_dates(doc: Doc, sentences: list[Sentence], published: dt.date | None) -> list[KeyDate]:
    """Every calendar-date mention in body and headline sentences, in time order."""
    dates: list[KeyDate] = []
    seen_values: set[str] = set()
    reference: str | None = None  # the last date the story gave: "that day" points at it
    # doc.ents once, and no doc.text: both walk every token of the document on each access
    entities = date_entities(doc)
    for sentence in sentences:
        if sentence.kind == "boilerplate":
            continue
        for mention in find_date_mentions(sentence, entities):
            text = sentence.text[mention.start - sentence.start:mention.end - sentence.start]
            value = mention_value(doc, mention, text, published, reference)
            if not value:
                continue
            if not value.endswith("_REF"):
                reference = value
            local = mention.start - sentence.start, mention.end - sentence.start
            # a date read from another date ("the next day") is listed, not key: its
            # reference may be the wrong one
            day = without_time(value)  # "9 a.m. Tuesday" and "Tuesday" are one key date
            key = (mention.kind != "anaphor" and is_key(value, sentence)
                   and day not in seen_values and not is_dateline(sentence.text, *local))
            if key:
                seen_values.add(day)
            dates.append(KeyDate(
                text=text, value=value, key=key,
                start=mention.start, end=mention.end,
                context=date_context(sentence, mention.start, mention.end)))
    return sorted(dates, key=lambda d: (*value_order(d.value, published), time_order(d.value),
                                        d.start))


def mention_value(doc: Doc, mention: Mention, text: str, published: dt.date | None,
                  reference: str | None) -> str | None:
    """The TIMEX3 value of one mention, read with its clause's tense where that matters."""
    reading = mention.reading or text
    if mention.kind == "anaphor":
        return anaphor_value(reading, reference)
    if mention.kind == "ref":
        return normalise_date(reading, published)  # "now" has no direction
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    direction = clause_direction(span) if span is not None else 0
    if span is not None and span.start > 0 and doc[span.start - 1].lower_ == "the" \
            and is_recent_period(f"the {reading}"):
        reading = f"the {reading}"  # "for the last week" is not "last week"
    return normalise_date(reading, published, direction)


def date_entities(doc: Doc) -> list[tuple[int, int, str]]:
    """(start, end, label) of spaCy's DATE and TIME entities, read once per document.

    Without the whitespace an entity may start or end with ("summer\n \n" before a blank
    line): a date's span never holds it, and one that ran past its sentence's end did.
    """
    return [(e.start_char + len(e.text) - len(e.text.lstrip()),
             e.start_char + len(e.text.rstrip()), e.label_)
            for e in doc.ents if e.label_ in ("DATE", "TIME") and e.text.strip()]


def find_date_mentions(
    sentence: Sentence, entities: list[tuple[int, int, str]] | None = None
) -> list[Mention]:
    """Our pattern matches in the sentence, then spaCy DATE entities they do not touch.

    Offsets index the document; `entities` is `date_entities(doc)` when the caller has
    it. The work is done on the sentence's own text, in its coordinates.
    """
    text, base = sentence.text, sentence.start
    entities = date_entities(sentence.span.doc) if entities is None else entities
    inside = [(s - base, e - base, label) for s, e, label in entities
              if base <= s < sentence.end]
    spans = [(start, end) for start, end, _ in inside]
    found: list[Mention] = []
    # "every Monday", "the March for Life": no entity may bring them back
    rejected: list[Mention] = []
    lowered = text.lower()
    for kind, pattern, triggers in _PATTERNS:
        if triggers and not any(word in lowered for word in triggers):
            continue
        for match in pattern.finditer(text):
            start, end = match.span("x") if "x" in pattern.groupindex else match.span()
            if kind in ("year", "month") and not is_time_use(text, start, end, spans):
                continue
            if is_frequency(text, start, end) or (
                    kind == "month" and _MONTH_AS_NAME.match(text, end)):
                rejected.append(Mention(start, end, kind))
            elif kind == "current":
                if is_adjective(sentence, start, end):
                    found.append(Mention(start, end, "ref"))
            elif kind == "season" and is_season_name(text, end):
                rejected.append(Mention(start, end, kind))
            elif is_generic_today(text, start, end):
                found.append(Mention(start, end, "ref", "nowadays"))
            elif kind == "day":  # with the time of day next to it: "9 a.m. Tuesday"
                found.append(Mention(*time_extent(text, start, end), kind))
            else:
                found.append(Mention(start, end, kind))
    found = [m for m in split_day_ranges(text, found)
             if not any(overlaps(m, r) for r in rejected)]
    for start, end, label in inside:
        candidate = Mention(start, end, "entity")
        if (label == "DATE" and is_date_entity(text[start:end])
                and not (_SEASON_END.search(text, start, end) and is_season_name(text, end))
                and not any(overlaps(candidate, m) for m in found + rejected)):
            found.append(candidate)
    return [Mention(m.start + base, m.end + base, m.kind, m.reading)
            for m in without_overlaps(found)]


def is_time_use(text: str, start: int, end: int, entities: list[tuple[int, int]]) -> bool:
    """A bare year or month counts when spaCy calls it a date or a preposition leads it."""
    if any(s < end and start < e for s, e in entities):
        return True
    return bool(_TIME_LEAD.search(text[max(0, start - 12):start]))


_RANGE_END = re.compile(r"\s*(?:-|–|to|and|through|or)\s*((?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?)"
                        rf"\b(?:,?\s+({YEAR})\b)?"
                        r"(?![\d,.]\d|\s*(?:%|percent|p\.?m|a\.?m|[A-Za-z]{3,}))")


def split_day_ranges(text: str, found: list[Mention]) -> list[Mention]:
    """Both days of "April 24-25" or "April 24 and 25, 2020", each a mention of its own.

    The second day borrows the first one's month; a year after the range applies to both.
    """
    result: list[Mention] = []
    for mention in found:
        first = text[mention.start:mention.end]
        match = _RANGE_END.match(text, mention.end) if mention.kind == "day" else None
        day = re.search(rf"{DAY}$", first) if match else None
        if match is None or day is None:
            result.append(mention)
            continue
        year = f", {match.group(2)}" if match.group(2) else ""
        result.append(Mention(mention.start, mention.end, "day", first + year))
        second = first[:day.start()] + match.group(1) + year
        end = match.end(2) if match.group(2) else match.end(1)
        result.append(Mention(match.start(1), end, "range", second))
    return result


def is_dateline(text: str, start: int, end: int) -> bool:
    """"WASHINGTON, August 11 (Xinhua) --": the wire's filing stamp, not an event date."""
    line_start = text.rfind("\n", 0, start) + 1
    before, after = text[line_start:start], text[end:end + 12]
    return bool(re.fullmatch(r"\s*[A-Z][A-Z .'-]+(?:,\s*[A-Z][\w.]*)*,\s*", before)
                and re.match(r"\s*(?:\(|--|_|—)", after))


def is_generic_today(text: str, start: int, end: int) -> bool:
    """"today's youth" means nowadays, not the publication day ("today's vote" is the day)."""
    if text[start:end].lower() != "today":
        return False
    after = re.match(r"['’]s\s+(\w+)(?:\s+(\w+))?", text[end:end + 40])
    return after is not None and any(word and word.lower() in GENERIC_TODAY_NOUNS
                                     for word in after.groups())


def is_frequency(text: str, start: int, end: int) -> bool:
    """"every Monday", "each first Saturday", "the last Friday of each month": a
    frequency, not a date."""
    return bool(_FREQUENCY_LEAD.search(text[max(0, start - 30):start])
                or _FREQUENCY_TAIL.match(text, end))


def is_adjective(sentence: Sentence, start: int, end: int) -> bool:
    """The word at these sentence offsets is an adjective in the parse ("current wife",
    not "the current" of a river)."""
    span = sentence.span.doc.char_span(sentence.start + start, sentence.start + end)
    return span is not None and span.root.pos_ == "ADJ"


def is_season_name(text: str, end: int) -> bool:
    """"the summer school", "the winter games": the season names something else."""
    after = re.match(r"[\s-]+(\w+)", text[end:end + 30])
    return after is not None and after.group(1).lower() in SEASON_NOUNS


def is_date_entity(text: str) -> bool:
    """A spaCy DATE worth normalising: names a date, and is no duration, age or frequency."""
    return bool(_DATE_WORD.search(text)) and not _DURATION.search(text) and len(text) <= 40


def overlaps(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


def without_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep the earliest, then longest, of overlapping mentions."""
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept


def is_key(value: str, sentence: Sentence) -> bool:
    """Day-, week- or month-level dates in body sentences are worth listing."""
    return sentence.kind == "body" and bool(
        re.fullmatch(r"(?:\d{4}|XXXX)-(?:\d\d(?:-\d\d)?|W\d\d)", without_time(value)))


def date_context(sentence: Sentence, start: int, end: int) -> str:
    """The sentence, or a window of it around the date cut at word boundaries."""
    text = sentence.text.strip()
    if len(text) <= _CONTEXT_CHARS:
        return text
    middle = (start + end) // 2 - sentence.start
    left = max(0, min(middle - _CONTEXT_CHARS // 2, len(text) - _CONTEXT_CHARS))
    right = left + _CONTEXT_CHARS
    if left > 0:
        space = text.find(" ", left)
        left = space + 1 if 0 <= space < start - sentence.start else left
    if right < len(text):
        space = text.rfind(" ", left, right)
        right = space if space > end - sentence.start else right
    excerpt = text[left:right].strip(" ,;")
    return ("…" if left > 0 else "") + excerpt + ("…" if right < len(text) else "")


def value_order(value: str, published: dt.date | None) -> tuple[int, int, int]:
    """(year, month, day) to sort by; unknown years sort first, by month and day."""
    if value.endswith("_REF"):
        anchor = published or dt.date.min
        return anchor.year, anchor.month, anchor.day
    head = re.match(r"(\d{4})|(\d{3})X|XXXX", value)
    if head is None:
        return 0, 0, 0
    year = int(head.group(1) or 0) or int(head.group(2) or 0) * 10  # "199X" is the 1990s
    rest = value[head.end():]
    week = re.match(r"-W(\d+)", rest)
    if week and year:
        try:
            monday = dt.date.fromisocalendar(year, int(week.group(1)), 1)
        except ValueError:
            return year, 0, 0
        return monday.year, monday.month, monday.day
    quarter = re.match(r"-[QH](\d)", rest)
    if quarter:
        return year, (int(quarter.group(1)) - 1) * (3 if "Q" in rest else 6) + 1, 0
    parts = [int(p) for p in re.findall(r"-(\d\d)", rest)] + [0, 0]
    return year, parts[0], parts[1]
