"""Where a Telegram message becomes a reply: the one flow every chat handler calls.

Rate limit, "typing…", fetch or take the text, analyse in the worker pool, render, reply
with buttons, record a usage event (never the text). Handlers only parse the update.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, User

from bot.breakdown import Source
from bot.errors import RATE_LIMITED, UserFacingError
from bot.failures import breakdown_outcome, failure_code, failure_text
from bot.render.telegram import render_reply
from bot.service import ComputedBreakdown, breakdown_html, breakdown_link
from handlers.html_fallback import send_html
from handlers.keyboards import keyboard, link_rows
from handlers.services import BotServices
from handlers.typing_loop import keep_typing
from handlers.usage_events import record_chat_usage


async def _compute(services: BotServices, *, text: str | None, url: str | None,
                   html: str | None = None) -> ComputedBreakdown:
    if url is not None:
        return await breakdown_link(url, settings=services.settings, store=services.store,
                                    workers=services.pool)
    if html is not None:
        return await breakdown_html(html, workers=services.pool)
    assert text is not None
    started = time.monotonic()
    breakdown = await services.pool.analyze(text, source=Source(kind="text"))
    return ComputedBreakdown(breakdown, cached=False,
                             analysis_seconds=time.monotonic() - started)


async def deliver_breakdown(message: Message, services: BotServices, *, text: str | None = None,
                            url: str | None = None, html_source: str | None = None,
                            links: tuple[str, ...] = (), requester: User | None = None) -> None:
    """Break down `url`, `html_source` or `text` and reply to `message`; every failure gets
    a reply. `links` (in the text) are offered as buttons; `requester` is who asked, when
    not the message's sender (a button under the bot's own message)."""
    requester = requester or message.from_user
    user_id = requester.id if requester else None
    settings = services.settings
    if user_id is not None and not await services.limiter.allow(user_id):
        await message.reply_text(
            f"You've asked for {settings.user_rate_limit} breakdowns in the last minute — "
            "please wait a moment and try again.")
        await record_chat_usage(services, message, url=url, started=0, outcome=RATE_LIMITED,
                                user=requester)
        return
    note = None
    if text is not None and len(text) > settings.max_text_chars:
        text = text[: settings.max_text_chars]
        note = (f"The text was long: I read the first {settings.max_text_chars:,} "
                "characters.")
    started = time.monotonic()
    stop = asyncio.Event()
    typing = asyncio.create_task(keep_typing(message, stop))
    try:
        computed = await _compute(services, text=text, url=url, html=html_source)
    except UserFacingError as error:
        await message.reply_text(failure_text(error, url))
        await record_chat_usage(services, message, url=url, started=started,
                                outcome=failure_code(error), user=requester)
        return
    finally:
        stop.set()
        await typing
    breakdown = computed.breakdown
    rendering = time.monotonic()
    html = render_reply(breakdown, truncated_note=note)
    # Without a token (the shared memory unreachable) the reply goes without buttons.
    token = await services.memory.remember(breakdown) if breakdown.language == "en" else None
    rows: list[Sequence[InlineKeyboardButton]] = (
        [*keyboard(token).inline_keyboard] if token is not None else [])
    rows += await link_rows(links, services.links)
    markup = InlineKeyboardMarkup(rows) if rows else None
    sending = time.monotonic()
    await send_html(message, html, reply_markup=markup)
    stages = {"fetch_ms": computed.fetch_seconds, "analysis_ms": computed.analysis_seconds,
              "render_ms": sending - rendering, "send_ms": time.monotonic() - sending}
    await record_chat_usage(services, message, url=url, started=started,
                            outcome=breakdown_outcome(breakdown),
                            breakdown=breakdown, cached=computed.cached, stages=stages,
                            user=requester)
