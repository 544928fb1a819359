"""The Celery app both sides build from `Settings`: front-ends send jobs with it, and
`python -m bot worker` runs them. Broker and result backend are both `REDIS_URL`.

Each option below says why it is set; together they make a job survive the loss of the
process running it (redelivered at once, or after the visibility timeout if the whole
worker machine is gone) without running forever or twice by design.
"""

from __future__ import annotations

from celery import Celery

from bot.settings import Settings

ANALYZE_TASK = "bot.analyze"
EXTRACT_TASK = "bot.extract"
QUEUE = "breakdown"
# Results are read once by the waiting front-end; they only need to outlive a redelivered
# Telegram update (seconds to minutes). Short, for privacy: a Breakdown holds quotes of the
# article's text, which may sit in Redis only while a job is in flight.
RESULT_SECONDS = 600
# Seconds between a worker's sweeps for jobs whose worker vanished: a job left unacknowledged
# by a SIGKILLed worker machine comes back this soon after its visibility timeout.
RESTORE_SWEEP_SECONDS = 2
# A job whose worker process dies is sent again at once, this many times; a job that kills
# every worker it reaches (out of memory on a pathological input) then fails as
# AnalysisWorkerDied / ExtractionWorkerDied instead of killing workers forever.
RETRIES_ON_WORKER_LOST = 2


def visibility_timeout(settings: Settings) -> int:
    """Seconds after which the Redis transport hands an unacknowledged job to another
    worker: JOB_VISIBILITY_SECONDS (bot/settings.py says why 30 s by default)."""
    return settings.job_visibility_seconds


def make_app(settings: Settings) -> Celery:
    """The app on `settings.redis_url` (which must be set)."""
    if not settings.redis_url:
        raise ValueError("REDIS_URL is not set: the Celery workers need Redis")
    app = Celery("bot", broker=settings.redis_url, backend=settings.redis_url,
                 set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE,
        # Acknowledge a job when it has finished, not when it starts: a worker that dies
        # mid-job leaves it unacknowledged, so it runs again instead of being lost.
        task_acks_late=True,
        # A child process killed mid-job (SIGKILL, out of memory): the job goes back to
        # the queue (the fallback if sending the retry below fails) rather than failing.
        task_reject_on_worker_lost=True,
        # ... as a retry with a count, sent at once, so that a job that kills every
        # worker ends after RETRIES_ON_WORKER_LOST more attempts.
        task_retry_on_worker_lost=True,
        # A timed-out job is acknowledged and fails (AnalysisTimeout): it would time out
        # again on any worker.
        task_acks_on_failure_or_timeout=True,
        # Each child takes one job at a time: a long analysis never holds a second job
        # hostage while other children are idle.
        worker_prefetch_multiplier=1,
        # Results are Breakdown and Article dataclasses (and our UserFacingError
        # exceptions), which pickle as they are. Pickle runs code on load, so this is safe
        # only because Redis is a private component that only the bot's own processes
        # can write to: never expose it, and protect it with a password.
        task_serializer="pickle",
        result_serializer="pickle",
        accept_content=["pickle"],
        result_accept_content=["pickle"],
        result_expires=RESULT_SECONDS,
        broker_transport_options={
            "visibility_timeout": visibility_timeout(settings),
            # kombu 5.7's Redis transport: sweep for abandoned jobs every few seconds, and
            # scan on every sweep (the default throttle scans on every tenth).
            "unacked_restore_interval": RESTORE_SWEEP_SECONDS,
            "unacked_restore_throttle": 1,
        },
        # The bot's logging stays as the command configured it.
        worker_hijack_root_logger=False,
        # A worker started before Redis is up keeps trying instead of exiting; one that
        # loses Redis (restarted, unreachable) reconnects and consumes again, for as long
        # as it takes: a worker has nothing else to do, and exiting would need a supervisor.
        broker_connection_retry_on_startup=True,
        broker_connection_retry=True,
        broker_connection_max_retries=None,
        # A job running when Redis is lost runs on, and its result is stored once Redis is
        # back (the result backend retries): its caller gets it without a second run.
        # (True would stop it, for the caller to send it again and start over.)
        worker_cancel_long_running_tasks_on_connection_loss=False,
        # Workers are not observed through events (results say all a front-end needs).
        worker_send_task_events=False,
        task_send_sent_event=False,
    )
    return app
