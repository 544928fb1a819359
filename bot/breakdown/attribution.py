"""Who said what: every statement tied to its source.

Passes over the body sentences (and attribution headlines), in text order:

1. whole-line layouts (`bot.breakdown.line_layouts`): speaker labels, signatures,
   interview blocks, Q&A answers, embedded posts, "Her verdict: …";
2. cue verbs and framing phrases: "said", "according to X", "as X sees it"
   (`bot.breakdown.cues`, `bot.breakdown.prepositional`);
3. quotations no cue claimed: continuations of the quote before them ("…," Lowcock said.
   "In order for this…"), colon introductions ("He said: …") and paragraphs of a
   quotation left open until its attribution in a later paragraph.

`find_quote_sets` merges these with the learned tagger's attributions (the hybrid).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Literal

from spacy.tokens import Doc

from bot.breakdown.attribution_tagger.attributions import model_attributions
from bot.breakdown.cues import (
    MIN_CONTENT_CHARS,
    Attribution,
    describes_a_subject,
    inside,
    is_cue,
    quote_from_cue,
    quotes_overlapping,
)
from bot.breakdown.line_layouts import (
    ANSWER_CUE,
    INTERVIEW_CUE,
    POST_CUE,
    quote_from_answer,
    quote_from_headline,
    quote_from_interview_block,
    quote_from_post_embed,
    quote_from_saying_label,
    quote_from_signature,
    quote_from_speaker_label,
)
from bot.breakdown.model import Quote
from bot.breakdown.nlp import text_of
from bot.breakdown.prepositional import (
    quote_from_according_to,
    quote_from_way_of_seeing,
    quote_from_words_of,
)
from bot.breakdown.quotemarks import QuotedSpan
from bot.breakdown.segment import Sentence
from bot.breakdown.spans import SpanIndex
from bot.breakdown.speakers import AUTHOR, READER, UNRESOLVED, SpeakerResolver

AttributionStrategy = Literal["rules", "model", "hybrid"]


def _continues(previous: Attribution | None, gap_sentences: int) -> bool:
    """A quotation with no cue continues the quote (or colon introduction) just before."""
    return previous is not None and previous.kind in {"direct", "mixed"} and gap_sentences <= 2


def _merge_interrupted(result: Attribution, here: list[QuotedSpan], used: set[QuotedSpan],
                       text: str) -> Attribution:
    """"“A,” Ryan said, “B.”": one statement split by its own attribution."""
    for quote in here:
        gap = text[result.frame_end : quote.start]
        if quote not in used and quote.start >= result.frame_end and len(gap) <= 4 \
                and not any(ch.isalnum() for ch in gap):
            used.add(quote)
            return replace(result, end=quote.end, frame_end=quote.end)
    return result


@dataclass(frozen=True, slots=True)
class QuoteSets:
    """The quotes shown, and the rules' own quotes (which the claim logic was fitted to)."""

    quotes: list[Quote]
    rule_quotes: list[Quote]


def find_quotes(doc: Doc, sentences: list[Sentence], quoted: list[QuotedSpan], *,
                strategy: AttributionStrategy = "hybrid") -> list[Quote]:
    """Every attributed statement in the body of the text, in text order."""
    return find_quote_sets(doc, sentences, quoted, strategy=strategy).quotes


def find_quote_sets(doc: Doc, sentences: list[Sentence], quoted: list[QuotedSpan], *,
                    strategy: AttributionStrategy = "hybrid") -> QuoteSets:
    """The quotes of `strategy`, with the rules' quotes beside them.

    `strategy` picks who finds the quotes: the rules, the learned tagger, or both (the
    default): the tagger's attributions, plus the rules' wherever the tagger found none.
    """
    text = text_of(doc)
    resolver = new_resolver(doc, sentences, quoted)
    rules = without_narrator(doc, rule_attributions(doc, sentences, quoted, resolver))
    rule_quotes = _finish(text, join_continuations(sorted(rules, key=lambda f: f.start), text),
                          resolver)
    if strategy == "rules":
        return QuoteSets(rule_quotes, rule_quotes)
    model = model_attributions(doc, sentences, quoted, [(r.start, r.end) for r in rules],
                               resolver=new_resolver(doc, sentences, quoted))
    found = merge_attributions(without_narrator(doc, model), rules, text) \
        if strategy == "hybrid" else without_narrator(doc, model)
    quotes = _finish(text, join_continuations(sorted(found, key=lambda f: f.start), text),
                     resolver)
    return QuoteSets(quotes, rule_quotes)


