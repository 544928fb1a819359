"""Held pastes in Redis, shared by front-ends: the pieces of one paste may reach different
front-ends, and the front-end that holds a paste's quiet window may die during it.

Keys: `breakdown:paste:<chat>:<user>` holds one paste as JSON (its pieces, each with its
message's Bot API JSON for the reply, the deadline, the characters so far) and expires
`window + KEEP_SECONDS` after its last piece; `breakdown:paste-due` is a sorted set of the
held pastes by deadline. Text stays in Redis only while its paste waits.

- Adding a piece is one WATCH/MULTI transaction on the paste's key, retried when another
  front-end changed the key meanwhile; the rule is `bot.paste.take_piece`, as in memory.
- Completing a paste is one Lua script: whoever removes it from the due set gets it, so a
  paste is answered exactly once: by a front-end whose wake-up (`quiet`) found the window
  over, the one whose piece or link ended the paste, or, when those died, any front-end's
  periodic sweep (`overdue`), once the deadline has passed by `SWEEP_GRACE` seconds.

Times are wall-clock (`time.time`): pieces that reached different machines are compared,
and monotonic clocks differ between machines.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import WatchError

from bot.paste import MessageData, Paste, PasteKey, Piece, Step, take_piece
from bot.redis_state.errors import UNREACHABLE_ERRORS

log = logging.getLogger(__name__)

KEEP_SECONDS = 60.0  # a paste's key outlives its window by this much, then expires
SWEEP_GRACE = 1.0  # a sweep takes pastes this long past their deadline: their waker is gone
SWEEP_BATCH = 100  # pastes one sweep takes at most
_EVERY_DEADLINE = repr(1e300)  # a cutoff past any deadline: take the paste now

# KEYS[1]: the due set; KEYS[2]: the paste; ARGV[1]: its member in the set; ARGV[2]: the
# latest deadline to take. Returns {"gone"} (answered elsewhere, or expired), {"wait",
# deadline} or {"taken", paste}: the check and the removal in one step.
_TAKE = """
local deadline = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not deadline then
  return {'gone'}
end
if tonumber(deadline) > tonumber(ARGV[2]) then
  return {'wait', deadline}
end
redis.call('ZREM', KEYS[1], ARGV[1])
local paste = redis.call('GET', KEYS[2])
if not paste then
  return {'gone'}
