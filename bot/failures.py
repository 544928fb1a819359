"""The failure map: which usage-event code and which user-facing text each failure gets.

The reply flow and inline mode call `failure_code(error)` for the usage event and
`failure_text(error, url)` for the reply; both come from the error's class
(`bot.errors.UserFacingError`: its `code` and `user_message`).
"""

from __future__ import annotations

from bot.breakdown import Breakdown
from bot.errors import NOT_ENGLISH, OK, UserFacingError
from bot.render.telegram_parts import esc_short


def breakdown_outcome(breakdown: Breakdown) -> str:
    """The usage event's outcome for an answered request: a breakdown, or a text that was
    not English (answered, but with nothing to break down)."""
    return OK if breakdown.language == "en" else NOT_ENGLISH


def failure_code(error: Exception) -> str:
    """The usage event's outcome for a failed request: the error's own code."""
    return error.code if isinstance(error, UserFacingError) else UserFacingError.code


def failure_text(error: UserFacingError, url: str | None) -> str:
    """The user-facing reason, naming the link when there was one (several may fail)."""
    return f"⚠️ {esc_short(url, 120)}\n{error.user_message}" if url else error.user_message
