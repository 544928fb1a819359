"""What can go wrong with a link, each with its outcome code and the one line a user is shown.

Fetching the page (`FetchError` and its subclasses) and reading the article out of it
(`NoArticleText`, which says the page has none, and `ExtractionFailed` and its subclasses,
which say the extractor could not tell) are told apart: each failure gets its own true
message. The codes are the usage store's failure reasons (`bot.errors.failure_codes`).
"""

from __future__ import annotations

from bot.errors import UserFacingError


class FetchError(UserFacingError):
    """A page that cannot be fetched; the plain class is a failure with no better name
    (a DNS lookup or a connection that failed, a corrupt compressed body)."""

    code = "fetch_error"
    user_message = "Sorry, I couldn't read that link."


class InvalidURL(FetchError):
    code = "invalid_url"
    user_message = "That doesn't look like a web link. Send a full http:// or https:// address."


class AddressNotAllowed(FetchError):
    code = "address_not_allowed"
    user_message = "I can't open links to private or local network addresses."


class TooManyRedirects(FetchError):
    code = "too_many_redirects"
    user_message = "That link redirects too many times; try the final address instead."


class FetchTimeout(FetchError):
    """The site did not answer in time (connecting, reading, or the whole fetch)."""

    code = "timeout"
    user_message = "The site took too long to answer. Try again later, or paste the text."


class TooLarge(FetchError):
    code = "too_large"
    user_message = "That page is too large for me to read. Paste the article text instead."


class NotAWebPage(FetchError):
    code = "not_a_web_page"
    user_message = "That link isn't a web page (it's a file or another kind of content)."


class HTTPStatusError(FetchError):
    code = "http_error"

    def __init__(self, status: int, detail: str = "") -> None:
        super().__init__(detail or f"HTTP {status}")
        self.status = status

    @property
    def user_message(self) -> str:  # type: ignore[override]
        if self.status in (401, 402, 403):
            reason = "it needs a login or subscription"
        elif self.status in (404, 410):
            reason = "the page wasn't found"
        elif self.status == 429:
            reason = "the site is limiting requests"
        elif self.status >= 500:
            reason = "the site had an error"
        else:
            reason = "the site refused the request"
        return f"The site answered with error {self.status} ({reason})."


class NoArticleText(FetchError):
    """The extractor read the page and found no article in it."""

    code = "no_article_text"
    user_message = ("I couldn't find article text on that page (a paywall or a page built by "
                    "JavaScript?). Paste the text instead.")


class NoArticleInHTML(NoArticleText):
    """Pasted HTML source in which the extractor found no article."""

    user_message = ("That looks like a web page's HTML source, but I couldn't find an article "
                    "in it. Paste the article's text instead, or send me the page's link.")


class ExtractionFailed(UserFacingError):
    """The extractor itself failed on the page's markup (an exception in trafilatura/lxml)."""

    code = "extraction_failed"
    user_message = ("I couldn't read the article out of that page: its HTML made my text "
                    "extractor fail. Paste the article's text instead.")


class ExtractionTimeout(ExtractionFailed):
    """Reading the article out of the page ran past its time limit and was stopped."""

    code = "extraction_timeout"
    user_message = ("Reading the article out of that page took too long (the page is "
                    "unusually large or complex), so I stopped. Paste the article's text "
                    "instead.")


class ExtractionWorkerDied(ExtractionFailed):
    """The worker process reading the page died (killed, out of memory)."""

    code = "extraction_worker_died"
    user_message = ("The process reading that page stopped unexpectedly (the page may be too "
                    "much for me). Try again, or paste the article's text instead.")
