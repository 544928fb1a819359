"""Calendar arithmetic for key dates: ISO weeks, month steps, holidays (Easter included)."""

from __future__ import annotations

import datetime as dt

# Days counted from Easter Sunday.
_EASTER_OFFSETS = {"easter": 0, "easter sunday": 0, "easter monday": 1, "good friday": -2}
# Holidays on the same day every year.
_FIXED_HOLIDAYS = {"christmas eve": (12, 24), "christmas": (12, 25), "new year's day": (1, 1),
                   "new year's eve": (12, 31), "independence day": (7, 4),
                   "halloween": (10, 31), "valentine's day": (2, 14)}


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def holiday_date(name: str, year: int) -> dt.date:
    """The date of a fixed or rule-based US holiday in a given year."""
    if name.startswith("thanksgiving"):
        first = dt.date(year, 11, 1)
        return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
    if name.startswith("election"):
        first = dt.date(year, 11, 2)  # the Tuesday after the first Monday
        return first + dt.timedelta(days=(1 - first.weekday()) % 7)
    if name in _EASTER_OFFSETS:
        return easter_sunday(year) + dt.timedelta(days=_EASTER_OFFSETS[name])
    month, day = _FIXED_HOLIDAYS[name]
    return dt.date(year, month, day)


def easter_sunday(year: int) -> dt.date:
    """Western Easter (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def safe_iso_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
