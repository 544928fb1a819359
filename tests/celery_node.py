"""A real `python -m bot worker` (a Celery worker node) as a child process of the tests,
configured only through its environment, started and stopped by PID."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

from bot.worker_process import proc_stat
from tests.botproc import ROOT, children_of

START_SECONDS = 90.0
BUSY_CPU_SECONDS = 0.3
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def redis_db(redis_url: str, db: int) -> str:
    """The same server, database `db`: each test's jobs and queue apart from the others'."""
    return redis_url.rsplit("/", 1)[0] + f"/{db}"


def long_text(paragraphs: int, tag: str) -> str:
    """A text taking about paragraphs/150 s to analyse; `tag` makes its job its own."""
    return f"{tag}.\n\n" + "\n\n".join(
        f"The mayor said on day {i} that the bridge would cost {i} million dollars more, "
        "and officials warned the work could take many more years." for i in range(paragraphs))


class WorkerNode:
    """One worker node: the Celery parent and its prefork children."""

    def __init__(self, redis_url: str, workdir: Path, *, concurrency: int = 1,
                 env: dict[str, str] | None = None) -> None:
        self.workdir = workdir
        self.log_path = workdir / "worker.log"
        self.concurrency = concurrency
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ROOT),  # this checkout's bot
            "PYTHONUNBUFFERED": "1",
            "REDIS_URL": redis_url,
            # Celery refuses to run pickle-accepting workers as root; test containers run
            # as root. (Production runs workers as an ordinary user.)
            "C_FORCE_ROOT": "1",
            **(env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> WorkerNode:
        """Returns once the node says it is ready (models loaded, children forked)."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        offset = self.log_path.stat().st_size
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "worker", f"--concurrency={self.concurrency}",
             f"--hostname=test-{os.getpid()}-{time.monotonic_ns()}@localhost"],
            cwd=self.workdir, env=self.env, stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_SECONDS
        while " ready." not in self.log_text()[offset:]:
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited with {self.process.returncode}:\n"
                                   + self.log_text()[-3000:])
            if time.monotonic() > deadline:
                raise TimeoutError("the worker did not get ready:\n" + self.log_text()[-3000:])
            time.sleep(0.05)
        return self

    def children(self) -> list[int]:
        return children_of(self.pid) if self.process is not None else []

    def busy_child(self) -> int | None:
        """The child running a job: running (state R) with more CPU time than a newly
        forked child spends starting (~0.1 s), if exactly one is."""
        running = [pid for pid in self.children()
                   if (fields := proc_stat(pid)) is not None and fields[0] == "R"
                   and int(fields[11]) + int(fields[12]) >= BUSY_CPU_SECONDS * CLOCK_TICKS]
        return running[0] if len(running) == 1 else None

    def kill(self) -> None:
        """SIGKILL the parent and every child at once, as a machine that vanishes."""
        for pid in [*self.children(), self.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        assert self.process is not None
        self.process.wait(10)

    def stop(self) -> None:
        """SIGTERM (Celery's warm shutdown), then SIGKILL for what lingers."""
        if self.process is not None and self.process.poll() is None:
            children = self.children()
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_text(self) -> str:
        if self._log is not None:
            self._log.flush()
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
