"""The real bot under load, end to end: Bot API emulator and news site on 127.0.0.1.

    python bench/bot_load.py [--chats 50] [--samples 10]

For one analysis worker and for the default pool, side by side in one run:
reply latency (pasted ~800-word article, link to a local page), throughput when
`--chats` chats send an article at once (every reply checked), /help latency while
the pool is saturated, and peak RSS of the bot's process tree (idle and under load).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import build_application, start_polling, stop_polling  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.workers import AnalysisPool  # noqa: E402
from tests.article_site import SEED, serve_site  # noqa: E402
from tests.botapi.server import BotAPIServer  # noqa: E402

BODY = SEED.split("Click to see full-size image", 1)[1].split("Do you like", 1)[0]
ARTICLE_800 = " ".join((BODY + BODY).split()[:800])  # ~800 words of real news prose


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class RSSSampler:
    """Peak resident memory of this process plus the pool's workers, sampled every 50 ms."""

    def __init__(self, pool: AnalysisPool) -> None:
        self.pool, self.peak, self._stop = pool, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def total(self) -> int:
        return rss_kb(os.getpid()) + sum(rss_kb(pid) for pid in self.pool.worker_pids())

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.total())
            time.sleep(0.05)

    def __enter__(self) -> RSSSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def reply_time(botapi: BotAPIServer, chat: int, text: str, marker: str,
                     timeout: float = 120) -> float:
    """Seconds from the user's message to the bot's reply containing `marker`."""
    started = time.monotonic()
    botapi.send_user_message(chat, chat, text)
    reply = await botapi.wait_for(
        lambda: [m for m in botapi.sent_messages(chat) if marker in (m.get("text") or "")],
        timeout)
    return reply[-1]["time"] - started


async def measure(workers: int, chats: int, samples: int, base: str) -> dict[str, Any]:
    botapi = BotAPIServer().start()
    settings = Settings(telegram_bot_token=botapi.token, telegram_base_url=botapi.base_url,
                        fetch_allow_private=True, database_path=f"/tmp/bench-{workers}.db",
                        analysis_workers=workers, user_rate_limit=10_000)
    Path(settings.database_path).unlink(missing_ok=True)
    pool = AnalysisPool(workers)
    application = build_application(settings, pool=pool)
    await start_polling(application, poll_timeout=1)
    result: dict[str, Any] = {"workers": workers}
    try:
        await asyncio.sleep(0.5)
        result["idle_rss_mb"] = RSSSampler(pool).total() / 1024
        text_times = [await reply_time(botapi, 100 + i, ARTICLE_800, "Who said what")
                      for i in range(samples)]
        link_times = [await reply_time(botapi, 200 + i, f"{base}/article?n={workers}-{i}",
                                       "Who said what") for i in range(samples)]
        result.update(text_p50=statistics.median(text_times),
                      text_p95=percentile(text_times, 0.95),
                      link_p50=statistics.median(link_times),
                      link_p95=percentile(link_times, 0.95))
        with RSSSampler(pool) as sampler:
            started = time.monotonic()
            for chat in range(1000, 1000 + chats):
                botapi.send_user_message(chat, chat, ARTICLE_800)
            helps = []
            for i in range(20):  # /help while the pool is saturated
                helps.append(await reply_time(botapi, 5000 + i, "/help", "How to use me", 30))
                await asyncio.sleep(0.05)
            await botapi.wait_for(lambda: all(
                any("Who said what" in (m.get("text") or "") for m in botapi.sent_messages(c))
                for c in range(1000, 1000 + chats)), 600)
            elapsed = time.monotonic() - started
        result.update(throughput=chats / elapsed, all_replies=True,
                      help_p99=percentile(helps, 0.99), peak_rss_mb=sampler.peak / 1024)
    finally:
        await stop_polling(application)
        botapi.stop()
    return result


async def main_async(args: argparse.Namespace) -> None:
    with serve_site() as base:
        default = os.cpu_count() or 1
        runs = [await measure(n, args.chats, args.samples, base) for n in (1, default)]
    one, many = runs
    print(f"bot end to end, {args.chats} chats, {args.samples} latency samples; "
          f"{len(ARTICLE_800.split())}-word article")
    pool_label = f"{many['workers']} workers"
    print(f"{'':34}{'1 worker':>12}{pool_label:>12}   target")
    rows = [("pasted text reply p50 (s)", "text_p50", "≤ 0.5"),
            ("pasted text reply p95 (s)", "text_p95", "≤ 1.0"),
            ("link reply p50 (s)", "link_p50", ""), ("link reply p95 (s)", "link_p95", ""),
            ("throughput (breakdowns/s)", "throughput", ""),
            ("/help p99 under saturation (s)", "help_p99", "≤ 0.1"),
            ("RSS idle (MB)", "idle_rss_mb", ""), ("peak RSS under load (MB)", "peak_rss_mb",
                                                   "≤ 700")]
    for label, key, target in rows:
        print(f"{label:34}{one[key]:>12.3f}{many[key]:>12.3f}   {target}")
    print(f"throughput ratio pool/1 worker: {many['throughput'] / one['throughput']:.2f} "
          f"(target ≥ 1.6); every reply received: {one['all_replies'] and many['all_replies']}")
    print("command: python bench/bot_load.py " + " ".join(sys.argv[1:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--samples", type=int, default=10)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
