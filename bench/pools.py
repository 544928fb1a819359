"""The two worker pools the bot had against the one that replaced them, side by side.

    python bench/pools.py [--workers 2] [--calls 200] [--rounds 3] [--models]

- "executor": how the analysis pool ran, a `concurrent.futures.ProcessPoolExecutor` called
  with `run_in_executor` (no time limit per task: it cannot stop one);
- "pipes": how the extraction pool ran, a Process and a Pipe per worker, idle workers in a
  queue, each wait in a thread (`asyncio.to_thread`), a worker killed past its time limit;
- "pebble": `bot.process_pool.KillablePool`, what both became.

All three spawn workers that behave as the bot's (`bot.worker_process.become_worker`: nice
10, the lifeline thread) and are called from asyncio, as the bot calls them:

- start-up: from creating the pool until every worker has answered a first task
  (with `--models` also with each worker loading spaCy and the extractor first);
- round trip: one trivial task at a time, the median over `--calls`;
- throughput: `--calls` trivial tasks given at once, the time per task;
- a 1 MB page: a task whose argument is 1 MB, one at a time (a fetched page's size);
- a hung task: a task that hangs, its 0.5 s time limit, then the next task's answer (the
  time past the limit: the hung worker is killed, the other one answers); the executor
  cannot stop a task at all.

Each measure is the median of `--rounds` rounds, the pools taking turns in every round; the
ratio columns are pebble's time over the baseline's (below 1: pebble is faster).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import queue
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.process_pool import KillablePool, TaskTimedOut  # noqa: E402
from bot.process_workers import load_models  # noqa: E402
from bot.worker_process import WORKER_CONTEXT, become_worker  # noqa: E402

PAGE = b"x" * 1_000_000
LIMIT = 0.5  # seconds: the hanging task's time limit


def echo(value: int) -> int:
    return value


def size_of(page: bytes) -> int:
    return len(page)


def probe() -> int:
    time.sleep(0.05)  # each worker answers one of the probes
    return os.getpid()


def hang() -> None:
    time.sleep(600)


def start_worker(bot_pid: int, models: bool) -> None:
    become_worker(bot_pid)
    if models:
        load_models()


class Pool(Protocol):
    async def run(self, function: Callable[..., Any], *args: Any, timeout: float) -> Any: ...

    def shutdown(self) -> None: ...


class ExecutorPool:
    """The analysis pool's mechanism."""

    def __init__(self, size: int, models: bool) -> None:
        self._executor = ProcessPoolExecutor(max_workers=size, mp_context=WORKER_CONTEXT,
                                             initializer=start_worker,
                                             initargs=(os.getpid(), models))

    async def run(self, function: Callable[..., Any], *args: Any, timeout: float) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function,
                                                                *args)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


def serve(conn: Connection, bot_pid: int, models: bool) -> None:
    start_worker(bot_pid, models)
    while (job := conn.recv()) is not None:
        function, args = job
        conn.send(function(*args))


