"""Small helpers the handler modules share."""

from __future__ import annotations

from telegram import Message, MessageEntity

from bot.messages import Request, classify
from handlers.reply_flow import deliver_breakdown
from handlers.services import BotServices


def message_text(message: Message) -> str:
    return message.text or message.caption or ""


def entity_urls(message: Message) -> list[str]:
    """Links as Telegram marked them: plain url entities and text links."""
    parsed = message.parse_entities([MessageEntity.URL, MessageEntity.TEXT_LINK]) or \
        message.parse_caption_entities([MessageEntity.URL, MessageEntity.TEXT_LINK])
    return [entity.url if entity.type == MessageEntity.TEXT_LINK and entity.url else text
            for entity, text in parsed.items()]


def request_of(message: Message, services: BotServices, text: str | None = None) -> Request:
    body = message_text(message) if text is None else text
    return classify(body, entity_urls=entity_urls(message) if text is None else None,
                    max_links=services.settings.max_links_per_message,
                    min_words=services.settings.min_text_words)


async def answer_request(message: Message, reply_to: Message, request: Request,
                         services: BotServices, *, text: str | None = None) -> None:
    """Links one by one (saying so if there were too many), else the text (with its links
    as buttons) or the HTML source's article, else a hint."""
    if request.kind == "links":
        if request.extra_links:
            await reply_to.reply_text(
                f"I break down up to {services.settings.max_links_per_message} links per "
                f"message; skipping the other {request.extra_links}.")
        for link in request.links:
            await deliver_breakdown(reply_to, services, url=link)
    elif request.kind == "text":
        await deliver_breakdown(reply_to, services, text=text or message_text(message),
                                links=request.links)
    elif request.kind == "html":
        await deliver_breakdown(reply_to, services, html_source=text or message_text(message))
    else:
        await reply_to.reply_text(
            "Send me a link to a news article, or paste an article of at least "
            f"{services.settings.min_text_words} words, and I'll break it down.")
