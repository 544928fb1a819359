"""Inline mode end to end: the real bot long-polling the Bot API emulator on 127.0.0.1,
reading the local news site; the test types "@test_bot <link>" as a user would.

One bot for the module, with its own database and a generous inline budget; the test of a
page slower than the budget gives the bot a short one, and the page waits for the test to
let it answer, so no outcome here depends on the machine's speed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio
from telegram.ext import Application

from handlers.inline_flow import (
    CARD_BUTTON,
    FAILED,
    FULL,
    HINT,
    RATE_LIMITED,
    START_HINT,
    STILL_READING,
)
from handlers.services import BotServices
from tests.article_site import TITLE, SiteHandler
from tests.botapi.server import BotAPIServer
from tests.e2e import eventually, running_bot, wait_reply

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.slow]


@pytest.fixture(scope="module")
def botapi() -> Iterator[BotAPIServer]:
    server = BotAPIServer()
    server.inline_mode = True  # /setinline in @BotFather
    server.start()
    yield server
    server.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(botapi: BotAPIServer, site: str,
              tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Application]:
    async with running_bot(botapi, tmp_path_factory.mktemp("inline") / "bot.sqlite3",
                           user_rate_limit=3, group_cooldown_seconds=60,
                           inline_budget_seconds=8.0) as application:
        yield application


def services(bot: Application) -> BotServices:
    return bot.bot_data.services


async def ask_inline(botapi: BotAPIServer, user_id: int, query: str, *,
                     chat_type: str = "supergroup", timeout: float = 30) -> dict[str, Any]:
    """Type "@test_bot <query>" and wait for the bot's answer."""
    asked = botapi.send_inline_query(user_id, query, chat_type=chat_type)
    return await botapi.wait_for(lambda: botapi.inline_answer(asked["id"]), timeout)


async def inline_events(bot: Application, user_id: int,
                        count: int = 0) -> list[tuple[Any, ...]]:
    """The user's inline usage events, once at least `count` are recorded: an event is
    written just after its answer is sent, so a loaded machine may read before it."""
    async def read() -> list[tuple[Any, ...]]:
        return await services(bot).store.read_rows(
            "SELECT outcome, cached, chat_type, domain, fetch_ms, render_ms FROM usage_events "
            "WHERE input_kind = 'inline' AND user_id = ? ORDER BY id", (user_id,))

    async def enough() -> list[tuple[Any, ...]] | None:
        found = await read()
        return found if len(found) >= count else None

    return await eventually(enough) if count else await read()


def served(path: str) -> int:
    return SiteHandler.requests.count(path)


def assert_card(answer: dict[str, Any], url: str) -> dict[str, Any]:
    """One article result: the title, the sourcing line, quotes and claims, a link back."""
    [result] = answer["results"]
    assert result["title"] == TITLE
    assert result["description"].startswith("12 quotes · 3 anonymous · ")
    text = result["text"]
    assert TITLE in text and "12 quotes · 3 anonymous" in text
    assert "James Jeffrey" in text and "Claims with no source" in text
    assert url in [e.get("url") for e in result["entities"] if e["type"] == "text_link"]
    assert result["parse_mode"] == "HTML"
    [[button]] = result["reply_markup"]["inline_keyboard"]
    parameter = answer["button"]["start_parameter"]
    assert button == {"text": CARD_BUTTON, "url": f"https://t.me/test_bot?start={parameter}"}
    assert answer["button"]["text"] == FULL and parameter.startswith("bd-")
    return result


async def test_empty_or_linkless_query_gets_a_hint(bot: Application,
                                                   botapi: BotAPIServer) -> None:
    for query in ("", "what does this bot do"):
        answer = await ask_inline(botapi, 71, query)
        assert answer["results"] == []
        assert answer["button"] == {"text": HINT, "start_parameter": START_HINT}
    # The hint button's /start is the greeting; /help tells how inline mode works.
    botapi.send_user_message(71, 71, f"/start {START_HINT}")
    await wait_reply(botapi, 71, "Hi!")
    botapi.send_user_message(71, 71, "/help")
    assert "Type @test_bot and a link" in (await wait_reply(botapi, 71, "In any chat"))["text"]
    assert await inline_events(bot, 71) == []  # nothing was asked for


