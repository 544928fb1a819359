"""The real bot as its own process: `python -m bot run`, configured only through its environment.

Resilience tests and `bench/bot_load.py` use it to do what a supervisor does to a bot: start it,
SIGKILL it under load, stop it with SIGTERM, restart it on the same database, and read its
process tree's memory. The bot talks to a `tests.botapi.BotAPIServer` and logs to a file
(the tests read the log to check that the token never appears in it).
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

from bot.worker_process import process_alive
from tests.botapi.server import BotAPIServer
from tests.processes import ROOT, ServiceProcess, children_of, rss_kb

__all__ = ["ROOT", "BotProcess", "children_of", "ended", "rss_kb"]


class BotProcess(ServiceProcess):
    """One `python -m bot run` child. `start()` returns once it is polling for updates."""

    def __init__(self, botapi: BotAPIServer, workdir: Path, *, database: Path | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.botapi = botapi
        self.database = database or workdir / "bot.sqlite3"
        super().__init__("bot", ["-m", "bot", "run"], workdir=workdir, env={
            "TELEGRAM_BOT_TOKEN": botapi.token,
            "TELEGRAM_BASE_URL": botapi.base_url,
            "DATABASE_PATH": str(self.database),
            "FETCH_ALLOW_PRIVATE": "true",  # the article server is on 127.0.0.1
            "USER_RATE_LIMIT": "10000",
            **(env or {}),
        }, ready=lambda bot: self.polling_since(bot.started_at))

    def polling_since(self, since: float) -> bool:
        return any(r["method"] == "getUpdates" and r["time"] >= since
                   for r in self.botapi.requests)

    def kill(self) -> list[int]:  # type: ignore[override]
        """SIGKILL the bot process alone, as the OOM killer would; returns its children."""
        left = children_of(self.pid)
        os.kill(self.pid, signal.SIGKILL)
        assert self.process is not None
        self.process.wait(10)
        return left


async def ended(pid: int, timeout: float = 10.0) -> bool:
    """Whether `pid` is gone within `timeout` seconds. A pool kills a worker from its own
    thread and reports the task's end at the same moment, so the kill may land a little
    after the caller hears of it."""
    deadline = time.monotonic() + timeout
    while process_alive(pid):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True
