"""What a button stands for, behind a short token: a breakdown to expand, a link to fetch.

The interface, and the in-memory version of one process; `bot/redis_state.py` has the one
N front-ends share (a button made on one is pressed on another).
"""

from __future__ import annotations

import secrets
from typing import Generic, Protocol, TypeVar

from bot.breakdown import Breakdown
from bot.expiring import ExpiringCache

T = TypeVar("T")
DAY = 24 * 3600.0


def new_token() -> str:
    # Callback data is capped at 64 bytes, so buttons carry a short random token.
    return secrets.token_urlsafe(6)


class ButtonMemory(Protocol[T]):
    """Things buttons stand for, recalled by token for a day at most."""

    async def remember(self, item: T) -> str | None:
        """A new token that stands for `item`; None when the memory cannot be reached
        (a shared one: the reply then goes without the buttons that would need it)."""
        ...

    async def recall(self, token: str) -> T | None:
        """What `token` stands for, or None when unknown or expired."""
        ...


class TokenMemory(Generic[T]):
    """Recent things buttons stand for, in memory only and for a day at most."""

    def __init__(self, capacity: int = 500, ttl: float = DAY) -> None:
        self._items: ExpiringCache[str, T] = ExpiringCache(ttl=ttl, capacity=capacity)

    # Async only to share the interface with the Redis memory: nothing here awaits.
    async def remember(self, item: T) -> str:
        token = new_token()
        self._items.put(token, item)
        return token

    async def recall(self, token: str) -> T | None:
        return self._items.get(token)


class BreakdownMemory(TokenMemory[Breakdown]):
    """Recent breakdowns for the expand buttons."""
