"""The Telegram rendering: a compact, escaped, well-formed reply; sections split safely."""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import replace
from pathlib import Path

import pytest

from bot.breakdown import Breakdown, Claim, KeyDate, Quote, Source, analyze
from bot.render.telegram import (
    BUTTONS,
    REPLY_AIM,
    plain_text,
    render_reply,
    render_section,
    split_html,
    visible_length,
)
from tests.telegram_html import assert_telegram_html

ROOT = Path(__file__).resolve().parent.parent
SEED_TXT = ROOT / "examples" / "seed-us-blames-russians.txt"
SECTIONS = ("quotes", "claims", "timeline", "text")
# Article text that would break HTML (or look like markup) if it were not escaped.
HOSTILE = (
    "Tensions <b>rise</b> & fall in <script>alert(1)</script> city\n\n"
    "Maria Keller, the mayor of <i>Springfield</i> & co, said that the bridge </i> would "
    "reopen on March 3 after *bold* _it_ [x](http://a) repairs. “We will fix it <b>soon</b> "
    "& well,” said John Smith, head of <script> & roads. The repairs are likely to cost more "
    "than 5 million dollars & the council reportedly agrees \u202eevil\u202c text. "
    "שלום עולם مرحبا text with zero\u200bwidth\u200d joins and \ufeff marks. It is clearly a "
    "failure </b></i><script> of planning that residents waited 3 weeks since January 5."
)
SENTENCES = (
    "{n}, {r}, said that the bridge would reopen on March {d} after repairs.",
    "“We are doing everything we can to restore service by April {d},” {n} said.",
    "The project is likely to cost more than {d} million dollars, according to sources.",
    "Officials reportedly expect the council to vote on the plan in May.",
    "It is clearly a failure of planning that residents waited {d} weeks.",
    "Traffic on the main road fell by {d} percent during the closure & delays <grew>.",
)
NAMES = ("Maria Keller", "John Smith", "Ana Lopez", "Wei Chen", "Olga Petrova")
ROLES = ("the mayor", "a spokesperson for the ministry", "the company's chief executive")


