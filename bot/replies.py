"""Answering a chat with a breakdown: the one flow every handler calls.

Rate limit, "typing…", fetch or take the text, analyse in the worker pool, render, reply
with buttons, record a usage event (never the text). Handlers only parse the update.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, User
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, ChatMigrated

from bot.breakdown import Breakdown, Source
from bot.errors import UserFacingError
from bot.render.common import shorten
from bot.render.telegram import BUTTONS, plain_text, render_reply
from bot.render.telegram_parts import esc_short
from bot.service import LinkBreakdown, breakdown_html, breakdown_link
from bot.settings import Settings
from bot.store import Store
from bot.store.usage import UsageEvent, domain_of
from bot.workers import BreakdownWorkers

log = logging.getLogger("bot.replies")
# "typing…" only once a reply takes a while: most come sooner, and under load the calls
# it saves are the ones that kept /help waiting behind a burst of chat actions.
TYPING_AFTER = 0.5
TYPING_EVERY = 4.0  # Telegram shows "typing…" for about 5 s
CALLBACK_PREFIX = "bd"
LINK_CALLBACK_PREFIX = "bl"  # "bl:<token>": break down a link the text contained
T = TypeVar("T")


def failure_code(error: Exception) -> str:
    """The usage event's outcome for a failed request: the error's own code."""
    return error.code if isinstance(error, UserFacingError) else UserFacingError.code


class RateLimiter:
    """At most `limit` breakdowns per user in any 60 seconds (sliding window)."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[int, deque[float]] = {}

    def allow(self, user_id: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        stamps = self._seen.setdefault(user_id, deque())
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        if len(stamps) >= self.limit:
            return False
        stamps.append(now)
        return True


class TokenMemory(Generic[T]):
    """Recent things buttons stand for, in memory only and for a day at most.

    Callback data is capped at 64 bytes, so buttons carry a short random token.
    """

    def __init__(self, capacity: int = 500, ttl: float = 24 * 3600) -> None:
        self.capacity, self.ttl = capacity, ttl
        self._items: OrderedDict[str, tuple[float, T]] = OrderedDict()

    def remember(self, item: T) -> str:
        token = secrets.token_urlsafe(6)
        self._items[token] = (time.monotonic(), item)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)
        return token

    def recall(self, token: str) -> T | None:
        item = self._items.get(token)
        if item is None or time.monotonic() - item[0] > self.ttl:
            return None
        return item[1]


class BreakdownMemory(TokenMemory[Breakdown]):
    """Recent breakdowns for the expand buttons."""


@dataclass
class BotServices:
    settings: Settings
    store: Store
    pool: BreakdownWorkers  # where texts are analysed and pages read
    limiter: RateLimiter
    memory: BreakdownMemory = field(default_factory=BreakdownMemory)
    links: TokenMemory[str] = field(default_factory=TokenMemory)  # "Break down the linked page"


def keyboard(token: str) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(label, callback_data=f"{CALLBACK_PREFIX}:{section}:{token}")
               for label, section in BUTTONS]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:]])


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


async def _keep_typing(message: Message, stop: asyncio.Event) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), TYPING_AFTER)
    while not stop.is_set():
        with contextlib.suppress(Exception):  # "typing…" is a courtesy, never a failure
            await message.chat.send_action(ChatAction.TYPING)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), TYPING_EVERY)


def link_rows(links: tuple[str, ...], memory: TokenMemory[str]
              ) -> list[list[InlineKeyboardButton]]:
    """One button per link a text contained, to break the linked page down on demand."""
    def label(link: str) -> str:
        return ("🔗 Break down the linked page" if len(links) == 1
                else f"🔗 Break down {shorten(link.split('://', 1)[-1], 32)}")
    return [[InlineKeyboardButton(label(link), callback_data=(
        f"{LINK_CALLBACK_PREFIX}:{memory.remember(link)}"))] for link in links]


def failure_text(error: UserFacingError, url: str | None) -> str:
    """The user-facing reason, naming the link when there was one (several may fail)."""
    return f"⚠️ {esc_short(url, 120)}\n{error.user_message}" if url else error.user_message


async def _compute(services: BotServices, *, text: str | None, url: str | None,
                   html: str | None = None) -> LinkBreakdown:
    if url is not None:
        return await breakdown_link(url, settings=services.settings, store=services.store,
                                    workers=services.pool)
    if html is not None:
        return await breakdown_html(html, workers=services.pool)
    assert text is not None
    started = time.monotonic()
    breakdown = await services.pool.analyze(text, source=Source(kind="text"))
    return LinkBreakdown(breakdown, cached=False, analysis_seconds=time.monotonic() - started)


async def deliver_breakdown(message: Message, services: BotServices, *, text: str | None = None,
                            url: str | None = None, html_source: str | None = None,
                            links: tuple[str, ...] = (), requester: User | None = None) -> None:
    """Break down `url`, `html_source` or `text` and reply to `message`; every failure gets
    a reply. `links` (in the text) are offered as buttons; `requester` is who asked, when
    not the message's sender (a button under the bot's own message)."""
    requester = requester or message.from_user
    user_id = requester.id if requester else None
    settings = services.settings
    if user_id is not None and not services.limiter.allow(user_id):
        await message.reply_text(
            f"You've asked for {settings.user_rate_limit} breakdowns in the last minute — "
            "please wait a moment and try again.")
        await _record(services, message, url, 0, "rate_limited", user=requester)
        return
    note = None
    if text is not None and len(text) > settings.max_text_chars:
        text = text[: settings.max_text_chars]
        note = (f"The text was long: I read the first {settings.max_text_chars:,} "
                "characters.")
    started = time.monotonic()
    stop = asyncio.Event()
    typing = asyncio.create_task(_keep_typing(message, stop))
    try:
        computed = await _compute(services, text=text, url=url, html=html_source)
    except UserFacingError as error:
        await message.reply_text(failure_text(error, url))
        await _record(services, message, url, started, failure_code(error), user=requester)
        return
    finally:
        stop.set()
        await typing
    breakdown = computed.breakdown
    rendering = time.monotonic()
    html = render_reply(breakdown, truncated_note=note)
    rows: list[Sequence[InlineKeyboardButton]] = [
        *keyboard(services.memory.remember(breakdown)).inline_keyboard,
    ] if breakdown.language == "en" else []
    rows += link_rows(links, services.links)
    markup = InlineKeyboardMarkup(rows) if rows else None
    sending = time.monotonic()
    await send_html(message, html, reply_markup=markup)
    stages = {"fetch_ms": computed.fetch_seconds, "analysis_ms": computed.analysis_seconds,
              "render_ms": sending - rendering, "send_ms": time.monotonic() - sending}
    outcome = "ok" if breakdown.language == "en" else "not_english"
    await _record(services, message, url, started, outcome, breakdown=breakdown,
                  cached=computed.cached, stages=stages, user=requester)


async def _record(services: BotServices, message: Message, url: str | None, started: float,
                  outcome: str, *, breakdown: Breakdown | None = None,
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
