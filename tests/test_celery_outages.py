"""`CeleryWorkers` through the failures a deployment meets: Redis restarted (queue,
markers and results lost) or unreachable while callers wait, a job whose sending fails,
and the default visibility timeout that brings back a dead machine's job. Each test runs
its own Redis server (tests/servers.py `RedisServer`), so that it can stop and restart it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from celery import Celery, states
from celery.exceptions import TimeLimitExceeded
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.breakdown import analyze
from bot.celery_workers.app import QUEUE, RESTORE_SWEEP_SECONDS, make_app, visibility_timeout
from bot.celery_workers.client import CeleryWorkers, job_id
from bot.celery_workers.waiting import CONNECTION_ERRORS, RERUNS_AFTER_LOST_RESULT
from bot.errors import WorkersUnavailable
from bot.failures import failure_text
from bot.settings import Settings
from tests.article_site import SEED
from tests.celery_node import WorkerNode, long_text
from tests.e2e import eventually
from tests.servers import RedisServer, free_port

Sends = dict[str, int]  # job id -> times sent


@pytest.fixture
def sends(monkeypatch: pytest.MonkeyPatch) -> Sends:
    """Counts every job a `CeleryWorkers` puts on the queue."""
    counted: Sends = {}
    send = CeleryWorkers._send

    def counting(self: CeleryWorkers, task_id: str, *args: Any) -> None:
        send(self, task_id, *args)
        counted[task_id] = counted.get(task_id, 0) + 1

    monkeypatch.setattr(CeleryWorkers, "_send", counting)
    return counted


@pytest.fixture
async def queue(own_redis: RedisServer) -> AsyncIterator[Redis]:
    """A plain client on the test's Redis, to look at the queue; it reconnects once a
    restart has closed its connection."""
    client = Redis.from_url(own_redis.url, retry=Retry(NoBackoff(), 2))
    yield client
    await client.aclose()


def workers_on(server: RedisServer, *, unreachable_seconds: float | None = None
               ) -> CeleryWorkers:
    workers = CeleryWorkers.from_settings(Settings(redis_url=server.url))
    if unreachable_seconds is not None:
        workers.unreachable_seconds = unreachable_seconds
    return workers


async def sent(sends: Sends, task_id: str, times: int) -> bool:
    return sends.get(task_id) == times


def test_the_default_visibility_timeout_is_30_s_and_callers_wait_past_it() -> None:
    settings = Settings(redis_url="redis://127.0.0.1:6379/0")
    assert settings.job_visibility_seconds == visibility_timeout(settings) == 30
    assert make_app(settings).conf.broker_transport_options["visibility_timeout"] == 30
    workers = CeleryWorkers.from_settings(settings)
    # A caller waits past the time limit for a dead machine's job to come back.
    assert workers.deadline_margin == 30 + 2 * RESTORE_SWEEP_SECONDS
    assert make_app(settings).conf.broker_connection_max_retries is None  # workers reconnect


async def test_a_job_lost_with_a_restarted_redis_is_sent_again(
        own_redis: RedisServer, sends: Sends, queue: Redis) -> None:
    workers = workers_on(own_redis)  # no worker: the job stays queued
    task_id = job_id("bot.analyze", (SEED, None, None))
    waiting = asyncio.create_task(workers.analyze(SEED))
    try:
        await eventually(lambda: sent(sends, task_id, 1))
        assert await queue.llen(QUEUE) == 1
        await asyncio.to_thread(own_redis.restart)  # empty: queue, marker and result gone
        restarted = time.monotonic()
        await eventually(lambda: sent(sends, task_id, 2))
        print(f"Redis restarted -> job sent again {time.monotonic() - restarted:.1f} s")
        assert await queue.llen(QUEUE) == 1
        assert not waiting.done()  # still waiting, for the job sent again
    finally:
        waiting.cancel()
        await workers.aclose()


def store_lost_result(workers: CeleryWorkers, task_id: str) -> None:
    """What a worker stores when its connection broke as it stored the job's result (a
    Redis restart): the connection error, as the job's failure (stored and published)."""
    error = RedisConnectionError("Error 104 while writing to socket. Connection reset by peer.")
    workers.app.backend.store_result(task_id, error, states.FAILURE)


