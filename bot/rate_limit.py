"""The per-user rate limit on breakdowns (`USER_RATE_LIMIT`), kept in memory."""

from __future__ import annotations

import time
from collections import deque


class RateLimiter:
    """At most `limit` breakdowns per user in any 60 seconds (sliding window)."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[int, deque[float]] = {}

    def allow(self, user_id: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        stamps = self._seen.setdefault(user_id, deque())
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        if len(stamps) >= self.limit:
            return False
        stamps.append(now)
        return True
