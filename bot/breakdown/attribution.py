"""Who said what: every statement tied to its source.

Three passes over the body sentences, in text order:

1. cue verbs (said, urged, alleged, adding…) with their subject as the source and their
   complement, or the quotation around them, as the content;
2. "according to X, …";
3. quotations no cue claimed: continuations of the quote before them ("…," Lowcock said.
   "In order for this…") and colon introductions ("He said: …", "Smith: …").
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from bot.breakdown.lexicon import CLAUSAL_CUES, EVIDENCE_SUBJECTS, SPEECH_CUES
from bot.breakdown.model import Quote, QuoteKind
from bot.breakdown.quotemarks import QuotedSpan
from bot.breakdown.segment import Sentence
from bot.breakdown.speakers import SourcePhrase, SpeakerResolver, describe_source

_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
_CONTENT_DEPS = frozenset({"ccomp", "xcomp", "dobj", "oprd", "dative", "advcl", "obj"})
_INHERITS_SUBJECT = frozenset({"advcl", "conj", "xcomp"})
_RELATIVE = frozenset({"who", "which", "that", "whom"})
_CONTENT_TRIM = " \t\n,;:.—–-"
# "adding" quotes, "continued" needs a quote, but both qualify with a clause.
_DIRECT_SHARE = 0.8
_MIN_CONTENT_CHARS = 12


@dataclass(frozen=True, slots=True)
class _Found:
    source: SourcePhrase
    speaker: str
    cue: str
    kind: QuoteKind
    start: int
    end: int
    frame_start: int
    frame_end: int


def _found(source_head: Token, cue: Token, kind: QuoteKind, start: int, end: int,
           resolver: SpeakerResolver, cue_text: str | None = None) -> _Found:
    """An attribution with its frame: source phrase, cue and content together."""
    source = describe_source(source_head)
    edges = (source_head.left_edge, cue)
    frame_start = min([start, *(t.idx for t in edges)])
    frame_end = max([end, *(t.idx + len(t) for t in (*edges, source_head.right_edge))])
    return _Found(source, resolver.resolve(source), cue_text or cue.text, kind, start, end,
                  frame_start, frame_end)


def is_cue(token: Token) -> bool:
    """A verb that reports speech, or thought/evidence when it takes a clause."""
    if token.pos_ not in {"VERB", "AUX"} and token.tag_ not in {"VBD", "VBZ", "VBP", "VBG"}:
        return False
    lemma = token.lemma_.lower()
    if lemma in SPEECH_CUES:
        return True
    return lemma in CLAUSAL_CUES and any(c.dep_ == "ccomp" for c in token.children)


def find_subject(cue: Token) -> Token | None:
    """The source token of a cue: its subject, inherited along advcl/conj/xcomp chains."""
    token = cue
    for _ in range(3):
        subject = next((c for c in token.children if c.dep_ in _SUBJECT_DEPS), None)
        if subject is not None:
            if subject.dep_ == "nsubjpass" or subject.lower_ in {"it", "there", "this"} and \
                    any(c.dep_ == "auxpass" for c in token.children):
                return None  # "it is said that…": no source, a vague claim instead
            if subject.lower_ in _RELATIVE and token.dep_ == "relcl":
                return token.head
            return subject
        agent = next((c for c in token.children if c.dep_ == "agent"), None)
        if agent is not None:
            return next((c for c in agent.children if c.dep_ == "pobj"), None)
        if token.dep_ not in _INHERITS_SUBJECT or token.head is token:
            return None
        token = token.head
    return None


def _complement_range(cue: Token) -> tuple[int, int] | None:
    """Token range [first, last] of what the cue reports, or None."""
    children = [c for c in cue.children if c.dep_ in _CONTENT_DEPS]
    clauses = [c for c in children if c.dep_ == "ccomp"]
    if clauses:
        children = clauses  # "told reporters that…": the addressee is not the content
    else:
        children += [c for c in cue.children
                     if c.dep_ == "prep" and c.lower_ in {"on", "for"}]  # "called on X to…"
    children = [c for c in children if c.dep_ != "advcl" or c.tag_ == "VBG" or clauses]
    if not children:
        return None
    first = min(c.left_edge.i for c in children)
    last = max(c.right_edge.i for c in children)
    doc = cue.doc
    while first <= last and (doc[first].dep_ == "mark" and doc[first].lower_ in {"that", "if",
                             "whether"} or doc[first].is_punct or doc[first].is_space):
        first += 1
    while last >= first and (doc[last].is_punct or doc[last].is_space):
        last -= 1
    return (first, last) if first <= last else None


def _quotes_overlapping(start: int, end: int, quoted: list[QuotedSpan]) -> list[QuotedSpan]:
    return [q for q in quoted if q.start < end and start < q.end]


def _shape(doc: Doc, start: int, end: int,
           quoted: list[QuotedSpan]) -> tuple[QuoteKind, int, int]:
    """Direct, mixed or indirect; a direct quote's content is the whole quotation."""
    overlapping = _quotes_overlapping(start, end, quoted)
    if not overlapping:
        return "indirect", start, end
    inside = sum(min(end, q.end) - max(start, q.start) for q in overlapping)
    if inside >= _DIRECT_SHARE * (end - start):
        return "direct", min(q.start for q in overlapping), max(q.end for q in overlapping)
    end = max(end, *(q.end for q in overlapping))
    if end < len(doc.text) and doc.text[end] in "”\"»'":
        end += 1  # a quotation that ends the content keeps its closing mark
    return "mixed", start, end


