"""Analysis off the event loop: a process pool whose workers each load spaCy once.

The bot keeps answering commands while articles are analysed. A worker that dies (killed,
out of memory) breaks a `ProcessPoolExecutor` for good, so the pool is rebuilt and only
the requests that were running fail.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bot.breakdown import Breakdown, Source
from bot.errors import AnalysisWorkerDied
from bot.worker_process import WORKER_CONTEXT, become_worker


def _start_worker(bot_pid: int) -> None:
    become_worker(bot_pid)
    # Load the pipeline when the worker starts, not on the first user's request.
    from bot.breakdown.nlp import get_nlp

    get_nlp()


def _analyze(text: str, published: dt.date | None, source: Source | None) -> Breakdown:
    from bot.breakdown.engine import analyze  # loaded once per worker, by _start_worker

    return analyze(text, published=published, source=source)


class AnalysisPool:
    def __init__(self, workers: int = 0) -> None:
        self.size = workers or os.cpu_count() or 1
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.size, mp_context=WORKER_CONTEXT,
                initializer=_start_worker, initargs=(os.getpid(),))
        return self._executor

    def start(self) -> None:
        """Start every worker now so that each has loaded spaCy before the first request."""
        pool = self._pool()
        for future in [pool.submit(os.getpid) for _ in range(self.size)]:
            future.result()

    async def analyze(self, text: str, *, published: dt.date | None = None,
                      source: Source | None = None) -> Breakdown:
        loop = asyncio.get_running_loop()
        pool = self._pool()
        try:
            return await loop.run_in_executor(pool, _analyze, text, published, source)
        except BrokenProcessPool as error:
            if self._executor is pool:
                self._executor = None  # the next request gets a fresh pool
                pool.shutdown(wait=False, cancel_futures=True)
            raise AnalysisWorkerDied(str(error)) from error

    def worker_pids(self) -> list[int]:
        """The live workers' process ids (for health checks and fault tests)."""
        executor = self._executor
        processes = getattr(executor, "_processes", None) or {}
        return [pid for pid, process in processes.items() if process.is_alive()]

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
