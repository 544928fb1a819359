"""What the bot remembers for the life of its process has a bound: the per-user rate limiter,
the button tokens and the expiring cache behind them (the chat-admin cache and the database
purge are tested with the application, in test_handlers_offline.py and test_store.py)."""

from __future__ import annotations

from bot.expiring import ExpiringCache
from bot.rate_limit import RateLimiter
from bot.token_memory import TokenMemory


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_the_limiter_allows_limit_per_window() -> None:
    limiter = RateLimiter(3, window=60.0)
    allowed = [await limiter.allow(1, now=t) for t in (0.0, 1.0, 2.0, 3.0)]
    assert allowed == [True, True, True, False]
    assert await limiter.allow(2, now=3.0)  # another user has their own window
    assert not await limiter.allow(1, now=59.9)
    assert await limiter.allow(1, now=60.0)  # the first one left the window


async def test_the_limiter_forgets_users_idle_for_a_window() -> None:
    limiter = RateLimiter(2, window=60.0)
    for user in range(1000):  # a stream of one-off users over 100 s
        await limiter.allow(user, now=user / 10)
    assert len(limiter) == 600  # those of the last 60 s
    assert await limiter.allow(5000, now=130.0)
    assert len(limiter) == 1 + 299  # users 701..999 were active after 70 s
    assert await limiter.allow(5001, now=500.0)
    assert len(limiter) == 1


async def test_the_limiter_keeps_its_capacity_without_freeing_the_active() -> None:
    limiter = RateLimiter(1, window=60.0, capacity=100)
    for user in range(1000):
        assert await limiter.allow(user, now=10.0)
    assert len(limiter) == 100
    assert not await limiter.allow(999, now=11.0)  # the most recent users are still limited
    assert await limiter.allow(0, now=11.0)  # the least recent were let go first


async def test_a_denied_request_does_not_refresh_the_window() -> None:
    limiter = RateLimiter(1, window=60.0)
    assert await limiter.allow(1, now=0.0)
    assert not await limiter.allow(1, now=30.0)
    assert await limiter.allow(1, now=60.0)


def test_entries_expire_and_are_dropped() -> None:
    clock = Clock()
    cache: ExpiringCache[str, int] = ExpiringCache(ttl=60.0, capacity=10, clock=clock)
    cache.put("a", 1)
    clock.now += 30
    cache.put("b", 2)
    assert (cache.get("a"), cache.get("b")) == (1, 2)
    clock.now += 30  # "a" is 60 s old: gone; "b" is 30 s old
    assert cache.get("a") is None and cache.get("b") == 2
    assert len(cache) == 1  # reading an expired entry removed it
    clock.now += 100
    cache.put("c", 3)  # storing drops every expired entry, read or not
    assert len(cache) == 1 and cache.get("b") is None


def test_the_cache_keeps_its_capacity_oldest_first() -> None:
    clock = Clock()
    cache: ExpiringCache[int, str] = ExpiringCache(ttl=3600.0, capacity=3, clock=clock)
    for key in range(5):
        cache.put(key, str(key))
    assert len(cache) == 3 and cache.get(0) is None and cache.get(1) is None
    cache.put(2, "again")  # storing again makes it the newest
    cache.put(5, "5")
    assert cache.get(3) is None and cache.get(2) == "again"


async def test_button_tokens_are_bounded() -> None:
    memory: TokenMemory[int] = TokenMemory(capacity=50)
    tokens = [await memory.remember(n) for n in range(500)]
    assert await memory.recall(tokens[0]) is None and await memory.recall(tokens[-1]) == 499
    assert sum([await memory.recall(token) is not None for token in tokens]) == 50
