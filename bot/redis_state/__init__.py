"""The state N front-ends share, in Redis (`REDIS_URL`): the per-user rate limit, button
memory, update claims and held pastes, each implementing the interface its in-memory
sibling does (`bot/rate_limit.py`, `bot/token_memory.py`, `bot/update_claims.py`,
`bot/paste.py`); and the bot's Telegram flood limits (`flood_limit.py`; in one process,
PTB's limiter keeps them).

Article text reaches Redis only in button memory, for at most 24 hours, and in a held
paste, for its quiet window (its key expires a minute after it at the latest); run Redis
without persistence (`--save "" --appendonly no`) so that it never lands on disk.
"""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.redis_state.errors import UNREACHABLE_ERRORS
from bot.redis_state.flood_limit import RedisFloodBudget
from bot.redis_state.pastes import RedisPasteAssembler
from bot.redis_state.rate_limit import RedisRateLimiter
from bot.redis_state.token_memory import RedisBreakdownMemory, RedisLinkMemory, RedisTokenMemory
from bot.redis_state.update_claims import RedisUpdateClaims

__all__ = ["UNREACHABLE_ERRORS", "RedisBreakdownMemory", "RedisFloodBudget",
           "RedisLinkMemory", "RedisPasteAssembler", "RedisRateLimiter", "RedisTokenMemory",
           "RedisUpdateClaims", "connect"]


# Every call here is one short command or script: a few seconds without an answer means
# Redis is gone, and the request fails instead of hanging. (redis-py 8 changed the
# defaults of both, so they are spelled out.)
SOCKET_SECONDS = 5.0
# Requests beyond the pool's connections wait this long for one to come free, rather than
# opening connections without bound (the blocking pool).
POOL_WAIT_SECONDS = 10.0
MAX_CONNECTIONS = 50
# A refused or reset connection is tried again after 0.2, 0.4, 0.8, 1, 1 and 1 s: a
# restarted Redis (a second or two) costs a request some delay, not an error. Only
# connection errors: a command that timed out may have run, and some are not idempotent.
RETRY_BACKOFF = ExponentialBackoff(cap=1.0, base=0.1)
RETRIES = 6


def connect(url: str) -> Redis:
    """A client on a blocking connection pool; no connection is made until first use."""
    pool = BlockingConnectionPool.from_url(
        url, max_connections=MAX_CONNECTIONS, timeout=POOL_WAIT_SECONDS,
        socket_timeout=SOCKET_SECONDS, socket_connect_timeout=SOCKET_SECONDS,
        retry=Retry(RETRY_BACKOFF, RETRIES), retry_on_error=[RedisConnectionError],
        decode_responses=True)
    return Redis(connection_pool=pool)
