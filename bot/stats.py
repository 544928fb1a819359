"""Admin statistics from the usage events: /stats in Telegram, `python -m bot stats`.

Definitions (so the numbers mean one thing everywhere):
- a *breakdown* is an event with outcome "ok" and input kind text, link or inline (a
  card in inline mode); "command" events such as /auto count towards users and chats,
  never as breakdowns;
- a *rate-limited* request (outcome "rate_limited") is counted on its own: the bot
  worked as configured, so it is neither a breakdown nor a failure;
- a *failure* is any other event whose outcome is not "ok", counted by reason (the codes
  of the error classes, `bot.errors.failure_codes`, and "not_english");
- days are UTC days; "7 d" and "30 d" are today plus the 6 / 29 days before, so the
  30-day counts equal the sums of the chart's bars, and a day without events is a zero;
- reply time (latency) is that of breakdowns; its percentiles and the daily medians cover
  the last 30 days (current performance, bounded work); everything else without a window
  is all time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import sys
import time
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import RATE_LIMITED

if TYPE_CHECKING:
    from bot.settings import Settings
    from bot.store import Store

DAY = 86_400
SERIES_DAYS = 30
_BREAKDOWN = "outcome = 'ok' AND input_kind IN ('text', 'link', 'inline')"
_RATE_LIMITED = f"outcome = '{RATE_LIMITED}'"
_FAILURE = f"outcome NOT IN ('ok', '{RATE_LIMITED}')"


def _count(condition: str) -> str:
    """SQL for how many rows meet `condition`, on SQLite and PostgreSQL alike (PostgreSQL
    cannot sum booleans). The queries here use `?` placeholders only, which both backends'
    `read_rows` take."""
    return f"coalesce(sum(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)"


@dataclass(frozen=True, slots=True)
class DayCount:
    day: dt.date
    breakdowns: int
    failures: int
    rate_limited: int = 0
    median_ms: float | None = None  # of the day's breakdowns; None on a day without one


@dataclass(frozen=True, slots=True)
class ReasonCount:
    reason: str  # a failure code (bot/errors.py)
    last_30d: int
    total: int


@dataclass(slots=True)
class Stats:
    generated_at: float
    breakdowns_today: int = 0
    breakdowns_7d: int = 0
    breakdowns_30d: int = 0
    breakdowns_all: int = 0
    failures_30d: int = 0
    failures_all: int = 0
    rate_limited_30d: int = 0
    rate_limited_all: int = 0
    users_all: int = 0
    users_30d: int = 0
    chats_all: int = 0
    chats_30d: int = 0
    private_breakdowns: int = 0
    group_breakdowns: int = 0  # groups and supergroups
    other_breakdowns: int = 0  # channels, the CLI
    text_breakdowns: int = 0
    link_breakdowns: int = 0  # inline-mode cards included
    cache_hits: int = 0  # link breakdowns served from the cache
    top_domains: list[tuple[str, int]] = field(default_factory=list)
    latency_median_ms: float | None = None
    latency_p95_ms: float | None = None
    failures_by_reason: list[ReasonCount] = field(default_factory=list)  # most first
    daily: list[DayCount] = field(default_factory=list)  # oldest first, SERIES_DAYS long

    @property
    def cache_hit_rate(self) -> float | None:
        """Share of link breakdowns served from the cache; None before the first one."""
        return self.cache_hits / self.link_breakdowns if self.link_breakdowns else None


def percentile(sorted_values: list[int], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default); None when empty."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


async def compute_stats(store: Store, *, now: float | None = None, top: int = 5) -> Stats:
    now = time.time() if now is None else now
    today = math.floor(now / DAY)  # UTC day number
    start_today, start_7d, start_30d = (today * DAY, (today - 6) * DAY,
                                        (today - SERIES_DAYS + 1) * DAY)
    # One scan for every all-time and windowed count.
    [totals] = await store.read_rows(
        f"""SELECT
            {_count(_BREAKDOWN)},
            {_count(f"{_BREAKDOWN} AND at >= ?")},
            {_count(f"{_BREAKDOWN} AND at >= ?")},
            {_count(f"{_BREAKDOWN} AND at >= ?")},
            {_count(_FAILURE)},
            {_count(f"{_FAILURE} AND at >= ?")},
            {_count(_RATE_LIMITED)},
            {_count(f"{_RATE_LIMITED} AND at >= ?")},
            count(DISTINCT user_id),
            count(DISTINCT chat_id),
            {_count(f"{_BREAKDOWN} AND chat_type = 'private'")},
            {_count(f"{_BREAKDOWN} AND chat_type IN ('group', 'supergroup')")},
            {_count(f"{_BREAKDOWN} AND input_kind = 'text'")},
            {_count(f"{_BREAKDOWN} AND input_kind IN ('link', 'inline')")},
            {_count(f"{_BREAKDOWN} AND input_kind IN ('link', 'inline') AND cached = 1")}
        FROM usage_events""",  # only constants are interpolated into the SQL
        (start_today, start_7d, start_30d, start_30d, start_30d),
    )
    stats = Stats(generated_at=now)
    (stats.breakdowns_all, stats.breakdowns_today, stats.breakdowns_7d, stats.breakdowns_30d,
     stats.failures_all, stats.failures_30d, stats.rate_limited_all, stats.rate_limited_30d,
     stats.users_all, stats.chats_all,
     stats.private_breakdowns, stats.group_breakdowns, stats.text_breakdowns,
     stats.link_breakdowns, stats.cache_hits) = (int(value) for value in totals)
    stats.other_breakdowns = (stats.breakdowns_all - stats.private_breakdowns
                              - stats.group_breakdowns)
    # The windowed queries below use the index on `at`.
    [(stats.users_30d, stats.chats_30d)] = await store.read_rows(
        "SELECT count(DISTINCT user_id), count(DISTINCT chat_id) FROM usage_events "
        "WHERE at >= ?", (start_30d,))
    stats.top_domains = [(str(d), int(n)) for d, n in await store.read_rows(
        f"SELECT domain, count(*) AS n FROM usage_events WHERE {_BREAKDOWN} "
        "AND domain IS NOT NULL GROUP BY domain ORDER BY n DESC, domain LIMIT ?", (top,))]
    stats.failures_by_reason = [ReasonCount(str(r), int(recent), int(n)) for r, recent, n in
                                await store.read_rows(
        f"SELECT outcome, {_count('at >= ?')}, count(*) AS n FROM usage_events "
        f"WHERE {_FAILURE} GROUP BY outcome ORDER BY n DESC, outcome", (start_30d,))]
    latencies_by_day = await _latencies_by_day(store, since=start_30d)
    latencies = sorted(ms for day in latencies_by_day.values() for ms in day)
    stats.latency_median_ms = percentile(latencies, 0.5)
    stats.latency_p95_ms = percentile(latencies, 0.95)
    stats.daily = await _daily(store, first_day=today - SERIES_DAYS + 1, last_day=today,
                               latencies_by_day=latencies_by_day)
    return stats


async def _latencies_by_day(store: Store, *, since: float) -> dict[int, list[int]]:
    """Breakdown reply times in ms since `since`, sorted, by UTC day number."""
    by_day: dict[int, list[int]] = {}
    for day, ms in await store.read_rows(
            f"SELECT {store.day_sql}, latency_ms FROM usage_events "
            f"WHERE at >= ? AND {_BREAKDOWN} AND latency_ms IS NOT NULL ORDER BY latency_ms",
            (since,)):
        by_day.setdefault(int(day), []).append(int(ms))
    return by_day


async def _daily(store: Store, *, first_day: int, last_day: int,
                 latencies_by_day: dict[int, list[int]]) -> list[DayCount]:
    """One entry per UTC day from `first_day` to `last_day` (day numbers), oldest first:
    the counts *of* that day, never running totals, and zeros for a day without events."""
    counts = {int(d): (int(ok), int(failed), int(limited)) for d, ok, failed, limited in
              await store.read_rows(
        f"SELECT {store.day_sql} AS d, {_count(_BREAKDOWN)}, {_count(_FAILURE)}, "
        f"{_count(_RATE_LIMITED)} FROM usage_events WHERE at >= ? GROUP BY d",
        (first_day * DAY,))}
    epoch = dt.date(1970, 1, 1)
    return [DayCount(epoch + dt.timedelta(days=d), *counts.get(d, (0, 0, 0)),
                     median_ms=percentile(latencies_by_day.get(d, []), 0.5))
            for d in range(first_day, last_day + 1)]


# --- rendering --------------------------------------------------------------------------

def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f} ms" if value < 1000 else f"{value / 1000:.1f} s"


def _rate(stats: Stats) -> str:
    rate = stats.cache_hit_rate
    return "–" if rate is None else f"{rate:.0%} ({stats.cache_hits} of {stats.link_breakdowns})"


def _when(stats: Stats) -> str:
    return dt.datetime.fromtimestamp(stats.generated_at, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _sparkline(values: list[int] | list[float | None]) -> str:
    """Zero is the lowest block; any non-zero day shows at least the next one up; a day
    without a value (None) is a space."""
    blocks = "▁▂▃▄▅▆▇█"
    peak = max((v for v in values if v is not None), default=0)
    return "".join(" " if v is None else blocks[math.ceil(v / peak * 7)] if v else blocks[0]
                   for v in values)


def render_stats_text(stats: Stats) -> str:
    """A plain-text report for the terminal."""
    lines = [
        f"Usage statistics, {_when(stats)}",
        "",
        f"{'':<14}{'today':>8}{'7 d':>8}{'30 d':>8}{'all':>8}",
        f"{'breakdowns':<14}{stats.breakdowns_today:>8}{stats.breakdowns_7d:>8}"
        f"{stats.breakdowns_30d:>8}{stats.breakdowns_all:>8}",
        f"{'failures':<14}{'':>8}{'':>8}{stats.failures_30d:>8}{stats.failures_all:>8}",
        f"{'rate-limited':<14}{'':>8}{'':>8}{stats.rate_limited_30d:>8}"
        f"{stats.rate_limited_all:>8}",
        f"{'users':<14}{'':>8}{'':>8}{stats.users_30d:>8}{stats.users_all:>8}",
        f"{'chats':<14}{'':>8}{'':>8}{stats.chats_30d:>8}{stats.chats_all:>8}",
        "",
        f"chats:    private {stats.private_breakdowns}, groups {stats.group_breakdowns}, "
        f"other {stats.other_breakdowns}",
        f"input:    text {stats.text_breakdowns}, links {stats.link_breakdowns}",
        f"cache:    {_rate(stats)} of link breakdowns",
        f"latency:  median {_ms(stats.latency_median_ms)}, p95 {_ms(stats.latency_p95_ms)}"
        " (30 d)",
    ]
    names = [domain for domain, _ in stats.top_domains] + [r.reason for r in
                                                            stats.failures_by_reason]
    width = max([len("failures by reason:") - 2] + [len(name) for name in names]) + 2
    lines += ["", "top domains:",
              *([f"  {name:<{width}}{count:>8}" for name, count in stats.top_domains]
                or ["  none"])]
    lines += ["", f"{'failures by reason:':<{width + 2}}{'30 d':>8}{'all':>8}",
              *([f"  {r.reason:<{width}}{r.last_30d:>8}{r.total:>8}"
                 for r in stats.failures_by_reason] or ["  none"])]
    if stats.daily:
        first, last = stats.daily[0].day, stats.daily[-1].day
        medians = [d.median_ms for d in stats.daily]
        lines += ["", f"daily, {first} to {last} (UTC):",
                  f"  breakdowns   {_sparkline([d.breakdowns for d in stats.daily])} "
                  f"max {max(d.breakdowns for d in stats.daily)}",
                  f"  failures     {_sparkline([d.failures for d in stats.daily])} "
                  f"max {max(d.failures for d in stats.daily)}",
                  f"  median reply {_sparkline(medians)} "
                  f"max {_ms(max((m for m in medians if m is not None), default=None))}"]
    return "\n".join(lines)


def render_stats_html(stats: Stats) -> str:
    """Telegram HTML (b, i, code only), short lines for a phone screen."""
    domains = [f"{count} · <code>{escape(name)}</code>" for name, count in stats.top_domains]
    reasons = [f"<code>{escape(r.reason)}</code> 30 d {r.last_30d} · all {r.total}"
               for r in stats.failures_by_reason]
    return "\n".join([
        f"<b>Usage</b> <i>{escape(_when(stats))}</i>",
        "",
        f"<b>Breakdowns</b> today {stats.breakdowns_today} · 7 d {stats.breakdowns_7d}",
        f"30 d {stats.breakdowns_30d} · all {stats.breakdowns_all}",
        f"<b>Failures</b> 30 d {stats.failures_30d} · all {stats.failures_all}",
        f"<b>Rate-limited</b> 30 d {stats.rate_limited_30d} · all {stats.rate_limited_all}",
        f"<b>Users</b> 30 d {stats.users_30d} · all {stats.users_all}",
        f"<b>Chats</b> 30 d {stats.chats_30d} · all {stats.chats_all}",
        "",
        f"private {stats.private_breakdowns} · groups {stats.group_breakdowns}"
        + (f" · other {stats.other_breakdowns}" if stats.other_breakdowns else ""),
        f"text {stats.text_breakdowns} · links {stats.link_breakdowns}",
        f"cache hits: {escape(_rate(stats))}",
        f"reply time (30 d): median {escape(_ms(stats.latency_median_ms))} · "
        f"p95 {escape(_ms(stats.latency_p95_ms))}",
        "",
        "<b>Top domains</b>",
        "\n".join(domains) or "<i>none</i>",
        "",
        "<b>Failures by reason</b> <i>(rate limits are not failures)</i>",
        "\n".join(reasons) or "<i>none</i>",
    ])


# --- python -m bot stats ------------------------------------------------------------------

async def _stats_from(settings: Settings) -> Stats:
    from bot.store.opening import open_store

    store = await open_store(settings)
    try:
        return await compute_stats(store)
    finally:
        await store.close()


def main_stats() -> int:
    """`python -m bot stats`: the /stats numbers in the terminal, from DATABASE_PATH (or
    the PostgreSQL database at DATABASE_URL)."""
    from bot.settings import Settings, SettingsError

    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    path = settings.database_path
    # Opening a missing SQLite file would create an empty database.
    if not settings.database_url and not Path(path).is_file():
        print(f"error: no database at {path}", file=sys.stderr)
        return 1
    print(render_stats_text(asyncio.run(_stats_from(settings))))
    return 0
