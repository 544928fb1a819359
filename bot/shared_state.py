"""The state a front-end's requests share, chosen by `REDIS_URL`: in this process (empty,
the default) or in Redis, shared by N front-ends."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.breakdown import Breakdown
from bot.paste import LocalPastes, MessageData, PasteAssembler, Pastes
from bot.rate_limit import RateLimiter, UserRateLimit
from bot.redis_state import (
    RedisBreakdownMemory,
    RedisFloodBudget,
    RedisLinkMemory,
    RedisPasteAssembler,
    RedisRateLimiter,
    RedisUpdateClaims,
    connect,
)
from bot.redis_state.skipped_links import RedisSkippedTally
from bot.settings import Settings
from bot.token_memory import BreakdownMemory, ButtonMemory, TokenMemory
from bot.update_claims import LocalUpdateClaims, UpdateClaims


async def _nothing_to_close() -> None:
    return None


@dataclass
class SharedState:
    limiter: UserRateLimit
    memory: ButtonMemory[Breakdown]  # the expand buttons
    links: ButtonMemory[str]  # "Break down the linked page"
    claims: UpdateClaims  # for the webhook front-end
    pastes: Pastes[MessageData]  # pieces of long pastes held for their quiet window
    # Telegram's flood limits across front-ends; None: the process's own limiter keeps them.
    flood: RedisFloodBudget | None = None
    # The links /auto skipped per group window; None: counted in this process.
    skipped_tally: RedisSkippedTally | None = None
    close: Callable[[], Awaitable[None]] = _nothing_to_close  # the Redis connections
    # Raises when the shared state cannot be reached (a front-end's start and health check).
    ping: Callable[[], Awaitable[object]] = _nothing_to_close


def local_pastes(settings: Settings) -> LocalPastes[MessageData]:
    """Pastes held in this process (also the composition root's until post_init)."""
    return LocalPastes(PasteAssembler(window=settings.paste_wait_seconds,
                                      max_chars=settings.max_text_chars))


def open_shared_state(settings: Settings) -> SharedState:
    """Nothing connects yet: a Redis that is down shows in the first request's error."""
    if not settings.redis_url:
        return SharedState(RateLimiter(settings.user_rate_limit), BreakdownMemory(),
                           TokenMemory(), LocalUpdateClaims(), local_pastes(settings))
    redis = connect(settings.redis_url)
    pastes = RedisPasteAssembler(redis, window=settings.paste_wait_seconds,
                                 max_chars=settings.max_text_chars)
    return SharedState(RedisRateLimiter(redis, settings.user_rate_limit),
                       RedisBreakdownMemory(redis), RedisLinkMemory(redis),
                       RedisUpdateClaims(redis), pastes,
                       flood=RedisFloodBudget(redis, bot_id(settings)),
                       skipped_tally=RedisSkippedTally(redis),
                       close=redis.aclose, ping=redis.ping)


def bot_id(settings: Settings) -> str:
    """The bot's number, the part of its token before the colon (the rest is the secret)."""
    number = settings.telegram_bot_token.split(":", 1)[0]
    return number if number.isdigit() else "unknown"
