"""The real bot, long-polling a Bot API emulator on 127.0.0.1, reading a local news site.

One bot process-state for the module (its analysis pool loads spaCy once); each test uses
its own users and chats so that rate limits and settings do not leak between tests.
"""

from __future__ import annotations

import asyncio
import logging
import re
import struct
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from telegram.ext import Application

from tests.article_site import SEED, TITLE
from tests.botapi.entities import utf16_len
from tests.botapi.server import BotAPIServer
from tests.e2e import buttons_of, replies, running_bot, wait_reply
from tests.paste_texts import bridge_article

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.slow]

ADMIN = 1000
LONG_PARAGRAPHS = 150  # ~4,000 words: seconds of analysis, and a source text of many messages
LONG_ARTICLE = "\n\n".join(
    f"Paragraph {i}: the council said on Monday that the bridge over the river would need "
    f"another {i} million dollars, and officials warned that the work could take years."
    for i in range(LONG_PARAGRAPHS))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(botapi: BotAPIServer, site: str,
              tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Application]:
    async with running_bot(botapi, tmp_path_factory.mktemp("bot") / "bot.sqlite3",
                           admin_ids=str(ADMIN), user_rate_limit=3, group_cooldown_seconds=60,
                           group_notice_delay_seconds=0.5) as application:
        yield application


async def test_private_text_gets_a_breakdown_with_buttons(bot: Application,
                                                          botapi: BotAPIServer) -> None:
    botapi.send_user_message(11, 11, SEED)
    reply = await wait_reply(botapi, 11, "James Jeffrey")
    assert "Who said what" in reply["text"] and reply["parse_mode"] == "HTML"
    assert reply["link_preview_disabled"]
    assert [label for label, _ in buttons_of(reply)] == [
        "All quotes", "All claims", "Timeline", "Source text"]
    assert all(len(data.encode()) <= 64 for _, data in buttons_of(reply))


async def test_private_link_gets_a_breakdown(bot: Application, botapi: BotAPIServer,
                                             site: str) -> None:
    botapi.send_user_message(12, 12, f"Look at this {site}/article please")
    reply = await wait_reply(botapi, 12, TITLE)
    assert "Mark Lowcock" in reply["text"]


async def test_short_message_gets_a_hint_and_commands_answer(bot: Application,
                                                             botapi: BotAPIServer) -> None:
    botapi.send_user_message(13, 13, "hello there")
    await wait_reply(botapi, 13, "Send me a link")
    botapi.send_user_message(13, 13, "/start")
    await wait_reply(botapi, 13, "Hi!")
    botapi.send_user_message(13, 13, "/nonsense")
    await wait_reply(botapi, 13, "I don't know that command")


async def test_group_breakdown_as_a_reply(bot: Application, botapi: BotAPIServer,
                                          site: str) -> None:
    botapi.add_chat(-2001, "group", admins=[21])
    link = botapi.send_user_message(-2001, 22, f"{site}/article?id=group", chat_type="group")
    botapi.send_user_message(-2001, 22, "/breakdown", chat_type="group",
                             reply_to=link["message_id"])
    reply = await wait_reply(botapi, -2001, TITLE)
    assert reply["reply_to"] == link["message_id"]


async def test_auto_needs_a_chat_admin(bot: Application, botapi: BotAPIServer,
                                       site: str) -> None:
    botapi.add_chat(-2002, "supergroup", admins=[31])
    botapi.send_user_message(-2002, 32, "/auto on", chat_type="supergroup")
    await wait_reply(botapi, -2002, "Only group admins")
    botapi.send_user_message(-2002, 31, "/auto on", chat_type="supergroup")
    await wait_reply(botapi, -2002, "Automatic breakdowns are on")
    botapi.send_user_message(-2002, 33, f"news: {site}/article?id=auto", chat_type="supergroup")
    await wait_reply(botapi, -2002, TITLE)
    # A burst of links within the cooldown gets no second breakdown.
    botapi.send_user_message(-2002, 33, f"{site}/article?id=burst", chat_type="supergroup")
    await asyncio.sleep(2)
    assert len(replies(botapi, -2002, TITLE)) == 1


