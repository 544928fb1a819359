"""The reply on a phone: one screen, expandable quotes under visible headlines, and
expanded sections of at most two messages (issue 10, requirement 4)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from bot.breakdown import Breakdown, analyze
from bot.render.telegram import (
    BUTTONS,
    REPLY_AIM,
    SECTION_MESSAGES,
    plain_text,
    render_reply,
    render_section,
    visible_length,
)
from bot.render.telegram_phone import COLLAPSED_ROWS, collapsible, phone_rows, text_rows
from tests.botapi.entities import parse_html, utf16_len
from tests.telegram_html import assert_telegram_html
from tests.test_render_telegram import article

SEED_TXT = Path(__file__).resolve().parent.parent / "examples" / "seed-us-blames-russians.txt"
HEADLINES = ("🗣 <b>Who said what</b>", "❗ <b>Unattributed claims</b>", "📅 <b>Key dates</b>")
# The budget: about 1,000 visible characters, and a phone shows about 30 rows of
# a chat bubble above the buttons.
SCREEN_CHARACTERS = 1000
SCREEN_ROWS = 30
_QUOTE = re.compile(r"<blockquote expandable>(.*?)</blockquote>", re.DOTALL)

# A feature with long statements: its quotes, whole, take three messages or more.
_SPEAKERS = (("Maria Keller", "the mayor of Springfield"),
             ("John Smith", "the head of the roads department"),
             ("Ana Lopez", "a spokesperson for the residents' association"),
             ("Wei Chen", "the engineer who inspected the bridge"))
_CLAUSES = ("the bridge has carried more traffic every year since it opened",
            "the repairs were postponed twice because the budget ran out",
            "nobody on the council wanted to be blamed for closing the crossing",
            "the river rose higher this spring than anyone had planned for",
            "the families on the east bank now drive forty minutes to the school",
            "the inspection reports were filed and then forgotten for a decade")


def feature(paragraphs: int, seed: int) -> str:
    """Paragraphs of long direct quotes, each tied to a named speaker."""
    rng = random.Random(seed)
    lines = ["The Bridge Nobody Wanted to Close"]
    for _ in range(paragraphs):
        name, role = rng.choice(_SPEAKERS)
        said = ", and ".join(rng.sample(_CLAUSES, 4)).capitalize()
        lines.append(f"“{said},” said {name}, {role}. “We knew it, and we waited.”")
    return "\n\n".join(lines)


@pytest.fixture(scope="module")
def seed() -> Breakdown:
    return analyze(SEED_TXT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def long_article() -> Breakdown:
    return analyze(article(6000, seed=1))


@pytest.fixture(scope="module")
def long_quotes() -> Breakdown:
    return analyze(feature(36, seed=4))


def assert_fits_a_phone_screen(reply: str) -> None:
    assert_telegram_html(reply)
    # The measure (tags stripped, entities decoded) and Telegram's (UTF-16 units,
    # which counts an emoji twice) both within the budget.
    assert len(plain_text(reply)) <= visible_length(reply) <= REPLY_AIM <= SCREEN_CHARACTERS
    assert phone_rows(reply) <= SCREEN_ROWS, phone_rows(reply)


# --- One phone screen ------------------------------------------------------------------


def test_seed_reply_fits_one_phone_screen(seed: Breakdown) -> None:
    assert_fits_a_phone_screen(render_reply(seed))


@pytest.mark.parametrize(("words", "seed_number"), [
    (300, 5), (1500, 6), pytest.param(6000, 1, marks=pytest.mark.slow)])  # large input
def test_hand_written_articles_fit_one_phone_screen(words: int, seed_number: int) -> None:
    reply = render_reply(analyze(article(words, seed=seed_number)))
    assert_fits_a_phone_screen(reply)
    assert all(headline in reply for headline in HEADLINES)


def test_long_quotes_still_fit_one_phone_screen(long_quotes: Breakdown) -> None:
    reply = render_reply(long_quotes)
    assert_fits_a_phone_screen(reply)
    assert "Maria Keller" in plain_text(reply)


def test_headlines_stay_outside_the_expandable_quotes(seed: Breakdown) -> None:
    reply = render_reply(seed)
    for headline in HEADLINES:
        assert f"{headline}\n<blockquote expandable>• " in reply, headline
    inside = " ".join(_QUOTE.findall(reply))
    assert not any(headline in inside for headline in HEADLINES)
    assert "Sourcing:" not in inside  # the sourcing line is always in sight
    assert reply.count("<blockquote") == reply.count("</blockquote>") == 3
    assert not re.search(r"<blockquote[^>]*>(?:(?!</blockquote>).)*<blockquote", reply,
                         re.DOTALL)  # Telegram does not nest block quotes


def test_only_lines_taller_than_the_collapsed_quote_are_collapsed() -> None:
    short = ["• Jan 31 — a convoy was blocked."]
    assert collapsible(short) == short[0]
    tall = [f"• line {n}" for n in range(COLLAPSED_ROWS + 1)]
    assert collapsible(tall) == "<blockquote expandable>" + "\n".join(tall) + "</blockquote>"
    assert collapsible(["• " + "word " * 40]).startswith("<blockquote expandable>")


def test_phone_rows_count_a_collapsed_quote_as_three_rows() -> None:
    lines = "\n".join(f"• statement {n}" for n in range(10))
    assert text_rows("x" * 38 + "\n" + "x" * 39) == 3
    assert phone_rows(f"<b>Title</b>\n{lines}") == 11
    assert phone_rows(f"<b>Title</b>\n<blockquote expandable>{lines}</blockquote>") == 4
    assert phone_rows(f"<b>Title</b>\n<blockquote>{lines}</blockquote>") == 11


def test_the_bot_api_emulator_reads_them_as_expandable_quotes(seed: Breakdown) -> None:
    for html in (render_reply(seed), *render_section(seed, "quotes")):
        text, entities = parse_html(html)
        assert text == plain_text(html)
        quotes = [e for e in entities if e["type"] == "expandable_blockquote"]
        assert quotes
        units = text.encode("utf-16-le")
        for quote in quotes:
            before = units[:quote["offset"] * 2].decode("utf-16-le")
            assert before.endswith("\n")  # a quote starts a line, after its headline
            shown = units[quote["offset"] * 2:(quote["offset"] + quote["length"]) * 2]
            assert shown.decode("utf-16-le").startswith("• ")
        assert utf16_len(text) == visible_length(html)


# --- The expanded sections -------------------------------------------------------------


@pytest.mark.parametrize("section", [section for _, section in BUTTONS])
def test_seed_sections_take_one_message_each(seed: Breakdown, section: str) -> None:
    (message,) = render_section(seed, section)  # type: ignore[arg-type]
    assert_telegram_html(message)
    assert "shortened" not in message


def test_all_quotes_keep_each_speaker_in_sight(seed: Breakdown) -> None:
    (message,) = render_section(seed, "quotes")
    assert "<b>James Jeffrey</b>, US Envoy on Syria (6)\n<blockquote expandable>• " in message
    assert "<b>WSJ</b> (1)\n• <i>according to</i>" in message  # one short line: not collapsed
    for quoted in _QUOTE.findall(message):
        assert "<b>" not in quoted  # speaker names are outside the quotes


def test_long_statements_are_shortened_to_fit_two_messages(long_quotes: Breakdown) -> None:
    whole = sum(visible_length(m) for m in render_section(long_quotes, "text"))
    assert whole > SECTION_MESSAGES * 4096  # whole, the statements alone need three messages
    messages = render_section(long_quotes, "quotes")
    assert len(messages) <= SECTION_MESSAGES
    shown = plain_text("\n".join(messages))
    assert "Long items are shortened to fit two messages" in shown
    assert all(name in shown for name, _ in _SPEAKERS)
    for message in messages:
        assert_telegram_html(message)


@pytest.mark.parametrize("section", ["quotes", "claims", "timeline"])
def test_sections_that_fit_two_messages_are_never_shortened(section: str) -> None:
    breakdown = analyze(article(1500, seed=6))  # 73 statements, 42 claims
    messages = render_section(breakdown, section)  # type: ignore[arg-type]
    assert len(messages) == SECTION_MESSAGES
    shown = plain_text("\n".join(messages))
    assert "shortened" not in shown
    items = {"quotes": [q.content for q in breakdown.quotes],
             "claims": [c.text for c in breakdown.claims],
             "timeline": [d.context for d in breakdown.dates if d.key]}[section]
    assert items and all(" ".join(item.split()) in shown for item in items)


@pytest.mark.slow  # large input: a 6,000-word article
@pytest.mark.parametrize("section", ["quotes", "claims", "timeline"])
def test_very_long_articles_still_split_into_valid_messages(long_article: Breakdown,
                                                            section: str) -> None:
    # 6,000 words with 261 statements: past what shortening can fit in two messages, the
    # section takes more rather than dropping statements.
    messages = render_section(long_article, section)  # type: ignore[arg-type]
    assert "shortened" in plain_text(messages[0])
    for message in messages:
        assert_telegram_html(message)