class PipePool:
    """The extraction pool's mechanism."""

    def __init__(self, size: int, models: bool) -> None:
        self._models = models
        self._idle: queue.Queue[tuple[Any, Connection]] = queue.Queue()
        for _ in range(size):
            self._idle.put(self._worker())

    def _worker(self) -> tuple[Any, Connection]:
        conn, child = WORKER_CONTEXT.Pipe()
        process = WORKER_CONTEXT.Process(target=serve, args=(child, os.getpid(), self._models),
                                         daemon=True)
        process.start()
        child.close()
        return process, conn

    def _run(self, function: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> Any:
        process, conn = self._idle.get()
        conn.send((function, args))
        if conn.poll(timeout):
            result = conn.recv()
            self._idle.put((process, conn))
            return result
        process.kill()
        process.join()
        conn.close()
        self._idle.put(self._worker())
        raise TimeoutError

    async def run(self, function: Callable[..., Any], *args: Any, timeout: float) -> Any:
        return await asyncio.to_thread(self._run, function, args, timeout)

    def shutdown(self) -> None:
        while not self._idle.empty():
            process, conn = self._idle.get()
            conn.send(None)
            process.join()


class PebblePool:
    """What the bot runs now."""

    def __init__(self, size: int, models: bool) -> None:
        self._pool = KillablePool(size=size, initializer=load_models if models else None)

    async def run(self, function: Callable[..., Any], *args: Any, timeout: float) -> Any:
        return await self._pool.run(function, *args, timeout=timeout)

    def shutdown(self) -> None:
        self._pool.shutdown()


KINDS: dict[str, Callable[[int, bool], Pool]] = {
    "executor": ExecutorPool, "pipes": PipePool, "pebble": PebblePool}


async def start_up(make: Callable[[], Pool], workers: int) -> tuple[Pool, float]:
    started = time.perf_counter()
    pool = make()
    ready: set[int] = set()
    while len(ready) < workers:  # a worker up early may answer several probes
        ready.update(await asyncio.gather(*[pool.run(probe, timeout=300)
                                            for _ in range(workers)]))
    return pool, time.perf_counter() - started


async def round_trip(pool: Pool, calls: int) -> float:
    times = []
    for n in range(calls):
        started = time.perf_counter()
        assert await pool.run(echo, n, timeout=60) == n
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


async def throughput(pool: Pool, calls: int) -> float:
    started = time.perf_counter()
    results = await asyncio.gather(*[pool.run(echo, n, timeout=60) for n in range(calls)])
    assert results == list(range(calls))
    return (time.perf_counter() - started) / calls * 1000


async def page_trip(pool: Pool, calls: int) -> float:
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        assert await pool.run(size_of, PAGE, timeout=60) == len(PAGE)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


async def hung_task(pool: Pool) -> float:
    started = time.perf_counter()
    try:
        await pool.run(hang, timeout=LIMIT)
    except (TaskTimedOut, TimeoutError):
        pass
    else:
        raise AssertionError("the hanging task returned")
    await pool.run(echo, 1, timeout=60)
    return time.perf_counter() - started - LIMIT


Results = dict[str, dict[str, list[float]]]  # measure -> pool kind -> one figure a round


async def measure_pool(kind: str, args: argparse.Namespace, results: Results) -> None:
    def record(name: str, value: float) -> None:
        results.setdefault(name, {}).setdefault(kind, []).append(value)

    startup = f"start-up, {args.workers} workers (s)"
    pool, seconds = await start_up(lambda: KINDS[kind](args.workers, False), args.workers)
    record(startup, seconds)
    try:
        record("round trip, one at a time (ms)", await round_trip(pool, args.calls))
        record(f"{args.calls} given at once (ms per task)", await throughput(pool, args.calls))
        record("a 1 MB page, one at a time (ms)", await page_trip(pool, 20))
        if kind != "executor":  # it cannot stop a running task
            record("a hung task, past its limit (s)", await hung_task(pool))
    finally:
        await asyncio.to_thread(pool.shutdown)
    if args.models and kind != "pipes":  # the extraction pool never loaded spaCy
        pool, seconds = await start_up(lambda: KINDS[kind](args.workers, True), args.workers)
        await asyncio.to_thread(pool.shutdown)
        record(f"{startup[:-4]}, loading spaCy (s)", seconds)


async def measure_all(args: argparse.Namespace) -> Results:
    results: Results = {}
    for _ in range(args.rounds):
        for kind in KINDS:
            await measure_pool(kind, args, results)
    return results


def print_table(results: Results, args: argparse.Namespace) -> None:
    print(f"{args.workers} workers, medians of {args.rounds} rounds, on {os.cpu_count()} CPUs")
    print(f"{'':44}{'executor':>10}{'pipes':>10}{'pebble':>10}"
          f"{'/executor':>11}{'/pipes':>9}")
    # The start-up with spaCy last: it is measured in the same rounds, after the rest.
    for name, by_kind in sorted(results.items(), key=lambda item: "spaCy" in item[0]):
        medians = {kind: statistics.median(values) for kind, values in by_kind.items()}
        cells = "".join(f"{medians[k]:>10.3g}" if k in medians else f"{'n/a':>10}"
                        for k in KINDS)
        ratios = "".join(f"{medians['pebble'] / medians[k]:>{w}.2f}" if k in medians
                         else f"{'n/a':>{w}}" for k, w in (("executor", 11), ("pipes", 9)))
        print(f"{name:44}{cells}{ratios}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--models", action="store_true",
                        help="also measure start-up with every worker loading spaCy")
    args = parser.parse_args()
    print_table(asyncio.run(measure_all(args)), args)


if __name__ == "__main__":
    main()
