"""The per-user rate limit (bot/rate_limit.py): a sliding 60-second window per user."""

from __future__ import annotations

from bot.rate_limit import RateLimiter


def test_the_limit_holds_within_the_window_and_frees_up_after_it() -> None:
    limiter = RateLimiter(2, window=60.0)
    assert limiter.allow(1, now=0.0) and limiter.allow(1, now=10.0)
    assert not limiter.allow(1, now=59.0)  # a refusal does not use up a slot
    assert limiter.allow(1, now=60.0)  # the first request has left the window
    assert not limiter.allow(1, now=69.0)
    assert limiter.allow(1, now=70.0)


def test_users_are_limited_apart() -> None:
    limiter = RateLimiter(1)
    assert limiter.allow(1, now=0.0) and limiter.allow(2, now=0.0)
    assert not limiter.allow(1, now=1.0) and not limiter.allow(2, now=1.0)
