"""Open the store the settings choose: SQLite at DATABASE_PATH when DATABASE_URL is empty
(the default, as before), PostgreSQL at DATABASE_URL otherwise. psycopg is imported only
then, so the default mode does not need it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.store import SQLiteStore, Store

if TYPE_CHECKING:
    from bot.settings import Settings


async def open_store(settings: Settings) -> Store:
    if not settings.database_url:
        return await SQLiteStore.open(settings.database_path)
    try:
        from bot.store.postgres import PostgresStore  # the optional dependency
    except ImportError as error:
        raise ImportError(f"DATABASE_URL names PostgreSQL, which needs psycopg "
                          f"(pip install 'article-breakdown-bot[postgres]'): {error}") from error
    return await PostgresStore.open(settings.database_url)
