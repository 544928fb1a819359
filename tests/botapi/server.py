"""A small Telegram Bot API server emulator for end-to-end tests on 127.0.0.1.

The real bot (python-telegram-bot with ``base_url=server.base_url``) talks HTTP to it; the test
drives it from the user's side (``send_user_message``, ``press_button``) and inspects what the bot
did (``sent_messages``, ``chat_actions``, ...). It runs its own event loop in a daemon thread so
it works the same from sync and async tests.

``BotAPIServer`` is assembled from: ``wire`` (request decoding, answer encoding, ``ApiError``),
``state`` (chats, messages, updates, the test-side driver and inspection), ``methods`` (the Bot
API methods) and this module: lifecycle, HTTP/1.1 keep-alive connections, dispatch, and injected
faults: error answers (``fail_next``), floods (``flood``), a Bot API that times out (``stall``)
and one that is gone (``outage``), counted in ``faults`` (what they did in ``fault_effects``).
Inline mode (queries, answers, the user sending a chosen result) is in ``inline``, webhooks
(setWebhook and the delivery of updates to the bot's URL) in ``webhook``.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from .inline import InlineModeMethods
from .webhook import WebhookMethods
from .wire import (
    CHAT_BOUND,
    REASONS,
    SENDING,
    ApiError,
    bad_request,
    dump,
    parse_params,
    read_chunked,
)

__all__ = ["ApiError", "BotAPIServer"]

# BotAPIServer.faults counts injected faults, so their sum is "how many were injected": error
# answers of fail_next() ("http_error") and flood() ("flood"), stall() and outage() calls.
FAULT_KINDS = ("http_error", "flood", "stall", "outage")
# BotAPIServer.fault_effects counts what stalls and outages did: requests held unanswered and
# connections reset (open idle keep-alive connections included).
FAULT_EFFECTS = ("stalled_request", "aborted_connection")


class BotAPIServer(WebhookMethods, InlineModeMethods):
    """Emulated Bot API. Use as ``with BotAPIServer() as server:`` or start()/stop()."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        *,
        bot_username: str = "test_bot",
        host: str = "127.0.0.1",
        port: int = 0,
        first_update_id: int = 1,
    ) -> None:
        self.host, self.port = host, port
        self.first_update_id = first_update_id
        # Seconds slept before handling every request, to simulate latency. The request is still
        # processed after the sleep even if the client has given up meanwhile (a send that timed
        # out on the client's side is recorded anyway); stall() is the side-effect-free timeout.
        self.response_delay = 0.0
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None  # None while stopped or during an outage
        self._conns: dict[asyncio.Task[Any], asyncio.StreamWriter] = {}
        self._stall_until = 0.0  # time.monotonic() before which arriving requests are held
        self._outage_until = 0.0  # the loop's time at which an outage ends
        self._outage: asyncio.Task[None] | None = None  # waits an outage out, then listens
        super().__init__(token, bot_username)

    def reset(self) -> None:
        """Forget all chats, messages, updates and logs, pending floods and failures, and the
        fault counters (the server keeps running; a stall or outage in progress goes on)."""
        with self._lock:
            super().reset()
            self._floods: list[dict[str, Any]] = []
            self._failures: list[dict[str, Any]] = []
            self.faults: dict[str, int] = dict.fromkeys(FAULT_KINDS, 0)
            self.fault_effects: dict[str, int] = dict.fromkeys(FAULT_EFFECTS, 0)

    # ---------------------------------------------------------------- lifecycle
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    @property
    def running(self) -> bool:
        loop, thread = self._loop, self._thread
        return loop is not None and not loop.is_closed() and bool(thread and thread.is_alive())

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
        loop, thread = self._loop, self._thread
        if loop is None or thread is None or not self.running:
            return

        async def shutdown() -> None:
            server, self._server = self._server, None
            if server is not None:
                server.close()
            tasks = [*self._conns, *([self._outage] if self._outage else [])]
            tasks += self._webhook_workers.values()
            for task in tasks:  # long polls and deliveries would otherwise hold the loop open
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if server is not None:
                await server.wait_closed()

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)

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
        if self._outage is not None:  # accepted just before the listener closed
            _abort(writer)
            return
        self._conns[task] = writer
        try:
            while True:  # keep-alive: httpx reuses pooled connections
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                stalled = time.monotonic() < self._stall_until
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
                    body = await read_chunked(reader)
                else:
                    body = await reader.readexactly(int(headers.get("content-length") or 0))
                if stalled:
                    with self._lock:
                        self.fault_effects["stalled_request"] += 1
                    await self._hold(reader)
                    return  # closed without an answer
                status, ctype, payload = await self._handle(verb, target, headers, body)
                close = headers.get("connection", "").lower() == "close" or version != "HTTP/1.1"
                writer.write(
                    f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\n"
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
            return  # stop() / outage(): end quietly, asyncio logs tasks that end cancelled
        finally:
            self._conns.pop(task, None)
            writer.close()

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
            return 404, "application/json", dump(ApiError(404, "Not Found"))
        token, _, method = (
            path[len("/bot") :].partition("/") if path.startswith("/bot") else ("", "", "")
        )
        if token != self.token:
            return 401, "application/json", dump(ApiError(401, "Unauthorized"))
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
            params, files = parse_params(urlsplit(target).query, headers, body)
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
            return 200, "application/json", dump(result)
        except ApiError as err:
            record["status"] = err.code
            return err.code, "application/json", dump(err)

    def _precheck(self, method: str, params: dict[str, Any]) -> None:
        """Injected failures, floods, blocked users and migrated groups, in that order."""
        chat_id = params.get("chat_id")
        with self._lock:
            for fail in self._failures:
                if fail["count"] > 0 and fail["method"] in ("*", method):
                    fail["count"] -= 1
                    self.faults["http_error"] += 1
                    raise ApiError(fail["status"], fail["description"])
            for flood in self._floods:
                if (
                    flood["count"] > 0
                    and method in flood["methods"]
                    and flood["chat_id"] in (None, chat_id)
                ):
                    flood["count"] -= 1
                    self.faults["flood"] += 1
                    n = flood["retry_after"]
                    raise ApiError(429, f"Too Many Requests: retry after {n}", {"retry_after": n})
            if method in CHAT_BOUND and chat_id in self.migrated:
                raise bad_request(
                    "group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": self.migrated[chat_id]},
                )
            if method in CHAT_BOUND and chat_id in self.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")

    # ---------------------------------------------------------------- injected faults
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
                    "description": description or REASONS.get(status, "Internal Server Error"),
                }
            )

    def stall(self, seconds: float) -> None:
        """Hold every request arriving in the next ``seconds`` unanswered; returns at once.

        A held request is not processed at all: no state changes, nothing is recorded (not even
        in ``requests``). It waits until its client gives up or the window ends, then its
        connection is closed without an answer, so the client sees a timeout or a dropped
        connection and its retry cannot produce a duplicate. Requests already being handled
        (such as a parked long poll) are not affected. A call during a stall extends the window
        to end no earlier than ``seconds`` from now.
        """
        with self._lock:
            self._stall_until = max(self._stall_until, time.monotonic() + seconds)
            self.faults["stall"] += 1

    async def _hold(self, reader: asyncio.StreamReader) -> None:
        """Keep a stalled request unanswered until the client hangs up or the stall is over."""
        while (left := self._stall_until - time.monotonic()) > 0:
            with contextlib.suppress(TimeoutError):
                if not await asyncio.wait_for(reader.read(65536), left):
                    return  # the client gave up

    @property
    def down(self) -> bool:
        """True during an ``outage()``: nothing listens on the port."""
        return self._outage is not None

    def outage(self, seconds: float) -> None:
        """Make the server disappear for ``seconds``; returns as soon as it is gone.

        The listening socket is closed and every open connection, parked long polls included,
        is reset, so clients get "connection refused" / "connection reset by peer". Afterwards
        the server listens on the same port again with all state kept (chats, unconfirmed
        updates, sent messages). A call during an outage extends it to end no earlier than
        ``seconds`` from now. Raises RuntimeError if the server is not running.
        """
        self._on_loop(lambda: self._go_down(seconds))

    def _go_down(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        with self._lock:
            self.faults["outage"] += 1
            self._outage_until = max(self._outage_until, loop.time() + seconds)
            if self._outage is not None:
                return  # already down: the running outage now lasts longer
            self.fault_effects["aborted_connection"] += len(self._conns)
        server, self._server = self._server, None
        if server is not None:
            server.close()  # closes the listening socket at once; connections stay open
        for task, writer in list(self._conns.items()):
            _abort(writer)
            task.cancel()
        self._outage = loop.create_task(self._come_back())

    async def _come_back(self) -> None:
        """Wait the outage out (it may be extended meanwhile), then listen on the same port."""
        loop = asyncio.get_running_loop()
        try:
            while (left := self._outage_until - loop.time()) > 0:
                await asyncio.sleep(left)
            while True:
                try:
                    self._server = await asyncio.start_server(
                        self._serve_conn, self.host, self.port
                    )
                    return
                except OSError:  # the port is not free again yet
                    await asyncio.sleep(0.05)
        finally:
            self._outage = None

    def _on_loop(self, func: Callable[[], None]) -> None:
        """Run ``func`` on the server's loop and wait for it (directly if already there)."""
        loop = self._loop
        if loop is None or not self.running:
            raise RuntimeError("the Bot API emulator is not running")
        if threading.current_thread() is self._thread:
            func()
            return

        async def call() -> None:
            func()

        asyncio.run_coroutine_threadsafe(call(), loop).result(10)


def _abort(writer: asyncio.StreamWriter) -> None:
    """Drop a connection with a TCP reset, the way a crashed server's kernel would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
