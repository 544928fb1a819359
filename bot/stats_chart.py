"""The /stats chart: breakdowns, failures and the median reply time per UTC day, as a PNG
sized for a chat bubble.

Telegram shows a photo about 400 px wide on a phone, so the figure is drawn for that: 4 by
5 inches at 200 dpi (800 x 1000 px, crisp on high-density screens), with 11-13 pt text,
which is 15-18 px at bubble width. Three panels share the day axis, each with its own
scale: failures are usually a handful beside dozens of breakdowns and would vanish as a
segment of a shared bar. Counts are bars on integer positions, one per day (a day with
nothing is a zero-height bar, never a line ramping between two days); the median reply time
is dots joined only between consecutive days with breakdowns.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from bot.stats import Stats

BREAKDOWN_COLOUR = "#4C78A8"
FAILURE_COLOUR = "#E45756"
LATENCY_COLOUR = "#54A24B"
FIGURE_INCHES = (4.0, 5.0)
DPI = 200
LABEL_EVERY = 7  # days between date labels, counted back from today so today has one


def _day_label(day: dt.date) -> str:
    return f"{day.day} {day:%b}"  # "20 May" on every OS (%-d is not portable)


def _count_panel(axes: Axes, values: list[int], *, title: str, colour: str) -> None:
    from matplotlib.ticker import MaxNLocator

    axes.bar(range(len(values)), values, width=0.8, color=colour)
    axes.set_title(f"{title} (total {sum(values)})", loc="left", fontsize=12)
    axes.set_ylim(0, max([*values, 1]) * 1.12)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True, min_n_ticks=2))


def _latency_panel(axes: Axes, medians: list[float | None]) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    seconds = [math.nan if m is None else m / 1000 for m in medians]
    # NaN breaks the line: a day without breakdowns is a gap, not an interpolated slope.
    axes.plot(range(len(seconds)), seconds, color=LATENCY_COLOUR, linewidth=2,
              marker="o", markersize=4)
    axes.set_title("Median reply time", loc="left", fontsize=12)
    known = [s for s in seconds if not math.isnan(s)]
    axes.set_ylim(0, max([*known, 1.0]) * 1.15)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=3, min_n_ticks=2))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g} s"))
    if not known:
        axes.text(0.5, 0.5, "no breakdowns in these days", transform=axes.transAxes, ha="center",
                  va="center", fontsize=11, color="#555555")


def chart_figure(stats: Stats) -> Figure:
    """The three panels, drawn on a Figure of its own.

    Uses the object-oriented Figure API rather than pyplot: no global figure registry,
    so nothing to leak and safe to call from a worker thread (asyncio.to_thread).
    """
    import matplotlib

    matplotlib.use("Agg")  # before anything imports pyplot: never look for a display
    from matplotlib.figure import Figure
    from matplotlib.ticker import FixedLocator

    daily = stats.daily
    with matplotlib.rc_context({"font.size": 11, "axes.spines.top": False,
                                "axes.spines.right": False}):
        figure = Figure(figsize=FIGURE_INCHES, dpi=DPI, layout="constrained")
        breakdowns, failures, latency = figure.subplots(
            3, 1, sharex=True, gridspec_kw={"height_ratios": (3, 2, 2)})
        _count_panel(breakdowns, [d.breakdowns for d in daily], title="Breakdowns per day",
                     colour=BREAKDOWN_COLOUR)
        _count_panel(failures, [d.failures for d in daily], title="Failures per day",
                     colour=FAILURE_COLOUR)
        _latency_panel(latency, [d.median_ms for d in daily])
        labelled = list(range(len(daily) - 1, -1, -LABEL_EVERY))[::-1]
        latency.xaxis.set_minor_locator(FixedLocator(range(len(daily))))
        latency.set_xticks(labelled, [_day_label(daily[i].day) for i in labelled])
        latency.set_xlim(-0.7, len(daily) - 0.3)
        for axes in (breakdowns, failures, latency):
            axes.grid(axis="y", alpha=0.35)
            axes.tick_params(axis="both", labelsize=11)
        figure.suptitle(f"Last {len(daily)} days (UTC)", fontsize=13, fontweight="bold")
    return figure


def render_chart_png(stats: Stats) -> bytes:
    """The chart as PNG bytes (800 x 1000 px); headless, thread-safe."""
    figure = chart_figure(stats)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    figure.clear()  # drop the artists now rather than at garbage collection
    return buffer.getvalue()
