"""Every call to the Bot API goes through here: Telegram's flood limits, and patience.

python-telegram-bot's `AIORateLimiter` keeps the bot under Telegram's limits and waits out
429 answers. On top of it:

- A Bot API that fails for a while (HTTP 5xx, timeouts, connection refused while it
  restarts) must not cost a user the reply: such calls are retried with exponential
  backoff until `deadline` seconds have passed. Errors that retrying cannot fix
  (400 Bad Request, 403 Forbidden, migrated chats) are raised at once.
- "typing…" is a courtesy. Under load it must not queue in front of real answers, so a
  chat action is sent only while the flood limiter has half its budget free, is not
  retried when the Bot API fails, and is dropped otherwise (`chat_actions_dropped`).

With REDIS_URL, N front-ends send for one bot, and Telegram counts per bot:
`SharedRateLimiter` takes the budget from Redis (bot/redis_state/flood_limit.py) instead
of the process's own, and behaves as `PatientRateLimiter` otherwise. While Redis is
unreachable each front-end keeps to its own budget, as one process does: N front-ends may
then send N times the bot's rate for the seconds of the outage, and a 429 that follows is
waited out as any other, while a reply never waits for Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter

from bot.redis_state import UNREACHABLE_ERRORS, RedisFloodBudget

log = logging.getLogger("bot.sending")

ApiCall = Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]]
COURTESY_ENDPOINTS = frozenset({"sendChatAction"})


def backoff_delays(first: float = 0.5, factor: float = 2.0, cap: float = 8.0) -> Iterator[float]:
    """0.5, 1, 2, 4, 8, 8, … seconds: quick for a blip, gentle for an outage."""
    delay = first
    while True:
        yield delay
        delay = min(cap, delay * factor)


def is_transient(error: Exception) -> bool:
    """Worth retrying: the request may not have reached Telegram, or Telegram failed.

    `BadRequest` is a `NetworkError` subclass in python-telegram-bot, but a bad request
    stays bad however often it is sent.
    """
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


class PatientRateLimiter(AIORateLimiter):
    """`AIORateLimiter` that also rides out Bot API failures and sheds "typing…" under load."""

    def __init__(self, *, deadline: float = 120.0, max_retries: int = 3) -> None:
        super().__init__(max_retries=max_retries)
        self.deadline = deadline
        self.retried = 0  # calls that failed transiently and were sent again
        self.chat_actions_dropped = 0

    async def process_request(
        self,
        callback: ApiCall,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint in COURTESY_ENDPOINTS:
            return await self._send_courtesy(callback, args, kwargs, endpoint, data,
                                             rate_limit_args)
        give_up_at = time.monotonic() + self.deadline
        delays = backoff_delays()
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data,
                                                     rate_limit_args)
            except Exception as error:
                delay = next(delays)
                if not is_transient(error) or time.monotonic() + delay > give_up_at:
                    raise
                self.retried += 1
                # The error text is httpx's or Telegram's; neither carries the URL (token).
                log.warning("%s failed (%s); retrying in %.1f s", endpoint, error, delay)
                await asyncio.sleep(delay)

    async def _send_courtesy(self, callback: ApiCall, args: Any, kwargs: dict[str, Any],
                             endpoint: str, data: dict[str, Any],
                             rate_limit_args: int | None
                             ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Sent once, and only while half the budget is free; else dropped (True)."""
        base = self._base_limiter
        if base is not None and not base.has_capacity(base.max_rate / 2):
            self.chat_actions_dropped += 1
            return True
        return await super().process_request(callback, args, kwargs, endpoint, data,
                                             rate_limit_args)


def group_of(data: dict[str, Any]) -> int | str | None:
    """The group a call goes to, as `AIORateLimiter` reads it: a negative chat id or a
    channel's @username; None for a private chat or no chat."""
    chat_id = data.get("chat_id")
    if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
        chat_id = int(chat_id)
    if (isinstance(chat_id, int) and chat_id < 0) or isinstance(chat_id, str):
        return chat_id
    return None


class SharedRateLimiter(PatientRateLimiter):
    """`PatientRateLimiter` whose flood budget is the bot's, in Redis, shared by every
    front-end; a 429 on one front-end pauses them all."""

    def __init__(self, budget: RedisFloodBudget, *, deadline: float = 120.0,
                 max_retries: int = 3) -> None:
        super().__init__(deadline=deadline, max_retries=max_retries)
        self.budget = budget

    async def _send_courtesy(self, callback: ApiCall, args: Any, kwargs: dict[str, Any],
                             endpoint: str, data: dict[str, Any],
                             rate_limit_args: int | None
                             ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        try:
            admitted = await self.budget.admit(group_of(data), share=0.5) == 0
        except UNREACHABLE_ERRORS as error:
            _budget_unreachable(error)
            admitted = False
        if not admitted:
            self.chat_actions_dropped += 1
            return True
        return await callback(*args, **kwargs)  # admitted and counted: sent once

    async def _run_request(self, chat: bool, group: str | int | bool,
                           allow_paid_broadcast: bool, callback: ApiCall, args: Any,
                           kwargs: dict[str, Any]
                           ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """`AIORateLimiter`'s step between its 429 retries, on the shared budget."""
        if chat:
            try:
                await self.budget.acquire(group if group is not False else None)
            except UNREACHABLE_ERRORS as error:
                _budget_unreachable(error)
                return await super()._run_request(chat, group, allow_paid_broadcast,
                                                  callback, args, kwargs)
        await self._retry_after_event.wait()
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as error:
            # Read as AIORateLimiter reads it: the public `retry_after` warns until PTB 23
            # makes it a timedelta.
            with contextlib.suppress(*UNREACHABLE_ERRORS):  # then it pauses this one only
                await self.budget.pause(error._retry_after.total_seconds())
            raise  # AIORateLimiter waits it out here too, then retries


def _budget_unreachable(error: Exception) -> None:
    log.warning("flood budget unreachable (%s): this front-end's own limits apply",
                type(error).__name__)
