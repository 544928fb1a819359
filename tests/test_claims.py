"""Claims: their type, the figures that explain them, the cap and the ranking, old caches."""

from __future__ import annotations

import random

import pytest
from spacy.tokens import Span

from bot.breakdown import Breakdown, Claim, Source, analyze
from bot.breakdown.claim_typing import claim_type, is_figure, type_and_cue
from bot.breakdown.claims import (
    CAP_MAX,
    PLAIN_FLOOR,
    Candidate,
    claim_cap,
    find_claims,
    notability,
    select_claims,
)
from bot.breakdown.model import Quote
from bot.breakdown.nlp import get_nlp
from bot.breakdown.segment import find_sentences
from bot.breakdown.spans import SpanIndex
from bot.render.json import render_json
from bot.render.telegram import plain_text, render_reply, render_section, visible_length
from bot.render.terminal import render_terminal


def sentence(text: str) -> Span:
    """The first sentence of `text`, parsed."""
    return next(iter(get_nlp()(text).sents))


def figures(text: str) -> list[str]:
    return [ent.text for ent in get_nlp()(text).ents if is_figure(ent)]


# --- claim types ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("The new stadium will open next spring.", "prediction"),
    ("Officials are expected to approve the budget in the autumn.", "prediction"),
    ("The council is due to vote on the plan.", "prediction"),
    ("The mayor is going to win the runoff easily.", "prediction"),
    ("The reform could push thousands of families into debt.", "prediction"),
    ("The match was delayed because of heavy rain.", "causal"),
    ("The closure led to long queues at the border.", "causal"),
    ("The fire was caused by a faulty heater in the kitchen.", "causal"),
    ("The game was called off due to flooding on the pitch.", "causal"),
    ("The city lost $3 billion in revenue last year.", "quantity"),
    ("Unemployment in the region fell to 40 percent.", "quantity"),
    ("The carmaker cut 12,000 jobs at its plants.", "quantity"),
    ("It is the third-largest port in the region.", "comparison"),
    ("Crime in the district is higher than it was a decade ago.", "comparison"),
    ("Record turnout surprised the organisers.", "comparison"),
    ("The council closed the old bridge to all traffic.", "other"),
    ("The company could not be reached for comment.", "other"),
    ("The senator could have won the race in the spring.", "other"),
    ("The mayor is going to Iowa on Friday.", "other"),
    ("The senator has a long voting record on the issue.", "other"),
    ("Smaller companies hired new workers in the spring.", "other"),
    ("He no longer works there, at least not officially.", "other"),
])
def test_claim_type(text: str, expected: str) -> None:
    assert claim_type(sentence(text)) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # prediction > causal > quantity > comparison
    ("Prices will rise 5 percent because of the new tariffs.", ("prediction", "will")),
    ("The plant closed because demand fell 40 percent.", ("causal", "because")),
    ("Sales rose 40 percent, the biggest jump in a decade.", ("quantity", "40 percent")),
    ("The drought was the worst in memory and caused a famine.", ("causal", "caused")),
])
def test_type_precedence(text: str, expected: tuple[str, str]) -> None:
    span = sentence(text)
    found = [ent for ent in span.ents if is_figure(ent)]
    assert type_and_cue(span, figures=found, quoted=[]) == expected


def test_cues_inside_a_sourced_quotation_do_not_type_the_claim() -> None:
    text = "“Prices will rise,” the minister said, and the shops closed early."
    span = sentence(text)
    quoted = [(0, text.index("”") + 1)]
    assert type_and_cue(span, figures=[], quoted=quoted) == ("other", None)
    assert type_and_cue(span, figures=[], quoted=[])[0] == "prediction"


