"""The inline-mode card: compact, escaped, well-formed, and saying what matters first."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings

from bot.breakdown import Breakdown, Source, analyze
from bot.render.telegram import plain_text, visible_length
from bot.render.telegram_card import CARD_AIM, render_card, short_sourcing_line
from tests.hypothesis_profiles import examples
from tests.telegram_html import assert_telegram_html
from tests.test_properties import BASE, BREAKDOWNS
from tests.test_render_telegram import HOSTILE

ROOT = Path(__file__).resolve().parent.parent
SEED_TXT = ROOT / "examples" / "seed-us-blames-russians.txt"
SEED_SOURCE = Source(kind="url", url="https://news.example/us-russia?id=1&x=2",
                     title="U.S. Blames Russians For Tensions In Northeastern Syria",
                     site="Example Front", published="2020-02-06")


@pytest.fixture(scope="module")
def seed() -> Breakdown:
    return analyze(SEED_TXT.read_text(encoding="utf-8"), source=SEED_SOURCE)


def test_seed_card_leads_with_title_and_sourcing(seed: Breakdown) -> None:
    card = render_card(seed)
    assert_telegram_html(card.html)
    assert visible_length(card.html) <= CARD_AIM
    lines = plain_text(card.html).splitlines()
    assert lines[:3] == ["📰 U.S. Blames Russians For Tensions In Northeastern Syria",
                         "Example Front · Feb 6, 2020",
                         "📊 12 quotes · 3 anonymous · 8 claims with no source · "
                         "3 vaguely sourced"]
    assert card.title == SEED_SOURCE.title
    assert card.description == "12 quotes · 3 anonymous · 8 claims with no source · " \
        "3 vaguely sourced"
    # The title links to the article (escaped "&" in the address).
    assert '<a href="https://news.example/us-russia?id=1&amp;x=2">' in card.html


def test_seed_card_shows_top_speakers_and_unsourced_claims(seed: Breakdown) -> None:
    text = plain_text(render_card(seed).html)
    speakers = [line for line in text.splitlines() if line.startswith("🗣 ")]
    # Most statements first; then speakers the article introduces, quoted directly.
    assert speakers[0].startswith("🗣 James Jeffrey, US Envoy on Syria: “")
    assert speakers[1].startswith("🗣 Mark Lowcock, the U.N.’s emergency relief coordinator")
    claims = text.split("❗ Claims with no source\n", 1)[1].splitlines()
    assert claims and all(line.startswith("• “") for line in claims)
    assert "— cause · appears" in claims[0]  # why it is listed: its type and cue words
    assert "Key dates" not in text and "Sourcing:" not in text  # the full reply's parts


def test_card_is_escaped_and_well_formed() -> None:
    source = Source(kind="url", url='https://example.com/a?x=1&y="2"',
                    title="<b>T & Co</b> </i>", site="ex<am>ple.com")
    card = render_card(analyze(HOSTILE, source=source))
    assert_telegram_html(card.html)
    text = plain_text(card.html)
    assert "<b>T & Co</b>" in text and "ex<am>ple.com" in text
    assert "\u202e" not in text  # a bidi override would flip the card's own markup
    assert card.title == "<b>T & Co</b> </i>"  # plain text: Telegram shows it as is


def test_huge_fields_stay_within_the_aim(seed: Breakdown) -> None:
    long = "word " * 3000
    quotes = tuple(replace(q, speaker=long, role=long, content=long) for q in seed.quotes)
    claims = tuple(replace(c, text=long, cues=(long,) * 5) for c in seed.claims)
    huge = replace(seed, quotes=quotes, claims=claims, summary=(long,),
                   source=replace(seed.source, title=long, site=long))
    card = render_card(huge)
    assert_telegram_html(card.html)
    assert visible_length(card.html) <= CARD_AIM
    assert len(card.title) <= 120 and card.title.endswith("…")


def test_card_without_quotes_or_claims(seed: Breakdown) -> None:
    bare = replace(seed, quotes=(), claims=(),
                   source=Source(kind="url", url="https://example.com/x"))
    card = render_card(bare)
    assert_telegram_html(card.html)
    text = plain_text(card.html)
    assert text.startswith("📰 Article breakdown\n📊 0 quotes · 0 claims with no source")
    assert seed.summary[0][:60] in text  # the summary says what the page is about
    assert "🗣" not in text and "❗" not in text
    assert short_sourcing_line(bare) == "0 quotes · 0 claims with no source"
    blank = replace(bare, source=Source(kind="url", title=" \u202e\n ", site="Example Front"))
    assert render_card(blank).title == "Example Front"  # Telegram refuses a blank title


@settings(BASE, max_examples=examples(250))
@given(b=BREAKDOWNS)
def test_any_breakdown_gives_a_valid_card_within_the_aim(b: Breakdown) -> None:
    card = render_card(b)
    assert_telegram_html(card.html)
    assert visible_length(card.html) <= CARD_AIM
    assert card.title.strip() and len(card.title) <= 120
