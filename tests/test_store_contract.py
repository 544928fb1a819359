"""One suite of store behaviour, run against every backend of the `Store` protocol: SQLite
(a file in a temporary directory) and PostgreSQL (a real server, tests/pg_server.py, so
those runs are marked slow). Plus what only PostgreSQL needs: front-ends starting at once
migrate the schema once, and cooldown claims from several processes' pools are atomic.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError
from bot.stats import compute_stats
from bot.store import SQLiteStore, Store, UsageEvent
from bot.store.links import TOKEN_DAYS
from bot.store.migrations import MIGRATIONS
from bot.store.opening import open_store
from bot.store.pg_migrations import PG_MIGRATIONS
from tests.test_usage_stats import EVENTS, NOW, check_stats_of_events, ev

DAY = 86_400
Opener = Callable[[], Awaitable[Store]]

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.slow)]


@pytest.fixture(params=BACKENDS)
def open_one(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    """Opens another store on one database (several: as several processes would)."""
    if request.param == "sqlite":
        settings = Settings(database_path=str(tmp_path / "bot.sqlite3"))
    else:
        settings = Settings(database_url=request.getfixturevalue("postgres_url"))
    return lambda: open_store(settings)


@pytest.fixture
async def store(open_one: Opener) -> AsyncIterator[Store]:
    opened = await open_one()
    yield opened
    await opened.close()


def test_both_backends_have_every_migration() -> None:
    assert len(PG_MIGRATIONS) == len(MIGRATIONS)


async def test_schema_is_at_the_last_migration_and_reopening_keeps_it(
        store: Store, open_one: Opener) -> None:
    assert await store.schema_version() == len(MIGRATIONS)
    await store.cache_breakdown("https://example.com/a", {"title": "kept"}, now=100.0)
    again = await open_one()
    try:
        assert await again.schema_version() == len(MIGRATIONS)
        assert await again.cached_breakdown("https://example.com/a", ttl=50, now=120.0) == (
            {"title": "kept"}, True)
    finally:
        await again.close()


# --- the link cache ------------------------------------------------------------------------

async def test_cache_put_get_ttl_and_replace(store: Store) -> None:
    url = "https://Example.com/a?utm_source=x#top"
    assert await store.cached_breakdown(url, ttl=50, now=100.0) is None
    breakdown = {"title": "Ünïcode “quotes”", "n": [1, 2]}
    await store.cache_breakdown(url, breakdown, published_reliable=False, now=100.0)
    # Another spelling of the same page finds it.
    assert await store.cached_breakdown("https://example.com/a", ttl=50, now=149.0) == (
        breakdown, False)
    assert await store.cached_breakdown(url, ttl=50, now=150.0) is None  # expired
    await store.cache_breakdown(url, {"title": "new"}, now=200.0)  # replaces
    assert await store.cached_breakdown(url, ttl=50, now=201.0) == ({"title": "new"}, True)


async def test_purges_count_what_they_delete(store: Store) -> None:
    await store.cache_breakdown("https://example.com/old", {}, now=0.0)
    await store.cache_breakdown("https://example.com/new", {}, now=DAY)
    await store.link_token("https://example.com/t", now=0.0)
    await store.record_event(ev(40, 0, "ok", "text", 1, "private", 1))
    await store.record_event(ev(0, 0, "ok", "text", 1, "private", 1))
    purged = await store.purge_expired(cache_ttl=DAY / 2, usage_retention_days=30,
                                       now=(TOKEN_DAYS + 1) * DAY)
    assert (purged.cache_rows, purged.link_tokens) == (2, 1)
    purged = await store.purge_expired(cache_ttl=DAY, usage_retention_days=30, now=NOW)
    assert (purged.cache_rows, purged.link_tokens, purged.usage_events) == (0, 0, 1)
    assert await store.read_rows("SELECT count(*) FROM usage_events") == [(1,)]
    assert await store.purge_usage_events(older_than_days=0, now=NOW * 2) == 0  # keep all


# --- usage events and the statistics -----------------------------------------------------

async def test_stats_of_recorded_events(store: Store) -> None:
    for event in EVENTS:
        await store.record_event(event)
    check_stats_of_events(await compute_stats(store, now=NOW, top=2))


async def test_a_day_ends_at_midnight_utc_to_the_last_fraction_of_a_second(
        store: Store) -> None:
    # 23:59:59.7 belongs to its own day: a dialect that rounds instead of truncating
    # would count it tomorrow.
    today = dt.datetime(2024, 5, 20, tzinfo=dt.UTC).timestamp()
    await store.record_event(UsageEvent(at=today - 0.3, chat_id=1, chat_type="private",
                                        input_kind="text", outcome="ok", latency_ms=5))
    stats = await compute_stats(store, now=today + 3600)
    assert [d.breakdowns for d in stats.daily[-2:]] == [1, 0]
    assert stats.daily[-2].median_ms == 5
    assert stats.breakdowns_today == 0


async def test_events_keep_every_field(store: Store) -> None:
    event = UsageEvent(at=123.5, chat_id=-1_001_234_567_890, chat_type="supergroup",
                       user_id=2**40, input_kind="link", domain="news.example",
                       words=812, latency_ms=950, outcome="ok", cached=True, fetch_ms=100,
                       analysis_ms=700, render_ms=20, send_ms=130)
    await store.record_event(event)
    rows = await store.read_rows(
        "SELECT at, chat_id, chat_type, user_id, input_kind, domain, words, latency_ms, "
        "outcome, cached, fetch_ms, analysis_ms, render_ms, send_ms FROM usage_events "
        "WHERE chat_id = ?", (event.chat_id,))
    assert rows == [(123.5, -1_001_234_567_890, "supergroup", 2**40, "link", "news.example",
                     812, 950, "ok", 1, 100, 700, 20, 130)]


# --- chat settings ----------------------------------------------------------------------

async def test_auto_setting_and_cooldown_claims(store: Store) -> None:
    assert await store.auto_breakdown(-100) is False
    await store.set_auto_breakdown(-100, True)
    assert await store.auto_breakdown(-100) is True
    await store.set_auto_breakdown(-100, False)
    assert await store.auto_breakdown(-100) is False
    assert await store.last_auto_breakdown_at(-100) is None
    assert await store.claim_auto_slot(-100, 1000.0, 30) is True
    assert await store.claim_auto_slot(-100, 1029.0, 30) is False
    assert await store.last_auto_breakdown_at(-100) == 1000.0
    assert await store.claim_auto_slot(-100, 1030.0, 30) is True
    assert await store.claim_auto_slot(-100, 500.0, 30) is True  # the clock went back
    assert await store.auto_breakdown(-100) is False  # claiming never turns it on
    assert await store.claim_auto_slot(-5, 1.0, 30) is True  # no settings row yet


async def test_only_one_claim_wins_across_processes(open_one: Opener) -> None:
    # Each store is what one process would hold: its own connection or pool.
    stores = [await open_one() for _ in range(3)]
    try:
        for round_at in (100.0, 200.0, 300.0):
            results = await asyncio.gather(*(store.claim_auto_slot(-1, round_at, 30)
                                             for store in stores * 8))
            assert sorted(results) == [False] * 23 + [True]
    finally:
        for store in stores:
            await store.close()


async def test_migrate_chat_carries_settings_and_history(store: Store) -> None:
    await store.set_auto_breakdown(-100, True, now=10.0)
    assert await store.claim_auto_slot(-100, 1000.0, 30)
    await store.record_event(ev(0, 1, "ok", "text", -100, "group", 1))
    await store.claim_auto_slot(-1_000_100, 900.0, 30)  # a claim-only row under the new id
    await store.migrate_chat(-100, -1_000_100)
    assert await store.auto_breakdown(-1_000_100) is True
    assert await store.auto_breakdown(-100) is False
    assert await store.claim_auto_slot(-1_000_100, 1010.0, 30) is False  # cooldown kept
    assert await store.read_rows("SELECT chat_id, chat_type FROM usage_events") == [
        (-1_000_100, "group")]
    assert await store.read_rows("SELECT count(*) FROM chat_settings WHERE chat_id = ?",
                                 (-100,)) == [(0,)]
    # A choice made under the new id after the old one stays.
    await store.set_auto_breakdown(-7, True, now=10.0)
    await store.set_auto_breakdown(-1_000_007, False, now=20.0)
    await store.migrate_chat(-7, -1_000_007)
    assert await store.auto_breakdown(-1_000_007) is False
    await store.migrate_chat(-1_000_007, -1_000_007)  # same id: nothing happens
    assert await store.auto_breakdown(-1_000_007) is False


# --- deep-link tokens --------------------------------------------------------------------

async def test_link_tokens_give_the_link_back_until_forgotten(store: Store) -> None:
    token = await store.link_token("https://News.example/a?utm_source=tg", now=0.0)
    assert await store.link_for_token(token, now=1.0) == "https://news.example/a"
    assert await store.link_token("https://news.example/a", now=20 * DAY) == token
    assert await store.link_for_token(token, now=(20 + TOKEN_DAYS - 1) * DAY)
    assert await store.link_for_token(token, now=(20 + TOKEN_DAYS + 1) * DAY) is None
    assert await store.link_for_token("unknown", now=1.0) is None
    await store.link_token("https://example.com/other", now=(20 + TOKEN_DAYS + 1) * DAY)
    assert await store.read_rows("SELECT count(*) FROM link_tokens") == [(1,)]


# --- choosing the backend ----------------------------------------------------------------

async def test_no_database_url_is_sqlite_at_database_path(tmp_path: Path) -> None:
    path = tmp_path / "here.sqlite3"
    store = await open_store(Settings(database_path=str(path)))
    try:
        assert isinstance(store, SQLiteStore) and path.is_file()
    finally:
        await store.close()


@pytest.mark.parametrize("url", ["mysql://bot:hunter2@db/bot", "sqlite:///x.db", "db.local"])
def test_a_database_url_that_is_not_postgresql_is_refused_by_name(url: str) -> None:
    with pytest.raises(SettingsError, match="DATABASE_URL") as error:
        Settings.from_env({"DATABASE_URL": url}, dotenv=Path("/nonexistent"))
    assert "hunter2" not in str(error.value)  # the URL may carry a password


def test_a_missing_postgresql_fails_saying_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tests import pg_server

    monkeypatch.setattr(pg_server, "_binary", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install .*postgresql"):
        pg_server._start(tmp_path)


# --- PostgreSQL only ---------------------------------------------------------------------

@pytest.mark.slow
async def test_front_ends_starting_at_once_migrate_once(postgres_url: str) -> None:
    from bot.store.postgres import PostgresStore

    stores = await asyncio.gather(*(PostgresStore.open(postgres_url, max_size=2)
                                    for _ in range(6)))
    try:
        for store in stores:
            assert await store.schema_version() == len(PG_MIGRATIONS)
        rows = await stores[0].read_rows("SELECT version FROM schema_version ORDER BY 1")
        assert rows == [(n,) for n in range(1, len(PG_MIGRATIONS) + 1)]  # each once
    finally:
        for store in stores:
            await store.close()


@pytest.mark.slow
async def test_postgresql_events_table_bounds_its_text_columns(postgres_url: str) -> None:
    import psycopg

    from bot.store.postgres import PostgresStore

    await (await PostgresStore.open(postgres_url)).close()  # only to migrate
    async with await psycopg.AsyncConnection.connect(postgres_url) as conn:
        with pytest.raises(psycopg.errors.CheckViolation):
            await conn.execute(
                "INSERT INTO usage_events (at, chat_id, chat_type, input_kind, outcome) "
                "VALUES (0, 1, 'private', 'text', %s)", ("a pasted article " * 10,))


@pytest.mark.slow
async def test_main_stats_reads_postgresql_when_database_url_is_set(
        postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from bot.stats import main_stats

    store = await open_store(Settings(database_url=postgres_url))
    try:
        for event in EVENTS:
            await store.record_event(event)
    finally:
        await store.close()
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "missing.sqlite3"))
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    assert await asyncio.to_thread(main_stats) == 0
    out = capsys.readouterr().out
    assert "example.com" in out and "blog.net" in out
    assert not (tmp_path / "missing.sqlite3").exists()  # SQLite was not touched


@pytest.mark.slow
async def test_the_store_outlives_a_postgresql_restart() -> None:
    from bot.store.postgres import PostgresStore
    from tests.pg_server import restart, running_postgres

    with running_postgres() as server:
        store = await PostgresStore.open(server.url(), max_size=2)
        try:
            await store.set_auto_breakdown(-1, True)
            restarted = await asyncio.to_thread(restart, server)
            assert restarted.pid != server.pid
            # The pool's connections died with the server: the next calls get new ones.
            for _ in range(4):
                assert await store.auto_breakdown(-1) is True
        finally:
            await store.close()
