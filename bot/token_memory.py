"""What a button stands for, behind a short token: a breakdown to expand, a link to fetch."""

from __future__ import annotations

import secrets
from typing import Generic, TypeVar

from bot.breakdown import Breakdown
from bot.expiring import ExpiringCache

T = TypeVar("T")


class TokenMemory(Generic[T]):
    """Recent things buttons stand for, in memory only and for a day at most.

    Callback data is capped at 64 bytes, so buttons carry a short random token.
    """

    def __init__(self, capacity: int = 500, ttl: float = 24 * 3600) -> None:
        self._items: ExpiringCache[str, T] = ExpiringCache(ttl=ttl, capacity=capacity)

    def remember(self, item: T) -> str:
        token = secrets.token_urlsafe(6)
        self._items.put(token, item)
        return token

    def recall(self, token: str) -> T | None:
        return self._items.get(token)


class BreakdownMemory(TokenMemory[Breakdown]):
    """Recent breakdowns for the expand buttons."""
