"""The per-user rate limit on breakdowns (`USER_RATE_LIMIT`): the interface, and the
in-memory limiter of one process (`bot/redis_state.py` has the one N front-ends share)."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from typing import Protocol


class UserRateLimit(Protocol):
    """At most `limit` breakdowns per user in any `window` seconds (sliding window)."""

    limit: int

    async def allow(self, user_id: int, now: float | None = None) -> bool:
        """Counts the request and says whether it is allowed; `now` is for tests."""
        ...


class RateLimiter:
    """At most `limit` breakdowns per user in any `window` seconds (sliding window).

    Only users active within the window are remembered, and at most `capacity` of them
    (the least recently active leave first): one-off users do not pile up.
    """

    def __init__(self, limit: int, window: float = 60.0, capacity: int = 10_000) -> None:
        self.limit, self.window, self.capacity = limit, window, capacity
        # Per user, the times of their breakdowns in the window; least recently active first.
        self._seen: OrderedDict[int, deque[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._seen)

    async def allow(self, user_id: int, now: float | None = None) -> bool:
        # Async only to share the interface with the Redis limiter: nothing here awaits.
        now = time.monotonic() if now is None else now
        while self._seen and not _active(next(iter(self._seen.values())), now - self.window):
            self._seen.popitem(last=False)
        stamps = self._seen.setdefault(user_id, deque())
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        if len(stamps) >= self.limit:
            return False
        stamps.append(now)
        self._seen.move_to_end(user_id)
        while len(self._seen) > self.capacity:
            self._seen.popitem(last=False)
        return True


def _active(stamps: deque[float], since: float) -> bool:
    return bool(stamps) and stamps[-1] > since
