"""The notice for links /auto skipped during a group's cooldown (handlers/skipped_links.py).

The notice logic runs against stand-ins for Telegram messages that record what was sent
and edited; quiet times are a few hundredths of a second. The end-to-end burst through the
Bot API emulator is in tests/test_bot_e2e.py.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from pathlib import Path
from typing import Any

import pytest
from telegram.error import Forbidden

from bot.settings import Settings, SettingsError
from bot.store import SQLiteStore
from handlers.skipped_links import SkippedLinkNotices, notice_text

QUIET = 0.05
COOLDOWN = 60.0
_ids = itertools.count(1)


class FakeMessage:
    """What SkippedLinkNotices uses of a telegram.Message: chat_id, reply_text, edit_text."""

    def __init__(self, chat: FakeChat) -> None:
        self.chat, self.chat_id, self.message_id = chat, chat.chat_id, next(_ids)

    async def reply_text(self, text: str, **kwargs: Any) -> FakeMessage:
        if self.chat.refuse:
            raise Forbidden("bot was kicked from the group chat")
        notice = FakeMessage(self.chat)
        self.chat.sent.append({"text": text, "reply_to": self.message_id, **kwargs,
                               "message": notice})
        return notice

    async def edit_text(self, text: str, **kwargs: Any) -> None:
        self.chat.edits.append((self.message_id, text))


class FakeChat:
    def __init__(self, chat_id: int = -100) -> None:
        self.chat_id, self.refuse = chat_id, False
        self.sent: list[dict[str, Any]] = []
        self.edits: list[tuple[int, str]] = []

    def message(self) -> Any:
        return FakeMessage(self)


async def settle(notices: SkippedLinkNotices) -> None:
    """Until no notice task is pending."""
    for _ in range(500):
        if all(w.task is None for w in notices._windows.values()):
            return
        await asyncio.sleep(QUIET / 5)
    raise TimeoutError("notices never settled")


def test_notice_text_says_how_many_and_how_to_get_them() -> None:
    assert notice_text(4, 60) == (
        "⏸ Skipped 4 links: in this group I break down at most one link per 60 seconds "
        "automatically. Reply /breakdown to any of them to get its breakdown.")
    one = notice_text(1, 300)
    assert "Skipped 1 link:" in one and "per 5 minutes" in one and "/breakdown to it " in one
    assert "per 90 seconds" in notice_text(2, 90)


async def test_a_burst_gets_one_notice_with_the_whole_count() -> None:
    chat, notices = FakeChat(), SkippedLinkNotices(quiet=QUIET)
    burst = [chat.message() for _ in range(4)]
    for message in burst:
        notices.skipped(message, links=1, window_start=1000.0, cooldown=COOLDOWN, now=1001.0)
        await asyncio.sleep(QUIET / 10)  # links a moment apart: still one burst
    await settle(notices)
    [notice] = chat.sent
    assert "Skipped 4 links" in notice["text"] and "/breakdown" in notice["text"]
    assert notice["reply_to"] == burst[0].message_id  # beside the burst, under its first link
    assert notice["do_quote"] is True and notice["allow_sending_without_reply"] is True
    assert chat.edits == []


async def test_later_skips_in_the_window_edit_the_notice() -> None:
    chat, notices = FakeChat(), SkippedLinkNotices(quiet=QUIET)
    for _ in range(2):
        notices.skipped(chat.message(), links=1, window_start=1000.0, cooldown=COOLDOWN,
                        now=1001.0)
    await settle(notices)
    notices.skipped(chat.message(), links=3, window_start=1000.0, cooldown=COOLDOWN,
                    now=1030.0)  # a message with three links, later in the same window
    await settle(notices)
    [notice] = chat.sent
    assert "Skipped 2 links" in notice["text"]
    assert chat.edits == [(notice["message"].message_id, notice_text(5, COOLDOWN))]


async def test_each_window_gets_its_own_notice() -> None:
    chat, notices = FakeChat(), SkippedLinkNotices(quiet=QUIET)
    notices.skipped(chat.message(), links=1, window_start=1000.0, cooldown=COOLDOWN, now=1010.0)
    await settle(notices)
    notices.skipped(chat.message(), links=2, window_start=1070.0, cooldown=COOLDOWN, now=1075.0)
    await settle(notices)
    assert [n["text"] for n in chat.sent] == [notice_text(1, COOLDOWN), notice_text(2, COOLDOWN)]
    assert chat.edits == []


async def test_chats_are_counted_apart() -> None:
    one, two = FakeChat(-1), FakeChat(-2)
    notices = SkippedLinkNotices(quiet=QUIET)
    for chat, count in ((one, 2), (two, 3)):
        for _ in range(count):
            notices.skipped(chat.message(), links=1, window_start=5.0, cooldown=COOLDOWN, now=6.0)
    await settle(notices)
    assert [n["text"] for n in one.sent] == [notice_text(2, COOLDOWN)]
    assert [n["text"] for n in two.sent] == [notice_text(3, COOLDOWN)]


async def test_a_steady_trickle_cannot_hold_the_notice_back() -> None:
    """Links every QUIET/2 never leave a quiet gap: max_wait sends the notice anyway, and
    the links after it edit it, so the final number is still right."""
    chat, notices = FakeChat(), SkippedLinkNotices(quiet=QUIET, max_wait=3 * QUIET)
    for _ in range(20):
        notices.skipped(chat.message(), links=1, window_start=1.0, cooldown=COOLDOWN, now=2.0)
        await asyncio.sleep(QUIET / 2)
    assert chat.sent, "sent during the trickle, not after it"
    await settle(notices)
    assert len(chat.sent) == 1
    assert chat.edits[-1][1] == notice_text(20, COOLDOWN)


async def test_a_chat_that_refuses_the_notice_is_logged_not_retried(
        caplog: pytest.LogCaptureFixture) -> None:
    chat, notices = FakeChat(), SkippedLinkNotices(quiet=QUIET)
    chat.refuse = True
    notices.skipped(chat.message(), links=1, window_start=1.0, cooldown=COOLDOWN, now=2.0)
    with caplog.at_level(logging.WARNING, logger="bot.skipped_links"):
        await settle(notices)
    assert "kicked" in caplog.text and chat.sent == []


async def test_nothing_skipped_sends_nothing() -> None:
    chat, notices = FakeChat(), SkippedLinkNotices(quiet=QUIET)
    notices.skipped(chat.message(), links=0, window_start=1.0, cooldown=COOLDOWN, now=2.0)
    await asyncio.sleep(2 * QUIET)
    assert chat.sent == [] and notices._windows == {}


async def test_memory_keeps_open_windows_only_and_is_bounded() -> None:
    notices = SkippedLinkNotices(quiet=0, capacity=3)
    for offset in range(5):  # five chats, windows opened at 100..104
        notices.skipped(FakeChat(-10 - offset).message(), links=1, window_start=100.0 + offset,
                        cooldown=COOLDOWN, now=110.0)
        await settle(notices)
    assert sorted(notices._windows) == [-14, -13, -12]  # the oldest settled ones went first
    notices.skipped(FakeChat(-1).message(), links=1, window_start=500.0, cooldown=COOLDOWN,
                    now=500.0)  # every other window has closed by now
    await settle(notices)
    assert list(notices._windows) == [-1]


@pytest.mark.parametrize("value", ["-1", "nan", "601", "soon"])
def test_a_bad_notice_delay_stops_the_bot_at_start(value: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="GROUP_NOTICE_DELAY_SECONDS"):
        Settings.from_env({"GROUP_NOTICE_DELAY_SECONDS": value}, dotenv=tmp_path / ".env")
    assert Settings.from_env({"GROUP_NOTICE_DELAY_SECONDS": "0"},
                             dotenv=tmp_path / ".env").group_notice_delay_seconds == 0


async def test_the_window_start_is_the_last_automatic_breakdown(tmp_path: Path) -> None:
    async with await SQLiteStore.open(tmp_path / "bot.sqlite3") as store:
        assert await store.last_auto_breakdown_at(-100) is None
        await store.set_auto_breakdown(-100, True)
        assert await store.last_auto_breakdown_at(-100) is None  # on, but nothing yet
        assert await store.claim_auto_slot(-100, 1234.5678, COOLDOWN)
        assert not await store.claim_auto_slot(-100, 1250.0, COOLDOWN)
        assert await store.last_auto_breakdown_at(-100) == 1234.5678  # exactly: it is a key
