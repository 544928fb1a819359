"""Turn one date expression into a TIMEX3-style value, anchored on the publication date.

Our own rules handle what news writes most (weekdays, month-days, "last week", quarters,
"N years ago", holidays); dateparser's `DateDataParser` is the fallback for the rest.
Without an anchor only what the text itself fixes is resolved, and a missing year is
written ``XXXX``: a year is never invented.

`direction` is the tense of the clause the date sits in: -1 past, +1 future, 0 unknown.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import TYPE_CHECKING

from bot.breakdown.date_calendar import (
    holiday_date,
    iso_week,
    safe_date,
    safe_iso_date,
    shift_month,
)
from bot.breakdown.date_times import split_time, with_time
from bot.breakdown.date_words import REFERENCE_VALUES

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
            "fourth": 4, "4th": 4, "final": 4}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "several": 0, "few": 0, "a few": 0,
}

MONTH = (r"(?:jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|"
         r"july?|aug(?:ust|\.)?|sep(?:t(?:ember)?)?\.?|oct(?:ober|\.)?|nov(?:ember|\.)?|"
         r"dec(?:ember|\.)?)")
WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
YEAR = r"(?:1[5-9]\d\d|20\d\d)"

_MONTH_DAY = re.compile(rf"(?P<m>{MONTH})\s+(?P<d>{DAY})\b(?:,?\s+(?P<y>{YEAR}))?", re.I)
_DAY_MONTH = re.compile(rf"(?P<d>{DAY})\s+(?:of\s+)?(?P<m>{MONTH})\b(?:,?\s+(?P<y>{YEAR}))?",
                        re.I)
_MONTH_YEAR = re.compile(rf"(?P<m>{MONTH})\s*,?\s+(?:of\s+)?(?P<y>{YEAR})\b", re.I)
_ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)")
_NUMERIC = re.compile(r"(?P<m>1[0-2]|0?[1-9])/(?P<d>[12]\d|3[01]|0?[1-9])/(?P<y>\d{4}|\d\d)")
_DECADE = re.compile(r"(?:(?P<c>1[5-9]|20)|')(?P<d>\d)0'?s\b", re.I)
_YEAR_ONLY = re.compile(rf"(?<![\d$.,])(?P<y>{YEAR})(?![\d,])")
_MONTH_ONLY = re.compile(rf"^(?:(?P<rel>last|this|next|early|late|mid|earlier)[\s-]+)?"
                         rf"(?P<m>{MONTH})(?:\s+(?P<yrel>this|last|next)\s+year)?$", re.I)
_WEEKDAY_ONLY = re.compile(rf"^(?:(?P<rel>last|this|next|on|early|late)\s+)?(?P<w>{WEEKDAY})"
                           rf"(?:'s)?(?:\s+(?:morning|afternoon|evening|night))?$", re.I)
_RELATIVE = re.compile(
    r"^(?:the\s+)?(?:(?:early|late|mid|earlier|later)[\s-]+)?"
    r"(?P<rel>this|last|past|next|coming|previous|current)\s+"
    r"(?P<unit>week|weekend|month|year|quarter|spring|summer|fall|autumn|winter)$", re.I)
_RECENT_PERIOD = re.compile(r"^the\s+(?:last|past)\s+(?P<unit>week|month)$", re.I)
_AGO = re.compile(r"^(?:about\s+|almost\s+|nearly\s+|some\s+|more than\s+)?"
                  r"(?P<n>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
                  r"\s+(?P<unit>day|week|month|year|decade)s?\s+ago$", re.I)
_QUARTER = re.compile(rf"(?P<o>first|second|third|fourth|final|[1-4](?:st|nd|rd|th))[\s-]+"
                      rf"(?:fiscal\s+)?quarter(?:\s+of\s+(?:fiscal\s+)?(?P<y>{YEAR}))?"
                      rf"|\bq(?P<q>[1-4])\s*(?P<y2>{YEAR})?", re.I)
_HALF = re.compile(rf"(?P<o>first|second|1st|2nd)[\s-]+half(?:\s+of\s+(?:(?P<y>{YEAR})|"
                   rf"(?P<rel>this|last|next|the)\s+year))?"
                   rf"|\bh(?P<h>[12])\s*(?P<y2>{YEAR})|\b(?P<y3>{YEAR})\s*h(?P<h2>[12])\b", re.I)
# "summer 1998", "the fall of 2019", "early spring 2001": the season of that year.
_SEASON_YEAR = re.compile(rf"(?P<s>spring|summer|fall|autumn|winter)\s*,?\s+(?:of\s+)?"
                          rf"(?P<y>{YEAR})\b", re.I)
# "(in) the summer", "the early spring": a season of the year the clause is about.
_SEASON_ONLY = re.compile(r"^(?:the\s+)?(?:(?:early|late|mid)[\s-]+)?"
                          r"(?P<s>spring|summer|fall|autumn|winter)$", re.I)
# A season's middle month, to place it before or after publication like a month.
_SEASON_MONTH = {"SP": 4, "SU": 7, "FA": 10, "WI": 12}
_WEEK_OF = re.compile(r"^(?:the\s+)?week\s+of\s+(?P<d>.+)$", re.I)
_DEICTIC = {"today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0,
            "this evening": 0, "yesterday": -1, "tomorrow": 1}
_HOLIDAY = re.compile(r"(?P<h>thanksgiving|christmas(?: eve)?|new year's (?:day|eve)|"
                      r"independence day|election day|halloween|valentine's day|"
                      r"easter(?: sunday| monday)?|good friday)(?P<week> week)?"
                      r"|(?P<holy>holy week)", re.I)


def month_number(word: str) -> int:
    return MONTHS[word.lower()[:3]]


def clean(text: str) -> str:
    """One-line, lower-case, apostrophes straightened, possessive dropped."""
    text = re.sub(r"\s+", " ", text.replace("’", "'")).strip().lower()
    return text.removesuffix("'s")  # "Tuesday's vote", "last month's report"


def choose_year(month: int, day: int, anchor: dt.date, direction: int) -> int:
    """The year of a year-less date: the anchor's, unless tense or distance says otherwise.

    News dates without a year sit near the publication date: a past-tense clause
    pushes a date well after it back a year, a future cue pushes one well before it
    forward, and with no cue a date more than five months ahead or eight behind moves.
    """
    here = safe_date(anchor.year, month, day) or dt.date(anchor.year, month, 28)
    gap = (here - anchor).days
    # With no cue, lean to the past: news reports more than it announces.
    if (direction < 0 and gap > 60) or (direction == 0 and gap > 150):
        return anchor.year - 1
    if (direction > 0 and gap < -60) or (direction == 0 and gap < -240):
        return anchor.year + 1
    return anchor.year


def year_text(year: int | None) -> str:
    return "XXXX" if year is None else f"{year:04d}"


def resolve_weekday(weekday: int, anchor: dt.date, direction: int, rel: str) -> dt.date:
    """A bare weekday is the latest such day on or before publication, unless told later.

    "last Friday" is strictly before, "next Friday" strictly after; a future cue in the
    clause moves the weekday forward (the same weekday as publication stays that day).
    """
    back = (anchor.weekday() - weekday) % 7
    forward = (weekday - anchor.weekday()) % 7
    if rel == "last":
        return anchor - dt.timedelta(days=back or 7)
    if rel == "next":
        return anchor + dt.timedelta(days=forward or 7)
    if direction > 0:
        return anchor + dt.timedelta(days=forward)
    return anchor - dt.timedelta(days=back)


def absolute_value(text: str, anchor: dt.date | None, direction: int) -> str | None:
    """Dates the text spells out: month-days, month-years, ISO, numeric, decades, years."""
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        match = pattern.search(text)
        if match:
            month = month_number(match["m"])
            day = int(re.sub(r"\D", "", match["d"]))
            if match["y"]:
                year: int | None = int(match["y"])
            else:
                year = choose_year(month, day, anchor, direction) if anchor else None
            return f"{year_text(year)}-{month:02d}-{day:02d}"
    match = _ISO.search(text)
    if match and safe_date(int(match["y"]), int(match["m"]), int(match["d"])):
        return match.group()
    match = _NUMERIC.search(text)
    if match:
        year = int(match["y"]) + (1900 if len(match["y"]) == 2 else 0)
        if year < 1950:
            year += 100  # "3/4/20" is 2020, not 1920
        return f"{year}-{int(match['m']):02d}-{int(match['d']):02d}"
    match = _MONTH_YEAR.search(text)
    if match:
        return f"{match['y']}-{month_number(match['m']):02d}"
    match = _DECADE.search(text)
    if match:
        return decade_value(match, anchor)
    match = _YEAR_ONLY.search(text)
    return match["y"] if match else None


def decade_value(match: re.Match[str], anchor: dt.date | None) -> str | None:
    """"the 1970s" → 197X; "the '90s" is the latest such decade up to publication (1990s
    in 2000, 2020s in 2024), unknown without a publication date."""
    if match["c"]:
        return f"{match['c']}{match['d']}X"
    if anchor is None:
        return None
    start = anchor.year // 100 * 100 + int(match["d"]) * 10
    if start > anchor.year:
        start -= 100
    return f"{start // 10}X"


def month_value(text: str, anchor: dt.date | None, direction: int) -> str | None:
    """"November", "last October", "late November": a month, placed near publication."""
    match = _MONTH_ONLY.match(text)
    if not match:
        return None
    month = month_number(match["m"])
    if anchor is None:
        return None  # "XXXX-11" tells a reader nothing the text does not
    rel = (match["rel"] or "").lower()
    if match["yrel"]:
        year = anchor.year + {"last": -1, "this": 0, "next": 1}[match["yrel"].lower()]
    elif rel == "last":
        year = anchor.year if month < anchor.month else anchor.year - 1
    elif rel == "next":
        year = anchor.year if month > anchor.month else anchor.year + 1
    elif rel == "this":
        year = anchor.year
    else:
        year = choose_year(month, 15, anchor, direction)
    return f"{year}-{month:02d}"


def relative_value(text: str, anchor: dt.date, direction: int) -> str | None:
    """Deictic dates that need the publication date: today, last week, 3 years ago, ..."""
    if text in _DEICTIC:
        return (anchor + dt.timedelta(days=_DEICTIC[text])).isoformat()
    match = _WEEKDAY_ONLY.match(text)
    if match:
        weekday = WEEKDAYS[match["w"][:3].lower()]
        rel = (match["rel"] or "").lower()
        return resolve_weekday(weekday, anchor, direction, rel).isoformat()
    match = _RELATIVE.match(text)
    if match:
        return unit_value(match["rel"].lower(), match["unit"].lower(), anchor)
    match = _AGO.match(text)
    if match:
        return ago_value(match["n"].lower(), match["unit"].lower(), anchor)
    return None


def unit_value(rel: str, unit: str, anchor: dt.date) -> str | None:
    """"this/last/next week|month|year|quarter|season" as a week, month, year, ..."""
    step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(rel, 0)
    if unit in ("week", "weekend"):
        return iso_week(anchor + dt.timedelta(weeks=step))
    if unit == "month":
        year, month = shift_month(anchor.year, anchor.month, step)
        return f"{year}-{month:02d}"
    if unit == "year":
        return str(anchor.year + step)
    if unit == "quarter":
        index = anchor.year * 4 + (anchor.month - 1) // 3 + step
        return f"{index // 4}-Q{index % 4 + 1}"
    season = SEASONS[unit]
    # "last fall" in April is the previous year's; "last winter" in March is this one's
    year = anchor.year + step
    if step < 0 and season != "WI" and anchor.month >= {"SP": 6, "SU": 9, "FA": 12}[season]:
        year = anchor.year
    return f"{year}-{season}"


def ago_value(number: str, unit: str, anchor: dt.date) -> str | None:
    """"three years ago" → the year; "two months ago" → the month; "11 days ago" → the day."""
    count = int(number) if number.isdigit() else NUMBER_WORDS.get(number, 0)
    if not count:
        return None
    if unit == "day":
        return (anchor - dt.timedelta(days=count)).isoformat()
    if unit == "week":
        return iso_week(anchor - dt.timedelta(weeks=count))
    if unit == "month":
        year, month = shift_month(anchor.year, anchor.month, -count)
        return f"{year}-{month:02d}"
    return str(anchor.year - count * (10 if unit == "decade" else 1))


def period_value(text: str, anchor: dt.date | None, direction: int = 0) -> str | None:
    """Quarters, halves and seasons: "the third quarter (of 2019)", "Q3", "the first half of
    1990" (1990-H1), "summer 1998" (1998-SU), "in the fall" (placed by the clause's tense)."""
    match = _QUARTER.search(text)
    if match:
        quarter = int(match["q"]) if match["q"] else ORDINALS[match["o"].lower()]
        year = match["y"] or match["y2"]
        if not year and "last" in text and anchor:
            index = anchor.year * 4 + (anchor.month - 1) // 3 - 1
            return f"{index // 4}-Q{index % 4 + 1}"
        if not year:
            year = str(anchor.year) if anchor else "XXXX"
        return f"{year}-Q{quarter}"
    match = _HALF.search(text)
    if match:
        return half_value(match, anchor)
    match = _SEASON_YEAR.search(text)
    if match:
        return f"{match['y']}-{SEASONS[match['s'].lower()]}"
    match = _SEASON_ONLY.match(text)
    if match and anchor:
        season = SEASONS[match["s"].lower()]
        return f"{choose_year(_SEASON_MONTH[season], 15, anchor, direction)}-{season}"
    return None


