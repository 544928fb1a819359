"""The Bot API emulator's webhooks, driven by a real python-telegram-bot client and received by
a real HTTP server on 127.0.0.1; and the round-robin proxy that puts front-ends behind one URL."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from telegram import Bot, Update
from telegram.error import BadRequest, Conflict
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from tests.botapi import BotAPIServer
from tests.botapi.webhook import WEBHOOK_CONFLICT, delivery_key
from tests.round_robin import RoundRobinProxy

TOKEN = "123456:TEST-TOKEN"
SECRET = "s3cret_TOKEN-1"


class Receiver:
    """A webhook on 127.0.0.1 (http.server in threads). It records each POSTed update with its
    headers on arrival, answers ``respond(update)`` (default 200) and keeps the peak number of
    requests it was handling at once. GET answers its ``name`` (a round-robin backend)."""

    def __init__(self, respond: Callable[[dict[str, Any]], int] = lambda update: 200,
                 *, port: int = 0, name: str = "") -> None:
        self.respond, self.name = respond, name
        self.received: list[tuple[dict[str, Any], dict[str, str]]] = []
        self.in_flight = self.peak = 0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                update = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver._lock:
                    receiver.received.append((update, dict(self.headers)))
                    receiver.in_flight += 1
                    receiver.peak = max(receiver.peak, receiver.in_flight)
                try:
                    status = receiver.respond(update)
                finally:
                    with receiver._lock:
                        receiver.in_flight -= 1
                self.answer(status, b"")

            def do_GET(self) -> None:
                self.answer(200, receiver.name.encode())

            def answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, *args: Any) -> None:
                pass  # a client that timed out and hung up is part of the tests

        self.httpd = Server(("127.0.0.1", port), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def updates(self) -> list[dict[str, Any]]:
        with self._lock:
            return [update for update, _ in self.received]

    def texts(self, chat_id: int) -> list[str]:
        messages = [update["message"] for update in self.updates()]
        return [m["text"] for m in messages if m["chat"]["id"] == chat_id]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[BotAPIServer]:
    with BotAPIServer(TOKEN) as srv:
        srv.webhook_retry_initial, srv.webhook_retry_max = 0.05, 0.2  # quick retries
        yield srv


@pytest.fixture
async def bot(server: BotAPIServer) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=server.base_url) as b:
        yield b


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver()
    yield rec
    rec.close()


def free_port() -> int:
    """A loopback port nothing listens on (for now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"url": "ftp://127.0.0.1/hook"}, "An HTTPS URL must be provided"),
    ({"url": "https://example.com/hook"}, "loopback addresses only"),
    ({"url": "http://127.0.0.1:99999/hook"}, "Wrong port number"),
    ({"url": "http://127.0.0.1/h", "secret_token": "no spaces"}, "unallowed characters"),
    ({"url": "http://127.0.0.1/h", "secret_token": "a+b/c="}, "unallowed characters"),
    ({"url": "http://127.0.0.1/h", "secret_token": "a" * 257}, "secret token is too long"),
])
async def test_set_webhook_rejects_what_telegram_rejects(
    bot: Bot, kwargs: dict[str, Any], error: str
) -> None:
    with pytest.raises(BadRequest, match=f"(?i){error}"):
        await bot.set_webhook(**kwargs)
    assert (await bot.get_webhook_info()).url == ""  # nothing was set


async def test_webhook_info_clamps_max_connections_and_an_empty_url_deletes(bot: Bot) -> None:
    assert await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="a" * 256)
    info = await bot.get_webhook_info()
    assert (info.url, info.max_connections, info.pending_update_count) == (
        "http://127.0.0.1:9/hook", 40, 0)
    assert info.ip_address is None and not info.has_custom_certificate
    for asked, kept in ((0, 1), (500, 100), (7, 7)):
        await bot.set_webhook("http://localhost:9/hook", max_connections=asked)
        assert (await bot.get_webhook_info()).max_connections == kept
    await bot.set_webhook("")
    assert (await bot.get_webhook_info()).url == ""


async def test_get_updates_conflicts_while_a_webhook_is_set(
    server: BotAPIServer, bot: Bot
) -> None:
    parked = asyncio.create_task(bot.get_updates(timeout=5))
    await server.wait_for(lambda: any(r["method"] == "getUpdates" for r in server.requests))
    await bot.set_webhook(f"http://127.0.0.1:{free_port()}/hook")
    with pytest.raises(Conflict, match="terminated by setWebhook request"):
        await parked  # the long poll parked before the webhook ends at once
    with pytest.raises(Conflict) as conflict:
        await bot.get_updates()
    assert conflict.value.message == WEBHOOK_CONFLICT
    server.send_user_message(1, 1, "undelivered: nothing listens")
    await bot.delete_webhook()
    [update] = await bot.get_updates()  # works again, with what the webhook did not deliver
    assert update.message is not None and update.message.text == "undelivered: nothing listens"


