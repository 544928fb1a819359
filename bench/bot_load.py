"""The real bot under load, end to end: `python -m bot run` in its own process, talking to the
Bot API emulator and a news site, both on 127.0.0.1.

    python bench/bot_load.py [--chats 50] [--rounds 5] [--samples 20] [--helps 150]

For one analysis worker and for the default pool (one per CPU), side by side in one run (both
bots run at once, and each measurement alternates between them):

- reply latency p50/p95 for a pasted ~800-word article and for a link to a local page, with
  the share of that time spent in fetch, analysis, rendering and Telegram I/O (the bot
  records its stages in usage_events; Telegram I/O is the rest: the update reaching the
  bot and the reply reaching the Bot API server);
- throughput when `--chats` chats send an article at once (`--rounds` times), every reply
  checked against the one the bot gives for the same article when idle;
- /help latency p99 while those breakdowns saturate the pool;
- RSS of the bot's whole process tree (bot, workers, helpers): idle, and peak under load.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.process_workers import ProcessWorkers  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.article_site import seed_words, serve_site  # noqa: E402
from tests.botapi.server import BotAPIServer  # noqa: E402
from tests.botproc import BotProcess  # noqa: E402

ARTICLE_800 = seed_words(800)  # ~800 words of real news prose
MARKER = "Who said what"
STAGES = ("fetch_ms", "analysis_ms", "render_ms")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


class RSSSampler:
    """Peak resident memory of the bot's process tree, sampled every 50 ms."""

    def __init__(self, bot: BotProcess) -> None:
        self.bot, self.peak, self._stop = bot, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.bot.rss_mb())
            time.sleep(0.05)

    def __enter__(self) -> RSSSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def breakdown_replies(botapi: BotAPIServer, chat: int) -> list[dict[str, Any]]:
    return [m for m in botapi.sent_messages(chat) if MARKER in (m.get("text") or "")]


def count_replies(botapi: BotAPIServer, chats: list[int]) -> int:
    wanted = set(chats)
    return len({m["chat_id"] for m in botapi.sent_messages()
                if m["chat_id"] in wanted and MARKER in (m.get("text") or "")})


async def reply_time(botapi: BotAPIServer, chat: int, text: str, marker: str,
                     timeout: float = 120) -> float:
    """Seconds from the user's message to the bot's reply containing `marker`."""
    started = time.monotonic()
    botapi.send_user_message(chat, chat, text)
    reply = await botapi.wait_for(
        lambda: [m for m in botapi.sent_messages(chat) if marker in (m.get("text") or "")],
        timeout)
    return reply[-1]["time"] - started


