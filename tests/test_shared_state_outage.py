"""The shared state through a Redis outage, on a Redis server of each test's own that it
stops and starts: a restart of a second or two costs a request some delay, not an error
(`connect` retries refused connections); through a longer outage a user is still
answered: the request is allowed, the reply goes without the buttons that would need
Redis, and sends keep to the front-end's own flood limits."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot import redis_state
from bot.redis_state import (
    RedisBreakdownMemory,
    RedisFloodBudget,
    RedisLinkMemory,
    RedisRateLimiter,
    connect,
)
from handlers.keyboards import link_rows
from handlers.sending import SharedRateLimiter
from tests.servers import RedisServer
from tests.test_sending import FlakyCall
from tests.test_shared_state import SAMPLE

pytestmark = pytest.mark.slow  # a Redis server per test


async def test_a_restart_of_a_second_costs_a_delay_not_an_error(own_redis: RedisServer) -> None:
    client = connect(own_redis.url)
    memory = RedisBreakdownMemory(client)
    try:
        assert await memory.remember(SAMPLE) is not None  # connected before the restart
        await asyncio.to_thread(own_redis.stop)
        restart = asyncio.get_running_loop().call_later(
            1.0, lambda: asyncio.ensure_future(asyncio.to_thread(own_redis.start)))
        started = time.monotonic()
        token = await memory.remember(SAMPLE)  # refused, retried until Redis is back
        assert token is not None and await memory.recall(token) == SAMPLE
        assert 1.0 <= time.monotonic() - started < 1.0 + sum(
            redis_state.RETRY_BACKOFF.compute(n) for n in range(1, redis_state.RETRIES + 1))
        restart.cancel()
    finally:
        await client.aclose()


async def test_through_an_outage_users_are_answered_without_buttons(
        own_redis: RedisServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redis_state, "RETRIES", 1)  # the outage outlasts any retrying
    client = connect(own_redis.url)
    try:
        limiter = RedisRateLimiter(client, limit=1)
        assert await limiter.allow(7)
        assert not await limiter.allow(7)  # the limit holds while Redis is there
        await asyncio.to_thread(own_redis.stop)
        assert await limiter.allow(7)  # open: no request is refused for want of Redis
        assert await RedisBreakdownMemory(client).remember(SAMPLE) is None
        assert await link_rows(("https://example.org/a",), RedisLinkMemory(client)) == []
        flood = SharedRateLimiter(RedisFloodBudget(client, "11"))
        reply = FlakyCall()
        assert await flood.process_request(reply, (), {}, "sendMessage", {"chat_id": -5},
                                           None) == {"ok": True}
        assert reply.calls == 1  # sent, within this front-end's own limits
        typing = FlakyCall()
        assert await flood.process_request(typing, (), {}, "sendChatAction",
                                           {"chat_id": -5}, None) is True
        assert typing.calls == 0 and flood.chat_actions_dropped == 1  # a courtesy: dropped
        await asyncio.to_thread(own_redis.start)  # back (empty): limits count afresh
        assert await limiter.allow(7) and not await limiter.allow(7)
        assert await RedisBreakdownMemory(client).remember(SAMPLE) is not None
    finally:
        await client.aclose()
