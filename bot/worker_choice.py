"""Which workers a command's process uses: the one place that chooses."""

from __future__ import annotations

from typing import Literal

from bot.process_workers import ProcessWorkers
from bot.settings import Settings
from bot.workers import ManagedWorkers


def workers_for(settings: Settings, command: Literal["run", "serve"]) -> ManagedWorkers:
    """`run` analyses in this machine's worker processes. `serve`, a stateless front-end,
    is meant to hand the work to the Celery workers of `python -m bot worker`."""
    if command == "serve":
        # TODO(lead): CeleryWorkers — return CeleryWorkers.from_settings(settings)
        return ProcessWorkers.from_settings(settings)
    return ProcessWorkers.from_settings(settings)
