"""Times of day on dates: a clock time written after the day.

TIMEX3 (TimeML, after the TIDES TIMEX2 conventions) gives "9 a.m. Tuesday" the value
``2000-04-04T09:00``, and a part of day a code after the day (``2000-01-05TNI``).
`dates` grows a day mention over the clock time next to it (`time_extent`);
`date_rules.normalise_date` splits the time off (`split_time`), resolves the day as
before and writes the time after it (`with_time`). A clock time with no day is no date,
and nothing here makes it one.
"""

from __future__ import annotations

import re

from bot.breakdown.date_words import CLOCK_WORDS, TIME_ZONES

_ZONE = rf"(?:{'|'.join(sorted(TIME_ZONES, key=len, reverse=True))}|local\s+time)\b"
# "9 a.m.", "10:30 p.m.", "21:15", "noon", with an optional zone ("4 a.m. EDT"). In the
# article text a zone is matched in capitals only: a lower-case "est" or "pt" is no zone.
_CLOCK = (rf"(?<![\d:.,$])(?:(?P<h>1[0-2]|0?[1-9])(?::(?P<m>[0-5]\d))?\s*(?P<ap>(?i:[ap]))"
          rf"(?i:\.\s?m\b\.?|m\b)|(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)\b"
          rf"|\b(?P<word>(?i:{'|'.join(CLOCK_WORDS)}))\b)(?:\s+{_ZONE})?")
# Around a day mention in the text: "until 9 a.m. Tuesday", "at 10:30 p.m. on March 3";
# "Tuesday at 9 a.m.".
_BEFORE = re.compile(rf"{_CLOCK}\s*,?\s+(?:on\s+)?$")
_CLOCK_AFTER = re.compile(rf"\s*,?\s+(?:at\s+)?{_CLOCK}")
# The same in a cleaned (lower-case) expression, with the words that join it to the day.
_CLOCK_PHRASE = re.compile(rf"(?:\bat\s+)?{_CLOCK}(?:\s*,)?(?:\s+on\b)?", re.I)
_DAY_VALUE = re.compile(r"(?:\d{4}|XXXX)-\d\d-\d\d")
_TIMED_VALUE = re.compile(r"(?P<day>(?:\d{4}|XXXX)-\d\d-\d\d)"
                          r"T(?:(?P<part>MO|AF|EV|NI)|(?P<h>\d\d):(?P<m>\d\d))")
# Where a part of day sits in the day, in minutes, to order it among clock times.
_PART_MINUTES = {"MO": 8 * 60, "AF": 14 * 60, "EV": 19 * 60, "NI": 22 * 60}


def time_extent(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of a day mention grown over the clock time next to it."""
    before = _BEFORE.search(text, max(0, start - 40), start)
    if before is not None:
        return before.start(), end
    clock = _CLOCK_AFTER.match(text, end)
    return start, clock.end() if clock else end


def clock_time(match: re.Match[str]) -> str:
    """"9 a.m." → "09:00", "10:30 p.m." → "22:30", "12 a.m." → "00:00", "noon" → "12:00"."""
    if match["word"]:
        return CLOCK_WORDS[match["word"].lower()]
    if match["h24"]:
        return f"{int(match['h24']):02d}:{match['m24']}"
    hour = int(match["h"]) % 12 + (12 if match["ap"].lower() == "p" else 0)
    return f"{hour:02d}:{match['m'] or '00'}"


def split_time(text: str) -> tuple[str, str | None]:
    """The day words of a cleaned expression and the TIMEX3 time it adds, if any.

    "9 a.m. est tuesday" → ("tuesday", "T09:00"); "march 3 at noon" → ("march 3",
    "T12:00"); "noon" alone → ("noon", None).
    """
    match = _CLOCK_PHRASE.search(text)
    if match is None:
        return text, None
    rest = re.sub(r"\s+", " ", text[:match.start()] + " " + text[match.end():]).strip(" ,")
    return (rest, f"T{clock_time(match)}") if rest else (text, None)


def with_time(value: str | None, suffix: str) -> str | None:
    """A day's value with the time written after it; any coarser value as it is (a time
    of day on "now" is no calendar date, so that gives nothing)."""
    if value is None or value.endswith("_REF"):
        return None
    return value + suffix if _DAY_VALUE.fullmatch(value) else value


def without_time(value: str) -> str:
    """"2000-01-05T09:00" → "2000-01-05": the day of a value, any other value as it is."""
    match = _TIMED_VALUE.fullmatch(value)
    return match["day"] if match else value


def time_order(value: str) -> int:
    """Minutes into the day, to sort times within a day: -1 for a whole day (it goes first)."""
    match = _TIMED_VALUE.fullmatch(value)
    if match is None:
        return -1
    if match["part"]:
        return _PART_MINUTES[match["part"]]
    return int(match["h"]) * 60 + int(match["m"])
