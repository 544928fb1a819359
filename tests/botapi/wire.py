"""The Bot API emulator's wire format: how requests are decoded and answers encoded.

Everything here is stateless: parameter decoding (query string, JSON, urlencoded and multipart
bodies, typed the way Telegram's server types them), text/caption and inline-keyboard validation
with Telegram's error messages, the ``ApiError`` answer shape and its JSON encoding, and small
protocol helpers shared by ``server`` (HTTP) and ``methods`` (the Bot API methods).
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any
from urllib.parse import parse_qsl

from .entities import EntityParseError, inline_keyboard_error, parse_html, strip_text, utf16_len

# Form-encoded values arrive as strings; these are decoded the way Telegram's server would.
JSON_FIELDS = {
    "reply_markup",
    "reply_parameters",
    "link_preview_options",
    "entities",
    "caption_entities",
    "commands",
    "scope",
    "allowed_updates",
    "menu_button",
}
INT_FIELDS = {
    "offset",
    "limit",
    "message_id",
    "user_id",
    "reply_to_message_id",
    "cache_time",
    "max_connections",
}
BOOL_FIELDS = {
    "disable_web_page_preview",
    "show_alert",
    "drop_pending_updates",
    "disable_notification",
    "protect_content",
    "allow_sending_without_reply",
}
# Methods that post into a chat: floods, blocked users and migrated groups apply to them.
SENDING = {"sendmessage", "sendphoto", "editmessagetext", "editmessagereplymarkup"}
CHAT_BOUND = SENDING | {"sendchataction"}
# Telegram withholds these update types unless allowed_updates names them.
OPT_IN_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}
REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
}


class ApiError(Exception):
    """A Telegram-shaped error answer: {"ok": false, "error_code": ..., "description": ...}."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


def bad_request(message: str, parameters: dict[str, Any] | None = None) -> ApiError:
    return ApiError(400, f"Bad Request: {message}", parameters)


def dump(value: Any) -> bytes:
    """Encode a method's result, or an ``ApiError``, as Telegram's JSON envelope."""
    if isinstance(value, ApiError):
        body: dict[str, Any] = {
            "ok": False,
            "error_code": value.code,
            "description": value.description,
        }
        if value.parameters:
            body["parameters"] = value.parameters
    else:
        body = {"ok": True, "result": value}
    return json.dumps(body, ensure_ascii=False).encode()


def set_optional(target: dict[str, Any], **fields: Any) -> None:
    """Telegram omits empty optional fields from its JSON; so does the emulator."""
    target.update({k: v for k, v in fields.items() if v not in (None, "", [], {})})


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of PNG bytes, (0, 0) for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 0, 0


def scope_key(scope: dict[str, Any] | None) -> str:
    """A hashable key for a BotCommandScope (the default scope when None)."""
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


async def read_chunked(reader: asyncio.StreamReader) -> bytes:
    """Read an HTTP/1.1 ``Transfer-Encoding: chunked`` body."""
    body = b""
    while size := int((await reader.readline()).split(b";")[0].strip() or b"0", 16):
        body += await reader.readexactly(size)
        await reader.readline()
    await reader.readline()
    return body


def parse_params(
    query: str, headers: dict[str, str], body: bytes
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Decode query string + JSON / urlencoded / multipart bodies into typed parameters."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    files: dict[str, dict[str, Any]] = {}
    ctype = headers.get("content-type", "")
    try:
        if ctype.startswith("application/json") and body:
            params.update(json.loads(body))
        elif ctype.startswith("application/x-www-form-urlencoded"):
            params.update(parse_qsl(body.decode(), keep_blank_values=True))
        elif ctype.startswith("multipart/form-data"):
            boundary = re.search(r'boundary="?([^";]+)"?', ctype)
            if boundary is None:
                raise bad_request("invalid multipart boundary")
            for part in body.split(b"--" + boundary.group(1).encode())[1:]:
                if part.startswith(b"--"):
                    break
                head, _, content = part.partition(b"\r\n\r\n")
                content = content.removesuffix(b"\r\n")
                head_text = head.decode("utf-8", "replace")
                name = re.search(r'\bname="([^"]*)"', head_text)
                filename = re.search(r'filename="([^"]*)"', head_text)
                if name is None:
                    continue
                if filename is not None:
                    files[name.group(1)] = {"filename": filename.group(1), "bytes": content}
                else:
                    params[name.group(1)] = content.decode("utf-8")
        for key, value in list(params.items()):
            if not isinstance(value, str):
                continue
            if key in JSON_FIELDS:
                params[key] = json.loads(value)
            elif key in INT_FIELDS or (key == "chat_id" and re.fullmatch(r"-?\d+", value)):
                params[key] = int(value)
            elif key in BOOL_FIELDS:
                params[key] = value.lower() in ("true", "1")
            elif key == "timeout":
                params[key] = float(value)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request(f"can't parse request parameters: {exc}") from None
    return params, files


def format_text(
    params: dict[str, Any], field: str, limit: int, too_long: str, required: bool
) -> tuple[str, list[dict[str, Any]]]:
    """Parse text/caption per parse_mode and apply Telegram's emptiness and length rules."""
    raw = params.get(field)
    if raw is None or raw == "":
        if required:
            raise bad_request("message text is empty")
        return "", []
    mode = str(params.get("parse_mode") or "").lower()
    entities_field = "entities" if field == "text" else "caption_entities"
    entities: list[dict[str, Any]] = list(params.get(entities_field) or [])
    text = str(raw)
    if mode == "html":
        try:
            text, entities = parse_html(text)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    elif mode not in ("", "markdown", "markdownv2"):  # Markdown is accepted unparsed
        raise bad_request(f"unsupported parse_mode {params['parse_mode']}")
    text, entities = strip_text(text, entities)
    if not text and required:
        raise bad_request("message text is empty")
    if utf16_len(text) > limit:
        raise bad_request(too_long)
    return text, entities


def checked_markup(params: dict[str, Any]) -> dict[str, Any] | None:
    """The request's reply_markup, rejected with Telegram's error if an inline keyboard is bad."""
    markup = params.get("reply_markup")
    if markup is not None and (error := inline_keyboard_error(markup)):
        raise bad_request(error)
    return markup
