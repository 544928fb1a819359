"""Inline mode: `@yourbot <link>` in any chat, and the buttons that open the private chat.

The flow lives in handlers/inline_flow.py; these handlers only take the update apart.
"""

from __future__ import annotations

import contextlib
import re

from telegram import Message, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import filters

from handlers.context import Context
from handlers.inline_flow import START_LINK, answer_inline_query
from handlers.reply_flow import deliver_breakdown

# "/start bd-<token>": what Telegram sends when a user taps an inline "open in the bot"
# button or a card's "Full breakdown" link.
DEEP_LINK = re.compile(rf"^/start {re.escape(START_LINK)}[A-Za-z0-9_-]{{1,61}}$")
EXPIRED = ("That button has expired. Send me the link to the article and I'll break it "
           "down.")


class _SentViaThisBot(filters.MessageFilter):
    """A message a user sent through this bot's inline mode: a card."""

    def filter(self, message: Message) -> bool:
        return message.via_bot is not None and message.via_bot.id == message.get_bot().id


SENT_VIA_THIS_BOT = _SentViaThisBot(name="SENT_VIA_THIS_BOT")


async def on_inline_query(update: Update, context: Context) -> None:
    assert update.inline_query is not None  # InlineQueryHandler's updates have one
    shared = context.bot_data
    await answer_inline_query(update.inline_query, shared.services, shared.link_work)


async def start_from_inline(update: Update, context: Context) -> None:
    """/start bd-<token> in the private chat: break down the link behind the token."""
    message = update.effective_message
    assert message is not None  # a CommandHandler's update has a message
    services = context.bot_data.services
    token = (context.args or [""])[0].removeprefix(START_LINK)
    url = await services.store.link_for_token(token)
    if url is None:
        await message.reply_text(EXPIRED)
        return
    work = context.bot_data.link_work
    if work.running(url) is not None:  # the inline query's work will put it in the cache
        with contextlib.suppress(TelegramError):  # "typing…" is a courtesy
            await message.chat.send_action(ChatAction.TYPING)
        await work.wait(url)
    await deliver_breakdown(message, services, url=url)


async def ignore_own_card(update: Update, context: Context) -> None:
    """A card sent through inline mode is already a breakdown: no second one under it
    (with /auto on, its linked title would otherwise be broken down in the group)."""