end
redis.call('DEL', KEYS[2])
return {'taken', paste}
"""


class RedisPasteAssembler:
    """`bot.paste.Pastes` in Redis; a reply target is a message's Bot API JSON."""

    def __init__(self, redis: Redis, *, window: float, max_pending: int = 1000,
                 max_chars: int = 100_000, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
                 prefix: str = "breakdown:paste:", sweep_grace: float = SWEEP_GRACE) -> None:
        self._window, self.max_pending, self.max_chars = window, max_pending, max_chars
        self._clock, self._sleep, self.sweep_grace = clock, sleep, sweep_grace
        self._redis, self._prefix, self._due = redis, prefix, f"{prefix.rstrip(':')}-due"
        self._ttl_ms = math.ceil((window + KEEP_SECONDS) * 1000)
        self._take_script = redis.register_script(_TAKE)

    @property
    def window(self) -> float:
        return self._window

    def clock(self) -> float:
        return self._clock()

    async def add(self, key: PasteKey, piece: Piece[MessageData]) -> Step[MessageData]:
        """`started` after every piece the paste is held for: the front-end that started
        it may be gone, and whichever wake-up comes first takes the paste."""
        member = _member(key)
        name = self._prefix + member
        async with self._redis.pipeline(transaction=True) as transaction:
            while True:
                try:
                    await transaction.watch(name)
                    stored = await transaction.get(name)
                    held = None if stored is None else decode_paste(_text(stored))
                    taken = take_piece(held, piece, window=self._window,
                                       max_chars=self.max_chars)
                    transaction.multi()
                    if taken.waiting is None:
                        transaction.delete(name)
                        transaction.zrem(self._due, member)
                    else:
                        transaction.set(name, encode_paste(taken.waiting), px=self._ttl_ms)
                        transaction.zadd(self._due, {member: taken.waiting.deadline})
                        transaction.pexpire(self._due, self._ttl_ms)
                    await transaction.execute()
                    break
                except WatchError:  # another front-end changed this paste: read it again
                    continue
        ready = taken.ready
        if taken.started:
            ready.extend(await self._take_oldest_beyond_bound())
        return Step(ready, started=taken.waiting is not None)

    async def interrupt(self, key: PasteKey) -> list[Paste[MessageData]]:
        paste = await self._take_paste(_member(key), _EVERY_DEADLINE)
        return [] if paste is None else [paste]

    async def quiet(self, key: PasteKey) -> Paste[MessageData] | None:
        member = _member(key)
        while True:
            status, value = await self._take(member, repr(self.clock()))
            if status == "taken":
                return decode_paste(value)
            if status == "gone":
                return None
            await self._sleep(max(0.0, float(value) - self.clock()))  # the window grew

    async def overdue(self) -> list[Paste[MessageData]]:
        """Pastes whose deadline passed `sweep_grace` seconds ago. Redis being unreachable
        is logged, not raised: the sweep runs every second, and its pastes stay for the
        next one that reaches Redis (requests meanwhile fail loudly anyway)."""
        cutoff = repr(self.clock() - self.sweep_grace)
        taken: list[Paste[MessageData]] = []
        try:
            members: list[Any] = await self._redis.zrangebyscore(self._due, "-inf", cutoff,
                                                                 start=0, num=SWEEP_BATCH)
            for member in members:  # what was taken is answered whatever follows
                if (paste := await self._take_paste(_text(member), cutoff)) is not None:
                    taken.append(paste)
        except UNREACHABLE_ERRORS as error:
            log.warning("held pastes not swept: Redis unreachable (%s)", type(error).__name__)
        return taken

    async def _take_oldest_beyond_bound(self) -> list[Paste[MessageData]]:
        """Memory is bounded: past `max_pending` held pastes, the oldest are answered."""
        excess = await self._redis.zcard(self._due) - self.max_pending
        if excess <= 0:
            return []
        members: list[Any] = await self._redis.zrange(self._due, 0, excess - 1)
        oldest = [await self._take_paste(_text(member), _EVERY_DEADLINE) for member in members]
        return [paste for paste in oldest if paste is not None]

    async def _take_paste(self, member: str, cutoff: str) -> Paste[MessageData] | None:
        status, value = await self._take(member, cutoff)
        return decode_paste(value) if status == "taken" else None

    async def _take(self, member: str, cutoff: str) -> tuple[str, str]:
        """("gone", ""), ("wait", the deadline) or ("taken", the paste's JSON)."""
        reply = await self._take_script(keys=[self._due, self._prefix + member],
                                        args=[member, cutoff])
        return _text(reply[0]), _text(reply[1]) if len(reply) > 1 else ""


def _text(value: str | bytes) -> str:
    """Redis's answer as text, whether or not the client decodes answers."""
    return value if isinstance(value, str) else value.decode()


def _member(key: PasteKey) -> str:
    chat, user = key
    return f"{chat}:{user}"


def encode_paste(paste: Paste[MessageData]) -> str:
    return json.dumps({
        "deadline": paste.deadline, "chars": paste.chars,
        "pieces": [{"text": piece.text, "message_id": piece.message_id, "at": piece.at,
                    "origin": _listed(piece.origin), "links": list(piece.links),
                    "message": piece.message} for piece in paste.pieces],
    }, ensure_ascii=False)


def decode_paste(stored: str) -> Paste[MessageData]:
    data = json.loads(stored)
    pieces = [Piece(text=piece["text"], message_id=piece["message_id"], at=piece["at"],
                    origin=_tupled(piece["origin"]), links=tuple(piece["links"]),
                    message=piece["message"]) for piece in data["pieces"]]
    return Paste(pieces, deadline=data["deadline"], chars=data["chars"])


def _listed(origin: object) -> object:
    """An origin tuple as JSON (a list); `_tupled` makes it equal to the original again."""
    return [_listed(part) for part in origin] if isinstance(origin, tuple) else origin


def _tupled(origin: object) -> Any:
    return tuple(_tupled(part) for part in origin) if isinstance(origin, list) else origin
