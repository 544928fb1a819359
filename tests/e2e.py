"""What the end-to-end test modules share: a real bot long-polling the Bot API emulator on
127.0.0.1, and ways to read what it sent.

Each module keeps its own module-scoped fixtures (one bot, one database, one analysis
worker pool per module) and builds them with `running_bot`; its settings differ per module.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.settings import Settings
from handlers.app import build_application, start_polling, stop_polling
from tests.botapi.server import BotAPIServer


@asynccontextmanager
async def running_bot(botapi: BotAPIServer, database: Path,
                      **settings: Any) -> AsyncIterator[Application]:
    """The bot with one worker process, reading loopback sites, polling `botapi`."""
    application = build_application(
        Settings(telegram_bot_token=botapi.token, telegram_base_url=botapi.base_url,
                 fetch_allow_private=True,  # the test news sites are on loopback
                 database_path=str(database), analysis_workers=1, **settings))
    await start_polling(application, poll_timeout=1)
    try:
        yield application
    finally:
        await stop_polling(application)


def replies(botapi: BotAPIServer, chat_id: int, contains: str = "") -> list[dict[str, Any]]:
    return [m for m in botapi.sent_messages(chat_id) if contains in (m.get("text") or "")]


async def wait_reply(botapi: BotAPIServer, chat_id: int, contains: str,
                     timeout: float = 30) -> dict[str, Any]:
    """The latest message to `chat_id` containing `contains`, waiting for one."""
    found = await botapi.wait_for(lambda: replies(botapi, chat_id, contains), timeout)
    return found[-1]


def buttons_of(message: dict[str, Any]) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


async def eventually(check: Callable[[], Awaitable[Any]], timeout: float = 10) -> Any:
    """`check()`'s first truthy value, polling; TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (value := await check()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.05)
    return value
