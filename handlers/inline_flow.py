"""Inline mode: `@yourbot <link>` in any chat answers with a breakdown card to send.

Telegram sends an inline query at every pause in typing and forgets it after about 10 s
(undocumented). So a cached link answers at once; an uncached one is fetched and analysed
for at most INLINE_BUDGET_SECONDS, and when that is not enough the answer is a "tap to open
in the bot" button while the work goes on and lands in the cache: the next query, or the
button's /start, finds it there. A query without a link gets a hint button, never an error.

Rate limit: only a query that starts work (a fetch and an analysis) counts against the
user's limit. A card from the cache, or a query that joins the work already running for
its page, costs nothing: clients re-send the query as the user edits it.

Usage events (input kind "inline", never any text): one per query that names a link, when
its outcome is known — a card, a failure, "rate_limited", or for a query answered "open in
the bot" the outcome of the work it started, recorded when that work ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQuery,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.breakdown import Breakdown
from bot.errors import RATE_LIMITED as RATE_LIMITED_OUTCOME
from bot.errors import AnalysisFailed, UserFacingError
from bot.failures import breakdown_outcome, failure_code
from bot.fetch import errors as fetch_errors
from bot.fetch.guard import parse_url
from bot.messages import find_links
from bot.render.telegram import plain_text
from bot.render.telegram_card import Card, render_card
from bot.service import ComputedBreakdown, breakdown_link, cached_link_breakdown
from bot.urls import cache_key
from handlers.services import BotServices
from handlers.usage_events import record_usage

log = logging.getLogger("bot.inline")

START_HINT = "inline-help"  # /start parameter of the hint buttons: the greeting
START_LINK = "bd-"  # /start bd-<token>: break down the link stored under the token
# How long Telegram may show an answer to anyone typing the same query, in seconds. A card
# is the same for everyone; "still reading" and rate limits must ask again at once.
CARD_CACHE_SECONDS = 300
HINT_CACHE_SECONDS = 300
FAILURE_CACHE_SECONDS = 30

HINT = "Type or paste a link to a news article"
INVALID = "That isn't a web link I can open — tap for help"
RATE_LIMITED = "Too many breakdowns this minute — try again soon"
STILL_READING = "Still reading that page — tap to open it in the bot"
FAILED = "I couldn't read that page — tap for details"
NOTHING = "Nothing to show for that page — tap for details"
FULL = "Full breakdown in a chat with me"
CARD_BUTTON = "Full breakdown ↗"


@dataclass(frozen=True, slots=True)
class WorkOutcome:
    """What breaking a link down gave: a breakdown, or the failure the user is told."""

    computed: ComputedBreakdown | None = None
    error: UserFacingError | None = None


Spawn = Callable[[Coroutine[Any, Any, WorkOutcome]], "asyncio.Task[WorkOutcome]"]


class LinkWork:
    """Link breakdowns in progress for inline queries, at most one per page.

    `spawn` creates the tasks (the Application's create_task in the bot, so that stopping
    the bot waits for them); they are never cancelled by a query that stops waiting.
    """

    def __init__(self, spawn: Spawn = asyncio.create_task) -> None:
        self._spawn = spawn
        self._running: dict[str, asyncio.Task[WorkOutcome]] = {}

    def running(self, url: str) -> asyncio.Task[WorkOutcome] | None:
        return self._running.get(cache_key(url))

    def start(self, url: str, compute: Callable[[], Awaitable[ComputedBreakdown]]
              ) -> asyncio.Task[WorkOutcome]:
        """The work on `url`'s page: the one running, else a new task running `compute`."""
        key = cache_key(url)
        if (task := self._running.get(key)) is not None:
            return task
        task = self._spawn(_settle(compute))
        self._running[key] = task
        task.add_done_callback(lambda done: self._forget(key, done))
        return task

    async def wait(self, url: str) -> None:
        """Until the work on `url`'s page (if any) has ended; its result is then cached."""
        if (task := self.running(url)) is not None:
            with contextlib.suppress(Exception):  # the caller's own attempt will say why
                await asyncio.shield(task)

    def _forget(self, key: str, task: asyncio.Task[WorkOutcome]) -> None:
        if self._running.get(key) is task:
            del self._running[key]