async def test_buttons_expand_and_stale_data_is_refused(bot: Application,
                                                        botapi: BotAPIServer) -> None:
    botapi.send_user_message(14, 14, SEED)
    reply = await wait_reply(botapi, 14, "James Jeffrey")
    data = dict(buttons_of(reply))["All quotes"]
    before = len(botapi.sent_messages(14))
    botapi.press_button(14, 14, reply["message_id"], data)
    await botapi.wait_for(lambda: len(botapi.sent_messages(14)) > before, 15)
    expanded = botapi.sent_messages(14)[before:]
    assert any("Mark Lowcock" in m["text"] for m in expanded)
    botapi.press_button(14, 14, reply["message_id"], "bd:quotes:doesnotexist")
    answers = await botapi.wait_for(
        lambda: [a for a in botapi.callback_answers if "expired" in (a.get("text") or "")], 10)
    assert answers


async def test_compact_reply_and_all_quotes_use_expandable_quotes(bot: Application,
                                                                  botapi: BotAPIServer) -> None:
    # The emulator parses HTML as Telegram does; had it refused the markup, the bot would
    # have resent plain text, without entities.
    botapi.send_user_message(4101, 4101, SEED)
    reply = await wait_reply(botapi, 4101, "Who said what")
    assert utf16_len(reply["text"]) <= 1000
    assert any(e["type"] == "expandable_blockquote" for e in reply["entities"])
    before = len(botapi.sent_messages(4101))
    botapi.press_button(4101, 4101, reply["message_id"], dict(buttons_of(reply))["All quotes"])
    await botapi.wait_for(lambda: len(botapi.sent_messages(4101)) > before, 15)
    (expanded,) = botapi.sent_messages(4101)[before:]
    assert expanded["text"].startswith("🗣 All quotes")
    assert sum(e["type"] == "expandable_blockquote" for e in expanded["entities"]) >= 3


async def test_long_article_source_text_is_split(bot: Application,
                                                 botapi: BotAPIServer) -> None:
    botapi.send_user_message(15, 15, LONG_ARTICLE)
    reply = await wait_reply(botapi, 15, "Who said what", timeout=60)
    # Seconds of analysis: "typing…" shows meanwhile (quick replies go without it).
    assert any(a.get("action") == "typing" and a.get("chat_id") == 15
               for a in botapi.chat_actions)
    before = len(botapi.sent_messages(15))
    botapi.press_button(15, 15, reply["message_id"], dict(buttons_of(reply))["Source text"])
    await botapi.wait_for(lambda: f"Paragraph {LONG_PARAGRAPHS - 1}" in "".join(
        m["text"] for m in botapi.sent_messages(15)[before:]), 30)
    parts = botapi.sent_messages(15)[before:]
    assert len(parts) > 1  # the emulator refuses anything over 4096 after entity parsing


async def test_stats_for_the_admin_only(bot: Application, botapi: BotAPIServer) -> None:
    botapi.send_user_message(ADMIN, ADMIN, "/stats")
    await botapi.wait_for(lambda: [p for p in botapi.photos if p.get("chat_id") == ADMIN], 30)
    assert replies(botapi, ADMIN)
    botapi.send_user_message(16, 16, "/stats")
    await wait_reply(botapi, 16, "I don't know that command")
    assert not [p for p in botapi.photos if p.get("chat_id") == 16]


async def test_rate_limit_answers_politely(bot: Application, botapi: BotAPIServer) -> None:
    # Not near Telegram's limit, so each message is a request of its own: four near-limit
    # messages in a row would be one paste (bot/paste.py).
    for _ in range(4):
        botapi.send_user_message(17, 17, bridge_article(2))
    await wait_reply(botapi, 17, "please wait a moment", timeout=60)


async def test_help_answers_while_the_pool_is_busy(bot: Application,
                                                   botapi: BotAPIServer) -> None:
    for user in (41, 42, 43):
        botapi.send_user_message(user, user, LONG_ARTICLE)
    await asyncio.sleep(0.2)
    botapi.send_user_message(44, 44, "/help")
    help_reply = await wait_reply(botapi, 44, "How to use me", timeout=30)
    last = await wait_reply(botapi, 43, "Who said what", timeout=90)
    assert help_reply["time"] < last["time"]


