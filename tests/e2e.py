"""What the end-to-end test modules share: a real bot long-polling the Bot API emulator on
127.0.0.1 (`running_bot`), the same bot scaled out (`running_deployment`: webhook
front-ends behind a round-robin proxy, Celery workers, Redis, PostgreSQL), and ways to read
what it sent.

Each module keeps its own module-scoped fixtures (one bot, one database, one analysis
worker pool per module) and builds them with these; its settings differ per module.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.celery_workers.client import CeleryWorkers
from bot.settings import Settings
from handlers.app import build_application, start_polling, stop_polling
from handlers.webhook_commands import front_end, set_webhook
from handlers.webhook_server import WebhookFrontEnd
from tests.botapi.server import BotAPIServer
from tests.round_robin import RoundRobinProxy
from tests.servers import free_port

WEBHOOK_SECRET = "e2e_webhook-secret"
WEBHOOK_PATH = "/telegram/updates"


def bot_settings(botapi: BotAPIServer, **settings: Any) -> Settings:
    """The settings of a test bot of `botapi`: one analysis worker, loopback sites readable
    unless `settings` say otherwise."""
    return Settings(**{"telegram_bot_token": botapi.token,
                       "telegram_base_url": botapi.base_url,
                       "fetch_allow_private": True,  # the test news sites are on loopback
                       "analysis_workers": 1, **settings})


@asynccontextmanager
async def running_bot(botapi: BotAPIServer, database: Path,
                      **settings: Any) -> AsyncIterator[Application]:
    """The bot with one worker process, reading loopback sites, polling `botapi`."""
    application = build_application(
        bot_settings(botapi, database_path=str(database), **settings))
    await start_polling(application, poll_timeout=1)
    try:
        yield application
    finally:
        await stop_polling(application)


@dataclass
class Deployment:
    """Front-ends in this process behind `proxy`, which `botapi`'s webhook posts to."""

    front_ends: list[WebhookFrontEnd]
    proxy: RoundRobinProxy
    settings: Settings


@asynccontextmanager
async def running_deployment(botapi: BotAPIServer, *, redis_url: str, database_url: str,
                             front_ends: int = 2, **settings: Any) -> AsyncIterator[Deployment]:
    """The bot scaled out: `front_ends` webhook front-ends (`python -m bot serve`'s own
    `front_end`) on free ports behind a round-robin proxy, sharing `redis_url` and
    `database_url`, their analyses sent as Celery jobs to whatever worker node listens on
    `redis_url` (the caller starts it); `botapi` pushes its updates to the proxy, with a
    secret. Each consecutive update reaches the next front-end."""
    base = bot_settings(botapi, redis_url=redis_url, database_url=database_url,
                        webhook_secret=WEBHOOK_SECRET, webhook_listen="127.0.0.1",
                        webhook_url=f"http://127.0.0.1:9{WEBHOOK_PATH}", **settings)
    async with AsyncExitStack() as stack:
        servers = [await stack.enter_async_context(
            front_end(base, CeleryWorkers.from_settings(base), port=free_port()))
            for _ in range(front_ends)]
        proxy = await stack.enter_async_context(
            RoundRobinProxy([("127.0.0.1", server.port) for server in servers]))
        registered = base.model_copy(update={"webhook_url": proxy.url + WEBHOOK_PATH})
        await set_webhook(registered)
        # Leaving: no more deliveries (the emulator would retry them against a closed
        # proxy), then the proxy, then each front-end, drained.
        stack.push_async_callback(set_webhook, registered, delete=True)
        yield Deployment(servers, proxy, registered)


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
