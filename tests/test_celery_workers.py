"""Analysis and extraction by Celery workers (`bot.celery_workers`): real Redis, real
`python -m bot worker` processes. Results as in-process, errors crossing back as
themselves, a time limit, a child or a whole worker node killed mid-job, one job for two
identical requests, and an event loop that keeps running while it waits."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.breakdown import analyze
from bot.celery_workers.app import RETRIES_ON_WORKER_LOST
from bot.celery_workers.client import CeleryWorkers, job_id
from bot.errors import AnalysisTimeout, AnalysisWorkerDied
from bot.fetch.errors import NoArticleText
from bot.fetch.extract import extract_article
from bot.settings import Settings
from tests.article_site import SEED, seed_page
from tests.botproc import ROOT
from tests.celery_node import WorkerNode, long_text, redis_db
from tests.e2e import eventually
from tests.servers import free_port

SHARED_DB = 1  # the module's worker; each test that starts its own node takes another


@pytest.fixture(scope="module")
def node(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerNode]:
    worker = WorkerNode(redis_db(redis_url, SHARED_DB), tmp_path_factory.mktemp("celery"))
    try:
        yield worker.start()
    finally:
        worker.stop()


def client(redis_url: str, db: int, **settings: Any) -> CeleryWorkers:
    return CeleryWorkers.from_settings(Settings(redis_url=redis_db(redis_url, db),
                                                **settings))


@pytest.fixture
async def workers(node: WorkerNode, redis_url: str) -> AsyncIterator[CeleryWorkers]:
    workers = client(redis_url, SHARED_DB)
    await asyncio.to_thread(workers.start)
    yield workers
    await asyncio.to_thread(workers.shutdown)  # as the composition root calls it


async def test_results_equal_in_process(workers: CeleryWorkers) -> None:
    assert (await workers.analyze(SEED)).to_dict() == analyze(SEED).to_dict()
    url = "https://news.example/world/syria"
    assert await workers.extract(seed_page(), url) == extract_article(seed_page(), url)


async def test_a_child_analyses_in_one_thread(node: WorkerNode,
                                              workers: CeleryWorkers) -> None:
    """numpy's BLAS would start a spinning thread per CPU in each child: 50 % more CPU per
    article for nothing (bot/cli.py single_threaded_math)."""
    await workers.analyze(long_text(20, "one thread"))
    children = node.children()
    assert children and all(len(os.listdir(f"/proc/{pid}/task")) == 1 for pid in children)


async def test_no_article_text_crosses_back_as_itself(workers: CeleryWorkers) -> None:
    empty = b"<html><head><title>Menu</title></head><body><nav>Home</nav></body></html>"
    with pytest.raises(NoArticleText) as in_process:
        extract_article(empty, "https://news.example/menu")
    with pytest.raises(NoArticleText) as from_worker:
        await workers.extract(empty, "https://news.example/menu")
    assert type(from_worker.value) is type(in_process.value)
    assert from_worker.value.user_message == in_process.value.user_message


async def test_an_engine_bug_crosses_back_as_itself(workers: CeleryWorkers) -> None:
    with pytest.raises(Exception) as in_process:
        analyze(None)  # type: ignore[arg-type]
    with pytest.raises(type(in_process.value)):
        await workers.analyze(None)  # type: ignore[arg-type]


async def test_the_event_loop_runs_while_a_caller_waits(workers: CeleryWorkers) -> None:
    gaps: list[float] = []

    async def tick() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            gaps.append(time.monotonic() - last)
            last = time.monotonic()

    ticker = asyncio.create_task(tick())
    try:
        assert (await workers.analyze(long_text(150, "ticker"))).quotes
    finally:
        ticker.cancel()
    assert len(gaps) > 50  # the analysis took ~1 s
    assert max(gaps) < 0.1


async def test_two_identical_requests_are_one_job_and_a_later_one_reuses_it(
        workers: CeleryWorkers, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    other_front_end = client(redis_url, SHARED_DB)
    sent: list[str] = []
    send = CeleryWorkers._send

    def counted(self: CeleryWorkers, task_id: str, *args: Any) -> None:
        sent.append(task_id)
        send(self, task_id, *args)

    monkeypatch.setattr(CeleryWorkers, "_send", counted)
    text = long_text(60, "twice")
    try:
        first, second = await asyncio.gather(workers.analyze(text),
                                             other_front_end.analyze(text))
        assert first.to_dict() == second.to_dict() == analyze(text).to_dict()
        assert sent == [job_id("bot.analyze", (text, None, None))]
        again = await other_front_end.analyze(text)  # a redelivered update, say
        assert again.to_dict() == first.to_dict()
        assert len(sent) == 1
    finally:
        await other_front_end.aclose()


@pytest.mark.slow  # a fault: a job past its hard time limit
async def test_a_job_past_its_time_limit_is_a_timeout_and_the_worker_goes_on(
        node: WorkerNode, redis_url: str) -> None:
    strict = client(redis_url, SHARED_DB, analysis_timeout=1)  # the limit travels with the job
    text = long_text(600, "too long")
    received = f"Task bot.analyze[{job_id('bot.analyze', (text, None, None))}] received"
    try:
        started = time.monotonic()
        with pytest.raises(AnalysisTimeout, match="ran past its 1 s limit"):
            await strict.analyze(text)
        assert time.monotonic() - started < 10
        assert node.log_text().count(received) == 1
        assert (await strict.analyze(SEED)).quotes  # a new child serves the next job
        # The user tries again (at a quieter moment, say): the job runs again rather than
        # the same failure coming back from the stored result. (After the job above: the
        # node has then stored the failure a second time, as Celery does for a time
        # limit; a request at that very moment may be given the failure again.)
        with pytest.raises(AnalysisTimeout, match="ran past its 1 s limit"):
            await strict.analyze(text)
        assert node.log_text().count(received) == 2
    finally:
        await strict.aclose()


@pytest.mark.slow  # a fault: the child running the job is killed
async def test_a_child_killed_mid_job_has_the_job_run_again(
        node: WorkerNode, workers: CeleryWorkers) -> None:
    text = long_text(300, "child killed")
    running = asyncio.create_task(workers.analyze(text))
    child = await eventually(lambda: asyncio.to_thread(node.busy_child))
    os.kill(child, signal.SIGKILL)
    assert (await running).to_dict() == analyze(text).to_dict()  # no error: redelivered
    assert child not in node.children()


@pytest.mark.slow  # a fault: a job that kills every child it reaches
async def test_a_job_that_kills_its_children_ends_as_worker_died(
        node: WorkerNode, workers: CeleryWorkers) -> None:
    running = asyncio.create_task(workers.analyze(long_text(300, "poison")))
    killed: list[int] = []

    async def kill_next_child() -> None:
        child = await eventually(lambda: asyncio.to_thread(
            lambda: (pid := node.busy_child()) not in (None, *killed) and pid))
        os.kill(child, signal.SIGKILL)
        killed.append(child)

    # A poison job kills every child that runs it: keep killing the busy child until the
    # caller has its answer (under load a kill may also land as a plain redelivery, so the
    # count of runs is bounded, not exact).
    while not running.done() and len(killed) < 3 * (1 + RETRIES_ON_WORKER_LOST):
        with contextlib.suppress(TimeoutError):
            await kill_next_child()
    with pytest.raises(AnalysisWorkerDied, match="SIGKILL"):
        await running
    assert len(killed) >= 1 + RETRIES_ON_WORKER_LOST
    assert (await workers.analyze(SEED)).quotes  # the node goes on
    assert "succeeded" in node.log_text() and "Breakdown(" not in node.log_text()


@pytest.mark.slow  # a fault: a whole worker machine vanishes, another takes over
async def test_a_worker_node_killed_mid_job_hands_it_to_the_next_node(
        redis_url: str, tmp_path: Path) -> None:
    db = SHARED_DB + 1
    # The lowest visibility timeout, for a quick test (the default's 30 s: test_celery_outages).
    env = {"JOB_VISIBILITY_SECONDS": "5"}
    first = WorkerNode(redis_db(redis_url, db), tmp_path / "first", env=env)
    second = WorkerNode(redis_db(redis_url, db), tmp_path / "second", env=env)
    workers = client(redis_url, db)
    text = long_text(150, "node killed")
    try:
        await asyncio.to_thread(first.start)
        running = asyncio.create_task(workers.analyze(text))
        await eventually(lambda: asyncio.to_thread(first.busy_child))
        first.kill()
        killed = time.monotonic()
        await asyncio.to_thread(second.start)
        ready = time.monotonic()
        assert (await running).to_dict() == analyze(text).to_dict()
        done = time.monotonic()
        print(f"node killed -> result {done - killed:.1f} s; second node ready -> result "
              f"{done - ready:.1f} s")
        assert done - killed < 5 + 2 * 2 + 10  # the visibility timeout, sweeps, the work
    finally:
        first.stop()
        second.stop()
        await workers.aclose()


async def test_a_caller_gives_up_at_its_deadline_when_no_worker_answers(
        redis_url: str) -> None:
    nobody = redis_db(redis_url, SHARED_DB + 2)  # no worker listens there
    workers = CeleryWorkers(Settings(redis_url=nobody), analysis_timeout=0.5,
                            extraction_timeout=0.5, deadline_margin=0.5)
    try:
        started = time.monotonic()
        with pytest.raises(AnalysisTimeout, match="no result from the workers in 1 s"):
            await workers.analyze(SEED)
        assert 0.9 < time.monotonic() - started < 3
    finally:
        await workers.aclose()


def test_start_names_redis_url_when_redis_is_down() -> None:
    workers = CeleryWorkers.from_settings(
        Settings(redis_url=f"redis://127.0.0.1:{free_port()}/0"))
    with pytest.raises(RedisConnectionError, match="REDIS_URL"):
        workers.start()


def test_the_worker_command_needs_redis_url(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "worker"], cwd=tmp_path,
                          env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "REDIS_URL is not set" in done.stderr
