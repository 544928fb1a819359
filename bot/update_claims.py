"""Each Telegram update handled once, though it may reach several front-ends (Telegram
redelivers an update that was not answered in time, and a proxy may send it anywhere).

A front-end claims an update before it handles it and marks it done afterwards; a claim
that is never marked (the front-end died) lapses after `claim_ttl`, so the redelivered
update is handled then. The in-memory version serves one process; `bot/redis_state`
has the one N front-ends share.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from bot.expiring import ExpiringCache

# Longer than the longest handling (an analysis may take ANALYSIS_TIMEOUT, 120 s, plus a
# fetch): a live claim must not lapse while its front-end is still working.
CLAIM_SECONDS = 600.0
# Telegram keeps an unanswered update for 24 hours: a done mark need not outlive that.
DONE_SECONDS = 24 * 3600.0


class UpdateClaims(Protocol):
    async def claim(self, update_id: int) -> bool:
        """True when this caller may handle the update: nobody holds it and it is not done."""
        ...

    async def done(self, update_id: int) -> None:
        """Handled: never to be claimed again (for `done_ttl`)."""
        ...

    async def release(self, update_id: int) -> None:
        """Not handled after all (it failed): a redelivery may claim it at once."""
        ...


class LocalUpdateClaims:
    """Update claims within one process."""

    def __init__(self, *, claim_ttl: float = CLAIM_SECONDS, done_ttl: float = DONE_SECONDS,
                 capacity: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._claimed: ExpiringCache[int, bool] = ExpiringCache(ttl=claim_ttl,
                                                                capacity=capacity, clock=clock)
        self._done: ExpiringCache[int, bool] = ExpiringCache(ttl=done_ttl, capacity=capacity,
                                                             clock=clock)

    async def claim(self, update_id: int) -> bool:
        if self._done.get(update_id) or self._claimed.get(update_id):
            return False
        self._claimed.put(update_id, True)
        return True

    async def done(self, update_id: int) -> None:
        self._done.put(update_id, True)

    async def release(self, update_id: int) -> None:
        # Stored as not held: `claim` reads a false entry as free.
        self._claimed.put(update_id, False)
