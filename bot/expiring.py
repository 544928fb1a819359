"""A bounded map whose entries expire: for what the bot remembers for the life of its process
(button tokens, chat-admin answers), so that no memory grows with every user ever seen."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ExpiringCache(Generic[K, V]):
    """Entries live `ttl` seconds after they were stored, and at most `capacity` of them are
    kept (past it, the oldest go first). Not thread-safe: one event loop uses it."""

    def __init__(self, *, ttl: float, capacity: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.capacity, self.clock = ttl, capacity, clock
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()  # oldest first

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | None:
        """The value stored for `key` while it is fresh, else None."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if self.clock() - entry[0] >= self.ttl:
            del self._entries[key]
            return None
        return entry[1]

    def put(self, key: K, value: V) -> None:
        now = self.clock()
        self._entries[key] = (now, value)
        self._entries.move_to_end(key)  # storing again makes it the newest
        # Stored times only grow towards the end, so the expired ones are at the front.
        while self._entries and now - next(iter(self._entries.values()))[0] >= self.ttl:
            self._entries.popitem(last=False)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)
