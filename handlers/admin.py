"""/stats for the bot's admins, in a private chat only; to anyone else it does not exist."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.stats import compute_stats, render_stats_html
from bot.stats_chart import render_chart_png
from handlers.context import Context
from handlers.private import unknown_command


async def stats_command(update: Update, context: Context) -> None:
    services = context.bot_data.services
    user = update.effective_user
    chat = update.effective_chat
    if chat is None or chat.type != "private" or user is None or \
            user.id not in services.settings.admin_id_set:
        if chat is not None and chat.type == "private":
            await unknown_command(update, context)
        return  # in groups: silence, as for any command the bot doesn't have
    stats = await compute_stats(services.store)
    message = update.effective_message
    assert message is not None  # a CommandHandler's update
    await message.reply_text(render_stats_html(stats))
    chart = await asyncio.to_thread(render_chart_png, stats)  # ~100 ms of drawing
    await message.reply_photo(chart, caption="Breakdowns, failures and median reply time "
                                             "per UTC day, last 30 days")
