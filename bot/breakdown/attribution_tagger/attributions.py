"""The tagger's spans as the engine's attributions, with the rules' speaker resolution.

The model finds *where* attributions are (source, cue and content spans, indirect speech
included); who the source is — a pronoun's antecedent, a surname's full name, a role,
anonymity — is the rules' job (`bot.breakdown.speakers`), run in text order so that "he"
means the person last spoken of.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from spacy.attrs import SENT_START
from spacy.tokens import Doc, Span, Token

from bot.breakdown.attribution_tagger.component import PROBABILITIES
from bot.breakdown.attribution_tagger.decode import (
    TaggedAttribution,
    TokenSpan,
    best_labels,
    link_attributions,
    read_spans,
)
from bot.breakdown.cues import (
    MIN_CONTENT_CHARS,
    Attribution,
    can_be_source,
    describes_a_subject,
    find_subject,
    is_cue,
    shape_content,
)
from bot.breakdown.lexicon import NOT_ATTRIBUTION_CUES, SUBORDINATING_MARKS
from bot.breakdown.model import QuoteKind
from bot.breakdown.quotemarks import QuotedSpan
from bot.breakdown.segment import Sentence
from bot.breakdown.spans import SpanIndex
from bot.breakdown.speakers import SourcePhrase, SpeakerResolver, describe_source

# Attributions the tagger is less sure of (the weaker of its cue and content confidence)
# are dropped: below this in general (chosen on polnear-dev, see the model card) …
MIN_CONFIDENCE = 0.6
# … and under a cue verb of the engine's lexicons ("said", "warned", "criticized"), which
# is itself evidence of an attribution. Chosen on out-of-fold tagger output of the
# training split (F1 0.688 at 0.6, 0.695 at 0.45, flat below; 336 articles) and confirmed
# on dev (0.727 → 0.732), precision unchanged.
MIN_CONFIDENCE_LEXICON_CUE = 0.45
UNNAMED = "unnamed source"


def tagged_spans(doc: Doc) -> list[TokenSpan]:
    """The model's spans for `doc`, or none when the tagger did not run."""
    probabilities = doc.user_data.get(PROBABILITIES)
    if probabilities is None or len(probabilities) != len(doc):
        return []
    return read_spans(best_labels(probabilities), probabilities)


def _cue_head(doc: Doc, cue: TokenSpan) -> Token:
    """The verb of a cue span ("has said" → said), else the span's syntactic root."""
    tokens = doc[cue.start : cue.end]
    verbs = [t for t in tokens if t.tag_.startswith("VB")]
    return verbs[-1] if verbs else tokens.root


def _subject(cue: Token) -> Token | None:
    if cue.lower_ == "according":
        to = next((c for c in cue.children if c.lower_ == "to"), None)
        return next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
    if cue.lower_ == "to" and cue.head.lower_ == "according":
        return next((c for c in cue.children if c.dep_ == "pobj"), None)
    return find_subject(cue)


def _paragraph_ids(doc: Doc) -> np.ndarray:
    breaks = np.array([t.is_space and "\n" in t.text for t in doc], dtype=np.int64)
    return np.cumsum(breaks)


def _sentence_ids(doc: Doc) -> np.ndarray:
    starts = doc.to_array([SENT_START]).reshape(-1).astype(np.int64) == 1
    ids = np.cumsum(starts)
    return ids - ids[0] if len(ids) else ids


def _run_on(doc: Doc, end: int, sentence_end: int, taken: set[int]) -> int:
    """Content that stops short of its sentence's end runs on to it when only unlabelled
    words follow (the tagger tends to stop at commas in long indirect speech)."""
    last = sentence_end - 1
    while last >= end and (doc[last].is_punct or doc[last].is_space):
        last -= 1
    if last < end or any(i in taken for i in range(end, last + 1)):
        return end
    return last + 1


_NOT_A_HEAD = frozenset({"DET", "ADP", "PUNCT", "ADJ", "NUM", "CCONJ", "PART", "SPACE"})


def source_head(doc: Doc, span: TokenSpan) -> Token:
    """The noun a source span names: its root, or the noun above a span the tagger cut
    short ("the" of "the officials")."""
    root = doc[span.start : span.end].root
    while root.pos_ in _NOT_A_HEAD and root.head is not root:
        root = root.head
    return root