async def test_command_menus_are_set_per_scope(bot: Application,
                                               botapi: BotAPIServer) -> None:
    def names(scope: dict[str, Any]) -> list[str]:
        return [c["command"] for c in botapi.commands_for(scope)]

    assert "stats" not in names({"type": "all_private_chats"})
    assert {"breakdown", "auto"} <= set(names({"type": "all_group_chats"}))
    assert "stats" in names({"type": "chat", "chat_id": ADMIN})


async def test_group_migration_keeps_the_auto_setting(bot: Application, botapi: BotAPIServer,
                                                      site: str) -> None:
    botapi.add_chat(-2003, "group", admins=[51])
    botapi.send_user_message(-2003, 51, "/auto on", chat_type="group")
    await wait_reply(botapi, -2003, "Automatic breakdowns are on")
    botapi.add_chat(-1002003, "supergroup", admins=[51])
    botapi.migrate_chat(-2003, -1002003)
    await asyncio.sleep(1)  # the migration update is handled before the next message
    botapi.send_user_message(-1002003, 52, f"{site}/article?id=migrated",
                             chat_type="supergroup")
    await wait_reply(botapi, -1002003, TITLE)


async def test_flood_limit_is_waited_out_and_no_reply_is_lost(bot: Application,
                                                              botapi: BotAPIServer) -> None:
    botapi.flood(chat_id=18, retry_after=1, count=1)
    botapi.send_user_message(18, 18, "/help")
    await wait_reply(botapi, 18, "How to use me", timeout=20)
    assert any(r.get("status") == 429 for r in botapi.requests)


async def test_a_user_who_blocked_the_bot_does_not_stop_it(bot: Application,
                                                           botapi: BotAPIServer) -> None:
    botapi.blocked.add(19)
    botapi.send_user_message(19, 19, "/help")
    await asyncio.sleep(1)
    assert not replies(botapi, 19)
    botapi.send_user_message(20, 20, "/help")
    await wait_reply(botapi, 20, "How to use me")


async def test_usage_events_hold_no_text(bot: Application) -> None:
    store = bot.bot_data.services.store
    rows = await store.read_rows("SELECT * FROM usage_events", ())
    assert rows, "the breakdowns above were recorded"
    seed_words = {w for w in SEED.split() if len(w) > 6}
    for row in rows:
        for value in row:
            assert not (isinstance(value, str) and any(w in value for w in seed_words))


async def test_usage_events_split_the_latency_by_stage(bot: Application) -> None:
    store = bot.bot_data.services.store
    rows = await store.read_rows(
        "SELECT input_kind, cached, latency_ms, fetch_ms, analysis_ms, render_ms, send_ms "
        "FROM usage_events WHERE outcome = 'ok'", ())
    assert {row[0] for row in rows} == {"text", "link"}
    for kind, cached, latency, fetch, analysis, render, send in rows:
        assert render is not None and send is not None
        assert (fetch is None) == (kind == "text" or bool(cached))
        assert (analysis is None) == bool(cached)
        assert sum(ms or 0 for ms in (fetch, analysis, render, send)) <= latency


async def test_forwarded_channel_post_is_broken_down(bot: Application,
                                                     botapi: BotAPIServer) -> None:
    botapi.send_user_message(23, 23, SEED, forward_from_chat=-1009999)
    await wait_reply(botapi, 23, "James Jeffrey")


async def test_too_many_links_are_announced(bot: Application, botapi: BotAPIServer,
                                            site: str) -> None:
    links = " ".join(f"{site}/article?n={n}" for n in range(5))
    botapi.send_user_message(24, 24, links)
    await wait_reply(botapi, 24, "skipping the other 2")
    await botapi.wait_for(lambda: len(replies(botapi, 24, TITLE)) == 3, 60)


