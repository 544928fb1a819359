"""Text first: what a message asks for (`bot.messages.classify`), pasted HTML read through
the link extractor (`bot.service.breakdown_html`), link buttons and named link failures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.breakdown import Breakdown, Source
from bot.failures import failure_text
from bot.fetch.article import Article
from bot.fetch.errors import HTTPStatusError, NoArticleInHTML, NoArticleText
from bot.messages import classify, looks_like_html
from bot.process_workers import extract_page
from bot.service import breakdown_html
from bot.settings import Settings, SettingsError
from bot.token_memory import TokenMemory
from handlers.keyboards import LINK_CALLBACK_PREFIX, link_rows
from tests.article_site import SEED, TITLE, seed_page

ARTICLE = " ".join(SEED.split()[200:260])  # 60 words of running text
LINK = "https://example.org/report/2020/full-text"


def test_an_article_with_a_link_is_text_and_the_link_is_offered() -> None:
    request = classify(f"{ARTICLE} Read the report at {LINK}.")
    assert request.kind == "text" and request.links == (LINK,)


def test_a_message_that_is_mostly_links_asks_for_them() -> None:
    assert classify(f"Look at this {LINK} please").kind == "links"
    few_words = " ".join(ARTICLE.split()[:30])
    request = classify(f"{few_words} {LINK} https://example.net/a https://example.net/b")
    assert request.kind == "links" and len(request.links) == 3


def test_the_words_of_the_links_do_not_make_an_article() -> None:
    many = " ".join(f"https://example.org/{'-'.join(['word'] * 20)}/{n}" for n in range(5))
    request = classify(many)
    assert request.kind == "links" and request.extra_links == 2


def test_links_offered_under_an_article_are_capped_and_telegrams_entities_win() -> None:
    links = [f"https://example.org/{n}" for n in range(5)]
    request = classify(f"{ARTICLE} {' '.join(links)}", max_links=3)
    assert request.kind == "text" and request.links == tuple(links[:3])
    hidden = classify(ARTICLE, entity_urls=["https://example.org/hidden"])  # a text_link
    assert hidden.kind == "text" and hidden.links == ("https://example.org/hidden",)


def test_short_text_is_still_short() -> None:
    assert classify("hello there").kind == "short"


@pytest.mark.parametrize("text", [
    "<!DOCTYPE html><html><head><title>x</title></head><body><p>Hi</p></body></html>",
    "  <html lang='en'>\n<p>Only the start of a page</p>",
    "</div></article></body>\n</html>",  # the last piece of a long paste
    "".join(f"<p class='x'>Paragraph {n}.</p>\n" for n in range(10)),
])
def test_html_source_is_recognised(text: str) -> None:
    assert looks_like_html(text) and classify(text).kind == "html"


@pytest.mark.parametrize("text", [
    f"{ARTICLE} The <b> tag makes text bold, and a <p> starts a paragraph.",
    f"{ARTICLE} If x < 3 and y > 4 the result is <unknown>.",
])
def test_an_article_that_mentions_tags_is_not_html(text: str) -> None:
    assert not looks_like_html(text) and classify(text).kind == "text"


class InProcess:
    """`BreakdownWorkers` in this process: pages read by the real extractor, and an
    "analysis" that hands back what it was given (the engine is tested elsewhere)."""

    async def analyze(self, text: str, *, published: dt.date | None = None,
                      source: Source | None = None) -> Breakdown:
        assert source is not None
        return Breakdown(text=text, source=source, language="en", summary=(str(published),),
                         quotes=(), dates=(), claims=())

    async def extract(self, page: bytes, url: str | None, *,
                      declared_charset: str | None = None,
                      text_plain: bool = False) -> Article:
        return extract_page(page, url, declared_charset, text_plain)


async def test_pasted_html_is_read_by_the_link_extractor() -> None:
    result = await breakdown_html(seed_page().decode(), workers=InProcess())
    breakdown = result.breakdown
    assert "James Jeffrey" in breakdown.text
    assert "Donate" not in breakdown.text and "Copyright" not in breakdown.text
    assert breakdown.source.kind == "text" and breakdown.source.title == TITLE
    assert breakdown.summary == ("2020-02-06",)  # the page's date reaches the analysis
    assert result.fetch_seconds is None and result.analysis_seconds is not None


async def test_pasted_html_without_an_article_gets_one_clear_error() -> None:
    page = "<html><body><nav><a href='/'>Home</a> <a href='/a'>About</a></nav></body></html>"
    with pytest.raises(NoArticleInHTML) as caught:
        await breakdown_html(page, workers=InProcess())
    assert isinstance(caught.value, NoArticleText)  # counted as "no_article_text"
    assert "HTML source" in caught.value.user_message


def test_a_link_failure_names_its_link_safely() -> None:
    text = failure_text(HTTPStatusError(404), "https://example.org/a?b=1&c=<2>")
    assert text.startswith("⚠️ https://example.org/a?b=1&amp;c=&lt;2&gt;\n")
    assert "error 404" in text
    assert failure_text(NoArticleInHTML(), None) == NoArticleInHTML.user_message


async def test_link_buttons_carry_short_tokens() -> None:
    memory: TokenMemory[str] = TokenMemory()
    long_link = "https://example.org/" + "a" * 3000
    [[one]] = await link_rows((long_link,), memory)
    assert one.text == "🔗 Break down the linked page"
    assert isinstance(one.callback_data, str) and len(one.callback_data.encode()) <= 64
    token = one.callback_data.removeprefix(f"{LINK_CALLBACK_PREFIX}:")
    assert await memory.recall(token) == long_link
    rows = await link_rows(("https://example.org/a", "http://example.net/b"), memory)
    assert [row[0].text for row in rows] == ["🔗 Break down example.org/a",
                                             "🔗 Break down example.net/b"]


@pytest.mark.parametrize("value", ["-1", "31", "nan", "soon"])
def test_a_bad_paste_wait_stops_the_bot_with_its_name(value: str) -> None:
    with pytest.raises(SettingsError, match="PASTE_WAIT_SECONDS"):
        Settings.from_env({"PASTE_WAIT_SECONDS": value})


def test_the_paste_wait_is_a_setting() -> None:
    settings: Any = Settings.from_env({"PASTE_WAIT_SECONDS": "1.5"})
    assert settings.paste_wait_seconds == 1.5
