"""The links /auto skipped, counted in Redis for N front-ends
(bot/redis_state/skipped_links.py, handlers/shared_skipped_links.py), on a real Redis:
two front-ends' counts add up, one of them at a time may post the notice, a new window
starts afresh; and a burst spread over two front-ends gets one notice, edited later."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis

from bot.redis_state.skipped_links import NoticeClaim, RedisSkippedTally
from handlers.shared_skipped_links import SharedSkippedLinkNotices
from tests.e2e import eventually

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


class FakeBot:
    """What SharedSkippedLinkNotices calls of a telegram.Bot, recorded."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str, int]] = []  # chat, text, the message replied to
        self.edits: list[tuple[int, str]] = []  # message id, text
        self._ids = itertools.count(500)

    async def send_message(self, chat_id: int, text: str, *, reply_parameters: Any) -> Any:
        self.sent.append((chat_id, text, reply_parameters.message_id))
        return FakeMessage(self, chat_id, next(self._ids))

    async def edit_message_text(self, text: str, *, chat_id: int, message_id: int) -> None:
        self.edits.append((message_id, text))


class FakeMessage:
    def __init__(self, bot: FakeBot, chat_id: int, message_id: int) -> None:
        self.bot, self.chat_id, self.message_id = bot, chat_id, message_id

    def get_bot(self) -> FakeBot:
        return self.bot


async def test_a_burst_over_two_front_ends_gets_one_notice_edited_later(
        redis_clients: Callable[[], Redis]) -> None:
    bot = FakeBot()
    front_ends = [SharedSkippedLinkNotices(RedisSkippedTally(redis_clients()), quiet=0.1)
                  for _ in range(2)]
    start = time.time()
    for n in range(4):  # the burst, alternating between the front-ends
        front_ends[n % 2].skipped(FakeMessage(bot, CHAT, 10 + n), links=1,  # type: ignore[arg-type]
                                  window_start=start, cooldown=60)
    await eventually(lambda: asyncio.sleep(0, bot.sent), timeout=5)
    await asyncio.sleep(0.5)  # five quiet periods: a second notice would be out
    [(chat, text, replied_to)] = bot.sent
    # It replies to the first skip counted: of a burst handled at once, any of them.
    assert chat == CHAT and "Skipped 4 links" in text and replied_to in range(10, 14)
    front_ends[1].skipped(FakeMessage(bot, CHAT, 20), links=1,  # type: ignore[arg-type]
                          window_start=start, cooldown=60)
    await eventually(lambda: asyncio.sleep(0, bot.edits), timeout=5)
    assert [text[:17] for _, text in bot.edits] == ["⏸ Skipped 5 links"]
    assert len(bot.sent) == 1
