"""Long pastes and text first, end to end: messages cut the way Telegram's apps cut a long
paste (tests.botapi.clients) reach the real bot through the Bot API emulator on 127.0.0.1;
the quiet window after a piece near the limit is the default, 3 s.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from telegram.ext import Application

from bot.breakdown.words import count_words
from tests.article_site import TITLE, SiteHandler
from tests.botapi.clients import Client, split_like_client
from tests.botapi.server import BotAPIServer
from tests.e2e import buttons_of, replies, running_bot, wait_reply
from tests.paste_texts import (
    BRIDGE_TITLE,
    FIRST_SPEAKER,
    LAST_SPEAKER,
    bridge_article,
    bridge_page,
)

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.slow]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(botapi: BotAPIServer, site: str,
              tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Application]:
    async with running_bot(botapi, tmp_path_factory.mktemp("paste") / "bot.sqlite3",
                           user_rate_limit=3) as application:
        yield application


MARKER = "Who said what"
SETTLE = 4.0  # longer than the quiet window: time for a wrong second reply to show up


def breakdowns(botapi: BotAPIServer, chat_id: int) -> list[dict[str, Any]]:
    return replies(botapi, chat_id, MARKER)


async def one_breakdown(botapi: BotAPIServer, chat_id: int) -> dict[str, Any]:
    """The chat's breakdown, once no other reply has followed it for a while."""
    reply = await wait_reply(botapi, chat_id, MARKER, timeout=60)
    await asyncio.sleep(SETTLE)
    assert botapi.sent_messages(chat_id) == [reply], "one paste, one reply"
    return reply


@pytest.mark.parametrize(("chat_id", "paragraphs", "client", "pieces"), [
    (301, 12, "desktop", 2),
    (302, 20, "android", 3),
])
async def test_a_paste_in_pieces_gets_one_breakdown_of_the_whole_text(
        bot: Application, botapi: BotAPIServer, chat_id: int, paragraphs: int, client: Client,
        pieces: int) -> None:
    text = bridge_article(paragraphs)
    assert len(botapi.send_user_paste(chat_id, chat_id, text, client=client)) == pieces
    reply = await one_breakdown(botapi, chat_id)
    assert FIRST_SPEAKER in reply["text"] and LAST_SPEAKER in reply["text"]
    assert f"{count_words(text)} words" in reply["text"]


async def test_help_answers_while_a_paste_is_waited_for(bot: Application,
                                                       botapi: BotAPIServer) -> None:
    first, last = split_like_client(bridge_article(12), "desktop")
    botapi.send_user_message(303, 303, first)
    botapi.send_user_message(303, 303, "/help")
    help_reply = await wait_reply(botapi, 303, "How to use me", timeout=10)
    botapi.send_user_message(303, 303, last)  # the paste was held meanwhile
    reply = await wait_reply(botapi, 303, MARKER, timeout=60)
    await asyncio.sleep(SETTLE)
    assert help_reply["time"] < reply["time"]
    assert LAST_SPEAKER in reply["text"] and len(breakdowns(botapi, 303)) == 1
    assert len(botapi.sent_messages(303)) == 2


async def test_forwarded_posts_in_a_row_are_one_article(bot: Application,
                                                        botapi: BotAPIServer) -> None:
    paragraphs = bridge_article(4).split("\n\n")
    channel = {"id": -1003030, "type": "channel", "title": "Ellery Gazette"}
    for number, half in enumerate(("\n\n".join(paragraphs[:3]), "\n\n".join(paragraphs[3:]))):
        botapi.send_user_message(304, 304, half, forward_from_chat=channel,
                                 forward_message_id=70 + number)
    reply = await one_breakdown(botapi, 304)
    assert FIRST_SPEAKER in reply["text"] and LAST_SPEAKER in reply["text"]


async def test_a_link_after_a_piece_near_the_limit_is_a_request_of_its_own(
        bot: Application, botapi: BotAPIServer, site: str) -> None:
    botapi.send_user_message(305, 305, bridge_article(5))  # near the limit: held
    botapi.send_user_message(305, 305, f"{site}/article?id=after-paste")
    await wait_reply(botapi, 305, TITLE, timeout=60)
    text_reply = await wait_reply(botapi, 305, FIRST_SPEAKER, timeout=60)
    assert TITLE not in text_reply["text"] and len(breakdowns(botapi, 305)) == 2


async def test_a_pasted_article_with_a_link_is_text_with_a_button_for_the_link(
        bot: Application, botapi: BotAPIServer, site: str) -> None:
    link = f"{site}/article?id=linked"
    botapi.send_user_message(306, 306, f"{bridge_article(2)}\n\nRead the report: {link}")
    reply = await wait_reply(botapi, 306, FIRST_SPEAKER, timeout=60)
    assert "/article?id=linked" not in SiteHandler.requests  # offered, not fetched
    buttons = dict(buttons_of(reply))
    assert "All quotes" in buttons
    data = buttons["🔗 Break down the linked page"]
    assert len(data.encode()) <= 64
    botapi.press_button(306, 306, reply["message_id"], data)
    linked = await wait_reply(botapi, 306, TITLE, timeout=60)
    assert "Mark Lowcock" in linked["text"]
    assert "/article?id=linked" in SiteHandler.requests


async def test_pasted_html_is_broken_down_as_the_page_it_is(bot: Application,
                                                           botapi: BotAPIServer) -> None:
    pieces = botapi.send_user_paste(307, 307, bridge_page(14), client="android")
    assert len(pieces) == 3
    reply = await one_breakdown(botapi, 307)
    assert BRIDGE_TITLE in reply["text"] and LAST_SPEAKER in reply["text"]
    assert "Subscribe" not in reply["text"] and "<p>" not in reply["text"]
    assert "published Feb 20, 2024" in reply["text"]


async def test_pasted_html_without_an_article_gets_one_clear_answer(
        bot: Application, botapi: BotAPIServer) -> None:
    page = ("<!doctype html><html><body><nav><a href='https://x.example/'>Home</a> "
            "<a href='https://x.example/about'>About</a></nav></body></html>")
    botapi.send_user_message(308, 308, page)
    await wait_reply(botapi, 308, "HTML source", timeout=30)
    await asyncio.sleep(1)
    assert len(botapi.sent_messages(308)) == 1


async def test_each_failed_link_is_named_in_its_failure(bot: Application, botapi: BotAPIServer,
                                                        site: str) -> None:
    botapi.send_user_message(309, 309, f"{site}/missing and {site}/file.pdf")
    failures = await botapi.wait_for(lambda: len(botapi.sent_messages(309)) == 2 and
                                     botapi.sent_messages(309), 30)
    by_link = {next(p for p in ("/missing", "/file.pdf") if p in m["text"]): m["text"]
               for m in failures}
    assert "error 404" in by_link["/missing"] and "isn't a web page" in by_link["/file.pdf"]
