"""The SQLite store on real database files: migrations, WAL, the link cache."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.store import SQLiteStore
from bot.store.migrations import MIGRATIONS


async def test_new_database_is_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = await SQLiteStore.open(path)
    assert await store.schema_version() == len(MIGRATIONS)
    await store.close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
    assert "breakdown_cache" in tables


async def test_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    async with await SQLiteStore.open(path) as store:
        await store.cache_breakdown("https://example.com/a", {"n": 1}, now=100.0)
    async with await SQLiteStore.open(path) as store:
        assert await store.schema_version() == len(MIGRATIONS)
        assert await store.cached_breakdown("https://example.com/a", ttl=50, now=120.0) == (
            {"n": 1}, True)


async def test_cache_hit_for_the_same_page_under_another_spelling(tmp_path: Path) -> None:
    async with await SQLiteStore.open(tmp_path / "c.sqlite3") as store:
        await store.cache_breakdown("https://News.example/story?utm_source=x#top",
                                    {"title": "T"}, published_reliable=False, now=1000.0)
        hit = await store.cached_breakdown("https://news.example/story", ttl=3600, now=2000.0)
        assert hit == ({"title": "T"}, False)
        assert await store.cached_breakdown("https://news.example/other", ttl=3600,
                                            now=2000.0) is None


async def test_cache_expires_after_the_ttl(tmp_path: Path) -> None:
    async with await SQLiteStore.open(tmp_path / "c.sqlite3") as store:
        await store.cache_breakdown("https://example.com/a", {"n": 1}, now=1000.0)
        assert await store.cached_breakdown("https://example.com/a", ttl=100,
                                            now=1099.0) is not None
        assert await store.cached_breakdown("https://example.com/a", ttl=100,
                                            now=1101.0) is None
        assert await store.purge_cache(ttl=100, now=1101.0) == 1


async def test_newer_entry_replaces_the_old_one(tmp_path: Path) -> None:
    async with await SQLiteStore.open(tmp_path / "c.sqlite3") as store:
        await store.cache_breakdown("https://example.com/a", {"n": 1}, now=1000.0)
        await store.cache_breakdown("https://example.com/a?utm_campaign=z", {"n": 2},
                                    now=1500.0)
        assert await store.cached_breakdown("https://example.com/a", ttl=1000,
                                            now=1600.0) == ({"n": 2}, True)


async def test_expired_rows_are_purged_from_the_file(tmp_path: Path) -> None:
    from bot.store.links import TOKEN_DAYS

    path = tmp_path / "bot.sqlite3"
    day, now = 86_400.0, 100 * 86_400.0
    async with await SQLiteStore.open(path) as store:
        await store.cache_breakdown("https://example.com/old", {"n": 1}, now=now - 2 * day)
        await store.cache_breakdown("https://example.com/edge", {"n": 2}, now=now - day)
        await store.cache_breakdown("https://example.com/new", {"n": 3}, now=now - 60)
        await store.link_token("https://example.com/unused", now=now - (TOKEN_DAYS + 1) * day)
        await store.link_token("https://example.com/used", now=now - day)
        purged = await store.purge_expired(cache_ttl=day, now=now)
        assert (purged.cache_rows, purged.link_tokens) == (2, 1)
        assert (await store.purge_expired(cache_ttl=day, now=now)).cache_rows == 0
    with sqlite3.connect(path) as raw:  # deleted from the file, not only hidden
        assert raw.execute("SELECT url_key FROM breakdown_cache").fetchall() == [
            ("https://example.com/new",)]
        assert raw.execute("SELECT url FROM link_tokens").fetchall() == [
            ("https://example.com/used",)]


async def test_usage_events_past_their_retention_are_purged(tmp_path: Path) -> None:
    from bot.store import UsageEvent

    path = tmp_path / "bot.sqlite3"
    day, now = 86_400.0, 1000 * 86_400.0
    async with await SQLiteStore.open(path) as store:
        for age_days in (800, 731, 729, 1):
            await store.record_event(UsageEvent(at=now - age_days * day, chat_id=1,
                                                chat_type="private", user_id=1,
                                                input_kind="text", outcome="ok"))
        kept_all = await store.purge_expired(cache_ttl=day, usage_retention_days=0, now=now)
        assert kept_all.usage_events == 0  # 0 keeps every event
        purged = await store.purge_expired(cache_ttl=day, usage_retention_days=730, now=now)
        assert purged.usage_events == 2
    with sqlite3.connect(path) as raw:
        ages = sorted(round((now - at) / day) for (at,) in raw.execute(
            "SELECT at FROM usage_events"))
        assert ages == [1, 729]
