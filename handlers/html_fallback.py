"""Replying in HTML without ever losing the reply to the markup or to a chat migration."""

from __future__ import annotations

from typing import Any

from telegram import Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated

from bot.render.telegram import plain_text


async def send_html(message: Message, html: str, **kwargs: Any) -> Message:
    """Reply in HTML; if Telegram rejects the markup, the same words as plain text; if the
    group became a supergroup meanwhile, to the new chat."""
    try:
        return await message.reply_text(html, parse_mode=ParseMode.HTML, **kwargs)
    except ChatMigrated as error:
        kwargs.pop("do_quote", None)  # the quoted message stayed in the old chat
        return await message.get_bot().send_message(error.new_chat_id, html,
                                                     parse_mode=ParseMode.HTML, **kwargs)
    except BadRequest as error:
        if "parse entities" not in str(error).lower():
            raise
        return await message.reply_text(plain_text(html), parse_mode=None, **kwargs)
