"""Attribution forms added for PolNeAR-style news: one small made-up text per form.

These test the rules (`attribution="rules"`), cue by cue; what the product shows (the
hybrid with the learned tagger) is tested for the same forms at the end of this file.
"""

from __future__ import annotations

import functools

import pytest

from bot.breakdown import Breakdown, analyze
from bot.breakdown.nlp import get_nlp, text_of


@functools.cache
def _analyze(text: str) -> Breakdown:
    return analyze(text, attribution="rules")


def speakers(text: str) -> list[tuple[str, str]]:
    return [(q.speaker, q.content) for q in _analyze(text).quotes]


def test_interrupted_quote_is_one_statement() -> None:
    text = "“The plan is ready,” Maria Keller said, “and the money is in the bank.”"
    (quote,) = _analyze(text).quotes
    assert quote.speaker == "Maria Keller" and quote.kind == "direct"
    assert quote.content.startswith("The plan is ready")
    assert quote.content.endswith("the money is in the bank.")


def test_continuation_in_a_new_paragraph_stays_a_statement_of_its_own() -> None:
    text = ("“The plan is ready,” Maria Keller said on Monday.\n\n"
            "“We will start building in the spring and finish within two years.”")
    found = speakers(text)
    assert [s for s, _ in found] == ["Maria Keller", "Maria Keller"]
    assert found[1][1].startswith("We will start building")


def test_transcript_speaker_labels() -> None:
    text = ("The mayor was interviewed on the radio on Tuesday morning.\n\n"
            "HOST: Will the bridge open on time this year?\n\n"
            "KELLER: We are confident that the bridge will open in June.")
    found = speakers(text)
    assert ("Host", "Will the bridge open on time this year?") in found
    assert ("Keller", "We are confident that the bridge will open in June.") in found


def test_signed_quotations() -> None:
    text = ("Here is a selection of the letters about the new bridge.\n\n"
            "“It is the best thing the city has built in decades.” ― Ana Lopez\n"
            "“It cost far too much and took far too long.” ― Tom Berg\n")
    assert [s for s, _ in speakers(text)] == ["Ana Lopez", "Tom Berg"]


def test_a_quotation_opened_with_a_closing_mark_is_still_quoted() -> None:
    # ”…”: a closing mark typed where the opening one belongs, at the start of a line.
    text = ("Here is a selection of the letters about the new bridge.\n\n"
            "”It is the best thing the city has built in decades.” ― Ana Lopez\n"
            "“It cost far too much and took far too long.” ― Tom Berg\n")
    assert [s for s, _ in speakers(text)] == ["Ana Lopez", "Tom Berg"]
    assert not [c for c in _analyze(text).claims if "best thing" in c.text]


def test_colon_introduces_the_block_after_it() -> None:
    text = ("The governor was asked about the strike on Friday. The governor added: "
            "The workers deserve a fair deal and they will get one.")
    (quote,) = _analyze(text).quotes
    assert quote.speaker == "The governor"
    assert quote.content.rstrip(".") == "The workers deserve a fair deal and they will get one"


@pytest.mark.parametrize(("text", "cue", "content_start"), [
    ("Republican leader Anna Berg called for steep new taxes on imported steel.",
     "called", "for steep new taxes"),
    ("The union called the offer an insult to every worker in the plant.",
     "called", "the offer an insult"),
    ("Polls show a close contest in the state between the two candidates.",
     "show", "a close contest"),
    ("Anna Berg responded on Tuesday by saying the report was deeply flawed.",
     "saying", "the report was deeply flawed"),
])
def test_more_cue_forms(text: str, cue: str, content_start: str) -> None:
    (quote,) = _analyze(text).quotes
    assert quote.cue == cue
    assert quote.content.startswith(content_start)


def test_quantified_group_is_a_vague_source() -> None:
    text = "Many of his supporters believe the new law is unfair to small farmers."
    (quote,) = _analyze(text).quotes
    assert quote.anonymous and "supporters" in quote.speaker
    (claim,) = _analyze(text).claims
    assert claim.kind == "vague"


@pytest.mark.parametrize("sentence", [
    "The bridge the city is building is not a source of anything said here.",
    "The law requires that every bridge be inspected twice a year.",
])
def test_things_are_not_sources(sentence: str) -> None:
    assert _analyze(sentence).quotes == ()


@pytest.mark.parametrize(("sentence", "marker"), [
    ("It is clear that the council will approve the budget next week.", "It is clear"),
    ("The mayor has been harshly criticized for the delays on the bridge.",
     "has been harshly criticized"),
])
def test_formulas_that_name_no_source_are_vague(sentence: str, marker: str) -> None:
    (claim,) = _analyze(sentence).claims
    assert claim.kind == "vague"
    assert marker in claim.cues


def test_hedge_alone_is_not_a_vague_source() -> None:
    (claim,) = _analyze("The council appears to be running out of money for repairs.").claims
    assert claim.kind == "unattributed" and "appears" in claim.cues


def test_text_of_is_the_doc_text_and_cached() -> None:
    doc = get_nlp()("One sentence here. Another one there.")
    assert text_of(doc) == doc.text
    assert text_of(doc) is text_of(doc)


@pytest.mark.parametrize(("text", "speaker", "content_word"), [
    ("Republican leader Anna Berg called for steep new taxes on imported steel.",
     "Anna Berg", "taxes"),
    ("“The plan is ready,” Maria Keller said, “and the money is in the bank.”",
     "Maria Keller", "money"),
    ("The mayor was interviewed on the radio on Tuesday morning.\n\n"
     "HOST: Will the bridge open on time this year?\n\n"
     "KELLER: We are confident that the bridge will open in June.", "Keller", "June"),
])
def test_the_product_attributes_the_same_forms(text: str, speaker: str,
                                               content_word: str) -> None:
    quotes = [q for q in analyze(text).quotes if content_word in q.content]
    assert [q.speaker for q in quotes] == [speaker]


@pytest.mark.parametrize("cue", ["shared", "recounted"])
def test_sharing_and_recounting_with_a_clause_are_cues_for_the_rules(cue: str) -> None:
    text = f"Its owner, Dana Fields, {cue} that sales had doubled since the reopening."
    (quote,) = analyze(text, attribution="rules").quotes
    assert (quote.speaker, quote.cue) == ("Dana Fields", cue)


def test_the_following_statement_introduces_the_quotation_after_it() -> None:
    text = ("The mayor spoke after the vote.\n\n"
            "On Friday, Mayor Lena Ortiz issued the following statement:\n\n"
            "\"The city will rebuild every road that the storm destroyed. We will start in "
            "the north.\"\n\nThe company made a large profit last year.")
    breakdown = _analyze(text)
    (quote,) = breakdown.quotes
    assert quote.speaker == "Lena Ortiz"
    assert quote.content.startswith("The city will rebuild")
    assert not [c for c in breakdown.claims if "rebuild" in c.text or "north" in c.text]


def test_a_rule_given_after_a_colon_is_the_sources_and_stops_at_its_quotation() -> None:
    text = ("The bus was late again this morning.\n\n"
            "Transit expert Jarrett Hale has a simple rule: \"Frequency is freedom.\" "
            "He is right.")
    breakdown = _analyze(text)
    (quote,) = breakdown.quotes
    assert (quote.speaker, quote.content) == ("Jarrett Hale", "Frequency is freedom.")
    assert not [c for c in breakdown.claims if "Frequency" in c.text]