def _without_author_tail(doc: Doc, attribution: TaggedAttribution,
                         quoted: list[QuotedSpan]) -> TaggedAttribution:
    """"“A,” Jeffrey said, entirely shifting the blame…": after a quotation and its cue,
    unquoted words are the writer's comment on the quote, not more of it (the speaker's
    own further words would be quoted, or have a cue of their own: "adding that…")."""
    first = attribution.contents[0]
    if first.start >= attribution.cue.start or not _is_quotation(doc, first, quoted):
        return attribution
    kept = tuple(c for c in attribution.contents
                 if c.start < attribution.cue.start or _is_quotation(doc, c, quoted))
    return replace(attribution, contents=kept)


def _within_frame(doc: Doc, attribution: TaggedAttribution, quoted: list[QuotedSpan], *,
                  cue: Token, lexicon_cue: bool) -> TaggedAttribution | None:
    """The content pieces that grammar lets the cue govern, or None when none is left.

    A cue in a subordinate clause ("While Jeffrey called them mercenaries, the transcript
    has not been released") reports only that clause. Unquoted words before a cue are its
    content only when the source and cue follow them after punctuation ("Prices will rise,
    she said"), not after more words ("the risk of a clash grew as Russia is backing …").
    A subordinate verb outside the cue lexicons reports a statement only when its content
    is a clause or a quotation ("… as Russia is backing the army's advance" is an act).
    """
    contents = list(attribution.contents)
    subordinate = _is_subordinate(cue)
    if subordinate:
        first, last = cue.left_edge.i, _clause_end(cue)
        contents = [replace(c, start=max(c.start, first), end=min(c.end, last))
                    for c in contents if c.start < last and first < c.end]
    frame_start = attribution.cue.start if attribution.source is None else min(
        attribution.cue.start, attribution.source.start)
    contents = [c for c in contents if c.end > frame_start or _is_quotation(doc, c, quoted)
                or all(t.is_punct or t.is_space for t in doc[c.end : frame_start])]
    if not contents or (subordinate and not lexicon_cue and not any(
            _is_quotation(doc, c, quoted) or _has_verb(doc[c.start : c.end])
            for c in contents)):
        return None
    return replace(attribution, contents=tuple(contents))


def _has_verb(tokens: Span) -> bool:
    return any(t.pos_ in {"VERB", "AUX"} for t in tokens)


def _is_subordinate(cue: Token) -> bool:
    """"while/because/if … said": a cue in a subordinate clause ("as" too, unless it
    introduces speech: "as she said, …" frames the words around it)."""
    return any(c.dep_ == "mark" and (c.lower_ in SUBORDINATING_MARKS or (
        c.lower_ == "as" and not is_cue(cue))) for c in cue.children)


def _clause_end(cue: Token) -> int:
    """Where a subordinate cue's own clause ends (before a joined clause with a subject of
    its own, which the parser may hang under it); for any other cue, past the document."""
    if not _is_subordinate(cue):
        return len(cue.doc)
    own = [c for c in cue.children if not (c.dep_ == "conj" and any(
        g.dep_ in {"nsubj", "nsubjpass"} for g in c.children))]
    return max([cue.i, *(c.right_edge.i for c in own if c.i > cue.i)]) + 1


def _is_quotation(doc: Doc, span: TokenSpan, quoted: list[QuotedSpan]) -> bool:
    """Whether most of the span's characters are inside quotation marks."""
    start = doc[span.start].idx
    end = doc[span.end - 1].idx + len(doc[span.end - 1])
    inside = sum(max(0, min(end, q.end) - max(start, q.start)) for q in quoted)
    return inside * 2 >= end - start


_COMPLEMENTIZERS = frozenset({"that", "whether", "if"})


def cue_words(doc: Doc, span: TokenSpan, head: Token) -> str:
    """The cue as shown: its words up to the verb ("also alleged", "has said"), without
    what PolNeAR's cue spans sometimes add ("wrote in a blog post", "said:")."""
    tokens = doc[span.start : span.end]
    if tokens.text.lower().startswith("according to"):
        return "according to"
    end = head.i + 1 if span.start <= head.i < span.end else span.end
    while end < span.end and doc[end].dep_ == "prt":
        end += 1  # "pointed out"
    words = [t for t in doc[span.start : end] if not (t.is_punct or t.is_space)]
    return " ".join(t.text for t in words) or tokens.text


def _source_phrase(doc: Doc, attribution: TaggedAttribution, cue: Token) -> SourcePhrase:
    source = attribution.source
    if source is None:
        return SourcePhrase("", UNNAMED, None, False, False, True, cue.idx)
    subject = _subject(cue)
    if subject is not None and source.start <= subject.i < source.end:
        return describe_source(subject)  # the parse's head of the phrase the tagger marked
    return describe_source(source_head(doc, source))


