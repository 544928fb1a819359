"""Held pastes behind the `Pastes` interface: the same scenarios against the in-process
assembler (`LocalPastes`) and the Redis one (`RedisPasteAssembler`, on the session's real
redis-server: marked slow, as in tests/test_shared_state.py); then what only sharing
shows, with two assemblers on two clients as two front-ends would have them. The rule's
time runs on a fake clock; real short windows only where a sweep has to run."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, Protocol

import pytest
from redis.asyncio import Redis

from bot.paste import LocalPastes, MessageData, Paste, PasteAssembler, Pastes, Piece
from bot.redis_state import RedisPasteAssembler, connect
from bot.redis_state.pastes import KEEP_SECONDS, SWEEP_GRACE, decode_paste, encode_paste
from tests.botapi.clients import split_like_client
from tests.e2e import eventually
from tests.paste_texts import bridge_article
from tests.test_paste import NEAR, SHORT, WINDOW, FakeTime

KINDS = ["memory", pytest.param("redis", marks=pytest.mark.slow)]
KEY = (1, 1)
Clients = Callable[[], Redis]


class MakePastes(Protocol):
    def __call__(self, *, window: float = WINDOW, max_pending: int = 1000,
                 max_chars: int = 100_000) -> Pastes[MessageData]: ...


@pytest.fixture
def time_() -> FakeTime:
    return FakeTime()


@pytest.fixture(params=KINDS)
def make(request: pytest.FixtureRequest, time_: FakeTime) -> MakePastes:
    """Assemblers of one kind on the fake clock; Redis ones each on a client of their own."""
    clients: Clients | None = (request.getfixturevalue("redis_clients")
                               if request.param == "redis" else None)

    def pastes(*, window: float = WINDOW, max_pending: int = 1000,
               max_chars: int = 100_000) -> Pastes[MessageData]:
        if clients is None:
            return LocalPastes(PasteAssembler(window=window, clock=time_.clock,
                                              sleep=time_.sleep, max_pending=max_pending,
                                              max_chars=max_chars))
        return RedisPasteAssembler(clients(), window=window, clock=time_.clock,
                                   sleep=time_.sleep, max_pending=max_pending,
                                   max_chars=max_chars)
    return pastes


def piece(text: str, message_id: int, at: float, origin: tuple[Any, ...] | None = None,
          links: tuple[str, ...] = ()) -> Piece[MessageData]:
    return Piece(text=text, message_id=message_id, at=at, origin=origin, links=links,
                 message={"message_id": message_id, "chat": {"id": 1, "type": "private"}})


def texts(pastes: list[Any]) -> list[str]:
    return [paste.text for paste in pastes]


# ------------------------------------------------------------------ the contract
async def test_a_short_message_is_answered_at_once(make: MakePastes) -> None:
    pastes = make()
    step = await pastes.add(KEY, piece(SHORT, 1, 100.0))
    assert not step.started and texts(step.ready) == [SHORT]
    assert await pastes.interrupt(KEY) == []  # nothing held


async def test_two_pieces_are_one_paste_replying_to_the_first(make: MakePastes) -> None:
    pastes = make()
    first = await pastes.add(KEY, piece(NEAR, 1, 100.0))
    assert first.started and not first.ready
    last = await pastes.add(KEY, piece(SHORT, 2, 101.0))
    [paste] = last.ready
    assert paste.text == NEAR.strip() + " " + SHORT  # a cut inside a paragraph: a space
    assert paste.first.message == {"message_id": 1, "chat": {"id": 1, "type": "private"}}
    assert await pastes.quiet(KEY) is None  # the wake-up finds it answered


async def test_three_pieces_in_any_arrival_order_are_the_text(make: MakePastes) -> None:
    text = bridge_article(18)
    parts = split_like_client(text, "desktop")
    assert len(parts) == 3
    pastes = make()
    await pastes.add(KEY, piece(parts[1], 2, 100.0))
    await pastes.add(KEY, piece(parts[0], 1, 100.1))
    [paste] = (await pastes.add(KEY, piece(parts[2], 3, 100.2))).ready
    assert paste.text == text  # blank lines restored between paragraphs
    assert paste.first.message is not None and paste.first.message["message_id"] == 1


async def test_a_lone_piece_is_answered_when_the_grown_window_has_passed(
        make: MakePastes, time_: FakeTime) -> None:
    pastes = make()
    await pastes.add(KEY, piece(NEAR, 1, 100.0))
    await pastes.add(KEY, piece(NEAR.replace("word", "term"), 2, 102.5))  # window: 105.5
    paste = await pastes.quiet(KEY)
    assert paste is not None and len(paste.pieces) == 2
    assert time_.now == pytest.approx(102.5 + WINDOW)
    assert await pastes.quiet(KEY) is None


async def test_text_after_the_window_is_a_request_of_its_own(make: MakePastes) -> None:
    pastes = make()
    await pastes.add(KEY, piece(NEAR, 1, 100.0))
    step = await pastes.add(KEY, piece(SHORT, 2, 100.0 + WINDOW + 1))  # before any wake-up
    assert texts(step.ready) == [NEAR.strip(), SHORT]


async def test_an_edited_piece_counts_once(make: MakePastes) -> None:
    pastes = make()
    await pastes.add(KEY, piece(NEAR, 1, 100.0))
    await pastes.add(KEY, piece(NEAR.replace("word", "term"), 1, 100.5))
    [paste] = (await pastes.add(KEY, piece(SHORT, 2, 101.0))).ready
    assert paste.text == NEAR.replace("word", "term").strip() + " " + SHORT


async def test_forwards_from_one_origin_join_and_another_starts_anew(make: MakePastes) -> None:
    pastes = make()
    channel, other = ("channel", -100), ("channel", -200)
    assert (await pastes.add(KEY, piece("Part one of the story.", 1, 100.0, channel))).started
    assert not (await pastes.add(KEY, piece("Part two.", 2, 100.2, channel))).ready
    step = await pastes.add(KEY, piece("Another channel's post.", 3, 100.4, other))
    assert step.started and texts(step.ready) == ["Part one of the story.\n\nPart two."]
    step = await pastes.add(KEY, piece(SHORT, 4, 100.6))  # typed: ends the forwarded run
    assert texts(step.ready) == ["Another channel's post.", SHORT]


async def test_a_request_for_links_completes_the_held_paste(make: MakePastes) -> None:
    pastes = make()
    await pastes.add(KEY, piece(NEAR, 1, 100.0, links=("https://a.example/",)))
    [paste] = await pastes.interrupt(KEY)
    assert paste.text == NEAR.strip() and paste.links == ("https://a.example/",)
    assert await pastes.interrupt(KEY) == [] and await pastes.quiet(KEY) is None


async def test_pastes_of_different_users_stay_apart(make: MakePastes) -> None:
    pastes = make()
    for key in [(1, 1), (1, 2), (2, 1)]:
        await pastes.add(key, piece(NEAR, 1, 100.0))
    [paste] = (await pastes.add((1, 2), piece(SHORT, 2, 100.5))).ready
    assert len(paste.pieces) == 2
    assert len(await pastes.interrupt((1, 1))) == len(await pastes.interrupt((2, 1))) == 1


async def test_a_paste_of_max_chars_is_answered_early(make: MakePastes) -> None:
    pastes = make(max_chars=10_000)
    await pastes.add(KEY, piece(NEAR, 1, 100.0))
    assert not (await pastes.add(KEY, piece(NEAR, 2, 100.1))).ready
    [paste] = (await pastes.add(KEY, piece(NEAR, 3, 100.2))).ready  # 10,500 characters
    assert len(paste.pieces) == 3 and await pastes.interrupt(KEY) == []


async def test_past_max_pending_the_oldest_paste_is_answered(make: MakePastes) -> None:
    pastes = make(max_pending=2)
    await pastes.add((1, 1), piece(NEAR, 1, 100.0))
    await pastes.add((2, 2), piece(NEAR, 2, 100.1))
    step = await pastes.add((3, 3), piece(NEAR, 3, 100.2))
    assert step.started and [p.first.message_id for p in step.ready] == [1]
    assert await pastes.interrupt((1, 1)) == []
    assert len(await pastes.interrupt((2, 2))) == len(await pastes.interrupt((3, 3))) == 1


# ------------------------------------------------------------------ shared by front-ends
def front_ends(redis_clients: Clients, time_: FakeTime | None = None, window: float = WINDOW,
               count: int = 2) -> list[RedisPasteAssembler]:
    clock: dict[str, Any] = {} if time_ is None else {"clock": time_.clock,
                                                      "sleep": time_.sleep}
    return [RedisPasteAssembler(redis_clients(), window=window, **clock)
            for _ in range(count)]


@pytest.mark.slow
async def test_pieces_on_two_front_ends_are_one_paste(redis_clients: Clients,
                                                      time_: FakeTime) -> None:
    one, two = front_ends(redis_clients, time_)
    assert (await one.add(KEY, piece(NEAR, 1, 100.0))).started
    [paste] = (await two.add(KEY, piece(SHORT, 2, 100.5))).ready
    assert [p.message_id for p in paste.pieces] == [1, 2]
    assert await one.quiet(KEY) is None  # one's wake-up: answered on two
    # Two near-limit pieces, one on each: either's wake-up takes both.
    await one.add(KEY, piece(NEAR, 3, 110.0))
    assert (await two.add(KEY, piece(NEAR, 4, 111.0))).started  # two wakes up as well
    paste_or_none = await asyncio.gather(two.quiet(KEY), one.quiet(KEY))
    [paste] = [p for p in paste_or_none if p is not None]
    assert [p.message_id for p in paste.pieces] == [3, 4]


@pytest.mark.slow
async def test_pieces_racing_on_two_front_ends_are_all_kept(redis_clients: Clients,
                                                            time_: FakeTime) -> None:
    """Adding is one transaction: concurrent pieces never overwrite each other."""
    fronts = front_ends(redis_clients, time_, count=4)
    await asyncio.gather(*[fronts[n % 4].add(KEY, piece(NEAR, n, 100.0 + n / 100))
                           for n in range(1, 21)])
    [paste] = (await fronts[0].add(KEY, piece(SHORT, 21, 100.5))).ready
    assert sorted(p.message_id for p in paste.pieces) == list(range(1, 22))


@pytest.mark.slow
async def test_a_paste_is_completed_by_exactly_one_front_end(redis_clients: Clients,
                                                             time_: FakeTime) -> None:
    one, two = front_ends(redis_clients, time_)
    keys = [(chat, chat) for chat in range(30)]
    for key in keys:
        await one.add(key, piece(NEAR, 1, 100.0))
    time_.now = 100.0 + WINDOW + SWEEP_GRACE + 1  # every wake-up and sweep may take them
    answers = await asyncio.gather(
        *[front.quiet(key) for key in keys for front in (one, two)],
        *[front.interrupt(key) for key in keys[::3] for front in (one, two)],
        one.overdue(), two.overdue(), one.overdue())
    taken = [a for answer in answers if answer
             for a in (answer if isinstance(answer, list) else [answer])]
    assert len(taken) == len(keys)  # each paste once, none lost


@pytest.mark.slow
async def test_a_dead_front_ends_paste_is_answered_once_by_anothers_sweep(
        redis_clients: Clients) -> None:
    window = 0.3
    one, two = front_ends(redis_clients, window=window)
    started = time.time()
    assert (await one.add(KEY, piece(NEAR, 1, started))).started
    # `one` dies: its wake-up never runs. `two` sweeps as the repeating job does.
    assert await two.overdue() == []  # within its window, the paste waits
    [paste] = await eventually(two.overdue, timeout=5)
    answered = time.time() - (started + window)
    assert SWEEP_GRACE <= answered <= SWEEP_GRACE + 1.0, answered
    assert paste.text == NEAR.strip()
    assert await two.overdue() == [] and await one.quiet(KEY) is None  # once only


@pytest.mark.slow
async def test_text_is_in_redis_only_while_its_paste_waits(redis_clients: Clients,
                                                           time_: FakeTime) -> None:
    client = redis_clients()
    [one] = front_ends(lambda: client, time_, count=1)
    await one.add(KEY, piece(NEAR, 1, 100.0))
    ttl = await client.pttl("breakdown:paste:1:1")
    assert 0 < ttl <= (WINDOW + KEEP_SECONDS) * 1000
    assert 0 < await client.pttl("breakdown:paste-due") <= (WINDOW + KEEP_SECONDS) * 1000
    await one.add(KEY, piece(SHORT, 2, 101.0))
    assert await client.keys("breakdown:paste*") == []
    await one.add(KEY, piece(NEAR, 3, 110.0))
    await client.delete("breakdown:paste:1:1")  # as if it had expired: the sweep tidies up
    time_.now = 200.0
    assert await one.overdue() == [] and await client.keys("breakdown:paste*") == []


def test_a_paste_survives_its_encoding() -> None:
    paste = Paste([piece("Post « one ».", 7, 1.5, ("hidden", "Ann"), ("https://a.example/",)),
                   piece(SHORT, 8, 2.0)], deadline=4.5, chars=70)
    restored = decode_paste(encode_paste(paste))
    assert restored == paste and restored.pieces[0].origin == ("hidden", "Ann")


async def test_a_sweep_without_redis_logs_and_waits_for_the_next(
        caplog: pytest.LogCaptureFixture) -> None:
    unreachable = connect("redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        assert await RedisPasteAssembler(unreachable, window=WINDOW).overdue() == []
    finally:
        await unreachable.aclose()
    assert "Redis unreachable" in caplog.text
