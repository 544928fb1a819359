"""`ManagedWorkers` whose work runs in Celery workers (`python -m bot worker`), anywhere
that reaches the same Redis: what a webhook front-end uses.

A job's task id is a hash of its content, so the same request (a Telegram update
delivered again, or two users sending the same link) becomes one job: a caller first
looks for the job's stored result, then for a "submitted" marker that the first caller
set (Redis SET NX); only the caller that set it sends the job, and the others wait for the
same result. Waiting costs no thread: Celery's Redis result backend PUBLISHes each stored
result on a channel named as its key, which the caller subscribes to before looking; how
the wait survives a restart or outage of Redis is in `bot.celery_workers.waiting`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import pickle
from typing import Any, TypeVar

from celery import states
from celery.exceptions import TimeLimitExceeded, WorkerLostError
from redis.asyncio import BlockingConnectionPool, Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.breakdown import Breakdown, Source
from bot.celery_workers.app import (
    ANALYZE_TASK,
    EXTRACT_TASK,
    RESTORE_SWEEP_SECONDS,
    make_app,
    visibility_timeout,
)
from bot.celery_workers.waiting import (
    CONNECTION_ERRORS,
    UNREACHABLE_SECONDS,
    PendingJob,
    finished_meta,
)
from bot.errors import AnalysisTimeout, AnalysisWorkerDied, UserFacingError
from bot.fetch.article import Article
from bot.fetch.errors import ExtractionTimeout, ExtractionWorkerDied
from bot.settings import Settings

T = TypeVar("T")

MARKER_PREFIX = "bot:celery-submitted:"
# Commands (GET, SET) answer at once: no answer in this long means Redis is gone.
COMMAND_SECONDS = 5.0
# Callers waiting at once, each holding one pub/sub connection; more wait for a free one.
MAX_WAITING = 200


class CeleryWorkers:
    """Analysis and extraction by Celery workers on `settings.redis_url`, each job killed
    past its time limit (seconds, sent with the job); `deadline_margin` is the seconds a caller
    waits beyond a job's time limit (for a worker machine that died, its visibility
    timeout) before it gives up with the timeout error; `unreachable_seconds` how long it
    waits for an unreachable Redis before it gives up with `WorkersUnavailable`."""

    def __init__(self, settings: Settings, *, analysis_timeout: float,
                 extraction_timeout: float, deadline_margin: float,
                 unreachable_seconds: float = UNREACHABLE_SECONDS) -> None:
        redis_url = settings.redis_url
        self.analysis_timeout = analysis_timeout
        self.extraction_timeout = extraction_timeout
        self.deadline_margin = deadline_margin
        self.unreachable_seconds = unreachable_seconds
        self.app = make_app(settings)
        # redis-py 8 gives every connection a socket timeout by default: commands keep
        # one, but a pub/sub wait must not (an analysis may take minutes); the deadline is
        # ours (asyncio.timeout). Bytes, not str: results are pickles.
        self._commands = Redis(connection_pool=BlockingConnectionPool.from_url(
            redis_url, max_connections=MAX_WAITING, timeout=COMMAND_SECONDS,
            socket_timeout=COMMAND_SECONDS, socket_connect_timeout=COMMAND_SECONDS))
        self._waits = Redis(connection_pool=BlockingConnectionPool.from_url(
            redis_url, max_connections=MAX_WAITING, timeout=None, socket_timeout=None,
            socket_connect_timeout=COMMAND_SECONDS))
        self._loop: asyncio.AbstractEventLoop | None = None  # the one the clients use

    @classmethod
    def from_settings(cls, settings: Settings) -> CeleryWorkers:
        """On REDIS_URL, with the settings' time limits; a caller gives up after the time
        limit plus the visibility timeout (and a restore sweep)."""
        return cls(settings, analysis_timeout=settings.analysis_timeout,
                   extraction_timeout=settings.extract_timeout,
                   deadline_margin=visibility_timeout(settings) + 2 * RESTORE_SWEEP_SECONDS)

    def start(self) -> None:
        """Blocking: return once Redis answers (the workers themselves may start later:
        jobs wait in the queue)."""
        try:
            with self.app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, interval_start=0.2,
                                             timeout=COMMAND_SECONDS)
        except Exception as error:  # kombu raises the transport's own errors
            # Redis's own error class: `serve` reports it as Redis that does not answer.
            raise RedisConnectionError(f"cannot reach Redis at REDIS_URL: {error}") from None

    def shutdown(self) -> None:
        """Blocking, from another thread than the event loop's (as the composition root
        calls it): close the connections on the loop that opened them. Jobs in flight
        run on in the workers."""
        loop = self._loop
        if loop is not None and loop.is_running():
            asyncio.run_coroutine_threadsafe(self.aclose(), loop).result(COMMAND_SECONDS)
        self.app.close()

    async def aclose(self) -> None:
        await self._commands.aclose()
        await self._waits.aclose()

    async def analyze(self, text: str, *, published: dt.date | None = None,
                      source: Source | None = None) -> Breakdown:
        result: Breakdown = await self._run(
            ANALYZE_TASK, (text, published, source), time_limit=self.analysis_timeout,
            timed_out=AnalysisTimeout, died=AnalysisWorkerDied)
        return result

    async def extract(self, page: bytes, url: str | None, *,
                      declared_charset: str | None = None,
                      text_plain: bool = False) -> Article:
        result: Article = await self._run(
            EXTRACT_TASK, (page, url, declared_charset, text_plain),
            time_limit=self.extraction_timeout, timed_out=ExtractionTimeout,
            died=ExtractionWorkerDied)
        return result

    async def _run(self, task: str, args: tuple[Any, ...], *, time_limit: float,
                   timed_out: type[UserFacingError], died: type[UserFacingError]) -> Any:
        self._loop = asyncio.get_running_loop()
        task_id = job_id(task, args)
        deadline = time_limit + self.deadline_margin
        try:
            async with asyncio.timeout(deadline):
                meta = await self._result(task_id, task, args, time_limit=time_limit)
        except TimeoutError:
            raise timed_out(f"no result from the workers in {deadline:.0f} s") from None
        if meta["status"] == states.SUCCESS:
            return meta["result"]
        error = meta["result"]
        if isinstance(error, TimeLimitExceeded):
            raise timed_out(f"ran past its {time_limit:g} s limit") from None
        if isinstance(error, WorkerLostError):  # its last retry's worker died too
            raise died(str(error)) from None
        if isinstance(error, BaseException):
            raise error  # a UserFacingError as itself, and an engine bug as itself
        raise RuntimeError(f"job {task_id} ended {meta['status']}: {error!r}")

    async def _result(self, task_id: str, task: str, args: tuple[Any, ...], *,
                      time_limit: float) -> dict[str, Any]:
        """The job's finished result meta: stored already, or published when it ends."""
        async def send() -> None:
            await asyncio.to_thread(self._send, task_id, task, args, time_limit)

        job = PendingJob(result_key=self.app.backend.get_key_for_task(task_id),
                         marker=MARKER_PREFIX + task_id,
                         marker_seconds=int(time_limit + self.deadline_margin) + 1,
                         send=send, decode=self._decode, stale=worth_running_again,
                         lost=lost_in_storing,
                         earlier_run=lambda meta, seconds: timed_out_sooner(
                             meta, seconds, time_limit=time_limit))
        return await finished_meta(job, commands=self._commands, waits=self._waits,
                                   unreachable_seconds=self.unreachable_seconds)

    def _send(self, task_id: str, task: str, args: tuple[Any, ...],
              time_limit: float) -> None:
        """Blocking (kombu's producer): the job on the queue, under its content's id. A
        failure to reach Redis raises after kombu's few quick retries; the waiting loop
        tries again (bot/celery_workers/waiting.py)."""
        self.app.send_task(task, args=args, task_id=task_id, time_limit=time_limit)

    def _decode(self, payload: bytes | str | None) -> dict[str, Any] | None:
        """Celery's own decoding of a stored result; None until the job has finished
        (a RETRY after a lost worker, say)."""
        if payload is None:
            return None
        meta: dict[str, Any] = self.app.backend.decode_result(payload)
        return meta if meta["status"] in states.READY_STATES else None


