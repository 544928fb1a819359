"""Counting words, apart from the engine: the bot counts a message's words before deciding to
analyse it, and must not load spaCy for that."""

from __future__ import annotations

import re
from itertools import islice

_WORD = re.compile(r"\w+(?:['’.-]\w+)*")


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def has_words(text: str, count: int) -> bool:
    """At least `count` words, counted as `count_words` does; stops as soon as it knows."""
    return sum(1 for _ in islice(_WORD.finditer(text), count)) >= count
