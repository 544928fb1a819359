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
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

from bot.worker_process import proc_stat, process_alive
from tests.botapi.server import BotAPIServer

ROOT = Path(__file__).resolve().parent.parent


def children_of(pid: int) -> list[int]:
    """Every descendant of `pid` (analysis and extraction workers, multiprocessing's resource
    tracker), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := proc_stat(int(entry.name))) is not None:
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [child for child, ppid in parents.items() if ppid == parent]
        found += kids
        frontier += kids
    return found


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class BotProcess:
    """One `python -m bot run` child. `start()` returns once it is polling for updates."""

    def __init__(self, botapi: BotAPIServer, workdir: Path, *, database: Path | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.botapi, self.workdir = botapi, workdir
        self.database = database or workdir / "bot.sqlite3"
        self.log_path = workdir / "bot.log"
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            # The bot of this checkout, not whichever one the virtualenv has installed.
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": botapi.token,
            "TELEGRAM_BASE_URL": botapi.base_url,
            "DATABASE_PATH": str(self.database),
            "FETCH_ALLOW_PRIVATE": "true",  # the article server is on 127.0.0.1
            "USER_RATE_LIMIT": "10000",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.starts = 0

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout: float = 120) -> BotProcess:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        since = time.monotonic()
        # Its own session: a signal meant for the test runner does not reach the bot.
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=self.workdir,
                                        env=self.env, stdin=subprocess.DEVNULL,
                                        stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self.starts += 1
        deadline = time.monotonic() + timeout
        while not self.polling_since(since):
            if self.process.poll() is not None:
                raise RuntimeError(f"the bot exited with {self.process.returncode}:\n"
                                   + self.log_text()[-3000:])
            if time.monotonic() > deadline:
                raise TimeoutError("the bot did not start polling:\n" + self.log_text()[-3000:])
            time.sleep(0.05)
        return self

    def polling_since(self, since: float) -> bool:
        return any(r["method"] == "getUpdates" and r["time"] >= since
                   for r in self.botapi.requests)

    def tree(self) -> list[int]:
        return [self.pid, *children_of(self.pid)] if self.alive() else []

    def rss_mb(self) -> float:
        return sum(rss_kb(pid) for pid in self.tree()) / 1024

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> list[int]:
        """SIGKILL the bot process alone, as the OOM killer would; returns its children."""
        left = children_of(self.pid)
        os.kill(self.pid, signal.SIGKILL)
        assert self.process is not None
        self.process.wait(10)
        return left

    def terminate(self, timeout: float = 120) -> int:
        """SIGTERM to the whole process group, as systemd and docker stop do; the exit code."""
        assert self.process is not None
        os.killpg(self.pid, signal.SIGTERM)
        return self.process.wait(timeout)

    def stop(self) -> None:
        if self.alive():
            try:
                self.terminate(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                assert self.process is not None
                self.process.wait(10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_text(self) -> str:
        if self._log is not None:
            self._log.flush()
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


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
