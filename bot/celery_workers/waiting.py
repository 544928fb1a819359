"""How a front-end waits for a job's result (`CeleryWorkers`), through Redis restarts and
outages.

The caller subscribes to the channel Celery's Redis result backend PUBLISHes the stored
result on (named as the result's key), then looks for the result itself: a result stored
in between is heard. While it waits it looks again every CHECK_SECONDS, and each look also
checks the job's "submitted" marker: gone means Redis restarted (without persistence:
queue, markers and results lost) or the marker expired, so the caller sets it again
(SET NX: one caller wins) and sends the job again. Sending twice is safe: the job's id is
its content's hash, so both runs store the same result under the same key.

A stored failure that another run may not repeat (`PendingJob.stale`: a time limit, a
lost worker) answers only the callers that waited for it: a later request runs the job
again, so that a user who tries again is not handed the same failure. Celery stores a time
limit's failure twice, the second time up to seconds later on a busy worker: a time limit
heard sooner after this wait sent the job than the limit itself (`PendingJob.earlier_run`)
is the earlier run's, not the one it sent, and is deleted rather than taken.

A failure that is not the job's at all (`PendingJob.lost`: the worker lost Redis while it
stored the result, and Celery stored the connection error in its place once Redis was
back) answers no one: every caller that reads it deletes it and runs the job again, up
to RERUNS_AFTER_LOST_RESULT times in one wait.

A lost connection is not an error for the user: the caller reconnects with a growing
pause and subscribes again; only an outage longer than UNREACHABLE_SECONDS ends the wait,
as `WorkersUnavailable`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from kombu.exceptions import OperationalError as KombuOperationalError
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.errors import WorkersUnavailable

log = logging.getLogger(__name__)

# What a lost or unreachable Redis raises: redis-py's own errors (commands, pub/sub) and
# kombu's, which wraps them when sending a job fails after its own retries.
CONNECTION_ERRORS = (RedisConnectionError, RedisTimeoutError, KombuOperationalError)
# Seconds between looks at the result and the marker while waiting. A result is normally
# heard at once (published); the look catches one lost with a dropped connection and a job
# lost with the queue, so it bounds how long a restart of Redis goes unnoticed.
CHECK_SECONDS = 2.0
# Pauses between reconnection attempts: from FIRST_PAUSE, doubling up to MAX_PAUSE.
FIRST_PAUSE = 0.2
MAX_PAUSE = 2.0
# Seconds Redis may stay unreachable before a waiting caller gives up. A restart takes a
# second or two and a failover some more; past half a minute the user is better told to
# try again later than kept waiting for a reply that may never come.
UNREACHABLE_SECONDS = 30.0
# Runs one wait starts again after reading a result lost in storing: a Redis restart
# costs one; more in a row means Redis keeps failing under the workers.
RERUNS_AFTER_LOST_RESULT = 3

Meta = dict[str, Any]


@dataclass(frozen=True)
class PendingJob:
    """A job as its waiter sees it: where its result will be, its marker, and how to send
    it (blocking work done elsewhere: `send` is awaited)."""

    result_key: str
    marker: str
    marker_seconds: int  # the marker's expiry: longer than any caller waits
    send: Callable[[], Awaitable[None]]
    decode: Callable[[bytes | str | None], Meta | None]  # None until the job has finished
    # A stored result that a new request does not take, but runs the job again for.
    stale: Callable[[Meta], bool]
    # A stored failure that no caller takes: the result was lost as it was stored.
    lost: Callable[[Meta], bool]
    # Whether a stored result, heard this many seconds after this wait sent the job, can
    # only be an earlier run's (a time limit sooner than the limit).
    earlier_run: Callable[[Meta, float], bool] = lambda meta, seconds: False


class Outage:
    """How long Redis has been unreachable, and the pause before the next attempt."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.since: float | None = None
        self.pause = FIRST_PAUSE

    def reachable(self) -> None:
        self.since, self.pause = None, FIRST_PAUSE

    async def wait(self, error: Exception) -> None:
        """Pause before the next attempt, or raise `WorkersUnavailable` once Redis has been
        unreachable for longer than the limit."""
        now = time.monotonic()
        if self.since is None:
            self.since = now
            log.warning("lost Redis while waiting for a job (%s); reconnecting", error)
        elif now - self.since > self.limit:
            raise WorkersUnavailable(
                f"Redis unreachable for {now - self.since:.0f} s: {error}") from None
        await asyncio.sleep(self.pause)
        self.pause = min(2 * self.pause, MAX_PAUSE)


