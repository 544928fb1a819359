"""Key dates: every calendar-date mention of an article, normalised TIMEX3-style.

Candidates are our own patterns for what news writes (weekdays, month-days, "last
week", quarters, years, ...) plus spaCy's DATE entities they miss. Each is normalised
against the publication date by `date_rules.normalise_date`, with the clause's tense
deciding which way a bare weekday or a year-less date goes. Durations and frequencies
("two years", "daily", "approximately 2 weeks") are not dates and are dropped, and so
is anything that cannot be pinned down (no value is ever guessed from today's date).

`key` marks what a reader would want listed: the first mention of each day-, week- or
month-level date in a body sentence. Years, decades, quarters, repeats and dates in
headlines are kept in the list but not marked key.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from bot.breakdown.date_rules import DAY, MONTH, YEAR, normalise_date
from bot.breakdown.model import KeyDate
from bot.breakdown.segment import Sentence

_CAP_MONTH = (r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|"
              r"July?|Aug(?:ust|\.)?|Sep(?:t(?:ember)?)?\.?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|"
              r"Dec(?:ember|\.)?)(?![a-z])")
_FULL_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|"
               r"November|December)")
_CAP_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_NUMBER = r"(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"

# Ordered loosely from specific to general; overlaps keep the earliest, then longest.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("day", re.compile(rf"(?:{_CAP_WEEKDAY},?\s+)?{_CAP_MONTH}\s*{DAY}\b(?:,?\s+{YEAR}\b)?")),
    ("day", re.compile(rf"\b{DAY}\s+(?:of\s+)?{_CAP_MONTH}(?:,?\s+{YEAR}\b)?")),
    ("day", re.compile(r"\b\d{4}-\d\d-\d\d\b|\b(?:1[0-2]|0?[1-9])/(?:[12]\d|3[01]|0?[1-9])/"
                       r"(?:\d{4}|\d\d)\b")),
    ("month", re.compile(rf"\b{_CAP_MONTH}\s*,?\s+(?:of\s+)?{YEAR}\b")),
    ("day", re.compile(r"\b(?:(?:last|next)\s+)?(?:Thanksgiving(?:\s+Day)?|Christmas(?:\s+Eve|"
                       r"\s+Day)?|New\s+Year's\s+(?:Day|Eve)|Independence\s+Day|Election\s+Day|"
                       r"Halloween|Valentine's\s+Day)\b")),
    ("day", re.compile(rf"\b(?:(?:[Ll]ast|[Nn]ext|[Tt]his|[Ee]arly|[Ll]ate)\s+)?{_CAP_WEEKDAY}"
                       r"(?:['’]s)?(?:\s+(?:morning|afternoon|evening|night))?\b")),
    ("day", re.compile(r"\b(?:today|tonight|yesterday|tomorrow|this\s+(?:morning|afternoon|"
                       r"evening))\b", re.I)),
    ("week", re.compile(r"\b(?:(?:early|late|mid|earlier|later)[\s-]+)?(?:this|last|next|"
                        r"coming)\s+(?:week(?:end)?|month|year|quarter|spring|summer|fall|"
                        r"autumn|winter)\b(?!\s*(?:'s|’s)?\s*\w+\s+(?:of|in)\b)", re.I)),
    ("ago", re.compile(rf"\b(?:(?:about|almost|nearly|some|more than)\s+)?{_NUMBER}\s+"
                       r"(?:day|week|month|year|decade)s?\s+ago\b", re.I)),
    ("quarter", re.compile(rf"\b(?:first|second|third|fourth|final|last|[1-4](?:st|nd|rd|th))"
                           rf"[\s-]+(?:fiscal[\s-]+)?quarter(?:\s+of\s+(?:fiscal\s+)?{YEAR})?\b"
                           rf"|\bQ[1-4](?:\s+{YEAR})?\b|\b(?:first|second)\s+half\s+of\s+"
                           rf"{YEAR}\b", re.I)),
    ("decade", re.compile(r"(?:\b(?:early|mid|late)[\s-]+)?(?:\b(?:1[5-9]|20)\d0|['’]\d0)s\b")),
    ("month", re.compile(rf"\b(?:(?:[Ll]ast|[Tt]his|[Nn]ext|[Ee]arly|[Ll]ate|[Mm]id|[Ee]arlier)"
                         rf"[\s-]+)?{_FULL_MONTH}\b(?:\s+(?:this|last|next)\s+year\b)?"
                         r"(?!\s+\d)")),
    ("year", re.compile(rf"(?<![\d$£€.,/])(?<!\d-){YEAR}(?!\d|,\d|\s*(?:%|percent))")),
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
_FUTURE_AUX = {"will", "shall", "'ll", "wo", "ll", "would"}
_PLAN_LEMMAS = {"schedule", "plan", "expect", "set", "due", "slate", "intend", "prepare",
                "hope", "aim", "propose"}
_REPORT_LEMMAS = {"say", "tell", "report", "claim", "state", "add", "note", "write"}
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
    for sentence in sentences:
        if sentence.kind == "boilerplate":
            continue
        for mention in find_date_mentions(doc, sentence):
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            direction = clause_direction(span) if span is not None else 0
            reading = mention.reading or doc.text[mention.start:mention.end]
            value = normalise_date(reading, published, direction)
            if not value:
                continue
            key = is_key(value, sentence) and value not in seen_values
            if key:
                seen_values.add(value)
            dates.append(KeyDate(
                text=doc.text[mention.start:mention.end], value=value, key=key,
                start=mention.start, end=mention.end,
                context=date_context(sentence, mention.start, mention.end)))
    return sorted(dates, key=lambda d: (*value_order(d.value, published), d.start))


def find_date_mentions(doc: Doc, sentence: Sentence) -> list[Mention]:
    """Our pattern matches in the sentence, then spaCy DATE entities they do not touch."""
    text = sentence.text
    entities = [(e.start_char, e.end_char) for e in sentence.span.ents
                if e.label_ in ("DATE", "TIME")]
    found: list[Mention] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = sentence.start + match.start(), sentence.start + match.end()
            if kind in ("year", "month") and not is_time_use(doc.text, start, end, entities):
                continue
            if is_dateline(doc.text, start, end) or is_generic_today(doc.text, start, end):
                continue
            found.append(Mention(start, end, kind))
    found.extend(split_day_ranges(doc.text, found))
    for entity in sentence.span.ents:
        if entity.label_ != "DATE":
            continue
        candidate = Mention(entity.start_char, entity.end_char, "entity")
        if not any(overlaps(candidate, m) for m in found) and is_date_entity(entity.text):
            found.append(candidate)
    return without_overlaps(found)


def is_time_use(text: str, start: int, end: int, entities: list[tuple[int, int]]) -> bool:
    """A bare year or month counts when spaCy calls it a date or a preposition leads it."""
    if any(s < end and start < e for s, e in entities):
        return True
    return bool(_TIME_LEAD.search(text[max(0, start - 12):start]))


def split_day_ranges(text: str, found: list[Mention]) -> list[Mention]:
    """The second day of "April 24-25" or "April 24 and 25", as a mention of its own."""
    extra: list[Mention] = []
    for mention in found:
        if mention.kind != "day" or not re.search(r"\d\b", text[mention.start:mention.end]):
            continue
        match = re.match(r"\s*(?:-|–|to|and|through|or)\s*((?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|"
                         r"th)?)\b(?![\d,.]\d|\s*(?:%|percent|p\.?m|a\.?m|[A-Za-z]{3,}))",
                         text[mention.end:])
        if match:
            start = mention.end + match.start(1)
            first = text[mention.start:mention.end]
            day = re.search(rf"{DAY}\b(?!.*\d)", first.split(",")[-1] if "," in first else first)
            reading = first.replace(day.group(), match.group(1)) if day else None
            extra.append(Mention(start, start + len(match.group(1)), "range", reading))
    return extra


def is_dateline(text: str, start: int, end: int) -> bool:
    """"WASHINGTON, August 11 (Xinhua) --": the wire's filing stamp, not an event date."""
    line_start = text.rfind("\n", 0, start) + 1
    before, after = text[line_start:start], text[end:end + 12]
    return bool(re.fullmatch(r"\s*[A-Z][A-Z .'-]+(?:,\s*[A-Z][\w.]*)*,\s*", before)
                and re.match(r"\s*(?:\(|--|_|—)", after))


