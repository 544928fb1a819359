"""The webhook front-end (`python -m bot serve`, handlers/webhook_server.py) end to end: two
real front-ends in this process, sharing the session's Redis and one PostgreSQL database,
answering the Bot API emulator; the test POSTs updates to them as Telegram would (the
emulator does not push webhooks itself). Then `serve` as a real process, stopped by
SIGTERM with an update in flight."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from bot.process_workers import ProcessWorkers
from bot.redis_state import RedisUpdateClaims, connect
from bot.settings import Settings
from handlers.webhook_commands import front_end
from handlers.webhook_server import HEALTH_PATH, SECRET_HEADER, WebhookFrontEnd
from tests.botapi.server import BotAPIServer
from tests.botproc import ROOT
from tests.e2e import eventually
from tests.pg_server import PostgresServer, fresh_database
from tests.servers import free_port

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.slow]

SECRET = "s3cret_token-for-tests"
PATH = "/telegram/updates"
HELP_TEXT = "How to use me"  # in /help's reply (handlers/private.py)
# Update ids of this module: far from the small ids of the claim contract tests.
_update_ids = itertools.count(700_000 + os.getpid() % 1000 * 1000)
_chat_ids = itertools.count(5_000)


@pytest.fixture(scope="module")
def shared_database(postgres_server: PostgresServer) -> Iterator[str]:
    """One database for the module's front-ends (as `postgres_url`, but module-wide)."""
    with fresh_database(postgres_server) as url:
        yield url


def front_end_settings(botapi: BotAPIServer, redis_url: str, database_url: str,
                       **values: Any) -> Settings:
    # A blank spaCy pipeline: these tests are about the front-end, and the workers start
    # in a second instead of loading a model.
    return Settings(telegram_bot_token=botapi.token, telegram_base_url=botapi.base_url,
                    redis_url=redis_url, database_url=database_url, webhook_secret=SECRET,
                    webhook_url=f"https://bot.example.org{PATH}", webhook_listen="127.0.0.1",
                    spacy_model="blank:en", telegram_retry_seconds=5, **values)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def front_ends(botapi: BotAPIServer, redis_url: str,
                     shared_database: str) -> AsyncIterator[list[WebhookFrontEnd]]:
    settings = front_end_settings(botapi, redis_url, shared_database)
    async with front_end(settings, ProcessWorkers.from_settings(settings, size=1),
                         port=free_port()) as first, \
            front_end(settings, ProcessWorkers.from_settings(settings, size=1),
                      port=free_port()) as second:
        yield [first, second]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


def url(server: WebhookFrontEnd, path: str = PATH) -> str:
    return f"http://127.0.0.1:{server.port}{path}"


