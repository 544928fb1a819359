"""Telegram's flood limits in Redis, shared by every front-end of one bot.

Telegram counts a bot's messages per bot, not per process: about 30 a second in all and
20 a minute in one group. Each limit is a sliding window (a sorted set of send times, as
in the per-user limit): a call is admitted only while every window it falls under has a
free slot, checked and recorded for all of them by one Lua script, so N front-ends
together stay within the limit. A 429 answer pauses the whole bot, on every front-end,
for the seconds Telegram asked.
"""

from __future__ import annotations

import asyncio
import math
import secrets
from dataclasses import dataclass

from redis.asyncio import Redis

# KEYS[1]: the bot's pause key; KEYS[2..]: one sorted set per limit. ARGV[1]: now in
# seconds ("" = Redis's clock, one clock for every front-end), ARGV[2]: a unique member,
# then a limit and a window in seconds per sorted set. Returns "0" when the call is
# admitted (and recorded in every set), else the seconds to wait, as text (Lua numbers
# reach the client as integers).
_ADMIT = """
local now = tonumber(ARGV[1])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local paused = redis.call('PTTL', KEYS[1])
if paused > 0 then
  return tostring(paused / 1000)
end
local wait = 0
for i = 2, #KEYS do
  local limit = tonumber(ARGV[2 * i - 1])
  local window = tonumber(ARGV[2 * i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local count = redis.call('ZCARD', KEYS[i])
  if count >= limit then
    -- A slot frees when the (count - limit + 1)-th oldest send leaves the window.
    local freeing = redis.call('ZRANGE', KEYS[i], count - limit, count - limit, 'WITHSCORES')
    wait = math.max(wait, tonumber(freeing[2]) + window - now)
  end
end
if wait > 0 then
  return tostring(wait)
end
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], now, ARGV[2])
  redis.call('PEXPIRE', KEYS[i], math.ceil(tonumber(ARGV[2 * i]) * 1000))
end
return '0'
"""
MIN_WAIT = 0.005  # seconds: a wait rounded to nothing would spin


@dataclass(frozen=True)
class FloodLimit:
    calls: int
    seconds: float


# Telegram's documented limits (core.telegram.org/bots/faq: "My bot is hitting limits").
PER_BOT = FloodLimit(30, 1.0)
PER_GROUP = FloodLimit(20, 60.0)


class RedisFloodBudget:
    """The send budget of one bot (`bot_id`, the token's number: never the token)."""

    def __init__(self, redis: Redis, bot_id: str, *, per_bot: FloodLimit = PER_BOT,
                 per_group: FloodLimit = PER_GROUP, prefix: str = "breakdown:flood:") -> None:
        self._redis, self.per_bot, self.per_group = redis, per_bot, per_group
        self._prefix = f"{prefix}{bot_id}"
        self._admit = redis.register_script(_ADMIT)

    async def admit(self, group: int | str | None = None, *, share: float = 1.0,
                    now: float | None = None) -> float:
        """0 when a call (to `group`, if it goes to a group) is admitted and counted, else
        the seconds until one could be. `share`: the part of each limit this call may use
        (0.5: only while half the budget is free)."""
        limits = [(f"{self._prefix}:all", self.per_bot)]
        if group is not None:
            limits.append((f"{self._prefix}:group:{group}", self.per_group))
        args: list[str | int] = ["" if now is None else repr(now), secrets.token_hex(8)]
        for _, limit in limits:
            args += [max(1, math.floor(limit.calls * share)), repr(limit.seconds)]
        wait = await self._admit(keys=[f"{self._prefix}:paused", *(key for key, _ in limits)],
                                 args=args)
        return float(wait)

    async def acquire(self, group: int | str | None = None) -> None:
        """Wait until a call is admitted, then return (it is counted)."""
        while (wait := await self.admit(group)) > 0:
            await asyncio.sleep(max(wait, MIN_WAIT))

    async def pause(self, seconds: float) -> None:
        """Telegram answered 429: no front-end sends anything for `seconds`."""
        await self._redis.set(f"{self._prefix}:paused", "1", px=max(1, math.ceil(seconds * 1000)))
