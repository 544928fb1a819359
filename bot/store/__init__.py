"""Storage shared by the bot and the CLI: the link cache, usage events and chat settings
(bot/store/usage.py), deep-link tokens (bot/store/links.py), behind the `Store` protocol
(bot/store/protocol.py). This module is the SQLite backend, the default: WAL mode, so
readers never wait for the writer; schema migrations by number. `open_store`
(bot/store/opening.py) picks SQLite or PostgreSQL from the settings."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import aiosqlite

from bot.store.links import LinkTokenMixin
from bot.store.migrations import MIGRATIONS
from bot.store.protocol import Purged, Store, StoreBase
from bot.store.usage import UsageEvent, UsageMixin, domain_of
from bot.urls import cache_key

__all__ = ["Purged", "SQLiteStore", "Store", "UsageEvent", "domain_of"]


class SQLiteStore(UsageMixin, LinkTokenMixin, StoreBase):
    """One connection to the database file; open with `await SQLiteStore.open(path)`."""

    day_sql = "CAST(at / 86400 AS INTEGER)"  # `at` is never negative: truncation is floor

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection

    @classmethod
    async def open(cls, path: str | Path) -> SQLiteStore:
        connection = await aiosqlite.connect(str(path), timeout=10)
        await connection.execute("PRAGMA journal_mode=WAL")
        await connection.execute("PRAGMA busy_timeout=10000")
        await connection.execute("PRAGMA foreign_keys=ON")
        store = cls(connection)
        await store._migrate()
        return store

    async def close(self) -> None:
        await self._db.close()

    async def schema_version(self) -> int:
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        version = await self.schema_version()
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # executescript commits first; the version moves only with its migration.
            await self._db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version={number};\n"
                                         "COMMIT;")

    # --- the link cache ---------------------------------------------------------------

    async def cached_breakdown(self, url: str, *, ttl: float,
                               now: float | None = None) -> tuple[dict[str, Any], bool] | None:
        """(breakdown JSON, published_reliable) stored for this link within `ttl` seconds.

        The cache methods take a link that `bot.urls.canonical_url` accepts (URLError
        otherwise): callers check it first, as the fetcher would refuse it anyway."""
        now = time.time() if now is None else now
        async with self._db.execute(
            "SELECT breakdown_json, published_reliable FROM breakdown_cache "
            "WHERE url_key = ? AND created_at > ?", (cache_key(url), now - ttl),
        ) as cursor:
            row = await cursor.fetchone()
        return (json.loads(row[0]), bool(row[1])) if row else None

    async def cache_breakdown(self, url: str, breakdown: dict[str, Any], *,
                              published_reliable: bool = True,
                              now: float | None = None) -> None:
        now = time.time() if now is None else now
        await self._db.execute(
            "INSERT OR REPLACE INTO breakdown_cache VALUES (?, ?, ?, ?)",
            (cache_key(url), now, json.dumps(breakdown, ensure_ascii=False),
             int(published_reliable)),
        )
        await self._db.commit()

    async def purge_usage_events(self, *, older_than_days: int, now: float) -> int:
        """Delete usage events older than `older_than_days` (0: none); returns how many."""
        if older_than_days <= 0:
            return 0
        cursor = await self._db.execute("DELETE FROM usage_events WHERE at < ?",
                                        (now - older_than_days * 86_400,))
        await self._db.commit()
        return cursor.rowcount

    async def purge_cache(self, *, ttl: float, now: float | None = None) -> int:
        """Delete expired entries; returns how many."""
        now = time.time() if now is None else now
        cursor = await self._db.execute("DELETE FROM breakdown_cache WHERE created_at <= ?",
                                        (now - ttl,))
        await self._db.commit()
        return cursor.rowcount
