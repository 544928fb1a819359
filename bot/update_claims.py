"""Each Telegram update handled once, though it may reach several front-ends (Telegram
redelivers an update that was not answered in time, and a proxy may send it anywhere).

A front-end claims an update before it handles it and marks it done afterwards. A claim
is a short lease that its holder renews while it works (`leased`): a front-end that dies
mid-update stops renewing, and Telegram's redelivery is handled once the lease lapses,
seconds later rather than after the longest possible handling. The in-memory version
serves one process; `bot/redis_state` has the one N front-ends share.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from typing import Protocol

from bot.expiring import ExpiringCache

log = logging.getLogger("bot.update_claims")

# A lease: how long a claim outlives its holder's last renewal. Renewed every
# RENEW_SECONDS, so two renewals may fail (a Redis blip) before it lapses under a live
# holder; a dead holder's update is free again within this many seconds.
CLAIM_SECONDS = 15.0
RENEW_SECONDS = 5.0
# Telegram keeps an unanswered update for 24 hours: a done mark need not outlive that.
DONE_SECONDS = 24 * 3600.0


class UpdateClaims(Protocol):
    async def claim(self, update_id: int) -> bool:
        """True when this caller may handle the update: nobody holds it and it is not done.
        The claim lapses after the lease unless renewed."""
        ...

    async def renew(self, update_id: int) -> bool:
        """Extend this holder's claim by a lease; False when it no longer holds it (lapsed,
        released, done, or taken by another front-end after lapsing)."""
        ...

    async def is_done(self, update_id: int) -> bool:
        """Marked done (for a caller whose claim was refused: done, or held elsewhere)."""
        ...

    async def done(self, update_id: int) -> None:
        """Handled: never to be claimed again (for `done_ttl`)."""
        ...

    async def release(self, update_id: int) -> None:
        """Not handled after all (it failed): a redelivery may claim it at once. Only this
        holder's claim is released."""
        ...


class LocalUpdateClaims:
    """Update claims within one process."""

    def __init__(self, *, claim_ttl: float = CLAIM_SECONDS, done_ttl: float = DONE_SECONDS,
                 capacity: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        # Each claim stores a number of its own; 0 stands for "released".
        self._claimed: ExpiringCache[int, int] = ExpiringCache(ttl=claim_ttl,
                                                               capacity=capacity, clock=clock)
        self._done: ExpiringCache[int, bool] = ExpiringCache(ttl=done_ttl, capacity=capacity,
                                                             clock=clock)
        self._numbers = itertools.count(1)

    async def claim(self, update_id: int) -> bool:
        if self._done.get(update_id) or self._claimed.get(update_id):
            return False
        self._claimed.put(update_id, next(self._numbers))
        return True

    async def renew(self, update_id: int) -> bool:
        number = self._claimed.get(update_id)
        if not number or self._done.get(update_id):
            return False
        self._claimed.put(update_id, number)  # stored again: a fresh lease
        return True

    async def is_done(self, update_id: int) -> bool:
        return bool(self._done.get(update_id))

    async def done(self, update_id: int) -> None:
        self._done.put(update_id, True)

    async def release(self, update_id: int) -> None:
        if self._claimed.get(update_id):
            self._claimed.put(update_id, 0)


@asynccontextmanager
async def leased(claims: UpdateClaims, update_id: int, *,
                 every: float = RENEW_SECONDS) -> AsyncIterator[None]:
    """Renew the claim on `update_id` every `every` seconds while the block runs.

    A lost lease is logged, not raised: the work goes on, and at worst another front-end
    handles a redelivery too (which is what a lapsed claim means)."""

    async def keep_renewing() -> None:
        while True:
            await asyncio.sleep(every)
            try:
                held = await claims.renew(update_id)
            except Exception as error:  # Redis unreachable: the next renewal may work
                log.warning("could not renew the claim on update %d: %r", update_id, error)
                continue
            if not held:
                log.warning("lost the claim on update %d while handling it", update_id)
                return

    renewer = asyncio.create_task(keep_renewing())
    try:
        yield
    finally:
        renewer.cancel()
        with suppress(asyncio.CancelledError):
            await renewer