async def test_the_token_never_reaches_the_logs(bot: Application, botapi: BotAPIServer,
                                                site: str,
                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    botapi.send_user_message(25, 25, "/help")
    botapi.send_user_message(26, 26, f"{site}/article?id=logs")
    await wait_reply(botapi, 25, "How to use me")
    await wait_reply(botapi, 26, TITLE)
    secret = botapi.token.split(":", 1)[1]
    # Production logs at INFO: without the httpx override every request URL (with the
    # token) would be recorded here, so this fails if that override goes.
    assert not [r for r in caplog.records if secret in r.getMessage()]


async def test_auto_burst_gets_one_breakdown_and_one_notice(bot: Application,
                                                            botapi: BotAPIServer,
                                                            site: str) -> None:
    chat = -2004
    botapi.add_chat(chat, "supergroup", admins=[61])
    botapi.send_user_message(chat, 61, "/auto on", chat_type="supergroup")
    await wait_reply(botapi, chat, "Automatic breakdowns are on")
    burst = [botapi.send_user_message(chat, 62 + n % 2, f"{site}/article?burst={n}",
                                      chat_type="supergroup") for n in range(5)]
    breakdown = await wait_reply(botapi, chat, TITLE)
    assert breakdown["reply_to"] == burst[0]["message_id"]  # under the link it breaks down
    notice = await wait_reply(botapi, chat, "Skipped 4 links")
    assert "Reply /breakdown to any of them" in notice["text"]
    assert notice["reply_to"] == burst[1]["message_id"]  # beside the burst
    await asyncio.sleep(1.5)  # three notice delays: a second notice would have been sent
    assert len(replies(botapi, chat, TITLE)) == 1
    [notice] = replies(botapi, chat, "Skipped")
    assert "Skipped 4 links" in notice["text"]
    # The notice's advice works: /breakdown as a reply to one of the skipped links.
    botapi.send_user_message(chat, 64, "/breakdown", chat_type="supergroup",
                             reply_to=burst[3]["message_id"])
    await botapi.wait_for(lambda: [m for m in replies(botapi, chat, TITLE)
                                   if m["reply_to"] == burst[3]["message_id"]], 30)


def stats_counts(text: str) -> dict[str, tuple[int, int]]:
    """The "<name> 30 d <n> · all <n>" lines of /stats: Failures, Rate-limited, reasons."""
    return {m[1]: (int(m[2]), int(m[3])) for m in
            re.finditer(r"^(\S+) 30 d (\d+) · all (\d+)$", text, re.MULTILINE)}


async def ask_stats(botapi: BotAPIServer) -> tuple[str, dict[str, Any]]:
    texts, photos = len(replies(botapi, ADMIN, "Usage")), len(botapi.photos)
    botapi.send_user_message(ADMIN, ADMIN, "/stats")
    [photo] = (await botapi.wait_for(lambda: botapi.photos[photos:], 30))
    text = replies(botapi, ADMIN, "Usage")[texts]["text"]
    return text, photo


async def test_stats_count_rate_limits_apart_from_failures_by_reason(
        bot: Application, botapi: BotAPIServer, site: str) -> None:
    before, _ = await ask_stats(botapi)
    user = 65
    for n in range(4):  # three missing pages, then the rate limit (3 a minute here)
        botapi.send_user_message(user, user, f"{site}/missing?n={n}")
    await botapi.wait_for(lambda: len(replies(botapi, user, "error 404")) == 3, 30)
    await wait_reply(botapi, user, "please wait a moment")
    store = bot.bot_data.services.store
    for _ in range(500):  # each event is recorded just after its reply
        if await store.read_rows("SELECT count(*) FROM usage_events WHERE user_id = ?",
                                 (user,)) == [(4,)]:
            break
        await asyncio.sleep(0.01)
    after, photo = await ask_stats(botapi)
    was, now = stats_counts(before), stats_counts(after)
    assert now["Rate-limited"] == (was["Rate-limited"][0] + 1, was["Rate-limited"][1] + 1)
    assert now["Failures"] == (was["Failures"][0] + 3, was["Failures"][1] + 3)
    old_http = was.get("http_error", (0, 0))
    assert now["http_error"] == (old_http[0] + 3, old_http[1] + 3)
    assert "rate_limited" not in now  # not a failure reason
    reasons = {name: counts for name, counts in now.items()
               if name not in {"Failures", "Rate-limited", "Users", "Chats"}}
    assert sum(n for n, _ in reasons.values()) == now["Failures"][0]
    assert photo["bytes"].startswith(b"\x89PNG")
    assert struct.unpack(">II", photo["bytes"][16:24]) == (800, 1000)
    assert "median reply time" in photo["text"]
