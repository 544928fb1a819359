"""Private messages through the paste assembler (`bot.paste`): the pieces a Telegram client
cut a long paste into, and forwarded posts in a row, are answered once, together.

A piece that may be followed by more is held without holding up anything else: the
handler returns at once and a task (`Application.create_task`, so that stopping the bot
waits for it) answers the paste when its quiet window has passed. A message asking for
links is a new request: it completes the sender's held paste, then gets its own answer.
"""

from __future__ import annotations

from collections.abc import Hashable

from telegram import (
    Message,
    MessageOrigin,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
)

from bot.messages import classify
from bot.paste import Paste, PasteAssembler, Piece
from handlers.common import answer_request, entity_urls, message_text, request_of
from handlers.context import Context
from handlers.services import BotServices

Assembler = PasteAssembler[Message]


def origin_key(origin: MessageOrigin | None) -> Hashable | None:
    """Who a forwarded message came from, as a value equal for the same origin."""
    if origin is None:
        return None
    if isinstance(origin, MessageOriginChannel):
        return ("channel", origin.chat.id)
    if isinstance(origin, MessageOriginChat):
        return ("chat", origin.sender_chat.id)
    if isinstance(origin, MessageOriginUser):
        return ("user", origin.sender_user.id)
    if isinstance(origin, MessageOriginHiddenUser):
        return ("hidden", origin.sender_user_name)
    return (origin.type,)


def piece_of(message: Message, now: float) -> Piece[Message]:
    return Piece(text=message_text(message), message_id=message.message_id, at=now,
                 origin=origin_key(message.forward_origin),
                 links=tuple(entity_urls(message)), message=message)


async def collect_or_answer(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None  # the handler's filters let only messages through
    services = context.bot_data.services
    assembler = context.bot_data.pastes
    key = (message.chat_id, message.from_user.id if message.from_user else message.chat_id)
    request = request_of(message, services)
    if request.kind == "links":
        for paste in assembler.interrupt(key):
            await answer_paste(paste, services)
        await answer_request(message, message, request, services)
        return
    step = assembler.add(key, piece_of(message, assembler.clock()))
    if step.started:
        context.application.create_task(_after_quiet(assembler, key, services), update=update)
    for paste in step.ready:
        await answer_paste(paste, services)


async def _after_quiet(assembler: Assembler, key: Hashable, services: BotServices) -> None:
    paste = await assembler.quiet(key)
    if paste is not None:
        await answer_paste(paste, services)


async def answer_paste(paste: Paste[Message], services: BotServices) -> None:
    """The whole text, classified again: the pieces together may be an article (or HTML)."""
    text, message = paste.text, paste.first.message
    assert message is not None
    settings = services.settings
    request = classify(text, entity_urls=list(paste.links),
                       max_links=settings.max_links_per_message,
                       min_words=settings.min_text_words)
    await answer_request(message, message, request, services, text=text)
