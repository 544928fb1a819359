"""The analysis pool: results as in-process, and recovery from a worker killed mid-job."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator

import pytest

from bot.breakdown import analyze
from bot.workers import AnalysisFailed, AnalysisPool
from tests.article_site import SEED

LONG = "\n\n".join(f"The mayor said on day {i} that the bridge would cost {i} million dollars "
                   "more, and officials warned the work could take many more years."
                   for i in range(3000))


@pytest.fixture(scope="module")
def pool() -> Iterator[AnalysisPool]:
    pool = AnalysisPool(1)
    pool.start()
    yield pool
    pool.shutdown()


async def test_worker_result_equals_in_process(pool: AnalysisPool) -> None:
    assert (await pool.analyze(SEED)).to_dict() == analyze(SEED).to_dict()


@pytest.mark.slow  # a fault: a worker killed mid-request
async def test_killed_worker_fails_that_request_and_the_pool_recovers(
        pool: AnalysisPool) -> None:
    running = asyncio.create_task(pool.analyze(LONG))
    await asyncio.sleep(0.5)  # the long analysis is under way in the only worker
    (pid,) = pool.worker_pids()
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(AnalysisFailed) as failed:
        await running
    assert "try again" in failed.value.user_message
    result = await pool.analyze(SEED)  # a fresh pool serves the next request
    assert result.quotes
    assert pid not in pool.worker_pids()
