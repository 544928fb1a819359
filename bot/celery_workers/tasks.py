"""The worker side: the two tasks (`bot.process_workers`' functions, run by Celery) and
`run_worker`, what `python -m bot worker` runs."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery, signals
from celery.app import trace as celery_trace

from bot.celery_workers.app import (
    ANALYZE_TASK,
    EXTRACT_TASK,
    RETRIES_ON_WORKER_LOST,
    make_app,
)
from bot.errors import UserFacingError
from bot.process_workers import analyze_text, extract_page, load_models
from bot.settings import Settings


def register_tasks(app: Celery, settings: Settings) -> None:
    """The tasks on `app`, each killed past its hard time limit (the settings' own, for a
    job that does not carry its sender's), and the models loaded when a worker starts."""
    # On worker loss the job is retried at once (`task_retry_on_worker_lost`), at most
    # RETRIES_ON_WORKER_LOST times.
    # A UserFacingError is an expected outcome: logged in one line, without a traceback.
    options: dict[str, Any] = {"max_retries": RETRIES_ON_WORKER_LOST,
                               "default_retry_delay": 0, "throws": (UserFacingError,)}
    app.task(name=ANALYZE_TASK, time_limit=settings.analysis_timeout,
             **options)(analyze_text)
    app.task(name=EXTRACT_TASK, time_limit=settings.extract_timeout,
             **options)(extract_page)

    def preload(sender: Any, **_: Any) -> None:
        # worker_init fires in the parent before the pool forks its children: spaCy and the
        # extractor load once, and every child shares their memory pages.
        if sender.app is app:
            load_models(settings.spacy_model)

    signals.worker_init.connect(preload, weak=False)


def run_worker(settings: Settings, *, concurrency: int = 0, hostname: str = "") -> None:
    """A prefork worker of `concurrency` children (0: ANALYSIS_WORKERS, or the CPU count);
    returns when the worker stops (SIGTERM: after the jobs in hand)."""
    # Celery logs each result's repr, and a Breakdown quotes the article: its text must not
    # reach the logs. (The format is read at each log call, in the children forked later.)
    celery_trace.LOG_SUCCESS = "Task %(name)s[%(id)s] succeeded in %(runtime)ss"
    app = make_app(settings)
    register_tasks(app, settings)
    children = concurrency or settings.analysis_workers or os.cpu_count() or 1
    arguments = ["worker", "--pool=prefork", f"--concurrency={children}",
                 "--loglevel=INFO", "--without-gossip", "--without-mingle",
                 # fair: a job goes to a child that is free, never queued behind a long
                 # analysis in a busy child's pipe.
                 "-O", "fair"]
    if hostname:
        arguments.append(f"--hostname={hostname}")
    app.worker_main(arguments)
