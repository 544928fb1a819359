"""The single error handler: log what happened (never message text or the token) and tell
the user something went wrong, unless they can't be told."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, RetryAfter

from handlers.context import Context
from handlers.sending import is_transient

log = logging.getLogger("bot.errors")


async def on_error(update: object, context: Context) -> None:
    error = context.error
    if isinstance(error, Forbidden):
        log.info("user blocked the bot or removed it from the chat")
        return
    if isinstance(error, RetryAfter) or (error is not None and is_transient(error)):
        log.warning("Telegram unavailable or flood-limited: %s", type(error).__name__)
        return
    log.error("unhandled %s while handling an update", type(error).__name__,
              exc_info=error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_text(
                "Sorry, something went wrong on my side. Please try again.")
        except Exception:  # the reply itself failing must not loop back here
            log.warning("could not tell the user about the error")