async def test_cached_link_gets_a_card_without_fetching(bot: Application, botapi: BotAPIServer,
                                                        site: str) -> None:
    url = f"{site}/article?id=cached"
    botapi.send_user_message(72, 72, url)  # broken down in the private chat first
    await wait_reply(botapi, 72, TITLE)
    fetched = served("/article?id=cached")
    answer = await ask_inline(botapi, 72, f"look: {url}")
    result = assert_card(answer, url)
    assert served("/article?id=cached") == fetched  # the card came from the cache
    assert answer["cache_time"] == 300 and not answer["is_personal"]
    assert len(result["text"]) <= 1000
    [(outcome, cached, chat_type, domain, fetch_ms, render_ms)] = await inline_events(bot, 72,
                                                                                      1)
    assert (outcome, cached, chat_type, domain) == ("ok", 1, "supergroup", "127.0.0.1")
    assert fetch_ms is None and render_ms is not None


async def test_uncached_link_is_fetched_within_the_budget(bot: Application,
                                                          botapi: BotAPIServer,
                                                          site: str) -> None:
    url = f"{site}/article?id=fresh"
    answer = await ask_inline(botapi, 73, url, chat_type="sender")
    assert_card(answer, url)
    assert served("/article?id=fresh") == 1
    [(outcome, cached, chat_type, _, fetch_ms, _)] = await inline_events(bot, 73, 1)
    assert (outcome, cached, chat_type) == ("ok", 0, "private") and fetch_ms is not None
    # The work landed in the cache: the next query (another user's) fetches nothing.
    assert_card(await ask_inline(botapi, 74, url), url)
    assert served("/article?id=fresh") == 1


async def test_slow_page_opens_in_the_bot_and_start_breaks_it_down(
        bot: Application, botapi: BotAPIServer, site: str) -> None:
    url = f"{site}/slow?id=1"
    patient = services(bot).settings
    services(bot).settings = patient.model_copy(update={"inline_budget_seconds": 0.3})
    SiteHandler.slow_gate.clear()
    try:
        answer = await ask_inline(botapi, 75, url)
    finally:
        services(bot).settings = patient
    assert answer["results"] == [] and answer["is_personal"] and answer["cache_time"] == 0
    assert answer["button"]["text"] == STILL_READING
    parameter = answer["button"]["start_parameter"]
    assert parameter.startswith("bd-") and len(parameter) <= 64
    # The user taps the button: Telegram opens the private chat with "/start <parameter>".
    botapi.send_user_message(75, 75, f"/start {parameter}")
    await asyncio.sleep(0.5)
    SiteHandler.slow_gate.set()  # the page answers at last
    reply = await wait_reply(botapi, 75, TITLE)
    assert "James Jeffrey" in reply["text"] and reply["reply_markup"]  # the full breakdown
    # One fetch: the work the inline query started was not cancelled, and /start used it.
    assert served("/slow?id=1") == 1
    # The inline query's usage event is the outcome of the work it started.
    [(outcome, cached, _, _, fetch_ms, render_ms)] = await eventually(
        lambda: inline_events(bot, 75))
    assert (outcome, cached, render_ms) == ("ok", 0, None) and fetch_ms is not None


async def test_failing_link_says_so_and_start_gives_the_reason(bot: Application,
                                                               botapi: BotAPIServer,
                                                               site: str) -> None:
    answer = await ask_inline(botapi, 76, f"{site}/missing")
    assert answer["results"] == [] and answer["button"]["text"] == FAILED
    botapi.send_user_message(76, 76, f"/start {answer['button']['start_parameter']}")
    await wait_reply(botapi, 76, "error 404")
    assert [row[0] for row in await inline_events(bot, 76)] == ["http_error"]