def worth_running_again(meta: dict[str, Any]) -> bool:
    """A failure that another run may not repeat: past the time limit on a busy worker, or
    every worker it reached died (of something else, perhaps). A new request runs the job
    again instead of reading it (bot/celery_workers/waiting.py)."""
    return isinstance(meta["result"], TimeLimitExceeded | WorkerLostError)


def timed_out_sooner(meta: dict[str, Any], seconds: float, *, time_limit: float) -> bool:
    """A time limit heard `seconds` after a run was sent, sooner than the limit: an earlier
    run's (Celery stores a time limit's failure twice, the second time late on a busy
    worker), not the run just sent."""
    return isinstance(meta["result"], TimeLimitExceeded) and seconds < time_limit


def lost_in_storing(meta: dict[str, Any]) -> bool:
    """A failure that is Redis's, not the job's: the worker lost its connection while it
    stored the result (a restart, say), and stored the connection error once it could.
    The tasks themselves touch no network, so no job fails this way of its own."""
    return isinstance(meta["result"], CONNECTION_ERRORS)


def job_id(task: str, args: tuple[Any, ...]) -> str:
    """The same id for the same job: "analyze-<sha256 of the task and its arguments>"."""
    digest = hashlib.sha256(task.encode() + b"\0" + pickle.dumps(args, protocol=5))
    return f"{task.removeprefix('bot.')}-{digest.hexdigest()}"


__all__ = ["CeleryWorkers", "job_id"]
