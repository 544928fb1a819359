"""Telegram-style text handling for the Bot API emulator.

The HTML parser mirrors the behaviour (and error wording) of tdlib's ``parse_html``, which is
what the real Bot API server runs, so a message the emulator accepts is one Telegram accepts.
Offsets and lengths are in UTF-16 code units, as in the real API.
"""

from __future__ import annotations

import re
from typing import Any

# Tags tdlib recognises; anything else is "Unsupported start tag".
_TAGS = {
    "a",
    "b",
    "strong",
    "i",
    "em",
    "s",
    "strike",
    "del",
    "u",
    "ins",
    "tg-spoiler",
    "tg-emoji",
    "span",
    "pre",
    "code",
    "blockquote",
}
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}  # the only named entities Telegram knows
_SPACE = " \t\r\n\f\v"


class EntityParseError(ValueError):
    """Raised with tdlib's wording; the server prefixes "Bad Request: can't parse entities: "."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, i: int) -> int:
    # tdlib reports positions as UTF-8 byte offsets.
    return len(text[:i].encode("utf-8"))


def _decode_entity(text: str, i: int) -> tuple[str, int] | None:
    """Decode an HTML entity at text[i] == '&'; None means '&' is kept literally (as tdlib)."""
    m = re.match(r"&(#[xX][0-9a-fA-F]{1,8}|#[0-9]{1,10}|[a-zA-Z]{2,6});", text[i:])
    if not m:
        return None
    body = m.group(1)
    if body.startswith("#"):
        code = int(body[2:], 16) if body[1] in "xX" else int(body[1:])
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        return chr(code), i + m.end()
    if body in _NAMED:
        return _NAMED[body], i + m.end()
    return None


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Return (visible text, entities) or raise EntityParseError like Telegram does."""
    out: list[str] = []
    out_len = 0  # UTF-16 length of the visible text so far
    stack: list[dict[str, Any]] = []
    entities: list[dict[str, Any]] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "&" and (dec := _decode_entity(text, i)) is not None:
            out.append(dec[0])
            out_len += utf16_len(dec[0])
            i = dec[1]
            continue
        if c != "<":
            out.append(c)
            out_len += utf16_len(c)
            i += 1
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":
            if not stack:
                raise EntityParseError(
                    f"Unexpected end tag at byte offset {_byte_offset(text, begin)}"
                )
            j = i + 1
            while j < n and text[j] not in _SPACE and text[j] != ">":
                j += 1
            end_name = text[i + 1 : j].lower()
            while j < n and text[j] in _SPACE:
                j += 1
            if j >= n or text[j] != ">":
                raise EntityParseError(
                    f"Unclosed end tag at byte offset {_byte_offset(text, begin)}"
                )
            top = stack.pop()
            if end_name and end_name != top["tag"]:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                    f'expected "</{top["tag"]}>", found "</{end_name}>"'
                )
            i = j + 1
            _close(top, out_len, entities)
            continue
        j = i
        while j < n and text[j] not in _SPACE and text[j] != ">":
            j += 1
        if j >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        tag = text[i:j].lower()
        if tag not in _TAGS:
            raise EntityParseError(
                f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        attrs, i = _parse_attrs(text, j, tag, begin)
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            at = _byte_offset(text, begin)
            raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
        if tag == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise EntityParseError("Invalid custom emoji identifier specified")
        stack.append({"tag": tag, "attrs": attrs, "offset": out_len, "parent": stack[-1:]})
    if stack:
        raise EntityParseError(
            f'Can\'t find end tag corresponding to start tag "{stack[-1]["tag"]}"'
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _parse_attrs(text: str, i: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
    """Parse attributes from text[i] up to and including '>'; returns (attrs, index after '>')."""
    n = len(text)
    attrs: dict[str, str] = {}
    where = f'the tag "{tag}" at byte offset {_byte_offset(text, begin)}'
    while True:
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        if text[i] == ">":
            return attrs, i + 1
        start = i
        while i < n and text[i] not in _SPACE and text[i] not in "=>":
            i += 1
        name = text[start:i].lower()
        if not name:
            raise EntityParseError(f"Empty attribute name in {where}")
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n or text[i] != "=":
            if tag == "blockquote" and name == "expandable":
                attrs[name] = ""
                continue
            raise EntityParseError(f"Expected equal sign in declaration of an attribute of {where}")
        i += 1
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n:
            raise EntityParseError(
                f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        if text[i] in "'\"":
            quote = text[i]
            i += 1
            value: list[str] = []
            while i < n and text[i] != quote:
                if text[i] == "&" and (dec := _decode_entity(text, i)) is not None:
                    value.append(dec[0])
                    i = dec[1]
                else:
                    value.append(text[i])
                    i += 1
            i += 1  # skip the closing quote (or run past the end, caught below)
            attrs[name] = "".join(value)
        else:
            start = i
            while i < n and (text[i].isalnum() or text[i] in ".-"):
                i += 1
            if i < n and text[i] not in _SPACE and text[i] != ">":
                raise EntityParseError(
                    f"Unexpected end of name token at byte offset {_byte_offset(text, start)}"
                )
            attrs[name] = text[start:i].lower()
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")


def _close(item: dict[str, Any], end: int, entities: list[dict[str, Any]]) -> None:
    tag, attrs, offset = item["tag"], item["attrs"], item["offset"]
    length = end - offset
    if length <= 0:
        return  # Telegram silently drops empty entities
    ent: dict[str, Any] = {"offset": offset, "length": length}
    if tag == "a":
        href = attrs.get("href", "")
        if not href:
            ent["type"] = "url"
        elif re.match(r"tg://user\?id=\d+$", href):
            ent.update(type="text_mention", user={"id": int(href.split("=")[1])})
        elif re.match(r"(https?|tg|ftp)://\S+$|[\w.-]+\.\w{2,}(/\S*)?$", href):
            ent.update(type="text_link", url=href)
        else:
            return  # tdlib drops links with an invalid URL rather than failing
    elif tag == "pre":
        ent["type"] = "pre"
    elif tag == "blockquote":
        ent["type"] = "expandable_blockquote" if "expandable" in attrs else "blockquote"
    elif tag == "tg-emoji":
        ent.update(type="custom_emoji", custom_emoji_id=attrs["emoji-id"])
    elif tag == "code" and attrs.get("class", "").startswith("language-"):
        # <pre><code class="language-x"> gives the enclosing pre its language.
        parent = item["parent"]
        if parent and parent[0]["tag"] == "pre":
            parent[0]["attrs"]["language"] = attrs["class"][len("language-") :]
        ent["type"] = "code"
    else:
        ent["type"] = _SIMPLE[tag]
    if tag == "pre" and "language" in attrs:
        ent["language"] = attrs["language"]
        # the inner <code> is folded into pre, as Telegram reports a single pre entity
        entities[:] = [
            e
            for e in entities
            if not (e["type"] == "code" and e["offset"] == offset and e["length"] == length)
        ]
    entities.append(ent)


def strip_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim surrounding whitespace like Telegram, shifting and clipping entity offsets."""
    stripped = text.strip()
    if not stripped:
        return "", []
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    result = []
    for e in entities:
        start = max(e["offset"] - lead, 0)
        end = min(e["offset"] + e["length"] - lead, total)
        if end > start:
            result.append({**e, "offset": start, "length": end - start})
    return stripped, result


_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,32})?(?![\w@/])")
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)


def auto_entities(text: str) -> list[dict[str, Any]]:
    """Entities Telegram's clients/servers attach to incoming text: bot commands and URLs."""
    found: list[dict[str, Any]] = []

    def add(kind: str, start: int, end: int) -> None:
        found.append(
            {"type": kind, "offset": utf16_len(text[:start]), "length": utf16_len(text[start:end])}
        )

    for m in _COMMAND.finditer(text):
        add("bot_command", m.start(), m.end())
    for m in _URL.finditer(text):
        url = m.group(0)
        # trailing punctuation belongs to the sentence, not the link (unless it closes a paren)
        while url and (url[-1] in ".,;:!?'\"]}" or (url[-1] == ")" and "(" not in url)):
            url = url[:-1]
        if len(url) > len("https://"):
            add("url", m.start(), m.start() + len(url))
    return sorted(found, key=lambda e: e["offset"])


def inline_keyboard_error(markup: Any) -> str | None:
    """Telegram's description for an invalid inline keyboard, or None when it is fine."""
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return None  # reply keyboards / remove / force_reply are accepted as-is
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        return "can't parse inline keyboard button: InlineKeyboardMarkup must be an Array"
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                return "can't parse inline keyboard button: Text of the button must be non-empty"
            if "callback_data" in button:
                data = str(button["callback_data"]).encode("utf-8")
                if not 1 <= len(data) <= 64:
                    return "BUTTON_DATA_INVALID"
            elif "url" in button:
                if not re.match(r"(https?|tg)://\S+$", str(button["url"])):
                    return "BUTTON_URL_INVALID"
            elif not set(button) - {"text"}:
                return (
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
    return None


__all__ = [
    "EntityParseError",
    "auto_entities",
    "inline_keyboard_error",
    "parse_html",
    "strip_text",
    "utf16_len",
]
