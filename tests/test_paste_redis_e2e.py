"""A long paste end to end with REDIS_URL: the running bot (tests/e2e.py `running_bot`,
polling the Bot API emulator on 127.0.0.1) holds the paste in Redis, where N front-ends
would share it, and answers it once. A module of its own: the emulator takes one poller."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from redis.asyncio import Redis

from tests.botapi.clients import split_like_client
from tests.botapi.server import BotAPIServer
from tests.e2e import eventually, running_bot
from tests.paste_texts import FIRST_SPEAKER, LAST_SPEAKER, bridge_article
from tests.test_paste_e2e import one_breakdown

pytestmark = pytest.mark.slow


async def test_with_redis_a_paste_in_pieces_is_held_there_and_answered_once(
        botapi: BotAPIServer, site: str, redis_url: str, redis_clients: Callable[[], Redis],
        tmp_path: Path) -> None:
    client = redis_clients()
    first, last = split_like_client(bridge_article(12), "desktop")
    async with running_bot(botapi, tmp_path / "bot.sqlite3", redis_url=redis_url):
        botapi.send_user_message(310, 310, first)
        await eventually(lambda: client.exists("breakdown:paste:310:310"), timeout=10)
        botapi.send_user_message(310, 310, last)
        reply = await one_breakdown(botapi, 310)  # and no second reply after the window
        assert FIRST_SPEAKER in reply["text"] and LAST_SPEAKER in reply["text"]
        assert await client.keys("breakdown:paste*") == []  # no text left behind
