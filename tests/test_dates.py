"""Key dates: mentions, TIMEX3 values against a publication date, keys, order, context."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from bot.breakdown.date_rules import normalise_date
from bot.breakdown.dates import find_dates
from bot.breakdown.model import KeyDate
from bot.breakdown.nlp import get_nlp
from bot.breakdown.segment import find_sentences

SEED = Path(__file__).resolve().parents[1] / "examples" / "seed-us-blames-russians.txt"
THURSDAY = dt.date(2000, 2, 10)  # a Thursday in ISO week 2000-W06


def dates_of(text: str, published: dt.date | None) -> list[KeyDate]:
    doc = get_nlp()(text)
    return find_dates(doc, find_sentences(doc), published)


def values(text: str, published: dt.date | None) -> dict[str, str]:
    return {d.text: d.value for d in dates_of(text, published)}


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def test_seed_article_without_publication_date(seed_text: str) -> None:
    found = dates_of(seed_text, None)
    key = [d for d in found if d.key]
    assert [(d.text, d.value) for d in key] == [
        ("January 18th", "XXXX-01-18"),
        ("January 22nd", "XXXX-01-22"),
        ("January 31st", "XXXX-01-31"),
        ("February 5th", "XXXX-02-05"),
    ]
    # "currently occupied by US forces": the present, kept in the JSON but not a key date
    assert [(d.text, d.value) for d in found if not d.key] == [("currently", "PRESENT_REF")]
    for d in found:
        assert seed_text[d.start:d.end] == d.text


def test_seed_article_durations_are_not_dates(seed_text: str) -> None:
    texts = {d.text.lower() for d in dates_of(seed_text, dt.date(2020, 2, 7))}
    for duration in ("daily", "almost daily", "approximately 2 weeks", "2 weeks",
                     "several times a day"):
        assert duration not in texts


def test_seed_article_with_publication_date(seed_text: str) -> None:
    found = values(seed_text, dt.date(2020, 2, 7))
    assert found["February 5th"] == "2020-02-05"
    assert found["January 31st"] == "2020-01-31"
    assert found["last week"] == "2020-W05"


def test_no_year_is_invented_without_publication_date() -> None:
    found = values("Talks resumed on Sept. 11 and again last week, officials said Monday.",
                   None)
    assert found == {"Sept. 11": "XXXX-09-11"}


def test_explicit_year_is_kept_without_publication_date() -> None:
    found = values("The treaty was signed on March 5, 1946, and ratified in 1949.", None)
    assert found == {"March 5, 1946": "1946-03-05", "1949": "1949"}


@pytest.mark.parametrize(
    ("sentence", "text", "value"),
    [
        ("Officials said last week that six people were held.", "last week", "2000-W05"),
        # "the last week" is the days up to now: this week, not the one before
        ("She has stayed at the hospital for the last week.", "last week", "2000-W06"),
        ("Prices have climbed over the last month.", "last month", "2000-02"),
        ("The minister resigned on Monday.", "Monday", "2000-02-07"),
        ("The minister resigned Thursday.", "Thursday", "2000-02-10"),
        ("Police arrested him yesterday.", "yesterday", "2000-02-09"),
        ("The vote is today.", "today", "2000-02-10"),
        ("Prices rose earlier this month, the agency said.", "earlier this month", "2000-02"),
        ("Profits fell in the third quarter.", "the third quarter", "2000-Q3"),
        ("Sales rose in the third quarter of 1998.", "the third quarter of 1998", "1998-Q3"),
        ("The company will report results on Friday.", "Friday", "2000-02-11"),
        ("The company reported results on Friday.", "Friday", "2000-02-04"),
        ("He is scheduled to testify Tuesday.", "Tuesday", "2000-02-15"),
        # a modal of expectation looks forward, even under a past-tense report
        ("She said the power should be back by Friday.", "Friday", "2000-02-11"),
        ("He could not be reached Wednesday.", "Wednesday", "2000-02-09"),
        ("Next: Hawks at Bears, Tuesday.", "Tuesday", "2000-02-15"),
        ("Unemployment fell last year.", "last year", "1999"),
        ("The bridge opened two months ago.", "two months ago", "1999-12"),
        ("The firm was founded in the 1990s.", "1990s", "199X"),
        ("He was arrested on Nov. 25.", "Nov. 25", "1999-11-25"),
        ("The hearing is set for Feb. 24.", "Feb. 24", "2000-02-24"),
        ("Elections were held last November.", "last November", "1999-11"),
        ("He arrived on Thanksgiving Day.", "Thanksgiving Day", "1999-11-25"),
    ],
)
def test_relative_dates_against_publication_date(sentence: str, text: str, value: str) -> None:
    found = values(sentence, THURSDAY)
    assert found.get(text) == value, found


def test_possessive_weekday() -> None:
    found = dates_of("Lawmakers criticised Tuesday's vote.", THURSDAY)
    assert [(d.text, d.value) for d in found] == [("Tuesday's", "2000-02-08")]


def test_day_ranges_are_split_and_share_month_and_year() -> None:
    found = values("The summit will be held on April 24 and 25, 2001.", THURSDAY)
    assert found == {"April 24": "2001-04-24", "25, 2001": "2001-04-25"}
    found = values("The fair ran March 3-5.", THURSDAY)
    assert found == {"March 3": "2000-03-03", "5": "2000-03-05"}


def test_dates_are_sorted_in_time_order() -> None:
    text = ("The court ruled on Wednesday. The appeal was filed on Jan. 14. "
            "The case began in 1998.")
    assert [d.value for d in dates_of(text, THURSDAY)] == ["1998", "2000-01-14", "2000-02-09"]


def test_key_marks_first_body_mention_of_a_specific_date() -> None:
    text = ("Rebels took the town on Monday.\n\nOfficials confirmed on Monday that rebels "
            "had held it since 1998.")
    found = sorted(dates_of(text, THURSDAY), key=lambda d: d.start)
    assert [(d.text, d.key) for d in found] == [("Monday", True), ("Monday", False),
                                                ("1998", False)]


def test_boilerplate_lines_are_skipped() -> None:
    text = "Published February 3, 2020\n\nThe talks collapsed on February 5."
    assert values(text, dt.date(2020, 2, 7)) == {"February 5": "2020-02-05"}


def test_durations_and_ages_are_not_dates() -> None:
    text = ("The war lasted two years. Inspections happen daily, several times a day. "
            "Smith, 44, waited approximately 2 weeks for the past 20 years.")
    assert dates_of(text, THURSDAY) == []


def test_unicode_text_keeps_offsets() -> None:
    text = "“We’ll meet again on Friday,” she said — 🎉 — after talks on 5 February."
    found = dates_of(text, THURSDAY)
    assert {(d.text, d.value) for d in found} == {("Friday", "2000-02-11"),
                                                  ("5 February", "2000-02-05")}
    for d in found:
        assert text[d.start:d.end] == d.text


def test_context_is_short_and_cut_at_words() -> None:
    filler = "word " * 60
    text = f"{filler}the accord was signed on March 3 in Geneva by both {filler}sides."
    (found,) = dates_of(text, THURSDAY)
    assert found.value == "2000-03-03"
    assert "March 3" in found.context
    assert len(found.context) <= 125
    assert found.context.startswith("…word ") and found.context.endswith("word…")


def test_empty_text() -> None:
    assert dates_of("", THURSDAY) == []
    assert dates_of("", None) == []


def test_normalise_date_without_anchor_never_guesses() -> None:
    assert normalise_date("last week", None) is None
    assert normalise_date("Monday", None) is None
    assert normalise_date("February 5th", None) == "XXXX-02-05"


def test_wire_dateline_is_listed_but_not_key() -> None:
    text = "WASHINGTON, March 12 (Xinhua) -- NATO admitted three members on March 12."
    found = sorted(dates_of(text, dt.date(1999, 3, 13)), key=lambda d: d.start)
    assert [(d.text, d.value, d.key) for d in found] == [
        ("March 12", "1999-03-12", False), ("March 12", "1999-03-12", True)]


def test_generic_today_is_the_present_not_a_key_date() -> None:
    (found,) = dates_of("The case is for today's youth a symbol.", THURSDAY)
    assert (found.text, found.value, found.key) == ("today", "PRESENT_REF", False)
    # "today's vote" is the day itself
    (found,) = dates_of("Lawmakers criticised today's vote.", THURSDAY)
    assert (found.value, found.key) == ("2000-02-10", True)


# --- Reference values: the present, the past, the future ----------------------------------

@pytest.mark.parametrize(
    ("sentence", "text", "value"),
    [
        ("Prices are now higher than a year ago.", "now", "PRESENT_REF"),
        ("The ferry currently sails twice a week.", "currently", "PRESENT_REF"),
        ("Few people read paper maps these days.", "these days", "PRESENT_REF"),
        ("The bank recently cut its rates.", "recently", "PAST_REF"),
        ("Floods hit the valley in the past, farmers said.", "the past", "PAST_REF"),
        ("The plant may close in the future.", "the future", "FUTURE_REF"),
        ("She met his current partner at the fair.", "current", "PRESENT_REF"),
    ],
)
def test_reference_values_are_kept_but_never_key(sentence: str, text: str, value: str) -> None:
    for published in (THURSDAY, None):
        found = {d.text: d for d in dates_of(sentence, published)}
        assert found[text].value == value, found
        assert not found[text].key


def test_reference_words_that_are_not_times() -> None:
    # a river's current is a noun; "the past 20 years" is a duration
    assert dates_of("The boat drifted with the current.", THURSDAY) == []
    assert dates_of("Rents rose over the past 20 years.", THURSDAY) == []


def test_today_is_the_publication_day_or_the_present() -> None:
    # TimeBank gives a deictic "today" the document date; with no date it is still "now"
    (found,) = dates_of("The court rules today on the appeal.", THURSDAY)
    assert (found.value, found.key) == ("2000-02-10", True)
    (found,) = dates_of("The court rules today on the appeal.", None)
    assert (found.value, found.key) == ("PRESENT_REF", False)


# --- A weekday's direction follows the clause's tense -------------------------------------

@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("The ferry sank on Tuesday.", "2000-02-08"),  # past report: the previous one
        ("The ferry will sail on Tuesday.", "2000-02-15"),  # future: the next one
        ("The new ferry service starts Tuesday.", "2000-02-15"),  # present, not reporting
        ("The council has scheduled a vote for Tuesday.", "2000-02-15"),
        ("The ferry line planned to resume service on Tuesday.", "2000-02-15"),
        ("On Tuesday, the ferry line planned a new route.", "2000-02-08"),
        ("A march planned for Tuesday was called off.", "2000-02-08"),
        ("A march planned for Tuesday is expected to draw thousands.", "2000-02-15"),
        ("Divers have been searching the lake since Tuesday.", "2000-02-08"),
        ("Tenants have until 5 p.m. Tuesday to leave.", "2000-02-15T17:00"),
        ("The mayor said Tuesday that she would resign.", "2000-02-08"),
    ],
)
def test_weekday_follows_tense(sentence: str, value: str) -> None:
    (found,) = dates_of(sentence, THURSDAY)
    assert found.value == value, sentence


def test_year_less_date_in_perfect_progressive_is_past() -> None:
    # six months ahead of publication, but "have been searching since" looks back
    found = values("Police have been searching for him since the Aug. 3 robbery.", THURSDAY)
    assert found == {"Aug. 3": "1999-08-03"}


# --- Frequencies are not dates ---------------------------------------------------------------

@pytest.mark.parametrize(
    "sentence",
    [
        "The market opens every Monday.",
        "The club meets every first Saturday of the month.",
        "Rubbish is collected every other Thursday.",
        "Each Friday, volunteers clean the beach.",
        "The board meets on the last Wednesday of each month.",
    ],
)
def test_frequencies_are_not_dates(sentence: str) -> None:
    assert dates_of(sentence, THURSDAY) == []


def test_a_weekday_next_to_a_frequency_is_still_a_date() -> None:
    found = values("Every Monday the market opens, but on Tuesday it stayed shut.", THURSDAY)
    assert found == {"Tuesday": "2000-02-08"}


# --- Halves, seasons, decades ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("sentence", "text", "value"),
    [
        ("Exports grew in the first half of 1990.", "the first half of 1990", "1990-H1"),
        ("Profit fell in the second half of last year.", "the second half of last year",
         "1999-H2"),
        ("The chain opened 40 stores in H2 2019.", "H2 2019", "2019-H2"),
        ("The dam was finished in the summer of 1998.", "the summer of 1998", "1998-SU"),
        ("Tourism recovered in spring 2003.", "spring 2003", "2003-SP"),
        ("The harvest failed in autumn 1846.", "autumn 1846", "1846-FA"),
        ("The works will end in the winter.", "the winter", "2000-WI"),
        ("The strike ended in the summer.", "the summer", "1999-SU"),
        ("Disco ruled the 1970s.", "1970s", "197X"),
        ("The band formed in the early '90s.", "early '90s", "199X"),
        ("The band formed in the '30s.", "'30s", "193X"),
    ],
)
def test_halves_seasons_decades(sentence: str, text: str, value: str) -> None:
    found = {d.text: d for d in dates_of(sentence, THURSDAY)}
    assert found[text].value == value, found
    assert not found[text].key  # coarser than a month: listed, not key


def test_seasons_and_halves_without_publication_date() -> None:
    assert values("The dam was finished in the summer of 1998.", None) == {
        "the summer of 1998": "1998-SU"}
    assert values("The strike ended in the summer.", None) == {}


def test_season_words_that_are_not_seasons() -> None:
    text = ("Pupils went to the summer school. Prices fall in the spring sales. "
            "He wrote about the fall of Rome.")
    assert dates_of(text, THURSDAY) == []


def test_named_marches_and_easter() -> None:
    assert dates_of("Thousands joined the March for Life in Washington.", THURSDAY) == []
    found = values("Pilgrims gathered as Easter week began.", dt.date(2000, 4, 17))
    assert found == {"Easter week": "2000-W16"}
    assert values("The shops shut on Good Friday.", dt.date(2024, 3, 25)) == {
        "Good Friday": "2024-03-29"}


def test_the_week_of_a_day() -> None:
    found = values("A hearing is set for the week of March 6.", THURSDAY)
    assert found == {"the week of March 6": "2000-W10"}


# --- Rendering the new value shapes ------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("2000-02-05", "Feb 5, 2000"), ("XXXX-02-05", "Feb 5"), ("2000-02", "Feb 2000"),
        ("2000", "2000"), ("2000-W06", "week of Feb 7, 2000"), ("2019-Q3", "Q3 2019"),
        ("XXXX-Q3", "Q3"), ("1990-H1", "first half of 1990"), ("1998-SU", "summer 1998"),
        ("197X", "1970s"), ("197", "1970s"), ("PRESENT_REF", "now"),
        ("PAST_REF", "in the past"), ("FUTURE_REF", "in the future"),
        ("2000-W99", "2000-W99"), ("2000-13", "2000-13"), ("", ""),
        ("2000-01-05TNI", "Jan 5, 2000, night"), ("XXXX-01-05TMO", "Jan 5, morning"),
        ("2000-01-05TAF", "Jan 5, 2000, afternoon"), ("2000-01-05TEV", "Jan 5, 2000, evening"),
        ("2000-04-04T09:00", "Apr 4, 2000, 09:00"), ("XXXX-04-04T22:30", "Apr 4, 22:30"),
        ("2000-13-04T09:00", "2000-13-04T09:00"), ("2000-01-05TXX", "2000-01-05TXX"),
    ],
)
def test_format_date_labels(value: str, label: str) -> None:
    from bot.render.common import format_date

    assert format_date(value) == label


def test_renderers_show_only_calendar_key_dates() -> None:
    from bot.breakdown import analyze
    from bot.render.telegram import plain_text, render_reply, render_section
    from bot.render.terminal import render_terminal

    text = ("The museum reopened on Monday after repairs. It is now the largest in the region, "
            "and recently it won a prize. It was built in the summer of 1998 and extended in "
            "the 1970s wing plan of the first half of 1990. It may grow in the future.")
    breakdown = analyze(text, published=THURSDAY)
    values_found = {d.value for d in breakdown.dates}
    assert {"PRESENT_REF", "PAST_REF", "FUTURE_REF", "1998-SU", "1990-H1"} <= values_found
    terminal = render_terminal(breakdown)
    reply = plain_text(render_reply(breakdown))
    timeline = plain_text("\n".join(render_section(breakdown, "timeline")))
    for shown in (terminal, reply):
        assert "Feb 7" in shown
        assert "PRESENT_REF" not in shown and "_REF" not in shown
    assert "summer 1998" in timeline and "first half of 1990" in timeline
    assert "_REF" not in timeline and "“now”" not in timeline
    # a stray key REF (an old cached breakdown, say) is still never listed as a key date
    stray = replace(breakdown, dates=tuple(replace(d, key=True) for d in breakdown.dates))
    assert "_REF" not in render_terminal(stray)
    assert "_REF" not in plain_text(render_reply(stray))


# --- Dates read from the last date the story gave -------------------------------------------

@pytest.mark.parametrize(
    ("text", "anaphor", "value"),
    [
        ("The mill closed in May 1987 and reopened later that year.", "later that year", "1987"),
        ("The flood struck on March 3. The next morning, crews cleared the road.",
         "The next morning", "2000-03-04"),
        ("The flood struck on March 3, and the bridge fell the day before.", "the day before",
         "2000-03-02"),
        ("The strike began last October. The plant shut that same day.", "that same day",
         "1999-10-XX"),
        ("Voters went to the polls in 1994; turnout fell the following year.",
         "the following year", "1995"),
    ],
)
def test_anaphoric_dates_follow_the_last_date(text: str, anaphor: str, value: str) -> None:
    found = {d.text: d for d in dates_of(text, THURSDAY)}
    assert found[anaphor].value == value, found
    assert not found[anaphor].key  # its reference may be the wrong one: listed, not key


def test_anaphors_without_a_reference_or_with_an_event_are_dropped() -> None:
    assert dates_of("Nobody knew what happened that day.", THURSDAY) == []
    found = values("The ship left on March 3, the day before sailing home.", THURSDAY)
    assert found == {"March 3": "2000-03-03"}


def test_most_recently_orders_events_and_is_no_date() -> None:
    found = values("Three mills closed, most recently last October.", THURSDAY)
    assert found == {"last October": "1999-10"}


# --- Times of day: a clock time written after the day -----------------------------------------

@pytest.mark.parametrize(
    ("sentence", "text", "value"),
    [
        ("Tenants have until 9 a.m. Tuesday to leave.", "9 a.m. Tuesday", "2000-02-15T09:00"),
        ("The flight leaves at 4 a.m. EDT Saturday.", "4 a.m. EDT Saturday", "2000-02-12T04:00"),
        ("The vote is set for Tuesday at 9 a.m.", "Tuesday at 9 a.m.", "2000-02-15T09:00"),
        ("The fire started at 10:30 p.m. on March 3.", "10:30 p.m. on March 3",
         "2000-03-03T22:30"),
        ("The polls will close at noon Monday.", "noon Monday", "2000-02-14T12:00"),
        ("Talks began at 12:15 GMT on Feb. 3.", "12:15 GMT on Feb. 3", "2000-02-03T12:15"),
        ("She spoke Tuesday morning at 9:15 am.", "Tuesday morning at 9:15 am",
         "2000-02-08T09:15"),  # the clock is the finer time
    ],
)
def test_clock_time_next_to_a_day(sentence: str, text: str, value: str) -> None:
    found = {d.text: d.value for d in dates_of(sentence, THURSDAY)}
    assert found.get(text) == value, found


def test_clock_times_in_24_hours() -> None:
    assert normalise_date("12 a.m. Feb. 3", THURSDAY) == "2000-02-03T00:00"
    assert normalise_date("12 p.m. Feb. 3", THURSDAY) == "2000-02-03T12:00"
    assert normalise_date("9:45 pm Feb. 3", THURSDAY) == "2000-02-03T21:45"
    assert normalise_date("Feb. 3 at 7 A.M. local time", THURSDAY) == "2000-02-03T07:00"


def test_times_of_day_without_a_publication_date() -> None:
    assert normalise_date("Wednesday night", None) is None
    assert normalise_date("tonight", None) is None
    assert normalise_date("March 3 at 9 a.m.", None) == "XXXX-03-03T09:00"


@pytest.mark.parametrize(
    "sentence",
    [
        "In the morning, the ferry left.",  # no day: no date
        "The shop opens at 9 a.m.",
        "The talks lasted three nights.",  # a duration
        "The market opens every Monday morning.",  # a frequency
    ],
)
def test_a_time_of_day_alone_is_no_date(sentence: str) -> None:
    assert dates_of(sentence, THURSDAY) == []


def test_times_within_a_day_sort_and_count_as_one_key_date() -> None:
    text = "Rescuers left at 6 p.m. Tuesday. They had arrived at 9 a.m. Tuesday. Tuesday was cold."
    found = dates_of(text, THURSDAY)
    assert [(d.text, d.value, d.key) for d in found] == [
        ("Tuesday", "2000-02-08", False), ("9 a.m. Tuesday", "2000-02-08T09:00", False),
        ("6 p.m. Tuesday", "2000-02-08T18:00", True)]


def test_anaphor_reads_the_day_of_a_timed_date() -> None:
    found = values("The ferry docked at 8 p.m. Tuesday. The next day it sailed.", THURSDAY)
    assert found == {"8 p.m. Tuesday": "2000-02-08T20:00", "The next day": "2000-02-09"}
