"""The Bot API call policy (handlers/sending.py) and worker process lifetime
(bot/worker_process.py)."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys
from typing import Any

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.worker_process import process_alive
from handlers import sending
from handlers.sending import PatientRateLimiter, backoff_delays, is_transient


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    real = backoff_delays
    monkeypatch.setattr(sending, "backoff_delays", lambda: (d / 100 for d in real()))


class FlakyCall:
    """An API call that fails with `errors` in turn, then answers ok."""

    def __init__(self, *errors: Exception) -> None:
        self.errors, self.calls = list(errors), 0

    async def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return {"ok": True}


async def call(limiter: PatientRateLimiter, callback: FlakyCall,
               endpoint: str = "sendMessage") -> Any:
    return await limiter.process_request(callback, (), {}, endpoint, {"chat_id": 1}, None)


def test_backoff_grows_then_levels_off() -> None:
    assert list(itertools.islice(backoff_delays(), 7)) == [0.5, 1, 2, 4, 8, 8, 8]


@pytest.mark.parametrize(("error", "transient"), [
    (NetworkError("Internal Server Error (500)"), True),
    (TimedOut(), True),
    (BadRequest("message is too long"), False),
    (Forbidden("bot was blocked by the user"), False),
    (RetryAfter(1), False),  # AIORateLimiter waits these out itself
])
def test_which_errors_are_worth_retrying(error: Exception, transient: bool) -> None:
    assert is_transient(error) is transient


async def test_transient_failures_are_retried_until_the_call_succeeds() -> None:
    limiter = PatientRateLimiter(deadline=30)
    flaky = FlakyCall(NetworkError("Bad Gateway"), TimedOut(), NetworkError("httpx.ConnectError"))
    assert await call(limiter, flaky) == {"ok": True}
    assert flaky.calls == 4 and limiter.retried == 3


async def test_permanent_errors_are_raised_at_once() -> None:
    limiter = PatientRateLimiter(deadline=30)
    flaky = FlakyCall(BadRequest("chat not found"))
    with pytest.raises(BadRequest):
        await call(limiter, flaky)
    assert flaky.calls == 1


async def test_retrying_stops_at_the_deadline() -> None:
    limiter = PatientRateLimiter(deadline=0.2)  # delays are 5, 10, 20, 40, 80 ms …
    flaky = FlakyCall(*[TimedOut()] * 100)
    with pytest.raises(TimedOut):
        await call(limiter, flaky)
    assert 3 <= flaky.calls <= 6


async def test_typing_is_tried_once_and_shed_when_the_flood_limit_is_reached() -> None:
    limiter = PatientRateLimiter(deadline=30)
    failing = FlakyCall(TimedOut())
    with pytest.raises(TimedOut):
        await call(limiter, failing, "sendChatAction")
    assert failing.calls == 1
    answers = [FlakyCall() for _ in range(40)]
    await asyncio.gather(*(call(limiter, answer, "sendChatAction") for answer in answers))
    sent = sum(answer.calls for answer in answers)
    assert sent < 40 and limiter.chat_actions_dropped == 40 - sent


async def test_replies_are_never_shed() -> None:
    limiter = PatientRateLimiter(deadline=30)
    answers = [FlakyCall() for _ in range(35)]  # over 30 per second: some wait, none dropped
    await asyncio.gather(*(call(limiter, answer) for answer in answers))
    assert all(answer.calls == 1 for answer in answers)


def test_process_alive_tells_running_from_dead_and_zombie() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert process_alive(child.pid)
    finally:
        child.kill()
    # Killed but not yet reaped: a zombie, which counts as gone.
    asyncio.run(asyncio.sleep(0.2))
    assert not process_alive(child.pid)
    child.wait()
    assert not process_alive(child.pid)
