"""The summary: one to three verbatim sentences from the top of the article.

News is written lead first, so the opening sentences are a strong summary (Lead-3).
What beats them (measured with ``bench/eval_summary.py`` on CNN/DailyMail) is skipping
what a pasted page puts in and around the story (datelines, bylines, photo captions
glued onto sentences, teaser questions, the tail of a quote), then choosing among the
first few sentences those that share the most words with the rest of the article,
without repeating each other, within a length budget.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from bot.breakdown.lexicon import VAGUE_MARKERS, phrase_pattern
from bot.breakdown.segment import Sentence

MAX_SENTENCES = 3
CANDIDATES = 5  # only the first few acceptable sentences compete: news is lead first
MIN_WORDS = 5  # shorter ones are fragments ("He was 88.", "Guilty across the board.")
MAX_WORDS = 60  # longer "sentences" are mostly several captions run together
WORD_BUDGET = 75  # highlights run ~50 words: stop once the summary has this many
SPECULATION_PENALTY = 1.0  # per hedge or vague-source marker
POSITION_DECAY = 0.1  # score lost per place down the candidate list
CENTRALITY_WEIGHT = 0.4
REDUNDANCY = 0.6  # skip a sentence sharing more than this share of words with a chosen one
STEM = 7  # words compared on their first letters: a stemmer for free

# "(CNN)", "New Delhi, India (CNN)", "LONDON (Reuters) -": a dateline in front of the
# first sentence. The summary starts after it, so it is still a verbatim substring.
_DATELINE = re.compile(
    r"^(?:[A-Z][\w.'’-]*(?:[ ,]+[A-Z][\w.'’-]*){0,4}\s*)?"
    r"\((?:CNN|Reuters|AP|AFP|[A-Z][\w.]*(?: [A-Z][\w.]*){0,3})\)"
    r"(?:\s*[-–—]+\s*|(?=[A-Z\"“]))"  # "(CNN)The ..." or "(Reuters) - The": not "(AAPL) rose"
)
# "By . Daily Mail Reporter . PUBLISHED: 12:01 EST ...", "By Jane Smith for MailOnline".
_BYLINE = re.compile(
    r"^(?:by\s*\.|by (?:[A-Z][\w'’-]+ ?){1,4}(?:\.|$|for\b|and\b)|"
    r"published:|updated:|last updated\b|\||[\w ]{0,40}\b(?:reporter|correspondent)\s*\.?$)",
    re.IGNORECASE,
)
# A caption pasted in front of a sentence with no full stop: "Rhodri Giggs outside
# court, where he was banned from driving The brother of ...". A lower-case word, then a
# capitalised article or pronoun opening a lower-case clause, marks where the text starts.
_GLUED_START = re.compile(
    r"(?<=[a-z0-9%'’)]) (?=(?:The|A|An|He|She|It|They|His|Her|Their|This|These) [a-z0-9])"
)
_WIDGET = re.compile(
    r"scroll down for video|click (?:here|to see)|consider helping us|do you like this "
    r"content|\bfollow us\b|\bsubscribe\b|all rights reserved",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"\bpictured\b|\((?:left|right|centre|center|middle|above|below|top|bottom|inset)\)"
    r"|^[A-Z][\w'’ -]{0,25}: [A-Z]",  # "Wanted: Police in Maryland ...", "Down: RBS ..."
    re.IGNORECASE,
)
_QUOTES = "\"'“”‘’"
_STOP = frozenset(
    {
        "the",
        "and",
        "but",
        "for",
        "from",
        "with",
        "are",
        "was",
        "were",
        "been",
        "has",
        "have",
        "had",
        "its",
        "his",
        "her",
        "she",
        "they",
        "their",
        "this",
        "that",
        "these",
        "those",
        "which",
        "who",
        "said",
        "says",
        "will",
        "would",
        "not",
    }
)
_WORD = re.compile(r"[a-z0-9]+")
_HEDGE = phrase_pattern(("likely", "unlikely", "appears", "appear", "seems", "seem",
                         "apparently", "possibly", "probably", "perhaps", "presumably"))


@dataclass(frozen=True, slots=True)
class _Candidate:
    index: int  # place among the body sentences: keeps the summary in text order
    text: str  # the sentence after any dateline or glued caption
    words: frozenset[str]


def _trim(text: str) -> str:
    """The sentence without a leading dateline or a caption glued in front of it."""
    offset = match.end() if (match := _DATELINE.match(text)) else 0
    glued = _GLUED_START.search(text, offset)
    if glued and len(text[offset : glued.start()].split()) >= 5:
        offset = glued.end()
    return text[offset:]


def _never(text: str) -> bool:
    """Bylines, widgets and captions: never part of a summary."""
    return bool(_BYLINE.match(text) or _WIDGET.search(text) or _CAPTION.search(text))


def _informative(text: str) -> bool:
    """Whether a sentence says what happened (rather than teasing or quoting)."""
    if not MIN_WORDS <= len(text.split()) <= MAX_WORDS:
        return False
    if text.rstrip(_QUOTES + ")").endswith("?"):
        return False  # a teaser question
    # A quote with no attribution after it is a voice, not a fact.
    return not (text[0] in _QUOTES and text.rstrip(".")[-1] in _QUOTES)


def _quote_open_after(text: str, inside: bool) -> bool:
    """Whether a double quote is still open at the end of this sentence."""
    for char in text:
        if char == "“":
            inside = True
        elif char == "”":
            inside = False
        elif char == '"':
            inside = not inside
    return inside


def _content_words(text: str) -> frozenset[str]:
    return frozenset(w[:STEM] for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOP)


def _candidates(body: list[Sentence]) -> list[_Candidate]:
    """The first acceptable sentences; relaxed to any non-boilerplate one if none is."""
    found: list[_Candidate] = []
    fallback: list[_Candidate] = []
    inside_quote = False
    for index, sentence in enumerate(body):
        text = _trim(sentence.text)
        continues_quote = inside_quote
        inside_quote = _quote_open_after(text, inside_quote)
        if not text or _never(text):
            continue
        candidate = _Candidate(index, text, _content_words(text))
        if not fallback:
            fallback.append(candidate)
        if continues_quote or not _informative(text):
            continue  # the middle of a quote that began earlier, a question, a fragment
        found.append(candidate)
        if len(found) == CANDIDATES:
            break
    return found or fallback


def _centrality(words: frozenset[str], frequency: Counter[str]) -> float:
    """How many of the sentence's words other sentences repeat, damped by its length."""
    if not words:
        return 0.0
    shared = sum(1 for w in words if frequency[w] > 1)
    return shared / math.sqrt(len(words))