def half_value(match: re.Match[str], anchor: dt.date | None) -> str:
    """"the first half of 1990" → 1990-H1; "H2 2019"; "the second half of last year"."""
    half = match["h"] or match["h2"] or ("1" if match["o"].lower() in ("first", "1st") else "2")
    year = match["y"] or match["y2"] or match["y3"]
    if not year and anchor is None:
        return f"XXXX-H{half}"
    if not year:
        assert anchor is not None
        step = {"last": -1, "next": 1}.get((match["rel"] or "").lower(), 0)
        year = str(anchor.year + step)
    return f"{year}-H{half}"


def holiday_value(text: str, anchor: dt.date | None, direction: int) -> str | None:
    """A holiday's date; "Easter week" and "Holy Week" are the ISO week of Easter Sunday."""
    match = _HOLIDAY.search(text)
    if not match or anchor is None:
        return None
    day = holiday_day(match["h"].lower() if match["h"] else "easter", text, anchor, direction)
    return iso_week(day) if match["week"] or match["holy"] else day.isoformat()


def holiday_day(name: str, text: str, anchor: dt.date, direction: int) -> dt.date:
    year_match = _YEAR_ONLY.search(text)
    if year_match:
        return holiday_date(name, int(year_match["y"]))
    if "last" in text:
        direction = -1
    elif "next" in text:
        direction = 1
    day = holiday_date(name, anchor.year)
    year = choose_year(day.month, day.day, anchor, direction)
    if "last" in text and holiday_date(name, year) >= anchor:
        year -= 1
    return holiday_date(name, year)