def merge_attributions(model: list[Attribution], rules: list[Attribution],
                       text: str) -> list[Attribution]:
    """The tagger's attributions that have a source, and each rule attribution whose
    content none of them touches (rules know quote-mark layouts the tagger has not seen)."""
    # A statement whose source the tagger could not find in the text stands only where
    # the rules saw the same statement, and then in the rules' reading of it.
    layout = SpanIndex((r.start, r.end) for r in rules if r.cue in _RULES_WIN)
    kept = [m for m in model if m.source.text and not _unresolved(m)
            and not layout.overlaps(m.start, m.end) and not _splits(m, rules)
            and not _cut_short(m, rules, text) and not _spills(m, rules, text)]
    taken = SpanIndex((m.start, m.end) for m in kept)
    return kept + [rule for rule in rules if not taken.overlaps(rule.start, rule.end)]


# Readings of the rules that win over the tagger's: speaker labels, signatures and
# interview blocks (layouts of whole lines that the tagger, trained on running newswire
# text, has not seen), and "according to X" (never anything but an attribution).
_RULES_WIN = frozenset({":", "―", "according to", INTERVIEW_CUE, ANSWER_CUE,
                        POST_CUE})


def without_narrator(doc: Doc, found: list[Attribution]) -> list[Attribution]:
    """Outside quotation marks "I" is the writer and "you" the reader. Their speech and
    stated beliefs stay, as PolNeAR annotates them ("I told him…", "I believe that…",
    "you may think that…"), but with a verb outside every cue lexicon ("I love how…",
    "if you want a lighter camera", "I'm desperate to…") the writer is describing, not
    reporting a statement: that is the article's own text."""
    return [f for f in found if f.speaker not in (AUTHOR, READER) or _cue_in_frame(doc, f)]


def _cue_in_frame(doc: Doc, found: Attribution) -> bool:
    frame = doc.char_span(found.frame_start, found.frame_end, alignment_mode="expand")
    return frame is not None and any(not found.start <= t.idx < found.end and is_cue(t)
                                     for t in frame)


def _cut_short(found: Attribution, rules: list[Attribution], text: str) -> bool:
    """Whether the tagger took only the clause after a parenthetical cue ("The money is
    there, Rivera added, and the work will start in May") where the rules read both."""
    if not text[found.start : found.end].lower().startswith(("and ", "but ")):
        return False
    return any(r.speaker == found.speaker and r.cue == found.cue and r.start <= found.start
               and found.end <= r.end and r.end - r.start > found.end - found.start
               for r in rules)


def _spills(found: Attribution, rules: list[Attribution], text: str) -> bool:
    """Whether the tagger ran the same speaker's quotation on past its closing mark into
    the writer's next sentence ("…: “Frequency is freedom.” He is right.")."""
    return any(r.kind == "direct" and r.speaker == found.speaker and r.start < r.end
               and found.start <= r.end and r.start <= found.end and found.end > r.end + 2
               and re.search(r"[.!?][”\"’']?\s+[A-Z]", text[r.end - 2 : found.end]) is not None
               for r in rules)


def _splits(found: Attribution, rules: list[Attribution]) -> bool:
    """Whether the rules read two speakers where the tagger read one statement
    ("“A,” she said. “B,” he said." with the second cue missed)."""
    if found.kind != "direct":
        return False
    speakers = {r.speaker for r in rules if r.kind == "direct" and r.start < found.end
                and found.start < r.end}
    return len(speakers) > 1


def _unresolved(found: Attribution) -> bool:
    """A pronoun the article gives no referent for (the rules show it as "unresolved
    “she”"): the tagger's reading is dropped, and the rules' stands if they have one."""
    return found.speaker.startswith(UNRESOLVED)


def new_resolver(doc: Doc, sentences: list[Sentence],
                 quoted: list[QuotedSpan]) -> SpeakerResolver:
    """A fresh article-wide memory of people, to be read in text order."""
    body_start = next((s.start for s in sentences if s.is_body), 0)
    return SpeakerResolver(doc, [(q.start, q.end) for q in quoted], body_start=body_start)