# --- figures -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Call the hotline at 555-123-4567 to report a leak.",
    "Only 1 of the candidates showed up at the hall.",
    "The team is ranked No. 2 in the country this season.",
    "The shop at 221 Baker Street closed in 2019.",
    "John Smith, 54, was arrested at his home on Tuesday.",
    "He joined the club at age 19 and left after the final.",
    "Flight 370 disappeared over the ocean.",
    "Two men were seen leaving the building at night.",
    "After the 9/11 attacks, the president acted.",
])
def test_numbers_that_are_not_figures(text: str) -> None:
    assert figures(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Unemployment fell to 40 percent last year.", ["40 percent"]),
    ("The city lost $3 billion in revenue.", ["$3 billion"]),
    ("The carmaker cut 12,000 jobs at its plants.", ["12,000"]),
    ("More than three million people voted in the referendum.", ["More than three million"]),
    ("The 29 New Yorkers wounded in the blast were bystanders.", ["29"]),
])
def test_figures(text: str, expected: list[str]) -> None:
    assert figures(text) == expected


def test_claim_cues_hold_figures_but_not_phone_numbers_or_years() -> None:
    text = ("The clinic at 221 Baker Street has served the town since 1998, and its number "
            "is 555-123-4567.\n\nThe clinic treated 12,000 patients and lost 40 percent of "
            "its funding.")
    plain, counted = sorted(analyze(text).claims, key=lambda c: c.start)
    assert plain.cues == () and plain.type == "other"
    assert counted.cues == ("12,000", "40 percent") and counted.type == "quantity"


# --- ranking and the cap -------------------------------------------------------------------

def _candidate(kind: str, score: float, start: int, *, reads_as_sourced: bool = False) -> Candidate:
    claim = Claim(kind, f"claim {start}", start, start + 1)  # type: ignore[arg-type]
    return Candidate(claim, score, reads_as_sourced=reads_as_sourced)


def test_notability_weighs_boosters_then_hedges_then_types_and_figures() -> None:
    assert notability(["clearly"], "unattributed") > notability(["probably"], "unattributed",
                                                                 "prediction")
    assert notability(["probably"], "unattributed") > notability([], "unattributed", "causal")
    assert notability([], "unattributed", "causal") > notability([], "unattributed")
    assert notability([], "vague") > notability([], "unattributed")
    assert notability([], "unattributed", "other") == 0
    # A table in prose is no more notable than two figures.
    assert notability(["1,000", "2,000", "3,000", "4,000"], "unattributed", "quantity") == \
        notability(["1,000", "2,000"], "unattributed", "quantity")


def test_cap_grows_with_the_article_and_is_bounded() -> None:
    assert claim_cap(300) >= PLAIN_FLOOR - 2
    assert claim_cap(300) <= claim_cap(1500) <= claim_cap(3000) <= CAP_MAX
    assert claim_cap(1500) > claim_cap(300)
    assert claim_cap(100_000) == CAP_MAX


def test_selection_keeps_vague_claims_and_those_read_as_sourced_and_caps_the_rest() -> None:
    notable = [_candidate("unattributed", 2.0, i) for i in range(0, 60, 2)]
    plain = [_candidate("unattributed", 0.0, i) for i in range(1, 61, 2)]
    vague = [_candidate("vague", 1.0, 100 + i) for i in range(12)]
    pinned = _candidate("unattributed", 0.0, 500, reads_as_sourced=True)
    kept = select_claims([*plain, pinned, *vague, *notable], words=3000)
    unattributed = [c for c in kept if c.kind == "unattributed"]
    assert [c for c in kept if c.kind == "vague"] == [v.claim for v in vague]
    assert pinned.claim in kept
    assert len(unattributed) == claim_cap(3000) + 1  # the one that reads as sourced is extra
    assert all(c.start % 2 == 0 for c in unattributed if c is not pinned.claim)
    # Most notable first; ties in text order.
    assert kept[:3] == [notable[0].claim, notable[1].claim, notable[2].claim]


def test_plain_claims_fill_a_short_list_only() -> None:
    plain = [_candidate("unattributed", 0.0, i) for i in range(20)]
    notable = [_candidate("unattributed", 1.0, 100 + i) for i in range(3)]
    kept = select_claims(plain + notable, words=600)
    assert claim_cap(600) >= PLAIN_FLOOR
    assert kept[:3] == [n.claim for n in notable]
    assert kept[3:] == [p.claim for p in plain[:PLAIN_FLOOR - 3]]
    short = select_claims(plain + notable, words=100)
    assert len(short) == min(claim_cap(100), PLAIN_FLOOR)


