"""The emulator's inline mode, driven by a real python-telegram-bot client: updates arrive,
answers are validated the way the Bot API does, a chosen result becomes a message."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from tests.botapi import BotAPIServer

TOKEN = "123456:TEST-TOKEN"
USER = 501
TOO_OLD = r"(?i)query is too old"


@pytest.fixture
def server() -> Iterator[BotAPIServer]:
    with BotAPIServer(TOKEN) as srv:
        srv.inline_mode = True
        yield srv


@pytest.fixture
async def bot(server: BotAPIServer) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=server.base_url) as b:
        yield b


def article(result_id: str = "1", text: str = "<b>Card</b> &amp; more", *,
            title: str = "Title", **extra: object) -> InlineQueryResultArticle:
    content = InputTextMessageContent(text, parse_mode=ParseMode.HTML)
    return InlineQueryResultArticle(result_id, title, content, **extra)  # type: ignore[arg-type]


async def test_inline_query_update_and_get_me(server: BotAPIServer, bot: Bot) -> None:
    assert (await bot.get_me()).supports_inline_queries
    asked = server.send_inline_query(USER, "https://example.com/a", chat_type="group")
    [update] = await bot.get_updates(timeout=1)
    query = update.inline_query
    assert query is not None and query.id == asked["id"]
    assert (query.query, query.chat_type, query.from_user.id) == (
        "https://example.com/a", "group", USER)
    server.inline_mode = False
    with pytest.raises(RuntimeError, match="/setinline"):
        server.send_inline_query(USER, "x")
    assert not (await bot.get_me()).supports_inline_queries


async def test_answer_is_stored_with_parsed_text(server: BotAPIServer, bot: Bot) -> None:
    asked = server.send_inline_query(USER, "q")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Open", url="https://t.me/x?start=a")]])
    assert await bot.answer_inline_query(
        asked["id"], [article(reply_markup=markup, description="d")], cache_time=0,
        is_personal=True, button=InlineQueryResultsButton("Open the bot", start_parameter="a-1"))
    answer = server.inline_answer(asked["id"])
    assert answer is not None
    [result] = answer["results"]
    assert result["text"] == "Card & more" and result["entities"] == [
        {"type": "bold", "offset": 0, "length": 4}]
    assert (result["title"], result["description"]) == ("Title", "d")
    assert answer["button"] == {"text": "Open the bot", "start_parameter": "a-1"}
    assert answer["cache_time"] == 0 and answer["is_personal"]


async def test_a_query_is_answered_once_and_not_too_late(server: BotAPIServer,
                                                         bot: Bot) -> None:
    asked = server.send_inline_query(USER, "q")
    await bot.answer_inline_query(asked["id"], [])
    with pytest.raises(BadRequest, match=TOO_OLD):
        await bot.answer_inline_query(asked["id"], [])
    with pytest.raises(BadRequest, match=TOO_OLD):
        await bot.answer_inline_query("no-such-query", [])
    server.inline_answer_timeout = 0.05
    late = server.send_inline_query(USER, "q")
    await asyncio.sleep(0.1)
    with pytest.raises(BadRequest, match=TOO_OLD):
        await bot.answer_inline_query(late["id"], [])
    assert [a["inline_query_id"] for a in server.inline_answers] == [asked["id"]]


@pytest.mark.parametrize(("results", "button", "error"), [
    ([article(str(n)) for n in range(51)], None, "RESULTS_TOO_MUCH"),
    ([article("same"), article("same")], None, "RESULT_ID_DUPLICATE"),
    ([article("x" * 65)], None, "RESULT_ID_INVALID"),
    ([article(title=" ")], None, "RESULT_TITLE_EMPTY"),
    ([article(text="a" * 4097)], None, "MESSAGE_TOO_LONG"),
    ([article(text="<b>unclosed")], None, "can't parse entities"),
    ([article(text="<b> </b>")], None, "message text is empty"),
    ([article(reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x", url="nope")]]))],
     None, "BUTTON_URL_INVALID"),
    ([], InlineQueryResultsButton("Open", start_parameter="has space"), "START_PARAM_INVALID"),
    ([], InlineQueryResultsButton("Open", start_parameter="a" * 65), "START_PARAM_INVALID"),
    ([], InlineQueryResultsButton("Open"), "START_PARAM_INVALID"),
])
async def test_answers_telegram_would_refuse(server: BotAPIServer, bot: Bot, results: list,
                                            button: InlineQueryResultsButton | None,
                                            error: str) -> None:
    asked = server.send_inline_query(USER, "q")
    with pytest.raises(BadRequest, match=f"(?i){re.escape(error)}"):
        await bot.answer_inline_query(asked["id"], results, button=button)
    assert server.inline_answers == []
    await bot.answer_inline_query(asked["id"], [article()])  # still open: a refusal isn't an answer


async def test_chosen_result_is_sent_via_the_bot(server: BotAPIServer, bot: Bot) -> None:
    server.inline_feedback = True
    asked = server.send_inline_query(USER, "q", chat_type="supergroup")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Open", url="https://t.me/x")]])
    await bot.answer_inline_query(asked["id"], [article("r1", reply_markup=markup)])
    await bot.get_updates(timeout=0)  # confirm the inline query below
    server.choose_inline_result(asked["id"], "r1", -700, chat_type="supergroup")
    message_update, chosen_update = await bot.get_updates(offset=2, timeout=1)
    message = message_update.message
    assert message is not None and message.via_bot is not None
    assert (message.via_bot.username, message.text, message.chat.id) == (
        "test_bot", "Card & more", -700)
    assert message.from_user is not None and message.from_user.id == USER
    chosen = chosen_update.chosen_inline_result
    assert chosen is not None and (chosen.result_id, chosen.query) == ("r1", "q")
    assert chosen.inline_message_id  # a message with a keyboard can be edited later
    with pytest.raises(ValueError, match="no result"):
        server.choose_inline_result(asked["id"], "r2", -700)