async def test_rate_limit_counts_only_work(bot: Application, botapi: BotAPIServer,
                                           site: str) -> None:
    for n in range(3):  # user_rate_limit=3: three fetches
        answer = await ask_inline(botapi, 77, f"{site}/missing?n={n}")
        assert answer["button"]["text"] == FAILED
    answer = await ask_inline(botapi, 77, f"{site}/missing?n=3")
    assert answer["button"] == {"text": RATE_LIMITED, "start_parameter": START_HINT}
    assert served("/missing?n=3") == 0
    # A card from the cache costs nothing, even now.
    url = f"{site}/article?id=fresh"
    await ask_inline(botapi, 74, url)  # cached by another user (if run alone: fetched)
    assert_card(await ask_inline(botapi, 77, url), url)
    outcomes = [row[0] for row in await inline_events(bot, 77, 5)]
    assert outcomes == ["http_error"] * 3 + ["rate_limited", "ok"]


async def test_unknown_deep_link_is_answered(bot: Application, botapi: BotAPIServer) -> None:
    botapi.send_user_message(78, 78, "/start bd-NoSuchToken")
    await wait_reply(botapi, 78, "That button has expired")


async def test_card_sent_into_a_group_is_not_broken_down_again(bot: Application,
                                                               botapi: BotAPIServer,
                                                               site: str) -> None:
    botapi.add_chat(-3001, "supergroup", admins=[79])
    botapi.send_user_message(-3001, 79, "/auto on", chat_type="supergroup")
    await wait_reply(botapi, -3001, "Automatic breakdowns are on")
    url = f"{site}/article?id=shared"
    answer = await ask_inline(botapi, 79, url)
    [result] = answer["results"]
    botapi.inline_feedback = True  # chosen_inline_result too: the bot has no use for it
    try:
        card = botapi.choose_inline_result(answer["inline_query_id"], result["id"], -3001,
                                           chat_type="supergroup")
    finally:
        botapi.inline_feedback = False
    assert card["via_bot"]["username"] == "test_bot" and card["text"] == result["text"]
    before = len(botapi.sent_messages(-3001))
    # Without the guard, /auto would break the card's linked title down in the group.
    botapi.send_user_message(-3001, 80, "/help", chat_type="supergroup")
    await wait_reply(botapi, -3001, "How to use me")
    await asyncio.sleep(1.5)
    later = botapi.sent_messages(-3001)[before:]
    assert len(later) == 1 and "How to use me" in later[0]["text"]


async def test_refused_markup_falls_back_to_plain_text(bot: Application, botapi: BotAPIServer,
                                                       site: str) -> None:
    url = f"{site}/article?id=fresh"  # cached by now, or fetched within the budget
    botapi.fail_next("answerInlineQuery", 400,
                     description="Bad Request: can't parse entities: unexpected end tag")
    answer = await ask_inline(botapi, 81, url)
    [result] = answer["results"]
    assert result["parse_mode"] is None and result["entities"] == []
    assert TITLE in result["text"] and "James Jeffrey" in result["text"]
    assert "<b>" not in result["text"]


async def test_an_answer_too_late_is_dropped_quietly(bot: Application, botapi: BotAPIServer,
                                                     site: str,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    botapi.inline_answer_timeout = 0.0  # every answer arrives after Telegram gave up
    try:
        asked = botapi.send_inline_query(82, f"{site}/article?id=late")
        await eventually(lambda: inline_events(bot, 82))  # the bot got that far
    finally:
        botapi.inline_answer_timeout = 10.0
    assert botapi.inline_answer(asked["id"]) is None
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert await ask_inline(botapi, 82, f"{site}/article?id=late")  # and goes on answering
