"""The killable pool itself (`bot.process_pool`): every worker ready after `start()`, a
pool whose idle worker died, a cancelled task, and a task's own TimeoutError."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.process_pool import KillablePool, TaskTimedOut
from bot.worker_process import process_alive


# Module-level so that the workers can import them by name.
def pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def hang_telling_pid(path: str) -> None:
    Path(path).write_text(str(os.getpid()))
    time.sleep(60)


def raise_timeout() -> None:
    raise TimeoutError("the task's own socket timed out")


@pytest.fixture
def pool() -> Iterator[KillablePool]:
    pool = KillablePool(size=2)
    yield pool
    pool.shutdown()


async def wait_for_pid(pid_file: Path) -> int:
    for _ in range(600):
        if pid_file.exists() and pid_file.read_text():
            return int(pid_file.read_text())
        await asyncio.sleep(0.05)
    raise AssertionError("the task never started")


async def test_start_returns_with_every_worker_ready(pool: KillablePool) -> None:
    await asyncio.to_thread(pool.start)
    # Two tasks at once run in two processes: both workers were up.
    pids = await asyncio.gather(pool.run(pid_after, 0.5, timeout=30),
                                pool.run(pid_after, 0.5, timeout=30))
    assert len(set(pids)) == 2 and os.getpid() not in pids


async def test_a_pool_whose_idle_worker_died_serves_the_next_task() -> None:
    pool = KillablePool(size=1)
    try:
        first = await pool.run(pid_after, 0.0, timeout=30)
        os.kill(first, signal.SIGKILL)  # no task running: pebble counts the pool as broken
        second = await pool.run(pid_after, 0.0, timeout=30)
        assert second != first and not process_alive(first)
        await asyncio.sleep(0.5)  # whichever way it noticed, the pool keeps serving
        assert await pool.run(pid_after, 0.0, timeout=30) == second
    finally:
        await asyncio.to_thread(pool.shutdown)


async def test_cancelling_a_running_task_kills_its_worker(pool: KillablePool,
                                                          tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    running = asyncio.create_task(pool.run(hang_telling_pid, str(pid_file), timeout=120))
    pid = await wait_for_pid(pid_file)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    for _ in range(100):  # the pool kills it on its next round (every 0.1 s)
        if not process_alive(pid):
            break
        await asyncio.sleep(0.05)
    assert not process_alive(pid)
    assert await pool.run(pid_after, 0.0, timeout=30) != pid


async def test_a_tasks_own_timeout_error_is_not_the_time_limit(pool: KillablePool) -> None:
    with pytest.raises(RuntimeError, match="own socket timed out") as raised:
        await pool.run(raise_timeout, timeout=30)
    assert not isinstance(raised.value, TaskTimedOut)


def test_a_pool_needs_a_worker() -> None:
    with pytest.raises(ValueError, match="at least one worker"):
        KillablePool(size=0)
