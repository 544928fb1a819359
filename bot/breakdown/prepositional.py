"""Sources in framing phrases: "according to X", "in the words of X", "in X's view",
"as X sees it".

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
from bot.breakdown.lexicon import VIEW_NOUNS
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
        return _quote_from_view_of(token, quoted, resolver)
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


def _quote_from_view_of(token: Token, quoted: list[QuotedSpan],
                        resolver: SpeakerResolver) -> Attribution | None:
    """"In the view of X, …", "In X's opinion, …": X's view is the rest of the clause."""
    view = next((c for c in token.children if c.dep_ == "pobj"
                 and c.lemma_.lower() in VIEW_NOUNS), None)
    if view is None:
        return None
    of = next((c for c in view.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    source = next((c for c in of.children if c.dep_ == "pobj"), None) if of else next(
        (c for c in view.children if c.dep_ == "poss"), None)
    if source is None or inside(source.idx, quoted) or not can_be_source(source) \
            or (source.pos_ == "PRON" and source.lower_ in {"my", "our"}):
        return None  # "in my view": the writer's own opinion, a claim
    return _from_source_phrase(token, source, quoted, resolver, f"in the {view.lower_} of")


def quote_from_way_of_seeing(token: Token, quoted: list[QuotedSpan],
                             resolver: SpeakerResolver) -> Attribution | None:
    """"As X sees it, …" and "The way X sees it, …": the clause it frames is X's view."""
    if token.lemma_.lower() != "see" or not any(
            c.dep_ == "dobj" and c.lower_ == "it" for c in token.children):
        return None
    subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.lower_ in {"i", "we"} or not can_be_source(subject):
        return None
    if any(c.dep_ == "mark" and c.lower_ == "as" for c in token.children) \
            and token.dep_ == "advcl":
        frame = token
    elif token.dep_ == "relcl" and token.head.lower_ == "way":
        frame = token.head
    else:
        return None
    if frame.i > frame.head.i:
        return None  # the frame must open the clause it speaks for
    return _from_source_phrase(frame, subject, quoted, resolver, "sees it")
