"""Recording a request's usage event: who, where, how big, how long, how it went — never
the text. The reply flow records chat requests, inline mode its queries."""

from __future__ import annotations

import logging
import time

from telegram import Message, User

from bot.breakdown import Breakdown
from bot.store.usage import UsageEvent, domain_of
from handlers.services import BotServices

log = logging.getLogger("bot.usage_events")  # the front end logs under "bot."


async def record_chat_usage(services: BotServices, message: Message, *, url: str | None,
                            started: float, outcome: str, breakdown: Breakdown | None = None,
                            cached: bool = False, stages: dict[str, float | None] | None = None,
                            user: User | None = None) -> None:
    """The usage event of a chat request; `user` is who asked (a button's presser), by
    default the message's sender."""
    user = user or message.from_user
    await record_usage(services, chat_id=message.chat.id, chat_type=message.chat.type,
                       user_id=user.id if user else None,
                       input_kind="link" if url else "text", url=url, started=started,
                       outcome=outcome, breakdown=breakdown, cached=cached, stages=stages)


async def record_usage(services: BotServices, *, chat_id: int, chat_type: str,
                       user_id: int | None, input_kind: str, url: str | None, started: float,
                       outcome: str, breakdown: Breakdown | None = None, cached: bool = False,
                       stages: dict[str, float | None] | None = None) -> None:
    """One usage event: who, where, how big, how long, how it went — never the text.

    Recording must never cost the user their reply: a failure here is logged and dropped.
    """
    words = breakdown.source.words if breakdown else None
    latency = int((time.monotonic() - started) * 1000) if started else None
    event = UsageEvent(
        at=time.time(), chat_id=chat_id, chat_type=chat_type, user_id=user_id,
        input_kind=input_kind, domain=domain_of(url) if url else None,
        words=words, latency_ms=latency, outcome=outcome, cached=cached,
        **{name: None if seconds is None else int(seconds * 1000)
           for name, seconds in (stages or {}).items()})
    try:
        await services.store.record_event(event)
    except Exception:
        log.exception("could not record a usage event")