def _speculative(text: str) -> int:
    """Hedges and vague sourcing: such a sentence is the author's guess, not the news."""
    return len(_HEDGE.findall(text)) + len(VAGUE_MARKERS.findall(text))


def _redundant(candidate: _Candidate, chosen: list[_Candidate]) -> bool:
    for other in chosen:
        smaller = max(1, min(len(candidate.words), len(other.words)))
        if len(candidate.words & other.words) > REDUNDANCY * smaller:
            return True
    return False


def summarize(sentences: list[Sentence]) -> list[str]:
    """One to three verbatim body sentences, in text order, that say what happened."""
    body = [s for s in sentences if s.is_body]
    candidates = _candidates(body)
    if len(candidates) <= 1:
        return [c.text for c in candidates]
    # Sentence frequency of each word over the whole body: one pass, no pairwise work.
    frequency: Counter[str] = Counter()
    for sentence in body:
        frequency.update(_content_words(sentence.text))
    scores = [
        CENTRALITY_WEIGHT * _centrality(c.words, frequency) - POSITION_DECAY * place
        - SPECULATION_PENALTY * _speculative(c.text)
        for place, c in enumerate(candidates)
    ]
    ranked = [c for _, c in sorted(zip(scores, candidates, strict=True), key=lambda p: -p[0])]
    chosen: list[_Candidate] = []
    words = 0
    for candidate in ranked:
        if _redundant(candidate, chosen):
            continue
        chosen.append(candidate)
        words += len(candidate.text.split())
        if len(chosen) == MAX_SENTENCES or words >= WORD_BUDGET:
            break
    return [c.text for c in sorted(chosen, key=lambda c: c.index)]
