"""Stand-ins for the lexicon's word sets and regexes that note which entry matched where.

`bench/rule_ablation.py` binds them in place of the lexicon objects (`patch`) for one
baseline run: `HITS` then says, per entry, in which articles a membership test or a
regex alternative found it. Removing an entry can change only those articles.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from bot.breakdown import lexicon

CURRENT: list[int] = [-1]  # index of the article being analysed
HITS: dict[str, set[int]] = defaultdict(set)


class RecordingSet(frozenset[str]):
    """A word set that notes, per article, which of its words a membership test found."""

    owners: tuple[tuple[str, frozenset[str]], ...]

    def __new__(cls, items: frozenset[str],
                owners: tuple[tuple[str, frozenset[str]], ...]) -> RecordingSet:
        made = super().__new__(cls, items)
        made.owners = owners
        return made

    def __contains__(self, item: object) -> bool:
        found = frozenset.__contains__(self, item)
        if found:
            for table, words in self.owners:
                if item in words:
                    HITS[f"{table}:{item}"].add(CURRENT[0])
        return found

    def __or__(self, other: object) -> RecordingSet:  # "PERSON_PRONOUNS | GROUP_PRONOUNS"
        if not isinstance(other, frozenset):
            return NotImplemented
        theirs = other.owners if isinstance(other, RecordingSet) else ()
        return RecordingSet(frozenset.union(self, other), self.owners + theirs)

    __ror__ = __or__


class RecordingPattern:
    """A regex of alternatives that notes which alternative produced each match."""

    def __init__(self, table: str, parts: tuple[str, ...]) -> None:
        self.table, self.parts = table, parts
        self.grouped = lexicon.any_of(tuple(f"(?P<p{i}>{p})" for i, p in enumerate(parts)))
        self.pattern = self.grouped.pattern

    def _note(self, match: re.Match[str] | None) -> re.Match[str] | None:
        if match is not None:
            index = next(int(k[1:]) for k, v in match.groupdict().items() if v is not None)
            HITS[f"{self.table}:{self.parts[index]}"].add(CURRENT[0])
        return match

    def search(self, *args: Any) -> re.Match[str] | None:
        return self._note(self.grouped.search(*args))

    def match(self, *args: Any) -> re.Match[str] | None:
        return self._note(self.grouped.match(*args))

    def fullmatch(self, *args: Any) -> re.Match[str] | None:
        return self._note(self.grouped.fullmatch(*args))

    def finditer(self, *args: Any) -> Iterator[re.Match[str]]:
        for match in self.grouped.finditer(*args):
            self._note(match)
            yield match

    def findall(self, *args: Any) -> list[str]:
        return [m.group() for m in self.finditer(*args)]


def engine_modules() -> list[Any]:
    return [m for name, m in sorted(sys.modules.items())
            if name.startswith("bot.breakdown") and m is not None]


def patch(table: str, value: object) -> None:
    """Bind `table` to `value` in the lexicon and wherever an engine module imported it."""
    original = getattr(lexicon, table)
    for module in engine_modules():
        for name, bound in list(vars(module).items()):
            if bound is original:
                setattr(module, name, value)
