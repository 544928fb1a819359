"""Dates that point back at the last date the story gave: "that day", "the next morning",
"later that year", "the day after".

News narrates from a reference time, the last date mentioned: "Munero fled in June 1998
and returned later that year" is 1998; "the blast was on Aug. 7 ... the next morning" is
Aug. 8. A day-level anaphor whose reference is only a month keeps the unknown day as
``XX`` (TIMEX3 "1998-10-XX"). Without a reference date nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.breakdown.date_calendar import iso_week, safe_iso_date
from bot.breakdown.date_times import without_time

# The forms, for dates.py's patterns (case-insensitive).
# "the next week/month/year" is left to the publication date (deictic "next week" is the
# common reading); "the next day/morning" is always the story's.
ANAPHOR = (r"\b(?:(?:earlier|later)\s+)?that\s+(?:same\s+)?(?:day|week|month|year|morning|"
           r"afternoon|evening|night)\b|\bthe\s+(?:same|following|previous|preceding)\s+"
           r"(?:day|week|month|year|morning|afternoon|evening|night)\b|\bthe\s+next\s+(?:day|"
           r"morning|afternoon|evening|night)\b"
           # "the day before" alone; "the day before returning" is relative to the event
           r"|\bthe\s+day\s+(?:before|after)\b(?=\s*(?:[.,;:!?)]|$))")
_FORM = re.compile(r"(?:(?P<side>earlier|later)\s+)?(?:that|the)\s+(?:(?P<rel>same|next|"
                   r"following|previous|preceding)\s+)?(?P<unit>day|week|month|year|morning|"
                   r"afternoon|evening|night)(?:\s+(?P<when>before|after))?", re.I)
_STEP = {"next": 1, "following": 1, "after": 1, "previous": -1, "preceding": -1, "before": -1}
_DAY_PARTS = {"day", "morning", "afternoon", "evening", "night"}


def anaphor_value(text: str, reference: str | None) -> str | None:
    """The value of `text` read from the reference date's value, or None."""
    match = _FORM.search(text)
    if match is None or reference is None:
        return None
    reference = without_time(reference)  # "the next day" after "Tuesday night"
    unit = match["unit"].lower()
    step = _STEP.get((match["rel"] or match["when"] or "").lower(), 0)
    day = safe_iso_date(reference) if len(reference) == 10 else None
    month = re.fullmatch(r"(\d{4})-(\d\d)", reference)
    if unit in _DAY_PARTS:
        if day is not None:
            return (day + dt.timedelta(days=step)).isoformat()
        # "that same day" of "last October": a day of that month, which one unknown
        return f"{reference}-XX" if month and not step else None
    if unit == "week":
        if day is None:
            return reference if re.fullmatch(r"\d{4}-W\d\d", reference) and not step else None
        return iso_week(day + dt.timedelta(weeks=step))
    if unit == "month" and (day or month):
        year, number = (day.year, day.month) if day else (int(reference[:4]), int(reference[5:]))
        index = year * 12 + number - 1 + step
        return f"{index // 12}-{index % 12 + 1:02d}"
    if unit == "year" and re.match(r"\d{4}(?:-|$)", reference):
        return str(int(reference[:4]) + step)
    return None
