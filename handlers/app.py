"""The composition root: builds the Application and registers every handler, in order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    SimpleUpdateProcessor,
    filters,
)
from telegram.request import BaseRequest

from bot.settings import Settings
from bot.shared_state import SharedState, open_shared_state
from bot.store.opening import open_store
from bot.worker_choice import workers_for
from bot.workers import ManagedWorkers
from handlers import admin, buttons, errors, groups, inline, pastes, private
from handlers.context import CONTEXT_TYPES, BotApplication, Context
from handlers.inline_flow import LinkWork
from handlers.keyboards import LINK_CALLBACK_PREFIX
from handlers.sending import PatientRateLimiter, SharedRateLimiter
from handlers.services import BotServices
from handlers.shared_skipped_links import SharedSkippedLinkNotices
from handlers.skipped_links import SkippedLinkNotices

log = logging.getLogger("bot")

PRIVATE_COMMANDS = [BotCommand("start", "What I do"), BotCommand("help", "How to use me"),
                    BotCommand("breakdown", "Break down a link or a replied-to message")]
GROUP_COMMANDS = [BotCommand("breakdown", "Break down a link or the replied-to message"),
                  BotCommand("auto", "Admins: automatic breakdowns on/off"),
                  BotCommand("help", "How to use me")]
ADMIN_COMMANDS = [*PRIVATE_COMMANDS, BotCommand("stats", "Usage statistics")]
PURGE_EVERY = 3600.0  # seconds between purges of expired database rows; the first is soon


class CommandsFirst(SimpleUpdateProcessor):
    """Updates run concurrently, but a command answers before the articles that came with it.

    Each article costs about a millisecond before its first await (classifying it, queueing
    it for the pool), and a burst arrives as one getUpdates batch whose tasks start in order:
    /help sent with 50 articles waited 60-90 ms behind them (tests/botproc.py + py-spy).
    One yield lets the batch's commands run first; articles lose nothing measurable.
    """

    __slots__ = ()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not (isinstance(update, Update) and filters.COMMAND.check_update(update)):
            await asyncio.sleep(0)
        await coroutine


def file_url_for(base_url: str) -> str:
    """Telegram serves files under /file/bot<token>/ beside /bot<token>/."""
    return base_url[: -len("/bot")] + "/file/bot" if base_url.endswith("/bot") else base_url


def build_application(settings: Settings, *, pool: ManagedWorkers | None = None,
                      request: BaseRequest | None = None,
                      polling: bool = True) -> BotApplication:
    """`pool`: the workers (by default from the settings), started and shut down with the
    bot. `request` replaces the HTTP layer (tests record calls with it instead of sending).
    `polling=False`: no updater; updates come from the webhook front-end."""
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Nothing connects yet (the Redis pool does on first use, in the running loop).
    state = open_shared_state(settings)
    builder = ApplicationBuilder()
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if not polling:
        builder = builder.updater(None)
    application = (
        builder
        .context_types(CONTEXT_TYPES)  # context.bot_data is a BotData (handlers/context.py)
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_base_url)
        .base_file_url(file_url_for(settings.telegram_base_url))
        .defaults(Defaults(parse_mode=ParseMode.HTML,
                           link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .rate_limiter(rate_limiter_for(settings, state))
        # /help answers while breakdowns are analysed; 256 is PTB's default for True.
        .concurrent_updates(CommandsFirst(max_concurrent_updates=256))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    shared = application.bot_data
    shared.settings = settings
    shared.shared_state = state
    shared.pool = pool or workers_for(settings, "run")
    # Links /auto skipped in a group's cooldown, for one notice per window. Its tasks are
    # the application's, so stopping the bot waits for a pending notice.
    # With REDIS_URL a burst reaches every front-end: the count is kept in Redis.
    shared.skipped_links = SkippedLinkNotices(
        quiet=settings.group_notice_delay_seconds, spawn=application.create_task,
    ) if state.skipped_tally is None else SharedSkippedLinkNotices(
        state.skipped_tally, quiet=settings.group_notice_delay_seconds,
        spawn=application.create_task)
    shared.link_work = LinkWork(spawn=application.create_task)
    shared.pastes = state.pastes  # in this process, or in Redis (REDIS_URL)
    if application.job_queue is None:
        raise RuntimeError("install python-telegram-bot[job-queue]: expired rows need it")
    application.job_queue.run_repeating(purge_expired_rows, interval=PURGE_EVERY, first=60.0,
                                        name="purge_expired")
    if settings.redis_url:  # held pastes are shared: answer those whose front-end died
        application.job_queue.run_repeating(pastes.sweep_overdue_pastes,
                                            interval=pastes.SWEEP_SECONDS, name="sweep_pastes")
    register_handlers(application)
    return application


def rate_limiter_for(settings: Settings, state: SharedState) -> PatientRateLimiter:
    """Telegram's flood limits count per bot: with Redis, every front-end draws on one
    budget there; else this process's own limiter keeps them."""
    if state.flood is not None:
        return SharedRateLimiter(state.flood, deadline=settings.telegram_retry_seconds)
    return PatientRateLimiter(deadline=settings.telegram_retry_seconds)


