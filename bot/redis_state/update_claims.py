"""Update claims in Redis: `SET NX PX` claims an update for one front-end with a value of
its own, so that only that front-end can renew or release it; "done" replaces the claim
with a mark that outlives Telegram's redeliveries."""

from __future__ import annotations

import math
import secrets

from redis.asyncio import Redis

from bot.update_claims import CLAIM_SECONDS, DONE_SECONDS

_DONE = "done"
# Extends KEYS[1] by ARGV[2] ms only while it holds ARGV[1]: a check and a renewal in one
# step, so a front-end never renews a claim that lapsed and another front-end took.
_EXPIRE_IF = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
# Deletes KEYS[1] only while it holds ARGV[1].
_DELETE_IF = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class RedisUpdateClaims:
    """One instance per front-end: it remembers the values of the claims it holds."""

    def __init__(self, redis: Redis, *, claim_ttl: float = CLAIM_SECONDS,
                 done_ttl: float = DONE_SECONDS, prefix: str = "breakdown:update:") -> None:
        self._redis, self._prefix = redis, prefix
        self._claim_ms, self._done_ttl = math.ceil(claim_ttl * 1000), math.ceil(done_ttl)
        self._renew = redis.register_script(_EXPIRE_IF)
        self._release = redis.register_script(_DELETE_IF)
        self._held: dict[int, str] = {}  # update id -> the value of this front-end's claim

    async def claim(self, update_id: int) -> bool:
        value = f"claimed:{secrets.token_hex(8)}"
        if await self._redis.set(self._key(update_id), value, px=self._claim_ms, nx=True):
            self._held[update_id] = value
            return True
        return False

    async def renew(self, update_id: int) -> bool:
        value = self._held.get(update_id)
        if value is None:
            return False
        return bool(await self._renew(keys=[self._key(update_id)],
                                      args=[value, self._claim_ms]))

    async def is_done(self, update_id: int) -> bool:
        return await self._redis.get(self._key(update_id)) == _DONE

    async def done(self, update_id: int) -> None:
        self._held.pop(update_id, None)
        await self._redis.set(self._key(update_id), _DONE, ex=self._done_ttl)

    async def release(self, update_id: int) -> None:
        # Only this front-end's claim is released: a done mark, or another's claim, stays.
        value = self._held.pop(update_id, None)
        if value is not None:
            await self._release(keys=[self._key(update_id)], args=[value])

    def _key(self, update_id: int) -> str:
        return f"{self._prefix}{update_id}"
