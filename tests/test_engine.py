"""Focused tests of each extractor on small hand-written articles.

All sentences here are made up for the tests. Each text is analysed once per process
(`_analyze` caches); the spaCy model itself loads once.
"""

from __future__ import annotations

import functools
import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.breakdown import Breakdown, Quote, analyze
from bot.breakdown.quotemarks import find_quoted_spans

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def _analyze(text: str) -> Breakdown:
    return analyze(text)


def assert_offsets_valid(breakdown: Breakdown) -> None:
    text = breakdown.text
    for quote in breakdown.quotes:
        assert 0 <= quote.start < quote.end <= len(text)
        assert text[quote.start : quote.end] == quote.content
    for claim in breakdown.claims:
        assert 0 <= claim.start < claim.end <= len(text)
        assert text[claim.start : claim.end] == claim.text
    for date in breakdown.dates:
        assert 0 <= date.start < date.end <= len(text)
        assert text[date.start : date.end] == date.text
    for sentence in breakdown.summary:
        assert sentence in text
    json.dumps(breakdown.to_dict())


def quote_with(breakdown: Breakdown, fragment: str) -> Quote:
    """The one quote whose content contains `fragment`."""
    found = [q for q in breakdown.quotes if fragment in q.content]
    assert len(found) == 1, (fragment, [(q.speaker, q.content) for q in breakdown.quotes])
    return found[0]


def spans_text(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find_quoted_spans(text)]


# --- quotation marks -------------------------------------------------------------------

ODD_MARKS = (
    "The council met on Monday to discuss the bridge budget.\n\n"
    'Maria Keller said "the repairs are overdue and far too expensive for the city.\n\n'
    "The mayor left the meeting early and did not answer questions.\n\n"
    '"We will vote on the repair plan next week," said Tom Baker.\n\n'
    "“Nobody wants another winter with one lane closed,” Baker added."
)


def test_odd_quote_mark_stays_in_its_paragraph() -> None:
    spans = spans_text(ODD_MARKS)
    assert "We will vote on the repair plan next week," in spans
    assert "Nobody wants another winter with one lane closed," in spans
    assert not any("mayor left" in s for s in spans)


def test_odd_quote_mark_does_not_lose_later_quotes() -> None:
    breakdown = _analyze(ODD_MARKS)
    vote = quote_with(breakdown, "We will vote on the repair plan next week")
    assert (vote.speaker, vote.kind, vote.cue) == ("Tom Baker", "direct", "said")
    winter = quote_with(breakdown, "Nobody wants another winter")
    assert (winter.speaker, winter.kind) == ("Tom Baker", "direct")
    assert not any("mayor left" in q.content for q in breakdown.quotes)
    assert any(c.text.startswith("The mayor left the meeting") for c in breakdown.claims)
    assert_offsets_valid(breakdown)


def test_curly_and_straight_quotes() -> None:
    text = ("“The repairs are overdue,” said Maria Keller.\n\n"
            '"The vote will happen next week," said Tom Baker.\n\n'
            '“The budget is simply too small for this job," said Ana Ruiz.')
    assert spans_text(text) == ["The repairs are overdue,", "The vote will happen next week,",
                                "The budget is simply too small for this job,"]
    breakdown = _analyze(text)
    assert [(q.speaker, q.kind, q.content) for q in breakdown.quotes] == [
        ("Maria Keller", "direct", "The repairs are overdue,"),
        ("Tom Baker", "direct", "The vote will happen next week,"),
        ("Ana Ruiz", "direct", "The budget is simply too small for this job,"),
    ]


def test_nested_single_quotes_stay_inside_the_outer_quote() -> None:
    text = ("“Residents keep telling me ‘fix the bridge first’ before anything else,” "
            "said Maria Keller.")
    assert spans_text(text) == [
        "Residents keep telling me ‘fix the bridge first’ before anything else,"]
    quote = quote_with(_analyze(text), "fix the bridge first")
    assert quote.content == ("Residents keep telling me ‘fix the bridge first’ before "
                             "anything else,")
    assert (quote.speaker, quote.kind) == ("Maria Keller", "direct")