@functools.lru_cache(maxsize=4096)
def is_recent_period(text: str) -> bool:
    """"the past week", "the last month": the days up to now."""
    return _RECENT_PERIOD.match(text) is not None


def normalise_date(text: str, anchor: dt.date | None, direction: int = 0) -> str | None:
    """The TIMEX3 value of a date expression, or None when it cannot be pinned down."""
    text = clean(text)
    if text in REFERENCE_VALUES:
        return REFERENCE_VALUES[text]  # "now", "recently", "the future": no calendar date
    day_text, time = split_time(text)  # "9 a.m. tuesday", "march 3 at 10:30 p.m."
    if time:
        return with_time(normalise_date(day_text, anchor, direction), time)
    week_of = _WEEK_OF.match(text)
    if week_of:
        return week_of_value(week_of["d"], anchor, direction)
    value = (period_value(text, anchor, direction) or holiday_value(text, anchor, direction)
             or absolute_value(text, anchor, direction) or month_value(text, anchor, direction))
    if value:
        return value
    if anchor is None:
        # without a publication date "today" is still the present, just not a known day
        return "PRESENT_REF" if text == "today" else None
    recent = _RECENT_PERIOD.match(text)
    if recent:  # "for the past week": the days up to now, not the week before
        return unit_value("this", recent["unit"].lower(), anchor)
    value = relative_value(re.sub(r"^(?:on|the|by|until|since)\s+", "", text), anchor,
                           direction)
    if value:
        return value
    # dateparser only for short leftovers: it is slow, and long strings are not dates
    return parsed_value(text, anchor) if len(text) <= 40 else None