async def test_a_result_lost_in_storing_is_run_again_not_given_to_the_caller(
        own_redis: RedisServer, sends: Sends, queue: Redis) -> None:
    workers = workers_on(own_redis)  # no worker: each run is ours to finish
    task_id = job_id("bot.analyze", (SEED, None, None))
    waiting = asyncio.create_task(workers.analyze(SEED))
    try:
        await eventually(lambda: sent(sends, task_id, 1))
        await asyncio.to_thread(store_lost_result, workers, task_id)  # heard while waiting
        await eventually(lambda: sent(sends, task_id, 2))
        assert await queue.llen(QUEUE) == 2  # (the first run never started here)
        assert not waiting.done()
        finished = analyze(SEED)
        await asyncio.to_thread(workers.app.backend.store_result, task_id, finished,
                                states.SUCCESS)
        assert (await waiting).to_dict() == finished.to_dict()
        # A request that finds a lost result stored (on its first look) runs the job too.
        other = long_text(3, "found lost")
        other_id = job_id("bot.analyze", (other, None, None))
        await asyncio.to_thread(store_lost_result, workers, other_id)
        later = asyncio.create_task(workers.analyze(other))
        await eventually(lambda: sent(sends, other_id, 1))
        await asyncio.to_thread(workers.app.backend.store_result, other_id, analyze(other),
                                states.SUCCESS)
        assert (await later).language == "en"
    finally:
        waiting.cancel()
        await workers.aclose()


async def test_an_earlier_runs_late_time_limit_is_not_taken_for_the_new_runs(
        own_redis: RedisServer, sends: Sends) -> None:
    workers = workers_on(own_redis)  # no worker: each run is ours to finish
    task_id = job_id("bot.analyze", (SEED, None, None))
    late = TimeLimitExceeded(workers.analysis_timeout)
    store = workers.app.backend.store_result
    await asyncio.to_thread(store, task_id, late, states.FAILURE)  # what the user was told
    waiting = asyncio.create_task(workers.analyze(SEED))  # the user tries again
    try:
        await eventually(lambda: sent(sends, task_id, 1))  # run again, not read
        # Celery's second store of the earlier run's time limit, late: not this run's,
        # which cannot end past its limit before the limit.
        await asyncio.to_thread(store, task_id, late, states.FAILURE)
        await asyncio.sleep(0.5)
        assert not waiting.done()
        finished = analyze(SEED)
        await asyncio.to_thread(store, task_id, finished, states.SUCCESS)
        assert (await waiting).to_dict() == finished.to_dict()
        assert sends[task_id] == 1
    finally:
        waiting.cancel()
        await workers.aclose()


async def test_results_lost_again_and_again_end_as_workers_unavailable(
        own_redis: RedisServer, sends: Sends) -> None:
    workers = workers_on(own_redis)
    task_id = job_id("bot.analyze", (SEED, None, None))
    waiting = asyncio.create_task(workers.analyze(SEED))
    try:
        for run in range(1, RERUNS_AFTER_LOST_RESULT + 2):  # the first run, and reruns
            await eventually(lambda run=run: sent(sends, task_id, run))  # type: ignore[misc]
            await asyncio.to_thread(store_lost_result, workers, task_id)
        with pytest.raises(WorkersUnavailable, match="could not store a result"):
            await waiting
        assert sends[task_id] == RERUNS_AFTER_LOST_RESULT + 1
    finally:
        waiting.cancel()
        await workers.aclose()