async def _look(job: PendingJob, commands: Redis, *, first: bool) -> Meta | None:
    """The job's stored result, if finished; on a request's first look, not a stale one."""
    meta = job.decode(await commands.get(job.result_key))
    if first and meta and job.stale(meta):
        # A failure an earlier request read (a time limit, say): this request runs the job
        # again, and takes its marker (which a caller that found the result by looking
        # left standing). Deleting the failure once read would not do: Celery stores a
        # time limit's failure twice, a moment apart. A request arriving at that very
        # moment (a redelivered update, say) may get the failure again or run the job
        # once more: harmless.
        await commands.delete(job.result_key, job.marker)
        return None
    return meta


async def _ours_to_send(job: PendingJob, commands: Redis, *, claim: str,
                        sent: bool) -> bool:
    """Whether this wait is to send the job now: it has just set the marker (the first
    request's wait, or the first after Redis lost the marker), or the marker holds its
    claim and the job is not sent yet (the send failed, or the reply to the SET was lost
    with the connection)."""
    if await commands.set(job.marker, claim, nx=True, ex=job.marker_seconds):
        return True
    return not sent and await commands.get(job.marker) == claim.encode()


async def finished_meta(job: PendingJob, *, commands: Redis, waits: Redis,
                        unreachable_seconds: float = UNREACHABLE_SECONDS) -> Meta:
    """The job's finished result meta, sending the job if no one has (or if Redis lost it);
    waits through connection losses shorter than `unreachable_seconds`."""
    outage = Outage(unreachable_seconds)
    claim = secrets.token_hex(8)  # this wait's marker value: the claims that are its own
    sent = False  # since this wait's latest claim
    first_look = True
    reruns = 0
    sent_at: float | None = None  # when this wait last sent the job (monotonic)

    def earlier_runs(meta: Meta) -> bool:
        return sent_at is not None and job.earlier_run(meta, time.monotonic() - sent_at)

    while True:
        try:
            async with waits.pubsub() as channel:
                # Subscribed before looking: a result stored after the look is heard.
                await channel.subscribe(job.result_key)
                while True:
                    meta = await _look(job, commands, first=first_look)
                    first_look = False
                    if meta and job.lost(meta):
                        reruns = await _forget_lost(job, commands, meta, reruns=reruns)
                        sent, meta = False, None
                    if meta and earlier_runs(meta):
                        await commands.delete(job.result_key)
                        meta = None
                    if meta:
                        return meta
                    if await _ours_to_send(job, commands, claim=claim, sent=sent):
                        sent = False
                        await job.send()
                        sent, sent_at = True, time.monotonic()
                    outage.reachable()  # only once the job could be sent, too
                    message = await channel.get_message(ignore_subscribe_messages=True,
                                                        timeout=CHECK_SECONDS)
                    if message is None or not (meta := job.decode(message["data"])):
                        continue
                    if job.lost(meta) or earlier_runs(meta):  # the next look deals with it
                        continue
                    # Later callers find the stored result; once it expires (or is
                    # forgotten), the next one sends the job again. (Lost with Redis,
                    # the marker is gone anyway: the result in hand is what counts.)
                    with contextlib.suppress(*CONNECTION_ERRORS):
                        await commands.delete(job.marker)
                    return meta
        except CONNECTION_ERRORS as error:
            await outage.wait(error)


async def _forget_lost(job: PendingJob, commands: Redis, meta: Meta, *, reruns: int) -> int:
    """Delete a result lost in storing, and its marker, so that the job is sent again (by
    whichever caller sets the marker first); the reruns so far, or `WorkersUnavailable`
    past RERUNS_AFTER_LOST_RESULT. Two callers may each delete the other's fresh result
    or marker in a race: the job then runs once more, with the same result."""
    if reruns >= RERUNS_AFTER_LOST_RESULT:
        raise WorkersUnavailable(f"the workers could not store a result: {meta['result']!r}")
    log.warning("a job's result was lost as it was stored (%r); running it again",
                meta["result"])
    await commands.delete(job.result_key, job.marker)
    return reruns + 1


__all__ = ["CHECK_SECONDS", "CONNECTION_ERRORS", "RERUNS_AFTER_LOST_RESULT",
           "UNREACHABLE_SECONDS", "PendingJob", "finished_meta"]
