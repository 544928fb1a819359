"""Unattributed claims: what the text asserts with no source, or only a vague one.

A body sentence is a claim unless named sources' quotes make up at least half of what it
asserts (the 50% rule of the PolNeAR-derived metric, with the source phrase and cue set
aside). It is *vague* when the only source is anonymous ("unnamed officials said") or a
formula that names nobody ("reportedly", "it is believed", "it is clear that").

Each claim has a type (`claim_typing`: prediction, causal, quantity, comparison, other)
and cue words that say why it is listed. The list is what a reader should weigh, not
every sentence: claims come most notable first (boosters, hedges, the type, figures,
vague sourcing); every vague claim is kept (vague sourcing is itself worth weighing),
unattributed ones only up to a cap that grows with the article (`claim_cap`), and plain
ones (notability 0) only while the list is short.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from bot.breakdown.claim_typing import figures_in, is_figure, type_and_cue
from bot.breakdown.cues import is_cue
from bot.breakdown.lexicon import BOOSTERS, HEDGES, VAGUE_MARKERS, phrase_pattern
from bot.breakdown.model import Claim, ClaimKind, ClaimType, Quote
from bot.breakdown.segment import Sentence
from bot.breakdown.spans import SpanIndex

_COVERED = 0.5
_CUE_PATTERN = phrase_pattern(HEDGES + BOOSTERS)
_BOOSTER_SET = frozenset(BOOSTERS)
_MIN_WORDS = 4
_CLOSING_QUOTES = ("”", '"', "'", "’", "»")
# Notability: boosters (and intensified hedges, "incredibly likely") present opinion as
# certainty, the mark of a slanted claim, and weigh most; then hedges; vague sourcing,
# each figure or source cue, and a loaded type add one. A quantity's weight is its
# figures; "other" adds nothing.
_BOOSTER_WEIGHT = 4.0
_HEDGE_WEIGHT = 2.0
_TYPE_WEIGHTS: dict[ClaimType, float] = {
    "prediction": 1.0, "causal": 1.0, "comparison": 1.0, "quantity": 0.0, "other": 0.0}
# Figures add to notability, but a sentence full of numbers is no more notable than one
# with two: past that it is a table in prose.
_MAX_FIGURE_SCORE = 2.0
# The unattributed claims listed: CAP_BASE, plus one per CAP_WORDS words of body text, at
# most CAP_MAX (about one Telegram message). Plain claims (notability 0) only fill the
# list up to PLAIN_FLOOR: a short article's own assertions stay visible, a long one's
# plain sentences are not worth a reader's time.
CAP_BASE = 6
CAP_WORDS = 250
CAP_MAX = 14
PLAIN_FLOOR = 8


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
                 figures: list[Span]) -> list[str]:
    """Hedges, boosters and figures in the sentence, as written, outside sourced quotes.

    `figures` are the sentence's own figures (`claim_typing.figures_in`)."""

    def outside(start: int, end: int) -> bool:
        return not any(s <= start and end <= e for s, e in quoted)

    base = sentence.start
    cues = [m.group() for m in _CUE_PATTERN.finditer(sentence.text)
            if outside(base + m.start(), base + m.end())]
    cues += [ent.text for ent in figures]
    return list(dict.fromkeys(cues))


def notability(cues: list[str], kind: ClaimKind, claim_type: ClaimType = "other") -> float:
    """Boosters weigh most, then hedges; vague sourcing, figures, source cues and a
    prediction, causal or comparison type add one each (figures and source cues two at
    most). `cues` are source, hedge, booster and figure cues."""
    score = (1.0 if kind == "vague" else 0.0) + _TYPE_WEIGHTS[claim_type]
    plain = 0.0
    for cue in cues:
        lowered = cue.lower()
        if lowered in _BOOSTER_SET:
            score += _BOOSTER_WEIGHT
        elif " " in lowered and lowered.split()[-1] in {"likely", "unlikely"}:
            score += _BOOSTER_WEIGHT  # an intensified hedge: "incredibly likely"
        elif _CUE_PATTERN.fullmatch(cue):
            score += _HEDGE_WEIGHT
        else:
            plain += 1  # a figure or a vague source
    return score + min(plain, _MAX_FIGURE_SCORE)


