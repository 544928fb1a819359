"""The buttons under a breakdown: its sections, and the links a pasted text contained.

Callback data: "bd:<section>:<token>" expands a section of the breakdown remembered
under the token; "bl:<token>" breaks down the link remembered under it.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.render.common import shorten
from bot.render.telegram import BUTTONS
from bot.token_memory import ButtonMemory

CALLBACK_PREFIX = "bd"
LINK_CALLBACK_PREFIX = "bl"  # "bl:<token>": break down a link the text contained


def keyboard(token: str) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(label, callback_data=f"{CALLBACK_PREFIX}:{section}:{token}")
               for label, section in BUTTONS]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:]])


async def link_rows(links: tuple[str, ...], memory: ButtonMemory[str]
                    ) -> list[list[InlineKeyboardButton]]:
    """One button per link a text contained, to break the linked page down on demand (none
    for a link the memory could not keep)."""
    def label(link: str) -> str:
        return ("🔗 Break down the linked page" if len(links) == 1
                else f"🔗 Break down {shorten(link.split('://', 1)[-1], 32)}")
    rows = []
    for link in links:
        if (token := await memory.remember(link)) is not None:
            rows.append([InlineKeyboardButton(label(link),
                                              callback_data=f"{LINK_CALLBACK_PREFIX}:{token}")])
    return rows