REOPENED_CUE_FIRST = (
    "Maria Keller said: “The first phase of the repairs is finished and the lanes are open.\n\n"
    "“The second phase will start in the spring once the weather improves.”"
)
REOPENED_CUE_LAST = (
    "“The first phase of the repairs is finished and the lanes are open.\n\n"
    "“The second phase will start in the spring once the weather improves,” said Maria Keller."
)


def test_reopened_paragraph_quote_spans() -> None:
    spans = find_quoted_spans(REOPENED_CUE_LAST)
    assert [REOPENED_CUE_LAST[s.start : s.end] for s in spans] == [
        "The first phase of the repairs is finished and the lanes are open.",
        "The second phase will start in the spring once the weather improves,",
    ]
    assert [s.closed for s in spans] == [False, True]


def test_reopened_paragraph_quote_keeps_its_speaker() -> None:
    breakdown = _analyze(REOPENED_CUE_FIRST)
    first = quote_with(breakdown, "The first phase of the repairs")
    second = quote_with(breakdown, "The second phase will start")
    assert first.speaker == second.speaker == "Maria Keller"
    assert first.kind == second.kind == "direct"
    assert breakdown.claims == ()


def test_reopened_paragraph_quote_with_cue_at_the_end() -> None:
    breakdown = _analyze(REOPENED_CUE_LAST)
    first = quote_with(breakdown, "The first phase of the repairs")
    assert (first.speaker, first.kind) == ("Maria Keller", "direct")
    assert breakdown.claims == ()


# --- attribution -----------------------------------------------------------------------

def test_speaker_after_the_quote() -> None:
    quote = quote_with(_analyze(
        '"The bridge will reopen next month after the repairs," said Jane Doe.'), "bridge")
    assert (quote.speaker, quote.kind, quote.cue, quote.anonymous) == (
        "Jane Doe", "direct", "said", False)
    assert quote.content == "The bridge will reopen next month after the repairs,"


def test_speaker_before_the_quote() -> None:
    quote = quote_with(_analyze(
        'Jane Doe said "the bridge will reopen next month after the repairs are done."'),
        "bridge")
    assert (quote.speaker, quote.kind, quote.cue) == ("Jane Doe", "direct", "said")
    assert quote.content.startswith("the bridge will reopen next month")


def test_indirect_said_that() -> None:
    breakdown = _analyze("Jane Doe said that the bridge would reopen next month after the "
                         "repairs.")
    quote = quote_with(breakdown, "bridge")
    assert (quote.speaker, quote.kind, quote.cue) == ("Jane Doe", "indirect", "said")
    assert quote.content == "the bridge would reopen next month after the repairs"
    assert breakdown.claims == ()


def test_urged_to() -> None:
    quote = quote_with(_analyze(
        "Jane Doe urged the council to approve the repair budget before the winter."),
        "council")
    assert (quote.speaker, quote.kind, quote.cue) == ("Jane Doe", "indirect", "urged")
    assert quote.content == "the council to approve the repair budget before the winter"


def test_according_to() -> None:
    quote = quote_with(_analyze(
        "According to the Times, the council approved the repair budget on Tuesday."),
        "council")
    assert quote.speaker.removeprefix("the ") == "Times"
    assert (quote.cue, quote.kind, quote.anonymous) == ("according to", "indirect", False)
    assert quote.content == "the council approved the repair budget on Tuesday"


def test_colon_quote_with_pronoun() -> None:
    breakdown = _analyze("Tom Baker spoke to reporters at the bridge on Monday.\n\n"
                         "He said: “The bridge will reopen next month after the repairs.”")
    quote = quote_with(breakdown, "The bridge will reopen")
    assert (quote.speaker, quote.kind, quote.cue) == ("Tom Baker", "direct", "said")
    assert quote.content == "The bridge will reopen next month after the repairs."


def test_continuation_quote_in_next_paragraph() -> None:
    breakdown = _analyze(
        "“The bridge will reopen next month after the repairs,” Maria Keller said.\n\n"
        "“We expect traffic to return to normal within a week of the opening.”\n\n"
        "“Work on the tunnel starts in the autumn,” said Tom Baker.")
    assert [(q.speaker, q.kind) for q in breakdown.quotes] == [
        ("Maria Keller", "direct"), ("Maria Keller", "direct"), ("Tom Baker", "direct")]
    assert breakdown.quotes[1].content == ("We expect traffic to return to normal within a "
                                           "week of the opening.")
    assert breakdown.claims == ()