def claim_cap(words: int) -> int:
    """How many unattributed claims an article of `words` body words lists at most."""
    return min(CAP_MAX, CAP_BASE + words // CAP_WORDS)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A claim sentence before selection: how notable it is, and whether it must stay."""

    claim: Claim
    score: float
    # Left off the list, the sentence would read as sourced (`reads_as_sourced`), so it
    # stays whatever the cap.
    reads_as_sourced: bool = False


def select_claims(candidates: list[Candidate], *, words: int) -> list[Claim]:
    """The claims worth listing, most notable first (ties in text order).

    Every vague claim; unattributed ones up to `claim_cap(words)`, and those with
    notability 0 only while fewer than `PLAIN_FLOOR` are listed; those that would read as
    sourced if they were not listed, always.
    """
    cap = claim_cap(words)
    kept: list[Claim] = []
    listed = 0
    for item in sorted(candidates, key=lambda c: (-c.score, c.claim.start)):
        if item.claim.kind == "unattributed" and not item.reads_as_sourced:
            if listed >= (cap if item.score > 0 else min(cap, PLAIN_FLOOR)):
                continue
            listed += 1
        kept.append(item.claim)
    return kept


def is_assertion(sentence: Sentence) -> bool:
    """Statements, not questions, fragments, bare quotations of a single word, commands
    ("Turn left at the church.") or lead-ins to a list ("Here are the deals:")."""
    text = sentence.text.rstrip("”\"’' )")
    if text.endswith(("?", ":")) or len(sentence.text.split()) < _MIN_WORDS:
        return False
    return any(t.pos_ in {"VERB", "AUX"} for t in sentence.span) and not _is_command(sentence)


def _is_command(sentence: Sentence) -> bool:
    """An imperative: the main verb in its base form, first, with no subject."""
    root = sentence.span.root
    first = next((t for t in sentence.span if not (t.is_punct or t.is_space)), None)
    return root.tag_ == "VB" and first is not None and first.i == root.i and not any(
        c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in root.children)


def sourced_share(sentence: Sentence, quotes: list[Quote]) -> float:
    """How much of what the sentence asserts is the quoted sources' content.

    The source phrase and cue ("Officials who asked not to be named said") are who
    speaks, not what is asserted, so they leave the denominator rather than count either
    way; what remains beside the content ("…, but also had to…") is the author's.
    """
    frames = [(f, s) for q in quotes for f, s in ((q.frame[0], q.start), (q.end, q.frame[1]))
              if f < s]
    spans = [(q.start, q.end) for q in quotes]
    asserted: float = sentence.end - sentence.start
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


def reads_as_sourced(sentence: Sentence, previous: Sentence | None,
                     quotes: SpanIndex) -> bool:
    """Would the sentence read as sourced if no claim listed it?

    The contract labels a sentence that no claim lists by the quotes over it. Quotes may
    cover half of a claim's characters and still not enough of what it asserts to source
    it (`sourced_share` sets the source phrase aside). And a sentence splitter that does
    not break after a closing quotation mark reads a paragraph's closing quotation and
    the next sentence as one sentence, which the quotation then mostly covers.
    """
    def quoted(start: int, end: int) -> float:
        return coverage(start, end, quotes.overlapping(start, end))

    if quoted(sentence.start, sentence.end) >= _COVERED:
        return True
    return previous is not None and previous.text.endswith(_CLOSING_QUOTES) \
        and quoted(previous.start, sentence.end) >= _COVERED


def _named_cover(sentence: Sentence, named: list[Quote]) -> bool:
    here = [q for q in named if q.frame[0] < sentence.end and sentence.start < q.frame[1]]
    return bool(here) and sourced_share(sentence, here) >= _COVERED


def _reports_speech(quote: Quote, doc: Doc) -> bool:
    """Whether the quote's cue is one of the engine's cue verbs ("said", "warned"), not a
    verb the tagger alone read as one ("the council approved the budget")."""
    frame = doc.char_span(*quote.frame, alignment_mode="expand")
    last = quote.cue.split()[-1] if quote.cue.split() else ""
    return frame is not None and any(t.text == last and is_cue(t) for t in frame)


def find_claims(sentences: list[Sentence], quotes: list[Quote], *,
                rule_quotes: list[Quote] | None = None) -> list[Claim]:
    """The claims worth listing, the most notable first (ties in text order).

    With `rule_quotes`, whether a sentence is a claim (and whether vague) is decided on
    the rules' quotes, which this logic was fitted to; then every sentence that a named
    source's quote among `quotes` covers is taken out, and one that an unnamed source's
    quote covers is vague, not unattributed: the learned tagger's extra attributions only
    ever remove false "no source" claims, and the breakdown never shows a statement under
    a source while listing it as having none. (Deciding on the tagger's quotes directly
    measured lower on polnear-dev: 3-way accuracy 0.772 against 0.781. The vague step
    costs 0.004 accuracy and gains 0.019 vague F1 there; it is kept for consistency.
    See `bench/attribution_variants.py`.)
    """
    deciding = quotes if rule_quotes is None else rule_quotes
    named_quotes = [q for q in quotes if not q.anonymous]
    # Read once for the whole text: per sentence, the pass was quadratic (30,000 words
    # took 40 s).
    doc = sentences[0].span.doc if sentences else None
    speech_anonymous = [q for q in quotes if q.anonymous and doc is not None
                        and _reports_speech(q, doc)]
    candidates: list[Candidate] = []
    named = SpanIndex((q.start, q.end) for q in quotes if not q.anonymous)
    every_quote = SpanIndex((q.start, q.end) for q in deciding)
    # Figures from the document's entity list, read once (`Span.ents` rescans it per
    # call) and found per sentence by bisection, so the pass stays linear.
    figures = [e for e in sentences[0].span.doc.ents if is_figure(e)] if sentences else []
    starts = [f.start_char for f in figures]
    words = 0
    previous: Sentence | None = None
    for sentence in sentences:
        if not sentence.is_body:
            continue
        words += len(sentence.text.split())
        before, previous = previous, sentence
        if not is_assertion(sentence):
            continue
        kind, source_cues = classify_sentence(sentence, deciding)
        if kind is None or (rule_quotes is not None and _named_cover(sentence, named_quotes)):
            continue
        if kind == "unattributed" and rule_quotes is not None:
            # A statement shown under an unnamed source of the tagger's ("the agency
            # said…") is vaguely sourced, never "no source" beside its own quote.
            kind, source_cues = classify_sentence(sentence, speech_anonymous)
            kind = kind or "unattributed"
        sourced = named.overlapping(sentence.start, sentence.end)
        near = figures[bisect.bisect_left(starts, sentence.start):
                       bisect.bisect_left(starts, sentence.end)]
        own = figures_in(sentence.span, near, sourced)
        cues = list(dict.fromkeys(source_cues + notable_cues(sentence, sourced, own)))
        claim_type, _ = type_and_cue(sentence.span, figures=own, quoted=sourced)
        claim = Claim(kind, sentence.text, sentence.start, sentence.end, tuple(cues),
                      claim_type)
        candidates.append(Candidate(
            claim, notability(cues, kind, claim_type),
            reads_as_sourced=reads_as_sourced(sentence, before, every_quote)))
    return select_claims(candidates, words=words)