async def test_updates_are_pushed_as_json_with_the_secret(
    server: BotAPIServer, bot: Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url("/hook?x=1"), secret_token=SECRET)
    sent = server.send_user_message(5, 7, "hello")
    await server.webhook_delivered()
    [(update, headers)] = receiver.received
    assert update == {"update_id": 1, "message": sent}
    assert headers["X-Telegram-Bot-Api-Secret-Token"] == SECRET
    assert headers["Content-Type"] == "application/json"
    assert (await bot.get_webhook_info()).pending_update_count == 0
    assert server.webhook_counts == {"attempted": 1, "delivered": 1, "retried": 0}
    await bot.set_webhook(receiver.url())  # no secret: no header
    server.send_user_message(5, 7, "again")
    await server.webhook_delivered()
    assert "X-Telegram-Bot-Api-Secret-Token" not in receiver.received[-1][1]


async def test_one_update_at_a_time_per_chat_while_chats_proceed_in_parallel(
    server: BotAPIServer, bot: Bot
) -> None:
    release_a = threading.Event()

    def respond(update: dict[str, Any]) -> int:
        if update["message"]["text"] == "a1":
            release_a.wait(5)  # chat A's first update stays unanswered until released
        return 200

    rec = Receiver(respond)
    try:
        await bot.set_webhook(rec.url())
        for chat, text in ((1, "a1"), (1, "a2"), (2, "b1"), (2, "b2"), (2, "b3")):
            server.send_user_message(chat, chat, text)
        await server.wait_for(lambda: rec.texts(2) == ["b1", "b2", "b3"])  # chat B is not held up
        assert rec.texts(1) == ["a1"]  # a2 waits for a1's answer
        release_a.set()
        await server.webhook_delivered()
        assert rec.texts(1) == ["a1", "a2"]
    finally:
        release_a.set()
        rec.close()


