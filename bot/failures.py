"""The failure map: which usage-event code and which user-facing text each failure gets.

The reply flow and inline mode call `failure_code(error)` for the usage event and
`failure_text(error, url)` for the reply; both come from the error's class
(`bot.errors.UserFacingError`: its `code` and `user_message`).
"""

from __future__ import annotations

from bot.errors import UserFacingError
from bot.render.telegram_parts import esc_short


def failure_code(error: Exception) -> str:
    """The usage event's outcome for a failed request: the error's own code."""
    return error.code if isinstance(error, UserFacingError) else UserFacingError.code


def failure_text(error: UserFacingError, url: str | None) -> str:
    """The user-facing reason, naming the link when there was one (several may fail)."""
    return f"⚠️ {esc_short(url, 120)}\n{error.user_message}" if url else error.user_message