def help_update(botapi: BotAPIServer) -> tuple[int, dict[str, Any]]:
    """A private chat's /help, shaped as the emulator (and Telegram) shapes updates."""
    chat_id = next(_chat_ids)
    botapi.add_chat(chat_id, "private")
    user = {"id": chat_id, "is_bot": False, "first_name": f"User{chat_id}"}
    message = {"message_id": 1, "date": int(time.time()), "from": user,
               "chat": {"id": chat_id, "type": "private", "first_name": user["first_name"]},
               "text": "/help", "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}
    return chat_id, {"update_id": next(_update_ids), "message": message}


async def post(http: httpx.AsyncClient, server: WebhookFrontEnd, update: Any, *,
               secret: str | None = SECRET) -> httpx.Response:
    headers = {} if secret is None else {SECRET_HEADER: secret}
    body = update if isinstance(update, bytes) else httpx.Request(
        "POST", "http://x", json=update).read()
    return await http.post(url(server), content=body,
                           headers={**headers, "Content-Type": "application/json"})


def help_replies(botapi: BotAPIServer, chat_id: int) -> list[dict[str, Any]]:
    return [m for m in botapi.sent_messages(chat_id) if HELP_TEXT in (m.get("text") or "")]


async def test_the_health_path_answers(http: httpx.AsyncClient,
                                       front_ends: list[WebhookFrontEnd]) -> None:
    answer = await http.get(url(front_ends[0], HEALTH_PATH))
    assert answer.status_code == 200


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x"])
async def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_sent(
        secret: str | None, http: httpx.AsyncClient, botapi: BotAPIServer,
        front_ends: list[WebhookFrontEnd]) -> None:
    chat_id, update = help_update(botapi)
    answer = await post(http, front_ends[0], update, secret=secret)
    assert answer.status_code == 403
    assert botapi.sent_messages(chat_id) == []
    # Nor was it claimed: the same update with the secret is handled.
    assert (await post(http, front_ends[0], update)).status_code == 200
    assert len(help_replies(botapi, chat_id)) == 1


@pytest.mark.parametrize(("body", "reason"), [
    (b"{not json", "body is not JSON"),
    (b"\xff\xfe", "body is not JSON"),
    (b"[1, 2]", "body is not a JSON object"),
    (b'{"message": {}}', "no update_id"),
    (b'{"update_id": "7"}', "no update_id"),
    (b'{"update_id": 7, "message": "hello"}', "a field does not parse"),
])
async def test_a_body_that_is_not_an_update_gets_400_and_a_reason(
        body: bytes, reason: str, http: httpx.AsyncClient,
        front_ends: list[WebhookFrontEnd]) -> None:
    answer = await post(http, front_ends[0], body)
    assert answer.status_code == 400 and reason in answer.text
    assert (await http.get(url(front_ends[0], HEALTH_PATH))).status_code == 200


async def test_an_update_is_answered_only_after_its_reply_was_sent(
        http: httpx.AsyncClient, botapi: BotAPIServer,
        front_ends: list[WebhookFrontEnd]) -> None:
    chat_id, update = help_update(botapi)
    answer = await post(http, front_ends[0], update)
    assert answer.status_code == 200
    assert len(help_replies(botapi, chat_id)) == 1  # already there: no waiting


async def test_an_update_posted_twice_is_handled_once(
        http: httpx.AsyncClient, botapi: BotAPIServer,
        front_ends: list[WebhookFrontEnd]) -> None:
    chat_id, update = help_update(botapi)
    together = await asyncio.gather(*[post(http, front_ends[0], update) for _ in range(3)])
    statuses = sorted(answer.status_code for answer in together)
    assert statuses[0] == 200 and set(statuses) <= {200, 503}  # 503: held, ask again later
    again = await post(http, front_ends[0], update)
    assert again.status_code == 200 and "already handled" in again.text
    assert len(help_replies(botapi, chat_id)) == 1


async def test_an_update_posted_to_two_front_ends_is_handled_once(
        http: httpx.AsyncClient, botapi: BotAPIServer,
        front_ends: list[WebhookFrontEnd]) -> None:
    for _ in range(5):
        chat_id, update = help_update(botapi)
        answers = await asyncio.gather(*[post(http, server, update) for server in front_ends])
        assert 200 in {answer.status_code for answer in answers}
        assert len(help_replies(botapi, chat_id)) == 1
    # Each took updates: the claim is shared, not the handling pinned to one front-end.
    for server in front_ends:
        chat_id, update = help_update(botapi)
        assert (await post(http, server, update)).status_code == 200
        assert len(help_replies(botapi, chat_id)) == 1


async def test_a_dead_front_ends_update_is_handled_once_its_lease_lapses(
        http: httpx.AsyncClient, botapi: BotAPIServer, redis_url: str,
        front_ends: list[WebhookFrontEnd]) -> None:
    chat_id, update = help_update(botapi)
    dead = connect(redis_url)
    try:  # it claimed the update (a lease of 1 s here), then died: never renewed nor done
        assert await RedisUpdateClaims(dead, claim_ttl=1.0).claim(update["update_id"])
    finally:
        await dead.aclose()
    claimed_at = time.monotonic()
    first = await post(http, front_ends[1], update)
    assert first.status_code == 503 and botapi.sent_messages(chat_id) == []

    async def redelivered() -> bool:  # Telegram asks again until it gets a 200
        return (await post(http, front_ends[1], update)).status_code == 200

    await eventually(redelivered, timeout=5)
    assert 0.9 <= time.monotonic() - claimed_at < 3
    assert len(help_replies(botapi, chat_id)) == 1


async def test_two_front_ends_keep_to_one_flood_limit_for_the_bot(
        http: httpx.AsyncClient, botapi: BotAPIServer,
        front_ends: list[WebhookFrontEnd]) -> None:
    """75 replies over two front-ends at Telegram's 30 a second for the bot: past two
    seconds (with a limit per front-end instead, they took half a second)."""
    helps = [help_update(botapi) for _ in range(75)]
    started = time.monotonic()
    answers = await asyncio.gather(*[post(http, front_ends[n % 2], update)
                                     for n, (_, update) in enumerate(helps)])
    assert {answer.status_code for answer in answers} == {200}
    assert time.monotonic() - started >= 2.0
    chats = {str(chat_id) for chat_id, _ in helps}
    arrivals = sorted(request["time"] for request in botapi.requests
                      if request["method"] == "sendMessage" and str(request["chat_id"]) in chats)
    assert len(arrivals) == 75
    assert sum(1 for at in arrivals if at < arrivals[0] + 0.8) <= 30


async def test_an_update_that_fails_outside_its_handlers_is_released_for_redelivery(
        http: httpx.AsyncClient, botapi: BotAPIServer, front_ends: list[WebhookFrontEnd],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Handler errors go to the error handler (the user is told); what escapes
    `process_update` itself (here: a stand-in failure) answers 500 and frees the update."""
    chat_id, update = help_update(botapi)
    application = front_ends[0].application

    async def broken(update: object) -> None:
        raise RuntimeError("stand-in: the application failed")

    with monkeypatch.context() as patch:
        patch.setattr(application, "process_update", broken)
        assert (await post(http, front_ends[0], update)).status_code == 500
    answer = await post(http, front_ends[1], update)  # Telegram's redelivery, at once
    assert answer.status_code == 200 and answer.text == "ok"
    assert len(help_replies(botapi, chat_id)) == 1


async def test_stopping_cancels_what_cannot_finish_in_time_and_releases_it(
        http: httpx.AsyncClient, botapi: BotAPIServer, redis_url: str,
        shared_database: str, front_ends: list[WebhookFrontEnd]) -> None:
    settings = front_end_settings(botapi, redis_url, shared_database)
    chat_id, update = help_update(botapi)
    async with front_end(settings, ProcessWorkers.from_settings(settings, size=1),
                         port=free_port()) as server:
        botapi.response_delay = 2.0  # the reply cannot be sent before the drain deadline
        try:
            posting = asyncio.create_task(post(http, server, update))
            await eventually(lambda: in_flight(server), timeout=10)
            await server.stop(drain_seconds=0.2)  # and again on leaving the block: no-op
            answer = await posting
        finally:
            botapi.response_delay = 0.0
    assert answer.status_code == 503 and "shutting down" in answer.text
    redelivery = await post(http, front_ends[0], update)  # released: no lease to wait out
    assert redelivery.status_code == 200 and redelivery.text == "ok"
    assert help_replies(botapi, chat_id)


async def in_flight(server: WebhookFrontEnd) -> bool:
    return server.in_flight > 0


# `serve` as a real process

def serve_env(botapi: BotAPIServer, redis_url: str, database_url: str,
              port: int) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": botapi.token, "TELEGRAM_BASE_URL": botapi.base_url,
            "REDIS_URL": redis_url, "DATABASE_URL": database_url,
            "WEBHOOK_SECRET": SECRET, "WEBHOOK_URL": f"https://bot.example.org{PATH}",
            "WEBHOOK_LISTEN": "127.0.0.1", "WEBHOOK_PORT": str(port),
            "ANALYSIS_WORKERS": "1", "SPACY_MODEL": "blank:en"}


async def test_serve_drains_an_update_in_flight_on_sigterm(
        http: httpx.AsyncClient, botapi: BotAPIServer, redis_url: str,
        shared_database: str, tmp_path: Path) -> None:
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve"], cwd=tmp_path,
                               env=serve_env(botapi, redis_url, shared_database, port),
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        async def healthy() -> bool:
            try:
                return (await http.get(base + HEALTH_PATH)).status_code == 200
            except httpx.TransportError:
                return False

        await eventually(healthy, timeout=60)
        chat_id, update = help_update(botapi)
        botapi.response_delay = 1.0  # the reply takes a second: the update is in flight
        try:
            posting = asyncio.create_task(http.post(base + PATH, json=update,
                                                    headers={SECRET_HEADER: SECRET}))

            async def replying() -> bool:  # the reply is on its way: the update is in flight
                return any(request["method"] == "sendMessage"
                           and str(request["chat_id"]) == str(chat_id)
                           for request in botapi.requests)

            await eventually(replying, timeout=10)
            os.kill(process.pid, signal.SIGTERM)
            answer = await posting
        finally:
            botapi.response_delay = 0.0
        assert answer.status_code == 200
        assert len(help_replies(botapi, chat_id)) == 1
        assert await asyncio.to_thread(process.wait, 30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()
    assert botapi.token.split(":", 1)[1] not in (tmp_path / "serve.log").read_text()
