"""Character spans asked "which of you overlap [start, end)?" without a pass over all of
them: claims, quotes and the hybrid's merge ask it once per sentence or statement, and a
pass per question is quadratic on long articles."""

from __future__ import annotations

import bisect
from collections.abc import Iterable


class SpanIndex:
    """Sorted by start, a span that overlaps [start, end) starts after start - longest."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]
        self.longest = max((e - s for s, e in self.spans), default=0)

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        lo = bisect.bisect_left(self.starts, start - self.longest)
        hi = bisect.bisect_left(self.starts, end)
        return [(s, e) for s, e in self.spans[lo:hi] if start < e]

    def overlaps(self, start: int, end: int) -> bool:
        return bool(self.overlapping(start, end))
