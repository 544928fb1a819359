"""Private messages through the paste assembler (`bot.paste`): the pieces a Telegram client
cut a long paste into, and forwarded posts in a row, are answered once, together.

A piece that may be followed by more is held without holding up anything else: the
handler returns at once and a task (`Application.create_task`, so that stopping the bot
waits for it) answers the paste when its quiet window has passed. A message asking for
links is a new request: it completes the sender's held paste, then gets its own answer.

Pastes are held in this process or, with REDIS_URL, in Redis, where the next piece may
reach another front-end (bot/shared_state.py chooses). A piece keeps its message as Bot
API JSON, turned back into a `Message` by whichever front-end answers the paste; with
Redis, `sweep_overdue_pastes` (a job every `SWEEP_SECONDS`) answers the pastes whose
front-end died during their window.
"""

from __future__ import annotations

from collections.abc import Hashable

from telegram import (
    Bot,
    Message,
    MessageOrigin,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
)

from bot.messages import classify
from bot.paste import MessageData, Paste, PasteKey, Pastes, Piece
from handlers.common import answer_request, entity_urls, message_text, request_of
from handlers.context import Context
from handlers.services import BotServices

SWEEP_SECONDS = 1.0  # how often each front-end looks for pastes whose front-end died


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


def piece_of(message: Message, now: float) -> Piece[MessageData]:
    return Piece(text=message_text(message), message_id=message.message_id, at=now,
                 origin=origin_key(message.forward_origin),
                 links=tuple(entity_urls(message)), message=message.to_dict())


async def collect_or_answer(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None  # the handler's filters let only messages through
    services, bot = context.bot_data.services, context.bot
    pastes = context.bot_data.pastes
    key = (message.chat_id, message.from_user.id if message.from_user else message.chat_id)
    request = request_of(message, services)
    if request.kind == "links":
        for paste in await pastes.interrupt(key):
            await answer_paste(paste, bot, services)
        await answer_request(message, message, request, services)
        return
    step = await pastes.add(key, piece_of(message, pastes.clock()))
    if step.started:
        context.application.create_task(_after_quiet(pastes, key, bot, services),
                                        update=update)
    for paste in step.ready:
        await answer_paste(paste, bot, services)


async def _after_quiet(pastes: Pastes[MessageData], key: PasteKey, bot: Bot,
                       services: BotServices) -> None:
    paste = await pastes.quiet(key)
    if paste is not None:
        await answer_paste(paste, bot, services)


async def sweep_overdue_pastes(context: Context) -> None:
    """The repeating job with shared pastes: each overdue paste is answered in a task of
    its own, so that a slow breakdown does not hold up the next sweep."""
    services = context.bot_data.services
    for paste in await context.bot_data.pastes.overdue():
        context.application.create_task(answer_paste(paste, context.bot, services))


async def answer_paste(paste: Paste[MessageData], bot: Bot, services: BotServices) -> None:
    """The whole text, classified again: the pieces together may be an article (or HTML)."""
    text, data = paste.text, paste.first.message
    assert data is not None  # every piece of the bot's has its message
    message = Message.de_json(data, bot)
    settings = services.settings
    request = classify(text, entity_urls=list(paste.links),
                       max_links=settings.max_links_per_message,
                       min_words=settings.min_text_words)
    await answer_request(message, message, request, services, text=text)
