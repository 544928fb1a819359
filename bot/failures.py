"""The failure map: which usage-event code and which user-facing text each failure gets.

The reply flow and inline mode call `failure_code(error)` for the usage event and
`failure_text(error, url)` for the reply; the texts themselves live on the errors.
"""

from __future__ import annotations

from bot.fetch import errors as fetch_errors
from bot.render.telegram_parts import esc_short
from bot.workers import AnalysisFailed

_FAILURE_CODES: tuple[tuple[type[Exception], str], ...] = (
    (fetch_errors.InvalidURL, "invalid_url"),
    (fetch_errors.AddressNotAllowed, "address_not_allowed"),
    (fetch_errors.TooManyRedirects, "too_many_redirects"),
    (fetch_errors.FetchTimeout, "timeout"),
    (fetch_errors.TooLarge, "too_large"),
    (fetch_errors.NotAWebPage, "not_a_web_page"),
    (fetch_errors.HTTPStatusError, "http_error"),
    (fetch_errors.NoArticleText, "no_article_text"),
    (fetch_errors.FetchError, "fetch_error"),
    (AnalysisFailed, "internal_error"),
)


def failure_code(error: Exception) -> str:
    return next((code for kind, code in _FAILURE_CODES if isinstance(error, kind)),
                "internal_error")


def failure_text(error: fetch_errors.FetchError | AnalysisFailed, url: str | None) -> str:
    """The user-facing reason, naming the link when there was one (several may fail)."""
    return f"⚠️ {esc_short(url, 120)}\n{error.user_message}" if url else error.user_message