def article(words: int, seed: int) -> str:
    """Varied paragraphs of quotes, claims and dates, about `words` words long."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    count = 0
    while count < words:
        paragraph = " ".join(
            rng.choice(SENTENCES).format(n=rng.choice(NAMES), r=rng.choice(ROLES),
                                         d=rng.randint(1, 28))
            for _ in range(rng.randint(2, 6)))
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(paragraphs)


@pytest.fixture(scope="module")
def seed() -> Breakdown:
    return analyze(SEED_TXT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def hostile() -> Breakdown:
    source = Source(kind="url", url='https://example.com/a?x=1&y="2"',
                    title="<b>T & Co</b> </i>", site="ex<am>ple.com")
    return analyze(HOSTILE, source=source)


@pytest.fixture(scope="module")
def long_article() -> Breakdown:
    return analyze(article(6000, seed=1))


def assert_well_formed(html: str) -> None:
    assert_telegram_html(html, limit=None)  # each test checks sizes itself


def words(text: str) -> list[str]:
    return text.split()


# --- The reply ---------------------------------------------------------------------------


def test_seed_reply_is_compact_and_complete(seed: Breakdown) -> None:
    reply = render_reply(seed)
    text = plain_text(reply)
    assert visible_length(reply) <= REPLY_AIM, visible_length(reply)
    assert_well_formed(reply)
    assert "U.S. Blames Russians For Tensions In Northeastern Syria" in text
    assert "James Jeffrey" in text and "US Envoy on Syria" in text
    assert "Mark Lowcock" in text
    assert re.search(r"⚠️ unnamed sources:.*the watchdog group", text)
    assert "Unnamed US officials" in text
    positions = [text.find(day) for day in ("Jan 18", "Jan 22", "Jan 31")]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), positions
    claims = text.split("Unattributed claims")[1].split("Key dates")[0]
    with_cues = [line for line in claims.splitlines() if line.startswith("• ") and " — " in line]
    assert len(with_cues) >= 2, claims
    assert "Sourcing: 12 statements from 6 sources (3 unnamed) · 8 claims with no source · " \
        "3 vaguely sourced" in text
    # What a reader needs first comes first: how it is sourced, what happened, who said
    # what, what has no source, and the dates last (the timeline has them all).
    order = ["Sourcing:", seed.summary[0], "Who said what", "Unattributed claims", "Key dates"]
    assert [text.index(part) for part in order] == sorted(text.index(part) for part in order)


def test_seed_summary_keeps_sentences_that_fit(seed: Breakdown) -> None:
    text = plain_text(render_reply(seed))
    assert seed.summary[0] in text  # whole: a sentence is shortened only when alone
    assert seed.summary[2] not in text  # the three are ~470 characters: a third of the aim


def test_single_long_summary_sentence_is_shortened(seed: Breakdown) -> None:
    long = "The council " + "very " * 150 + "much agreed."
    text = plain_text(render_reply(replace(seed, summary=(long, "Second sentence."))))
    shown = next(line for line in text.splitlines() if line.startswith("The council"))
    assert shown.endswith("…") and len(shown) <= 250
    assert "Second sentence." not in text


def test_article_text_is_escaped_and_reply_well_formed(hostile: Breakdown) -> None:
    reply = render_reply(hostile)
    assert_well_formed(reply)
    text = plain_text(reply)
    assert "<script>" in text and "&" in text  # shown literally, not dropped
    assert "<b>T & Co</b>" in text
    assert 'href="https://example.com/a?x=1&amp;y=&quot;2&quot;"' in reply
    assert "*bold* _it_" in text  # Markdown is not interpreted in HTML mode
    assert "\u202e" not in reply  # a bidi override would reverse our own markup
    source = render_section(hostile, "text")[0]
    assert "\u200b" in source and "שלום" in source  # ordinary RTL and joiners are kept


@pytest.mark.parametrize("section", SECTIONS)
def test_hostile_sections_are_well_formed(hostile: Breakdown, section: str) -> None:
    messages = render_section(hostile, section)  # type: ignore[arg-type]
    assert messages
    for message in messages:
        assert_well_formed(message)
    if section == "text":
        assert "[x](http://a)" in plain_text(messages[0])


def test_reply_stays_under_telegram_limit_for_huge_fields(seed: Breakdown) -> None:
    huge = "word " * 3000
    quotes = tuple(Quote(f"Speaker {i} {huge}", huge, i % 2 == 0, "direct", huge, huge, i, i + 1)
                   for i in range(40))
    dates = tuple(KeyDate(huge, f"XXXX-01-{i + 1:02d}", True, i, i + 1, huge) for i in range(9))
    claims = tuple(Claim("unattributed", huge, i, i + 1, (huge, huge)) for i in range(30))
    monster = replace(seed, source=replace(seed.source, title=huge, site=huge, kind="url"),
                      summary=(huge, huge), quotes=quotes, dates=dates, claims=claims)
    reply = render_reply(monster, truncated_note=huge)
    # The aim cannot be met with 40 sources and a 200-character note, but the most compact
    # rendering stays far from Telegram's limit.
    assert visible_length(reply) <= 2000 and len(reply) <= 4096
    assert_well_formed(reply)


def test_truncated_note_is_shown(seed: Breakdown) -> None:
    reply = render_reply(seed, truncated_note="Only the first 150,000 words were analysed <&>.")
    assert "Only the first 150,000 words were analysed <&>." in plain_text(reply)
    assert_well_formed(reply)


def test_non_english_breakdown_gets_a_short_message() -> None:
    reply = render_reply(analyze("Der Hund ist nicht in der Stadt, und die Katze ist auch "
                                 "nicht da. Die Regierung hat am Montag nichts gesagt."))
    assert "German" in reply and "English" in reply
    assert visible_length(reply) < 400
    assert_well_formed(reply)


def test_empty_breakdown_gets_a_short_message() -> None:
    for text in ("", "ok"):
        reply = render_reply(analyze(text))
        assert visible_length(reply) < 400 and "Sourcing" not in reply
        assert_well_formed(reply)


def test_buttons_name_every_section() -> None:
    assert [section for _, section in BUTTONS] == list(SECTIONS)
    assert all(label for label, _ in BUTTONS)


# --- The sections ------------------------------------------------------------------------


@pytest.mark.slow  # large input: a 6,000-word article
@pytest.mark.parametrize("section", ("quotes", "claims", "timeline"))
def test_long_sections_split_into_valid_messages(long_article: Breakdown, section: str) -> None:
    messages = render_section(long_article, section)  # type: ignore[arg-type]
    assert len(messages) > 1
    for message in messages:
        assert visible_length(message) <= 4096 and len(message) <= 4096
        assert_well_formed(message)


def test_section_contents(seed: Breakdown) -> None:
    quotes = plain_text("\n".join(render_section(seed, "quotes")))
    assert "⚠️ unnamed source: the watchdog group" in quotes
    assert all(" ".join(q.content.split()) in quotes for q in seed.quotes)
    claims = plain_text("\n".join(render_section(seed, "claims")))
    assert all(" ".join(c.text.split()) in claims for c in seed.claims)
    timeline = plain_text("\n".join(render_section(seed, "timeline")))
    positions = [timeline.find(day) for day in ("Jan 18", "Jan 22", "Jan 31", "Feb 5")]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)


def test_30k_word_source_text_splits_without_losing_words(seed: Breakdown) -> None:
    text = article(30_000, seed=2)
    messages = render_section(replace(seed, text=text), "text")
    assert len(messages) > 30
    for message in messages:
        assert visible_length(message) <= 4096 and len(message) <= 4096
        assert_well_formed(message)
    shown = words(" ".join(plain_text(m) for m in messages))
    assert shown[-len(words(text)):] == words(text)  # after the heading, every word in order
    # Paragraphs fit in a message, so every cut falls at a paragraph end.
    paragraphs = set(text.split("\n\n"))
    for message in messages[1:]:
        assert all(p in paragraphs for p in plain_text(message).split("\n\n"))


def test_max_messages_caps_the_source_text(seed: Breakdown) -> None:
    messages = render_section(replace(seed, text=article(30_000, seed=3)), "text",
                              max_messages=5)
    assert len(messages) == 5 and "left out" in plain_text(messages[-1])


# --- Measuring and splitting -------------------------------------------------------------


def test_visible_length_counts_utf16_after_entity_parsing() -> None:
    assert visible_length("😀") == 2
    assert visible_length("<b>a</b>") == 1
    assert visible_length("&lt;b&gt; &amp; &quot;") == 7
    assert visible_length("&#128512;&#x41;") == 3
    assert visible_length("&amp;amp;") == 5  # decoded once: "&amp;" is shown
    assert visible_length('<a href="http://x.y/?a=1&amp;b=2">link</a>') == 4
    assert visible_length("⚠️") == 2  # sign and variation selector


def test_plain_text_strips_tags_and_decodes_entities() -> None:
    assert plain_text("<b>1 &lt; 2</b> &amp; <i>3 &gt; 2</i> &quot;x&quot; &#128512;") \
        == '1 < 2 & 3 > 2 "x" 😀'
    assert plain_text('<a href="http://a/?q=&quot;">t</a>') == "t"


_PIECES = ("word", "longerword", "a", "😀", "&amp;", "&lt;", "&gt;", "&quot;", "&#128512;",
           "&#x41;", "ünïcödé", "שלום", "\u200b", ".", "!", "x" * 700)
_SEPARATORS = (" ", " ", " ", "\n", "\n\n", ". ", "")
_TAGS = ("b", "i", "u", "s", "code", "tg-spoiler", "blockquote")


def _random_html(rng: random.Random, depth: int = 0) -> str:
    out: list[str] = []
    for _ in range(rng.randint(1, 40 if depth == 0 else 6)):
        roll = rng.random()
        if roll < 0.12 and depth < 3:
            tag = rng.choice(_TAGS)
            out.append(f"<{tag}>{_random_html(rng, depth + 1)}</{tag}>")
        elif roll < 0.16 and depth < 3:
            href = f"https://example.com/{rng.randint(0, 99)}?a=1&amp;b=&quot;{'p' * 40}&quot;"
            out.append(f'<a href="{href}">{_random_html(rng, depth + 1)}</a>')
        else:
            out.append(rng.choice(_PIECES))
        out.append(rng.choice(_SEPARATORS))
    return "".join(out)


def test_split_html_never_cuts_tags_or_entities() -> None:
    rng = random.Random(20240205)
    for _ in range(300):
        html = _random_html(rng) * rng.randint(1, 3)
        limit = rng.choice((16, 40, 100, 300, 1000, 4096))
        parts = split_html(html, limit)
        for part in parts:
            assert visible_length(part) <= limit and len(part) <= limit, (limit, part)
            assert_well_formed(part)
            assert plain_text(part).strip()
        # No visible character lost or reordered (whitespace at cuts may go).
        expected = re.sub(r"\s", "", plain_text(html))
        assert re.sub(r"\s", "", "".join(plain_text(p) for p in parts)) == expected


def test_split_html_prefers_paragraph_then_sentence_boundaries() -> None:
    paragraphs = [" ".join(f"Sentence {p}.{s} is here." for s in range(30)) for p in range(6)]
    parts = split_html("\n\n".join(paragraphs), 1000)
    for part in parts:
        assert part.endswith("here.")  # every cut falls after a sentence
    # Paragraphs of ~660 characters: two fit in 1400, and a cut never falls inside one.
    parts = split_html("\n\n".join(paragraphs[:3]), 1400)
    assert [part.split("\n\n") for part in parts] == [paragraphs[:2], paragraphs[2:3]]


def test_split_html_reopens_formatting_across_cuts() -> None:
    parts = split_html("<b>" + "bold words here. " * 100 + "</b> tail", 200)
    assert len(parts) > 1
    assert all(part.startswith("<b>") for part in parts[:-1])
    assert parts[-1].endswith("tail")


def test_times_of_day_render_as_readable_key_dates() -> None:
    from bot.render.terminal import render_terminal

    text = ("The ferry sank at 10:30 p.m. on Wednesday off the coast. Rescuers said they would "
            "resume the search at 9 a.m. Saturday.")
    breakdown = analyze(text, published=dt.date(2000, 2, 10))
    assert [(d.value, d.key) for d in breakdown.dates] == [("2000-02-09T22:30", True),
                                                          ("2000-02-12T09:00", True)]
    timeline = plain_text("\n".join(render_section(breakdown, "timeline")))
    reply = plain_text(render_reply(breakdown))
    terminal = render_terminal(breakdown)
    for shown in (timeline, reply, terminal):
        assert "Feb 9, 2000, 22:30" in shown and "Feb 12, 2000, 09:00" in shown
        assert "T22:30" not in shown and "T09:00" not in shown
    assert timeline.index("Feb 9, 2000, 22:30") < timeline.index("Feb 12, 2000, 09:00")


def test_a_quotation_split_by_its_attribution_is_shown_without_it() -> None:
    from bot.breakdown.model import Quote
    from bot.render.common import quote_words

    content = ("These programs matter,\" said Denise Hart, a parent of two. \"You cut them "
               "and you lose those kids.")
    direct = Quote("Denise Hart", None, False, "direct", "said", content, 0, len(content))
    assert quote_words(direct) == "These programs matter … You cut them and you lose those kids."
    indirect = Quote("Denise Hart", None, False, "indirect", "said", content, 0, len(content))
    assert quote_words(indirect) == content
