"""Comparing what two bots said: the embedded one (`running_bot`) and the scaled one
(`running_deployment`), each on its own Bot API emulator, given the same messages.

A transcript keeps what a user sees of each reply: its text, parse mode, entities, link
preview, buttons and the message it answers. Only what legitimately differs between two
runs is normalised: the random token a button's callback data carries.
"""

from __future__ import annotations

import re
from typing import Any

from tests.botapi.server import BotAPIServer
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
        assert transcript(embedded, chat_id, ordered=ordered) == \
            transcript(scaled, chat_id, ordered=ordered)
    return transcript(scaled, chat_id, ordered=ordered)
