"""The summary: 1-3 verbatim body sentences, never headlines, captions or widgets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.breakdown.nlp import get_nlp
from bot.breakdown.segment import find_sentences
from bot.breakdown.summary import summarize

SEED = Path(__file__).resolve().parent.parent / "examples" / "seed-us-blames-russians.json"


def _summary(text: str) -> list[str]:
    return summarize(find_sentences(get_nlp()(text)))


def _assert_verbatim_in_order(summary: list[str], text: str) -> None:
    assert 1 <= len(summary) <= 3
    positions = [text.find(s) for s in summary]
    assert all(p >= 0 for p in positions), summary
    assert positions == sorted(positions)


def test_seed_summary_has_no_boilerplate_or_headline() -> None:
    article = json.loads(SEED.read_text(encoding="utf-8"))
    text = article["text"]
    summary = _summary(text)
    _assert_verbatim_in_order(summary, text)
    joined = " ".join(summary)
    for junk in [*article["boilerplate"], *article["not_claims"], article["title"]]:
        assert junk not in joined
    assert "Click to see" not in joined and "Consider helping us" not in joined
    assert summary[0].startswith("On February 5th, US Envoy on Syria James Jeffrey said")


def test_daily_mail_byline_and_dateline_are_skipped() -> None:
    text = (
        "By . Daily Mail Reporter . PUBLISHED: 12:01 EST, 2 May 2014 . | . "
        "UPDATED: 13:22 EST, 2 May 2014 . A man was arrested on Friday after a fire "
        "destroyed a warehouse in the centre of Leeds. Police said the blaze started "
        "shortly after midnight and spread to two neighbouring buildings."
    )
    summary = _summary(text)
    _assert_verbatim_in_order(summary, text)
    assert summary[0].startswith("A man was arrested on Friday")
    assert not any("PUBLISHED" in s or "Reporter" in s for s in summary)


@pytest.mark.parametrize(
    ("prefix", "lead"),
    [
        ("(CNN)", "Six Minnesota men have been charged"),
        ("LONDON (Reuters) - ", "Six Minnesota men have been charged"),
        ("New Delhi, India (CNN)", "Six Minnesota men have been charged"),
    ],
)
def test_dateline_prefix_is_trimmed(prefix: str, lead: str) -> None:
    text = (
        f"{prefix}{lead} with terrorism in a complaint unsealed on Monday. "
        "The six are accused of planning to travel to Syria to join a militant group."
    )
    summary = _summary(text)
    _assert_verbatim_in_order(summary, text)
    assert summary[0].startswith(lead)


def test_glued_caption_and_scroll_widget_stay_out() -> None:
    text = (
        "Rhodri Giggs outside court yesterday, where he was banned from driving The "
        "brother of a former footballer has lost his job after being banned from the roads. "
        "He was found guilty of driving a Mercedes without insurance last year. "
        "Scroll down for video Banned: Giggs arrives at court with his lawyer on Tuesday. "
        "He had already accrued six points from two previous speeding offences."
    )
    summary = _summary(text)
    _assert_verbatim_in_order(summary, text)
    assert summary[0].startswith("The brother of a former footballer")
    assert not any("Scroll down" in s or "where he was banned" in s for s in summary)


def test_headline_line_is_not_summary() -> None:
    text = (
        "Council Votes To Close Three Libraries\n\n"
        "The city council voted on Monday to close three libraries to save money.\n"
    )
    assert _summary(text) == [
        "The city council voted on Monday to close three libraries to save money."
    ]


def test_empty_input() -> None:
    assert summarize([]) == []
    assert _summary("") == []


def test_single_sentence() -> None:
    text = "The city council voted on Monday to close three libraries."
    assert _summary(text) == [text]


def test_long_article_keeps_to_three_sentences_in_text_order() -> None:
    text = " ".join(
        f"Officials in district {n} said the new flood barrier held overnight as river "
        f"levels rose for a {n}th day."
        for n in range(1, 21)
    )
    summary = _summary(text)
    _assert_verbatim_in_order(summary, text)
    assert len(summary) <= 3
