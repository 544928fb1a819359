"""The links /auto skipped, counted in Redis for N front-ends
(bot/redis_state/skipped_links.py), on a real Redis: two front-ends' counts add up, one
of them at a time may post the notice, and a new window starts afresh."""

from __future__ import annotations

import time
from collections.abc import Callable

from redis.asyncio import Redis

from bot.redis_state.skipped_links import NoticeClaim, RedisSkippedTally

CHAT = -100_123


async def test_two_front_ends_count_one_window_and_one_posts_at_a_time(
        redis_clients: Callable[[], Redis]) -> None:
    first, second = RedisSkippedTally(redis_clients()), RedisSkippedTally(redis_clients())
    start, now = 1_000.25, time.time()
    window = {"window_start": start, "now": now, "quiet": 0.5, "max_wait": 10.0,
              "window_end": now + 60}
    await first.add(CHAT, links=2, first_id=7, **window)
    await second.add(CHAT, links=1, first_id=9, **{**window, "window_start": start + 1e-6})
    due = await second.due(CHAT)
    assert due is not None and now + 0.4 < due < now + 0.6
    claim = await first.claim(CHAT)
    assert isinstance(claim, NoticeClaim)
    assert (claim.count, claim.notice_id, claim.first_id) == (3, None, 7)
    assert await second.claim(CHAT) is False  # the first is posting
    await first.reported(CHAT, claim, notice_id=55)
    assert await second.due(CHAT) is None and await second.claim(CHAT) is None
    await second.add(CHAT, links=1, first_id=11, **window)  # after the notice: an edit
    edit = await second.claim(CHAT)
    assert isinstance(edit, NoticeClaim) and (edit.count, edit.notice_id) == (4, 55)
    await second.reported(CHAT, edit, notice_id=None)
    # The next window counts afresh, under its own first message.
    await first.add(CHAT, links=1, first_id=20, **{**window, "window_start": start + 60})
    fresh = await first.claim(CHAT)
    assert isinstance(fresh, NoticeClaim)
    assert (fresh.count, fresh.notice_id, fresh.first_id) == (1, None, 20)