def is_generic_today(text: str, start: int, end: int) -> bool:
    """"today's youth" means nowadays, not the publication day."""
    return text[start:end].lower() == "today" and bool(re.match(r"['’]s\b", text[end:end + 3]))


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


def clause_direction(span: Span) -> int:
    """-1 if the date's clause is about the past, +1 about the future, 0 if unclear.

    Read from the verb the date hangs on: "will"/"'ll" or a plan verb ("is scheduled
    to", "expects to") means future; past tense or "has/had" + participle means past;
    a present-tense non-reporting verb ("the talks begin Tuesday") means future.
    """
    words = {t.lower_ for t in span}
    if words & {"next", "coming", "upcoming"}:
        return 1
    if words & {"last", "past", "previous", "ago", "earlier"}:
        return -1
    lead = span.doc.text[max(0, span.start_char - 16):span.start_char].lower()
    if re.search(r"\b(?:as (?:soon|early) as|no later than|starting)\s+$", lead):
        return 1  # openings look forward
    if re.search(r"\bsince\s+(?:the\s+)?$", lead):
        return -1
    verb = governing_verb(span.root)
    if verb is None:
        return 0
    auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if re.search(r"\b(?:until|till)\s+$", lead) and not any(a.lower_ == "had" for a in auxiliaries):
        return 1  # deadlines look forward, unless "had not ... until"
    if any(a.lower_ in _FUTURE_AUX or a.lower_ == "going" for a in auxiliaries):
        return 1
    head = verb.head if verb.dep_ in ("xcomp", "ccomp") else None
    if verb.tag_ == "VB" and head is not None and head.lemma_ in _PLAN_LEMMAS:
        return 1
    if verb.lemma_ in _PLAN_LEMMAS - {"set"} and span.root.head.i != verb.i:
        return 1  # "planned a rally on Saturday": the rally comes later than the plan
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxiliaries):
        return -1
    if verb.tag_ == "VBN" and any(a.lemma_ == "have" for a in auxiliaries):
        return -1
    if verb.tag_ in ("VBZ", "VBP") and verb.lemma_ not in _REPORT_LEMMAS:
        return 1
    if verb.tag_ == "VBG" and any(a.tag_ in ("VBZ", "VBP") for a in auxiliaries):
        return 1
    return 0


