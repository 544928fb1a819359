"""The buttons under a breakdown: all quotes, all claims, timeline, source text, and the
links a pasted text contained."""

from __future__ import annotations

from telegram import Message, Update

from bot.render.telegram import BUTTONS, render_section
from handlers.context import Context
from handlers.html_fallback import send_html
from handlers.keyboards import CALLBACK_PREFIX, LINK_CALLBACK_PREFIX
from handlers.reply_flow import deliver_breakdown

_SECTIONS = {section for _, section in BUTTONS}
# A 30,000-word article is ~44 messages of source text: past this many, the last message
# says how many were left out (Telegram also limits how fast a bot may send).
MAX_SECTION_MESSAGES = 20


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None  # a CallbackQueryHandler's update
    parts = (query.data or "").split(":")
    if len(parts) != 3 or parts[0] != CALLBACK_PREFIX or parts[1] not in _SECTIONS:
        await query.answer("That button isn't mine, or it's out of date.")
        return
    breakdown = await context.bot_data.services.memory.recall(parts[2])
    if breakdown is None or not isinstance(query.message, Message):
        await query.answer("This breakdown has expired — send the link or the text again.",
                           show_alert=True)
        return
    await query.answer()
    for part in render_section(breakdown, parts[1],
                               max_messages=MAX_SECTION_MESSAGES):
        await send_html(query.message, part, do_quote=False)


async def on_link_button(update: Update, context: Context) -> None:
    """"Break down the linked page": the link, broken down for whoever pressed."""
    query = update.callback_query
    assert query is not None  # a CallbackQueryHandler's update
    services = context.bot_data.services
    link = await services.links.recall((query.data or "").removeprefix(f"{LINK_CALLBACK_PREFIX}:"))
    if link is None or not isinstance(query.message, Message):
        await query.answer("This button has expired — send the link again.", show_alert=True)
        return
    await query.answer()
    await deliver_breakdown(query.message, services, url=link, requester=query.from_user)
