"""The whole scaled deployment (tests/deployment.py) as real processes: the Bot API emulator
pushes a pasted article through a round-robin proxy to one of two `python -m bot serve`
front-ends, which hands the analysis to a `python -m bot worker` node through Redis; the
reply is the one `python -m bot run` gives (the same engine and renderer in this process)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.breakdown import Source, analyze
from bot.render.telegram import render_reply
from tests.article_site import seed_words
from tests.deployment import Deployment

pytestmark = pytest.mark.slow

ARTICLE = seed_words(800)
MARKER = "Who said what"  # in every breakdown reply (bench/bot_load.py)


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    with Deployment(front_ends=2, worker_nodes=1, concurrency=1) as running:
        yield running


def breakdown_requests(deployment: Deployment, chat: int) -> list[dict[str, Any]]:
    return [r for r in deployment.botapi.requests
            if r["method"] == "sendMessage" and str(r["chat_id"]) == str(chat)
            and MARKER in str(r["params"].get("text", ""))]


def test_a_pasted_article_gets_the_breakdown_of_the_single_process_bot(
        deployment: Deployment) -> None:
    botapi = deployment.botapi
    botapi.send_user_message(4001, 4001, ARTICLE)
    botapi.send_user_message(4002, 4002, "/help")  # the other front-end, in turn
    sent = botapi.wait_until(lambda: breakdown_requests(deployment, 4001), timeout=60)
    botapi.wait_delivered(timeout=10)
    expected = render_reply(analyze(ARTICLE, source=Source(kind="text")))
    assert [request["params"]["text"] for request in sent] == [expected]
    assert botapi.sent_messages(4002)  # /help answered too
    assert all(answered >= 1 for answered in deployment.proxy.answered)  # both front-ends
    assert all(front_end.alive() for front_end in deployment.front_ends)
