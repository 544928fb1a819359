"""Usage events and per-chat settings, as a mixin for `bot.store.Store`.

Privacy rule: a usage event records *that* something was broken down, never *what*. The
event type has no free-form field; every string in it is a short code checked against a
fixed set or a host-name pattern, so message or article text cannot end up in the table.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from bot.errors import OK, outcome_codes
from bot.urls import URLError, canonical_url

if TYPE_CHECKING:
    import aiosqlite

log = logging.getLogger(__name__)

CHAT_TYPES: Final = frozenset({"private", "group", "supergroup", "channel", "cli"})
# "inline": a link asked for in inline mode (@yourbot <link>), answered with a card.
INPUT_KINDS: Final = frozenset({"text", "link", "command", "inline"})
# Outcomes come from the error classes (bot/errors.py), so a failure the bot can report is
# always one the store accepts, and no code is listed that nothing produces.
OUTCOMES: Final = outcome_codes()
FAILURE_REASONS: Final = OUTCOMES - {OK}

STAGES: Final = ("fetch_ms", "analysis_ms", "render_ms", "send_ms")
# The columns an event fills, in the order of `event_row`: one list for every backend.
EVENT_COLUMNS: Final = ("at", "chat_id", "chat_type", "user_id", "input_kind", "domain",
                        "words", "latency_ms", "outcome", "cached", *STAGES)

# Host names, IPv4 and (bracket-less) IPv6 addresses: no spaces, no markup, ≤ 253 chars.
_DOMAIN = re.compile(r"[a-z0-9_.:-]{1,253}")

# Waits between attempts when the database stays locked past busy_timeout (another
# process holding the write lock for long: a backup, a checkpoint, a stuck script).
RETRY_DELAYS: tuple[float, ...] = (0.05, 0.1, 0.2, 0.4, 0.8)


def domain_of(url: str) -> str | None:
    """The host of `url` in the form usage events store ("www." dropped), or None."""
    try:
        host = canonical_url(url).domain
    except URLError:
        return None
    return host if _DOMAIN.fullmatch(host) else None


def _check_int(name: str, value: object, *, optional: bool, minimum: int | None = None) -> None:
    if value is None and optional:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"UsageEvent.{name} must be an int, not {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise ValueError(f"UsageEvent.{name} must be >= {minimum}")


@dataclass(frozen=True, slots=True, kw_only=True)
class UsageEvent:
    """One bot action. Construction validates every field (ValueError/TypeError)."""

    chat_id: int
    chat_type: str  # one of CHAT_TYPES
    input_kind: str  # one of INPUT_KINDS
    outcome: str  # "ok" or one of FAILURE_REASONS
    user_id: int | None = None
    domain: str | None = None  # the link's host (see domain_of), None for pasted text
    words: int | None = None  # size of the analysed text, not the text
    latency_ms: int | None = None
    cached: bool = False  # a link breakdown served from the cache
    # Where latency_ms went (None when a stage did not run): see handlers/reply_flow.py.
    fetch_ms: int | None = None
    analysis_ms: int | None = None
    render_ms: int | None = None
    send_ms: int | None = None
    at: float = field(default_factory=time.time)  # unix time (UTC)

    def __post_init__(self) -> None:
        if not isinstance(self.at, int | float) or isinstance(self.at, bool):
            raise TypeError("UsageEvent.at must be a unix time")
        _check_int("chat_id", self.chat_id, optional=False)
        _check_int("user_id", self.user_id, optional=True)
        _check_int("words", self.words, optional=True, minimum=0)
        for name in ("latency_ms", *STAGES):
            _check_int(name, getattr(self, name), optional=True, minimum=0)
        if self.chat_type not in CHAT_TYPES:
            raise ValueError(f"unknown chat_type {self.chat_type!r:.40}")
        if self.input_kind not in INPUT_KINDS:
            raise ValueError(f"unknown input_kind {self.input_kind!r:.40}")
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r:.40}")
        if self.domain is not None and not (isinstance(self.domain, str)
                                            and _DOMAIN.fullmatch(self.domain)):
            raise ValueError("domain must be a lower-case host name (use domain_of)")
        if not isinstance(self.cached, bool):
            raise TypeError("UsageEvent.cached must be a bool")

    @property
    def ok(self) -> bool:
        return self.outcome == OK


def event_row(event: UsageEvent) -> tuple[Any, ...]:
    """The values of `EVENT_COLUMNS` for one event."""
    return (event.at, event.chat_id, event.chat_type, event.user_id, event.input_kind,
            event.domain, event.words, event.latency_ms, event.outcome, int(event.cached),
            *(getattr(event, name) for name in STAGES))


class UsageMixin:
    """Store methods for usage events and chat settings; needs `self._db`."""

    _db: aiosqlite.Connection

    async def record_event(self, event: UsageEvent) -> None:
        """Insert one event and commit, retrying a few times while the database is locked.

        busy_timeout already waits for short locks; the retries cover a lock held longer
        than that. Raises the last OperationalError when every attempt fails.
        """
        row = event_row(event)
        for attempt, delay in enumerate((*RETRY_DELAYS, None), start=1):
            try:
                await self._db.execute(
                    f"INSERT INTO usage_events ({', '.join(EVENT_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})", row)
                await self._db.commit()
                return
            except sqlite3.OperationalError as error:
                # A locked INSERT wrote nothing; rolling back ends the implicit
                # transaction so the next attempt starts clean.
                if self._db.in_transaction:
                    await self._db.rollback()
                if "locked" not in str(error) or delay is None:
                    raise
                log.info("usage event: database is locked (attempt %d), retrying", attempt)
                await asyncio.sleep(delay)

    async def read_rows(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = (),
                        ) -> list[tuple[Any, ...]]:
        """Rows of a read-only query; for reports (bot/stats.py) that aggregate in SQL."""
        async with self._db.execute(sql, params) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]

    # --- chat settings ----------------------------------------------------------------
    # updated_at is when someone last changed the settings; 0 marks a row that only
    # claim_auto_slot created, so migrate_chat knows it holds no real choice.

    async def set_auto_breakdown(self, chat_id: int, on: bool, *,
                                 now: float | None = None) -> None:
        now = time.time() if now is None else now
        await self._db.execute(
            "INSERT INTO chat_settings (chat_id, auto_breakdown, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET auto_breakdown = excluded.auto_breakdown, "
            "updated_at = excluded.updated_at", (chat_id, int(on), now))
        await self._db.commit()

    async def auto_breakdown(self, chat_id: int) -> bool:
        """Whether the chat asked for automatic breakdowns (off unless set)."""
        async with self._db.execute(
            "SELECT auto_breakdown FROM chat_settings WHERE chat_id = ?", (chat_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return bool(row and row[0])

    async def claim_auto_slot(self, chat_id: int, now: float, cooldown: float) -> bool:
        """True, and `now` becomes the chat's last automatic breakdown, if `cooldown`
        seconds have passed since the previous one. One statement, so two handlers (or
        two processes) cannot both win. A last time in the future (the clock went back)
        counts as passed, so a clock step cannot silence a chat."""
        cursor = await self._db.execute(
            "INSERT INTO chat_settings (chat_id, auto_breakdown, last_auto_at, updated_at) "
            "VALUES (?, 0, ?, 0) "
            "ON CONFLICT (chat_id) DO UPDATE SET last_auto_at = excluded.last_auto_at "
            "WHERE last_auto_at IS NULL OR last_auto_at <= ? OR last_auto_at > ?",
            (chat_id, now, now - cooldown, now))
        await self._db.commit()
        return cursor.rowcount == 1

    async def last_auto_breakdown_at(self, chat_id: int) -> float | None:
        """When the chat's current cooldown window opened (its last automatic breakdown);
        the window's skipped links are counted under this time (handlers/skipped_links.py)."""
        async with self._db.execute(
            "SELECT last_auto_at FROM chat_settings WHERE chat_id = ?", (chat_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None or row[0] is None else float(row[0])

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup (Telegram's migrate_to_chat_id): move its settings
        and its usage history to the new id, in one transaction.

        If the new id already has settings, the more recently *changed* choice wins and
        the later cooldown time is kept. Old events are re-labelled with the new id so
        the chat counts once in "unique chats" and its history stays in one place; their
        chat_type stays "group", which is what the chat was at the time.
        """
        if old_id == new_id:
            return
        try:
            await self._db.execute(
                "INSERT INTO chat_settings (chat_id, auto_breakdown, last_auto_at, updated_at) "
                "SELECT ?, auto_breakdown, last_auto_at, updated_at FROM chat_settings "
                "WHERE chat_id = ? "
                "ON CONFLICT (chat_id) DO UPDATE SET "
                "auto_breakdown = CASE WHEN excluded.updated_at > chat_settings.updated_at "
                "THEN excluded.auto_breakdown ELSE chat_settings.auto_breakdown END, "
                "updated_at = max(excluded.updated_at, chat_settings.updated_at), "
                "last_auto_at = nullif(max(coalesce(excluded.last_auto_at, 0), "
                "coalesce(chat_settings.last_auto_at, 0)), 0)",
                (new_id, old_id))
            await self._db.execute("DELETE FROM chat_settings WHERE chat_id = ?", (old_id,))
            await self._db.execute("UPDATE usage_events SET chat_id = ? WHERE chat_id = ?",
                                   (new_id, old_id))
            await self._db.commit()
        except BaseException:
            await self._db.rollback()
            raise
