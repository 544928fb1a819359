"""Word lists for key dates, apart from the code that uses them (`dates`, `date_rules`).

TIMEX3 gives time words with no calendar anchor a reference value instead of a date:
``PRESENT_REF`` ("now"), ``PAST_REF`` ("recently"), ``FUTURE_REF`` ("the future"). They are
kept in the breakdown JSON but never shown as key dates.
"""

from __future__ import annotations

# The present, the past and the future as news writes them (TimeML reference values).
# "today" is not here: TimeBank gives a deictic "today" the publication date.
REFERENCE_VALUES: dict[str, str] = {
    "now": "PRESENT_REF", "right now": "PRESENT_REF", "currently": "PRESENT_REF",
    "current": "PRESENT_REF", "nowadays": "PRESENT_REF", "these days": "PRESENT_REF",
    "at present": "PRESENT_REF", "at the moment": "PRESENT_REF", "the present": "PRESENT_REF",
    "the present day": "PRESENT_REF",
    "recently": "PAST_REF", "lately": "PAST_REF", "the past": "PAST_REF",
    "the recent past": "PAST_REF", "the distant past": "PAST_REF",
    "future": "FUTURE_REF", "the future": "FUTURE_REF", "the near future": "FUTURE_REF",
    "the distant future": "FUTURE_REF", "the foreseeable future": "FUTURE_REF",
    "near future": "FUTURE_REF", "foreseeable future": "FUTURE_REF",
}

# "today's youth", "today's world": the nouns after "today's" that make it mean "nowadays"
# (an era), where "today's vote" or "today's hearing" is the publication day.
GENERIC_TODAY_NOUNS = frozenset("""
    world society youth young generation generations children kids teenagers teens students
    parents families workers consumers voters people culture age era times economy standards
    politics media technology climate environment reality realities landscape market markets
    america britain europe china russia""".split())

# Words after a season that make it a name, not a time: "the summer school", "winter games".
SEASON_NOUNS = frozenset("""
    term session semester semesters months month olympics games break season holiday holidays
    school schools camp camps collection vacation solstice equinox training meeting meetings
    transfer window tour league wheat crop crops storm storms weather palace clothes sales
    offensive fashion""".split())

# Clock times with a name ("noon Tuesday" is T12:00). "midnight" is left out: which day
# it belongs to is a coin toss ("midnight Tuesday").
CLOCK_WORDS: dict[str, str] = {"noon": "12:00", "midday": "12:00"}

# Time zones news prints after a clock time ("9 a.m. EST Tuesday"): part of the
# expression, not of its TIMEX3 value.
TIME_ZONES = frozenset("""
    EST EDT CST CDT MST MDT PST PDT AKST AKDT HST ET CT MT PT GMT UTC BST CET CEST EET
    EEST WET WEST MSK IST JST KST HKT SGT AEST AEDT""".split())
