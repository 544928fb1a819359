"""The Bot API emulator's data: chats, messages and updates, driven and inspected by tests.

``EmulatorState`` is the part of ``BotAPIServer`` that does not speak HTTP: the store (chats,
users, messages, pending updates, what the bot sent), the test-side driver that plays the
users (``send_user_message``, ``press_button``, ...), the inspection API (``sent_messages``,
``chat_actions``, ...) and the lock-held helpers the Bot API methods share. All state is guarded
by one re-entrant lock because driver calls come from the test's thread while the methods run on
the server's event loop; new updates wake the long polls parked on that loop.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

from .clients import Client, split_like_client
from .entities import auto_entities
from .wire import bad_request, scope_key


class EmulatorState:
    """Chats, messages and updates of one emulated bot, with the test-side driver."""

    # Where update ids start (after each reset): emulators whose bots share one Redis, where
    # update claims are keyed by update id alone, are given ranges apart.
    first_update_id = 1

    def __init__(self, token: str, bot_username: str) -> None:
        self.token = token
        self.bot_user = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": "Test Bot",
            "username": bot_username,
        }
        self._lock = threading.RLock()
        self._loop: asyncio.AbstractEventLoop | None = None  # the server's, set once it runs
        self._waiters: list[asyncio.Future[None]] = []  # parked getUpdates long polls
        self._poller: asyncio.Future[None] | None = None  # the newest of them
        self.reset()

    # ---------------------------------------------------------------- store
    def reset(self) -> None:
        """Forget all chats, messages, updates and logs (the server keeps running)."""
        with self._lock:
            self.blocked: set[int] = set()
            self.migrated: dict[int, int] = {}
            self._chats: dict[int, dict[str, Any]] = {}
            self._users: dict[int, dict[str, Any]] = {}
            self._admins: dict[int, tuple[int | None, list[int]]] = {}
            self._messages: dict[tuple[int, int], dict[str, Any]] = {}
            self._next_mid: dict[int, int] = {}
            self._updates: list[dict[str, Any]] = []
            self._update_ids = itertools.count(self.first_update_id)
            self._allowed: set[str] | None = None
            self._sent: list[dict[str, Any]] = []
            self._actions: list[dict[str, Any]] = []
            self._photos: list[dict[str, Any]] = []
            self._files: dict[str, dict[str, Any]] = {}
            self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
            self._menu_buttons: dict[int | None, dict[str, Any]] = {}
            self._callback_answers: list[dict[str, Any]] = []
            self._open_queries: set[str] = set()
            self._query_ids = itertools.count(1)
            self._requests: list[dict[str, Any]] = []

    def _notify(self) -> None:
        """Wake long-polling getUpdates calls; safe from any thread."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake_waiters)

    def _wake_waiters(self) -> None:
        for fut in self._waiters:
            if not fut.done():
                fut.set_result(None)
        self._waiters.clear()

    # ---------------------------------------------------------------- test-side driver
    def add_chat(
        self,
        chat_id: int,
        type: str = "group",
        title: str | None = None,
        *,
        admins: list[int] | None = None,
        owner: int | None = None,
        username: str | None = None,
    ) -> dict[str, Any]:
        """Register a chat; ``admins`` are administrators in getChatMember, ``owner`` creator."""
        chat: dict[str, Any] = {"id": chat_id, "type": type}
        if type == "private":
            chat["first_name"] = title or f"User{chat_id}"
        else:
            chat["title"] = title or f"Chat {chat_id}"
        if username:
            chat["username"] = username
        with self._lock:
            self._chats[chat_id] = chat
            self._admins[chat_id] = (owner, list(admins or []))
        return dict(chat)

    def send_user_message(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        chat_type: str = "private",
        reply_to: int | None = None,
        forward_from_chat: int | dict[str, Any] | None = None,
        username: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        forward_message_id: int = 1,
    ) -> dict[str, Any]:
        """Inject a Message update as if ``user_id`` wrote ``text`` in ``chat_id``
        (``forward_message_id``: the post's id in the channel it was forwarded from)."""
        with self._lock:
            chat = self._chat_for(chat_id, chat_type)
            user = self._user_for(user_id, username)
            msg = self._new_message(chat, user, text=text)
            msg["entities"] = auto_entities(text) if entities is None else entities
            if not msg["entities"]:
                del msg["entities"]
            if reply_to is not None:
                msg["reply_to_message"] = self._reply_copy(chat_id, reply_to)
            if forward_from_chat is not None:
                src = (
                    forward_from_chat
                    if isinstance(forward_from_chat, dict)
                    else self._chat_for(forward_from_chat, "channel")
                )
                kind = "channel" if src["type"] == "channel" else "chat"
                origin = {
                    "type": kind,
                    "date": msg["date"],
                    ("chat" if kind == "channel" else "sender_chat"): src,
                }
                if kind == "channel":
                    origin["message_id"] = forward_message_id
                msg["forward_origin"] = origin
            self._push("message", msg)
            return copy.deepcopy(msg)

    def send_user_paste(
        self, chat_id: int, user_id: int, text: str, *, client: Client = "desktop", **kwargs: Any
    ) -> list[dict[str, Any]]:
        """Paste ``text`` as a Telegram app sends it: over 4,096 UTF-16 units it is cut into
        several messages (``clients``), sent one right after the other. Other keyword
        arguments are ``send_user_message``'s, for every piece."""
        with self._lock:
            return [
                self.send_user_message(chat_id, user_id, piece, **kwargs)
                for piece in split_like_client(text, client)
            ]

    def press_button(
        self, chat_id: int, user_id: int, message_id: int, data: str
    ) -> dict[str, Any]:
        """Inject a callback_query update for an inline button on a stored message."""
        with self._lock:
            user = self._user_for(user_id, None)
            msg = self._messages.get((chat_id, message_id))
            message = (
                copy.deepcopy(msg)
                if msg
                else {"chat": self._chat_for(chat_id), "message_id": message_id, "date": 0}
            )
            query_id = str(next(self._query_ids))
            self._open_queries.add(query_id)
            query = {
                "id": query_id,
                "from": user,
                "message": message,
                "chat_instance": str(chat_id),
                "data": data,
            }
            self._push("callback_query", query)
            return copy.deepcopy(query)

    def migrate_chat(self, old_id: int, new_id: int, *, by_user_id: int = 1) -> None:
        """Upgrade a group: later sends to ``old_id`` fail with migrate_to_chat_id."""
        with self._lock:
            old = self._chat_for(old_id, "group")
            self._chats[new_id] = {
                "id": new_id,
                "type": "supergroup",
                "title": old.get("title", ""),
            }
            self._admins[new_id] = self._admins.get(old_id, (None, []))
            self.migrated[old_id] = new_id
            user = self._user_for(by_user_id, None)
            self._push("message", {**self._new_message(old, user), "migrate_to_chat_id": new_id})
            new_msg = self._new_message(self._chats[new_id], user)
            self._push("message", {**new_msg, "migrate_from_chat_id": old_id})

    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Inject any other update type verbatim (e.g. "my_chat_member")."""
        with self._lock:
            return copy.deepcopy(self._push(kind, payload))

    # ---------------------------------------------------------------- inspection
    def sent_messages(self, chat_id: int | None = None, *,
                      start: int = 0) -> list[dict[str, Any]]:
        """What the bot sent (sendMessage/sendPhoto), current after edits, oldest first;
        from the `start`-th message sent (a load generator reads only what is new: copying
        every message at each poll made the emulator's CPU grow with the run)."""
        with self._lock:
            return copy.deepcopy([m for m in self._sent[start:]
                                  if chat_id in (None, m["chat_id"])])

    def sent_count(self) -> int:
        """How many messages the bot has sent so far (a `start` for `sent_messages`)."""
        with self._lock:
            return len(self._sent)

    def _snapshot(self, attr: str) -> Any:
        with self._lock:
            return copy.deepcopy(getattr(self, attr))

    chat_actions = property(lambda self: self._snapshot("_actions"))
    photos = property(lambda self: self._snapshot("_photos"))
    commands = property(lambda self: self._snapshot("_commands"))
    callback_answers = property(lambda self: self._snapshot("_callback_answers"))
    requests = property(lambda self: self._snapshot("_requests"))
    pending_updates = property(lambda self: self._snapshot("_updates"))

    def commands_for(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[Any]:
        with self._lock:
            return copy.deepcopy(self._commands.get((scope_key(scope), language_code), []))

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Await until ``predicate()`` is truthy and return its value; TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        while not (value := predicate()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met within {timeout}s")
            await asyncio.sleep(0.01)
        return value

    def wait_until(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        deadline = time.monotonic() + timeout
        while not (value := predicate()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met within {timeout}s")
            time.sleep(0.01)
        return value

    # ---------------------------------------------------------------- shared helpers (lock held)
    def _chat_for(self, chat_id: int | str | None, chat_type: str | None = None) -> dict[str, Any]:
        if chat_id in (None, "", 0):
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, str):  # "@channel" usernames
            for chat in self._chats.values():
                if f"@{chat.get('username')}" == chat_id:
                    return chat
            raise bad_request("chat not found")
        if chat_id not in self._chats:
            kind = chat_type or ("private" if chat_id > 0 else "group")
            self.add_chat(chat_id, kind)
        return self._chats[chat_id]

    def _user_for(self, user_id: int, username: str | None) -> dict[str, Any]:
        user = self._users.setdefault(
            user_id, {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        )
        if username:
            user["username"] = username
        return dict(user)

    def _new_message(
        self, chat: dict[str, Any], sender: dict[str, Any], **extra: Any
    ) -> dict[str, Any]:
        """Create and store a message with the chat's next message_id (shared by both sides)."""
        mid = self._next_mid.get(chat["id"], 0) + 1
        self._next_mid[chat["id"]] = mid
        msg = {
            "message_id": mid,
            "date": int(time.time()),
            "chat": dict(chat),
            "from": sender,
            **extra,
        }
        self._messages[(chat["id"], mid)] = msg
        return msg

    def _reply_copy(self, chat_id: int, message_id: int) -> dict[str, Any]:
        original = self._messages.get((chat_id, message_id))
        if original is None:
            raise bad_request("message to be replied not found")
        return {k: copy.deepcopy(v) for k, v in original.items() if k != "reply_to_message"}

    def _push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), kind: copy.deepcopy(payload)}
        self._updates.append(update)
        self._notify()
        return update