def model_attributions(doc: Doc, sentences: list[Sentence], quoted: list[QuotedSpan],
                       rule_contents: Sequence[tuple[int, int]] = (), *,
                       resolver: SpeakerResolver) -> list[Attribution]:
    """The tagger's attributions in body sentences, speakers resolved in text order by
    `resolver` (fresh: it reads the article as it goes). `rule_contents`: the character
    spans of the rules' statements."""
    spans = tagged_spans(doc)
    if not spans:
        return []
    sentence_of = _sentence_ids(doc)
    cues = [s for s in spans if s.kind == "CUE"]
    subjects = {}
    for cue in cues:
        subject = _subject(_cue_head(doc, cue))
        if subject is not None:
            subjects[cue.start] = subject.i
    linked = link_attributions(spans, paragraph_of=_paragraph_ids(doc),
                               sentence_of=sentence_of, subject_of_cue=subjects)
    first_cue_of_source: dict[int, int] = {}
    for a in linked:
        if a.source is not None:
            first_cue_of_source.setdefault(a.source.start, a.cue.start)
    rule_index = SpanIndex(rule_contents)
    linked = [kept for a in linked if (kept := _kept(
        doc, a, quoted=quoted, rule_index=rule_index,
        first_cue_of_source=first_cue_of_source)) is not None]
    labelled = {i for a in linked for s in (a.cue, a.source, *a.contents) if s is not None
                for i in range(s.start, s.end)}
    sentence_bounds = {int(sentence_of[s.start]): s.end for s in doc.sents}
    body = [s for s in sentences if s.is_body]
    body_starts = [s.start for s in body]
    results: list[Attribution] = []
    pending = sorted(linked, key=lambda a: a.cue.start)
    cursor = 0
    for sentence in sentences:
        sentence_end_token = sentence.span.end
        while cursor < len(pending) and pending[cursor].cue.start < sentence_end_token:
            attribution = pending[cursor]
            cursor += 1
            results += [found for found in _attribution(
                doc, attribution, resolver, quoted=quoted,
                sentence_end=sentence_bounds[int(sentence_of[attribution.content_end - 1])],
                labelled=labelled) if _in_body(found.start, body, body_starts)]
        resolver.advance_to(sentence.end)
    return results


def _kept(doc: Doc, attribution: TaggedAttribution, *, quoted: list[QuotedSpan],
          rule_index: SpanIndex, first_cue_of_source: dict[int, int]) -> TaggedAttribution | None:
    """The attribution as the filters and the grammar of its cue leave it, or None."""
    cue = _cue_head(doc, attribution.cue)
    lexicon_cue = is_cue(cue)
    threshold = MIN_CONFIDENCE_LEXICON_CUE if lexicon_cue else MIN_CONFIDENCE
    if attribution.confidence < threshold \
            or _nested(doc, attribution, rule_index, first_cue_of_source) \
            or cue.lemma_.lower() in NOT_ATTRIBUTION_CUES \
            or describes_a_subject(cue) \
            or _thing_acting(doc, attribution, lexicon_cue=lexicon_cue):
        # (describes_a_subject: "Officials who asked not to be named said…")
        return None
    return _within_frame(doc, _without_author_tail(doc, attribution, quoted), quoted,
                         cue=cue, lexicon_cue=lexicon_cue)


def _thing_acting(doc: Doc, attribution: TaggedAttribution, *, lexicon_cue: bool) -> bool:
    """A verb outside the cue lexicons whose subject names no person, group, body or
    document: "meditation offers a counterbalance", "the machine learns to sort the
    mail". Things act; they do not make statements. (Verbs of thought with a clause stay
    whatever their subject: dropping "the machine learns what …" too measured lower on
    polnear-dev, hybrid F1 0.723 → 0.721.)"""
    if attribution.source is None or lexicon_cue:
        return False
    return not any(can_be_source(t) for t in doc[attribution.source.start :
                                                 attribution.source.end])


def _nested(doc: Doc, attribution: TaggedAttribution, rule_contents: SpanIndex,
            first_cue_of_source: dict[int, int]) -> bool:
    """A cue with no source of its own (none, or an earlier cue's) inside what the rules
    read as someone's statement ("The U.N. said items were held up, threatening to
    aggravate the crisis"): part of that statement, not a second one."""
    source = attribution.source
    if source is not None and first_cue_of_source.get(source.start) == attribution.cue.start:
        return False
    at = doc[attribution.cue.start].idx
    return rule_contents.overlaps(at, at + 1)


