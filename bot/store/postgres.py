"""The PostgreSQL backend of the `Store` protocol (bot/store/protocol.py), for several
front-ends sharing one database: psycopg 3, async, with a connection pool. Chosen by
DATABASE_URL=postgresql://… (bot/store/opening.py).

The schema is migrated at open under a PostgreSQL advisory lock, so N front-ends starting
at once apply each migration exactly once; the others wait and find it done. Statements
that read and write together (the cooldown slot, moving a chat) are single statements or
transactions, so two processes cannot both win.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from bot.store.links import TOKEN_DAYS, token_for
from bot.store.pg_migrations import PG_MIGRATIONS
from bot.store.protocol import StoreBase
from bot.store.usage import EVENT_COLUMNS, UsageEvent, event_row
from bot.urls import cache_key

# Any fixed 64-bit number, the same in every process: the key of the migration lock.
MIGRATION_LOCK = 0x6272_6B64_6F77_6E00  # "brkdown\0"
POOL_MAX_SIZE = 10  # connections per process; the bot's handlers are short statements


def portable(sql: str) -> str:
    """SQL written with SQLite's `?` placeholders, in psycopg's `%s` style (a literal `%`
    doubled), so that the reports (bot/stats.py) run one text on both backends."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresStore(StoreBase):
    """A pool of connections to one database; open with `await PostgresStore.open(url)`."""

    day_sql = "CAST(floor(at / 86400) AS BIGINT)"

    def __init__(self, pool: AsyncConnectionPool[AsyncConnection[tuple[Any, ...]]]) -> None:
        self._pool = pool

    @classmethod
    async def open(cls, url: str, *, max_size: int = POOL_MAX_SIZE) -> PostgresStore:
        # autocommit: a single statement is its own transaction; the several-statement
        # operations open one explicitly. check: a connection is tried before it is lent
        # (one round trip), so after a database restart the pool replaces its dead
        # connections instead of failing one request per connection.
        pool: AsyncConnectionPool[AsyncConnection[tuple[Any, ...]]] = AsyncConnectionPool(
            url, min_size=1, max_size=max_size, kwargs={"autocommit": True},
            check=AsyncConnectionPool.check_connection, open=False)
        await pool.open(wait=True)
        store = cls(pool)
        try:
            await store._migrate()
        except BaseException:
            await pool.close()
            raise
        return store

    async def close(self) -> None:
        await self._pool.close()

    async def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(sql, params)
            return await cursor.fetchall()

    async def _change(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one writing statement; how many rows it changed."""
        async with self._pool.connection() as conn:
            cursor = await conn.execute(sql, params)
            return cursor.rowcount

    # --- schema -------------------------------------------------------------------------

    async def schema_version(self) -> int:
        rows = await self._rows("SELECT coalesce(max(version), 0) FROM schema_version")
        return int(rows[0][0])

    async def _migrate(self) -> None:
        async with self._pool.connection() as conn:
            # A session lock: held until unlocked, whatever the transactions do meanwhile.
            await conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
            try:
                await conn.execute("CREATE TABLE IF NOT EXISTS schema_version "
                                   "(version INTEGER NOT NULL)")
                cursor = await conn.execute("SELECT coalesce(max(version), 0) "
                                            "FROM schema_version")
                row = await cursor.fetchone()
                version = int(row[0]) if row else 0
                for number, script in enumerate(PG_MIGRATIONS[version:], start=version + 1):
                    async with conn.transaction():  # the version moves with its migration
                        await conn.execute(script)
                        await conn.execute("INSERT INTO schema_version VALUES (%s)",
                                           (number,))
            finally:
                await conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))

    # --- the link cache -----------------------------------------------------------------

    async def cached_breakdown(self, url: str, *, ttl: float, now: float | None = None,
                               ) -> tuple[dict[str, Any], bool] | None:
        now = time.time() if now is None else now
        rows = await self._rows(
            "SELECT breakdown_json, published_reliable FROM breakdown_cache "
            "WHERE url_key = %s AND created_at > %s", (cache_key(url), now - ttl))
        return (json.loads(rows[0][0]), bool(rows[0][1])) if rows else None

    async def cache_breakdown(self, url: str, breakdown: dict[str, Any], *,
                              published_reliable: bool = True,
                              now: float | None = None) -> None:
        now = time.time() if now is None else now
        await self._change(
            "INSERT INTO breakdown_cache VALUES (%s, %s, %s, %s) ON CONFLICT (url_key) DO "
            "UPDATE SET created_at = excluded.created_at, "
            "breakdown_json = excluded.breakdown_json, "
            "published_reliable = excluded.published_reliable",
            (cache_key(url), now, json.dumps(breakdown, ensure_ascii=False),
             int(published_reliable)))

    async def purge_cache(self, *, ttl: float, now: float | None = None) -> int:
        now = time.time() if now is None else now
        return await self._change("DELETE FROM breakdown_cache WHERE created_at <= %s",
                                  (now - ttl,))

    async def purge_usage_events(self, *, older_than_days: int, now: float) -> int:
        if older_than_days <= 0:
            return 0
        return await self._change("DELETE FROM usage_events WHERE at < %s",
                                  (now - older_than_days * 86_400,))

    # --- usage events -------------------------------------------------------------------

    async def record_event(self, event: UsageEvent) -> None:
        await self._change(
            f"INSERT INTO usage_events ({', '.join(EVENT_COLUMNS)}) "
            f"VALUES ({', '.join(['%s'] * len(EVENT_COLUMNS))})", event_row(event))

    async def read_rows(self, sql: str, params: Sequence[Any] = (),
                        ) -> list[tuple[Any, ...]]:
        """Rows of a read-only query written with `?` placeholders (see `portable`)."""
        return await self._rows(portable(sql), params)

    # --- chat settings (the same rules as bot/store/usage.py) ---------------------------

    async def set_auto_breakdown(self, chat_id: int, on: bool, *,
                                 now: float | None = None) -> None:
        now = time.time() if now is None else now
        await self._change(
            "INSERT INTO chat_settings (chat_id, auto_breakdown, updated_at) "
            "VALUES (%s, %s, %s) ON CONFLICT (chat_id) DO UPDATE SET "
            "auto_breakdown = excluded.auto_breakdown, updated_at = excluded.updated_at",
            (chat_id, int(on), now))

    async def auto_breakdown(self, chat_id: int) -> bool:
        rows = await self._rows("SELECT auto_breakdown FROM chat_settings WHERE chat_id = %s",
                                (chat_id,))
        return bool(rows and rows[0][0])

    async def claim_auto_slot(self, chat_id: int, now: float, cooldown: float) -> bool:
        # INSERT … ON CONFLICT DO UPDATE locks the row and re-checks the WHERE on its
        # latest version, so of two processes claiming at once exactly one changes it.
        changed = await self._change(
            "INSERT INTO chat_settings (chat_id, auto_breakdown, last_auto_at, updated_at) "
            "VALUES (%s, 0, %s, 0) "
            "ON CONFLICT (chat_id) DO UPDATE SET last_auto_at = excluded.last_auto_at "
            "WHERE chat_settings.last_auto_at IS NULL "
            "OR chat_settings.last_auto_at <= %s OR chat_settings.last_auto_at > %s",
            (chat_id, now, now - cooldown, now))
        return changed == 1

    async def last_auto_breakdown_at(self, chat_id: int) -> float | None:
        rows = await self._rows("SELECT last_auto_at FROM chat_settings WHERE chat_id = %s",
                                (chat_id,))
        return None if not rows or rows[0][0] is None else float(rows[0][0])

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        if old_id == new_id:
            return
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO chat_settings (chat_id, auto_breakdown, last_auto_at, "
                "updated_at) SELECT %s, auto_breakdown, last_auto_at, updated_at "
                "FROM chat_settings WHERE chat_id = %s "
                "ON CONFLICT (chat_id) DO UPDATE SET "
                "auto_breakdown = CASE WHEN excluded.updated_at > chat_settings.updated_at "
                "THEN excluded.auto_breakdown ELSE chat_settings.auto_breakdown END, "
                "updated_at = greatest(excluded.updated_at, chat_settings.updated_at), "
                "last_auto_at = nullif(greatest(coalesce(excluded.last_auto_at, 0), "
                "coalesce(chat_settings.last_auto_at, 0)), 0)",
                (new_id, old_id))
            await conn.execute("DELETE FROM chat_settings WHERE chat_id = %s", (old_id,))
            await conn.execute("UPDATE usage_events SET chat_id = %s WHERE chat_id = %s",
                               (new_id, old_id))

    # --- deep-link tokens ---------------------------------------------------------------

    async def link_token(self, url: str, *, now: float | None = None) -> str:
        now = time.time() if now is None else now
        token = token_for(url)
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO link_tokens (token, url, used_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (token) DO UPDATE SET used_at = excluded.used_at",
                (token, cache_key(url), now))
            await conn.execute("DELETE FROM link_tokens WHERE used_at < %s",
                               (now - TOKEN_DAYS * 86_400,))
        return token

    async def purge_link_tokens(self, *, now: float | None = None) -> int:
        now = time.time() if now is None else now
        return await self._change("DELETE FROM link_tokens WHERE used_at < %s",
                                  (now - TOKEN_DAYS * 86_400,))

    async def link_for_token(self, token: str, *, now: float | None = None) -> str | None:
        now = time.time() if now is None else now
        rows = await self._rows("SELECT url FROM link_tokens WHERE token = %s AND used_at >= %s",
                                (token, now - TOKEN_DAYS * 86_400))
        return str(rows[0][0]) if rows else None
