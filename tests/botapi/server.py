"""A small Telegram Bot API server emulator for end-to-end tests on 127.0.0.1.

The real bot (python-telegram-bot with ``base_url=server.base_url``) talks HTTP to it; the test
drives it from the user's side (``send_user_message``, ``press_button``) and inspects what the bot
did (``sent_messages``, ``chat_actions``, ...). It runs its own event loop in a daemon thread so
it works the same from sync and async tests. State is guarded by one lock because driver calls
come from the test's thread while handlers run on the server's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .entities import (
    EntityParseError,
    auto_entities,
    inline_keyboard_error,
    parse_html,
    strip_text,
    utf16_len,
)

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
_OPT_IN_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}
_REASONS = {
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


class BotAPIServer:
    """Emulated Bot API. Use as ``with BotAPIServer() as server:`` or start()/stop()."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        *,
        bot_username: str = "test_bot",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.token, self.host, self.port = token, host, port
        self.bot_user = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": "Test Bot",
            "username": bot_username,
        }
        self.response_delay = 0.0  # seconds added before every answer, to simulate latency
        self._lock = threading.RLock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._conns: set[asyncio.Task[Any]] = set()
        self._waiters: list[asyncio.Future[None]] = []
        self._poller: asyncio.Future[None] | None = None
        self.reset()

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
            self._update_ids = itertools.count(1)
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
            self._floods: list[dict[str, Any]] = []
            self._failures: list[dict[str, Any]] = []

    # ---------------------------------------------------------------- lifecycle
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    def start(self) -> BotAPIServer:
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(self._serve_conn, self.host, self.port)
                )
            except BaseException as exc:  # surfaced in the starting thread
                errors.append(exc)
                ready.set()
                loop.close()
                return
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name="botapi-emulator", daemon=True)
        self._thread.start()
        ready.wait(10)
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        loop, server = self._loop, self._server
        if loop is None or server is None or loop.is_closed():
            return

        async def shutdown() -> None:
            server.close()
            for task in list(self._conns):  # long polls would otherwise hold the loop open
                task.cancel()
            await asyncio.gather(*self._conns, return_exceptions=True)
            await server.wait_closed()

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread:
            self._thread.join(10)
        self._server = None

    def __enter__(self) -> BotAPIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> BotAPIServer:
        return self.start()

    async def __aexit__(self, *exc: object) -> None:
        self.stop()

    # ---------------------------------------------------------------- HTTP/1.1
    async def _serve_conn(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._conns.add(task)
        try:
            while True:  # keep-alive: httpx reuses pooled connections
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                verb, target, version = [*lines[0].split(" ", 2), "", ""][:3]
                headers = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                if headers.get("expect", "").lower() == "100-continue":
                    writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                if "chunked" in headers.get("transfer-encoding", "").lower():
                    body = await self._read_chunked(reader)
                else:
                    body = await reader.readexactly(int(headers.get("content-length") or 0))
                status, ctype, payload = await self._handle(verb, target, headers, body)
                close = headers.get("connection", "").lower() == "close" or version != "HTTP/1.1"
                writer.write(
                    f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
                    f"Content-Type: {ctype}\r\nContent-Length: {len(payload)}\r\n"
                    f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n".encode()
                    + payload
                )
                await writer.drain()
                if close:
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return  # the client went away, e.g. PTB cancelling a long poll on shutdown
        except asyncio.CancelledError:
            return  # stop(): end quietly, asyncio logs connection tasks that end cancelled
        finally:
            self._conns.discard(task)
            writer.close()

    @staticmethod
    async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
        body = b""
        while size := int((await reader.readline()).split(b";")[0].strip() or b"0", 16):
            body += await reader.readexactly(size)
            await reader.readline()
        await reader.readline()
        return body

    async def _handle(
        self, verb: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, str, bytes]:
        path = unquote(urlsplit(target).path)  # PTB percent-encodes the ":" of file URLs
        if path.startswith("/file/bot"):
            token, _, file_path = path[len("/file/bot") :].partition("/")
            with self._lock:
                found = [f for f in self._files.values() if f["file_path"] == file_path]
            if token == self.token and found:
                return 200, "application/octet-stream", found[0]["bytes"]
            return 404, "application/json", _dump(ApiError(404, "Not Found"))
        token, _, method = (
            path[len("/bot") :].partition("/") if path.startswith("/bot") else ("", "", "")
        )
        if token != self.token:
            return 401, "application/json", _dump(ApiError(401, "Unauthorized"))
        record: dict[str, Any] = {
            "method": method,
            "time": time.monotonic(),
            "chat_id": None,
            "params": {},
            "status": None,
        }
        with self._lock:
            self._requests.append(record)
        try:
            params, files = _parse_params(urlsplit(target).query, headers, body)
            record.update(chat_id=params.get("chat_id"), params=params)
            if self.response_delay:
                await asyncio.sleep(self.response_delay)
            self._precheck(method.lower(), params)
            handler = getattr(self, f"_m_{method.lower()}", None)
            if handler is None:
                raise ApiError(404, "Not Found")
            result = handler(params, files)
            if asyncio.iscoroutine(result):
                result = await result
            record["status"] = 200
            return 200, "application/json", _dump(result)
        except ApiError as err:
            record["status"] = err.code
            return err.code, "application/json", _dump(err)

    def _precheck(self, method: str, params: dict[str, Any]) -> None:
        """Injected failures, floods, blocked users and migrated groups, in that order."""
        chat_id = params.get("chat_id")
        with self._lock:
            for fail in self._failures:
                if fail["count"] > 0 and fail["method"] in ("*", method):
                    fail["count"] -= 1
                    raise ApiError(fail["status"], fail["description"])
            for flood in self._floods:
                if (
                    flood["count"] > 0
                    and method in flood["methods"]
                    and flood["chat_id"] in (None, chat_id)
                ):
                    flood["count"] -= 1
                    n = flood["retry_after"]
                    raise ApiError(429, f"Too Many Requests: retry after {n}", {"retry_after": n})
            if method in CHAT_BOUND and chat_id in self.migrated:
                raise bad_request(
                    "group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": self.migrated[chat_id]},
                )
            if method in CHAT_BOUND and chat_id in self.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")

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
    ) -> dict[str, Any]:
        """Inject a Message update as if ``user_id`` wrote ``text`` in ``chat_id``."""
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
                    origin["message_id"] = 1
                msg["forward_origin"] = origin
            self._push("message", msg)
            return copy.deepcopy(msg)

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

    def flood(
        self,
        chat_id: int | None = None,
        retry_after: int = 1,
        count: int = 1,
        methods: set[str] | None = None,
    ) -> None:
        """Answer the next ``count`` sending calls (to ``chat_id`` if given) with 429."""
        wanted = {m.lower() for m in methods} if methods else SENDING
        with self._lock:
            self._floods.append(
                {"chat_id": chat_id, "retry_after": retry_after, "count": count, "methods": wanted}
            )

    def fail_next(
        self, method: str = "*", status: int = 500, count: int = 1, description: str | None = None
    ) -> None:
        """Answer the next ``count`` calls of ``method`` ("*" = any) with an HTTP error."""
        with self._lock:
            self._failures.append(
                {
                    "method": method.lower(),
                    "status": status,
                    "count": count,
                    "description": description or _REASONS.get(status, "Internal Server Error"),
                }
            )

    # ---------------------------------------------------------------- inspection
    def sent_messages(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """What the bot sent (sendMessage/sendPhoto), current after edits, oldest first."""
        with self._lock:
            return copy.deepcopy([m for m in self._sent if chat_id in (None, m["chat_id"])])

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
            return copy.deepcopy(self._commands.get((_scope_key(scope), language_code), []))

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

    def _format(
        self, params: dict[str, Any], field: str, limit: int, too_long: str, required: bool
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

    @staticmethod
    def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if markup is not None and (error := inline_keyboard_error(markup)):
            raise bad_request(error)
        return markup

    # ---------------------------------------------------------------- Bot API methods
    # Each _m_<lowercased method> takes (params, files) and returns the "result" or raises ApiError.
    def _m_getme(self, p: dict[str, Any], f: Any) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _m_deletewebhook(self, p: dict[str, Any], f: Any) -> bool:
        if p.get("drop_pending_updates"):
            with self._lock:
                self._updates.clear()
        return True

    def _m_getwebhookinfo(self, p: dict[str, Any], f: Any) -> dict[str, Any]:
        with self._lock:
            return {
                "url": "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
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
                if self._allowed is None:
                    keep = [u for u in self._updates if not _OPT_IN_UPDATES & u.keys()]
                else:
                    keep = [u for u in self._updates if self._allowed & u.keys()]
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

    def _m_sendmessage(self, p: dict[str, Any], f: Any) -> dict[str, Any]:
        text, entities = self._format(p, "text", 4096, "message is too long", required=True)
        markup = self._markup(p)
        preview = p.get("link_preview_options")
        if preview is None and p.get("disable_web_page_preview") is not None:
            preview = {"is_disabled": bool(p["disable_web_page_preview"])}
        with self._lock:
            chat = self._chat_for(p.get("chat_id"))
            reply_to = self._reply_target(chat["id"], p)
            msg = self._new_message(chat, dict(self.bot_user), text=text)
            _set_optional(msg, entities=entities, reply_markup=markup, link_preview_options=preview)
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
        text, entities = self._format(p, "text", 4096, "message is too long", required=True)
        return self._edit(p, {"text": text, "entities": entities}, self._markup(p))

    def _m_editmessagereplymarkup(self, p: dict[str, Any], f: Any) -> dict[str, Any]:
        return self._edit(p, {}, self._markup(p))

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
                _set_optional(msg, entities=content["entities"])
            msg.pop("reply_markup", None)
            _set_optional(msg, reply_markup=markup)
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
        caption, entities = self._format(p, "caption", 1024, "message caption is too long", False)
        markup = self._markup(p)
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
            width, height = _png_size(data or b"")
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
            _set_optional(msg, caption=caption, caption_entities=entities, reply_markup=markup)
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
            self._commands[(_scope_key(p.get("scope")), p.get("language_code") or "")] = commands
        return True

    def _m_getmycommands(self, p: dict[str, Any], f: Any) -> list[Any]:
        return self.commands_for(p.get("scope"), p.get("language_code") or "")

    def _m_deletemycommands(self, p: dict[str, Any], f: Any) -> bool:
        with self._lock:
            self._commands.pop((_scope_key(p.get("scope")), p.get("language_code") or ""), None)
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


def _set_optional(target: dict[str, Any], **fields: Any) -> None:
    """Telegram omits empty optional fields from its JSON; so does the emulator."""
    target.update({k: v for k, v in fields.items() if v not in (None, "", [], {})})


def _png_size(data: bytes) -> tuple[int, int]:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 0, 0


def _scope_key(scope: dict[str, Any] | None) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


def _dump(value: Any) -> bytes:
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


def _parse_params(
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
