"""The analysis in the worker processes (`bot.process_workers`): results as in-process, a
worker killed mid-analysis, and an analysis past its time limit."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.breakdown import analyze
from bot.errors import AnalysisTimeout, AnalysisWorkerDied
from bot.process_workers import ProcessWorkers
from bot.settings import Settings
from bot.worker_process import proc_stat
from tests.article_site import SEED
from tests.botproc import children_of, ended

LONG = "\n\n".join(f"The mayor said on day {i} that the bridge would cost {i} million dollars "
                   "more, and officials warned the work could take many more years."
                   for i in range(3000))


@pytest.fixture(scope="module")
def workers() -> Iterator[ProcessWorkers]:
    workers = ProcessWorkers.from_settings(Settings(), size=1)
    workers.start()
    yield workers
    workers.shutdown()


def is_worker(pid: int) -> bool:
    """A spawned worker, not multiprocessing's resource tracker."""
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


async def busy_worker(*, besides: frozenset[int] = frozenset()) -> int:
    """The one worker process of this test that is running (loading, then analysing LONG),
    not counting the processes `besides` (another pool's idle worker may wake briefly)."""
    busy: list[int] = []
    for _ in range(200):
        busy = [pid for pid in children_of(os.getpid())
                if pid not in besides and (proc_stat(pid) or ["Z"])[0] == "R"
                and is_worker(pid)]
        if len(busy) == 1:
            return busy[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no single busy worker: {busy}")


async def test_worker_result_equals_in_process(workers: ProcessWorkers) -> None:
    assert (await workers.analyze(SEED)).to_dict() == analyze(SEED).to_dict()


@pytest.mark.slow  # a fault: a worker killed mid-request
async def test_killed_worker_fails_that_request_and_the_pool_recovers(
        workers: ProcessWorkers) -> None:
    running = asyncio.create_task(workers.analyze(LONG))
    pid = await busy_worker()
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(AnalysisWorkerDied) as failed:
        await running
    assert failed.value.user_message == AnalysisWorkerDied.user_message
    assert "try again" in failed.value.user_message
    result = await workers.analyze(SEED)  # a new worker serves the next request
    assert result.quotes
    assert await ended(pid)


@pytest.mark.slow  # a fault: a worker killed at its time limit
async def test_analysis_past_its_time_limit_is_stopped_and_its_worker_replaced() -> None:
    # LONG takes far longer than 3 s; SEED a tenth of that on a busy machine.
    earlier = frozenset(children_of(os.getpid()))  # e.g. the module's pool, idle
    workers = ProcessWorkers(size=1, analysis_timeout=3.0, extraction_timeout=10.0)
    try:
        running = asyncio.create_task(workers.analyze(LONG))
        pid = await busy_worker(besides=earlier)
        with pytest.raises(AnalysisTimeout, match="ran past its 3 s limit") as failed:
            await running
        assert "took longer than I allow" in failed.value.user_message
        assert await ended(pid)  # killed, not left analysing
        assert (await workers.analyze(SEED)).quotes
    finally:
        await asyncio.to_thread(workers.shutdown)


def test_an_analysis_timeout_is_a_setting_with_bounds() -> None:
    assert Settings.from_env({"ANALYSIS_TIMEOUT": "45"}).analysis_timeout == 45.0
    for nonsense in ("0", "-1", "nan", "100000"):
        with pytest.raises(ValueError, match="ANALYSIS_TIMEOUT"):
            Settings.from_env({"ANALYSIS_TIMEOUT": nonsense})
    assert ProcessWorkers.from_settings(Settings(analysis_timeout=45)).analysis_timeout == 45
