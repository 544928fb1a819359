"""Attributions found at cue words: the parse-level half of "who said what".

A cue verb (said, urged, alleged, adding…) gives the source as its subject and the
content as its complement or the quotation beside it; "according to X" gives the source
as its object and the content as the rest of its clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from bot.breakdown.lexicon import (
    CLAUSAL_CUES,
    COMMISSIVE_CUES,
    DIRECTIVE_CUES,
    EVIDENCE_CUES,
    EVIDENCE_SUBJECTS,
    IT_OBJECT_CUES,
    MANNER_OF_SPEAKING_CUES,
    QUOTATION_ONLY_CUES,
    SAYING_NOUNS,
    SOURCE_NOUNS,
    SOURCE_SUFFIXES,
    SPEECH_CUES,
    STANCE_CUES,
    STATEMENT_NOUNS,
    STATEMENT_VERBS,
)
from bot.breakdown.model import QuoteKind
from bot.breakdown.nlp import text_of
from bot.breakdown.quotemarks import QuotedSpan
from bot.breakdown.segment import Sentence
from bot.breakdown.speakers import SourcePhrase, SpeakerResolver, describe_source

_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
_INHERITS_SUBJECT = frozenset({"advcl", "conj", "xcomp"})
_RELATIVE = frozenset({"who", "which", "that", "whom"})
_DIRECT_SHARE = 0.8
MIN_CONTENT_CHARS = 12
_QUOTE_OPENERS = "“\"«‘'`„"
QUOTE_MARKS = _QUOTE_OPENERS + "”»’"
_WORDS = re.compile(r"[^\W\d_]{2,}")
_SPEECH = SPEECH_CUES | MANNER_OF_SPEAKING_CUES
_COLON_REACH = 6  # words between a cue and its colon: "said in a statement on Monday:"
_COLON_MAX_REACH = 20  # … when they all depend on the cue


@dataclass(frozen=True, slots=True)
class Attribution:
    """One attribution while the article is read: its source, cue, content and frame."""

    source: SourcePhrase
    speaker: str
    cue: str
    kind: QuoteKind
    start: int
    end: int
    frame_start: int
    frame_end: int
    continues: bool = False  # a quotation with no cue of its own, given the last speaker


def _found(source_head: Token, cue: Token, kind: QuoteKind, start: int, end: int,
           resolver: SpeakerResolver, cue_text: str | None = None) -> Attribution | None:
    """An attribution with its frame (source phrase, cue and content together).

    None when the content is not a statement: fewer than two words, or markup.
    """
    words = _WORDS.findall(text_of(cue.doc)[start:end])
    if start < end and (len(words) < 2 or (kind == "direct" and _is_title(words))):
        return None
    speaker, source = resolver.identify(describe_source(source_head))
    # Every subject of the cue belongs to the frame (a long name split over two subjects
    # by the parser: "events company co-owner Erica Vanco said").
    edges = (source_head.left_edge, cue, *(c.left_edge for c in cue.children
                                           if c.dep_ in _SUBJECT_DEPS and c.i < cue.i))
    frame_start = min([start, *(t.idx for t in edges)]) if start < end else edges[0].idx
    frame_end = max([end, *(t.idx + len(t) for t in (*edges, source_head.right_edge))])
    return Attribution(source, speaker, cue_text or cue.text, kind, start, end, frame_start,
                       frame_end)


def _is_title(words: list[str]) -> bool:
    """"said on “Fox News Sunday,”": a quoted name, not a statement."""
    return len(words) <= 5 and all(w[0].isupper() for w in words)


def is_cue(token: Token) -> bool:
    """A verb that reports speech, or thought/evidence when it takes a clause."""
    if token.pos_ not in {"VERB", "AUX"} and token.tag_ not in {"VBD", "VBZ", "VBP", "VBG"}:
        return False
    lemma = token.lemma_.lower()
    if lemma in IT_OBJECT_CUES:
        return any(c.dep_ == "dobj" and c.lower_ == "it" for c in token.children)
    if lemma in STATEMENT_VERBS and any(c.dep_ == "dobj" and c.lemma_.lower() in
                                        STATEMENT_NOUNS | SAYING_NOUNS for c in token.children):
        return True  # "issued the following statement: …"
    if lemma in _SPEECH or lemma in STANCE_CUES or lemma in DIRECTIVE_CUES \
            or lemma in COMMISSIVE_CUES or (lemma in EVIDENCE_CUES and _evidence_subject(token)):
        return True
    return lemma in CLAUSAL_CUES and any(c.dep_ == "ccomp" for c in token.children)


def find_subject(cue: Token) -> Token | None:
    """The source token of a cue: its subject, inherited along advcl/conj/xcomp chains."""
    token = cue
    for _ in range(3):
        # Of two subjects (a parse of a long pre-modified name: "events company co-owner
        # Erica Vanco said"), the one next to the verb heads the phrase.
        subjects = [c for c in token.children if c.dep_ in _SUBJECT_DEPS]
        before = [c for c in subjects if c.i < token.i]
        subject = before[-1] if before else next(iter(subjects), None)
        if subject is not None:
            if subject.dep_ == "nsubjpass" or (subject.lower_ in {"it", "there", "this"} and \
                    any(c.dep_ == "auxpass" for c in token.children)):
                return None  # "it is said that…": no source, a vague claim instead
            if subject.lower_ in _RELATIVE and token.dep_ == "relcl":
                return token.head
            return subject
        agent = next((c for c in token.children if c.dep_ == "agent"), None)
        if agent is not None:
            return next((c for c in agent.children if c.dep_ == "pobj"), None)
        if token.dep_ == "pcomp" and token.head.dep_ == "prep":
            token = token.head.head  # "responded by saying…": the subject of "responded"
            continue
        if token.dep_ not in _INHERITS_SUBJECT or token.head is token:
            return None
        token = token.head
    return None


def _complement_range(cue: Token) -> tuple[int, int] | None:
    """Token range [first, last] of what the cue reports, or None.

    A finite clause is the message ("said that…"); an object with an infinitive only for
    directives ("urged Moscow to…"), a bare infinitive only for promises ("vowed to…"),
    a noun object only for stances ("criticized the plan") and evidence ("polls show a
    close race"): "told her" or "sent a letter" report no statement.
    """
    lemma = cue.lemma_.lower()
    if lemma in IT_OBJECT_CUES:
        return None  # "put it": the message is the quotation beside it or after its colon
    children = list(cue.children)
    chosen = [c for c in children if c.dep_ == "ccomp"] or [
        c for c in children if c.dep_ in {"advcl", "parataxis"} and _is_bare_clause(c)
        and lemma in _SPEECH]
    if not chosen and lemma in EVIDENCE_CUES and _evidence_subject(cue):
        chosen = [c for c in children if c.dep_ in {"dobj", "obj", "xcomp"}]
    if not chosen:
        xcomps = [c for c in children if c.dep_ == "xcomp"]
        preps = [c for c in children if c.dep_ == "prep" and c.lower_ in {"on", "for"}]
        oprd = [c for c in children if c.dep_ == "oprd"]
        if lemma == "call" and oprd:  # "called the charges fabricated"
            chosen = [c for c in children if c.dep_ == "dobj"] + oprd
        elif lemma in DIRECTIVE_CUES and (xcomps or preps):
            chosen = [c for c in children if c.dep_ in {"dobj", "dative", "obj"}] + xcomps + preps
        elif lemma in COMMISSIVE_CUES and xcomps:
            chosen = xcomps
        elif lemma in STANCE_CUES:
            chosen = xcomps or [c for c in children if c.dep_ in {"dobj", "obj"}] or [
                p for p in preps if p.lower_ == "for"]
    if not chosen:
        return None
    first = min(c.left_edge.i for c in chosen)
    last = max(c.right_edge.i for c in chosen)
    doc = cue.doc
    while first <= last and ((doc[first].dep_ == "mark" and doc[first].lower_ in {"that", "if",
                             "whether"}) or doc[first].is_punct or doc[first].is_space):
        first += 1
    while last >= first and (doc[last].is_punct or doc[last].is_space):
        last -= 1
    return (first, last) if first <= last else None


def describes_a_subject(token: Token) -> bool:
    """"Officials who asked not to be named said…": a clause inside a source's own
    description is part of who speaks, not a statement."""
    return any(a.dep_ in _SUBJECT_DEPS for a in token.ancestors)


def _is_bare_clause(token: Token) -> bool:
    """A finite clause with a subject and no conjunction: a complement the parser missed."""
    kids = list(token.children)
    return any(c.dep_ in _SUBJECT_DEPS for c in kids) and not any(c.dep_ == "mark" for c in kids)


def _evidence_subject(cue: Token) -> bool:
    subject = next((c for c in cue.children if c.dep_ in _SUBJECT_DEPS), None)
    return subject is not None and subject.lemma_.lower() in EVIDENCE_SUBJECTS


def quotes_overlapping(start: int, end: int, quoted: list[QuotedSpan]) -> list[QuotedSpan]:
    return [q for q in quoted if q.start < end and start < q.end]


def shape_content(doc: Doc, start: int, end: int,
           quoted: list[QuotedSpan]) -> tuple[QuoteKind, int, int]:
    """Direct, mixed or indirect; a direct quote's content is the whole quotation."""
    overlapping = quotes_overlapping(start, end, quoted)
    if not overlapping:
        return "indirect", start, end
    inside = sum(min(end, q.end) - max(start, q.start) for q in overlapping)
    if inside >= _DIRECT_SHARE * (end - start):
        return "direct", min(q.start for q in overlapping), max(q.end for q in overlapping)
    end = max(end, *(q.end for q in overlapping))
    text = text_of(doc)
    if end < len(text) and text[end] in "”\"»'":
        end += 1  # a quotation that ends the content keeps its closing mark
    return "mixed", start, end


_QUANTIFIERS = frozenset("many some most few several all none one each both half majority "
                         "minority percent number".split())


def can_be_source(token: Token) -> bool:
    """Names, pronouns and nouns for people, bodies or documents; not "the law"."""
    if token.lower_ in _QUANTIFIERS:  # "many of his supporters": judge the supporters
        of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of else None
        return pobj is not None and can_be_source(pobj)
    if token.pos_ in {"PROPN", "PRON"} or token.ent_type_ in {"PERSON", "ORG", "GPE", "NORP"}:
        return True
    lemma = token.lemma_.lower()
    if token.tag_ == "NNS" and token.dep_ != "nsubjpass":
        return True  # "delegates questioned…", "protesters demanded…": groups of people
    return lemma in SOURCE_NOUNS or token.lower_ in SOURCE_NOUNS or lemma.endswith(
        SOURCE_SUFFIXES) or any(c.dep_ == "compound" and can_be_source(c) for c in token.lefts)


def quote_from_cue(cue: Token, sentence: Sentence, quoted: list[QuotedSpan],
                   resolver: SpeakerResolver) -> Attribution | None:
    subject = find_subject(cue)
    if subject is None or inside(subject.idx, quoted) or not can_be_source(subject):
        return None
    lemma = cue.lemma_.lower()
    doc = cue.doc
    span = _complement_range(cue)
    if span is None:
        return _parenthetical(cue, subject, sentence, quoted, resolver)
    first, last = span
    if last < subject.left_edge.i and not quotes_overlapping(
            doc[first].idx, doc[last].idx + 1, quoted):
        # "Profits fell, but costs rose, the company said": the source speaks for all of it.
        first = _first_word(sentence.span)
    start = doc[first].idx
    end = doc[last].idx + len(doc[last])
    kind, start, end = shape_content(doc, start, end, quoted)
    # A quotation is a statement however short ("“I love you,” he said."); unquoted
    # content that short is a fragment the parse misread.
    if (end - start < MIN_CONTENT_CHARS and kind != "direct") or (
            lemma in QUOTATION_ONLY_CUES and kind == "indirect"):
        return None
    if kind == "mixed" and _quoted_but_for(doc, start, end, quoted, subject, cue):
        # "“A,” Keller said, “B.”": only the attribution stands between the quotations.
        inner = quotes_overlapping(start, end, quoted)
        kind, start, end = "direct", inner[0].start, inner[-1].end
    return _found(subject, cue, kind, start, end, resolver)


def _quoted_but_for(doc: Doc, start: int, end: int, quoted: list[QuotedSpan],
                    subject: Token, cue: Token) -> bool:
    """Whether every word of [start, end) is quoted or part of the source and cue."""
    frame = range(min(subject.left_edge.i, cue.i), max(subject.right_edge.i, cue.i) + 1)
    for token in doc.char_span(start, end, alignment_mode="expand") or ():
        if token.is_punct or token.is_space or token.i in frame:
            continue
        if not inside(token.idx, quoted):
            return False
    return True


def _first_word(span: Span) -> int:
    for token in span:
        if not (token.is_punct or token.is_space):
            return token.i
    return span.start


def _adjacent_quotes(first: Token, last: Token, quoted: list[QuotedSpan]) -> list[QuotedSpan]:
    """Quotations separated from the tokens first..last by punctuation only (in the same
    paragraph: a quotation that ends the paragraph before belongs to its own)."""
    text = text_of(first.doc)
    frame_start, frame_end = first.idx, last.idx + len(last)
    adjacent = []
    for quote in quoted:
        gap = text[quote.end : frame_start] if quote.end <= frame_start else \
            text[frame_end : quote.start] if quote.start >= frame_end else "x"
        if len(gap) <= 4 and not any(ch.isalnum() or ch == "\n" for ch in gap):
            adjacent.append(quote)
    return adjacent


def _block_after_colon(text: str, colon_end: int) -> tuple[int, int]:
    """"The governor added: It's typical…": the rest of the line, or the next line when
    the colon ends its line. Empty (start == end) when a quotation follows instead: the
    continuation pass gives it to this speaker."""
    line_end = text.find("\n", colon_end)
    line_end = len(text) if line_end < 0 else line_end
    start = colon_end
    if not text[start:line_end].strip() and line_end < len(text):
        start = line_end
        while start < len(text) and text[start].isspace():
            start += 1
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
    while start < line_end and text[start].isspace():
        start += 1
    end = line_end
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end or text[start] in _QUOTE_OPENERS:
        return colon_end, colon_end
    return start, end


def _named_as(cue: Token, quoted: list[QuotedSpan]) -> tuple[int, int] | None:
    """"called the plan “a disaster”": the object and the quoted label after it."""
    if cue.lemma_.lower() != "call":
        return None
    obj = next((c for c in cue.children if c.dep_ == "dobj" and not inside(c.idx, quoted)),
               None)
    quotes = _adjacent_quotes(obj.left_edge, obj, quoted) if obj else []
    quotes = [q for q in quotes if q.start > obj.idx] if obj else []
    return (obj.left_edge.idx, quotes[-1].end + 1) if obj and quotes else None


def _colon_after(after: list[Token], quoted: list[QuotedSpan], head: Token) -> Token | None:
    """The colon that ends an introduction: "He said:", "X said in a statement:", "The
    mayor put it this way:", "the council said about the new budget:" (words of manner,
    place or topic may stand before it: a few, or more that all depend on the cue)."""
    for count, token in enumerate(after[:_COLON_MAX_REACH]):
        if token.text == ":":
            return token
        if inside(token.idx, quoted) or token.text in _QUOTE_OPENERS or (
                token.is_punct and token.text != ",") or (count >= _COLON_REACH and not (
                head.left_edge.i <= token.i <= head.right_edge.i)):
            return None
    return None


def _parenthetical(cue: Token, subject: Token, sentence: Sentence, quoted: list[QuotedSpan],
                   resolver: SpeakerResolver) -> Attribution | None:
    """A cue with no complement: beside a quotation, at the end, or before a colon.

    "“…,” he said." / "Prices will rise, he said." / "He said: “…”" (the quotation
    follows; returned with empty content for the continuation pass to fill).
    """
    doc = cue.doc
    # "“…,” as one senator put it.": the "as" and the "it" belong to the attribution.
    marks = [c.i for c in cue.children if (c.dep_, c.lower_) in {("mark", "as"), ("dobj", "it")}
             and not inside(c.idx, quoted)]
    first = doc[min(subject.left_edge.i, cue.i, *marks)]
    last = doc[max(cue.i, subject.right_edge.i, *marks)]
    quotes = _adjacent_quotes(first, last, quoted)
    if quotes:
        start, end = min(q.start for q in quotes), max(q.end for q in quotes)
        return _found(subject, cue, "direct", start, end, resolver)
    named = _named_as(cue, quoted)
    if named is not None:
        return _found(subject, cue, "mixed", named[0], named[1], resolver)
    after = [t for t in doc[last.i + 1 : sentence.span.end] if not t.is_space]
    colon = _colon_after(after, quoted, cue)
    if colon is not None:
        start, end = _block_after_colon(text_of(doc), colon.idx + 1)
        return _found(subject, cue, "direct", start, end, resolver)
    tail = [t for t in after if not t.is_punct]
    if len(tail) > 6 and not (after[0].text == "," and any(t.pos_ in {"VERB", "AUX"}
                                                           for t in tail)):
        return None
    before = doc[_first_word(sentence.span) : first.i]
    words = [t for t in before if not (t.is_punct or t.is_space)]
    if not words or before[-1].text != "," or not any(t.pos_ in {"VERB", "AUX"} for t in words):
        return None  # "Prices will rise, he said." needs the comma and a clause before it
    # "The money is there, Rivera added, and the work will start in May.": both clauses.
    last_word = tail[-1] if len(tail) > 6 else words[-1]
    start, end = words[0].idx, last_word.idx + len(last_word)
    if end - start < MIN_CONTENT_CHARS:
        return None
    kind, start, end = shape_content(doc, start, end, quoted)
    return _found(subject, cue, kind, start, end, resolver)


def inside(offset: int, quoted: list[QuotedSpan]) -> bool:
    return any(q.start <= offset < q.end for q in quoted)
