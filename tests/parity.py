"""Comparing what two bots said: the embedded one (`running_bot`) and the scaled one
(`running_deployment`), each on its own Bot API emulator, given the same messages.

A transcript keeps what a user sees of each reply: its text, parse mode, entities, link
preview, buttons and the message it answers. Only what legitimately differs between two
runs is normalised: the random token a button's callback data carries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis

from tests.botapi.server import BotAPIServer
from tests.celery_node import WorkerNode, redis_db
from tests.e2e import buttons_of, eventually

# "bd:<section>:<token>" and "bl:<token>" (handlers/keyboards.py): the token is random.
_TOKEN = re.compile(r"^(bd:[^:]+|bl):.+$")

Reply = tuple[Any, ...]


def normalised(message: dict[str, Any], *, with_reply_to: bool = True) -> Reply:
    """What the user sees of `message`, its buttons' tokens replaced by "<token>"."""
    buttons = tuple((label, _TOKEN.sub(r"\1:<token>", data))
                    for label, data in buttons_of(message))
    entities = tuple(tuple(sorted(entity.items())) for entity in message.get("entities") or [])
    return (message.get("text"), message.get("parse_mode"), entities,
            bool(message.get("link_preview_disabled")), buttons,
            message.get("reply_to") if with_reply_to else None)


def transcript(server: BotAPIServer, chat_id: int, *, ordered: bool = True) -> list[Reply]:
    """The chat's replies, normalised; sorted unless `ordered` (when updates handled at
    once may be answered in any order, so which message a reply answers is left out)."""
    replies = [normalised(m, with_reply_to=ordered) for m in server.sent_messages(chat_id)]
    return replies if ordered else sorted(replies, key=repr)


async def same_transcripts(embedded: BotAPIServer, scaled: BotAPIServer, chat_id: int, *,
                           ordered: bool = True, timeout: float = 10) -> list[Reply]:
    """The chat's transcript once both bots' are equal (a late reply may still be on its
    way in one of them); AssertionError showing both if they are not within `timeout`."""
    async def equal() -> bool:
        return (transcript(embedded, chat_id, ordered=ordered)
                == transcript(scaled, chat_id, ordered=ordered))

    try:
        await eventually(equal, timeout)
    except TimeoutError:
        raise AssertionError(
            f"chat {chat_id}: the modes replied differently\n"
            f"embedded: {transcript(embedded, chat_id, ordered=ordered)!r}\n"
            f"scaled:   {transcript(scaled, chat_id, ordered=ordered)!r}") from None
    return transcript(scaled, chat_id, ordered=ordered)


def worker_node_fixture(db: int) -> Callable[..., Iterator[WorkerNode]]:
    """A module's fixture `node`: one Celery worker node (concurrency 1) on database `db`
    of the session's Redis, emptied first (its queue and the deployment's shared state
    live there). Not started: the module starts it (`node.start()`, blocking) while it
    starts its embedded bots, whose pools load their models meanwhile."""
    @pytest.fixture(scope="module")
    def node(redis_url: str,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerNode]:
        url = redis_db(redis_url, db)
        with redis.Redis.from_url(url) as client:
            client.flushdb()  # no queued job nor claim left by an earlier run
        worker = WorkerNode(url, tmp_path_factory.mktemp("node"), concurrency=1)
        try:
            yield worker
        finally:
            worker.stop()

    return node
