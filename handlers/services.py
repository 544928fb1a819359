"""What answering a request needs, in one object: the reply flow and inline mode take it."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.breakdown import Breakdown
from bot.rate_limit import UserRateLimit
from bot.settings import Settings
from bot.store import Store
from bot.token_memory import BreakdownMemory, ButtonMemory, TokenMemory
from bot.workers import BreakdownWorkers


@dataclass
class BotServices:
    """The core's objects a request uses, and the memories behind a reply's buttons."""

    settings: Settings
    store: Store
    pool: BreakdownWorkers  # where texts are analysed and pages read
    # In this process or in Redis (bot/shared_state.py); in-process when not given.
    limiter: UserRateLimit
    memory: ButtonMemory[Breakdown] = field(default_factory=BreakdownMemory)
    links: ButtonMemory[str] = field(default_factory=TokenMemory)  # "Break down the linked page"
