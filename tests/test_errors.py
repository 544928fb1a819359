"""Errors carry their outcome: every user-facing failure has its own code and its own true
message, and the reply flow and the usage store read both from the class."""

from __future__ import annotations

import pickle
import re

import pytest

from bot.errors import (
    OK,
    AnalysisFailed,
    AnalysisTimeout,
    AnalysisWorkerDied,
    UserFacingError,
    WorkersUnavailable,
    failure_codes,
    outcome_codes,
)
from bot.failures import failure_code, failure_text
from bot.fetch.errors import (
    AddressNotAllowed,
    ExtractionFailed,
    ExtractionTimeout,
    ExtractionWorkerDied,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    InvalidURL,
    NoArticleInHTML,
    NoArticleText,
    NotAWebPage,
    TooLarge,
    TooManyRedirects,
)
from bot.store.usage import FAILURE_REASONS, OUTCOMES, UsageEvent

# Every error a user can be told about, with the code its usage event records.
EXPECTED_CODES: dict[type[UserFacingError], str] = {
    UserFacingError: "internal_error",
    AnalysisFailed: "internal_error",
    AnalysisTimeout: "analysis_timeout",
    AnalysisWorkerDied: "analysis_worker_died",
    WorkersUnavailable: "workers_unavailable",
    FetchError: "fetch_error",
    InvalidURL: "invalid_url",
    AddressNotAllowed: "address_not_allowed",
    TooManyRedirects: "too_many_redirects",
    FetchTimeout: "timeout",
    TooLarge: "too_large",
    NotAWebPage: "not_a_web_page",
    HTTPStatusError: "http_error",
    NoArticleText: "no_article_text",
    NoArticleInHTML: "no_article_text",  # pasted HTML without an article counts as one
    ExtractionFailed: "extraction_failed",
    ExtractionTimeout: "extraction_timeout",
    ExtractionWorkerDied: "extraction_worker_died",
}


def make(kind: type[UserFacingError]) -> UserFacingError:
    if kind is HTTPStatusError:
        return HTTPStatusError(404)
    return kind("detail for the log")


def all_error_classes() -> set[type[UserFacingError]]:
    found, frontier = set(), [UserFacingError]
    while frontier:
        kind = frontier.pop()
        found.add(kind)
        frontier += kind.__subclasses__()
    return found


def test_every_error_class_is_mapped() -> None:
    assert all_error_classes() == set(EXPECTED_CODES)


@pytest.mark.parametrize("kind", list(EXPECTED_CODES), ids=lambda kind: kind.__name__)
def test_the_failure_map_reads_the_class(kind: type[UserFacingError]) -> None:
    error = make(kind)
    assert failure_code(error) == EXPECTED_CODES[kind] == kind.code
    assert failure_text(error, None) == error.user_message
    text = failure_text(error, "https://example.org/a?b=1")
    assert text == f"⚠️ https://example.org/a?b=1\n{error.user_message}"
    # The detail is for logs: the user sees only the class's message.
    assert "detail for the log" not in text


def test_an_unexpected_exception_is_an_internal_error() -> None:
    assert failure_code(ValueError("a bug")) == "internal_error"


def test_each_failure_has_its_own_message() -> None:
    messages = [make(kind).user_message for kind in EXPECTED_CODES]
    assert len(set(messages)) == len(messages)


def test_timeouts_say_what_took_too_long() -> None:
    assert "site" in FetchTimeout.user_message  # the site did not answer
    # The site answered; reading its page was what took too long.
    assert "site" not in ExtractionTimeout.user_message
    assert "reading the article" in ExtractionTimeout.user_message.lower()
    assert "analysing" in AnalysisTimeout.user_message.lower()
    assert "shorter" in AnalysisTimeout.user_message


@pytest.mark.parametrize("kind", [AnalysisWorkerDied, ExtractionWorkerDied, ExtractionFailed,
                                  ExtractionTimeout, WorkersUnavailable])
def test_a_failure_of_ours_does_not_blame_the_page(kind: type[UserFacingError]) -> None:
    message = kind.user_message.lower()
    assert "paywall" not in message and "javascript" not in message
    assert "couldn't find article text" not in message


def test_a_dead_worker_says_so_and_suggests_trying_again() -> None:
    for kind in (AnalysisWorkerDied, ExtractionWorkerDied):
        assert "stopped unexpectedly" in kind.user_message
        assert "try again" in kind.user_message.lower()


def test_unavailable_workers_say_so_and_suggest_trying_again_later() -> None:
    assert failure_text(WorkersUnavailable("Redis unreachable for 31 s"), None) == (
        "The analysis service is unavailable right now. Please try again in a minute.")
    assert failure_code(WorkersUnavailable()) == "workers_unavailable"
    assert "workers_unavailable" in OUTCOMES  # usage events and /stats accept it


def test_a_page_without_article_text_says_why_it_may_be() -> None:
    assert "paywall" in NoArticleText.user_message
    assert "HTML source" in NoArticleInHTML.user_message


def test_http_errors_name_the_status() -> None:
    assert "login or subscription" in HTTPStatusError(403).user_message
    assert "wasn't found" in HTTPStatusError(404).user_message
    assert "error 503 (the site had an error)" in HTTPStatusError(503).user_message


def test_outcome_codes_are_the_classes_codes_and_the_non_errors() -> None:
    assert failure_codes() == set(EXPECTED_CODES.values())
    assert outcome_codes() == failure_codes() | {"ok", "rate_limited", "not_english"}
    assert outcome_codes() == OUTCOMES
    assert OUTCOMES - {OK} == FAILURE_REASONS
    assert "too_short" not in OUTCOMES  # never produced, so never accepted


@pytest.mark.parametrize("code", sorted(outcome_codes()))
def test_the_usage_store_accepts_every_outcome(code: str) -> None:
    assert re.fullmatch(r"[a-z_]{2,32}", code)  # the table allows 32 characters
    event = UsageEvent(chat_id=1, chat_type="private", input_kind="link", outcome=code)
    assert event.ok == (code == OK)


def test_the_usage_store_refuses_other_outcomes() -> None:
    with pytest.raises(ValueError, match="unknown outcome"):
        UsageEvent(chat_id=1, chat_type="private", input_kind="text", outcome="too_short")


@pytest.mark.parametrize("kind", [k for k in EXPECTED_CODES if k is not HTTPStatusError],
                         ids=lambda kind: kind.__name__)
def test_errors_cross_a_process_boundary_as_themselves(kind: type[UserFacingError]) -> None:
    error = pickle.loads(pickle.dumps(make(kind)))
    assert type(error) is kind and error.detail == "detail for the log"
