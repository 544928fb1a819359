"""Property-based tests: any text in, no exception, valid offsets, messages Telegram accepts.

`analyze()` must never raise, its offsets must index `Breakdown.text`, and everything the
Telegram renderer emits must be at most 4096 characters (raw and as Telegram counts them)
and well-formed Telegram HTML. Hypothesis runs derandomized with no example database, so a
run is reproducible in CI; the example counts keep the whole module well under a minute, and
the quick tier (`-m "not slow"`) runs a tenth of them (tests/hypothesis_profiles.py).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from bot.breakdown import Breakdown, Claim, KeyDate, Quote, Source, analyze
from bot.breakdown.engine import without_surrogates
from bot.breakdown.model import CLAIM_TYPES
from bot.breakdown.words import count_words, has_words
from bot.render.telegram import (
    BUTTONS,
    plain_text,
    render_reply,
    render_section,
    split_html,
    visible_length,
)
from tests.hypothesis_profiles import examples
from tests.telegram_html import assert_telegram_html

SECTIONS = tuple(section for _, section in BUTTONS)
# Telegram's HTML tags that the renderer and the splitter may emit (and `a` needs an href).
MAX_ANALYSED = 3000  # characters per analysed example: the spaCy parse dominates the runtime

BASE = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)

# --- Strategies --------------------------------------------------------------------------

# Any character a str can hold except lone surrogates (Telegram text can never hold them;
# `test_lone_surrogates_never_break_analysis` covers them separately).
_ANY_CHAR = st.characters(exclude_categories=["Cs"])
# Hypothesis favours short text; the second branch makes sure long text is tried too.
ANY_TEXT = st.one_of(st.text(_ANY_CHAR, max_size=200),
                     st.text(_ANY_CHAR, min_size=500, max_size=MAX_ANALYSED))

QUOTE_MARKS = ('"', "“", "”", "‘", "’", "'", "«", "»", "„", "")
CUES = ("said", "says", "told reporters", "according to", "added", "stated", "warned",
        "claimed", "told the BBC", "said in a statement", "reportedly said", "denied")
NAMES = ("Maria Keller", "John Smith", "Wei Chen", "O'Neill", "Jean-Luc Picard", "Smith",
         "Dr. Ana López", "the mayor", "officials", "a spokesperson", "sources", "He", "She",
         "Mr. Putin", "US Envoy James Jeffrey", "The Ministry Of Defence")
ROLES = ("the mayor", "a spokesperson for the ministry", "head of <b>roads</b> & co",
         "the company's chief executive", "who declined to be named")
DATES = ("February 5th", "Feb. 5", "5 February 2020", "Monday", "last Tuesday", "2019",
         "in 1990s", "on January 18th and January 22nd", "March 3", "yesterday", "tomorrow",
         "12/31/2020", "2020-02-30", "Q3 2021", "next week", "May", "the 31st", "0000",
         "February 30th", "9999", "December 32", "week 53 of 2021", "summer")
WORDS = ("the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "was", "with", "as",
         "be", "by", "on", "have", "has", "not", "but", "will", "were", "been", "their", "who",
         "bridge", "council", "reopen", "repairs", "cost", "million", "dollars", "plan",
         "likely", "clearly", "reportedly", "allegedly", "experts", "believe", "failure",
         "government", "percent", "vote", "Tensions", "rise", "City", "Syria", "U.S.", "3",
         "5,000", "$2.5bn", "e.g.", "Mr.", "i.e.", "etc.", "(CNN)", "—", "–", "-", "...", "…")
MARKUP = ("<b>", "</b>", "</i>", "<i>", "<script>", "<a href='x'>", "&", "&amp;", "&lt;",
          "&nbsp;", "&#0;", "&#xD800;", "&#128512;", "*x*", "_it_", "[a](b)", "`code`",
          "<", ">", "<<>>", "<!--", "-->", "<br/>", "</", "\\", "{n}", "%s")
ODD = ("\u202e", "\u202c", "\u2066", "\u200b", "\u200d", "\u200e", "\u200f", "\ufeff",
       "\u00ad", "\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\r", "\r\n",
       "\t", "\v", "\f", "\xa0", "שלום", "مرحبا", "Привет", "日本語", "😀", "👩‍👩‍👧",
       "🇺🇸", "⚠️", "e\u0301", "\U0010ffff", "ﬁ", "İ", "ß")
SEPARATORS = (" ", " ", " ", " ", "\n", "\n\n", "\n \n", "", "  ", ". ", ", ")


def _choice(items: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.sampled_from(items)


_quote = _choice(QUOTE_MARKS)
_clause = st.lists(st.one_of(_choice(WORDS), _choice(WORDS), _choice(DATES), _choice(MARKUP),
                             _choice(ODD), _choice(NAMES)),
                   min_size=1, max_size=14).map(" ".join)
_sentence = st.one_of(
    st.builds("{0}{1}{2}{3} {4} {5}.".format, _quote, _clause, _choice((",", "", ".", "?")),
              _quote, _choice(NAMES), _choice(CUES)),
    st.builds("{0}, {1}, {2} that {3} on {4}.".format, _choice(NAMES), _choice(ROLES),
              _choice(CUES), _clause, _choice(DATES)),
    st.builds("According to {0}, {1}.".format, _choice(NAMES), _clause),
    st.builds("{0} {1} {2}{3}{4} {5}".format, _choice(NAMES), _choice(CUES), _quote, _clause,
              _quote, _choice(DATES)),
    st.builds("On {0}, {1} {2} the {3}.".format, _choice(DATES), _choice(NAMES),
              _choice(CUES), _clause),
    _clause.map(lambda clause: clause.capitalize() + "."),
    _clause,  # a headline-like line with no full stop
    st.text(max_size=40),  # anything at all, glued in
)
_pairs = st.tuples(_sentence, _choice(SEPARATORS))
NEWSY_TEXT = st.one_of(st.lists(_pairs, max_size=8),
                       st.lists(_pairs, min_size=20, max_size=80)).map(
    lambda pairs: "".join(s + sep for s, sep in pairs)[:MAX_ANALYSED])
PUBLISHED = st.none() | st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))


# --- Checking a breakdown ----------------------------------------------------------------


def check_offsets(b: Breakdown, text: str) -> None:
    assert b.text == text
    n = len(text)
    for q in b.quotes:
        assert 0 <= q.start < q.end <= n, q
        assert text[q.start:q.end] == q.content, q
        assert 0 <= q.frame[0] <= q.frame[1] <= n, q
    for c in b.claims:
        assert 0 <= c.start < c.end <= n, c
        assert text[c.start:c.end] == c.text, c
    for d in b.dates:
        assert 0 <= d.start < d.end <= n, d
        assert text[d.start:d.end] == d.text, d
    for sentence in b.summary:
        assert sentence and sentence in text, sentence


def check_json(b: Breakdown) -> None:
    data = b.to_dict()
    encoded = json.dumps(data)
    assert Breakdown.from_dict(json.loads(encoded)) == b  # the link cache's round trip


def check_rendering(b: Breakdown) -> None:
    assert_telegram_html(render_reply(b))
    for section in SECTIONS:
        messages = render_section(b, section)
        assert messages, section
        for message in messages:
            assert_telegram_html(message)


def check_analysis(text: str, published: dt.date | None = None) -> Breakdown:
    b = analyze(text, published=published)
    check_offsets(b, text)
    check_json(b)
    check_rendering(b)
    return b


# --- analyze() and the renderer on any text ----------------------------------------------


@settings(BASE, max_examples=examples(300))
@given(text=ANY_TEXT)
@example(text="")
@example(text=" ")
@example(text="\n\n")
@example(text="“")
@example(text='"' * 7)
@example(text="<b>")
@example(text="&")
@example(text="\u202e")
@example(text="\u200b" * 50)
@example(text="😀" * 100)
@example(text="\x00\r\n\x1b[31m\x85\u2028")
def test_any_text_breaks_down_safely(text: str) -> None:
    check_analysis(text)


@settings(BASE, max_examples=examples(90))
@given(text=NEWSY_TEXT, published=PUBLISHED)
@example(text="“We will fix it <b>soon</b> & well,” said John Smith, head of roads.",
         published=None)
@example(text='The mayor said "' + "the bridge will reopen " * 5, published=None)
@example(text="“" * 5 + " officials said on February 5th.\n\n" + "”" * 3, published=None)
@example(text="Officials said that \u202eit\u202c would reopen on Monday, 2019.\u200b" * 3,
         published=dt.date(2020, 2, 29))
@example(text="According to sources, the plan is <i>likely</i> to fail &amp; cost 😀" * 4,
         published=dt.date(1, 1, 1))
@example(text="He said. She said. They said.\n\n\n\n“”\n" * 10, published=dt.date(9999, 12, 31))
# Found by the quick tier's examples: spaCy's DATE entity "summer\n \n" ran past the
# sentence, and the date's offsets with it.
@example(text='Maria Keller said "but" summer\n \n', published=dt.date(2000, 1, 1))
def test_newsy_text_breaks_down_safely(text: str, published: dt.date | None) -> None:
    check_analysis(text, published)


@settings(BASE, max_examples=examples(100))
@given(text=ANY_TEXT | NEWSY_TEXT, count=st.integers(0, 80))
def test_has_words_agrees_with_count_words(text: str, count: int) -> None:
    assert has_words(text, count) == (count_words(text) >= count)


# Found here and fixed: analyze("a\ud800") raised UnicodeEncodeError in spaCy's tokenizer.
@settings(BASE, max_examples=examples(10),
          phases=[Phase.explicit, Phase.generate])  # no shrinking
@given(text=NEWSY_TEXT,
       junk=st.lists(st.characters(categories=["Cs"]), min_size=1, max_size=5),
       at=st.integers(min_value=0))
def test_lone_surrogates_never_break_analysis(text: str, junk: list[str], at: int) -> None:
    """Python strings can hold lone surrogates (a bad decode upstream); nothing may crash,
    and no surrogate reaches a message, which must be UTF-8."""
    at %= len(text) + 1
    text = text[:at] + "".join(junk) + text[at:]
    b = analyze(text)
    assert b.text == without_surrogates(text)  # one U+FFFD per surrogate: same offsets
    check_offsets(b, b.text)
    json.dumps(b.to_dict()).encode("utf-8")
    check_rendering(b)


# --- The renderer on any breakdown (no parse: cheap, so many examples) --------------------

_field = st.one_of(st.text(max_size=30), st.text(max_size=600),
                   _clause, st.just("word " * 1500), st.just("x" * 5000))
_short = st.one_of(st.text(max_size=20), _choice(NAMES), _choice(ROLES))


@st.composite
def _timex(draw: st.DrawFn) -> str:
    day = draw(st.dates())
    year, week, _ = day.isocalendar()
    return draw(st.sampled_from((
        day.isoformat(), "XXXX" + day.isoformat()[4:], day.isoformat()[:7],
        "XXXX" + day.isoformat()[4:7], day.isoformat()[:4], f"{year:04d}-W{week:02d}",
        f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}", "PAST_REF", "FUTURE_REF",
        day.isoformat() + "TNI", day.isoformat() + "T09:30",
        f"{day.year // 10:03d}X")))


_quotes = st.builds(Quote, speaker=_short, role=st.none() | _short, anonymous=st.booleans(),
                    kind=st.sampled_from(("direct", "indirect", "mixed")),
                    cue=st.one_of(_choice(CUES), _short), content=_field,
                    start=st.integers(0, 10_000), end=st.integers(0, 10_000))
_dates = st.builds(KeyDate, text=_short, value=_timex(), key=st.booleans(),
                   start=st.integers(0, 10_000), end=st.integers(0, 10_000), context=_field)
_claims = st.builds(Claim, kind=st.sampled_from(("unattributed", "vague")), text=_field,
                    start=st.integers(0, 10_000), end=st.integers(0, 10_000),
                    cues=st.lists(_short, max_size=4).map(tuple),
                    type=st.sampled_from(CLAIM_TYPES))
_sources = st.builds(
    Source, kind=st.sampled_from(("text", "url")),
    url=st.none() | st.sampled_from(("https://example.com/a?x=1&y=\"2\"<>", "javascript:x",
                                     "http://" + "a" * 3000, "https://ex.com/ a")),
    title=st.none() | _field, site=st.none() | _short, author=st.none() | _short,
    published=st.none() | st.dates().map(dt.date.isoformat), words=st.integers(0, 10**6),
    published_reliable=st.booleans())
BREAKDOWNS = st.builds(
    Breakdown, source=_sources, language=st.sampled_from(("en", "en", "en", "de", "und", "xx<")),
    summary=st.lists(_field, max_size=4).map(tuple),
    quotes=st.lists(_quotes, max_size=30).map(tuple),
    dates=st.lists(_dates, max_size=15).map(tuple),
    claims=st.lists(_claims, max_size=20).map(tuple),
    text=st.one_of(st.text(max_size=200), NEWSY_TEXT, st.just("word " * 3000)))


@settings(BASE, max_examples=examples(120))
@given(b=BREAKDOWNS, note=st.none() | _field)
def test_any_breakdown_renders_valid_messages(b: Breakdown, note: str | None) -> None:
    assert_telegram_html(render_reply(b, truncated_note=note))
    for section in SECTIONS:
        for message in render_section(b, section):
            assert_telegram_html(message)


@settings(BASE, max_examples=examples(40))
@given(b=BREAKDOWNS, cap=st.integers(1, 4))
def test_max_messages_caps_every_section(b: Breakdown, cap: int) -> None:
    for section in SECTIONS:
        messages = render_section(b, section, max_messages=cap)
        assert 1 <= len(messages) <= cap
        for message in messages:
            assert_telegram_html(message)


# --- split_html on any well-formed HTML --------------------------------------------------

_text_html = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=60).map(
        lambda t: html.escape(t, quote=False)),
    _choice(("word", "a", ". ", "\n", "\n\n", " ", "&amp;", "&lt;", "&gt;", "&quot;",
             "&#128512;", "&#x41;", "&#65;", "😀", "x" * 700, "longword" * 80)),
)
_href = st.text(max_size=60).map(lambda t: "https://example.com/" + html.escape(t, quote=True))
HTML = st.recursive(
    _text_html,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=12).map("".join),
        st.builds("<{0}>{1}</{0}>".format,
                  _choice(("b", "i", "u", "s", "code", "pre", "blockquote")), inner),
        st.builds('<a href="{0}">{1}</a>'.format, _href, inner),
    ),
    max_leaves=60,
)


def _no_space(text: str) -> str:
    return re.sub(r"\s", "", text)


@settings(BASE, max_examples=examples(250))
@given(source=st.lists(HTML, min_size=1, max_size=4).map("".join),
       repeat=st.integers(1, 8),
       limit=st.one_of(st.integers(16, 300), st.sampled_from((16, 17, 40, 1000, 4096))))
@example(source="<b>" + "bold words here. " * 100 + "</b> tail", repeat=1, limit=200)
@example(source='<a href="https://example.com/' + "p" * 200 + '">link</a> text', repeat=3,
         limit=16)
@example(source="&#128512;" * 50, repeat=1, limit=16)
def test_split_html_parts_are_valid_and_lose_nothing(source: str, repeat: int,
                                                     limit: int) -> None:
    page = source * repeat
    assert_telegram_html(page, limit=max(len(page), visible_length(page)))  # the input
    parts = split_html(page, limit)
    for part in parts:
        assert_telegram_html(part, limit)
        assert plain_text(part).strip()
    # No visible character is lost or reordered (only whitespace at the cuts may go).
    assert _no_space("".join(plain_text(p) for p in parts)) == _no_space(plain_text(page))


@pytest.mark.parametrize("bad", [
    "<b>x", "x</b>", "<b><i>x</b></i>", "<x>y</x>", "<br/>", "<a>x</a>", '<b class="c">x</b>',
    "a < b", "a & b", "&nbsp;", "&#xD800;", "<!-- c -->", '<a href="?a=1&b=2">x</a>',
    "\ud800", "x" * 4097, "😀" * 2049,
])
def test_the_checker_rejects_what_telegram_rejects(bad: str) -> None:
    with pytest.raises((AssertionError, UnicodeEncodeError)):
        assert_telegram_html(bad)


def test_split_html_rejects_tiny_limits() -> None:
    with pytest.raises(ValueError):
        split_html("text", 15)