def week_of_value(day_text: str, anchor: dt.date | None, direction: int) -> str | None:
    """"the week of March 6": the ISO week of that day, or the day when its year is unknown."""
    value = normalise_date(day_text, anchor, direction)
    day = safe_iso_date(value) if value else None
    return iso_week(day) if day else value


@functools.lru_cache(maxsize=64)
def date_parser(anchor: dt.date) -> DateDataParser:
    """One DateDataParser per publication date (RELATIVE_BASE is a parser setting)."""
    from dateparser.date import DateDataParser  # slow import: only when a rule misses

    base = dt.datetime(anchor.year, anchor.month, anchor.day, 12)
    return DateDataParser(languages=["en"], settings={
        "PREFER_DATES_FROM": "current_period", "RELATIVE_BASE": base,
        "RETURN_TIME_AS_PERIOD": True})


def parsed_value(text: str, anchor: dt.date) -> str | None:
    """dateparser's reading, at the granularity it reports (`period`)."""
    data = date_parser(anchor).get_date_data(text)
    if data.date_obj is None:
        return None
    day = data.date_obj.date()
    if data.period == "week":
        return iso_week(day)
    if data.period == "month":
        return f"{day.year}-{day.month:02d}"
    if data.period == "year":
        return str(day.year)
    return day.isoformat()
