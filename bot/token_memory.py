"""What a button stands for, behind a short token: a breakdown to expand, a link to fetch."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from typing import Generic, TypeVar

from bot.breakdown import Breakdown

T = TypeVar("T")


class TokenMemory(Generic[T]):
    """Recent things buttons stand for, in memory only and for a day at most.

    Callback data is capped at 64 bytes, so buttons carry a short random token.
    """

    def __init__(self, capacity: int = 500, ttl: float = 24 * 3600) -> None:
        self.capacity, self.ttl = capacity, ttl
        self._items: OrderedDict[str, tuple[float, T]] = OrderedDict()

    def remember(self, item: T) -> str:
        token = secrets.token_urlsafe(6)
        self._items[token] = (time.monotonic(), item)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)
        return token

    def recall(self, token: str) -> T | None:
        item = self._items.get(token)
        if item is None or time.monotonic() - item[0] > self.ttl:
            return None
        return item[1]


class BreakdownMemory(TokenMemory[Breakdown]):
    """Recent breakdowns for the expand buttons."""