def quote_from_cue(cue: Token, sentence: Sentence, quoted: list[QuotedSpan],
                   resolver: SpeakerResolver) -> _Found | None:
    subject = find_subject(cue)
    if subject is None:
        return None
    if cue.lemma_.lower() in CLAUSAL_CUES - SPEECH_CUES and subject.pos_ not in {"PROPN", "PRON"} \
            and subject.lemma_.lower() not in EVIDENCE_SUBJECTS and subject.ent_type_ == "":
        return None  # "the plan suggests": thought verbs need a person or evidence as source
    doc = cue.doc
    span = _complement_range(cue)
    if span is None:
        return _parenthetical(cue, subject, sentence, quoted, resolver)
    start = doc[span[0]].idx
    end = doc[span[1]].idx + len(doc[span[1]])
    kind, start, end = _shape(doc, start, end, quoted)
    if end - start < _MIN_CONTENT_CHARS:
        return None
    return _found(subject, cue, kind, start, end, resolver)


def _parenthetical(cue: Token, subject: Token, sentence: Sentence, quoted: list[QuotedSpan],
                   resolver: SpeakerResolver) -> _Found | None:
    """"The plan, he said, is dead." / "…is dead, officials said": the rest of the sentence."""
    quotes = _quotes_overlapping(sentence.start, sentence.end, quoted)
    if quotes:
        start, end = min(q.start for q in quotes), max(q.end for q in quotes)
        kind: QuoteKind = "direct"
    else:
        left, right = subject.left_edge.i, max(cue.i, subject.right_edge.i)
        before = sentence.span.doc[sentence.span.start : left]
        if len(before.text.strip(_CONTENT_TRIM)) < _MIN_CONTENT_CHARS or right < left:
            return None
        start = before[0].idx
        end = before[-1].idx + len(before[-1])
        kind = "indirect"
    while end > start and sentence.span.doc.text[end - 1] in _CONTENT_TRIM:
        end -= 1
    if end - start < _MIN_CONTENT_CHARS:
        return None
    return _found(subject, cue, kind, start, end, resolver)


def quote_from_according_to(token: Token, quoted: list[QuotedSpan],
                            resolver: SpeakerResolver) -> _Found | None:
    """"According to X, content" and "content, according to X"."""
    to = next((c for c in token.children if c.lower_ == "to"), None)
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
    if pobj is None:
        return None
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
    if end - start < _MIN_CONTENT_CHARS:
        return None
    kind, start, end = _shape(doc, start, end, quoted)
    return _found(pobj, token, kind, start, end, resolver, "according to")


def _inside(offset: int, quoted: list[QuotedSpan]) -> bool:
    return any(q.start <= offset < q.end for q in quoted)


def _continuation(quote: QuotedSpan, previous: _Found | None, gap_sentences: int) -> bool:
    """A quotation with no cue continues the quote just before it."""
    return previous is not None and previous.kind in {"direct", "mixed"} and gap_sentences <= 2


def find_quotes(doc: Doc, sentences: list[Sentence], quoted: list[QuotedSpan]) -> list[Quote]:
    """Every attributed statement in the body of the text, in text order."""
    resolver = SpeakerResolver(doc)
    found: list[_Found] = []
    body = [s for s in sentences if s.is_body]
    used: set[QuotedSpan] = set()
    last_direct: _Found | None = None
    last_direct_index = -10
    for index, sentence in enumerate(body):
        here = _quotes_overlapping(sentence.start, sentence.end, quoted)
        in_sentence: list[_Found] = []
        for token in sentence.span:
            if _inside(token.idx, here):
                continue
            result = None
            if token.lower_ == "according" and token.dep_ == "prep":
                result = quote_from_according_to(token, quoted, resolver)
            elif is_cue(token):
                result = quote_from_cue(token, sentence, quoted, resolver)
            if result is not None:
                in_sentence.append(result)
        for result in in_sentence:
            used.update(_quotes_overlapping(result.start, result.end, quoted))
            if result.kind != "indirect" or sentence.text.rstrip().endswith(":"):
                last_direct, last_direct_index = result, index
        for quote in here:
            if quote in used or quote.end - quote.start < _MIN_CONTENT_CHARS:
                continue
            if _continuation(quote, last_direct, index - last_direct_index) and last_direct:
                in_sentence.append(replace(last_direct, kind="direct", start=quote.start,
                                           end=quote.end, frame_start=quote.start,
                                           frame_end=quote.end))
                used.add(quote)
                last_direct_index = index
        found.extend(in_sentence)
        for token in sentence.span:
            resolver.note_subject(token)
    return _finish(doc, found)


def _finish(doc: Doc, found: list[_Found]) -> list[Quote]:
    """One quote per content span, roles shared across a speaker's quotes, text order."""
    roles: dict[str, str] = {}
    for item in found:
        if item.source.role and not item.source.is_pronoun:
            roles.setdefault(item.speaker, item.source.role)
    seen: set[tuple[int, int]] = set()
    quotes: list[Quote] = []
    for item in sorted(found, key=lambda f: (f.start, -f.end)):
        if (item.start, item.end) in seen:
            continue
        seen.add((item.start, item.end))
        quotes.append(Quote(
            speaker=item.speaker,
            role=roles.get(item.speaker),
            anonymous=item.source.anonymous,
            kind=item.kind,
            cue=item.cue,
            content=doc.text[item.start : item.end],
            start=item.start,
            end=item.end,
            frame=(item.frame_start, item.frame_end),
        ))
    return quotes


__all__ = ["find_quotes", "find_subject", "is_cue", "Span"]
