"""Errors that end a request with a message for the user, each carrying its outcome.

Every failure a user can be told about is a subclass of `UserFacingError` with two class
attributes: `code`, the outcome a usage event records (short, stable: the stats count
failures by it), and `user_message`, the one true sentence the user gets. The reply flow
and the usage store read both from the class, so a new failure is one new class.

The link failures (fetching a page, reading the article out of it) live beside the fetcher,
in `bot.fetch.errors`; the analysis failures are here, because every way of running the
analysis (`bot.workers.BreakdownWorkers`) raises the same ones.
"""

from __future__ import annotations

from typing import ClassVar

# Outcomes of a request that are not errors, recorded beside the error codes.
OK = "ok"
RATE_LIMITED = "rate_limited"  # the user's per-minute limit: counted apart from failures
NOT_ENGLISH = "not_english"  # answered, but there was nothing to break down


class UserFacingError(Exception):
    """A request that cannot be answered with a breakdown; the user is told why."""

    code: ClassVar[str] = "internal_error"
    user_message: ClassVar[str] = "Sorry, something went wrong on my side. Please try again."

    def __init__(self, detail: str = "") -> None:
        # `detail` is for logs and tests, never shown to the user.
        super().__init__(detail or self.user_message)
        self.detail = detail


class AnalysisFailed(UserFacingError):
    """The analysis of a text failed for a reason of ours, not the text's."""

    user_message = "Something went wrong while analysing that. Please try again."


class AnalysisTimeout(AnalysisFailed):
    """The analysis ran past its time limit and was stopped (its worker was killed)."""

    code = "analysis_timeout"
    user_message = ("Analysing that took longer than I allow, so I stopped. Try sending a "
                    "shorter part of it.")


class AnalysisWorkerDied(AnalysisFailed):
    """The worker process analysing the text died (killed, out of memory)."""

    code = "analysis_worker_died"
    user_message = ("The process analysing that stopped unexpectedly (it may have run out of "
                    "memory). Please try again.")


class WorkersUnavailable(AnalysisFailed):
    """The workers' queue (Redis) stayed unreachable while the request waited, longer than
    a restart takes (bot/celery_workers)."""

    code = "workers_unavailable"
    user_message = ("The analysis service is unavailable right now. Please try again in a "
                    "minute.")


def _subclasses(kind: type[UserFacingError]) -> list[type[UserFacingError]]:
    found = [kind]
    for sub in kind.__subclasses__():
        found += _subclasses(sub)
    return found


def failure_codes() -> frozenset[str]:
    """The code of every user-facing error: the failure reasons a usage event may record."""
    # The link failures subclass UserFacingError in their own module: import it so that the
    # list is whole whatever the caller imported before.
    import bot.fetch.errors  # noqa: F401

    return frozenset(kind.code for kind in _subclasses(UserFacingError))


def outcome_codes() -> frozenset[str]:
    """Every outcome a usage event may record: the failure codes and the non-errors."""
    return failure_codes() | {OK, RATE_LIMITED, NOT_ENGLISH}
