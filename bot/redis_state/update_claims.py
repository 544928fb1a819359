"""Update claims in Redis: `SET NX EX` claims an update for one front-end; "done" replaces
the claim with a mark that outlives Telegram's redeliveries."""

from __future__ import annotations

import math

from redis.asyncio import Redis

from bot.update_claims import CLAIM_SECONDS, DONE_SECONDS

_CLAIMED, _DONE = "claimed", "done"
# Deletes KEYS[1] only while it holds ARGV[1]: a check and a delete in one step.
_DELETE_IF = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class RedisUpdateClaims:
    def __init__(self, redis: Redis, *, claim_ttl: float = CLAIM_SECONDS,
                 done_ttl: float = DONE_SECONDS, prefix: str = "breakdown:update:") -> None:
        self._redis, self._prefix = redis, prefix
        self._claim_ttl, self._done_ttl = math.ceil(claim_ttl), math.ceil(done_ttl)
        self._release = redis.register_script(_DELETE_IF)

    async def claim(self, update_id: int) -> bool:
        return bool(await self._redis.set(self._key(update_id), _CLAIMED, ex=self._claim_ttl,
                                          nx=True))

    async def done(self, update_id: int) -> None:
        await self._redis.set(self._key(update_id), _DONE, ex=self._done_ttl)

    async def release(self, update_id: int) -> None:
        # Only a claim is released: an update marked done stays done.
        await self._release(keys=[self._key(update_id)], args=[_CLAIMED])

    def _key(self, update_id: int) -> str:
        return f"{self._prefix}{update_id}"

