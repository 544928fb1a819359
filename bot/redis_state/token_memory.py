"""Button memory in Redis: one key per token, expiring with the day, so that a button made
on one front-end works when pressed on another."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from dataclasses import replace
from typing import Generic, TypeVar

from redis.asyncio import Redis

from bot.breakdown import Breakdown
from bot.redis_state.errors import UNREACHABLE_ERRORS
from bot.token_memory import DAY, new_token

T = TypeVar("T")
log = logging.getLogger(__name__)


class RedisTokenMemory(Generic[T]):
    """Things buttons stand for, stored as text by `encode` and read back by `decode`."""

    def __init__(self, redis: Redis, *, prefix: str, encode: Callable[[T], str],
                 decode: Callable[[str], T], ttl: float = DAY) -> None:
        self._redis, self._prefix, self._ttl = redis, prefix, max(1, math.ceil(ttl))
        self._encode, self._decode = encode, decode

    async def remember(self, item: T) -> str | None:
        value = self._encode(item)
        try:
            while True:  # NX: a token another front-end just drew is not overwritten
                token = new_token()
                if await self._redis.set(f"{self._prefix}{token}", value, ex=self._ttl,
                                         nx=True):
                    return token
        except UNREACHABLE_ERRORS as error:
            log.warning("button not remembered: Redis unreachable (%s)", type(error).__name__)
            return None

    async def recall(self, token: str) -> T | None:
        value = await self._redis.get(f"{self._prefix}{token}")
        if value is None:
            return None
        return self._decode(value if isinstance(value, str) else value.decode())


def encode_breakdown(breakdown: Breakdown) -> str:
    """The JSON contract, and beside it whether the publication date is reliable (shown by
    the reply, but not part of the contract: the link cache keeps it apart too)."""
    return json.dumps({"breakdown": breakdown.to_dict(),
                       "published_reliable": breakdown.source.published_reliable},
                      ensure_ascii=False)


def decode_breakdown(value: str) -> Breakdown:
    data = json.loads(value)
    breakdown = Breakdown.from_dict(data["breakdown"])
    source = replace(breakdown.source, published_reliable=data["published_reliable"])
    return replace(breakdown, source=source)


def _same(text: str) -> str:
    return text


class RedisBreakdownMemory(RedisTokenMemory[Breakdown]):
    """Recent breakdowns for the expand buttons."""

    def __init__(self, redis: Redis, *, prefix: str = "breakdown:button:",
                 ttl: float = DAY) -> None:
        super().__init__(redis, prefix=prefix, encode=encode_breakdown,
                         decode=decode_breakdown, ttl=ttl)


class RedisLinkMemory(RedisTokenMemory[str]):
    """The links behind "Break down the linked page"."""

    def __init__(self, redis: Redis, *, prefix: str = "breakdown:link:",
                 ttl: float = DAY) -> None:
        super().__init__(redis, prefix=prefix, encode=_same, decode=_same, ttl=ttl)
