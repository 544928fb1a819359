"""What the bot, the CLI and the statistics need from a store: the `Store` protocol that
the SQLite backend (bot/store/__init__.py) and the PostgreSQL backend
(bot/store/postgres.py) both satisfy. tests/test_store_contract.py runs one suite of
behaviour against both."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, Self

from bot.store.usage import UsageEvent


@dataclass(frozen=True, slots=True)
class Purged:
    """How many expired rows `Store.purge_expired` deleted, per table."""

    cache_rows: int
    link_tokens: int
    usage_events: int = 0


class Store(Protocol):
    """A store: the link cache, usage events, chat settings and deep-link tokens."""

    # The SQL expression for the UTC day number of `usage_events.at`, for reports that
    # group by day (bot/stats.py): the one piece of their SQL that differs by dialect.
    day_sql: str

    async def close(self) -> None: ...
    async def schema_version(self) -> int: ...

    async def cached_breakdown(self, url: str, *, ttl: float, now: float | None = None,
                               ) -> tuple[dict[str, Any], bool] | None: ...
    async def cache_breakdown(self, url: str, breakdown: dict[str, Any], *,
                              published_reliable: bool = True,
                              now: float | None = None) -> None: ...
    async def purge_cache(self, *, ttl: float, now: float | None = None) -> int: ...
    async def purge_link_tokens(self, *, now: float | None = None) -> int: ...
    async def purge_usage_events(self, *, older_than_days: int, now: float) -> int: ...
    async def purge_expired(self, *, cache_ttl: float, usage_retention_days: int = 0,
                            now: float | None = None) -> Purged: ...

    async def record_event(self, event: UsageEvent) -> None: ...
    # A read-only query with `?` placeholders: both backends take that form.
    async def read_rows(self, sql: str, params: Sequence[Any] = (),
                        ) -> list[tuple[Any, ...]]: ...

    async def set_auto_breakdown(self, chat_id: int, on: bool, *,
                                 now: float | None = None) -> None: ...
    async def auto_breakdown(self, chat_id: int) -> bool: ...
    async def claim_auto_slot(self, chat_id: int, now: float, cooldown: float) -> bool: ...
    async def last_auto_breakdown_at(self, chat_id: int) -> float | None: ...
    async def migrate_chat(self, old_id: int, new_id: int) -> None: ...

    async def link_token(self, url: str, *, now: float | None = None) -> str: ...
    async def link_for_token(self, token: str, *, now: float | None = None) -> str | None: ...


class StoreBase:
    """What both backends share: `async with` closes the store, and `purge_expired` is
    built from the three purges every backend has."""

    async def close(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def purge_cache(self, *, ttl: float, now: float | None = None) -> int:
        raise NotImplementedError

    async def purge_link_tokens(self, *, now: float | None = None) -> int:
        raise NotImplementedError

    async def purge_usage_events(self, *, older_than_days: int, now: float) -> int:
        raise NotImplementedError

    async def purge_expired(self, *, cache_ttl: float, usage_retention_days: int = 0,
                            now: float | None = None) -> Purged:
        """Delete every row past its lifetime: link-cache entries older than `cache_ttl`
        seconds, link tokens unused for `TOKEN_DAYS`, and usage events older than
        `usage_retention_days` (0 keeps them all). The bot runs it on a schedule."""
        now = time.time() if now is None else now
        return Purged(cache_rows=await self.purge_cache(ttl=cache_ttl, now=now),
                      link_tokens=await self.purge_link_tokens(now=now),
                      usage_events=await self.purge_usage_events(
                          older_than_days=usage_retention_days, now=now))