def test_pronoun_resolves_to_person_named_before() -> None:
    breakdown = _analyze("Tom Baker visited the bridge site on Monday morning.\n\n"
                         "He said the repairs would be finished by the end of the year.")
    quote = quote_with(breakdown, "repairs")
    assert (quote.speaker, quote.kind) == ("Tom Baker", "indirect")
    assert quote.content == "the repairs would be finished by the end of the year"


def test_surname_merges_with_full_name() -> None:
    breakdown = _analyze("Maria Keller said on Monday that the bridge would reopen soon.\n\n"
                         "Keller said the repairs would be finished by the end of the year.")
    assert [q.speaker for q in breakdown.quotes] == ["Maria Keller", "Maria Keller"]


def test_surname_merges_even_when_ner_misses_it() -> None:
    breakdown = _analyze("Jane Doe said on Monday that the bridge would reopen soon.\n\n"
                         "Doe said the repairs would be finished by the end of the year.")
    assert [q.speaker for q in breakdown.quotes] == ["Jane Doe", "Jane Doe"]


def test_appositive_role() -> None:
    quote = quote_with(_analyze("Jane Doe, the agency's chief economist, said that inflation "
                                "would ease later in the year."), "inflation")
    assert quote.speaker == "Jane Doe"
    assert quote.role == "the agency's chief economist"
    assert quote.content == "inflation would ease later in the year"


def test_role_before_name() -> None:
    quote = quote_with(_analyze("Finance Minister Jane Doe said that the budget deficit would "
                                "shrink next year."), "deficit")
    assert (quote.speaker, quote.role, quote.anonymous) == ("Jane Doe", "Finance Minister",
                                                            False)


def test_role_is_shared_by_later_quotes_of_the_speaker() -> None:
    breakdown = _analyze("The mayor, Maria Keller, said on Monday that the bridge would reopen "
                         "soon.\n\nKeller said the repairs would be finished by the end of the "
                         "year.")
    assert [(q.speaker, q.role) for q in breakdown.quotes] == [
        ("Maria Keller", "The mayor"), ("Maria Keller", "The mayor")]


@pytest.mark.parametrize(("text", "content", "source_word"), [
    ("Officials who asked not to be named said the talks had stalled over the weekend.",
     "the talks had stalled over the weekend", "officials"),
    ("Sources said the company was preparing to cut hundreds of jobs.",
     "the company was preparing to cut hundreds of jobs", "sources"),
    ("A person familiar with the matter said the deal could be signed next week.",
     "the deal could be signed next week", "person"),
    ('"The convoy was stopped twice near the border crossing," the watchdog group said.',
     "The convoy was stopped twice near the border crossing,", "watchdog"),
], ids=["asked-not-to-be-named", "sources", "familiar-with", "watchdog-group"])
def test_anonymous_sources(text: str, content: str, source_word: str) -> None:
    quote = quote_with(_analyze(text), content)
    assert quote.anonymous is True
    assert quote.cue == "said"
    assert quote.content == content
    assert source_word in quote.speaker.lower()


def test_anonymous_sentences_are_vague_claims() -> None:
    for text in ["Sources said the company was preparing to cut hundreds of jobs.",
                 "Officials who asked not to be named said the talks had stalled over the "
                 "weekend."]:
        (claim,) = _analyze(text).claims
        assert claim.kind == "vague" and claim.text == text


def test_asked_not_to_be_named_is_not_a_statement() -> None:
    breakdown = _analyze("Officials who asked not to be named said the talks had stalled over "
                         "the weekend.")
    assert [(q.cue, q.content) for q in breakdown.quotes] == [
        ("said", "the talks had stalled over the weekend")]


