"""Sources in prepositional phrases: "according to X" and "in the words of X".

The source is the phrase's object; the content is the quotation beside the phrase, the
block after its colon, or the rest of its clause.
"""

from __future__ import annotations

from spacy.tokens import Token

from bot.breakdown.cues import (
    MIN_CONTENT_CHARS,
    Attribution,
    _adjacent_quotes,
    _block_after_colon,
    _colon_after,
    _found,
    can_be_source,
    inside,
    shape_content,
)
from bot.breakdown.nlp import text_of
from bot.breakdown.quotemarks import QuotedSpan
from bot.breakdown.segment import Sentence
from bot.breakdown.speakers import SpeakerResolver


def quote_from_according_to(token: Token, quoted: list[QuotedSpan],
                            resolver: SpeakerResolver) -> Attribution | None:
    """"According to X, content" and "content, according to X"."""
    to = next((c for c in token.children if c.lower_ == "to"), None)
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
    if pobj is None:
        return None
    return _from_source_phrase(token, pobj, quoted, resolver, "according to")


def quote_from_words_of(token: Token, sentence: Sentence, quoted: list[QuotedSpan],
                        resolver: SpeakerResolver) -> Attribution | None:
    """"In the words of X: “…”", "In X's words, …", "“…,” in the words of X."."""
    words = next((c for c in token.children if c.dep_ == "pobj" and c.lower_ == "words"), None)
    if words is None:
        return None
    of = next((c for c in words.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    source = next((c for c in of.children if c.dep_ == "pobj"), None) if of else next(
        (c for c in words.children if c.dep_ == "poss"), None)
    if source is None or inside(source.idx, quoted) or not can_be_source(source):
        return None
    doc = token.doc
    cue_text = "in the words of"
    last = doc[token.right_edge.i]
    quotes = _adjacent_quotes(token, last, quoted)
    if quotes:
        return _found(source, token, "direct", quotes[0].start, quotes[-1].end, resolver,
                      cue_text)
    colon = _colon_after([t for t in doc[last.i + 1 : sentence.span.end] if not t.is_space],
                         quoted, token)
    if colon is not None:
        start, end = _block_after_colon(text_of(doc), colon.idx + 1)
        return _found(source, token, "direct", start, end, resolver, cue_text)
    return _from_source_phrase(token, source, quoted, resolver, cue_text)


def _from_source_phrase(token: Token, pobj: Token, quoted: list[QuotedSpan],
                        resolver: SpeakerResolver, cue_text: str) -> Attribution | None:
    """The clause a prepositional source phrase ("according to X") speaks for."""
    head = token.head if token.head is not token else token
    doc = token.doc
    sent = token.sent
    first, last = sent.start, sent.end - 1
    phrase = range(token.left_edge.i, token.right_edge.i + 1)
    if token.i < head.i:
        first = token.right_edge.i + 1
        # "…, but it is unknown if…": the source backs only the clause it introduces.
        split = next((c for c in head.children if c.dep_ in {"cc", "conj"} and c.i > head.i),
                     None)
        if split is not None:
            last = split.i - 1
    else:
        last = token.left_edge.i - 1
    tokens = [doc[i] for i in range(first, last + 1) if i not in phrase]
    tokens = [t for t in tokens if not t.is_space]
    while tokens and (tokens[0].is_punct or tokens[-1].is_punct):
        tokens = tokens[1:] if tokens[0].is_punct else tokens[:-1]
    if not tokens:
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
    if end - start < MIN_CONTENT_CHARS:
        return None
    kind, start, end = shape_content(doc, start, end, quoted)
    if inside(pobj.idx, quoted):
        return None
    return _found(pobj, token, kind, start, end, resolver, cue_text)