def governing_verb(token: Token) -> Token | None:
    """The nearest verb up the dependency tree from the date."""
    for _ in range(6):
        if token.pos_ in ("VERB", "AUX"):
            return token
        if token.head is token:
            return None
        token = token.head
    return None


def is_key(value: str, sentence: Sentence) -> bool:
    """Day-, week- or month-level dates in body sentences are worth listing."""
    return sentence.kind == "body" and bool(
        re.fullmatch(r"(?:\d{4}|XXXX)-(?:\d\d(?:-\d\d)?|W\d\d)", value))


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
    numbers = re.findall(r"\d+|X+", value)
    year = int(numbers[0].replace("X", "0")) if numbers and numbers[0][0].isdigit() else 0
    if len(numbers[0]) == 3 if numbers else False:
        year *= 10  # a decade such as "199X"
    rest = value[len(numbers[0]) if numbers else 0:]
    week = re.match(r"-W(\d+)", rest)
    if week:
        monday = dt.date.fromisocalendar(year, int(week.group(1)), 1)
        return monday.year, monday.month, monday.day
    quarter = re.match(r"-[QH](\d)", rest)
    if quarter:
        return year, (int(quarter.group(1)) - 1) * (3 if "Q" in rest else 6) + 1, 0
    parts = [int(p) for p in re.findall(r"-(\d\d)", rest)] + [0, 0]
    return year, parts[0], parts[1]
