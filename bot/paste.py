"""One paste, one breakdown: joining the pieces a Telegram client cut a long text into.

How clients cut (read from their sources): a message holds at most 4,096 UTF-16 code
units, and a longer text is sent as several messages, one right after the other.

- Telegram Desktop (``TextUtilities::CutPart``) looks at every position past half the
  limit and cuts at the best break it saw before the limit, latest first within a level:
  a blank line, a line break, a space after a sentence end, after a comma or colon, any
  space, then anywhere. The break's whitespace is dropped (the server trims messages).
- Telegram Android (``processSendingText``) looks back at most 300 units from the limit
  for a blank line, a line break, ". ", then any whitespace, drops that character, and
  otherwise cuts hard at exactly 4,096 units, in the middle of a word or a link.
- Telegram iOS (``breakChatInputText``) cuts after the last line break or full stop before
  the limit, else hard at the limit.

So every piece but the last is between 2,048 and 4,096 units, and nearly always above
3,000: Android's is at least 3,796 (before trimming), iOS's ends at the last full stop, a
sentence from the limit, and Desktop's falls short of 3,072 only when the text has no line
break in its last 1,024 units (a paragraph that long is rare in news). The last piece can
have any length, and nothing marks it as the last. `NEAR_LIMIT` is 3,072 rather than
2,048 because every message that long waits for the quiet window before its answer: a
300-to-500-word article pasted whole would wait too, for a Desktop edge case.

The rule, then, for messages from one user in one chat:

- A piece *near the limit* (`NEAR_LIMIT` to `LIMIT` units) may be followed by more, so
  it is held for a quiet window (``PASTE_WAIT_SECONDS``); text arriving within the window
  joins it, and a piece that is not near the limit ends the paste at once. A message
  longer than the limit cannot be a client's piece and is never held.
- Forwarded posts are held the same way (an author who ran out of room continues in the
  next post; a forwarded batch arrives at once): posts from the same origin that arrive
  within the window join, whatever their length.
- Anything else ends a held paste, which is answered at once, and is answered on its own:
  a forward from another origin, typed text after a forward, a request for links (the
  handler's call, `PasteAssembler.interrupt`), or text that comes after the window.
  Commands do not touch a held paste: /help answers at once and the paste keeps waiting.

Pieces are put back in message order (an edited one counts once) and joined with what the
cut most likely removed: nothing after a hard cut (exactly `LIMIT` units: a word was cut in
two, unless the cut fell on a space by chance), a blank line after a sentence end, else a
space (a cut at a word boundary inside a paragraph).

Memory is bounded: a paste is answered once it holds ``max_chars`` (the bot reads no
more anyway) and when more than ``max_pending`` pastes wait, the oldest is answered early.

Where pastes wait: `take_piece` is the rule for one key, applied by `PasteAssembler` in
this process (`LocalPastes` puts it behind the async `Pastes` interface) and by
`bot.redis_state.RedisPasteAssembler` in Redis, where N front-ends share the pastes.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Generic, Protocol, TypeVar

LIMIT = 4096  # UTF-16 code units in one Telegram message
NEAR_LIMIT = 3072  # a piece this long may be followed by more: see the docstring

M = TypeVar("M")  # what a piece's reply goes to (a telegram.Message's JSON in the bot)
PasteKey = tuple[int, int]  # whose paste: (chat, user)
# What the bot's pieces reply to: the message as Bot API JSON (telegram.Message.to_dict()),
# which any front-end can store and turn back into a message.
MessageData = dict[str, Any]
# A sentence end, possibly inside closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*\s*\Z")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def near_limit(text: str) -> bool:
    """Long enough to be a piece of a longer text that a client cut (and not longer)."""
    return NEAR_LIMIT <= utf16_length(text) <= LIMIT


@dataclass(frozen=True, slots=True)
class Piece(Generic[M]):
    """One message that may be part of a paste."""

    text: str
    message_id: int  # the chat's order: pieces are joined in it
    at: float  # when it arrived, on the assembler's clock
    origin: Hashable | None = None  # who a forwarded post came from; None when typed
    links: tuple[str, ...] = ()  # links Telegram marked in it (url and text_link entities)
    message: M | None = None


def expects_more(piece: Piece[M]) -> bool:
    """Whether to wait for another piece after this one."""
    return piece.origin is not None or near_limit(piece.text)


def continues(last: Piece[M], piece: Piece[M], *, window: float) -> bool:
    """Whether `piece` is the next part of the paste whose latest piece is `last`."""
    return (piece.at - last.at <= window and piece.origin == last.origin
            and expects_more(last))


def separator(before: str) -> str:
    """What to put between a piece and the next one (see the docstring)."""
    if utf16_length(before) == LIMIT:
        return ""
    return "\n\n" if _SENTENCE_END.search(before) else " "


def in_order(pieces: list[Piece[M]]) -> list[Piece[M]]:
    """In message order; an edited message counts once, as it reads now."""
    latest = {piece.message_id: piece for piece in pieces}
    return [latest[message_id] for message_id in sorted(latest)]


def join(pieces: list[Piece[M]]) -> str:
    ordered = in_order(pieces)
    text = ordered[0].text.strip()
    for before, piece in pairwise(ordered):
        text += separator(before.text) + piece.text.strip()
    return text


@dataclass(slots=True)
class Paste(Generic[M]):
    """Pieces joined so far; `deadline` is when the quiet window after the last one ends."""

    pieces: list[Piece[M]]
    deadline: float
    chars: int = field(default=0)

    @property
    def text(self) -> str:
        return join(self.pieces)

    @property
    def first(self) -> Piece[M]:
        return in_order(self.pieces)[0]

    @property
    def links(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(link for piece in in_order(self.pieces)
                                   for link in piece.links))


@dataclass(frozen=True, slots=True)
class Step(Generic[M]):
    """What adding a piece did: pastes to answer now (oldest first), and whether the caller
    runs `quiet` for the key: in memory when a new paste started waiting; in Redis after
    every piece held (see `RedisPasteAssembler.add`)."""

    ready: list[Paste[M]]
    started: bool = False


@dataclass(frozen=True, slots=True)
class Taken(Generic[M]):
    """What a piece does to the paste held before it: pastes complete now (oldest first),
    the paste held after it (None: nothing waits), and whether that one is new."""

    ready: list[Paste[M]]
    waiting: Paste[M] | None
    started: bool


def take_piece(held: Paste[M] | None, piece: Piece[M], *, window: float,
               max_chars: int) -> Taken[M]:
    """The joining rule for one key, wherever its paste is kept (this process or Redis).
    A continued `held` is extended in place."""
    ready: list[Paste[M]] = []
    if held is not None and continues(held.pieces[-1], piece, window=window):
        paste = held
        paste.pieces.append(piece)
        paste.chars += len(piece.text)
    else:
        if held is not None:
            ready.append(held)
        paste = Paste([piece], deadline=0.0, chars=len(piece.text))
    if not expects_more(piece) or paste.chars >= max_chars:
        return Taken([*ready, paste], waiting=None, started=False)
    paste.deadline = piece.at + window
    return Taken(ready, waiting=paste, started=paste is not held)


class PasteAssembler(Generic[M]):
    """Held pastes per key (chat, user). Not thread-safe: one event loop uses it."""

    def __init__(self, *, window: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
                 max_pending: int = 1000, max_chars: int = 100_000) -> None:
        self.window, self.max_pending, self.max_chars = window, max_pending, max_chars
        self.clock, self._sleep = clock, sleep
        self._pending: OrderedDict[Hashable, Paste[M]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, key: Hashable, piece: Piece[M]) -> Step[M]:
        held = self._pending.get(key)
        taken = take_piece(held, piece, window=self.window, max_chars=self.max_chars)
        ready = taken.ready
        if taken.waiting is None:
            self._pending.pop(key, None)
        elif taken.started:
            self._pending.pop(key, None)  # a new paste queues last: the oldest go first
            self._pending[key] = taken.waiting
            while len(self._pending) > self.max_pending:
                ready.append(self._pending.popitem(last=False)[1])
        return Step(ready, started=taken.started)

    def interrupt(self, key: Hashable) -> list[Paste[M]]:
        """A new request from this key: its held paste, if any, is complete."""
        held = self._pending.pop(key, None)
        return [] if held is None else [held]

    async def quiet(self, key: Hashable) -> Paste[M] | None:
        """Wait out the quiet window of the paste held for `key`, then hand it over; None
        when it was completed another way meanwhile (and so answered elsewhere)."""
        paste = self._pending.get(key)
        while paste is not None and self._pending.get(key) is paste:
            left = paste.deadline - self.clock()
            if left <= 0:
                return self._pending.pop(key)
            await self._sleep(left)
        return None


class Pastes(Protocol[M]):
    """Held pastes, in this process (`LocalPastes`) or shared by front-ends in Redis
    (`bot.redis_state.RedisPasteAssembler`); both apply `take_piece`. When `add` says
    `started`, the caller runs `quiet` for the key; `overdue` is for a periodic sweep."""

    @property
    def window(self) -> float: ...

    def clock(self) -> float:
        """What a piece's `at` is read from."""
        ...

    async def add(self, key: PasteKey, piece: Piece[M]) -> Step[M]: ...

    async def interrupt(self, key: PasteKey) -> list[Paste[M]]:
        """A new request from this key: its held paste, if any, is complete."""
        ...

    async def quiet(self, key: PasteKey) -> Paste[M] | None:
        """The paste held for `key` once its quiet window has passed; None when another
        step or front-end completed it (and so answers it)."""
        ...

    async def overdue(self) -> list[Paste[M]]:
        """Pastes whose window passed a while ago and whose `quiet` never ran: their
        front-end died."""
        ...


class LocalPastes(Generic[M]):
    """`Pastes` in this process: a `PasteAssembler` behind the async interface."""

    def __init__(self, assembler: PasteAssembler[M]) -> None:
        self.assembler = assembler

    @property
    def window(self) -> float:
        return self.assembler.window

    def clock(self) -> float:
        return self.assembler.clock()

    def __len__(self) -> int:
        return len(self.assembler)

    async def add(self, key: PasteKey, piece: Piece[M]) -> Step[M]:
        return self.assembler.add(key, piece)

    async def interrupt(self, key: PasteKey) -> list[Paste[M]]:
        return self.assembler.interrupt(key)

    async def quiet(self, key: PasteKey) -> Paste[M] | None:
        return await self.assembler.quiet(key)

    async def overdue(self) -> list[Paste[M]]:
        return []  # every held paste has its `quiet` task in this very process
