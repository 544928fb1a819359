"""How Telegram's apps cut a text longer than one message, for tests that paste like a user.

A message holds at most 4,096 UTF-16 code units; the apps send a longer text as several
messages, one right after the other, and the server trims each one. Two cutting rules,
written from the apps' sources (independently of the bot's `bot.paste`, which guesses
from the pieces):

- ``desktop``: Telegram Desktop's ``TextUtilities::CutPart``. Past half the limit, every
  position is a candidate break with a level: blank line 15, line break 13, space after a
  sentence end 10, space after a comma/colon/semicolon 8, other space 6, after a word
  separator 4, anywhere else 2. The piece ends at the latest position of the highest
  level seen when the limit is reached; the break character starts the next piece.
- ``android``: Telegram Android's ``processSendingText``. From the limit, look back at
  most 300 units for a blank line (the first found), else the earliest line break, else
  the latest ". ", else the latest whitespace, and end the piece there. With none, cut
  hard at the limit. Either way the next piece starts one character later (``start = end
  + 1``): the break character is dropped, and after a hard cut so is a real character.
- ``ios``: Telegram iOS's ``breakChatInputText``. The piece ends after the last line break
  or full stop within the limit (kept in the piece); with neither, at the limit.
"""

from __future__ import annotations

from typing import Literal

MAX_MESSAGE_LENGTH = 4096
Client = Literal["desktop", "android", "ios"]
_SENTENCE_END = ".!?…"
_SENTENCE_PART_END = ",:;"


def _units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def split_like_client(text: str, client: Client = "desktop",
                      limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """The messages `client` sends for `text`, trimmed as the server stores them."""
    cut = {"desktop": _desktop_cut, "android": _android_cut, "ios": _ios_cut}[client]
    pieces, left = [], text.strip()
    while left:
        end, skip = cut(left, limit)
        pieces.append(left[:end].strip())
        left = left[end + skip:].strip()
    return [piece for piece in pieces if piece]


def _prefix_within(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 units."""
    units = 0
    for index, char in enumerate(text):
        units += _units(char)
        if units > limit:
            return index
    return len(text)


def _desktop_cut(text: str, limit: int) -> tuple[int, int]:
    fits = _prefix_within(text, limit)
    if fits == len(text):
        return len(text), 0
    best_level, best, units = 0, fits, 0
    for index in range(fits + 1):  # the character at the limit may be the break
        if units > limit // 2:
            level = _desktop_level(text, index)
            if level >= best_level:
                best_level, best = level, index
        units += _units(text[index])
    return (best if best > 0 else fits), 0


def _desktop_level(text: str, index: int) -> int:
    char, before = text[index], text[index - 1] if index else ""
    if char == "\n":
        return 15 if text[index + 1:index + 2] == "\n" else 13
    if char.isspace():
        if before in _SENTENCE_END:
            return 10
        return 8 if before in _SENTENCE_PART_END else 6
    return 4 if not before.isalnum() else 2


def _android_cut(text: str, limit: int) -> tuple[int, int]:
    fits = _prefix_within(text, limit)
    if fits == len(text):
        return len(text), 0
    blank = enter = dot = space = -1
    for index in range(fits - 1, max(0, fits - 301), -1):
        char, before = text[index], text[index - 1]
        if char == "\n" and before == "\n":
            blank = index
            break
        if char == "\n":
            enter = index
        elif dot < 0 and char.isspace() and before == ".":
            dot = index
        elif space < 0 and char.isspace():
            space = index
    found = next((index for index in (blank, enter, dot, space) if index > 0), fits)
    return found, 1


def _ios_cut(text: str, limit: int) -> tuple[int, int]:
    fits = _prefix_within(text, limit)
    if fits == len(text):
        return len(text), 0
    last = max(text.rfind("\n", 0, fits), text.rfind(".", 0, fits))
    return (last + 1 if last >= 0 else fits), 0
