"""What kind of assertion a claim sentence makes, and which of its numbers are figures.

Small pure functions over the spaCy span of one sentence; the word lists are in
`claim_types.py`. A sentence gets one type, the first that applies in this order:

1. **prediction** — a modal of the future or the hypothetical ("will", "could", "would")
   or "expected to", "plans to", "due to vote": a claim about what has not happened yet
   cannot be checked now, which is the first thing a reader should know about it;
2. **causal** — "because", "due to", "led to", "caused", "blamed for", "thanks to":
   a claim that one thing made another happen is the most loaded kind, and the hardest
   to check, even when it also carries a figure;
3. **quantity** — a figure with its unit or what it counts ("40 percent", "$3 billion",
   "12,000 jobs"); comparisons of figures ("more than 6 times") stay quantities, as in
   the Full Fact typology;
4. **comparison** — comparatives and superlatives without a figure ("the worst", "higher
   than", "third-largest", "record turnout");
5. **other**.

Cues inside sourced quotation spans are the source's words, not the author's: they are
passed as `quoted` (character spans) and skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.tokens import Span, Token

from bot.breakdown.claim_types import (
    AGE_MARKERS,
    APPROXIMATORS,
    BARE_ONE,
    CAUSAL_PHRASES,
    CAUSAL_VERBS,
    COMPARATIVE_TAGS,
    COMPARISON_PHRASES,
    COMPARISON_VERBS,
    NEGATED_PAST_MODALS,
    NOT_COMPARATIVE,
    NOT_COMPARATIVE_BIGRAMS,
    NUMBER_LABELS,
    PAST_MODAL_FOLLOWER,
    PHONE,
    PREDICTION_MODALS,
    PREDICTION_PHRASES,
    RANK_MARKERS,
    RECORD,
    RECORD_DEPS,
    SCALE_WORDS,
    SLASHED,
    STREET_WORDS,
    THAN,
    THE_ONLY_SUPERLATIVES,
    UNIT_LABELS,
    YEAR,
)
from bot.breakdown.lexicon import phrase_pattern
from bot.breakdown.model import ClaimType
from bot.breakdown.nlp import text_of

Spans = list[tuple[int, int]]

_PREDICTION = phrase_pattern(PREDICTION_PHRASES)
_CAUSAL = phrase_pattern(CAUSAL_PHRASES)
_COMPARISON = phrase_pattern(COMPARISON_PHRASES)
_DIGIT = re.compile(r"\d")
_TIME_LABELS = frozenset({"DATE", "TIME"})
_COMPARATIVES = frozenset({"JJR", "RBR"})
_COUNT_LABELS = frozenset({"CARDINAL", "QUANTITY"})  # money and percentages are no years
_PLURAL_NOUNS = frozenset({"NNS", "NNPS"})  # "12,000 jobs", "29 New Yorkers"
_SINGULAR_NOUNS = frozenset({"NN", "NNP"})
_RANK_OR_AGE = RANK_MARKERS | AGE_MARKERS
# How far around a number to look for the rest of a telephone number.
_PHONE_REACH = 16


def inside(start: int, end: int, spans: Spans) -> bool:
    """Is [start, end) within one of the spans?"""
    return any(s <= start and end <= e for s, e in spans)


# --- figures -------------------------------------------------------------------------------


def is_figure(ent: Span) -> bool:
    """A number worth showing: an amount with its unit, or a count of something.

    Not a figure: a bare 0 or 1, a rank ("No. 2", "#1"), a year, an age ("Smith, 54,"),
    a house number ("221 Baker Street"), part of a telephone number, a date or name
    with a slash ("9/11"), a number that names something ("Flight 370"), or a spelt-out
    small number ("two men").
    """
    if ent.label_ not in NUMBER_LABELS:
        return False
    scaled = any(t.lower_ in SCALE_WORDS for t in ent)
    if not (scaled or _DIGIT.search(ent.text)):
        return False
    if SLASHED.search(ent.text) or _is_phone(ent) or _is_rank_or_age(ent) \
            or _is_house_number(ent):
        return False
    number = "".join(t.text for t in ent if t.like_num)
    if not scaled and ent.label_ in _COUNT_LABELS and YEAR.fullmatch(number):
        return False  # "in 2019", "a 2014 study"
    if ent.label_ in UNIT_LABELS:
        return True
    if not scaled and BARE_ONE.fullmatch(number):
        return False
    return scaled or _counts_something(ent)


def _counts_something(ent: Span) -> bool:
    """A cardinal counts something when it modifies a plural noun ("12,000 jobs", "29 New
    Yorkers"), has an "of" complement ("3 of the 5 seats") or is bounded ("more than 6",
    "nearly 200")."""
    root = ent.root
    if root.head.tag_ in _PLURAL_NOUNS and not ent.start <= root.head.i < ent.end:
        return True
    if any(c.lower_ == "of" for c in root.children):
        return True
    return any(t.lower_ in APPROXIMATORS for t in ent)


def _is_phone(ent: Span) -> bool:
    text = text_of(ent.doc)
    start = max(0, ent.start_char - _PHONE_REACH)
    for match in PHONE.finditer(text, start, ent.end_char + _PHONE_REACH):
        if match.start() < ent.end_char and ent.start_char < match.end():
            return True
    return False


def _before(ent: Span) -> list[Token]:
    """Up to two tokens before the entity, nearest first ("No" "." before "2")."""
    doc = ent.doc
    return [doc[i] for i in (ent.start - 1, ent.start - 2) if i >= 0]


def _is_rank_or_age(ent: Span) -> bool:
    before = _before(ent)
    if before and before[0].lower_ in _RANK_OR_AGE:
        return True
    if len(before) == 2 and before[0].text == "." and before[1].lower_ in RANK_MARKERS:
        return True  # "No. 2" split as "No" "."
    root = ent.root
    if root.dep_ == "appos" and root.head.pos_ == "PROPN" and ent.label_ == "CARDINAL":
        return True  # "John Smith, 54, said"
    # A number right after the noun it names: "Flight 370", "Proposition 64".
    head = root.head
    return root.dep_ == "nummod" and head.i < root.i and head.tag_ in _SINGULAR_NOUNS


def _is_house_number(ent: Span) -> bool:
    doc = ent.doc
    following = doc[ent.end:min(len(doc), ent.end + 4)]
    return bool(following) and following[0].pos_ == "PROPN" \
        and any(t.lower_ in STREET_WORDS for t in following)


def figures_in(span: Span, figures: Iterable[Span], quoted: Spans) -> list[Span]:
    """The figures inside the sentence and outside sourced quotations."""
    return [f for f in figures
            if span.start_char <= f.start_char and f.end_char <= span.end_char
            and not inside(f.start_char, f.end_char, quoted)]


# --- types ---------------------------------------------------------------------------------


def _mine(token: Token, quoted: Spans) -> bool:
    return not inside(token.idx, token.idx + len(token.text), quoted)


def _before_verb(span: Span, end_char: int) -> bool:
    """Does a bare verb follow the phrase ending at `end_char` ("due to *vote*")?"""
    last = span.doc.char_span(end_char - 1, end_char, alignment_mode="expand")
    if last is None or last.end >= len(span.doc):
        return False
    return span.doc[last.end].tag_ == "VB"


def _phrases(span: Span, pattern: re.Pattern[str], quoted: Spans) -> list[re.Match[str]]:
    """Phrase matches in the sentence outside the quoted spans, in text order."""
    found = pattern.finditer(text_of(span.doc), span.start_char, span.end_char)
    return [m for m in found if not inside(m.start(), m.end(), quoted)]


def _needs_verb(match: re.Match[str]) -> bool:
    return match.group().lower().endswith(" to")


def prediction_cue(span: Span, quoted: Spans) -> str | None:
    """The word or phrase that makes the sentence a prediction, if one does."""
    for token in span:
        if token.tag_ != "MD" or token.lower_ not in PREDICTION_MODALS \
                or not _mine(token, quoted):
            continue
        after = [t for t in token.doc[token.i + 1:token.i + 3] if t.dep_ != "neg"]
        if after and after[0].lower_ == PAST_MODAL_FOLLOWER:
            continue  # "could have won": about the past
        negated = any(c.dep_ == "neg" for c in token.head.children)
        if negated and token.lower_ in NEGATED_PAST_MODALS:
            continue  # "could not be reached": past inability
        return token.text
    for match in _phrases(span, _PREDICTION, quoted):
        if not _needs_verb(match) or _before_verb(span, match.end()):
            return match.group()
    return None


def causal_cue(span: Span, quoted: Spans) -> str | None:
    """The connective or verb that makes the sentence causal, if one does."""
    for match in _phrases(span, _CAUSAL, quoted):
        if not (_needs_verb(match) and _before_verb(span, match.end())):
            return match.group()  # "due to rain", not "due to vote"
    for token in span:
        preps = CAUSAL_VERBS.get(token.lemma_)
        if preps is None or token.pos_ != "VERB" or not _mine(token, quoted):
            continue
        if not preps:
            return token.text
        for child in token.children:
            if child.lower_ in preps:
                return f"{token.text} {child.text}"
    return None


def _compares(token: Token) -> bool:
    """A comparative or superlative that compares something a reader could check."""
    if token.ent_type_ in _TIME_LABELS:
        return False  # "more than a decade", "later this week": a time, not a comparison
    doc = token.doc
    before = doc[token.i - 1].lower_ if token.i > 0 else ""
    after = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
    lowered = token.lower_
    if (before, lowered) in NOT_COMPARATIVE_BIGRAMS or (lowered, after) in NOT_COMPARATIVE_BIGRAMS:
        return False
    if token.tag_ in COMPARATIVE_TAGS:
        if lowered in NOT_COMPARATIVE or (token.tag_ in _COMPARATIVES and token.dep_ == "amod"):
            return False  # "smaller arms", "higher education": a class, unless "than"
        return lowered not in THE_ONLY_SUPERLATIVES or before == "the"
    if lowered in (THAN, RECORD):
        return lowered == THAN or token.dep_ in RECORD_DEPS
    return token.pos_ == "VERB" and token.lemma_ in COMPARISON_VERBS


def comparison_cue(span: Span, quoted: Spans) -> str | None:
    """The comparative, superlative or comparing phrase in the sentence, if any."""
    for token in span:
        if _compares(token) and _mine(token, quoted):
            return token.text
    found = _phrases(span, _COMPARISON, quoted)
    return found[0].group() if found else None


def type_and_cue(span: Span, *, figures: list[Span],
                 quoted: Spans) -> tuple[ClaimType, str | None]:
    """The claim's type (first that applies: prediction, causal, quantity, comparison,
    else other) and the words that show it. `figures` are the sentence's own figures."""
    if cue := prediction_cue(span, quoted):
        return "prediction", cue
    if cue := causal_cue(span, quoted):
        return "causal", cue
    if figures:
        return "quantity", figures[0].text
    if cue := comparison_cue(span, quoted):
        return "comparison", cue
    return "other", None


def claim_type(sentence: Span) -> ClaimType:
    """The claim type of a sentence on its own (no quotations set aside)."""
    figures = [ent for ent in sentence.ents if is_figure(ent)]
    return type_and_cue(sentence, figures=figures, quoted=[])[0]
