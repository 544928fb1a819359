"""The links /auto skipped in a group's cooldown window, counted in Redis, so that N
front-ends give a window one notice with the whole count (handlers/skipped_links.py
`SharedSkippedLinkNotices` sends it). One hash per chat: the window's start, the links
skipped and reported, the first skipped message and the notice (message ids), and when
the notice is due; a short lock lets one front-end at a time send or edit the notice.
Never any message text."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass

from redis.asyncio import Redis

# Two starts of one window read back from the store may differ in their last digits.
SAME_WINDOW_SECONDS = 0.5
POST_LOCK_SECONDS = 15.0  # a front-end that died while posting holds the notice this long

# KEYS[1]: the chat's hash. ARGV: window start, links, first message id, now, quiet,
# max wait, ttl ms. A new window starts the count afresh.
_ADD = """
local start = tonumber(ARGV[1])
local old = tonumber(redis.call('HGET', KEYS[1], 'start') or '')
if old == nil or math.abs(old - start) > tonumber(ARGV[8]) then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'start', ARGV[1], 'skipped', 0, 'reported', 0, 'first', ARGV[3])
end
redis.call('HINCRBY', KEYS[1], 'skipped', ARGV[2])
local now = tonumber(ARGV[4])
local since = tonumber(redis.call('HGET', KEYS[1], 'since') or '')
if since == nil then
  since = now
  redis.call('HSET', KEYS[1], 'since', ARGV[4])
end
local due = math.min(now + tonumber(ARGV[5]), since + tonumber(ARGV[6]))
redis.call('HSET', KEYS[1], 'due', tostring(due))
redis.call('PEXPIRE', KEYS[1], ARGV[7])
"""

# KEYS[1]: the chat's hash, KEYS[2]: its lock. ARGV: token, lock ms.
# {} when nothing is left to report, 0 when another front-end is posting, else
# {skipped, notice message id or "", first message id}.
_CLAIM = """
local state = redis.call('HMGET', KEYS[1], 'skipped', 'reported', 'notice', 'first')
if state[1] == false or tonumber(state[1]) <= tonumber(state[2]) then
  return {}
end
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 0
end
return {state[1], state[3] or '', state[4]}
"""

# KEYS[1]: the chat's hash, KEYS[2]: its lock. ARGV: token, count reported, notice id.
_REPORTED = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'reported', ARGV[2])
  if ARGV[3] ~= '' then
    redis.call('HSET', KEYS[1], 'notice', ARGV[3])
  end
  if tonumber(redis.call('HGET', KEYS[1], 'skipped')) <= tonumber(ARGV[2]) then
    redis.call('HDEL', KEYS[1], 'since')
  end
end
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('DEL', KEYS[2])
end
"""


@dataclass(frozen=True)
class NoticeClaim:
    """The right to send (no `notice_id` yet) or edit the notice for `count` links."""

    token: str
    count: int
    notice_id: int | None
    first_id: int


class RedisSkippedTally:
    """Each group's open window: how many links were skipped, and its notice."""

    def __init__(self, redis: Redis, *, prefix: str = "breakdown:skipped:") -> None:
        self._redis, self._prefix = redis, prefix
        self._add = redis.register_script(_ADD)
        self._claim = redis.register_script(_CLAIM)
        self._reported = redis.register_script(_REPORTED)

    async def add(self, chat_id: int, *, window_start: float, links: int, first_id: int,
                  now: float, quiet: float, max_wait: float, window_end: float) -> None:
        """Count `links` skipped links; the notice is due `quiet` s after the last one (at
        most `max_wait` s after the first not yet reported)."""
        ttl_ms = math.ceil((max(window_end - now, 0) + max_wait + 60) * 1000)
        await self._add(keys=[self._key(chat_id)],
                        args=[repr(window_start), links, first_id, repr(now), quiet, max_wait,
                              ttl_ms, SAME_WINDOW_SECONDS])

    async def due(self, chat_id: int) -> float | None:
        """When the notice is due (unix time), or None when nothing is left to report."""
        skipped, reported, due = await self._redis.hmget(self._key(chat_id),
                                                         ["skipped", "reported", "due"])
        if skipped is None or int(skipped) <= int(reported or 0) or due is None:
            return None
        return float(due)

    async def claim(self, chat_id: int) -> NoticeClaim | bool | None:
        """A claim to post; False while another front-end posts; None if all is reported."""
        token = secrets.token_hex(8)
        answer = await self._claim(keys=[self._key(chat_id), self._lock(chat_id)],
                                   args=[token, math.ceil(POST_LOCK_SECONDS * 1000)])
        if answer == 0:
            return False
        if not answer:
            return None
        count, notice, first = (part.decode() if isinstance(part, bytes) else str(part)
                                for part in answer)
        return NoticeClaim(token, int(count), int(notice) if notice else None, int(first))

    async def reported(self, chat_id: int, claim: NoticeClaim, notice_id: int | None) -> None:
        """The notice now shows `claim.count` (or was given up for it); the lock is freed."""
        await self._reported(keys=[self._key(chat_id), self._lock(chat_id)],
                             args=[claim.token, claim.count,
                                   "" if notice_id is None else notice_id])

    def _key(self, chat_id: int) -> str:
        return f"{self._prefix}{chat_id}"

    def _lock(self, chat_id: int) -> str:
        return f"{self._prefix}{chat_id}:lock"
