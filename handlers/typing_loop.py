""""typing…" in a chat while its breakdown is being computed."""

from __future__ import annotations

import asyncio
import contextlib

from telegram import Message
from telegram.constants import ChatAction

# "typing…" only once a reply takes a while: most come sooner, and under load the calls
# it saves are the ones that kept /help waiting behind a burst of chat actions.
TYPING_AFTER = 0.5
TYPING_EVERY = 4.0  # Telegram shows "typing…" for about 5 s


async def keep_typing(message: Message, stop: asyncio.Event) -> None:
    """Show "typing…" in `message`'s chat from TYPING_AFTER seconds on, until `stop` is set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), TYPING_AFTER)
    while not stop.is_set():
        with contextlib.suppress(Exception):  # "typing…" is a courtesy, never a failure
            await message.chat.send_action(ChatAction.TYPING)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), TYPING_EVERY)