def rule_attributions(doc: Doc, sentences: list[Sentence], quoted: list[QuotedSpan],
                      resolver: SpeakerResolver) -> list[Attribution]:
    """Attributions found by the rules alone (labels, signatures, cues, continuations)."""
    text = text_of(doc)
    found: list[Attribution] = []
    used: set[QuotedSpan] = set()
    last_direct: Attribution | None = None
    last_direct_index = -10
    labelled_until = -1
    for index, sentence in enumerate(s for s in sentences if s.is_body or
                                     s.kind == "headline"):
        if not sentence.is_body:
            headline = quote_from_headline(sentence, resolver)
            found += [headline] if headline is not None else []
            resolver.advance_to(sentence.end)
            continue
        here = quotes_overlapping(sentence.start, sentence.end, quoted)
        in_sentence: list[Attribution] = []
        label = quote_from_speaker_label(sentence, resolver) or quote_from_signature(
            sentence, quoted, resolver) or quote_from_interview_block(
            sentence, quoted, resolver) or quote_from_answer(sentence, resolver) or \
            quote_from_post_embed(sentence, resolver) or \
            quote_from_saying_label(sentence, resolver)
        if label is not None:
            in_sentence.append(label)
            labelled_until = label.end
        elif sentence.start >= labelled_until:
            in_sentence += _cue_quotes(sentence, here, quoted, resolver)
        for result in in_sentence:
            used.update(quotes_overlapping(result.start, result.end, quoted))
        in_sentence = [_merge_interrupted(r, here, used, text)
                       if r.kind == "direct" and r.start < r.end else r for r in in_sentence]
        for result in in_sentence:
            if result.kind != "indirect":
                last_direct, last_direct_index = result, index
        for quote in here:
            if quote in used or quote.end - quote.start < MIN_CONTENT_CHARS:
                continue
            if last_direct is not None and _continues(last_direct, index - last_direct_index):
                # The quotation right after a colon introduction ("X put it this way: “…”",
                # or "X said in a statement:" ending its line) has the introduction as its
                # frame; the quotations after that have their own.
                intro = last_direct.start == last_direct.end
                last_direct = replace(
                    last_direct, kind="direct", start=quote.start, end=quote.end,
                    frame_start=last_direct.frame_start if intro else quote.start,
                    frame_end=quote.end, continues=True)
                in_sentence.append(last_direct)
                used.add(quote)
                last_direct_index = index
        # Colon introductions carry no content of their own: the quotation after them does.
        found.extend(r for r in in_sentence if r.start < r.end)
        resolver.advance_to(sentence.end)
    found += lead_in_paragraphs(quoted, used, found, text)
    return found


def lead_in_paragraphs(quoted: list[QuotedSpan], used: set[QuotedSpan], found: list[Attribution],
                       text: str) -> list[Attribution]:
    """A quotation left open at a paragraph's end runs on into the next paragraph, whose
    attribution ("…,” said Maria Keller.) then covers the earlier paragraphs too."""
    added: list[Attribution] = []
    for quote, following in reversed(list(pairwise(quoted))):
        if quote.closed or quote in used or "\n" not in text[quote.end : following.start]:
            continue
        owner = next((f for f in (*added, *found) if f.start <= following.start < f.end
                      and f.kind != "indirect"), None)
        if owner is not None:
            added.append(replace(owner, kind="direct", start=quote.start, end=quote.end,
                                 frame_start=quote.start, frame_end=quote.end, continues=True))
            used.add(quote)
    return added


def join_continuations(found: list[Attribution], text: str) -> list[Attribution]:
    """A quotation that continues the speaker's quote in the same paragraph is part of it.

    "“It's heartbreaking,” Ryan said. “And this country has to…”" is one statement, as
    PolNeAR annotates it; a continuation in a new paragraph stays a statement of its own.
    """
    joined: list[Attribution] = []
    for item in found:
        previous = joined[-1] if joined else None
        if item.continues and previous is not None and previous.speaker == item.speaker \
                and previous.kind != "indirect" and "\n" not in text[previous.end : item.start]:
            joined[-1] = replace(previous, end=item.end,
                                 frame_end=max(previous.frame_end, item.frame_end))
        else:
            joined.append(item)
    return joined


def _cue_quotes(sentence: Sentence, here: list[QuotedSpan], quoted: list[QuotedSpan],
                resolver: SpeakerResolver) -> list[Attribution]:
    """Attributions from the cue verbs and "according to" phrases outside quotations."""
    results = []
    for token in sentence.span:
        if inside(token.idx, here):
            continue  # "I call on all parties" inside a quote is the speaker's own words
        if token.lower_ == "according" and token.dep_ == "prep":
            result = quote_from_according_to(token, quoted, resolver)
        elif token.lower_ == "in" and token.dep_ == "prep":
            result = quote_from_words_of(token, sentence, quoted, resolver)
        elif token.lemma_ == "see" and token.dep_ in {"advcl", "relcl"}:
            result = quote_from_way_of_seeing(token, quoted, resolver)
        elif is_cue(token) and not describes_a_subject(token):
            result = quote_from_cue(token, sentence, quoted, resolver)
        else:
            continue
        if result is not None:
            results.append(result)
    return results


def _finish(text: str, found: list[Attribution], resolver: SpeakerResolver) -> list[Quote]:
    """One quote per content span, roles shared across a speaker's quotes, text order;
    a speaker with no role at any cue takes the one an appositive gives them elsewhere."""
    roles: dict[str, str] = {}
    for item in found:
        if item.source.role and not item.source.is_pronoun:
            roles.setdefault(item.speaker, item.source.role)
    for item in found:
        if item.speaker not in roles and item.source.is_person and \
                (role := resolver.role_of(item.speaker)):
            roles[item.speaker] = role
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
            content=text[item.start : item.end],
            start=item.start,
            end=item.end,
            frame=(item.frame_start, item.frame_end),
        ))
    return quotes


__all__ = ["find_quotes", "join_continuations"]