async def _settle(compute: Callable[[], Awaitable[ComputedBreakdown]]) -> WorkOutcome:
    """The work never raises: every query waiting on it gets an outcome to answer with."""
    try:
        return WorkOutcome(computed=await compute())
    except UserFacingError as error:
        return WorkOutcome(error=error)
    except Exception:  # a bug or a broken database: logged once, "try again" for the user
        log.exception("breaking a link down for inline mode failed")
        return WorkOutcome(error=AnalysisFailed())


@dataclass(frozen=True, slots=True)
class _Asker:
    """Who asked and from where, for usage events (an inline query has no chat id: the
    user's id is their private chat's)."""

    user_id: int
    chat_type: str
    started: float

    @classmethod
    def of(cls, query: InlineQuery) -> _Asker:
        # "sender" is the user's private chat with the bot; no type means a secret chat.
        kind = query.chat_type if query.chat_type in {"private", "group", "supergroup",
                                                      "channel"} else "private"
        return cls(query.from_user.id, kind, time.monotonic())


async def answer_inline_query(query: InlineQuery, services: BotServices,
                              work: LinkWork) -> None:
    """Answer `query` with a card for its first link, or with a button that says why not."""
    asker = _Asker.of(query)
    links = find_links(query.query)
    if not links:
        await _answer(query, button=_start_button(HINT, START_HINT),
                      cache_time=HINT_CACHE_SECONDS)
        return
    url = links[0]
    try:
        parse_url(url)
    except fetch_errors.InvalidURL as error:
        await _answer(query, button=_start_button(INVALID, START_HINT),
                      cache_time=HINT_CACHE_SECONDS)
        await _record(services, asker, url, failure_code(error))
        return
    start_link = START_LINK + await services.store.link_token(url)
    cached = await cached_link_breakdown(url, settings=services.settings, store=services.store)
    if cached is not None:
        await _answer_breakdown(query, services, asker, url=url, start_link=start_link,
                                computed=cached)
    else:
        await _answer_with_work(query, services, work, asker, url=url, start_link=start_link)


async def _answer_with_work(query: InlineQuery, services: BotServices, work: LinkWork,
                            asker: _Asker, *, url: str, start_link: str) -> None:
    """Fetch and analyse within the budget, or say "open in the bot" and let it finish."""
    joined = work.running(url) is not None
    if not joined and not await services.limiter.allow(asker.user_id):
        await _answer(query, button=_start_button(RATE_LIMITED, START_HINT), personal=True)
        await _record(services, asker, url, RATE_LIMITED_OUTCOME)
        return
    task = work.start(url, lambda: breakdown_link(url, settings=services.settings,
                                                  store=services.store,
                                                  workers=services.pool))
    budget = services.settings.inline_budget_seconds - (time.monotonic() - asker.started)
    try:
        outcome = await asyncio.wait_for(asyncio.shield(task), max(0.0, budget))
    except TimeoutError:
        await _answer(query, button=_start_button(STILL_READING, start_link), personal=True)
        if not joined:  # the work goes on; its outcome is this query's usage event
            await _record_outcome(services, asker, url, await task)
        return
    if outcome.error is not None:
        await _answer(query, button=_start_button(FAILED, start_link),
                      cache_time=FAILURE_CACHE_SECONDS)
        await _record(services, asker, url, failure_code(outcome.error))
        return
    assert outcome.computed is not None
    computed = outcome.computed
    if joined:  # another query's work is, for this one, a breakdown it did not compute
        computed = ComputedBreakdown(computed.breakdown, cached=True)
    await _answer_breakdown(query, services, asker, url=url, start_link=start_link,
                            computed=computed)