async def test_redis_down_past_the_bound_is_workers_unavailable(
        own_redis: RedisServer, sends: Sends) -> None:
    workers = workers_on(own_redis, unreachable_seconds=1)
    waiting = asyncio.create_task(workers.analyze(SEED))
    try:
        await eventually(lambda: sent(sends, job_id("bot.analyze", (SEED, None, None)), 1))
        await asyncio.to_thread(own_redis.stop)
        stopped = time.monotonic()
        with pytest.raises(WorkersUnavailable, match="Redis unreachable") as gave_up:
            await waiting
        assert 1 < time.monotonic() - stopped < 1 + 2 + 1  # the bound, one pause, slack
        assert failure_text(gave_up.value, None) == (
            "The analysis service is unavailable right now. Please try again in a minute.")
        started = time.monotonic()  # a request while Redis is down: the same answer
        with pytest.raises(WorkersUnavailable):
            await workers.analyze(long_text(3, "while down"))
        assert time.monotonic() - started < 1 + 2 + 1
    finally:
        waiting.cancel()
        await workers.aclose()


async def test_a_failed_send_is_sent_again_by_the_caller_that_claimed_it(
        own_redis: RedisServer, queue: Redis, monkeypatch: pytest.MonkeyPatch) -> None:
    workers = workers_on(own_redis)
    unreachable = Celery(broker=f"redis://127.0.0.1:{free_port()}/0", set_as_current=False)
    errors: list[BaseException] = []
    send = CeleryWorkers._send

    def first_to_nowhere(self: CeleryWorkers, task_id: str, *args: Any) -> None:
        if errors:
            send(self, task_id, *args)
            return
        try:  # kombu's real error for a broker it cannot reach
            unreachable.send_task("bot.analyze", task_id=task_id)
        except BaseException as error:
            errors.append(error)
            raise

    monkeypatch.setattr(CeleryWorkers, "_send", first_to_nowhere)
    waiting = asyncio.create_task(workers.analyze(SEED))
    try:
        # Sent again though its marker still stands: this caller holds it.
        await eventually(lambda: queue.llen(QUEUE))
        assert len(errors) == 1 and isinstance(errors[0], CONNECTION_ERRORS)
        assert not waiting.done()
    finally:
        waiting.cancel()
        unreachable.close()
        await workers.aclose()


@pytest.mark.slow  # a fault: Redis restarted under a worker node and two waiting callers
async def test_callers_get_their_results_across_a_redis_restart(
        own_redis: RedisServer, sends: Sends, queue: Redis, tmp_path: Path) -> None:
    node = WorkerNode(own_redis.url, tmp_path / "node")  # one child: one job at a time
    workers = workers_on(own_redis)
    running_text, queued_text = long_text(150, "running at the restart"), SEED
    finished: dict[str, float] = {}

    async def analysis(text: str, name: str) -> dict[str, Any]:
        breakdown = await workers.analyze(text)
        finished[name] = time.monotonic()
        return breakdown.to_dict()

    try:
        await asyncio.to_thread(node.start)
        running = asyncio.create_task(analysis(running_text, "running"))
        await eventually(lambda: asyncio.to_thread(node.busy_child))
        queued = asyncio.create_task(analysis(queued_text, "queued"))
        await eventually(lambda: queue.llen(QUEUE))  # waits behind the running job
        await asyncio.to_thread(own_redis.restart)
        restarted = time.monotonic()
        assert await queued == analyze(queued_text).to_dict()
        assert await running == analyze(running_text).to_dict()
        print(f"Redis restarted -> results: running job {finished['running'] - restarted:.1f}"
              f" s, queued job {finished['queued'] - restarted:.1f} s")
        # Lost with the queue, the queued job could only come back by being sent again,
        # and the node ran it: it reconnected by itself.
        assert sends[job_id("bot.analyze", (queued_text, None, None))] == 2
        assert finished["queued"] - restarted < 20
        assert (await workers.analyze(long_text(3, "after the restart"))).language == "en"
    finally:
        node.stop()
        await workers.aclose()
