"""The bot's shared objects, typed: `context.bot_data` is a `BotData` in every handler.

python-telegram-bot creates `bot_data` itself, calling `BotData()` with no arguments
(`ContextTypes(bot_data=BotData)`), so nothing can be passed in: `build_application`
(handlers/app.py) sets every part before the first update, and post_init adds `services`
once the store is open. Reading a part before it is set raises AttributeError naming it:
a bug in the composition root, never a state a handler has to check for.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.expiring import ExpiringCache
from bot.paste import MessageData, Pastes
from bot.settings import Settings
from bot.shared_state import SharedState
from bot.workers import ManagedWorkers
from handlers.inline_flow import LinkWork
from handlers.services import BotServices
from handlers.shared_skipped_links import SharedSkippedLinkNotices
from handlers.skipped_links import SkippedLinkNotices

ADMIN_CACHE_SECONDS = 60.0  # a demoted admin loses /auto within a minute
ADMIN_CACHE_SIZE = 10_000  # (chat, user) answers kept; past it the oldest go


class BotData:
    """Everything the handlers share, one typed attribute each."""

    __slots__ = ("admin_cache", "link_work", "pastes", "pool", "services", "settings",
                 "shared_state", "skipped_links")

    settings: Settings
    pool: ManagedWorkers  # owned by the composition root: started in post_init, shut down after
    services: BotServices  # what the reply flow and inline mode need; set in post_init
    # Rate limit, button memory and update claims: in this process or in Redis (REDIS_URL);
    # set in post_init with `services`, closed at shutdown.
    shared_state: SharedState
    # Pieces of long pastes held for their quiet window: in this process until post_init
    # sets the shared state's (in Redis with REDIS_URL).
    pastes: Pastes[MessageData]
    link_work: LinkWork  # inline mode's link breakdowns in progress, one per page
    # Links /auto skipped, one notice per group window: counted here, or in Redis.
    skipped_links: SkippedLinkNotices | SharedSkippedLinkNotices

    def __init__(self) -> None:
        # (chat, user) -> whether the user is a chat admin, as Telegram said a moment ago.
        self.admin_cache: ExpiringCache[tuple[int, int], bool] = ExpiringCache(
            ttl=ADMIN_CACHE_SECONDS, capacity=ADMIN_CACHE_SIZE)


# What every handler's `context` is; `Application` with this bot data, for annotations.
Context = CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]
BotApplication = Application[Any, Context, dict[Any, Any], dict[Any, Any], BotData, Any]
CONTEXT_TYPES = ContextTypes(bot_data=BotData)