def test_named_organisation_is_not_anonymous() -> None:
    breakdown = _analyze("The U.N. said that the aid convoy was stopped twice near the border "
                         "crossing.")
    quote = quote_with(breakdown, "aid convoy")
    assert quote.anonymous is False
    assert quote.speaker.removeprefix("The ").removeprefix("the ") == "U.N."
    assert breakdown.claims == ()


# --- claims ----------------------------------------------------------------------------

def test_it_is_believed_is_vague() -> None:
    text = "It is believed that the minister will resign before the end of the month."
    breakdown = _analyze(text)
    assert breakdown.quotes == ()
    (claim,) = breakdown.claims
    assert (claim.kind, claim.text) == ("vague", text)
    assert "it is believed" in [c.lower() for c in claim.cues]


def test_reportedly_is_vague() -> None:
    (claim,) = _analyze("The minister will reportedly resign before the end of the month.").claims
    assert claim.kind == "vague"
    assert "reportedly" in [c.lower() for c in claim.cues]


def test_hedged_sentence_gets_its_hedge_cue() -> None:
    (claim,) = _analyze("The new policy will probably cost taxpayers more than it saves.").claims
    assert claim.kind == "unattributed"
    assert [c.lower() for c in claim.cues] == ["probably"]


def test_plain_unattributed_sentence_has_no_cues() -> None:
    (claim,) = _analyze("The council closed the old bridge to all traffic last year.").claims
    assert (claim.kind, claim.cues) == ("unattributed", ())


def test_sentence_attributed_to_named_speaker_is_not_a_claim() -> None:
    breakdown = _analyze("Maria Keller said that the new policy would cost taxpayers more "
                         "than it saves.\n\n“The policy will probably fail,” said Tom Baker.")
    assert len(breakdown.quotes) == 2
    assert breakdown.claims == ()


def test_claims_most_notable_first() -> None:
    plain_1 = "The council closed the old bridge to all traffic last year."
    plain_2 = "The ferry service carried commuters across the river instead."
    hedged = "The repairs will probably take longer than the council has planned."
    boosted = "The fact of the matter is that the bridge was neglected for decades."
    text = "\n\n".join([plain_1, hedged, plain_2, boosted])
    claims = _analyze(text).claims
    assert [c.text for c in claims] == [boosted, hedged, plain_1, plain_2]
    assert [c.kind for c in claims] == ["unattributed"] * 4


def test_questions_are_not_claims() -> None:
    text = ("Will the minister resign before the end of the month?\n\n"
            "The minister has led the department since the last election.")
    claims = _analyze(text).claims
    assert [c.text for c in claims] == [
        "The minister has led the department since the last election."]


# --- language and odd input ------------------------------------------------------------

GERMAN = ("Die Regierung hat am Montag angekündigt, dass die Steuern im nächsten Jahr nicht "
          "steigen werden. Der Minister sagte, die Wirtschaft sei stabil und es gebe keinen "
          "Grund zur Sorge.")
FRENCH = ("Le gouvernement a annoncé lundi que les impôts ne seront pas augmentés l'année "
          "prochaine. Le ministre a déclaré que l'économie est stable et qu'il n'y a pas de "
          "raison de s'inquiéter.")


@pytest.mark.parametrize(("text", "expected"), [
    ("", None), ("   \n\t  \n", None), ("😀🎉👍 🔥", None), ("\u200b\u200f\u200b", None),
    (GERMAN, "de"), (FRENCH, "fr"),
], ids=["empty", "whitespace", "emoji", "zero-width-only", "german", "french"])
def test_non_english_or_empty_gives_empty_breakdown(text: str, expected: str | None) -> None:
    breakdown = analyze(text)
    assert breakdown.language != "en"
    if expected is not None:
        assert breakdown.language == expected
    assert (breakdown.summary, breakdown.quotes, breakdown.dates, breakdown.claims) == (
        (), (), (), ())
    assert breakdown.text == text
    data = breakdown.to_dict()
    assert data["summary"] == data["quotes"] == data["dates"] == data["claims"] == []
    json.dumps(data)


