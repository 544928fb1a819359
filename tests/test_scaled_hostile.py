"""The hostile-input catalogue (tests/test_hostile_inputs.py) played to both modes at once:
the embedded bots (long polling, SQLite, an in-process pool) and the scaled deployment
(tests/e2e.py `running_deployment`: two webhook front-ends behind a round-robin proxy per
bot, Redis, PostgreSQL, one real Celery worker node doing every extraction and analysis).
Every case must get the same replies in both (texts, entities, buttons but their random
tokens), and the scaled replies must be what the catalogue asks for.

As in the catalogue, a "strict" bot (the production address policy) and an "open" one (for
the hostile pages the site serves on loopback), each on its own emulator; both scaled ones
share the worker node's Redis database, so their emulators number updates apart (update
claims are keyed by update id). The cases run at once, a few at a time, not one by one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest
import pytest_asyncio

from tests.botapi.server import BotAPIServer
from tests.celery_node import WorkerNode
from tests.e2e import running_bot, running_deployment
from tests.parity import same_transcripts, worker_node_fixture
from tests.pg_server import PostgresServer, fresh_database
from tests.test_hostile_inputs import (
    CASES,
    Bots,
    Case,
    HostileSiteHandler,
    crashed,
    hostile_settings,
    judge,
    local_names_only,  # noqa: F401 (the catalogue's autouse fixture: no lookup leaves the host)
    serve_hostile_site,
)

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.slow]

HOSTILE_DB = 9  # the session Redis's database of this module (Celery's queue included)
AT_ONCE = 8  # cases in flight together: more would queue jobs past their time limits
SCALED_UPDATE_IDS = {"strict": 1, "open": 10_000_000}  # the scaled emulators', apart
TOKENS = {"strict": "111111:STRICT", "open": "222222:OPEN"}

node = worker_node_fixture(HOSTILE_DB)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def both_modes(node: WorkerNode, postgres_server: PostgresServer,
                     tmp_path_factory: pytest.TempPathFactory
                     ) -> AsyncIterator[tuple[Bots, Bots]]:
    """The embedded bots and the scaled ones, reading one hostile site."""
    servers = {(mode, which): BotAPIServer(
        TOKENS[which], first_update_id=SCALED_UPDATE_IDS[which] if mode == "scaled" else 1)
        .start() for mode in ("embedded", "scaled") for which in ("strict", "open")}
    starting = asyncio.create_task(asyncio.to_thread(node.start))
    try:
        async with AsyncExitStack() as stack:
            site, port = stack.enter_context(serve_hostile_site())
            for which in ("strict", "open"):
                await stack.enter_async_context(running_bot(
                    servers["embedded", which],
                    tmp_path_factory.mktemp(which) / "bot.sqlite3",
                    **hostile_settings(allow_private=which == "open")))
            await starting
            for which in ("strict", "open"):
                await stack.enter_async_context(running_deployment(
                    servers["scaled", which], redis_url=node.env["REDIS_URL"],
                    database_url=stack.enter_context(fresh_database(postgres_server)),
                    **hostile_settings(allow_private=which == "open")))
            yield (Bots(servers["embedded", "strict"], servers["embedded", "open"], site, port),
                   Bots(servers["scaled", "strict"], servers["scaled", "open"], site, port))
    finally:
        await asyncio.gather(starting, return_exceptions=True)
        for server in servers.values():
            server.stop()


async def play(case: Case, chat: int, bots: Bots) -> None:
    """Send `case` to `bots` and wait for a first reply."""
    server = bots.server(case.bot)
    case.send(server, chat, bots)
    await server.wait_for(lambda: server.sent_messages(chat), case.timeout)


async def test_the_catalogue_gets_the_same_replies_in_both_modes(
        both_modes: tuple[Bots, Bots], caplog: pytest.LogCaptureFixture) -> None:
    embedded, scaled = both_modes
    site_before = len(HostileSiteHandler.requests)
    slots = asyncio.Semaphore(AT_ONCE)
    differing: dict[str, str] = {}

    async def run(case: Case) -> None:
        async with slots:
            try:
                await asyncio.gather(play(case, chat_of(case), embedded),
                                     play(case, chat_of(case), scaled))
            except TimeoutError:
                differing[case.id] = "no reply in one mode or both"

    cases = [case for case in CASES if not case.bug]
    with caplog.at_level(logging.ERROR, logger="bot"):
        await asyncio.gather(*[run(case) for case in cases])
        # Every update answered 200, so handled: a second reply would be there by now.
        for server in (scaled.strict, scaled.open):
            await server.webhook_delivered(timeout=30)
        for case in cases:
            try:
                await same_transcripts(embedded.server(case.bot), scaled.server(case.bot),
                                       chat_of(case), timeout=5)
                judge(case, scaled.server(case.bot).sent_messages(chat_of(case)), scaled)
            except AssertionError as error:
                differing.setdefault(case.id, str(error)[:400])
    assert differing == {}
    sent = [m for bots in (embedded, scaled) for server in (bots.strict, bots.open)
            for m in server.sent_messages()]
    assert not crashed(sent, caplog.records)
    # No loopback link from the strict bots reached the site (the open ones read other pages).
    assert [path for path in HostileSiteHandler.requests[site_before:]
            if path.startswith("/article")] == []


def chat_of(case: Case) -> int:
    return 80_000 + CASES.index(case)
