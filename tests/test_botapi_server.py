"""The Bot API emulator must be usable by a real python-telegram-bot client, errors included."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import Application, ApplicationBuilder, CommandHandler, ContextTypes

from tests.botapi import BotAPIServer

TOKEN = "123456:TEST-TOKEN"
CHAT = 1001
USER = 1001
# A 1x1 PNG: sendPhoto must carry real image bytes through multipart/form-data.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4a10000000049454e44ae426082"
)


@pytest.fixture
def server() -> Iterator[BotAPIServer]:
    with BotAPIServer(TOKEN) as srv:
        yield srv


@pytest.fixture
async def bot(server: BotAPIServer) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=server.base_url, base_file_url=server.base_file_url) as b:
        yield b


async def test_get_me_and_bad_token(server: BotAPIServer, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.username == "test_bot"
    assert me.is_bot
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=server.base_url):
            pass


async def test_send_message_html_keyboard_reply_and_edit(server: BotAPIServer, bot: Bot) -> None:
    server.send_user_message(CHAT, USER, "hello")  # message_id 1, the bot's reply gets 2
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go:1")]])
    msg = await bot.send_message(
        CHAT,
        "<b>Bold</b> &amp; <a href='https://example.com'>link</a>",
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        reply_parameters=ReplyParameters(message_id=1),
    )
    assert msg.message_id == 2
    assert msg.text == "Bold & link"
    assert [e.type for e in msg.entities] == [MessageEntity.BOLD, MessageEntity.TEXT_LINK]
    assert msg.reply_to_message is not None and msg.reply_to_message.text == "hello"
    assert msg.reply_markup == markup

    [sent] = server.sent_messages(CHAT)
    assert sent["text"] == "Bold & link" and sent["parse_mode"] == "HTML"
    assert sent["reply_to"] == 1 and sent["link_preview_disabled"] is True
    assert sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "go:1"

    edited = await bot.edit_message_text("<i>Edited</i>", CHAT, 2, parse_mode=ParseMode.HTML)
    assert isinstance(edited, Message)  # a bot's own message: edited, not just True
    assert edited.text == "Edited" and edited.edit_date is not None
    [sent] = server.sent_messages(CHAT)
    assert sent["text"] == "Edited" and sent["edits"] == 1
    assert sent["reply_markup"] is None  # omitting reply_markup drops the keyboard, as Telegram
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("<i>Edited</i>", CHAT, 2, parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", CHAT, 99)
    await bot.edit_message_reply_markup(CHAT, 2, reply_markup=markup)
    assert server.sent_messages(CHAT)[0]["reply_markup"] is not None


async def test_length_counts_visible_utf16_text(bot: Bot) -> None:
    await bot.send_message(CHAT, "<b>" + "a" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(CHAT, "<b>" + "a" * 4097 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(CHAT, "😀" * 2049)  # 2049 code points, 4098 UTF-16 units


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", "Unmatched end tag"),
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("1 < 2", 'Unsupported start tag ""'),
        ("<span>x</span>", "tg-spoiler"),
    ],
)
async def test_malformed_html_is_rejected(bot: Bot, text: str, detail: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)parse entities") as info:
        await bot.send_message(CHAT, text, parse_mode=ParseMode.HTML)
    assert detail.lower() in str(info.value).lower()  # PTB re-capitalises the description


async def test_empty_text_and_long_callback_data(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(CHAT, "<b> </b>", parse_mode=ParseMode.HTML)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "keyboard", reply_markup=markup)


async def test_flood_blocked_migrated_and_server_errors(
    server: BotAPIServer, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # PTB 22 warns unless retry_after is a timedelta
    server.flood(chat_id=CHAT, retry_after=3, count=1)
    await bot.send_message(CHAT + 1, "other chats are not flooded")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(CHAT, "flooded")
    assert info.value.retry_after == dtm.timedelta(seconds=3)
    await bot.send_message(CHAT, "the flood is over")

    server.blocked.add(42)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(42, "hi")

    server.migrate_chat(-100, -1000000000100)
    with pytest.raises(ChatMigrated) as migrated:
        await bot.send_message(-100, "hi")
    assert migrated.value.new_chat_id == -1000000000100
    updates = await bot.get_updates()
    migration = updates[0].message
    assert migration is not None and migration.migrate_to_chat_id == -1000000000100

    server.fail_next("sendMessage", status=500, count=1)
    with pytest.raises(NetworkError):
        await bot.send_message(CHAT, "boom")
    await bot.send_message(CHAT, "recovered")
    statuses = [r["status"] for r in server.requests if r["method"] == "sendMessage"]
    assert statuses == [200, 429, 200, 403, 400, 500, 200]
    assert server.faults["flood"] == 1 and server.faults["http_error"] == 1


async def test_send_photo_and_download(server: BotAPIServer, bot: Bot) -> None:
    msg = await bot.send_photo(CHAT, PNG, caption="<b>chart</b>", parse_mode=ParseMode.HTML)
    assert msg.caption == "chart" and msg.photo[0].width == 1
    [photo] = server.photos
    assert photo["bytes"] == PNG and photo["chat_id"] == CHAT
    assert server.sent_messages(CHAT)[0]["method"] == "sendPhoto"
    file = await bot.get_file(msg.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == PNG


async def test_commands_per_scope(server: BotAPIServer, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
    scope = BotCommandScopeChat(CHAT)
    await bot.set_my_commands([BotCommand("admin", "Admin only")], scope=scope)
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert [c.command for c in await bot.get_my_commands(scope=scope)] == ["admin"]
    assert server.commands_for({"type": "chat", "chat_id": CHAT})[0]["command"] == "admin"
    await bot.delete_my_commands(scope=scope)
    assert await bot.get_my_commands(scope=scope) == ()
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])


async def test_chat_admins_and_members(server: BotAPIServer, bot: Bot) -> None:
    server.add_chat(-5, "supergroup", "Team", admins=[7], owner=6)
    assert (await bot.get_chat_member(-5, 7)).status == "administrator"
    assert (await bot.get_chat_member(-5, 6)).status == "creator"
    assert (await bot.get_chat_member(-5, 8)).status == "member"
    assert [m.user.id for m in await bot.get_chat_administrators(-5)] == [6, 7]
    assert (await bot.get_chat(-5)).title == "Team"
    with pytest.raises(BadRequest, match=r"(?i)no administrators in the private chat"):
        await bot.get_chat_administrators(CHAT)


async def test_long_poll_and_offset_confirmation(server: BotAPIServer, bot: Bot) -> None:
    async def inject_later() -> None:
        await asyncio.sleep(0.3)
        server.send_user_message(CHAT, USER, "/start@test_bot see https://example.com/x.")

    started = time.monotonic()
    injector = asyncio.create_task(inject_later())
    updates = await bot.get_updates(timeout=3)
    elapsed = time.monotonic() - started
    await injector
    assert 0.25 < elapsed < 2.0, elapsed  # woke on the update, not on the timeout
    [update] = updates
    assert update.message is not None
    entities = update.message.parse_entities()
    assert list(entities.values()) == ["/start@test_bot", "https://example.com/x"]
    assert update.message.entities[0].offset == 0

    assert len(await bot.get_updates(timeout=0)) == 1  # not confirmed yet
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    assert server.pending_updates == []


async def test_callback_query_answer(server: BotAPIServer, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    msg = await bot.send_message(CHAT, "pick", reply_markup=markup)
    server.press_button(CHAT, USER, msg.message_id, "go")
    [update] = await bot.get_updates()
    query = update.callback_query
    assert query is not None and query.data == "go"
    assert query.message is not None and query.message.message_id == msg.message_id
    await query.answer("done")  # shortcut needs the bot set by get_updates
    assert server.callback_answers[0]["text"] == "done"
    with pytest.raises(BadRequest, match=r"(?i)query ID is invalid"):
        await bot.answer_callback_query(query.id)


def polling_application(server: BotAPIServer) -> Application:
    """A bare python-telegram-bot Application pointed at the emulator."""
    return (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .build()
    )


async def test_application_polling_end_to_end(server: BotAPIServer) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None and update.effective_message is not None
        await context.bot.send_chat_action(update.effective_chat.id, "typing")
        await update.effective_message.reply_text("hi")

    application = polling_application(server)
    application.add_handler(CommandHandler("start", start))
    assert application.updater is not None
    async with application:
        await application.start()
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        server.send_user_message(CHAT, USER, "/start")
        [reply] = await server.wait_for(lambda: server.sent_messages(CHAT), timeout=5)
        await application.updater.stop()
        await application.stop()
    assert reply["text"] == "hi" and reply["reply_to"] is None
    assert server.chat_actions[0]["action"] == "typing"
    methods = [r["method"] for r in server.requests]
    assert methods[0] == "getMe" and "deleteWebhook" in methods
    assert methods.index("sendChatAction") < methods.index("sendMessage")
    assert server.pending_updates == []  # stop() confirmed the handled update


async def test_outage_resets_connections_then_listens_again_with_state(
    server: BotAPIServer, bot: Bot
) -> None:
    server.add_chat(-5, "supergroup", "Team")
    await bot.send_message(CHAT, "before the outage")  # leaves a pooled keep-alive connection
    port = server.port
    poll = asyncio.create_task(bot.get_updates(timeout=10))  # parks: no updates yet
    await server.wait_for(lambda: server.requests[-1]["method"] == "getUpdates")
    started = time.monotonic()
    server.outage(1.0)
    assert server.down and server.faults["outage"] == 1
    assert (
        server.fault_effects["aborted_connection"] >= 2
    )  # the pooled connection and the long poll
    with pytest.raises(NetworkError):
        await poll  # cut at once, not after its 10 s
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection(server.host, port)
    with pytest.raises(NetworkError):
        await bot.get_me()
    assert time.monotonic() - started < 0.9

    await server.wait_for(lambda: not server.down, timeout=5)
    assert time.monotonic() - started >= 0.95
    assert server.port == port
    assert (await bot.get_me()).username == "test_bot"
    assert (await bot.get_chat(-5)).title == "Team"
    assert [m["text"] for m in server.sent_messages(CHAT)] == ["before the outage"]
    assert (await bot.send_message(CHAT, "after")).message_id == 2


async def test_outage_keeps_unconfirmed_updates(server: BotAPIServer, bot: Bot) -> None:
    server.send_user_message(CHAT, USER, "kept")
    server.outage(0.3)
    server.outage(0.2)  # during an outage: it ends no earlier than the longest
    assert server.faults["outage"] == 2
    started = time.monotonic()
    await server.wait_for(lambda: not server.down, timeout=5)
    assert time.monotonic() - started >= 0.25
    [update] = await bot.get_updates(timeout=0)
    assert update.message is not None
    assert update.message.text == "kept" and update.update_id == 1


async def test_stall_holds_requests_without_processing_them(server: BotAPIServer, bot: Bot) -> None:
    seen = len(server.requests)  # the fixture's getMe
    server.stall(1.0)
    started = time.monotonic()
    with pytest.raises(TimedOut):
        await bot.send_message(CHAT, "held", read_timeout=0.3)
    assert server.sent_messages() == [] and len(server.requests) == seen  # not processed at all
    with pytest.raises(NetworkError) as closed:  # outlasts the window: closed unanswered
        await bot.get_me(read_timeout=5)
    assert not isinstance(closed.value, TimedOut)
    assert 0.9 <= time.monotonic() - started < 2.0
    assert server.faults["stall"] == 1 and server.fault_effects["stalled_request"] == 2

    msg = await bot.send_message(CHAT, "after", read_timeout=2)
    assert msg.message_id == 1  # the held send consumed nothing
    assert [m["text"] for m in server.sent_messages()] == ["after"]
    assert [r["method"] for r in server.requests[seen:]] == ["sendMessage"]


@pytest.mark.slow  # faults: an outage and a stall, a second each
async def test_polling_application_survives_outage_and_stall(server: BotAPIServer) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        await message.reply_text(f"echo {message.text}")

    application = polling_application(server)
    application.add_handler(CommandHandler("start", echo))
    assert application.updater is not None
    async with application:
        await application.start()
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        await server.wait_for(lambda: server.requests[-1]["method"] == "getUpdates")
        server.outage(1.0)
        server.send_user_message(CHAT, USER, "/start 1")  # waits in the queue meanwhile
        await server.wait_for(lambda: server.sent_messages(CHAT), timeout=8)
        server.stall(1.0)
        await asyncio.sleep(1.0)
        server.send_user_message(CHAT, USER, "/start 2")
        await server.wait_for(lambda: len(server.sent_messages(CHAT)) == 2, timeout=8)
        await application.updater.stop()
        await application.stop()
    assert [m["text"] for m in server.sent_messages(CHAT)] == ["echo /start 1", "echo /start 2"]
    assert server.faults["outage"] == 1 and server.faults["stall"] == 1
    assert server.pending_updates == []