async def test_a_python_telegram_bot_webhook_server_receives_and_answers(
    server: BotAPIServer,
) -> None:
    """PTB's own webhook server (tornado) checks the secret and takes the pushed JSON."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    application = ApplicationBuilder().token(TOKEN).base_url(server.base_url).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    assert application.updater is not None
    port = free_port()
    async with application:
        await application.start()
        await application.updater.start_webhook(  # sets the webhook itself, with the secret
            listen="127.0.0.1", port=port, url_path="hook", secret_token=SECRET,
            webhook_url=f"http://127.0.0.1:{port}/hook")
        server.send_user_message(9, 9, "hi")
        [reply] = await server.wait_for(lambda: server.sent_messages(9))
        await application.updater.stop()
        await application.stop()
    assert reply["text"] == "echo: hi"
    assert server.webhook_counts["delivered"] == 1


def test_delivery_keys_order_by_chat_else_by_user() -> None:
    message = {"update_id": 1, "message": {"chat": {"id": -5}, "from": {"id": 9}}}
    callback = {"update_id": 2, "callback_query": {"from": {"id": 9}, "message": {}}}
    inline = {"update_id": 3, "inline_query": {"from": {"id": 8}, "query": "q"}}
    poll = {"update_id": 4, "poll": {"id": "p"}}
    assert [delivery_key(u) for u in (message, callback, inline, poll)] == [
        ("chat", -5), ("user", 9), ("user", 8), ("update", 4)]


async def test_max_connections_bounds_requests_in_flight(server: BotAPIServer, bot: Bot) -> None:
    def slow(update: dict[str, Any]) -> int:
        time.sleep(0.05)  # the bot's work: keeps requests in flight long enough to overlap
        return 200

    rec = Receiver(slow)
    try:
        await bot.set_webhook(rec.url(), max_connections=2)
        for chat in range(1, 7):
            for n in range(2):
                server.send_user_message(chat, chat, f"{chat}.{n}")
        await server.webhook_delivered()
        assert rec.peak == 2  # never more than 2, and 2 did overlap
        assert all(rec.texts(chat) == [f"{chat}.0", f"{chat}.1"] for chat in range(1, 7))
        assert server.webhook_counts["delivered"] == 12
    finally:
        rec.close()


async def test_error_answers_are_retried_until_delivered(server: BotAPIServer, bot: Bot) -> None:
    rec = Receiver(lambda update: 500 if len(rec.received) <= 2 else 200)
    try:
        await bot.set_webhook(rec.url())
        server.send_user_message(3, 3, "retry me")
        await server.webhook_delivered()
        assert rec.texts(3) == ["retry me"] * 3  # the same update until a 2xx
        assert server.webhook_counts == {"attempted": 3, "delivered": 1, "retried": 2}
        info = await bot.get_webhook_info()
        assert info.last_error_message == (
            "Wrong response from the webhook: 500 Internal Server Error")
        assert info.last_error_date is not None
    finally:
        rec.close()


async def test_a_refused_connection_is_retried_until_the_webhook_listens(
    server: BotAPIServer, bot: Bot
) -> None:
    port = free_port()
    await bot.set_webhook(f"http://127.0.0.1:{port}/hook")
    server.send_user_message(4, 4, "early")
    await server.wait_for(lambda: server.webhook_counts["retried"] >= 2)
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Connection refused" and info.pending_update_count == 1
    rec = Receiver(port=port)
    try:
        await server.webhook_delivered()
        assert rec.texts(4) == ["early"]
    finally:
        rec.close()


async def test_a_webhook_that_does_not_answer_in_time_is_retried(
    server: BotAPIServer, bot: Bot
) -> None:
    server.webhook_timeout = 0.3
    answered = threading.Event()

    def respond(update: dict[str, Any]) -> int:
        if len(rec.received) == 1:
            answered.wait(5)  # the first attempt gets no answer in time
        return 200

    rec = Receiver(respond)
    try:
        await bot.set_webhook(rec.url())
        server.send_user_message(6, 6, "slow")
        await server.webhook_delivered()
        assert rec.texts(6) == ["slow", "slow"]
        assert (await bot.get_webhook_info()).last_error_message == "Read timeout expired"
    finally:
        answered.set()
        rec.close()


async def test_drop_pending_updates_and_allowed_updates(
    server: BotAPIServer, bot: Bot, receiver: Receiver
) -> None:
    server.send_user_message(8, 8, "old 1")
    server.send_user_message(8, 8, "old 2")
    await bot.set_webhook(f"http://127.0.0.1:{free_port()}/hook")
    assert (await bot.get_webhook_info()).pending_update_count == 2
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()
    server.send_user_message(8, 8, "old 3")
    await bot.set_webhook(receiver.url(), drop_pending_updates=True, allowed_updates=["message"])
    assert (await bot.get_webhook_info()).allowed_updates == ("message",)
    sent = await bot.send_message(8, "pick")
    server.press_button(8, 8, sent.message_id, "data")  # not allowed: never delivered
    server.send_user_message(8, 8, "new")
    await server.webhook_delivered()
    assert receiver.texts(8) == ["new"]  # "old 3" was dropped, it would have come first


async def test_webhook_through_the_round_robin_proxy(server: BotAPIServer, bot: Bot) -> None:
    fronts = [Receiver(), Receiver()]
    try:
        async with RoundRobinProxy([("127.0.0.1", f.port) for f in fronts]) as proxy:
            await bot.set_webhook(f"{proxy.url}/hook", max_connections=4)
            for chat in range(1, 5):
                server.send_user_message(chat, chat, "hi")
            await server.webhook_delivered()
        assert [len(f.received) for f in fronts] == [2, 2] and proxy.answered == [2, 2]
    finally:
        for front in fronts:
            front.close()


def test_round_robin_alternates_fails_over_and_answers_502() -> None:
    backends = [Receiver(name="a"), Receiver(name="b")]
    try:
        with (RoundRobinProxy([("127.0.0.1", b.port) for b in backends]) as proxy,
              httpx.Client(base_url=proxy.url) as client):  # one keep-alive connection
            assert [client.get("/").text for _ in range(4)] == ["a", "b", "a", "b"]
            posted = client.post("/hook", json={"update_id": 1})
            assert posted.status_code == 200 and backends[0].updates() == [{"update_id": 1}]
            proxy.set_down(0)
            assert [client.get("/").text for _ in range(2)] == ["b", "b"]
            proxy.set_down(0, down=False)
            backends[1].close()  # refuses connections from now on: the next one takes over
            assert [client.get("/").text for _ in range(3)] == ["a", "a", "a"]
            assert proxy.refused[1] >= 1
            proxy.set_down(0)  # and nothing is left
            assert client.get("/").status_code == 502
    finally:
        for backend in backends:
            backend.close()


def test_round_robin_refuses_remote_backends_and_a_taken_port() -> None:
    with pytest.raises(ValueError, match=r"127\.0\.0\.1 only"):
        RoundRobinProxy([("10.0.0.1", 80)])
    with RoundRobinProxy([("127.0.0.1", free_port())]) as taken:
        with pytest.raises(OSError):
            RoundRobinProxy([("127.0.0.1", free_port())], port=taken.port).start()
        assert httpx.get(taken.url).status_code == 502  # the first still works