def _in_body(offset: int, body: list[Sentence], body_starts: list[int]) -> bool:
    k = bisect.bisect_right(body_starts, offset) - 1
    return k >= 0 and body[k].start <= offset < body[k].end


def _attribution(doc: Doc, attribution: TaggedAttribution, resolver: SpeakerResolver, *,
                 quoted: list[QuotedSpan], sentence_end: int,
                 labelled: set[int]) -> list[Attribution]:
    cue = _cue_head(doc, attribution.cue)
    end_token = attribution.content_end
    if attribution.content_start > attribution.cue.start:
        # Only content that follows its cue runs on: after "“…,” Jeffrey said," the rest
        # of the sentence is the author's comment on it.
        end_token = _run_on(doc, end_token, min(sentence_end, _clause_end(cue)), labelled)
    first = attribution.content_start
    while first < end_token - 1 and ((doc[first].dep_ == "mark" and doc[first].lower_ in
                                     _COMPLEMENTIZERS) or doc[first].is_space):
        first += 1  # "said that the bridge…": the statement starts after "that"
    second = _conjoined_cue(doc, cue, first, end_token)
    if second is not None and len(attribution.contents) == 1 \
            and attribution.content_start > attribution.cue.start:
        after = second.i + 1
        while after < end_token - 1 and doc[after].lower_ in _COMPLEMENTIZERS:
            after += 1
        return [found for found in (
            _one(doc, attribution, resolver, quoted=quoted, cue=cue, first=first,
                 end_token=_before_conjunction(doc, second)),
            _one(doc, replace(attribution, cue=TokenSpan("CUE", second.i, second.i + 1, 1.0)),
                 resolver, quoted=quoted, cue=second, first=after,
                 end_token=end_token)) if found is not None]
    found = _one(doc, attribution, resolver, quoted=quoted, cue=cue, first=first,
                 end_token=end_token)
    return [found] if found is not None else []


def _conjoined_cue(doc: Doc, cue: Token, first: int, end_token: int) -> Token | None:
    """"China said it opposed the test and warned the North…": a second cue verb with no
    subject of its own, joined to the first or (as the parser often attaches it) to the
    first one's complement, starts a second statement of the same source."""
    heads = {cue, *(c for c in cue.children if c.dep_ == "ccomp")}
    for token in doc[first + 1 : end_token - 1]:
        if token.dep_ == "conj" and token.head in heads and is_cue(token) \
                and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in token.children):
            return token
    return None


def _before_conjunction(doc: Doc, verb: Token) -> int:
    """Where the first statement ends: before the "and" (and any adverb) of `verb`."""
    end = verb.i
    while end > 0 and (doc[end - 1].is_punct or doc[end - 1].is_space or (
            doc[end - 1].head in (verb, verb.head) and doc[end - 1].dep_ == "cc")
            or (doc[end - 1].head == verb and doc[end - 1].dep_ in {"advmod", "aux", "neg"})):
        end -= 1
    return end


def _one(doc: Doc, attribution: TaggedAttribution, resolver: SpeakerResolver, *,
         quoted: list[QuotedSpan], cue: Token, first: int,
         end_token: int) -> Attribution | None:
    if first >= end_token:
        return None
    start = doc[first].idx
    last = doc[end_token - 1]
    end = last.idx + len(last)
    inner = [q for q in quoted if q.start < end and start < q.end]
    if len(attribution.contents) > 1 and all(_is_quotation(doc, c, quoted)
                                             for c in attribution.contents):
        # "“A,” Lowcock said. “B.”": quotations on both sides of their attribution are
        # one direct statement, as the rules read them.
        kind: QuoteKind = "direct"
        start, end = inner[0].start, inner[-1].end
    else:
        kind, start, end = shape_content(doc, start, end, quoted)
    if end - start < MIN_CONTENT_CHARS and kind != "direct":
        return None
    source = _source_phrase(doc, attribution, cue)
    pieces = [doc[attribution.cue.start], doc[attribution.cue.end - 1]]
    if attribution.source is not None:
        pieces += [doc[attribution.source.start], doc[attribution.source.end - 1]]
    frame_start = min(start, *(t.idx for t in pieces))
    frame_end = max(end, *(t.idx + len(t) for t in pieces))
    cue_text = cue_words(doc, attribution.cue, cue)
    speaker, source = resolver.identify(source)
    return Attribution(source, speaker, cue_text, kind, start, end, frame_start, frame_end)
