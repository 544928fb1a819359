"""Lines and sentences of a pasted article, each marked as body, headline or boilerplate.

Only body sentences can become quotes, claims or summary: headlines, and the page
furniture of `bot.breakdown.furniture` (captions, credits, bylines, related stories, sign-ups,
bios, share bars, ads, greetings), are what a pasted page drags along, not what the article
says. Furniture is judged per line, and per sentence inside body lines for the safest rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from spacy.tokens import Doc, Span

from bot.breakdown.furniture import FurnitureKind, furniture_kinds, sentence_furniture
from bot.breakdown.nlp import text_of

LineKind = Literal["body", "headline", "boilerplate"]

# "“…” ― Jane Doe": a signed quotation (reader letters, epigraphs) ends a body line.
SIGNATURE = re.compile(r"[”\"»]\s*[―—–]+\s*([A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,4})\s*$")
_SENTENCE_END = re.compile(r"[.!?…:;]['\"’”)\]]*\s*$")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class Line:
    start: int
    end: int
    kind: LineKind


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence with its offsets in the analysed text and the kind of line it is on."""

    start: int
    end: int
    text: str
    kind: LineKind
    paragraph: int
    span: Span

    @property
    def is_body(self) -> bool:
        return self.kind == "body"


def classify_line(text: str, *, seen: set[str], first: bool,
                  furniture: FurnitureKind | None) -> LineKind:
    """Body, headline or boilerplate, from the line's own text and its furniture kind."""
    stripped = text.strip()
    words = _WORD.findall(stripped)
    key = " ".join(w.lower() for w in words)
    if not words or (key in seen and len(words) > 1):
        return "boilerplate"  # numbers, symbols, or a repeat of an earlier line
    if furniture is not None:
        return "boilerplate"
    if not _SENTENCE_END.search(stripped) and not SIGNATURE.search(stripped) \
            and len(words) <= 20:
        return "headline"  # titles, sub-heads, captions without a full stop
    capitalised = sum(w[0].isupper() for w in words)
    if first and len(words) <= 20 and capitalised >= 0.6 * len(words):
        return "headline"  # a title line with a full stop appended
    return "body"


def find_lines(text: str) -> list[Line]:
    """Every non-blank line of the text with its kind."""
    lines: list[Line] = []
    seen: set[str] = set()
    matches = [m for m in re.finditer(r"[^\n]+", text) if m.group().strip()]
    furniture = furniture_kinds([m.group() for m in matches])
    for match, kind_of_furniture in zip(matches, furniture, strict=True):
        kind = classify_line(match.group(), seen=seen, first=not lines,
                             furniture=kind_of_furniture)
        seen.add(" ".join(w.lower() for w in _WORD.findall(match.group())))
        lines.append(Line(match.start(), match.end(), kind))
    return lines


def find_sentences(doc: Doc) -> list[Sentence]:
    """spaCy's sentences, trimmed of surrounding space, tagged with their line's kind."""
    text = text_of(doc)
    lines = find_lines(text)
    sentences: list[Sentence] = []
    line_index = 0
    paragraph = 0
    previous_end = 0
    for sent in doc.sents:
        tokens = [t for t in sent if not t.is_space]
        if not tokens:
            continue
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        while line_index < len(lines) - 1 and lines[line_index].end <= start:
            line_index += 1
        if re.search(r"\n\s*\n", text[previous_end:start]):
            paragraph += 1
        previous_end = end
        kind = lines[line_index].kind if lines else "body"
        if kind == "body" and sentence_furniture(text[start:end]) is not None:
            kind = "boilerplate"  # "… . Follow her on Twitter @jdoe." inside a body line
        span = doc.char_span(start, end, alignment_mode="expand") or sent
        sentences.append(Sentence(start, end, text[start:end], kind, paragraph, span))
    return sentences
