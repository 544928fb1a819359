"""Admin statistics from the usage events: /stats in Telegram, `python -m bot stats`.

Definitions (so the numbers mean one thing everywhere):
- a *breakdown* is an event with outcome "ok" and input kind text, link or inline (a
  card in inline mode); "command" events such as /auto count towards users and chats,
  never as breakdowns;
- a *failure* is any event whose outcome is not "ok" (rate limits included);
- days are UTC days; "7 d" and "30 d" are today plus the 6 / 29 days before, so the
  30-day count equals the sum of the chart's bars;
- latency percentiles cover the last 30 days (current performance, bounded work);
  everything else without a window is all time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import math
import sys
import time
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.store import Store

DAY = 86_400
SERIES_DAYS = 30
_BREAKDOWN = "outcome = 'ok' AND input_kind IN ('text', 'link', 'inline')"


@dataclass(frozen=True, slots=True)
class DayCount:
    day: dt.date
    breakdowns: int
    failures: int


@dataclass(slots=True)
class Stats:
    generated_at: float
    breakdowns_today: int = 0
    breakdowns_7d: int = 0
    breakdowns_30d: int = 0
    breakdowns_all: int = 0
    failures_30d: int = 0
    failures_all: int = 0
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
    failures_by_reason: list[tuple[str, int]] = field(default_factory=list)
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
            coalesce(sum({_BREAKDOWN}), 0),
            coalesce(sum({_BREAKDOWN} AND at >= :today), 0),
            coalesce(sum({_BREAKDOWN} AND at >= :d7), 0),
            coalesce(sum({_BREAKDOWN} AND at >= :d30), 0),
            coalesce(sum(outcome <> 'ok'), 0),
            coalesce(sum(outcome <> 'ok' AND at >= :d30), 0),
            count(DISTINCT user_id),
            count(DISTINCT chat_id),
            coalesce(sum({_BREAKDOWN} AND chat_type = 'private'), 0),
            coalesce(sum({_BREAKDOWN} AND chat_type IN ('group', 'supergroup')), 0),
            coalesce(sum({_BREAKDOWN} AND input_kind = 'text'), 0),
            coalesce(sum({_BREAKDOWN} AND input_kind IN ('link', 'inline')), 0),
            coalesce(sum({_BREAKDOWN} AND input_kind IN ('link', 'inline') AND cached = 1), 0)
        FROM usage_events""",  # only constants are interpolated into the SQL
        {"today": start_today, "d7": start_7d, "d30": start_30d},
    )
    stats = Stats(generated_at=now)
    (stats.breakdowns_all, stats.breakdowns_today, stats.breakdowns_7d, stats.breakdowns_30d,
     stats.failures_all, stats.failures_30d, stats.users_all, stats.chats_all,
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
    stats.failures_by_reason = [(str(r), int(n)) for r, n in await store.read_rows(
        "SELECT outcome, count(*) AS n FROM usage_events WHERE outcome <> 'ok' "
        "GROUP BY outcome ORDER BY n DESC, outcome")]
    latencies = [int(ms) for (ms,) in await store.read_rows(
        f"SELECT latency_ms FROM usage_events WHERE at >= ? AND {_BREAKDOWN} "
        "AND latency_ms IS NOT NULL ORDER BY latency_ms", (start_30d,))]
    stats.latency_median_ms = percentile(latencies, 0.5)
    stats.latency_p95_ms = percentile(latencies, 0.95)
    by_day = {int(d): (int(ok), int(failed)) for d, ok, failed in await store.read_rows(
        f"SELECT CAST(at / {DAY} AS INTEGER) AS d, coalesce(sum({_BREAKDOWN}), 0), "
        "coalesce(sum(outcome <> 'ok'), 0) FROM usage_events WHERE at >= ? GROUP BY d",
        (start_30d,))}
    epoch = dt.date(1970, 1, 1)
    stats.daily = [DayCount(epoch + dt.timedelta(days=d), *by_day.get(d, (0, 0)))
                   for d in range(today - SERIES_DAYS + 1, today + 1)]
    return stats


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


def _sparkline(values: list[int]) -> str:
    """Zero is the lowest block; any non-zero day shows at least the next one up."""
    blocks = "▁▂▃▄▅▆▇█"
    peak = max(values, default=0)
    return "".join(blocks[math.ceil(v / peak * 7)] if v else blocks[0] for v in values)


def render_stats_text(stats: Stats) -> str:
    """A plain-text report for the terminal."""
    lines = [
        f"Usage statistics, {_when(stats)}",
        "",
        f"{'':<14}{'today':>8}{'7 d':>8}{'30 d':>8}{'all':>8}",
        f"{'breakdowns':<14}{stats.breakdowns_today:>8}{stats.breakdowns_7d:>8}"
        f"{stats.breakdowns_30d:>8}{stats.breakdowns_all:>8}",
        f"{'failures':<14}{'':>8}{'':>8}{stats.failures_30d:>8}{stats.failures_all:>8}",
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
    width = max((len(name) for name, _ in stats.top_domains + stats.failures_by_reason),
                default=0) + 2
    for title, rows in (("top domains", stats.top_domains),
                        ("failures by reason", stats.failures_by_reason)):
        lines += ["", f"{title}:"] + [f"  {name:<{width}}{count:>6}" for name, count in rows]
        if not rows:
            lines.append("  none")
    if stats.daily:
        first, last = stats.daily[0].day, stats.daily[-1].day
        lines += ["", f"daily, {first} to {last} (UTC):",
                  f"  breakdowns {_sparkline([d.breakdowns for d in stats.daily])} "
                  f"max {max(d.breakdowns for d in stats.daily)}",
                  f"  failures   {_sparkline([d.failures for d in stats.daily])} "
                  f"max {max(d.failures for d in stats.daily)}"]
    return "\n".join(lines)


def render_stats_html(stats: Stats) -> str:
    """Telegram HTML (b, i, code only), short lines for a phone screen."""
    def rows(items: list[tuple[str, int]]) -> str:
        lines = [f"{count} · <code>{escape(name)}</code>" for name, count in items]
        return "\n".join(lines) or "<i>none</i>"

    return "\n".join([
        f"<b>Usage</b> <i>{escape(_when(stats))}</i>",
        "",
        f"<b>Breakdowns</b> today {stats.breakdowns_today} · 7 d {stats.breakdowns_7d}",
        f"30 d {stats.breakdowns_30d} · all {stats.breakdowns_all}",
        f"<b>Failures</b> 30 d {stats.failures_30d} · all {stats.failures_all}",
        f"<b>Users</b> 30 d {stats.users_30d} · all {stats.users_all}",
        f"<b>Chats</b> 30 d {stats.chats_30d} · all {stats.chats_all}",
        "",
        f"private {stats.private_breakdowns} · groups {stats.group_breakdowns}"
        + (f" · other {stats.other_breakdowns}" if stats.other_breakdowns else ""),
        f"text {stats.text_breakdowns} · links {stats.link_breakdowns}",
        f"cache hits: {escape(_rate(stats))}",
        f"latency (30 d): median {escape(_ms(stats.latency_median_ms))} · "
        f"p95 {escape(_ms(stats.latency_p95_ms))}",
        "",
        "<b>Top domains</b>",
        rows(stats.top_domains),
        "",
        "<b>Failures by reason</b>",
        rows(stats.failures_by_reason),
    ])


def render_chart_png(stats: Stats) -> bytes:
    """Daily breakdowns (bars) and failures (line) as PNG bytes; headless.

    Uses the object-oriented Figure API rather than pyplot: no global figure registry,
    so nothing to leak and safe to call from a worker thread (asyncio.to_thread).
    """
    import matplotlib

    matplotlib.use("Agg")  # before anything imports pyplot: never look for a display
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    days = [d.day for d in stats.daily]
    figure = Figure(figsize=(8, 4), dpi=100, layout="constrained")
    axes = figure.subplots()
    bars = axes.bar(days, [d.breakdowns for d in stats.daily], color="#4C78A8",
                    label="breakdowns")
    (line,) = axes.plot(days, [d.failures for d in stats.daily], color="#E45756", marker="o",
              markersize=3, linewidth=1.5, label="failures")
    axes.set_title(f"Breakdowns and failures per UTC day, last {len(days)} days")
    axes.xaxis.set_major_locator(mdates.DayLocator(interval=5))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    axes.yaxis.get_major_locator().set_params(integer=True)
    peak = max([1] + [max(d.breakdowns, d.failures) for d in stats.daily])
    axes.set_ylim(0, peak * 1.25)  # headroom so the legend never covers a bar
    axes.grid(axis="y", alpha=0.3)
    axes.legend(handles=[bars, line], loc="upper left", ncols=2)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    figure.clear()  # drop the artists now rather than at garbage collection
    return buffer.getvalue()


# --- python -m bot stats ------------------------------------------------------------------

async def _stats_from(path: str, top: int) -> Stats:
    from bot.store import Store

    async with await Store.open(path) as store:
        return await compute_stats(store, top=top)


def main_stats(argv: list[str] | None = None) -> int:
    """`python -m bot stats`: the /stats numbers in the terminal."""
    from bot.settings import Settings, SettingsError

    parser = argparse.ArgumentParser(prog="python -m bot stats",
                                     description="Usage statistics from the bot's database.")
    parser.add_argument("--database", metavar="PATH",
                        help="database file (default: DATABASE_PATH from the environment)")
    parser.add_argument("--top", type=int, default=5, help="how many domains to list")
    args = parser.parse_args(argv)
    try:
        path = args.database or Settings.from_env().database_path
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not Path(path).is_file():  # Store.open would create an empty database
        print(f"error: no database at {path}", file=sys.stderr)
        return 1
    print(render_stats_text(asyncio.run(_stats_from(path, args.top))))
    return 0
