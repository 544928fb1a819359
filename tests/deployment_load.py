"""Load on a `Deployment` (tests/deployment.py) for `bench/scale.py`: chats pasting ~800-word
articles, each of its own (jobs are keyed by content, so identical texts would share one
job), the replies counted as they arrive and checked against the reply of the single-process
bot for the same text, and the peak PSS of each component's process tree."""

from __future__ import annotations

import asyncio
import itertools
import re
import threading
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from tests.article_site import SEED_BODY
from tests.botapi.server import BotAPIServer
from tests.deployment import Deployment

MARKER = "Who said what"  # in every breakdown reply
HELP_MARKER = "How to use"  # in /help's reply
SENTENCES = [s for s in re.split(r"(?<=[.!?])\s+", " ".join(SEED_BODY.split())) if s]
POLL_SECONDS = 0.1  # gentle: the emulator shares the machine with what is measured


def article_variant(number: int, words: int = 800) -> str:
    """About `words` words of the seed article's prose, its sentences rotated by `number`,
    opening with a sentence naming `number`: a text of its own for every number."""
    shift = number % len(SENTENCES)
    order = SENTENCES[shift:] + SENTENCES[:shift]
    chosen = [f"This copy was pasted by reader number {number}."]
    count = len(chosen[0].split())
    for sentence in itertools.cycle(order):
        if count >= words:
            break
        chosen.append(sentence)
        count += len(sentence.split())
    return " ".join(chosen)


def expected_reply(text: str) -> str:
    """What `python -m bot run` sends for a pasted `text` (handlers/reply_flow.py): the HTML."""
    from bot.breakdown import Source, analyze
    from bot.render.telegram import render_reply

    return render_reply(analyze(text, source=Source(kind="text")))


@dataclass
class Replies:
    """Each chat's messages from the bot: breakdowns (with their arrival times) and others."""

    breakdowns: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    others: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))


class Load:
    """Chats (each its own user) pasting articles into `botapi`; chat ids from `first_chat`."""

    def __init__(self, botapi: BotAPIServer, *, first_chat: int = 10_000) -> None:
        self.botapi = botapi
        self.chats = itertools.count(first_chat)
        self.texts: dict[int, str] = {}  # chat -> its article
        self.sent_at: dict[int, float] = {}  # chat -> time.monotonic() of its message
        self._replies = Replies()  # what has been read of the bot's messages so far
        self._read = 0  # ... up to this many messages

    def send_articles(self, count: int) -> list[int]:
        crowd = []
        for _ in range(count):
            chat = next(self.chats)
            self.texts[chat] = article_variant(chat)
            self.sent_at[chat] = time.monotonic()
            self.botapi.send_user_message(chat, chat, self.texts[chat])
            crowd.append(chat)
        return crowd

    def replies(self) -> Replies:
        """Every reply to the load's chats so far (read incrementally: the emulator copies
        only the messages sent since the last call)."""
        new = self.botapi.sent_messages(start=self._read)
        self._read += len(new)
        for message in new:
            chat, text = message["chat_id"], message.get("text") or ""
            if chat not in self.sent_at:
                continue
            if MARKER in text:
                self._replies.breakdowns[chat].append(message["time"])
            else:
                self._replies.others[chat].append(text)
        return self._replies

    async def wait_replies(self, chats: list[int], timeout: float) -> Replies:
        """Once every chat has a breakdown or after `timeout` s, whichever comes first."""
        deadline = time.monotonic() + timeout
        while True:
            replies = self.replies()
            if all(replies.breakdowns.get(chat) for chat in chats) \
                    or time.monotonic() > deadline:
                return replies
            await asyncio.sleep(POLL_SECONDS)

    async def help_time(self, timeout: float = 30) -> float:
        """Seconds from a new chat's /help to the bot's answer."""
        chat = next(self.chats)
        started, before = time.monotonic(), self.botapi.sent_count()
        self.botapi.send_user_message(chat, chat, "/help")
        reply = await self.botapi.wait_for(
            lambda: [m for m in self.botapi.sent_messages(chat, start=before)
                     if HELP_MARKER in (m.get("text") or "")], timeout)
        return float(reply[-1]["time"]) - started

    async def reply_time(self, timeout: float = 60) -> float:
        """Seconds from one article's paste to its breakdown, the deployment otherwise idle."""
        before = self.botapi.sent_count()
        (chat,) = self.send_articles(1)
        reply = await self.botapi.wait_for(
            lambda: [m for m in self.botapi.sent_messages(chat, start=before)
                     if MARKER in (m.get("text") or "")], timeout)
        return float(reply[0]["time"]) - self.sent_at[chat]

    def sent_html(self, chats: set[int]) -> dict[int, list[str]]:
        """The HTML of each breakdown sent to `chats`, as the bot posted it."""
        found: dict[int, list[str]] = defaultdict(list)
        for request in self.botapi.requests:
            if request["method"] != "sendMessage":
                continue
            text = str(request["params"].get("text", ""))
            chat = int(request["params"].get("chat_id", 0))
            if chat in chats and MARKER in text and request["status"] == 200:
                found[chat].append(text)
        return found

    def wrong_replies(self, chats: list[int], sent: dict[int, list[str]], *,
                      processes: int = 2) -> list[int]:
        """The chats whose breakdowns (`sent_html`) are not exactly one, equal to the
        single-process bot's for their article (computed here, in `processes` processes)."""
        with ProcessPoolExecutor(processes) as pool:
            expected = dict(zip(chats, pool.map(expected_reply,
                                                [self.texts[chat] for chat in chats],
                                                chunksize=8), strict=True))
        return [chat for chat in chats if sent.get(chat) != [expected[chat]]]


class PSSPeaks:
    """Peak PSS (MB) of each component's process tree, sampled every 0.5 s in a thread."""

    def __init__(self, deployment: Deployment) -> None:
        self.deployment = deployment
        self.peak: dict[str, float] = defaultdict(float)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, mb in self.deployment.pss_mb().items():
                self.peak[name] = max(self.peak[name], mb)
            time.sleep(0.5)

    def __enter__(self) -> PSSPeaks:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
