"""The per-user rate limit in Redis: one sorted set of request times per user, checked and
updated by one Lua script, so that two front-ends never both take the last slot."""

from __future__ import annotations

import logging
import secrets

from redis.asyncio import Redis

from bot.redis_state.errors import UNREACHABLE_ERRORS

log = logging.getLogger(__name__)

# KEYS[1]: the user's set; ARGV: now in seconds ("" = Redis's clock, one clock for every
# front-end), window in seconds, limit, a unique member.
# Times at or before now - window have left the window, as in the in-memory limiter.
_SLIDING_WINDOW = """
local now = tonumber(ARGV[1])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
return 1
"""


class RedisRateLimiter:
    """At most `limit` breakdowns per user in any `window` seconds, across front-ends.

    An idle user's set expires with the window, so nothing piles up. While Redis is
    unreachable every request is allowed: an answer to a real user is worth more than
    the limit for the seconds of an outage (and the analysis then waits for Redis anyway).
    """

    def __init__(self, redis: Redis, limit: int, window: float = 60.0, *,
                 prefix: str = "breakdown:rate:") -> None:
        self.limit, self.window, self.prefix = limit, window, prefix
        self._script = redis.register_script(_SLIDING_WINDOW)

    async def allow(self, user_id: int, now: float | None = None) -> bool:
        # The member only has to be unique: two requests in the same microsecond both count.
        member = secrets.token_hex(8)
        stamp = "" if now is None else repr(now)
        try:
            allowed = await self._script(keys=[f"{self.prefix}{user_id}"],
                                         args=[stamp, repr(self.window), self.limit, member])
        except UNREACHABLE_ERRORS as error:
            log.warning("rate limit not checked: Redis unreachable (%s)", type(error).__name__)
            return True
        return bool(allowed)