THINGS = ("bridge", "tunnel", "school", "library", "stadium", "harbour", "museum", "depot",
          "clinic", "market", "station", "airport", "tramline", "archive", "theatre")


def test_a_claim_after_a_closing_quotation_stays_listed() -> None:
    # A splitter that does not break after a closing quotation mark reads the quotation
    # and the next sentence as one, mostly quoted: left off, the claim would read as sourced.
    notable = [f"The new {thing} will clearly cost more than the council planned."
               for thing in THINGS]
    quote = ("Maria Keller, the mayor, said: “The bridge closes for repairs every winter, "
             "and every winter the town loses its trade for weeks on end.”")
    after_quote = "The ferry carried commuters across the river."
    elsewhere = "The buses ran on time during the closure."
    text = "\n\n".join([*notable[:8], quote, after_quote, *notable[8:], elsewhere])
    breakdown = analyze(text)
    assert [q.speaker for q in breakdown.quotes] == ["Maria Keller"]
    listed = [c.text for c in breakdown.claims]
    assert len(listed) == claim_cap(len(text.split())) + 1
    assert after_quote in listed and elsewhere not in listed


OPINION = (
    "The city council approved the budget on a Tuesday evening.",
    "Residents lined up outside the town hall to watch the vote.",
    "The mayor walked out of the chamber before the final count.",
    "The plan will almost certainly fail within a year.",
    "Clearly, nobody on the council has read the auditors' report.",
    "The new levy could cost each household about 400 dollars a year.",
    "Traffic has grown worse because the bridge was closed.",
    "Local shops closed early and the square emptied by nine.",
    "The council reportedly ignored three warnings from engineers.",
    "It is the most expensive project in the town's history.",
    "Officials met again the next morning in a smaller room.",
)


def opinion_piece(paragraphs: int, seed: int) -> str:
    """Paragraphs of four sentences drawn from `OPINION` (no paragraph twice: a repeated
    line reads as boilerplate)."""
    rng = random.Random(seed)
    seen: set[str] = set()
    while len(seen) < paragraphs:
        seen.add(" ".join(rng.sample(OPINION, 4)))
    return "\n\n".join(sorted(seen, key=lambda p: rng.random()))


def test_long_opinion_piece_lists_few_claims() -> None:
    text = opinion_piece(60, seed=1)
    breakdown = analyze(text)
    unattributed = [c for c in breakdown.claims if c.kind == "unattributed"]
    vague = [c for c in breakdown.claims if c.kind == "vague"]
    expected_vague = text.count("reportedly")
    assert text.count(".") > 200 and len(vague) == expected_vague > 10  # all of them
    assert len(unattributed) == CAP_MAX
    assert all(c.type != "other" or c.cues for c in unattributed)


def test_span_index_finds_every_overlapping_span() -> None:
    spans = [(0, 5), (3, 40), (10, 12), (20, 25), (50, 60)]
    index = SpanIndex(spans)
    for start, end in [(0, 1), (11, 21), (26, 49), (41, 51), (60, 70), (5, 10)]:
        expected = sorted(s for s in spans if s[0] < end and start < s[1])
        assert index.overlapping(start, end) == expected
    assert SpanIndex([]).overlapping(0, 10) == []


# --- the model: JSON and old caches --------------------------------------------------------

def _breakdown(*claims: Claim) -> Breakdown:
    return Breakdown(Source(words=100), "en", ("A summary.",), (), (), claims, "text")


def test_json_has_a_type_for_every_claim() -> None:
    data = _breakdown(Claim("unattributed", "Taxes will rise.", 0, 16, ("will",),
                            "prediction")).to_dict()
    assert data["claims"] == [{"kind": "unattributed", "text": "Taxes will rise.", "start": 0,
                               "end": 16, "cues": ["will"], "type": "prediction"}]
    assert '"type": "prediction"' in render_json(_breakdown(*_breakdown().claims,
                                                            Claim("vague", "x", 0, 1,
                                                                  type="prediction")))


