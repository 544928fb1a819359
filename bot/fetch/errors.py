"""What can go wrong with a link, each with the one line a user is shown."""

from __future__ import annotations


class FetchError(Exception):
    """A link that cannot be broken down; `user_message` says why and what to do."""

    user_message = "Sorry, I couldn't read that link."

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.user_message)
        self.detail = detail


class InvalidURL(FetchError):
    user_message = "That doesn't look like a web link. Send a full http:// or https:// address."


class AddressNotAllowed(FetchError):
    user_message = "I can't open links to private or local network addresses."


class TooManyRedirects(FetchError):
    user_message = "That link redirects too many times; try the final address instead."


class FetchTimeout(FetchError):
    user_message = "The site took too long to answer. Try again later, or paste the text."


class TooLarge(FetchError):
    user_message = "That page is too large for me to read. Paste the article text instead."


class NotAWebPage(FetchError):
    user_message = "That link isn't a web page (it's a file or another kind of content)."


class HTTPStatusError(FetchError):
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
    user_message = ("I couldn't find article text on that page (a paywall or a page built by "
                    "JavaScript?). Paste the text instead.")


class NoArticleInHTML(NoArticleText):
    """Pasted HTML source in which the extractor found no article."""

    user_message = ("That looks like a web page's HTML source, but I couldn't find an article "
                    "in it. Paste the article's text instead, or send me the page's link.")
