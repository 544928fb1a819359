"""The breakdown engine: article text in, `Breakdown` out. Imports nothing from Telegram.

`analyze` is imported on first use: it brings spaCy (~70 MB), which the bot's own process
never needs (analysis runs in worker processes); the result types are light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.breakdown.model import Breakdown, Claim, KeyDate, Quote, Source
from bot.breakdown.words import count_words

if TYPE_CHECKING:
    from bot.breakdown.engine import analyze

__all__ = ["Breakdown", "Claim", "KeyDate", "Quote", "Source", "analyze", "count_words"]


def __getattr__(name: str) -> Any:
    if name == "analyze":
        from bot.breakdown.engine import analyze

        return analyze
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
