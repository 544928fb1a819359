"""A real `python -m bot worker` (a Celery worker node) as a child process of the tests,
configured only through its environment, started and stopped by PID."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bot.worker_process import proc_stat
from tests.processes import CLOCK_TICKS, ServiceProcess, log_says

START_SECONDS = 90.0
BUSY_CPU_SECONDS = 0.3


def redis_db(redis_url: str, db: int) -> str:
    """The same server, database `db`: each test's jobs and queue apart from the others'."""
    return redis_url.rsplit("/", 1)[0] + f"/{db}"


def long_text(paragraphs: int, tag: str) -> str:
    """A text taking about paragraphs/150 s to analyse; `tag` makes its job its own."""
    return f"{tag}.\n\n" + "\n\n".join(
        f"The mayor said on day {i} that the bridge would cost {i} million dollars more, "
        "and officials warned the work could take many more years." for i in range(paragraphs))


class WorkerNode(ServiceProcess):
    """One worker node: the Celery parent and its prefork children, logging to
    `workdir/worker.log`; a fresh node name at each start unless `hostname` is given."""

    # Celery's warm shutdown is the parent's to run: a SIGTERM to a child ends its job.
    terminate_group = False

    def __init__(self, redis_url: str, workdir: Path, *, concurrency: int = 1,
                 env: dict[str, str] | None = None, hostname: str | None = None,
                 name: str = "worker") -> None:
        self.concurrency, self.hostname = concurrency, hostname
        super().__init__(name, [], workdir=workdir, env={
            "REDIS_URL": redis_url,
            # Celery refuses to run pickle-accepting workers as root; test containers run
            # as root. (Production runs workers as an ordinary user.)
            "C_FORCE_ROOT": "1",
            **(env or {}),
        }, ready=log_says(" ready."))

    def launch(self) -> None:
        hostname = self.hostname or f"test-{os.getpid()}-{time.monotonic_ns()}@localhost"
        self.argv = ["-m", "bot", "worker", f"--concurrency={self.concurrency}",
                     f"--hostname={hostname}"]
        super().launch()

    def start(self, timeout: float = START_SECONDS) -> WorkerNode:
        """Returns once the node says it is ready (models loaded, children forked)."""
        return super().start(timeout)

    def busy_child(self) -> int | None:
        """The child running a job: running (state R) with more CPU time than a newly
        forked child spends starting (~0.1 s), if exactly one is."""
        running = [pid for pid in self.children()
                   if (fields := proc_stat(pid)) is not None and fields[0] == "R"
                   and int(fields[11]) + int(fields[12]) >= BUSY_CPU_SECONDS * CLOCK_TICKS]
        return running[0] if len(running) == 1 else None

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM to the parent (Celery's warm shutdown: the jobs in hand finish), then
        SIGKILL for what lingers."""
        super().stop(timeout)