def test_from_dict_round_trips_and_reads_old_caches() -> None:
    claim = Claim("vague", "Sales reportedly fell 40 percent.", 0, 33,
                  ("reportedly", "40 percent"), "quantity")
    assert Breakdown.from_dict(_breakdown(claim).to_dict()) == _breakdown(claim)
    old = _breakdown(claim).to_dict()
    for item in old["claims"]:
        del item["type"]  # cached before claims had a type
    restored = Breakdown.from_dict(old)
    assert restored.claims[0].type == "other"
    assert restored.claims[0].cues == ("reportedly", "40 percent")
    odd = _breakdown(claim).to_dict()
    odd["claims"][0]["type"] = "opinion"  # a type this version does not know
    assert Breakdown.from_dict(odd).claims[0].type == "other"


# --- rendering -----------------------------------------------------------------------------

CLAIMS = (
    Claim("unattributed", "The levy will cost each household 400 dollars.", 0, 46,
          ("400 dollars",), "prediction"),
    Claim("vague", "Traffic reportedly grew because the bridge closed.", 47, 97,
          ("reportedly",), "causal"),
    Claim("unattributed", "The council met on Tuesday.", 98, 125, (), "other"),
    Claim("unattributed", "It is the costliest project yet.", 126, 158, (), "comparison"),
)


def test_terminal_tags_each_claim_with_its_type() -> None:
    text = render_terminal(_breakdown(*CLAIMS))
    assert "• (no source · prediction) “The levy will cost" in text
    assert "• (vague source · cause) “Traffic reportedly grew" in text
    assert "• (no source) “The council met on Tuesday.”" in text
    assert "• (no source · comparison) “It is the costliest" in text


def test_telegram_reply_and_expansion_tag_each_claim() -> None:
    breakdown = _breakdown(*CLAIMS)
    reply = render_reply(breakdown)
    assert "<i>(prediction)</i> “The levy will cost" in reply
    assert "<i>(vague source · cause)</i> “Traffic reportedly grew" in reply
    (expansion,) = render_section(breakdown, "claims")
    assert "<b>no source · prediction</b>: “The levy will cost" in expansion
    assert "<b>vague source · cause</b>: “Traffic reportedly" in expansion
    assert "<b>no source</b>: “The council met on Tuesday.”" in expansion
    quantity = Claim("unattributed", "Sales fell 40 percent.", 0, 22, ("40 percent",),
                     "quantity")
    assert "<i>(figure)</i> “Sales fell 40 percent.”" in render_reply(_breakdown(quantity))


def test_all_claims_of_a_typical_article_fit_one_message() -> None:
    breakdown = analyze(opinion_piece(12, seed=2))  # about 500 words
    messages = render_section(breakdown, "claims")
    assert len(messages) == 1 and visible_length(messages[0]) <= 4096
    shown = plain_text(messages[0])
    assert all(" ".join(c.text.split()) in shown for c in breakdown.claims)


@pytest.mark.parametrize(("cue", "kind"), [("said", "vague"), ("approved", "unattributed")])
def test_a_statement_shown_under_an_unnamed_source_is_not_listed_as_unsourced(
        cue: str, kind: str) -> None:
    text = f"The city council {cue} the new budget would double road repairs next year."
    (sentence_,) = find_sentences(get_nlp()(text))
    content_start = text.index("the new")
    tagger_quote = Quote("The city council", None, True, "indirect", cue,
                         text[content_start:-1], content_start, len(text) - 1,
                         frame=(0, len(text) - 1))
    # The rules found nothing here; the tagger's unnamed-source quote decides the kind.
    (claim,) = find_claims([sentence_], [tagger_quote], rule_quotes=[])
    assert claim.kind == kind


@pytest.mark.parametrize("sentence", [
    "Read the full report on the city website before the vote.",
    "Here are the best deals of the week for new subscribers:",
], ids=["command", "list-lead-in"])
def test_commands_and_list_lead_ins_are_not_claims(sentence: str) -> None:
    text = f"The shop reopened in May with a new menu and longer hours.\n\n{sentence}\n"
    assert [c.text for c in analyze(text).claims if sentence[:12] in c.text] == []
