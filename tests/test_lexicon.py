"""The lexicon's word lists and regexes, and the ablation script that measures them.

Every text here is made up for the test.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bot.breakdown import Breakdown, analyze, lexicon
from bot.breakdown import speakers as speakers_module


@functools.cache
def _analyze(text: str) -> Breakdown:
    return analyze(text)


@functools.cache
def _ablation() -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "bench" / "rule_ablation.py"
    spec = importlib.util.spec_from_file_location("rule_ablation", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["rule_ablation"] = module
    spec.loader.exec_module(module)
    return module


# --- vague markers: one made-up sentence per kept group ------------------------------

@pytest.mark.parametrize(("sentence", "marker"), [
    ("The minister will reportedly step down after the vote.", "reportedly"),
    ("It is widely believed that the plant will close next year.", "It is widely believed"),
    ("The new owner is said to have paid far more than the asking price.", "is said to"),
    ("The rules are too strict, according to critics of the plan.", "according to critics"),
    ("Analysts say the merger will cost hundreds of jobs in the region.", "Analysts say"),
    ("It seems the council has run out of money for the repairs.", "It seems"),
    ("The coach is widely expected to leave the club at the end of the season.",
     "is widely expected to"),
    ("The airline faced sharp criticism over the cancelled flights.", "faced sharp criticism"),
    ("It is unclear whether the school will reopen in the autumn.", "It is unclear"),
])
def test_vague_marker_groups(sentence: str, marker: str) -> None:
    """The marker is found; the claim is vague (by the marker, or by the anonymous quote
    the cue pass makes of "according to critics" and "analysts say")."""
    assert [m.group() for m in lexicon.VAGUE_MARKERS.finditer(sentence)] == [marker]
    (claim,) = _analyze(sentence).claims
    assert claim.kind == "vague"


@pytest.mark.parametrize(("sentence", "hedge"), [
    ("The treasurer allegedly moved the funds to a private account.", "allegedly"),
    ("The deal was supposedly signed in the middle of the night.", "supposedly"),
])
def test_doubt_adverbs_are_hedges_not_sources(sentence: str, hedge: str) -> None:
    """"allegedly" doubts a claim rather than sourcing it: a hedge on an unsourced claim."""
    (claim,) = _analyze(sentence).claims
    assert claim.kind == "unattributed" and hedge in claim.cues


def test_so_called_names_no_source() -> None:
    (claim,) = _analyze("The so-called reform plan will raise the fees for every student.").claims
    assert claim.kind == "unattributed"


def test_parts_build_the_regexes_in_order() -> None:
    assert lexicon.VAGUE_MARKERS.pattern == lexicon.any_of(lexicon.VAGUE_MARKER_PARTS).pattern
    assert lexicon.ANONYMITY_WORDS.pattern == lexicon.any_of(lexicon.ANONYMITY_PARTS).pattern
    assert lexicon.each("a {} b", "x y") == ("a x b", "a y b")
    assert lexicon.words("say tell", "add  say") == frozenset({"say", "tell", "add"})


def test_anonymity_overrides_a_named_body() -> None:
    (quote,) = _analyze("Unnamed Pentagon officials said the convoy had turned back.").quotes
    assert quote.anonymous


# --- source nouns ----------------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "speaker"), [
    ("The family said in a statement that they were grateful for the support.", "The family"),
    ("Hospital staff said that the wards had been full for most of the winter.",
     "Hospital staff"),
    ("The bank said that it would cut its lending rate by a quarter of a point.", "The bank"),
    # covered by the agent-noun suffixes and the plural tag, not by the noun list:
    ("The minister said that the budget would be balanced within two years.", "The minister"),
    ("A spokesman said that the company would appeal against the decision.", "A spokesman"),
    ("Police said that the driver had been taken to a hospital in the city.", "Police"),
])
def test_everyday_sources(sentence: str, speaker: str) -> None:
    """Unnamed, so anonymous, but sources: their statements are quotes, not claims."""
    (quote,) = _analyze(sentence).quotes
    assert (quote.speaker, quote.kind, quote.anonymous) == (speaker, "indirect", True)


# --- bench/rule_ablation.py: what it records and what it removes -----------------------

def test_recording_set_notes_which_word_matched() -> None:
    ra = _ablation()
    ra.HITS.clear()
    person = ra.RecordingSet(frozenset({"he", "she"}), (("PERSON", frozenset({"he", "she"})),))
    group = ra.RecordingSet(frozenset({"they"}), (("GROUP", frozenset({"they"})),))
    ra.CURRENT[0] = 7
    assert "he" in person and "it" not in person
    assert "they" in (person | group) and "she" in (frozenset({"x"}) | person)
    assert dict(ra.HITS) == {"PERSON:he": {7}, "GROUP:they": {7}, "PERSON:she": {7}}


def test_recording_pattern_notes_which_alternative_matched() -> None:
    ra = _ablation()
    ra.HITS.clear()
    pattern = ra.RecordingPattern("VAGUE", ("reportedly", "it seems", "some say"))
    ra.CURRENT[0] = 3
    text = "It seems the mayor reportedly quit."
    assert pattern.findall(text) == ["It seems", "reportedly"]
    assert pattern.search("no marker here") is None
    assert dict(ra.HITS) == {"VAGUE:it seems": {3}, "VAGUE:reportedly": {3}}


def test_patch_rebinds_every_import_and_ablated_drops_one_entry() -> None:
    ra = _ablation()
    original = lexicon.PERSON_PRONOUNS
    smaller = ra.ablated(ra.Entry("PERSON_PRONOUNS", "he"), {"PERSON_PRONOUNS": original})
    assert smaller == original - {"he"}
    ra.patch("PERSON_PRONOUNS", smaller)
    try:
        assert vars(speakers_module)["PERSON_PRONOUNS"] is smaller is lexicon.PERSON_PRONOUNS
    finally:
        ra.patch("PERSON_PRONOUNS", original)
    assert vars(speakers_module)["PERSON_PRONOUNS"] is original is lexicon.PERSON_PRONOUNS
    patterns = {"VAGUE_MARKERS": lexicon.VAGUE_MARKERS,
                "VAGUE_MARKER_PATTERNS": ("a", ("b", "c"), "d")}
    assert ra.ablated(ra.Entry("VAGUE_MARKERS", "a"), patterns).pattern == r"\b(?:b|c|d)\b"
    group = ra.Entry("VAGUE_MARKERS", "b", ("b", "c"))
    assert ra.ablated(group, patterns).pattern == r"\b(?:a|d)\b"
