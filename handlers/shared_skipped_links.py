"""`SkippedLinkNotices` for N front-ends (REDIS_URL): a burst's links reach every
front-end, so each window's count lives in Redis (`bot.redis_state.skipped_links`), and
whichever front-end finds the notice due sends it, or edits it to the new count, under a
short lock. The rules are handlers/skipped_links.py's: one notice per window, sent once
no link has been skipped for `quiet` seconds (at most `max_wait` after the first link not
yet counted), replying to the first skipped message."""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import Message, ReplyParameters
from telegram.error import TelegramError

from bot.redis_state.skipped_links import NoticeClaim, RedisSkippedTally
from handlers.skipped_links import Spawn, notice_text

log = logging.getLogger("bot.skipped_links")


class SharedSkippedLinkNotices:
    """Counts the links /auto skipped per chat and window in Redis; one notice each."""

    def __init__(self, tally: RedisSkippedTally, *, quiet: float, max_wait: float = 10.0,
                 spawn: Spawn | None = None) -> None:
        self.tally, self.quiet, self.max_wait = tally, quiet, max(max_wait, quiet)
        self._spawn: Spawn = spawn or asyncio.ensure_future
        self._settling: set[int] = set()  # chats whose notice this process waits to post
        # Chats counted again while their settle loop read the count: it reads once more.
        self._recount: set[int] = set()

    def skipped(self, message: Message, *, links: int, window_start: float, cooldown: float,
                now: float | None = None) -> None:
        """`links` links in `message` were not broken down: the window that opened at
        `window_start` was still cooling down. Returns at once; the notice follows."""
        if links > 0:
            self._spawn(self._count(message, links, window_start, cooldown,
                                    time.time() if now is None else now))

    async def _count(self, message: Message, links: int, window_start: float,
                     cooldown: float, now: float) -> None:
        chat_id = message.chat_id
        try:
            await self.tally.add(chat_id, window_start=window_start, links=links,
                                 first_id=message.message_id, now=now, quiet=self.quiet,
                                 max_wait=self.max_wait, window_end=window_start + cooldown)
            if chat_id in self._settling:
                self._recount.add(chat_id)  # this process's settle loop sees the new count
                return
            self._settling.add(chat_id)
            try:
                await self._settle(message, cooldown)
            finally:
                self._settling.discard(chat_id)
        except Exception:  # a courtesy notice: never the update's failure
            log.exception("skipped-links notice in chat %s failed", chat_id)

    async def _settle(self, message: Message, cooldown: float) -> None:
        """Until every skipped link is reported: wait for the notice to be due, then post
        it, unless another front-end is posting it (then wait for that to end)."""
        chat_id = message.chat_id
        while True:
            self._recount.discard(chat_id)
            due = await self.tally.due(chat_id)
            if due is None:
                if chat_id in self._recount:  # counted during that read: read again
                    continue
                return
            if (delay := due - time.time()) > 0:
                await asyncio.sleep(delay)
                continue
            claim = await self.tally.claim(chat_id)
            if claim is None:  # all reported meanwhile, by another front-end
                continue
            if claim is False:
                await asyncio.sleep(max(self.quiet / 4, 0.05))
                continue
            assert isinstance(claim, NoticeClaim)
            notice_id = await self._post(message, claim, cooldown)
            await self.tally.reported(chat_id, claim, notice_id)

    async def _post(self, message: Message, claim: NoticeClaim, cooldown: float) -> int | None:
        """The notice's message id; a failure is logged and the count given up, as in
        the in-process notices."""
        text = notice_text(claim.count, cooldown)
        try:
            if claim.notice_id is None:
                sent = await message.get_bot().send_message(
                    message.chat_id, text, reply_parameters=ReplyParameters(
                        claim.first_id, allow_sending_without_reply=True))
                return sent.message_id
            await message.get_bot().edit_message_text(text, chat_id=message.chat_id,
                                                      message_id=claim.notice_id)
        except TelegramError as error:
            log.warning("skipped-links notice in chat %s failed: %s", message.chat_id, error)
        return None
