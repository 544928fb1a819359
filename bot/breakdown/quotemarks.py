"""Quoted passages found from quotation marks alone (no parse needed).

Pasted news mixes curly and straight marks, drops closing marks, and continues long
quotes over paragraphs by re-opening each paragraph without closing the previous one.
The scanner works one paragraph at a time, so a stray mark can spoil at most its own
paragraph, never the whole article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Opening mark -> marks that may close it (sloppy text mixes curly and straight marks).
_OPENERS = {"“": '”"', "«": "»", "„": '“”"', "``": "''", "''": "''", '"': '"”'}
_MARK = re.compile(r"``|''|[“”«»„\"]")
# A quote longer than this inside one paragraph is almost surely a missing closing mark.
_MAX_QUOTE_CHARS = 2000


@dataclass(frozen=True, slots=True)
class QuotedSpan:
    """Characters between a pair of quotation marks; `start`/`end` exclude the marks."""

    start: int
    end: int
    closed: bool  # False: the paragraph ended first (a quote continuing in the next one)


def _is_opening_straight(text: str, i: int) -> bool:
    """A straight double quote opens when it follows a space, bracket or line start."""
    return i == 0 or text[i - 1] in " \t\n([{—–-:/" or (not text[i - 1].isalnum() and (
        i + 1 < len(text) and text[i + 1].isalnum()
    ))


def _opens_next_word(text: str, i: int, end: int) -> bool:
    """While a quote is open, a straight mark closes it unless it sits before a word
    after a space (then the closing mark was lost and this opens a new quotation)."""
    return (i == 0 or text[i - 1].isspace()) and i + 1 < end and text[i + 1].isalnum()


def _scan_paragraph(text: str, start: int, end: int) -> list[QuotedSpan]:
    spans: list[QuotedSpan] = []
    open_at: int | None = None
    closers = ""
    for match in _MARK.finditer(text, start, end):
        mark, i = match.group(), match.start()
        if open_at is None:
            if mark in _OPENERS and (mark != '"' or _is_opening_straight(text, i)):
                open_at, closers = match.end(), _OPENERS[mark]
            elif mark == "”" and _opens_next_word(text, i, end):
                # ”…”: a closing mark typed where an opening one belongs (Nordic style,
                # or autocorrect), at the start of a word.
                open_at, closers = match.end(), '”"'
            continue
        if mark in closers and (mark != '"' or not _opens_next_word(text, i, end)):
            if 0 < i - open_at <= _MAX_QUOTE_CHARS:
                spans.append(QuotedSpan(open_at, i, True))
            open_at = None
        elif mark in _OPENERS and mark not in closers:
            # An opener while open: the previous quote lost its closing mark; restart here.
            open_at, closers = match.end(), _OPENERS[mark]
    if open_at is not None:
        stop = end
        while stop > open_at and text[stop - 1].isspace():
            stop -= 1
        if 0 < stop - open_at <= _MAX_QUOTE_CHARS:
            spans.append(QuotedSpan(open_at, stop, False))
    return spans


def find_quoted_spans(text: str) -> list[QuotedSpan]:
    """Every quoted passage, paragraph by paragraph, in text order."""
    spans: list[QuotedSpan] = []
    for paragraph in re.finditer(r"[^\n]+", text):
        spans.extend(_scan_paragraph(text, paragraph.start(), paragraph.end()))
    return spans
