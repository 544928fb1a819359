"""The breakdown engine: article text in, `Breakdown` out. Imports nothing from Telegram."""

from bot.breakdown.engine import analyze, count_words
from bot.breakdown.model import Breakdown, Claim, KeyDate, Quote, Source

__all__ = ["Breakdown", "Claim", "KeyDate", "Quote", "Source", "analyze", "count_words"]
