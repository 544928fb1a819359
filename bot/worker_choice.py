"""Which workers a command's process uses: the one place that chooses."""

from __future__ import annotations

from typing import Literal

from bot.settings import Settings
from bot.workers import ManagedWorkers


def workers_for(settings: Settings, command: Literal["run", "serve"]) -> ManagedWorkers:
    """`run` analyses in this machine's worker processes. `serve`, a stateless front-end,
    hands the work to the Celery workers of `python -m bot worker`, on any machine that
    reaches the same Redis."""
    if command == "serve":
        from bot.celery_workers.client import CeleryWorkers  # celery only where it is used

        return CeleryWorkers.from_settings(settings)
    from bot.process_workers import ProcessWorkers

    return ProcessWorkers.from_settings(settings)