def stage_shares(database: Path, chats: dict[int, float]) -> dict[str, float]:
    """Mean share of the end-to-end time per stage, over the `chats` (chat id -> seconds)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        rows = {row[0]: row[1:] for row in db.execute(
            f"SELECT chat_id, {', '.join(STAGES)} FROM usage_events WHERE outcome = 'ok'")}
    shares: dict[str, list[float]] = {name: [] for name in (*STAGES, "telegram_io")}
    for chat, seconds in chats.items():
        stages = [(ms or 0) / 1000 for ms in rows[chat]]
        for name, value in zip(STAGES, stages, strict=True):
            shares[name].append(value / seconds)
        shares["telegram_io"].append(max(0.0, seconds - sum(stages)) / seconds)
    return {name: statistics.fmean(values) for name, values in shares.items()}


class Rig:
    """One bot (with `workers` analysis workers) and its own Bot API emulator."""

    def __init__(self, workers: int, workdir: Path) -> None:
        self.workers = workers
        self.botapi = BotAPIServer().start()
        self.bot = BotProcess(self.botapi, workdir / f"workers-{workers}",
                              env={"ANALYSIS_WORKERS": str(workers)})
        self.chats = itertools.count(100)
        self.result: dict[str, Any] = {"workers": workers, "text": {}, "link": {},
                                       "throughput": [], "helps": [], "peak_rss_mb": 0.0}

    def close(self) -> None:
        self.bot.stop()
        self.botapi.stop()

    async def sample(self, kind: str, text: str) -> None:
        chat = next(self.chats)
        self.result[kind][chat] = await reply_time(self.botapi, chat, text, MARKER)

    async def burst(self, chats: int, helps: int) -> None:
        """`chats` articles at once; /help measured while they saturate the pool."""
        botapi, crowd = self.botapi, [next(self.chats) for _ in range(chats)]
        with RSSSampler(self.bot) as sampler:
            started = time.monotonic()
            for chat in crowd:
                botapi.send_user_message(chat, chat, ARTICLE_800)
            for _ in range(helps):
                chat = next(self.chats)
                self.result["helps"].append(await reply_time(botapi, chat, "/help",
                                                             "How to use", 30))
                await asyncio.sleep(0.02)
            helps_done = time.monotonic()
            # Polled gently: the emulator shares the machine with the bot being measured.
            while count_replies(botapi, crowd) < len(crowd):
                await asyncio.sleep(0.1)
            elapsed = time.monotonic() - started
        replies = [breakdown_replies(botapi, chat) for chat in crowd]
        expected = breakdown_replies(botapi, min(self.result["text"]))[0]["text"]
        self.result["throughput"].append(chats / elapsed)
        self.result["peak_rss_mb"] = max(self.result["peak_rss_mb"], sampler.peak)
        self.result.setdefault("all_correct", True)
        self.result["all_correct"] &= all(len(r) == 1 and r[0]["text"] == expected
                                          for r in replies)
        self.result.setdefault("saturated", True)
        self.result["saturated"] &= helps_done - started < elapsed


async def measure(args: argparse.Namespace, base: str, workdir: Path) -> list[dict[str, Any]]:
    """Both bots run side by side; every measurement alternates between them, so that a
    change in the machine's speed during the run affects both alike."""
    rigs = [Rig(n, workdir) for n in (1, os.cpu_count() or 1)]
    try:
        for rig in rigs:
            rig.bot.start()
        await asyncio.sleep(1.0)
        for rig in rigs:
            rig.result["idle_rss_mb"] = rig.bot.rss_mb()
        for i in range(args.samples):
            for rig in rigs:
                await rig.sample("text", ARTICLE_800)
                await rig.sample("link", f"{base}/article?n={rig.workers}-{i}")
        await asyncio.sleep(0.5)  # the last usage event is recorded after the reply
        for rig in rigs:
            for kind in ("text", "link"):
                rig.result[f"{kind}_shares"] = stage_shares(rig.bot.database,
                                                            rig.result[kind])
        for _ in range(args.rounds):
            for rig in rigs:
                await rig.burst(args.chats, args.helps // args.rounds)
    finally:
        for rig in rigs:
            rig.close()
    for rig in rigs:
        for kind in ("text", "link"):
            rig.result[kind] = list(rig.result[kind].values())
    return [rig.result for rig in rigs]


async def bare_pool_ratio(rounds: int, articles: int = 40) -> list[float]:
    """The same ratio for the analysis pool alone, without the bot: this machine's ceiling."""
    ratios = []
    for _ in range(rounds):
        rates = []
        for workers in (1, os.cpu_count() or 1):
            pool = ProcessWorkers.from_settings(Settings(), size=workers)
            await asyncio.to_thread(pool.start)
            await asyncio.gather(*[pool.analyze(ARTICLE_800) for _ in range(workers * 2)])
            started = time.monotonic()
            await asyncio.gather(*[pool.analyze(ARTICLE_800) for _ in range(articles)])
            rates.append(articles / (time.monotonic() - started))
            pool.shutdown()
        ratios.append(rates[1] / rates[0])
    return ratios


def print_table(one: dict[str, Any], many: dict[str, Any], args: argparse.Namespace) -> None:
    print(f"bot end to end: {args.chats} chats at once x {args.rounds} rounds, "
          f"{args.samples} latency samples of each kind, {len(one['helps'])} /help samples; "
          f"{len(ARTICLE_800.split())}-word article; the two bots measured alternately")
    pool_label = f"{many['workers']} workers"
    print(f"{'':38}{'1 worker':>10}{pool_label:>11}   target (pool)")

    def both(measure: Any) -> tuple[float, float]:
        return measure(one), measure(many)

    rows = [
        ("pasted text reply p50 (s)", both(lambda r: statistics.median(r["text"])), "≤ 0.5"),
        ("pasted text reply p95 (s)", both(lambda r: percentile(r["text"], .95)), "≤ 1.0"),
        ("link reply p50 (s)", both(lambda r: statistics.median(r["link"])), ""),
        ("link reply p95 (s)", both(lambda r: percentile(r["link"], .95)), ""),
        ("throughput, median round (per s)", both(lambda r: statistics.median(r["throughput"])),
         ""),
        ("/help p50 under saturation (s)", both(lambda r: statistics.median(r["helps"])), ""),
        ("/help p99 under saturation (s)", both(lambda r: percentile(r["helps"], .99)),
         "≤ 0.1"),
        ("/help slowest under saturation (s)", both(lambda r: max(r["helps"])), ""),
        ("RSS idle, process tree (MB)", both(lambda r: r["idle_rss_mb"]), ""),
        ("RSS peak under load (MB)", both(lambda r: r["peak_rss_mb"]), "≤ 700"),
    ]
    for label, (a, b), target in rows:
        print(f"{label:38}{a:>10.3f}{b:>11.3f}   {target}")
    for kind in ("text", "link"):
        shares = "  ".join(f"{name.removesuffix('_ms')} {many[f'{kind}_shares'][name]:.0%}"
                           for name in (*STAGES, "telegram_io"))
        print(f"where a {kind} reply's time goes ({pool_label}): {shares}")
    ratios = [b / a for a, b in zip(one["throughput"], many["throughput"], strict=True)]
    print(f"throughput ratio pool / 1 worker, per round: "
          f"{', '.join(f'{r:.2f}' for r in ratios)}; median {statistics.median(ratios):.2f} "
          f"(target ≥ 1.6)")
    bare = one["bare_pool_ratios"]
    print(f"the analysis pool alone, no bot (this machine's ceiling): "
          f"{', '.join(f'{r:.2f}' for r in bare)}; median {statistics.median(bare):.2f}")
    print(f"every reply received and identical to the idle reply: "
          f"{one['all_correct'] and many['all_correct']}; pool saturated while /help was "
          f"measured: {one['saturated'] and many['saturated']}")
    print("command: python bench/bot_load.py " + " ".join(sys.argv[1:]))


async def main_async(args: argparse.Namespace) -> None:
    with serve_site() as base, tempfile.TemporaryDirectory(prefix="bot-load-") as tmp:
        runs = await measure(args, base, Path(tmp))
    runs[0]["bare_pool_ratios"] = await bare_pool_ratio(args.rounds)
    one, many = runs
    print_table(one, many, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--helps", type=int, default=150, help="in all, over the rounds")
    parser.add_argument("--rounds", type=int, default=5)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
