"""The scaled deployment answers as the embedded bot does, and its front-ends act as one.

Two bots with the same settings, each on its own Bot API emulator: the embedded one
(tests/e2e.py `running_bot`: long polling, SQLite, an in-process pool) and the scaled one
(`running_deployment`: two webhook front-ends in this process behind a round-robin proxy,
the emulator pushing updates to it with the secret, Redis, PostgreSQL, and one real Celery
worker node, a child process, doing every analysis and extraction). Each scenario of the
end-to-end tests is played to both at once and their replies compared exactly (texts,
entities, buttons; only buttons' random tokens are normalised). Then what only several
front-ends can get wrong: an update posted to both, a rate limit counted across them, a
button pressed on the other front-end than the one that made the breakdown.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from functools import partial
from typing import Any

import httpx
import pytest
import pytest_asyncio

from handlers.webhook_server import SECRET_HEADER
from tests.article_site import SEED, TITLE
from tests.botapi.server import BotAPIServer
from tests.celery_node import WorkerNode
from tests.e2e import (
    WEBHOOK_PATH,
    WEBHOOK_SECRET,
    Deployment,
    buttons_of,
    replies,
    running_bot,
    running_deployment,
    wait_reply,
)
from tests.parity import same_transcripts, worker_node_fixture
from tests.paste_texts import FIRST_SPEAKER, LAST_SPEAKER, bridge_article
from tests.pg_server import PostgresServer, fresh_database

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.slow]

PARITY_DB = 8  # the session Redis's database of this module (Celery's queue included)
RATE_LIMIT = 10
SETTINGS: dict[str, Any] = {"user_rate_limit": RATE_LIMIT, "group_cooldown_seconds": 60,
            "paste_wait_seconds": 1.5, "group_notice_delay_seconds": 0.5}
BREAKDOWN = "Who said what"
RATE_LIMITED = "please wait a moment"
# Updates the tests post themselves: far above the emulators' own update ids.
_posted_update_ids = itertools.count(900_000_000)


@dataclass
class Modes:
    embedded: BotAPIServer
    scaled: BotAPIServer
    deployment: Deployment


node = worker_node_fixture(PARITY_DB)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def modes(site: str, node: WorkerNode,
                postgres_server: PostgresServer,
                tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Modes]:
    embedded, scaled = BotAPIServer(), BotAPIServer()
    for server in (embedded, scaled):
        server.inline_mode = True  # /setinline in @BotFather
        server.start()
    starting = asyncio.create_task(asyncio.to_thread(node.start))
    try:
        async with AsyncExitStack() as stack:
            database = stack.enter_context(fresh_database(postgres_server))
            await stack.enter_async_context(running_bot(
                embedded, tmp_path_factory.mktemp("embedded") / "bot.sqlite3", **SETTINGS))
            await starting
            deployment = await stack.enter_async_context(running_deployment(
                scaled, redis_url=node.env["REDIS_URL"], database_url=database, **SETTINGS))
            yield Modes(embedded, scaled, deployment)
    finally:
        await asyncio.gather(starting, return_exceptions=True)
        embedded.stop()
        scaled.stop()


# ------------------------------------------------------------------ the same replies

Scenario = Callable[[BotAPIServer, int, str], Awaitable[None]]


async def text_paste(server: BotAPIServer, chat: int, site: str) -> None:
    server.send_user_message(chat, chat, SEED)
    await wait_reply(server, chat, "James Jeffrey", timeout=60)


async def long_paste_in_pieces(server: BotAPIServer, chat: int, site: str) -> None:
    pieces = server.send_user_paste(chat, chat, bridge_article(12), client="desktop")
    assert len(pieces) == 2
    reply = await wait_reply(server, chat, BREAKDOWN, timeout=60)
    assert FIRST_SPEAKER in reply["text"] and LAST_SPEAKER in reply["text"]


async def link(server: BotAPIServer, chat: int, site: str) -> None:
    server.send_user_message(chat, chat, f"Look at this {site}/article?id=parity please")
    await wait_reply(server, chat, TITLE)


async def buttons_expand(server: BotAPIServer, chat: int, site: str) -> None:
    server.send_user_message(chat, chat, SEED)
    reply = await wait_reply(server, chat, "James Jeffrey", timeout=60)
    data = dict(buttons_of(reply))
    server.press_button(chat, chat, reply["message_id"], data["All quotes"])
    await wait_reply(server, chat, "All quotes", timeout=30)
    server.press_button(chat, chat, reply["message_id"], data["Timeline"])
    await server.wait_for(lambda: len(server.sent_messages(chat)) > 2, 30)


async def group_breakdown(server: BotAPIServer, chat: int, site: str) -> None:
    server.add_chat(chat, "group", admins=[chat + 1])
    posted = server.send_user_message(chat, chat + 2, f"{site}/article?id=group",
                                      chat_type="group")
    server.send_user_message(chat, chat + 2, "/breakdown", chat_type="group",
                             reply_to=posted["message_id"])
    assert (await wait_reply(server, chat, TITLE))["reply_to"] == posted["message_id"]


async def auto_burst(server: BotAPIServer, chat: int, site: str) -> None:
    """/auto on, then a burst of links: one breakdown, one notice for the links skipped."""
    admin, poster = chat + 1, chat + 2
    server.add_chat(chat, "supergroup", admins=[admin])
    server.send_user_message(chat, admin, "/auto on", chat_type="supergroup")
    await wait_reply(server, chat, "Automatic breakdowns are on")
    for n in range(5):
        server.send_user_message(chat, poster, f"{site}/article?burst={n}",
                                 chat_type="supergroup")
    await wait_reply(server, chat, TITLE)
    await wait_reply(server, chat, "Skipped")
    await asyncio.sleep(1.5)  # three notice delays: a second notice, or an edit, comes
    # One more in the window, on the other front-end than the last link's: the notice is
    # edited to the new count, not sent again.
    server.send_user_message(chat, poster, f"{site}/article?burst=late", chat_type="supergroup")
    await wait_reply(server, chat, "Skipped 5 links")
    await asyncio.sleep(1.5)


async def commands(server: BotAPIServer, chat: int, site: str) -> None:
    for command, answer in [("/help", "How to use me"), ("/start", "Hi!"),
                            ("/nonsense", "I don't know that command")]:
        server.send_user_message(chat, chat, command)
        await wait_reply(server, chat, answer)


async def bad_input(server: BotAPIServer, chat: int, site: str) -> None:
    for sent, answer in [("hello there", "Send me a link"),
                         ("http://999.999.999.999/", "doesn't look like a web link"),
                         (f"{site}/missing", "error 404")]:
        server.send_user_message(chat, chat, sent)
        await wait_reply(server, chat, answer)


async def rate_limit(server: BotAPIServer, chat: int, site: str) -> None:
    for _ in range(RATE_LIMIT + 1):
        server.send_user_message(chat, chat, f"{site}/article?id=rate-limit")
    await wait_reply(server, chat, RATE_LIMITED)
    await server.wait_for(lambda: len(server.sent_messages(chat)) == RATE_LIMIT + 1, 30)


SCENARIOS: dict[str, tuple[Scenario, bool]] = {  # name: (scenario, replies in order)
    "text-paste": (text_paste, True),
    "long-paste-in-pieces": (long_paste_in_pieces, True),
    "link": (link, True),
    "buttons-expand": (buttons_expand, True),
    "group-breakdown": (group_breakdown, True),
    "auto-burst": (auto_burst, False),  # the burst's links are handled at once
    "commands": (commands, True),
    "bad-input": (bad_input, True),
    "rate-limit": (rate_limit, False),  # handled at once in the embedded bot
}


@pytest.mark.parametrize("name", SCENARIOS)
async def test_both_modes_reply_alike(name: str, modes: Modes, site: str) -> None:
    scenario, ordered = SCENARIOS[name]
    chat = 10_000 + 100 * list(SCENARIOS).index(name)
    if name in ("group-breakdown", "auto-burst"):
        chat = -chat
    await modes.scaled.webhook_delivered(timeout=30)  # the proxy counts this test's only
    answered = list(modes.deployment.proxy.answered)
    await asyncio.gather(scenario(modes.embedded, chat, site),
                         scenario(modes.scaled, chat, site))
    assert await same_transcripts(modes.embedded, modes.scaled, chat, ordered=ordered)
    # A reply is sent before its update is answered (and counted by the proxy).
    await modes.scaled.webhook_delivered(timeout=30)
    # The updates went round the front-ends: with two or more, each handled some (a
    # paste's two pieces, one each).
    taken = [now - before for now, before in zip(modes.deployment.proxy.answered, answered,
                                                 strict=True)]
    assert sum(taken) >= 1 and (sum(taken) == 1 or min(taken) >= 1), taken


# ------------------------------------------------------------------ across front-ends

def text_update(chat: int, text: str) -> dict[str, object]:
    user = {"id": chat, "is_bot": False, "first_name": f"User{chat}"}
    message = {"message_id": 1, "date": int(time.time()), "from": user,
               "chat": {"id": chat, "type": "private", "first_name": user["first_name"]},
               "text": text}
    return {"update_id": next(_posted_update_ids), "message": message}


async def test_an_update_posted_to_both_front_ends_gets_one_reply(modes: Modes) -> None:
    chat = 20_001
    modes.scaled.add_chat(chat, "private")
    update = text_update(chat, SEED)  # an analysis: both are handling it at the same time
    async with httpx.AsyncClient(timeout=60) as http:
        answers = await asyncio.gather(*[
            http.post(f"http://127.0.0.1:{server.port}{WEBHOOK_PATH}", json=update,
                      headers={SECRET_HEADER: WEBHOOK_SECRET})
            for server in modes.deployment.front_ends])
    assert sorted(answer.status_code for answer in answers) in ([200, 200], [200, 503])
    await wait_reply(modes.scaled, chat, "James Jeffrey", timeout=60)
    await modes.scaled.wait_for(lambda: len(modes.scaled.sent_messages(chat)) == 1, 5)
    assert len(modes.scaled.sent_messages(chat)) == 1


def replied_more_than(server: BotAPIServer, chat: int, count: int) -> bool:
    return len(server.sent_messages(chat)) > count


async def test_the_rate_limit_counts_requests_on_every_front_end(modes: Modes,
                                                                site: str) -> None:
    chat = 20_002
    await modes.scaled.webhook_delivered(timeout=30)
    answered = list(modes.deployment.proxy.answered)
    for n in range(RATE_LIMIT + 1):  # one at a time: the 11th is the one refused
        modes.scaled.send_user_message(chat, chat, f"{site}/article?id=across-{n}")
        await modes.scaled.wait_for(partial(replied_more_than, modes.scaled, chat, n), 30)
    await modes.scaled.webhook_delivered(timeout=30)
    texts = [m["text"] for m in modes.scaled.sent_messages(chat)]
    assert all(TITLE in text for text in texts[:RATE_LIMIT])
    assert RATE_LIMITED in texts[RATE_LIMIT] and len(texts) == RATE_LIMIT + 1
    spread = [now - before for now, before in zip(modes.deployment.proxy.answered, answered,
                                                  strict=True)]
    assert min(spread) >= RATE_LIMIT // 2, spread  # round robin: both counted for one user


async def on_the_other_front_end(deployment: Deployment, server: BotAPIServer,
                                 send: Callable[[], object]) -> int:
    """Sends one update (`send()`) through the proxy and returns which front-end took it."""
    await server.webhook_delivered(timeout=30)  # no earlier update still on its way
    answered = list(deployment.proxy.answered)
    send()
    await server.webhook_delivered(timeout=60)
    [taker] = [index for index, (now, before) in enumerate(zip(
        deployment.proxy.answered, answered, strict=True)) if now > before]
    return taker


async def test_a_button_works_on_the_front_end_that_did_not_make_the_breakdown(
        modes: Modes, site: str) -> None:
    chat, deployment, server = 20_003, modes.deployment, modes.scaled
    maker = await on_the_other_front_end(
        deployment, server, lambda: server.send_user_message(chat, chat, SEED))
    reply = await wait_reply(server, chat, "James Jeffrey")
    deployment.proxy.set_down(maker)  # the press must reach the other one
    try:
        presser = await on_the_other_front_end(deployment, server, lambda: server.press_button(
            chat, chat, reply["message_id"], dict(buttons_of(reply))["All quotes"]))
    finally:
        deployment.proxy.set_down(maker, False)
    assert presser != maker
    expanded = await wait_reply(server, chat, "All quotes")
    assert "Mark Lowcock" in expanded["text"]


async def test_a_link_button_works_on_the_other_front_end(modes: Modes, site: str) -> None:
    chat, deployment, server = 20_004, modes.deployment, modes.scaled
    article = SEED + f"\n\nRead more: {site}/article?id=linked"
    maker = await on_the_other_front_end(
        deployment, server, lambda: server.send_user_message(chat, chat, article))
    reply = await wait_reply(server, chat, "James Jeffrey")
    deployment.proxy.set_down(maker)
    try:
        await on_the_other_front_end(deployment, server, lambda: server.press_button(
            chat, chat, reply["message_id"], dict(buttons_of(reply))[
                "🔗 Break down the linked page"]))
    finally:
        deployment.proxy.set_down(maker, False)
    await wait_reply(server, chat, TITLE)
    assert not replies(server, chat, "expired")


async def test_an_inline_cards_deep_link_opens_on_the_other_front_end(modes: Modes,
                                                                    site: str) -> None:
    """The card's "open in the bot" token is the store's: /start finds it anywhere."""
    user, deployment, server = 20_005, modes.deployment, modes.scaled
    url = f"{site}/article?id=inline"
    asked: dict[str, Any] = {}
    maker = await on_the_other_front_end(deployment, server, lambda: asked.update(
        server.send_inline_query(user, url, chat_type="supergroup")))
    answer = await server.wait_for(lambda: server.inline_answer(asked["id"]), 30)
    parameter = answer["button"]["start_parameter"]
    assert parameter.startswith("bd-") and answer["results"][0]["title"] == TITLE
    deployment.proxy.set_down(maker)
    try:
        await on_the_other_front_end(deployment, server, lambda: server.send_user_message(
            user, user, f"/start {parameter}"))
    finally:
        deployment.proxy.set_down(maker, False)
    reply = await wait_reply(server, user, TITLE)
    assert "James Jeffrey" in reply["text"] and reply["reply_markup"]
