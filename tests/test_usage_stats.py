"""Usage events, chat settings and /stats on real SQLite files."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import math
import sqlite3
import struct
import threading
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.patches import Rectangle

from bot.stats import (
    DayCount,
    ReasonCount,
    Stats,
    compute_stats,
    main_stats,
    percentile,
    render_stats_html,
    render_stats_text,
)
from bot.stats_chart import chart_figure, render_chart_png
from bot.store import SQLiteStore, UsageEvent, domain_of
from bot.store import usage as usage_module
from bot.store.migrations import MIGRATIONS

DAY = 86_400
NOW = dt.datetime(2024, 5, 20, 15, 0, tzinfo=dt.UTC).timestamp()
TODAY = dt.datetime(2024, 5, 20, tzinfo=dt.UTC).timestamp()


def ev(days_ago: int, hour: float, outcome: str, kind: str, chat: int, chat_type: str,
       user: int | None, domain: str | None = None, latency: int | None = None,
       cached: bool = False) -> UsageEvent:
    return UsageEvent(at=TODAY - days_ago * DAY + hour * 3600, chat_id=chat,
                      chat_type=chat_type, user_id=user, input_kind=kind, domain=domain,
                      words=300 if outcome == "ok" else None, latency_ms=latency,
                      outcome=outcome, cached=cached)


# 17 events over 40 days; expected numbers are worked out by hand in the test below.
EVENTS = [
    ev(0, 9, "ok", "link", 1, "private", 1, "example.com", 1000),
    ev(0, 10, "ok", "link", 1, "private", 1, "example.com", 100, cached=True),
    ev(0, 11, "ok", "text", -100, "group", 1, None, 2000),
    ev(0, 12, "timeout", "link", -100, "group", 1, "news.org"),
    ev(1, 24 - 1 / 3600, "ok", "text", 1, "private", 1),  # 23:59:59 yesterday: not today
    ev(3, 8, "ok", "link", -200, "supergroup", 4, "news.org", 3000),
    ev(3, 9, "ok", "text", 5, "private", 5, None, 500),
    ev(3, 10, "rate_limited", "command", 5, "private", 5),
    ev(6, 1, "ok", "link", 6, "private", 6, "example.com", 4000, cached=True),
    ev(7, 23, "ok", "link", 7, "private", 7, "blog.net", 1500),  # outside 7 d
    ev(7, 23.5, "not_english", "text", 7, "private", 7),
    ev(29, 0, "ok", "text", -300, "group", 8, None, 2500),  # first second of the 30 d window
    ev(29, 1, "timeout", "link", -300, "group", 8, "slow.com"),
    ev(30, 23.99, "ok", "link", 9, "private", 9, "example.com", 9999),  # outside 30 d
    ev(30, 23.99, "http_error", "link", 9, "private", 9, "dead.com"),
    ev(39, 12, "ok", "text", 0, "cli", None, None, 700),
    ev(39, 13, "ok", "command", 10, "private", 10),  # e.g. /auto: not a breakdown
]


@pytest.fixture
async def store(tmp_path: Path):
    async with await SQLiteStore.open(tmp_path / "bot.sqlite3") as opened:
        yield opened


async def test_migrations_from_1_keep_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.executescript(MIGRATIONS[0])
        raw.execute("PRAGMA user_version=1")
        raw.execute("INSERT INTO breakdown_cache VALUES ('https://example.com/a', 100.0, "
                    "'{\"n\": 1}', 0)")
    raw.close()
    async with await SQLiteStore.open(path) as store:
        assert await store.schema_version() == 4 == len(MIGRATIONS)
        assert await store.cached_breakdown("https://example.com/a", ttl=50,
                                            now=120.0) == ({"n": 1}, False)
        await store.record_event(EVENTS[0])
        await store.set_auto_breakdown(-100, True)
    with sqlite3.connect(path) as raw:
        names = {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
        assert raw.execute("SELECT count(*) FROM usage_events").fetchone()[0] == 1
    raw.close()
    assert {"usage_events", "chat_settings", "usage_events_at",
            "usage_events_chat_at", "link_tokens"} <= names


async def test_events_table_cannot_hold_text(store: SQLiteStore) -> None:
    allowed = {("id", "INTEGER"), ("at", "REAL"), ("chat_id", "INTEGER"),
               ("chat_type", "TEXT"), ("user_id", "INTEGER"), ("input_kind", "TEXT"),
               ("domain", "TEXT"), ("words", "INTEGER"), ("latency_ms", "INTEGER"),
               ("outcome", "TEXT"), ("cached", "INTEGER"), ("fetch_ms", "INTEGER"),
               ("analysis_ms", "INTEGER"), ("render_ms", "INTEGER"), ("send_ms", "INTEGER")}
    columns = {(name, kind) for _, name, kind, *_ in
               await store.read_rows("PRAGMA table_info(usage_events)")}
    assert columns == allowed
    assert {f.name for f in dataclasses.fields(UsageEvent)} == {n for n, _ in allowed} - {"id"}
    # The database refuses a paragraph even if some code bypassed UsageEvent.
    with pytest.raises(sqlite3.IntegrityError):
        await store.read_rows("INSERT INTO usage_events (at, chat_id, chat_type, input_kind, "
                              "outcome) VALUES (1, 1, 'private', 'text', ?)", ("x " * 100,))


@pytest.mark.parametrize("changes", [
    {"outcome": "The minister said the budget would pass"},
    {"domain": "<evil>.com"},
    {"domain": "a b"},
    {"chat_type": "somewhere"},
    {"input_kind": "article text"},
    {"words": "forty"},
    {"latency_ms": -1},
    {"send_ms": -5},
    {"analysis_ms": 1.5},
    {"chat_id": "12"},
    {"cached": 1},
])
def test_usage_event_rejects_anything_but_codes(changes: dict) -> None:
    fields: dict[str, Any] = {"chat_id": 1, "chat_type": "private", "input_kind": "text",
                              "outcome": "ok"}
    with pytest.raises((ValueError, TypeError)):
        UsageEvent(**(fields | changes))
    with pytest.raises(TypeError):
        UsageEvent(**fields, text="hello")  # type: ignore[call-arg]


@pytest.mark.parametrize(("url", "domain"), [
    ("https://www.Example.COM/a?b=1", "example.com"),
    ("http://news.example.org.:8080/x", "news.example.org"),
    ("https://пример.рф/статья", "xn--e1afmkfd.xn--p1ai"),
    ("http://[2001:db8::1]/x", "2001:db8::1"),
    ("no link at all", None),
])
def test_domain_of(url: str, domain: str | None) -> None:
    assert domain_of(url) == domain


async def test_stats_numbers(store: SQLiteStore) -> None:
    for event in EVENTS:
        await store.record_event(event)
    check_stats_of_events(await compute_stats(store, now=NOW, top=2))


def check_stats_of_events(stats: Stats) -> None:
    """The numbers of EVENTS at NOW with top=2, worked out by hand; shared with the
    contract suite that runs them on every backend (tests/test_store_contract.py)."""
    assert (stats.breakdowns_today, stats.breakdowns_7d, stats.breakdowns_30d,
            stats.breakdowns_all) == (3, 7, 9, 11)
    # Rate-limited requests are counted apart, never as failures.
    assert (stats.failures_30d, stats.failures_all) == (3, 4)
    assert (stats.rate_limited_30d, stats.rate_limited_all) == (1, 1)
    assert (stats.users_30d, stats.users_all) == (6, 8)  # user 1 in two chats; cli has none
    assert (stats.chats_30d, stats.chats_all) == (7, 10)
    assert (stats.private_breakdowns, stats.group_breakdowns,
            stats.other_breakdowns) == (7, 3, 1)
    assert (stats.text_breakdowns, stats.link_breakdowns) == (5, 6)
    assert stats.cache_hits == 2
    assert stats.cache_hit_rate == pytest.approx(2 / 6)
    assert stats.top_domains == [("example.com", 4), ("blog.net", 1)]  # ties by name
    # 30 d latencies: 100 500 1000 1500 2000 2500 3000 4000 (9999 is older, one is None).
    assert stats.latency_median_ms == 1750
    assert stats.latency_p95_ms == pytest.approx(3650)
    assert stats.failures_by_reason == [ReasonCount("timeout", 2, 2),
                                        ReasonCount("http_error", 0, 1),  # 30 days ago
                                        ReasonCount("not_english", 1, 1)]
    assert len(stats.daily) == 30
    assert stats.daily[0].day == dt.date(2024, 4, 21)
    assert stats.daily[-1].day == dt.date(2024, 5, 20)
    nonzero = {30 - 1 - i: (d.breakdowns, d.failures) for i, d in enumerate(stats.daily)
               if d.breakdowns or d.failures}  # keyed by days ago
    assert nonzero == {0: (3, 1), 1: (1, 0), 3: (2, 0), 6: (1, 0), 7: (1, 1), 29: (1, 1)}
    assert [29 - i for i, d in enumerate(stats.daily) if d.rate_limited] == [3]
    assert sum(d.breakdowns for d in stats.daily) == stats.breakdowns_30d
    assert sum(d.failures for d in stats.daily) == stats.failures_30d
    assert sum(d.rate_limited for d in stats.daily) == stats.rate_limited_30d
    # Median reply time of each day's breakdowns; None on a day without a timed one.
    medians = {29 - i: d.median_ms for i, d in enumerate(stats.daily)
               if d.median_ms is not None}
    assert medians == {0: 1000, 3: 1750, 6: 4000, 7: 1500, 29: 2500}


async def test_stats_on_an_empty_database(store: SQLiteStore) -> None:
    stats = await compute_stats(store, now=NOW)
    assert stats.breakdowns_all == stats.users_all == 0
    assert stats.cache_hit_rate is None and stats.latency_median_ms is None
    assert [(d.breakdowns, d.failures) for d in stats.daily] == [(0, 0)] * 30
    assert "none" in render_stats_text(stats)
    assert render_chart_png(stats).startswith(b"\x89PNG")


def test_percentile() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7], 0.95) == 7
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile(list(range(1, 101)), 0.95) == pytest.approx(95.05)


def _hold_write_lock(path: Path, seconds: float, locked: threading.Event) -> None:
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        raw.execute("BEGIN IMMEDIATE")
        locked.set()
        threading.Event().wait(seconds)
        raw.execute("COMMIT")
    finally:
        raw.close()


async def _with_lock_held(store: SQLiteStore, path: Path, seconds: float) -> threading.Thread:
    await store.read_rows("PRAGMA busy_timeout=0")  # fail at once, so the retries act
    locked = threading.Event()
    thread = threading.Thread(target=_hold_write_lock, args=(path, seconds, locked))
    thread.start()
    await asyncio.to_thread(locked.wait, 5)
    return thread


async def test_record_event_retries_while_locked(tmp_path: Path,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "bot.sqlite3"
    caplog.set_level(logging.INFO, logger=usage_module.__name__)
    async with await SQLiteStore.open(path) as store:
        thread = await _with_lock_held(store, path, 0.3)
        await store.record_event(EVENTS[0])
        thread.join()
        assert "locked" in caplog.text
        assert await store.read_rows("SELECT count(*) FROM usage_events") == [(1,)]
        await store.record_event(EVENTS[1])  # the connection is fine afterwards
        assert await store.read_rows("SELECT count(*) FROM usage_events") == [(2,)]


async def test_record_event_gives_up_after_a_few_attempts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bot.sqlite3"
    monkeypatch.setattr(usage_module, "RETRY_DELAYS", (0.01, 0.01))
    async with await SQLiteStore.open(path) as store:
        thread = await _with_lock_held(store, path, 0.5)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await store.record_event(EVENTS[0])
        thread.join()
        await store.record_event(EVENTS[0])
        assert await store.read_rows("SELECT count(*) FROM usage_events") == [(1,)]


async def test_chart_is_a_png(store: SQLiteStore) -> None:
    for event in EVENTS:
        await store.record_event(event)
    png = render_chart_png(await compute_stats(store, now=NOW))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 5_000
    # Drawn for a 400-px chat bubble at 2x: 4 by 5 inches at 200 dpi.
    assert struct.unpack(">II", png[16:24]) == (800, 1000)


async def test_daily_counts_are_per_day_not_running_totals(store: SQLiteStore) -> None:
    """Failures late one day and early the next stay on their own days, a quiet day in
    between is a zero, and nothing accumulates (the old chart's line ramped across days)."""
    times = {"late day 5": TODAY - 5 * DAY + 23 * 3600, "early day 4": TODAY - 4 * DAY + 60,
             "day 1": TODAY - DAY + 12 * 3600}
    for when, outcome, count in (("late day 5", "timeout", 3), ("early day 4", "http_error", 2),
                                 ("early day 4", "rate_limited", 4), ("day 1", "ok", 1)):
        for _ in range(count):
            await store.record_event(UsageEvent(
                at=times[when], chat_id=1, chat_type="private", user_id=1,
                input_kind="link", outcome=outcome, latency_ms=700 if outcome == "ok" else None))
    stats = await compute_stats(store, now=NOW)
    last_six = stats.daily[-6:]  # days 5, 4, 3, 2, 1 ago and today
    assert [d.failures for d in last_six] == [3, 2, 0, 0, 0, 0]
    assert [d.rate_limited for d in last_six] == [0, 4, 0, 0, 0, 0]
    assert [d.breakdowns for d in last_six] == [0, 0, 0, 0, 1, 0]
    assert [d.median_ms for d in last_six] == [None, None, None, None, 700, None]
    assert all(d.failures == d.breakdowns == 0 for d in stats.daily[:-6])
    assert stats.failures_30d == 5 and stats.rate_limited_30d == 4


def test_median_per_day_of_an_even_and_an_odd_count() -> None:
    assert percentile([100, 300, 900], 0.5) == 300
    assert percentile([100, 300, 900, 1000], 0.5) == 600


async def test_chart_has_one_bar_per_day_and_gaps_for_days_without_a_median() -> None:
    days = [dt.date(2024, 4, 21) + dt.timedelta(days=i) for i in range(30)]
    daily = [DayCount(day, breakdowns=i % 4, failures=5 if i == 12 else 0,
                      median_ms=1500.0 if i in (3, 4, 20) else None)
             for i, day in enumerate(days)]
    breakdowns, failures, latency = chart_figure(Stats(generated_at=NOW, daily=daily)).axes
    for axes, expected in ((breakdowns, [d.breakdowns for d in daily]),
                           (failures, [d.failures for d in daily])):
        bars = [patch for patch in axes.patches if isinstance(patch, Rectangle)]
        assert len(bars) == len(axes.patches)  # bars only
        assert [bar.get_height() for bar in bars] == expected
        assert [round(bar.get_x() + bar.get_width() / 2) for bar in bars] == \
            list(range(30))  # one bar centred on each day: no line between days
        assert not axes.lines
    [line] = latency.lines
    heights: list[float] = np.asarray(line.get_ydata(), dtype=float).tolist()
    assert [i for i, h in enumerate(heights) if not math.isnan(h)] == [3, 4, 20]
    assert heights[3] == 1.5  # seconds
    labels = [t.get_text() for t in latency.get_xticklabels()]
    assert labels[-1] == "20 May" and len(labels) == 5  # today is labelled; 5 fit a phone
    assert all(float(t.get_fontsize()) >= 11 for t in latency.get_xticklabels())  # points


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.seen: set[str] = set()
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.open.append(tag)
        self.seen.add(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, f"unbalanced </{tag}>"

    def handle_data(self, data: str) -> None:
        self.text += data


async def test_html_is_well_formed_and_escaped(store: SQLiteStore) -> None:
    for event in EVENTS:
        await store.record_event(event)
    stats = await compute_stats(store, now=NOW)
    stats.top_domains.append(("<evil>.com", 1))
    stats.failures_by_reason.append(ReasonCount("a&b", 1, 1))
    html = render_stats_html(stats)
    checker = _TagChecker()
    checker.feed(html)
    checker.close()
    assert checker.open == []
    assert checker.seen <= {"b", "i", "code", "pre"}
    assert "&lt;evil&gt;.com" in html and "<evil>" not in html
    assert "a&amp;b" in html
    assert "<evil>.com" in checker.text and "example.com" in checker.text
    assert max(len(line) for line in checker.text.splitlines()) <= 60  # phone width


def test_text_report_has_every_number() -> None:
    stats = Stats(generated_at=NOW, breakdowns_today=3, breakdowns_7d=7, breakdowns_30d=9,
                  breakdowns_all=11, link_breakdowns=6, cache_hits=2,
                  latency_median_ms=1750, latency_p95_ms=3650,
                  failures_30d=2, failures_all=5, rate_limited_30d=4, rate_limited_all=6,
                  top_domains=[("example.com", 4)],
                  failures_by_reason=[ReasonCount("timeout", 2, 5)])
    text = render_stats_text(stats)
    for expected in ("2024-05-20 15:00 UTC", "33% (2 of 6)", "1.8 s", "3.6 s",
                     "example.com"):
        assert expected in text
    assert "3       7       9      11" in text
    lines = text.splitlines()
    assert f"{'failures':<30}{2:>8}{5:>8}" in lines  # under "30 d" and "all"
    assert f"{'rate-limited':<30}{4:>8}{6:>8}" in lines
    header = next(line for line in lines if line.startswith("failures by reason:"))
    row = next(line for line in lines if line.startswith("  timeout"))
    assert header.split()[-2:] == ["d", "all"] and row.split()[1:] == ["2", "5"]
    assert len(header) == len(row)  # the counts sit under their headings


async def test_main_stats_reads_the_configured_database(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bot.sqlite3"
    async with await SQLiteStore.open(path) as store:
        for event in EVENTS:
            await store.record_event(event)
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATABASE_PATH", str(path))
    assert await asyncio.to_thread(main_stats) == 0
    out = capsys.readouterr().out
    assert "breakdowns" in out and "example.com" in out and "blog.net" in out
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "missing.sqlite3"))
    assert await asyncio.to_thread(main_stats) == 1
    assert not (tmp_path / "missing.sqlite3").exists()
