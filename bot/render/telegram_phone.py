"""How Telegram HTML lays out on a phone: rows in a chat bubble, and expandable quotes.

Telegram shows an expandable block quote (`<blockquote expandable>`, Bot API 7.4)
collapsed to its first 3 lines with a tap to show the rest. The reply puts a section's
lines in one when they would take more rows than that, with the section's headline
outside it, so the headline is always read and the details are a tap away.
"""

from __future__ import annotations

import math
import re

from bot.render.telegram_split import plain_text

# A chat bubble on a 6-inch phone at the default text size holds about this many
# characters a row (a 390-point-wide screen, 17-point text); an estimate, used to decide
# what to collapse and, in bench/reply_length.py, to report what a reader scrolls.
ROW_CHARACTERS = 38
COLLAPSED_ROWS = 3
EXPANDABLE_OPEN = "<blockquote expandable>"
_EXPANDABLE = re.compile(r"<blockquote expandable>(.*?)</blockquote>", re.DOTALL)


def text_rows(text: str) -> int:
    """Rows plain `text` takes in a chat bubble: each line wraps at `ROW_CHARACTERS`."""
    return sum(max(1, math.ceil(len(line) / ROW_CHARACTERS)) for line in text.split("\n"))


def phone_rows(html: str) -> int:
    """Rows a message takes in a chat bubble, each expandable quote collapsed to 3."""
    def collapsed(quote: re.Match[str]) -> str:  # one short line per row still shown
        rows = min(COLLAPSED_ROWS, text_rows(plain_text(quote[1]).strip("\n")))
        return "\n".join(["·"] * rows)

    return text_rows(plain_text(_EXPANDABLE.sub(collapsed, html)))


def collapsible(lines: list[str]) -> str:
    """`lines` (Telegram HTML) as they are when they fit the collapsed height anyway, else
    inside one expandable quote; the caller keeps the headline above, outside it."""
    body = "\n".join(lines)
    if text_rows(plain_text(body)) <= COLLAPSED_ROWS:
        return body
    return f"{EXPANDABLE_OPEN}{body}</blockquote>"