async def purge_expired_rows(context: Context) -> None:
    """The repeating job: expired cache rows and link tokens leave the database."""
    services: BotServices | None = getattr(context.bot_data, "services", None)
    if services is not None:  # unset until post_init has opened the store
        purged = await services.store.purge_expired(
            cache_ttl=services.settings.cache_ttl_seconds,
            usage_retention_days=services.settings.usage_retention_days)
        log.info("purged %d cached breakdowns, %d link tokens and %d usage events",
                 purged.cache_rows, purged.link_tokens, purged.usage_events)


def register_handlers(application: BotApplication) -> None:
    private_chat = filters.ChatType.PRIVATE
    groups_only = filters.ChatType.GROUPS
    # Order matters within a group: the first matching handler wins.
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, groups.on_migration))
    # "/start bd-…" from an inline-mode button before the plain greeting.
    application.add_handler(CommandHandler("start", inline.start_from_inline,
                                           private_chat & filters.Regex(inline.DEEP_LINK)))
    application.add_handler(CommandHandler("start", private.start, private_chat))
    application.add_handler(CommandHandler("help", private.help_command))
    application.add_handler(CommandHandler("breakdown", private.breakdown_command))
    application.add_handler(CommandHandler("auto", groups.auto_command, groups_only))
    application.add_handler(CommandHandler("stats", admin.stats_command))
    # The link buttons first: the other handler answers every callback it does not know.
    application.add_handler(CallbackQueryHandler(buttons.on_link_button,
                                                 pattern=f"^{LINK_CALLBACK_PREFIX}:"))
    application.add_handler(CallbackQueryHandler(buttons.on_button))
    application.add_handler(InlineQueryHandler(inline.on_inline_query))
    # Cards sent through inline mode before plain messages: they are breakdowns already.
    application.add_handler(MessageHandler(inline.SENT_VIA_THIS_BOT, inline.ignore_own_card))
    # Unknown commands before plain messages, so "/foo" gets an answer, not a hint.
    application.add_handler(MessageHandler(private_chat & filters.COMMAND,
                                           private.unknown_command))
    application.add_handler(MessageHandler(private_chat & ~filters.COMMAND &
                                           ~filters.StatusUpdate.ALL, private.on_private_message))
    application.add_handler(MessageHandler(groups_only & ~filters.COMMAND &
                                           (filters.TEXT | filters.CAPTION),
                                           groups.on_group_message))
    application.add_error_handler(errors.on_error)


async def _post_init(application: BotApplication) -> None:
    shared = application.bot_data
    settings, pool = shared.settings, shared.pool
    # Workers first: if they cannot start (Redis down for the Celery ones), no store
    # connection is left open to keep the process from exiting.
    await asyncio.to_thread(pool.start)  # every worker loads spaCy before the first request
    store = await open_store(settings)
    state = shared.shared_state
    shared.services = BotServices(settings, store, pool, state.limiter, state.memory,
                                  state.links)
    await set_commands(application, settings)


async def set_commands(application: BotApplication, settings: Settings) -> None:
    """Command menus per scope: admins' private chats also list /stats."""
    bot = application.bot
    await bot.set_my_commands(PRIVATE_COMMANDS, scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands(GROUP_COMMANDS, scope=BotCommandScopeAllGroupChats())
    for admin_id in sorted(settings.admin_id_set):
        await bot.set_my_commands(ADMIN_COMMANDS, scope=BotCommandScopeChat(admin_id))


async def _post_shutdown(application: BotApplication) -> None:
    # No services when post_init failed before the store was open.
    services: BotServices | None = getattr(application.bot_data, "services", None)
    if services is not None:
        await services.store.close()
    await application.bot_data.shared_state.close()
    await asyncio.to_thread(application.bot_data.pool.shutdown)


async def start_polling(application: BotApplication, *, poll_timeout: int = 10) -> None:
    """What `run_polling` does before it blocks, for callers that own the event loop."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    assert application.updater is not None  # build_application keeps the default updater
    await application.updater.start_polling(timeout=poll_timeout,
                                            allowed_updates=Update.ALL_TYPES)
    await application.start()


async def stop_polling(application: BotApplication) -> None:
    """Stop taking updates, finish the ones in flight, then release everything."""
    assert application.updater is not None  # build_application keeps the default updater
    await application.updater.stop()
    await application.stop()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
    await application.shutdown()


def run(settings: Settings) -> None:
    """Long polling, or a webhook when WEBHOOK_URL is set."""
    application = build_application(settings)
    if settings.webhook_url:
        application.run_webhook(listen=settings.webhook_listen, port=settings.webhook_port,
                                webhook_url=settings.webhook_url,
                                secret_token=settings.webhook_secret or None,
                                max_connections=settings.webhook_max_connections,
                                allowed_updates=Update.ALL_TYPES)
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