UNICODE_TEXT = (
    "\u202bThe city council\u202c approved the new bridge budget on Tuesday.\u200b\n\n"
    "“The repairs will start in March,” said José Álvarez-Núñez, the city’s chief engineer.\n\n"
    "Zoë Brontë\u200d said that the contract had been signed after a long delay.\n\n"
    "مرحبا The residents\u200e were told the work would likely last two years.\n\n"
    "Officials said the project would likely cost more than planned."
)


def test_unicode_controls_and_accented_names() -> None:
    breakdown = _analyze(UNICODE_TEXT)
    assert breakdown.language == "en"
    assert breakdown.text == UNICODE_TEXT
    assert_offsets_valid(breakdown)
    quote = quote_with(breakdown, "The repairs will start in March")
    assert quote.speaker == "José Álvarez-Núñez"
    assert quote.role == "the city’s chief engineer"
    assert breakdown.claims


def test_non_str_input_raises_type_error() -> None:
    for value in [b"The council said that the bridge would reopen.", None, 42,
                  ["The council said so."]]:
        with pytest.raises(TypeError):
            analyze(value)  # type: ignore[arg-type]


# --- a very long text ------------------------------------------------------------------

def _long_article(words: int) -> str:
    rng = random.Random(7)
    people = ["Maria Keller", "Tom Baker", "Ana Ruiz", "the ministry", "local residents",
              "officials"]
    verbs = ["said that", "argued that", "warned that", "noted that"]
    facts = ["the bridge would reopen in March", "costs had risen sharply this year",
             "the plan was likely to fail", "the vote would take place on May 3",
             "nobody had expected such a long delay", "the budget is probably too small",
             "traffic on the ring road had doubled", "the river level was falling again"]
    parts: list[str] = []
    count = 0
    while count < words:
        if rng.random() < 0.2:
            sentence = f"“{rng.choice(facts).capitalize()},” {rng.choice(people)} said."
        elif rng.random() < 0.3:
            sentence = f"{rng.choice(facts).capitalize()}."
        else:
            sentence = f"{rng.choice(people).capitalize()} {rng.choice(verbs)} " \
                       f"{rng.choice(facts)}."
        parts.append(sentence)
        count += len(sentence.split())
        if len(parts) % 5 == 0:
            parts.append("\n\n")
    return " ".join(parts)


_LONG_CHILD = textwrap.dedent("""
    import json, sys, time
    sys.path.insert(0, {root!r})
    from tests.test_engine import _long_article, assert_offsets_valid
    from bot.breakdown import analyze
    text = _long_article(30_000)
    started = time.perf_counter()
    breakdown = analyze(text)
    elapsed = time.perf_counter() - started
    assert_offsets_valid(breakdown)
    print(json.dumps({{"seconds": elapsed, "words": breakdown.source.words,
                      "quotes": len(breakdown.quotes), "claims": len(breakdown.claims),
                      "dates": len(breakdown.dates), "summary": len(breakdown.summary)}}))
""")
# The parse alone takes ~8 s for 30k words on a slow CPU; everything after it must be
# linear (reading spaCy's Doc.text per cue once made this take two minutes).
_LONG_TIMEOUT = 45


@pytest.mark.slow  # large input
def test_very_long_text_returns() -> None:
    result = subprocess.run([sys.executable, "-c", _LONG_CHILD.format(root=str(ROOT))],
                            cwd=ROOT, capture_output=True, text=True, timeout=_LONG_TIMEOUT)
    assert result.returncode == 0, result.stderr[-2000:]
    stats = json.loads(result.stdout)
    assert stats["words"] >= 30_000
    assert stats["quotes"] > 1000 and stats["claims"] > 100 and stats["dates"] > 100
    assert 1 <= stats["summary"] <= 3


def test_weak_publication_date_is_shown_as_detected() -> None:
    from bot.breakdown import Source
    from bot.render.common import describe_source

    text = "The council met on Monday. It approved the budget for the new bridge."
    weak = analyze(text, published=None, source=Source(kind="url", url="https://x.example/a",
                                                       site="x.example", published="2020-02-06",
                                                       published_reliable=False))
    strong = analyze(text, source=Source(kind="url", site="x.example", published="2020-02-06"))
    assert "date detected on the page: Feb 6, 2020" in describe_source(weak)
    assert "published Feb 6, 2020" in describe_source(strong)
