"""Counting words, apart from the engine: the bot counts a message's words before deciding to
analyse it, and must not load spaCy for that."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+(?:['’.-]\w+)*")


def count_words(text: str) -> int:
    return len(_WORD.findall(text))
