"""Run `extract_article` in worker processes that can be killed when they run too long.

Why not `concurrent.futures.ProcessPoolExecutor`: it cannot cancel a task that has started,
so one adversarial page (a 6 MB page of links took 69 s and 633 MiB in trafilatura) would hold
a worker, and its memory, long after the user got the timeout message. Here each worker is
a `multiprocessing.Process` owned by this module and talked to over its own pipe; when a job
overruns, that one process is killed and replaced, and the others carry on.

Workers are spawned (see `bot.worker_process.WORKER_CONTEXT` for why) and follow the bot's lifetime.
They start on first use (or `start()`), import trafilatura once, and then serve one job at a
time. The waiting is done in a thread (`asyncio.to_thread`) with `Connection.poll(timeout)`,
so nothing here is bound to one event loop.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import queue
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from bot.fetch.article import Article
from bot.fetch.errors import FetchError, FetchTimeout, NoArticleText
from bot.fetch.extract import extract_article
from bot.worker_process import WORKER_CONTEXT, become_worker

Target = Callable[..., Article]
_DEFAULT_WORKERS = max(1, min(2, os.cpu_count() or 1))


def _serve(conn: Connection, bot_pid: int) -> None:
    """Worker loop: (target, args, kwargs) in, ("ok", Article) or ("error", exception) out."""
    become_worker(bot_pid)
    while True:
        try:
            job = conn.recv()
        except EOFError:  # the bot went away
            return
        if job is None:
            return
        target, args, kwargs = job
        try:
            conn.send(("ok", target(*args, **kwargs)))
        except FetchError as exc:
            conn.send(("error", exc))
        except Exception as exc:  # trafilatura/lxml failures are "no article", not a crash
            conn.send(("error", NoArticleText(f"extraction failed: {exc!r}"[:300])))


class _Worker:
    def __init__(self) -> None:
        self.conn, child = WORKER_CONTEXT.Pipe()
        self.process = WORKER_CONTEXT.Process(target=_serve, args=(child, os.getpid()),
                                              daemon=True, name="extract-worker")
        self.process.start()
        child.close()

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: a worker stuck in C code (lxml) ignores SIGTERM
        self.process.join(timeout=5)
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.kill()
        else:
            self.conn.close()


class ExtractionPool:
    """A fixed number of killable extraction workers; safe to use from several threads."""

    def __init__(self, workers: int = _DEFAULT_WORKERS) -> None:
        self._size = workers
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._started = False
        self._all: set[_Worker] = set()

    def start(self) -> None:
        with self._lock:
            if not self._started:
                for _ in range(self._size):
                    self._idle.put(self._new_worker())
                self._started = True

    def _new_worker(self) -> _Worker:
        worker = _Worker()
        self._all.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            if self._started:
                self._idle.put(self._new_worker())

    def run(self, target: Target, args: tuple[Any, ...], kwargs: dict[str, Any],
            timeout: float) -> Article:
        """Blocking: run `target(*args, **kwargs)` in a worker, killing it after `timeout` s."""
        self.start()
        worker = self._idle.get()
        try:
            worker.conn.send((target, args, kwargs))
            ready = worker.conn.poll(timeout)
            reply: tuple[str, Any] = worker.conn.recv() if ready else ("timeout", None)
            status, value = reply
        except (EOFError, OSError) as exc:  # the worker died (e.g. killed for memory)
            self._replace(worker)
            raise NoArticleText(f"extraction worker died: {exc!r}") from None
        if status == "timeout":
            self._replace(worker)
            raise FetchTimeout(f"extraction timed out after {timeout:g} s")
        self._idle.put(worker)
        if status == "error":
            raise value
        return value

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid is not None]

    def shutdown(self) -> None:
        with self._lock:
            self._started = False
            workers, self._all = self._all, set()
        while True:  # drain the idle queue so a later start() builds fresh workers
            try:
                self._idle.get_nowait()
            except queue.Empty:
                break
        for worker in workers:
            worker.stop()


_pool = ExtractionPool()
# Before multiprocessing's own exit hook, which would SIGTERM these daemon workers and wait
# for them forever: they ignore SIGTERM (see bot.worker_process). atexit runs hooks last-in,
# first-out, and multiprocessing registered its hook when it was imported, before this.
atexit.register(_pool.shutdown)


async def extract_in_worker(html: bytes, url: str | None, *, timeout: float,
                            declared_charset: str | None = None, text_plain: bool = False,
                            _target: Target = extract_article) -> Article:
    """`extract_article` in a worker process; `FetchTimeout` after `timeout` seconds.

    `_target` is for tests: any picklable (module-level) function with the same signature.
    """
    kwargs = {"declared_charset": declared_charset, "text_plain": text_plain}
    return await asyncio.to_thread(_pool.run, _target, (html, url), kwargs, timeout)


def start() -> None:
    """Start the workers now (they import trafilatura, ~1 s) rather than on the first link."""
    _pool.start()


def worker_pids() -> list[int]:
    return _pool.worker_pids()


def shutdown() -> None:
    """Stop every worker; call on exit. A later call to `extract_in_worker` starts new ones."""
    _pool.shutdown()
