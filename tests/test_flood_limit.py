"""Telegram's flood limits shared by N front-ends (bot/redis_state/flood_limit.py) and the
rate limiter that draws on them (handlers/sending.py SharedRateLimiter), on the session's
real redis-server (marked slow, as every Redis test). The budget's admissions are checked
on a fake clock (`now`); two limiters, as two front-ends, on the real one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest
from redis.asyncio import Redis
from telegram.error import RetryAfter, TimedOut

from bot.redis_state import RedisFloodBudget
from bot.redis_state.flood_limit import PER_BOT, PER_GROUP
from bot.settings import Settings
from bot.shared_state import open_shared_state
from handlers import sending
from handlers.app import rate_limiter_for
from handlers.sending import PatientRateLimiter, SharedRateLimiter, backoff_delays, group_of
from tests.test_sending import FlakyCall

Clients = Callable[[], Redis]


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    real = backoff_delays
    monkeypatch.setattr(sending, "backoff_delays", lambda: (d / 100 for d in real()))


async def admitted(budget: RedisFloodBudget, count: int, *, group: int | None = None,
                   now: float) -> list[float]:
    return [await budget.admit(group, now=now) for _ in range(count)]


@pytest.mark.slow
async def test_the_bot_sends_30_a_second_then_waits_for_the_oldest_to_leave(
        redis_clients: Clients) -> None:
    one, two = RedisFloodBudget(redis_clients(), "1"), RedisFloodBudget(redis_clients(), "1")
    assert await admitted(one, 20, now=100.0) == [0.0] * 20
    assert await admitted(two, 10, now=100.4) == [0.0] * 10  # another front-end, same bot
    assert await one.admit(now=100.5) == pytest.approx(0.5)  # the first 20 leave at 101.0
    assert await two.admit(now=100.99) == pytest.approx(0.01)
    assert await admitted(two, 20, now=101.0) == [0.0] * 20
    assert await one.admit(now=101.0) == pytest.approx(0.4)  # then the 10 of 100.4
    assert await RedisFloodBudget(redis_clients(), "2").admit(now=101.0) == 0.0  # another bot


@pytest.mark.slow
async def test_a_group_gets_20_a_minute_within_the_bots_budget(redis_clients: Clients) -> None:
    budget = RedisFloodBudget(redis_clients(), "3")
    for second in range(20):  # one a second: the bot's limit never binds
        assert await budget.admit(-100, now=float(second)) == 0.0
    assert await budget.admit(-100, now=20.0) == pytest.approx(40.0)  # until 0 + 60
    assert await budget.admit(-200, now=20.0) == 0.0  # another group
    assert await budget.admit(None, now=20.0) == 0.0  # a private chat
    assert await budget.admit("@channel", now=20.0) == 0.0
    assert await budget.admit(-100, now=60.0) == 0.0


@pytest.mark.slow
async def test_a_refused_call_is_not_counted(redis_clients: Clients) -> None:
    budget = RedisFloodBudget(redis_clients(), "4", per_bot=PER_BOT, per_group=PER_GROUP)
    assert await admitted(budget, 30, now=0.0) == [0.0] * 30
    for _ in range(100):
        assert await budget.admit(now=0.5) > 0
    assert await budget.admit(now=1.0) == 0.0


@pytest.mark.slow
async def test_a_courtesy_call_needs_half_the_budget_free(redis_clients: Clients) -> None:
    budget = RedisFloodBudget(redis_clients(), "5")
    assert await admitted(budget, 14, now=0.0) == [0.0] * 14
    assert await budget.admit(share=0.5, now=0.0) == 0.0  # the 15th: half used now
    assert await budget.admit(share=0.5, now=0.0) > 0
    assert await budget.admit(now=0.0) == 0.0  # a real message still goes


@pytest.mark.slow
async def test_a_429_pauses_every_front_end(redis_clients: Clients) -> None:
    one, two = RedisFloodBudget(redis_clients(), "6"), RedisFloodBudget(redis_clients(), "6")
    await one.pause(2.0)
    assert 1.5 < await two.admit(now=0.0) <= 2.0
    assert await RedisFloodBudget(redis_clients(), "7").admit(now=0.0) == 0.0


def test_the_chat_decides_the_group() -> None:
    assert group_of({"chat_id": -100123}) == -100123
    assert group_of({"chat_id": "-100123"}) == -100123
    assert group_of({"chat_id": "@news"}) == "@news"
    assert group_of({"chat_id": 42}) is None and group_of({}) is None


def test_redis_url_chooses_the_shared_limiter() -> None:
    local = Settings(telegram_bot_token="42:secret")
    limiter = rate_limiter_for(local, open_shared_state(local))
    assert type(limiter) is PatientRateLimiter
    shared = Settings(telegram_bot_token="42:secret", redis_url="redis://127.0.0.1:1/0")
    limiter = rate_limiter_for(shared, open_shared_state(shared))  # not contacted
    assert isinstance(limiter, SharedRateLimiter)


# The limiter on the shared budget keeps PatientRateLimiter's behaviour

@pytest.mark.slow
async def test_transient_failures_and_429s_are_retried(redis_clients: Clients) -> None:
    limiter = SharedRateLimiter(RedisFloodBudget(redis_clients(), "8"), deadline=30)
    flaky = FlakyCall(TimedOut(), RetryAfter(1), TimedOut())
    started = time.monotonic()
    assert await limiter.process_request(flaky, (), {}, "sendMessage", {"chat_id": 1},
                                         None) == {"ok": True}
    assert flaky.calls == 4 and limiter.retried == 2
    assert time.monotonic() - started >= 1.0  # the 429's second was waited out


@pytest.mark.slow
async def test_a_429_on_one_front_end_holds_back_the_other(redis_clients: Clients) -> None:
    first = SharedRateLimiter(RedisFloodBudget(redis_clients(), "9"))
    second_budget = RedisFloodBudget(redis_clients(), "9")
    flaky = FlakyCall(RetryAfter(1))
    sending_task = asyncio.create_task(
        first.process_request(flaky, (), {}, "sendMessage", {"chat_id": 1}, None))
    await eventually_true(lambda: flaky.calls == 1)
    assert await second_budget.admit() > 0.5  # the other front-end waits too
    assert await sending_task == {"ok": True}


@pytest.mark.slow
async def test_typing_is_dropped_when_half_the_shared_budget_is_used(
        redis_clients: Clients) -> None:
    client = redis_clients()
    other_front_end = RedisFloodBudget(client, "10")
    limiter = SharedRateLimiter(RedisFloodBudget(client, "10"))
    action = FlakyCall(TimedOut())
    # Typing is sent once, never retried: a failure is the caller's to ignore.
    with pytest.raises(TimedOut):
        await limiter.process_request(action, (), {}, "sendChatAction", {"chat_id": 1}, None)
    for _ in range(15):
        assert await other_front_end.admit() == 0.0
    dropped = FlakyCall()
    assert await limiter.process_request(dropped, (), {}, "sendChatAction", {"chat_id": 1},
                                         None) is True
    assert dropped.calls == 0 and limiter.chat_actions_dropped == 1


@pytest.mark.slow
async def test_two_front_ends_together_send_at_most_30_a_second_and_both_progress(
        redis_clients: Clients) -> None:
    sent: list[tuple[int, float]] = []

    def recorder(front_end: int) -> Callable[..., Any]:
        async def send(*args: Any, **kwargs: Any) -> bool:
            sent.append((front_end, time.monotonic()))
            return True
        return send

    limiters = [SharedRateLimiter(RedisFloodBudget(redis_clients(), "11")) for _ in range(2)]
    started = time.monotonic()
    await asyncio.gather(*[
        limiters[n].process_request(recorder(n), (), {}, "sendMessage", {"chat_id": 1}, None)
        for _ in range(35) for n in (0, 1)])
    times = sorted(at for _, at in sent)
    # Admission is timed by Redis, sends by this process: 50 ms of slack for the gap.
    assert max(sum(1 for t in times if start <= t < start + 0.95) for start in times) <= 30
    first_second = [n for n, at in sent if at < started + 1.0]
    assert first_second.count(0) >= 5 and first_second.count(1) >= 5
    assert len(sent) == 70 and times[-1] - started < 3.5  # about 2.3 s: the limit, no slower


async def eventually_true(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)
