"""Faults around the real bot process: Bot API failures, dead workers, a locked database,
SIGKILL and SIGTERM.

The bot is `python -m bot run` in its own process (tests/botproc.py), long-polling the Bot
API emulator on 127.0.0.1. Every test counts what it injected and what went missing into
tests/figures.py, which `bench/resilience.py` sums up.
"""

from __future__ import annotations

import itertools
import os
import signal
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.errors import AnalysisWorkerDied
from bot.worker_process import proc_stat, process_alive
from tests import figures
from tests.article_site import SEED_BODY
from tests.botapi.server import BotAPIServer
from tests.botproc import BotProcess, children_of

BODY = SEED_BODY
ARTICLE = BODY
LONG_ARTICLE = "\n\n".join([BODY] * 6)  # a few seconds of analysis: time to strike
MARKER = "Who said what"
_chats = itertools.count(10_000)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bot(botapi: BotAPIServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    process = BotProcess(botapi, tmp_path_factory.mktemp("faults"),
                         env={"ANALYSIS_WORKERS": "2"}).start()
    yield process
    process.stop()
    log = process.log_text()
    crashes = log.count("unhandled ") + (process.process is not None
                                        and process.process.returncode not in (0, None))
    figures.add("crashes", crashes)
    assert botapi.token not in log
    assert crashes == 0, log[-3000:]


def new_chats(count: int) -> list[int]:
    return [next(_chats) for _ in range(count)]


def breakdowns(botapi: BotAPIServer, chat: int) -> list[dict[str, Any]]:
    return [m for m in botapi.sent_messages(chat) if MARKER in (m.get("text") or "")]


def ask(botapi: BotAPIServer, chats: Iterable[int], text: str = ARTICLE) -> None:
    for chat in chats:
        botapi.send_user_message(chat, chat, text)


def expect_one_breakdown_each(botapi: BotAPIServer, chats: list[int], timeout: float) -> None:
    """Every chat gets exactly one breakdown; what is missing or doubled is counted."""
    try:
        botapi.wait_until(lambda: all(breakdowns(botapi, chat) for chat in chats), timeout)
    finally:
        counts = [len(breakdowns(botapi, chat)) for chat in chats]
        figures.add("lost_replies", counts.count(0))
        figures.add("duplicate_replies", sum(max(0, n - 1) for n in counts))
    assert counts == [1] * len(chats)


def typing_seen(botapi: BotAPIServer, chats: list[int]) -> bool:
    actions = {action["chat_id"] for action in botapi.chat_actions}
    return all(chat in actions for chat in chats)


def committed_events(database: Path) -> set[tuple[Any, ...]]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        rows = set(db.execute("SELECT * FROM usage_events"))
    db.close()
    return rows


def test_flood_limits_and_server_errors_are_ridden_out(botapi: BotAPIServer,
                                                       bot: BotProcess) -> None:
    chats = new_chats(4)
    before = sum(botapi.faults.values())
    botapi.flood(retry_after=1, count=2)  # 429 with retry_after, as Telegram sends it
    botapi.fail_next("sendMessage", status=500, count=3)
    botapi.fail_next("sendMessage", status=502, count=2)
    ask(botapi, chats)
    expect_one_breakdown_each(botapi, chats, timeout=60)
    injected = sum(botapi.faults.values()) - before
    figures.add("faults_injected", injected)
    assert injected == 7


def test_timeouts_are_retried_without_duplicates(botapi: BotAPIServer, bot: BotProcess) -> None:
    chats = new_chats(2)
    ask(botapi, chats, LONG_ARTICLE)
    botapi.wait_until(lambda: typing_seen(botapi, chats), 30)
    botapi.stall(8)  # longer than the bot's 5 s read timeout: every call in it times out
    figures.add("faults_injected")
    expect_one_breakdown_each(botapi, chats, timeout=90)


def test_a_30_second_outage_loses_no_reply(botapi: BotAPIServer, bot: BotProcess) -> None:
    before, during = new_chats(3), new_chats(3)
    ask(botapi, before, LONG_ARTICLE)
    botapi.wait_until(lambda: typing_seen(botapi, before), 30)
    botapi.outage(30)
    figures.add("faults_injected")
    time.sleep(1)
    ask(botapi, during)  # users keep writing while the bot can't reach Telegram
    botapi.wait_until(lambda: not botapi.down, 40)
    back = time.monotonic()
    expect_one_breakdown_each(botapi, before + during, timeout=90)
    print(f"\nall replies delivered {time.monotonic() - back:.1f} s after the Bot API returned")


def test_a_killed_worker_costs_one_reply_and_the_pool_recovers(botapi: BotAPIServer,
                                                               bot: BotProcess) -> None:
    victim, later = new_chats(1), new_chats(3)
    ask(botapi, victim, LONG_ARTICLE)
    botapi.wait_until(lambda: typing_seen(botapi, victim), 30)

    def busy_workers() -> list[int]:
        return [pid for pid in children_of(bot.pid) if (proc_stat(pid) or ["gone"])[0] == "R"]

    workers = botapi.wait_until(busy_workers, 10)
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    figures.add("faults_injected", len(workers))
    reply = botapi.wait_until(lambda: botapi.sent_messages(victim[0]), 30)
    assert reply[-1]["text"] == AnalysisWorkerDied.user_message
    ask(botapi, later)
    expect_one_breakdown_each(botapi, later, timeout=60)
    assert bot.alive()


def test_a_locked_database_delays_the_usage_event_but_loses_it_not(botapi: BotAPIServer,
                                                                   bot: BotProcess) -> None:
    chats = new_chats(1)
    blocker = sqlite3.connect(bot.database, timeout=5, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        figures.add("faults_injected")
        ask(botapi, chats)
        expect_one_breakdown_each(botapi, chats, timeout=60)  # the reply does not wait
        time.sleep(2)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    events = botapi.wait_until(lambda: [row for row in committed_events(bot.database)
                                        if row[2] == chats[0]], 15)
    assert len(events) == 1


def test_sigkill_under_load_keeps_the_database_and_every_committed_event(
        botapi: BotAPIServer, bot: BotProcess) -> None:
    chats = new_chats(16)
    ask(botapi, chats)
    botapi.wait_until(lambda: sum(bool(breakdowns(botapi, c)) for c in chats) >= 4, 60)
    committed = committed_events(bot.database)  # what the bot had committed so far
    children = bot.kill()
    figures.add("faults_injected")
    botapi.wait_until(lambda: not any(process_alive(pid) for pid in children), 10)

    with sqlite3.connect(bot.database) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    db.close()
    lost = committed - committed_events(bot.database)
    figures.add("lost_committed_events", len(lost))
    assert not lost
    figures.add("in_flight_at_sigkill", sum(not breakdowns(botapi, c) for c in chats))

    bot.start()  # a supervisor restarts it on the same database
    after = new_chats(2)
    ask(botapi, after)
    expect_one_breakdown_each(botapi, after, timeout=60)
    assert committed <= committed_events(bot.database)


def test_sigterm_finishes_the_replies_in_flight(botapi: BotAPIServer, bot: BotProcess) -> None:
    chats = new_chats(6)
    ask(botapi, chats, LONG_ARTICLE)
    botapi.wait_until(lambda: typing_seen(botapi, chats), 30)  # all six are being analysed
    children = children_of(bot.pid)
    figures.add("faults_injected")
    assert bot.terminate() == 0
    expect_one_breakdown_each(botapi, chats, timeout=1)  # already there when it exited
    botapi.wait_until(lambda: not any(process_alive(pid) for pid in children), 10)
    bot.start()
