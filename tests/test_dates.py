"""Key dates: mentions, TIMEX3 values against a publication date, keys, order, context."""

from __future__ import annotations

import datetime as dt
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
