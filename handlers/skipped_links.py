"""The notice for links that automatic breakdowns skipped during a group's cooldown.

With /auto on, a group gets at most one automatic breakdown per cooldown window (the
window opens with that breakdown, `Store.claim_auto_slot`), so a burst of links cannot
flood it. The links skipped meanwhile are never dropped silently: each window gets one
short notice saying how many were skipped and that replying /breakdown to any of them
works. It replies to the first skipped message, so it sits beside the burst.

When the notice goes out: the number is only known once the burst is over, so the notice
waits until no link has been skipped for `quiet` seconds (at most `max_wait` after the
first link it has not yet counted, so a steady trickle cannot hold it back for ever). A
link skipped after the notice, in the same window, edits the notice to the new number
(editMessageText, after the same quiet period) instead of sending another message: one
notice per window, and its number is right once the window's links stop coming.

Memory: one entry per chat whose window is open or whose notice is still pending, dropped
after that (and at most `capacity` entries: the oldest settled ones go first). The counts
are not in the database: a restart in the middle of a window forgets its count, and the
links skipped after the restart get a notice of their own. That costs one extra short
message in a rare case; keeping it in the store would cost a write per skipped link.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import Message
from telegram.error import TelegramError

log = logging.getLogger("bot.skipped_links")

Spawn = Callable[[Coroutine[Any, Any, None]], "asyncio.Future[None]"]


def notice_text(skipped: int, cooldown: float) -> str:
    """"Skipped 4 links: ..." — short, and says how to get the breakdowns anyway."""
    links = "1 link" if skipped == 1 else f"{skipped} links"
    them = "it" if skipped == 1 else "any of them"
    return (f"⏸ Skipped {links}: in this group I break down at most one link per "
            f"{_duration(cooldown)} automatically. Reply /breakdown to {them} to get its "
            "breakdown.")


def _duration(seconds: float) -> str:
    """"60 seconds", "5 minutes", "second" (as in "one link per second")."""
    if seconds >= 120 and seconds % 60 == 0:
        return f"{seconds / 60:g} minutes"
    return "second" if seconds == 1 else f"{seconds:g} seconds"


@dataclass(slots=True, kw_only=True)
class _Window:
    """One chat's cooldown window, as far as its skipped links go."""

    start: float  # unix time of the automatic breakdown that opened it
    end: float
    first: Message  # the first skipped message: the notice replies to it
    skipped: int = 0
    reported: int = 0  # the number the notice shows
    notice: Message | None = None
    due: float = 0.0  # event-loop time when the notice is next sent or edited
    counting_since: float | None = None  # loop time of the first skip not yet reported
    task: asyncio.Future[None] | None = None  # waiting to send or edit the notice


class SkippedLinkNotices:
    """Counts the links /auto skipped per chat and window, and keeps each window's notice.

    `spawn` starts the background task that sends the notice; the composition root passes
    `Application.create_task`, so that stopping the bot waits for pending notices.
    """

    def __init__(self, *, quiet: float, max_wait: float = 10.0, capacity: int = 1000,
                 spawn: Spawn | None = None) -> None:
        self.quiet, self.max_wait, self.capacity = quiet, max(max_wait, quiet), capacity
        self._spawn: Spawn = spawn or asyncio.ensure_future
        self._windows: dict[int, _Window] = {}

    def skipped(self, message: Message, *, links: int, window_start: float, cooldown: float,
                now: float | None = None) -> None:
        """`links` links in `message` were not broken down: the window that opened at
        `window_start` was still cooling down. Returns at once; the notice follows."""
        if links <= 0:
            return
        now = time.time() if now is None else now
        self._forget_settled(now)
        window = self._windows.get(message.chat_id)
        if window is None or window.start != window_start:
            window = _Window(start=window_start, end=window_start + cooldown, first=message)
            self._windows[message.chat_id] = window
        window.skipped += links
        loop_now = asyncio.get_running_loop().time()
        if window.counting_since is None:
            window.counting_since = loop_now
        window.due = min(loop_now + self.quiet, window.counting_since + self.max_wait)
        if window.task is None:  # held here: the event loop keeps only weak references
            window.task = self._spawn(self._settle(window, cooldown))

    async def _settle(self, window: _Window, cooldown: float) -> None:
        """Wait for the burst to go quiet, then send or edit the notice; again if more
        links were skipped while it was being sent."""
        loop = asyncio.get_running_loop()
        try:
            while window.reported != window.skipped:
                if (delay := window.due - loop.time()) > 0:
                    await asyncio.sleep(delay)
                    continue
                count, window.counting_since = window.skipped, None
                await self._post(window, count, cooldown)
                window.reported = count
        finally:
            window.task = None

    async def _post(self, window: _Window, count: int, cooldown: float) -> None:
        """A failure is logged and the notice given up for this count: it is a courtesy,
        and retrying a chat that removed the bot would only repeat the error."""
        text = notice_text(count, cooldown)
        try:
            if window.notice is None:
                window.notice = await window.first.reply_text(
                    text, do_quote=True, allow_sending_without_reply=True)
            else:
                await window.notice.edit_text(text)
        except TelegramError as error:
            log.warning("skipped-links notice in chat %s failed: %s", window.first.chat_id,
                        error)

    def _forget_settled(self, now: float) -> None:
        """Drop closed windows whose notice is done; past `capacity`, the oldest settled."""
        for chat_id, window in list(self._windows.items()):
            if window.end <= now and window.task is None:
                del self._windows[chat_id]
        settled = sorted((w.start, chat_id) for chat_id, w in self._windows.items()
                         if w.task is None)
        for _, chat_id in settled[: max(0, len(self._windows) - self.capacity + 1)]:
            del self._windows[chat_id]
