"""The Bot API methods of the emulator, as a mixin of ``BotAPIServer``.

Each ``_m_<lowercased method>(params, files)`` returns the method's "result" (or a coroutine
for it) or raises ``ApiError`` with Telegram's code and description; ``server`` dispatches to them
after decoding the request and applying injected failures. They read and change the store of
``EmulatorState`` under its lock, and validate the way Telegram does (text length in UTF-16
units, HTML entities, inline keyboards, "message is not modified", one getUpdates poller).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import re
import time
from typing import Any

from .state import EmulatorState
from .wire import (
    OPT_IN_UPDATES,
    ApiError,
    bad_request,
    checked_markup,
    format_text,
    png_size,
    scope_key,
    set_optional,
)

# What getChatMember reports for the administrators of add_chat(admins=...).
_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)


class BotAPIMethods(EmulatorState):
    """getMe, getUpdates, sendMessage, editMessageText, sendPhoto, getChatMember, ..."""

    def _m_getme(self, p: dict[str, Any], f: Any) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _m_close(self, p: dict[str, Any], f: Any) -> bool:
        return True

    _m_logout = _m_close

    async def _m_getupdates(self, p: dict[str, Any], f: Any) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        deadline = loop.time() + float(p.get("timeout") or 0)
        if self._poller is not None and not self._poller.done():
            # Telegram keeps one poller per bot; the older request is the one that fails.
            self._poller.set_exception(
                ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            )
        with self._lock:
            if p.get("allowed_updates") is not None:
                self._allowed = set(p["allowed_updates"]) or None
            offset = p.get("offset")
            if offset is not None and offset < 0:  # "the last -offset updates"
                del self._updates[: max(len(self._updates) + offset, 0)]
            elif offset:  # updates below offset are confirmed and forgotten
                self._updates[:] = [u for u in self._updates if u["update_id"] >= offset]
        while True:
            with self._lock:
                keep = [u for u in self._updates if self._wanted(u)]
                self._updates[:] = keep  # filtered types are never delivered, as in Telegram
                batch = copy.deepcopy(keep[:limit])
            remaining = deadline - loop.time()
            if batch or remaining <= 0:
                return batch
            waiter = loop.create_future()
            self._waiters.append(waiter)
            self._poller = waiter
            with contextlib.suppress(TimeoutError):  # timed out: answer with what is there
                await asyncio.wait_for(waiter, remaining)

    def _wanted(self, update: dict[str, Any]) -> bool:
        """Whether allowed_updates (of getUpdates or setWebhook) lets ``update`` through."""
        if self._allowed is None:
            return not OPT_IN_UPDATES & update.keys()
        return bool(self._allowed & update.keys())

    def _m_sendmessage(self, p: dict[str, Any], f: Any) -> dict[str, Any]:
        text, entities = format_text(p, "text", 4096, "message is too long", required=True)
        markup = checked_markup(p)
        preview = p.get("link_preview_options")
        if preview is None and p.get("disable_web_page_preview") is not None:
            preview = {"is_disabled": bool(p["disable_web_page_preview"])}
        with self._lock:
            chat = self._chat_for(p.get("chat_id"))
            reply_to = self._reply_target(chat["id"], p)
            msg = self._new_message(chat, dict(self.bot_user), text=text)
            set_optional(msg, entities=entities, reply_markup=markup, link_preview_options=preview)
            if reply_to is not None:
                msg["reply_to_message"] = self._reply_copy(chat["id"], reply_to)
            self._sent.append(
                {
                    "method": "sendMessage",
                    "chat_id": chat["id"],
                    "message_id": msg["message_id"],
                    "text": text,
                    "entities": entities,
                    "parse_mode": p.get("parse_mode"),
                    "reply_markup": markup,
                    "reply_to": reply_to,
                    "link_preview_options": preview,
                    "link_preview_disabled": bool(preview and preview.get("is_disabled")),
                    "time": time.monotonic(),
                    "edits": 0,
                }
            )
            return copy.deepcopy(msg)

    def _reply_target(self, chat_id: int, p: dict[str, Any]) -> int | None:
        """The replied-to message id, honouring allow_sending_without_reply."""
        rp = p.get("reply_parameters") or {}
        message_id = rp.get("message_id", p.get("reply_to_message_id"))
        lenient = rp.get("allow_sending_without_reply", p.get("allow_sending_without_reply"))
        if message_id is None:
            return None
        target_chat = rp.get("chat_id", chat_id)
        if (target_chat, int(message_id)) in self._messages:
            return int(message_id)
        if lenient:
            return None
        raise bad_request("message to be replied not found")

    def _m_editmessagetext(self, p: dict[str, Any], f: Any) -> dict[str, Any]:
        text, entities = format_text(p, "text", 4096, "message is too long", required=True)
        return self._edit(p, {"text": text, "entities": entities}, checked_markup(p))

    def _m_editmessagereplymarkup(self, p: dict[str, Any], f: Any) -> dict[str, Any]:
        return self._edit(p, {}, checked_markup(p))

    def _edit(
        self, p: dict[str, Any], content: dict[str, Any], markup: dict[str, Any] | None
    ) -> dict[str, Any]:
        """Edit a bot message in place; omitting reply_markup removes it, as in Telegram."""
        if "inline_message_id" in p:
            raise bad_request("inline messages are not supported by the emulator")
        with self._lock:
            chat_id = p.get("chat_id")
            msg = self._messages.get((chat_id, p.get("message_id")))  # type: ignore[arg-type]
            if msg is None:
                raise bad_request("message to edit not found")
            if msg["from"].get("id") != self.bot_user["id"]:
                raise bad_request("message can't be edited")
            if content and "text" not in msg:
                raise bad_request("there is no text in the message to edit")
            old = (msg.get("text"), msg.get("entities", []), msg.get("reply_markup"))
            new = (content.get("text", old[0]), content.get("entities", old[1]), markup)
            if old == new:
                raise bad_request(
                    "message is not modified: specified new message content and reply markup "
                    "are exactly the same as a content and reply markup of the current message"
                )
            if content:
                msg["text"] = content["text"]
                msg.pop("entities", None)
                set_optional(msg, entities=content["entities"])
            msg.pop("reply_markup", None)
            set_optional(msg, reply_markup=markup)
            msg["edit_date"] = int(time.time())
            for record in self._sent:
                if (record["chat_id"], record["message_id"]) == (chat_id, msg["message_id"]):
                    record.update(reply_markup=markup, edits=record["edits"] + 1)
                    if content:
                        record.update(
                            text=content["text"],
                            entities=content["entities"],
                            parse_mode=p.get("parse_mode"),
                        )
            return copy.deepcopy(msg)

    _ACTIONS = frozenset(
        {
            "typing",
            "upload_photo",
            "record_video",
            "upload_video",
            "record_voice",
            "upload_voice",
            "upload_document",
            "choose_sticker",
            "find_location",
            "record_video_note",
            "upload_video_note",
        }
    )

    def _m_sendchataction(self, p: dict[str, Any], f: Any) -> bool:
        if p.get("action") not in self._ACTIONS:
            raise bad_request("wrong parameter action in request")
        with self._lock:
            chat = self._chat_for(p.get("chat_id"))
            self._actions.append(
                {"chat_id": chat["id"], "action": p["action"], "time": time.monotonic()}
            )
        return True

    def _m_answercallbackquery(self, p: dict[str, Any], f: Any) -> bool:
        with self._lock:
            query_id = str(p.get("callback_query_id"))
            if query_id not in self._open_queries:
                raise bad_request(
                    "query is too old and response timeout expired or query ID is invalid"
                )
            self._open_queries.discard(query_id)  # a query can be answered once
            self._callback_answers.append(
                {
                    "callback_query_id": query_id,
                    "text": p.get("text"),
                    "show_alert": bool(p.get("show_alert")),
                    "url": p.get("url"),
                    "cache_time": p.get("cache_time"),
                    "time": time.monotonic(),
                }
            )
        return True

    def _m_sendphoto(self, p: dict[str, Any], files: dict[str, dict[str, Any]]) -> dict[str, Any]:
        caption, entities = format_text(p, "caption", 1024, "message caption is too long", False)
        markup = checked_markup(p)
        with self._lock:
            upload = files.get("photo")
            if upload is not None:
                data: bytes | None = upload["bytes"]
                if not data:
                    raise bad_request("file must be non-empty")
                file_id = f"photo-{len(self._files) + 1}"
                self._files[file_id] = {"bytes": data, "file_path": f"photos/{file_id}.jpg"}
            elif isinstance(p.get("photo"), str) and p["photo"]:
                file_id = p["photo"]  # a file_id or URL: reuse known bytes, accept unknown ones
                data = self._files.get(file_id, {}).get("bytes")
            else:
                raise bad_request("there is no photo in the request")
            width, height = png_size(data or b"")
            size = {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}",
                "width": width,
                "height": height,
                "file_size": len(data or b""),
            }
            chat = self._chat_for(p.get("chat_id"))
            reply_to = self._reply_target(chat["id"], p)
            msg = self._new_message(chat, dict(self.bot_user), photo=[size])
            set_optional(msg, caption=caption, caption_entities=entities, reply_markup=markup)
            if reply_to is not None:
                msg["reply_to_message"] = self._reply_copy(chat["id"], reply_to)
            record = {
                "method": "sendPhoto",
                "chat_id": chat["id"],
                "message_id": msg["message_id"],
                "text": caption,
                "entities": entities,
                "parse_mode": p.get("parse_mode"),
                "reply_markup": markup,
                "reply_to": reply_to,
                "link_preview_options": None,
                "link_preview_disabled": False,
                "time": time.monotonic(),
                "edits": 0,
            }
            self._sent.append(record)
            self._photos.append(
                {
                    **record,
                    "bytes": data,
                    "file_id": file_id,
                    "filename": upload and upload["filename"],
                }
            )
            return copy.deepcopy(msg)

    def _m_getfile(self, p: dict[str, Any], f: Any) -> dict[str, Any]:
        with self._lock:
            stored = self._files.get(str(p.get("file_id")))
            if stored is None:
                raise bad_request("invalid file_id")
            return {
                "file_id": p["file_id"],
                "file_unique_id": f"u-{p['file_id']}",
                "file_size": len(stored["bytes"]),
                "file_path": stored["file_path"],
            }

    def _m_setmycommands(self, p: dict[str, Any], f: Any) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH" if commands else "commands must be an array")
        for cmd in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(cmd.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(cmd.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        with self._lock:
            self._commands[(scope_key(p.get("scope")), p.get("language_code") or "")] = commands
        return True

    def _m_getmycommands(self, p: dict[str, Any], f: Any) -> list[Any]:
        return self.commands_for(p.get("scope"), p.get("language_code") or "")

    def _m_deletemycommands(self, p: dict[str, Any], f: Any) -> bool:
        with self._lock:
            self._commands.pop((scope_key(p.get("scope")), p.get("language_code") or ""), None)
        return True

    def _member(self, chat_id: int, user_id: int) -> dict[str, Any]:
        owner, admins = self._admins.get(chat_id, (None, []))
        user = (
            dict(self.bot_user) if user_id == self.bot_user["id"] else self._user_for(user_id, None)
        )
        if user_id == owner:
            return {"status": "creator", "user": user, "is_anonymous": False}
        if user_id in admins:
            rights = dict.fromkeys(_ADMIN_RIGHTS, True)
            return {
                "status": "administrator",
                "user": user,
                "can_be_edited": False,
                "is_anonymous": False,
                **rights,
            }
        return {"status": "member", "user": user}

    def _m_getchatmember(self, p: dict[str, Any], f: Any) -> dict[str, Any]:
        with self._lock:
            chat = self._chat_for(p.get("chat_id"))
            return self._member(chat["id"], int(p.get("user_id") or 0))

    def _m_getchatadministrators(self, p: dict[str, Any], f: Any) -> list[dict[str, Any]]:
        with self._lock:
            chat = self._chat_for(p.get("chat_id"))
            if chat["type"] == "private":
                raise bad_request("there are no administrators in the private chat")
            owner, admins = self._admins.get(chat["id"], (None, []))
            ids = ([owner] if owner is not None else []) + [a for a in admins if a != owner]
            return [self._member(chat["id"], uid) for uid in ids]

    def _m_getchat(self, p: dict[str, Any], f: Any) -> dict[str, Any]:
        with self._lock:
            chat = self._chat_for(p.get("chat_id"))
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    def _m_setchatmenubutton(self, p: dict[str, Any], f: Any) -> bool:
        with self._lock:
            self._menu_buttons[p.get("chat_id")] = p.get("menu_button") or {"type": "default"}
        return True

    def _m_getchatmenubutton(self, p: dict[str, Any], f: Any) -> dict[str, Any]:
        with self._lock:
            return self._menu_buttons.get(p.get("chat_id"), {"type": "commands"})
