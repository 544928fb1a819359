"""Unattributed claims: what the text asserts with no source, or only a vague one.

A body sentence is a claim unless named sources' quotes make up at least half of what it
asserts (the 50% rule of the PolNeAR-derived metric, with the source phrase and cue set
aside). It is *vague* when the only source is anonymous ("unnamed officials said") or a
formula that names nobody ("reportedly", "it is believed", "it is clear that"). Claims
come most notable first: boosters and hedges are what a reader should weigh, bare numbers
next.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.tokens import Span

from bot.breakdown.lexicon import BOOSTERS, HEDGES, VAGUE_MARKERS, phrase_pattern
from bot.breakdown.model import Claim, ClaimKind, Quote
from bot.breakdown.segment import Sentence

_COVERED = 0.5
_NUMBER_LABELS = frozenset({"CARDINAL", "PERCENT", "MONEY", "QUANTITY"})
_CUE_PATTERN = phrase_pattern(HEDGES + BOOSTERS)
_BOOSTER_SET = frozenset(BOOSTERS)
_MIN_WORDS = 4
_DIGIT = re.compile(r"\d")


def coverage(start: int, end: int, spans: Iterable[tuple[int, int]]) -> float:
    """Share of [start, end) covered by the union of `spans`."""
    if end <= start:
        return 0.0
    clipped = sorted((max(start, s), min(end, e)) for s, e in spans if s < end and start < e)
    covered, reach = 0, start
    for s, e in clipped:
        if e > reach:
            covered += e - max(s, reach)
            reach = e
    return covered / (end - start)


def notable_cues(sentence: Sentence, quoted: list[tuple[int, int]],
                 numbers: list[Span]) -> list[str]:
    """Hedges, boosters and figures in the sentence, as written, outside sourced quotes."""

    def outside(start: int, end: int) -> bool:
        return not any(s <= start and end <= e for s, e in quoted)

    base = sentence.start
    cues = [m.group() for m in _CUE_PATTERN.finditer(sentence.text)
            if outside(base + m.start(), base + m.end())]
    cues += [ent.text for ent in numbers
             if sentence.start <= ent.start_char and ent.end_char <= sentence.end
             and _DIGIT.search(ent.text) and outside(ent.start_char, ent.end_char)]
    return list(dict.fromkeys(cues))


def notability(cues: list[str], kind: ClaimKind) -> float:
    """Boosters weigh most, then hedges, then figures; vague sourcing adds a little."""
    score = 1.0 if kind == "vague" else 0.0
    for cue in cues:
        lowered = cue.lower()
        if lowered in _BOOSTER_SET:
            score += 3
        elif " " in lowered and lowered.split()[-1] in {"likely", "unlikely"}:
            score += 3  # an intensified hedge: "incredibly likely"
        elif _CUE_PATTERN.fullmatch(cue):
            score += 2
        else:
            score += 1
    return score


def is_assertion(sentence: Sentence) -> bool:
    """Statements, not questions, fragments or bare quotations of a single word."""
    text = sentence.text.rstrip("”\"’' )")
    if text.endswith("?") or len(sentence.text.split()) < _MIN_WORDS:
        return False
    return any(t.pos_ in {"VERB", "AUX"} for t in sentence.span)


def sourced_share(sentence: Sentence, quotes: list[Quote]) -> float:
    """How much of what the sentence asserts is the quoted sources' content.

    The source phrase and cue ("Officials who asked not to be named said") are who
    speaks, not what is asserted, so they leave the denominator rather than count either
    way; what remains beside the content ("…, but also had to…") is the author's.
    """
    frames = [(f, s) for q in quotes for f, s in ((q.frame[0], q.start), (q.end, q.frame[1]))
              if f < s]
    spans = [(q.start, q.end) for q in quotes]
    asserted = sentence.end - sentence.start
    asserted -= coverage(sentence.start, sentence.end, frames) * asserted
    if asserted <= 0:
        return 1.0 if spans else 0.0
    covered = coverage(sentence.start, sentence.end, spans) * (sentence.end - sentence.start)
    return min(1.0, covered / asserted)


def classify_sentence(sentence: Sentence, quotes: list[Quote]) -> tuple[ClaimKind | None,
                                                                        list[str]]:
    """(kind, source cues) for a claim sentence; kind None when a named source covers it."""
    here = [q for q in quotes if q.frame[0] < sentence.end and sentence.start < q.frame[1]]
    if sourced_share(sentence, [q for q in here if not q.anonymous]) >= _COVERED:
        return None, []
    anonymous = [q for q in here if q.anonymous]
    if sourced_share(sentence, anonymous) >= _COVERED:
        return "vague", list(dict.fromkeys(q.speaker for q in anonymous))
    markers = [m.group() for m in VAGUE_MARKERS.finditer(sentence.text)]
    if markers:
        return "vague", markers
    return "unattributed", []


def _named_cover(sentence: Sentence, named: list[Quote]) -> bool:
    here = [q for q in named if q.frame[0] < sentence.end and sentence.start < q.frame[1]]
    return bool(here) and sourced_share(sentence, here) >= _COVERED


def find_claims(sentences: list[Sentence], quotes: list[Quote], *,
                rule_quotes: list[Quote] | None = None) -> list[Claim]:
    """Claim sentences, the most notable first (ties in text order).

    With `rule_quotes`, whether a sentence is a claim (and whether vague) is decided on
    the rules' quotes, which this logic was fitted to, and then every sentence that a
    named source's quote among `quotes` covers is taken out: the learned tagger's extra
    attributions only ever remove false "no source" claims. (Deciding on the tagger's
    quotes directly, anonymous ones included, measured lower on polnear-dev: 3-way
    accuracy 0.772 against 0.781; see `bench/attribution_variants.py`.)
    """
    deciding = quotes if rule_quotes is None else rule_quotes
    named = [q for q in quotes if not q.anonymous]
    scored: list[tuple[float, Claim]] = []
    sourced = [(q.start, q.end) for q in quotes if not q.anonymous]
    # Figures from the document's entity list, read once: `Span.ents` rescans it per call.
    numbers = [e for e in sentences[0].span.doc.ents if e.label_ in _NUMBER_LABELS] \
        if sentences else []
    for sentence in sentences:
        if not sentence.is_body or not is_assertion(sentence):
            continue
        kind, source_cues = classify_sentence(sentence, deciding)
        if kind is None or (rule_quotes is not None and _named_cover(sentence, named)):
            continue
        cues = list(dict.fromkeys(source_cues + notable_cues(sentence, sourced, numbers)))
        claim = Claim(kind, sentence.text, sentence.start, sentence.end, tuple(cues))
        scored.append((notability(cues, kind), claim))
    scored.sort(key=lambda pair: (-pair[0], pair[1].start))
    return [claim for _, claim in scored]