async def _answer_breakdown(query: InlineQuery, services: BotServices, asker: _Asker, *,
                            url: str, start_link: str, computed: ComputedBreakdown) -> None:
    breakdown = computed.breakdown
    if not _has_findings(breakdown):
        await _answer(query, button=_start_button(NOTHING, start_link),
                      cache_time=FAILURE_CACHE_SECONDS)
        await _record(services, asker, url, breakdown_outcome(breakdown), breakdown=breakdown,
                      cached=computed.cached)
        return
    rendering = time.monotonic()
    card = render_card(breakdown)
    sending = time.monotonic()
    link = f"https://t.me/{query.get_bot().username}?start={start_link}"
    for html in (True, False):  # if Telegram refuses the markup: the same words as text
        result = _card_result(card, link, start_link, html=html)
        if await _answer(query, results=[result], button=_start_button(FULL, start_link),
                         cache_time=CARD_CACHE_SECONDS) is not None:
            break
    stages = {"fetch_ms": computed.fetch_seconds, "analysis_ms": computed.analysis_seconds,
              "render_ms": sending - rendering, "send_ms": time.monotonic() - sending}
    await _record(services, asker, url, "ok", breakdown=breakdown, cached=computed.cached,
                  stages=stages)


def _has_findings(breakdown: Breakdown) -> bool:
    """Whether a card would show anything: the reply's "not English" and "found nothing"
    cases are explained in the private chat instead, where there is room."""
    return breakdown.language == "en" and bool(breakdown.summary or breakdown.quotes
                                               or breakdown.claims)


def _card_result(card: Card, link: str, start_link: str, *,
                 html: bool = True) -> InlineQueryResultArticle:
    content = InputTextMessageContent(
        card.html if html else plain_text(card.html), parse_mode=ParseMode.HTML if html
        else None, link_preview_options=LinkPreviewOptions(is_disabled=True))
    # The button opens the full breakdown for whoever taps it, in the chat the card is in.
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(CARD_BUTTON, url=link)]])
    return InlineQueryResultArticle(id=start_link, title=card.title, description=card.description,
                                    input_message_content=content, reply_markup=markup)


def _start_button(text: str, parameter: str) -> InlineQueryResultsButton:
    return InlineQueryResultsButton(text=text, start_parameter=parameter)


async def _answer(query: InlineQuery, *, button: InlineQueryResultsButton,
                  results: list[InlineQueryResultArticle] | None = None, cache_time: int = 0,
                  personal: bool = False) -> bool | None:
    """True once answered; False if the query expired meanwhile (the user moved on);
    None if Telegram could not parse the HTML of a result."""
    try:
        await query.answer(results or [], cache_time=cache_time, is_personal=personal,
                           button=button)
    except BadRequest as error:
        message = str(error).lower()
        if "parse entities" in message:
            return None
        if "query is too old" in message or "query_id_invalid" in message:
            log.info("an inline query expired before its answer")
            return False
        raise
    return True


async def _record_outcome(services: BotServices, asker: _Asker, url: str,
                          outcome: WorkOutcome) -> None:
    if outcome.error is not None:
        await _record(services, asker, url, failure_code(outcome.error))
        return
    assert outcome.computed is not None
    breakdown = outcome.computed.breakdown
    await _record(services, asker, url, breakdown_outcome(breakdown), breakdown=breakdown,
                  stages={"fetch_ms": outcome.computed.fetch_seconds,
                          "analysis_ms": outcome.computed.analysis_seconds})


async def _record(services: BotServices, asker: _Asker, url: str, outcome: str, *,
                  breakdown: Breakdown | None = None, cached: bool = False,
                  stages: dict[str, float | None] | None = None) -> None:
    await record_usage(services, chat_id=asker.user_id, chat_type=asker.chat_type,
                       user_id=asker.user_id, input_kind="inline", url=url,
                       started=asker.started, outcome=outcome, breakdown=breakdown,
                       cached=cached, stages=stages)
