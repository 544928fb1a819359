"""`python -m bot serve` (a stateless webhook front-end) and `python -m bot set-webhook`
(register WEBHOOK_URL with Telegram, once per deployment: front-ends never call it)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot, Update

from bot.settings import Settings
from bot.workers import ManagedWorkers
from handlers.app import build_application, file_url_for
from handlers.webhook_server import WebhookFrontEnd


def serve_problem(settings: Settings) -> str | None:
    """Why `serve` cannot start with these settings, naming the variable; None if it can."""
    if not settings.telegram_bot_token:
        return "TELEGRAM_BOT_TOKEN is not set (put it in the environment or .env)"
    if not settings.redis_url:
        return ("REDIS_URL is not set: front-ends share update claims, rate limits and "
                "buttons in Redis (redis://host:6379/0)")
    if not settings.webhook_secret:
        return ("WEBHOOK_SECRET is not set: without it anyone could post updates "
                "(1-256 of A-Z a-z 0-9 _ -, the same as given to set-webhook)")
    return None


def webhook_path(settings: Settings) -> str:
    """The path Telegram posts to: WEBHOOK_URL's ("/" when it has none, or is unset)."""
    return urlsplit(settings.webhook_url).path or "/"


@asynccontextmanager
async def front_end(settings: Settings, workers: ManagedWorkers, *,
                    port: int | None = None) -> AsyncIterator[WebhookFrontEnd]:
    """A started front-end on WEBHOOK_LISTEN:WEBHOOK_PORT (or `port`), stopped on exit."""
    application = build_application(settings, pool=workers, polling=False)
    server = WebhookFrontEnd(application, secret=settings.webhook_secret,
                             path=webhook_path(settings), listen=settings.webhook_listen,
                             port=settings.webhook_port if port is None else port)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def serve_until_signalled(settings: Settings, workers: ManagedWorkers) -> None:
    """Serve until SIGTERM or SIGINT, then drain (handlers/webhook_server.py)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    async with front_end(settings, workers):
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()


async def set_webhook(settings: Settings, *, delete: bool = False) -> dict[str, Any]:
    """Register WEBHOOK_URL (or, with `delete`, remove the webhook); getWebhookInfo after."""
    bot = Bot(settings.telegram_bot_token, base_url=settings.telegram_base_url,
              base_file_url=file_url_for(settings.telegram_base_url))
    async with bot:
        if delete:
            await bot.delete_webhook()
        else:
            await bot.set_webhook(url=settings.webhook_url,
                                  secret_token=settings.webhook_secret,
                                  allowed_updates=Update.ALL_TYPES,
                                  max_connections=settings.webhook_max_connections)
        info = await bot.get_webhook_info()
    return info.to_dict()


def set_webhook_problem(settings: Settings, *, delete: bool) -> str | None:
    if not settings.telegram_bot_token:
        return "TELEGRAM_BOT_TOKEN is not set (put it in the environment or .env)"
    if delete:
        return None
    if not settings.webhook_url:
        return "WEBHOOK_URL is not set: the https:// address Telegram should post updates to"
    if not settings.webhook_secret:
        return ("WEBHOOK_SECRET is not set: front-ends refuse updates without it "
                "(1-256 of A-Z a-z 0-9 _ -)")
    return None


def print_info(info: dict[str, Any]) -> None:
    with contextlib.suppress(BrokenPipeError):
        print(json.dumps(info, indent=2, sort_keys=True))
