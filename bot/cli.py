"""Command line: ``python -m bot breakdown [--json] [--published YYYY-MM-DD] [--no-cache]
SOURCE...``, ``python -m bot run`` (the Telegram bot), ``python -m bot serve`` (a webhook
front-end), ``python -m bot set-webhook [--delete]``, ``python -m bot worker`` (a Celery
worker for the front-ends) and ``python -m bot stats``."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.breakdown import Breakdown
from bot.errors import UserFacingError
from bot.render import render_json, render_terminal
from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from bot.workers import ManagedWorkers

_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


class SourceError(Exception):
    """A source that cannot be read; the message is shown to the user as is."""


def read_source(name: str) -> str:
    """The text of a file path, or of standard input for ``-``."""
    if name == "-":
        data = sys.stdin.buffer.read()
        label = "standard input"
    else:
        path = Path(name)
        if not path.exists():
            raise SourceError(f"{name}: no such file")
        if path.is_dir():
            raise SourceError(f"{name}: is a directory, not a text file")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise SourceError(f"{name}: cannot read ({error.strerror})") from error
        label = name
    if b"\x00" in data[:8192]:
        raise SourceError(f"{label}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(
            f"{label}: not UTF-8 text (byte {error.start}); convert it first, "
            "e.g. iconv -f latin1 -t utf-8"
        ) from error


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2020-02-05") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Break news articles down: summary, who said what, key dates and "
                    "claims with no source — from a link, a text file or standard input, "
                    "here or as a Telegram bot.")
    commands = parser.add_subparsers(dest="command", required=True)
    breakdown = commands.add_parser(
        "breakdown", help="break down articles: links, text files or stdin",
        description="Break down each SOURCE: a link (the page is fetched and its article "
                    "text extracted), a UTF-8 text file, or - for standard input.",
        epilog="Links to private or local addresses (localhost, 10.x, 192.168.x, …) are "
               "refused unless FETCH_ALLOW_PRIVATE=true (environment or .env).")
    breakdown.add_argument("sources", nargs="+", metavar="SOURCE",
                           help="a link (http:// or https://), a text file, or - for stdin")
    breakdown.add_argument("--json", action="store_true",
                           help="print the JSON contract (JSON Lines for several sources)")
    breakdown.add_argument("--published", type=_date, metavar="YYYY-MM-DD",
                           help="publication date of text sources (links bring their own)")
    breakdown.add_argument("--no-cache", action="store_true",
                           help="fetch links afresh and do not store their breakdowns")
    commands.add_parser("run", help="run the Telegram bot (TELEGRAM_BOT_TOKEN)")
    commands.add_parser(
        "serve", help="run a stateless webhook front-end (REDIS_URL, WEBHOOK_SECRET)",
        description="Take updates Telegram POSTs to WEBHOOK_URL's path, on "
                    "WEBHOOK_LISTEN:WEBHOOK_PORT. Several may run behind one proxy: they "
                    "share Redis (REDIS_URL) and the database (DATABASE_URL). Never calls "
                    "setWebhook: see set-webhook.")
    set_hook = commands.add_parser(
        "set-webhook", help="register WEBHOOK_URL with Telegram (or --delete it)",
        description="Call setWebhook once with WEBHOOK_URL, WEBHOOK_SECRET and "
                    "WEBHOOK_MAX_CONNECTIONS, for every update type; print getWebhookInfo.")
    set_hook.add_argument("--delete", action="store_true",
                          help="remove the webhook (back to getUpdates)")
    commands.add_parser("stats", help="print usage statistics")
    worker = commands.add_parser(
        "worker", help="run a Celery worker: analyses and page extractions from REDIS_URL",
        description="Run analyses and page extractions sent by the webhook front-ends "
                    "through Redis (REDIS_URL), in a pool of worker processes.")
    worker.add_argument("--concurrency", type=int, default=0, metavar="N",
                        help="worker processes (default: ANALYSIS_WORKERS, or the CPU count)")
    worker.add_argument("--hostname", default="", help="this worker's name (Celery's -n)")
    return parser


def _print(breakdowns: list[Breakdown], *, as_json: bool) -> None:
    if as_json:
        indent = 2 if len(breakdowns) == 1 else None
        for item in breakdowns:
            print(render_json(item, indent=indent))
        return
    colour = sys.stdout.isatty()
    print(("\n\n" + "─" * 40 + "\n\n").join(render_terminal(b, colour=colour)
                                            for b in breakdowns))


async def _breakdown_links(urls: list[str], settings: Settings,
                           use_cache: bool) -> dict[str, Breakdown]:
    from bot.process_workers import ProcessWorkers  # httpx and pebble only for links
    from bot.service import breakdown_link
    from bot.store.opening import open_store

    # One worker, started by the first page that needs it (a refused link starts none).
    workers = ProcessWorkers.from_settings(settings, size=1)
    store = await open_store(settings) if use_cache else None
    results: dict[str, Breakdown] = {}
    try:
        for url in urls:
            try:
                results[url] = (await breakdown_link(url, settings=settings, store=store,
                                                     workers=workers)).breakdown
            except UserFacingError as error:
                raise SourceError(f"{url}: {_link_error(error)}") from error
        return results
    finally:
        await asyncio.to_thread(workers.shutdown)
        if store is not None:
            await store.close()


def _link_error(error: UserFacingError) -> str:
    """The user's message, plus, on the command line, the setting that allows it: whoever
    runs the command can set it (a chat user cannot, so the bot never says it)."""
    from bot.fetch.errors import AddressNotAllowed

    message = error.user_message
    if isinstance(error, AddressNotAllowed):
        message += (" To allow them (a self-hosted site, tests), set FETCH_ALLOW_PRIVATE=true "
                    "in the environment or .env.")
    return message


def run_bot() -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not settings.telegram_bot_token:
        print("error: TELEGRAM_BOT_TOKEN is not set (put it in the environment or .env; "
              "see .env.example)", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from handlers.app import run

    run(settings)
    return 0


# numpy's BLAS (OpenBLAS) starts a thread per CPU in every process that loads the model;
# spaCy's small matrices gain nothing from them (0.20 s vs 0.21 s an 800-word article), but
# the extra thread spins: 0.32 CPU-s an article instead of 0.21 (bench/scale.py). With one
# job per child, children are the parallelism: each keeps to one core. An operator's own
# setting wins.
_MATH_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def single_threaded_math() -> None:
    """One BLAS thread per process; must run before numpy is first imported."""
    for name in _MATH_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")


def run_worker(concurrency: int, hostname: str) -> int:
    settings = _settings_or_none()
    if settings is None:
        return 2
    if not settings.redis_url:
        print("error: REDIS_URL is not set: the worker takes its jobs from Redis (put it in "
              "the environment or .env)", file=sys.stderr)
        return 2
    if concurrency < 0:
        print("error: --concurrency must be 0 (the default) or more", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    single_threaded_math()
    from bot.celery_workers.tasks import run_worker as run_celery_worker

    run_celery_worker(settings, concurrency=concurrency, hostname=hostname)
    return 0


def _settings_or_none() -> Settings | None:
    try:
        return Settings.from_env()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return None


def serve_bot(workers: ManagedWorkers | None = None) -> int:
    """`python -m bot serve`; `workers` replaces the settings' choice (tests)."""
    from handlers.webhook_commands import serve_problem, serve_until_signalled

    settings = _settings_or_none()
    if settings is None:
        return 2
    if problem := serve_problem(settings):
        print(f"error: {problem}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from redis.exceptions import RedisError
    from telegram.error import TelegramError

    from bot.worker_choice import workers_for

    try:
        asyncio.run(serve_until_signalled(settings, workers or workers_for(settings, "serve")))
    except RedisError as error:
        print(f"error: cannot use Redis at REDIS_URL: {error}", file=sys.stderr)
        return 1
    except TelegramError as error:  # getMe at start: the token refused, or no Bot API
        reason = error.message.replace(settings.telegram_bot_token, "TELEGRAM_BOT_TOKEN")
        print(f"error: cannot reach the Bot API at TELEGRAM_BASE_URL: {reason}",
              file=sys.stderr)
        return 1
    except OSError as error:  # the port is taken, or the address is not this machine's
        print(f"error: cannot listen on {settings.webhook_listen}:{settings.webhook_port} "
              f"(WEBHOOK_LISTEN, WEBHOOK_PORT): {error.strerror or error}", file=sys.stderr)
        return 1
    return 0


def set_webhook_command(*, delete: bool) -> int:
    from telegram.error import TelegramError

    from handlers.webhook_commands import print_info, set_webhook, set_webhook_problem

    settings = _settings_or_none()
    if settings is None:
        return 2
    if problem := set_webhook_problem(settings, delete=delete):
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        info = asyncio.run(set_webhook(settings, delete=delete))
    except TelegramError as error:  # refused, bad token, or unreachable
        # PTB's InvalidToken message quotes the token: it would land in a terminal or a log.
        reason = error.message.replace(settings.telegram_bot_token, "TELEGRAM_BOT_TOKEN")
        print(f"error: Telegram did not {'delete' if delete else 'set'} the webhook: "
              f"{reason}", file=sys.stderr)
        return 1
    print_info(info)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        return run_bot()
    if args.command == "serve":
        return serve_bot()
    if args.command == "set-webhook":
        return set_webhook_command(delete=args.delete)
    if args.command == "worker":
        return run_worker(args.concurrency, args.hostname)
    if args.command == "stats":
        from bot.stats import main_stats

        return main_stats()
    urls = [name for name in args.sources if _URL.match(name)]
    try:
        texts = {name: read_source(name) for name in args.sources if name not in urls}
        settings = Settings.from_env()
    except (SourceError, SettingsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    fetched: dict[str, Breakdown] = {}
    if urls:
        try:
            fetched = asyncio.run(_breakdown_links(urls, settings, not args.no_cache))
        except SourceError as error:
            print(f"error: {error}", file=sys.stderr)
            return 3
    from bot.breakdown.engine import analyze  # not at the top: `bot run` must not load spaCy

    breakdowns = [fetched[name] if name in fetched else
                  analyze(texts[name], published=args.published,
                          spacy_model=settings.spacy_model) for name in args.sources]
    _print(breakdowns, as_json=args.json)
    return 0
