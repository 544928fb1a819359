"""Worker processes with a time limit on every task, built on `pebble.ProcessPool`.

Why not `concurrent.futures.ProcessPoolExecutor`: it cannot stop a task that has started, so
one adversarial page (a 6 MB page of links took 69 s and 633 MiB in trafilatura) or a stuck
analysis would hold a worker, and its memory, long after the user was told; and one worker
that dies breaks the executor for good. Here a task past its limit (or cancelled) has its
worker killed and replaced, a worker that dies fails only its own task, and the other
workers carry on. `bench/pools.py` measures this against the two pools it replaced.

Workers are spawned with `bot.worker_process.WORKER_CONTEXT` and behave as that module says
(lower priority, deaf to stop signals, gone with the bot). They start with the pool, on
its first task or `start()`, and each runs the initializer once.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from bot.worker_process import WORKER_CONTEXT, become_worker

T = TypeVar("T")
START_TIMEOUT = 300.0  # seconds for every worker to be ready (spaCy loads in about 1 s)
_PROBE_SECONDS = 0.05  # a probe keeps its worker busy that long, so each worker gets one


class TaskTimedOut(Exception):
    """The task ran past its time limit; its worker was killed and is being replaced."""


class WorkerDied(Exception):
    """The worker running the task died (killed, out of memory); another replaces it."""


def _start_worker(bot_pid: int, initializer: Callable[[], None] | None) -> None:
    become_worker(bot_pid)
    if initializer is not None:
        initializer()


def _call(function: Callable[..., T], args: tuple[Any, ...]) -> T:
    """Every task runs through this, in its worker."""
    try:
        return function(*args)
    except TimeoutError as error:
        # The pool's own time limit reaches the caller as TimeoutError: a task's own one
        # must not pass for it.
        raise RuntimeError(f"the task raised {error!r}") from None


def _probe() -> int:
    time.sleep(_PROBE_SECONDS)
    return os.getpid()


class KillablePool:
    """`size` worker processes; `run` gives each task a time limit. Thread-safe.

    A pool whose workers all died while idle is broken for pebble; it is then replaced by a
    fresh one, as a pool broken any other way is.
    """

    def __init__(self, *, size: int, initializer: Callable[[], None] | None = None) -> None:
        if size < 1:
            raise ValueError(f"a pool needs at least one worker, not {size}")
        self.size = size
        self._initializer = initializer  # module-level: the workers import it by name
        self._lock = threading.Lock()
        self._pool: ProcessPool | None = None

    def _current(self) -> ProcessPool:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPool(max_workers=self.size, context=WORKER_CONTEXT,
                                         initializer=_start_worker,
                                         initargs=(os.getpid(), self._initializer))
            return self._pool

    def _discard(self, pool: ProcessPool) -> None:
        """Forget a broken pool (the next task starts a fresh one) and stop its workers."""
        with self._lock:
            if self._pool is not pool:
                return  # another task replaced it already
            self._pool = None
        pool.stop()
        # Joining waits for pebble's threads: not on the caller's event loop.
        threading.Thread(target=pool.join, name="discard-pool", daemon=True).start()

    def _schedule(self, function: Callable[..., T], args: tuple[Any, ...],
                  timeout: float | None) -> tuple[ProcessPool, Future[T]]:
        pool = self._current()
        try:
            return pool, pool.schedule(_call, args=(function, args), timeout=timeout)
        except RuntimeError:  # broken before the task was given: a fresh pool takes it
            self._discard(pool)
            pool = self._current()
            return pool, pool.schedule(_call, args=(function, args), timeout=timeout)

    async def run(self, function: Callable[..., T], *args: Any, timeout: float) -> T:
        """`function(*args)` in a worker; `function` must be importable by name.

        Raises `TaskTimedOut` after `timeout` seconds of running (waiting for a free worker
        does not count) and `WorkerDied` if the worker dies; the task's own exceptions are
        raised as themselves. Cancelling the caller kills the worker of a running task.
        """
        for attempt in range(2):
            pool, future = self._schedule(function, args, timeout)
            try:
                return await asyncio.wrap_future(future)
            except TimeoutError:
                raise TaskTimedOut(f"{function.__name__} ran past its {timeout:g} s "
                                   "limit") from None
            except ProcessExpired as error:
                raise WorkerDied(f"worker {error.pid} ended with exit code {error.exitcode} "
                                 f"running {function.__name__}") from None
            except BrokenProcessPool as error:
                # pebble breaks when a worker dies while no task runs: this task had not
                # started, so it is given once more, to a fresh pool.
                self._discard(pool)
                if attempt:
                    raise WorkerDied(f"the pool broke running {function.__name__}: "
                                     f"{error}") from None
        raise AssertionError("unreachable")

    def start(self) -> None:
        """Blocking: start the workers and return once every one has run the initializer,
        so that no request waits for it."""
        deadline = time.monotonic() + START_TIMEOUT
        ready: set[int] = set()
        while len(ready) < self.size:
            # A worker takes a task only once its initializer is done; each probe keeps
            # its worker busy a moment, so that the idle ones take the others.
            probes = [self._schedule(_probe, (), None)[1] for _ in range(self.size)]
            ready.update(probe.result(timeout=max(0.0, deadline - time.monotonic()))
                         for probe in probes)

    def shutdown(self) -> None:
        """Blocking: let the tasks already given finish (each has its time limit), then
        stop every worker. A later task starts a fresh pool."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
            pool.join()
