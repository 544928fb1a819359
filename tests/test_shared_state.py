"""The state front-ends share: the per-user rate limit (a sliding 60-second window per
user), button memory and update claims. Each contract runs against the in-process version
(bot/rate_limit.py, bot/token_memory.py, bot/update_claims.py) and the Redis one
(bot/redis_state, on a real redis-server of the session: marked slow); then what only
sharing can show, through two clients as two front-ends would use."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st
from redis.asyncio import Redis

from bot.breakdown import Breakdown, Claim, KeyDate, Quote, Source
from bot.paste import LocalPastes
from bot.rate_limit import RateLimiter, UserRateLimit
from bot.redis_state import (
    RedisBreakdownMemory,
    RedisLinkMemory,
    RedisPasteAssembler,
    RedisRateLimiter,
    RedisUpdateClaims,
)
from bot.redis_state.token_memory import decode_breakdown, encode_breakdown
from bot.settings import Settings, SettingsError
from bot.shared_state import open_shared_state
from bot.token_memory import BreakdownMemory, ButtonMemory, TokenMemory
from bot.update_claims import (
    CLAIM_SECONDS,
    RENEW_SECONDS,
    LocalUpdateClaims,
    UpdateClaims,
    leased,
)

T = TypeVar("T")
KINDS = ["memory", pytest.param("redis", marks=pytest.mark.slow)]
Clients = Callable[[], Redis]


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def clients(kind: str, request: pytest.FixtureRequest) -> Clients | None:
    """Redis clients for the Redis kind (its server starts only for it), else None."""
    return request.getfixturevalue("redis_clients") if kind == "redis" else None


async def kept(memory: ButtonMemory[T], item: T) -> str:
    """The token `memory` gives `item` (None only when it cannot reach its store)."""
    token = await memory.remember(item)
    assert token is not None
    return token


def limiter(clients: Clients | None, limit: int, window: float = 60.0) -> UserRateLimit:
    if clients is None:
        return RateLimiter(limit, window=window)
    return RedisRateLimiter(clients(), limit, window)


def breakdown_memory(clients: Clients | None) -> ButtonMemory[Breakdown]:
    return BreakdownMemory() if clients is None else RedisBreakdownMemory(clients())


def link_memory(clients: Clients | None) -> ButtonMemory[str]:
    return TokenMemory() if clients is None else RedisLinkMemory(clients())


def update_claims(clients: Clients | None, claim_ttl: float = CLAIM_SECONDS) -> UpdateClaims:
    if clients is None:
        return LocalUpdateClaims(claim_ttl=claim_ttl)
    return RedisUpdateClaims(clients(), claim_ttl=claim_ttl)


# The rate limit

async def test_the_limit_holds_within_the_window_and_frees_up_after_it(
        clients: Clients | None) -> None:
    limit = limiter(clients, 2)
    assert await limit.allow(1, now=0.0) and await limit.allow(1, now=10.0)
    assert not await limit.allow(1, now=59.0)  # a refusal does not use up a slot
    assert await limit.allow(1, now=60.0)  # the first request has left the window
    assert not await limit.allow(1, now=69.0)
    assert await limit.allow(1, now=70.0)


async def test_users_are_limited_apart(clients: Clients | None) -> None:
    limit = limiter(clients, 1)
    assert await limit.allow(1, now=0.0) and await limit.allow(2, now=0.0)
    assert not await limit.allow(1, now=1.0) and not await limit.allow(2, now=1.0)


async def test_the_limit_holds_on_the_clock(clients: Clients | None) -> None:
    """Without `now`: the process's clock in memory, Redis's own clock in Redis."""
    limit = limiter(clients, 3, window=0.5)
    assert [await limit.allow(7) for _ in range(4)] == [True, True, True, False]
    await asyncio.sleep(0.6)
    assert await limit.allow(7)


# Button memory

async def test_a_remembered_breakdown_is_recalled(clients: Clients | None) -> None:
    memory = breakdown_memory(clients)
    token = await kept(memory, SAMPLE)
    recalled = await memory.recall(token)
    assert recalled == SAMPLE
    assert recalled is not None and recalled.source.published_reliable is False
    assert await memory.recall("unknown") is None


async def test_a_remembered_link_is_recalled_by_a_short_token(clients: Clients | None) -> None:
    memory = link_memory(clients)
    link = "https://example.org/" + "ä" * 3000
    tokens = [await kept(memory, link), await kept(memory, "https://example.net/")]
    assert len(set(tokens)) == 2 and all(len(token.encode()) <= 16 for token in tokens)
    assert await memory.recall(tokens[0]) == link
    assert await memory.recall(tokens[1]) == "https://example.net/"


# Update claims

async def test_a_claimed_update_cannot_be_claimed_again(clients: Clients | None) -> None:
    claims = update_claims(clients)
    assert await claims.claim(1)
    assert not await claims.claim(1)
    assert await claims.claim(2)  # another update is free
    assert not await claims.is_done(1)
    await claims.done(1)
    assert not await claims.claim(1) and await claims.is_done(1)


async def test_a_released_update_may_be_claimed_but_a_done_one_not(
        clients: Clients | None) -> None:
    claims = update_claims(clients)
    assert await claims.claim(5)
    await claims.release(5)  # handling failed: Telegram's redelivery is handled
    assert await claims.claim(5)
    await claims.done(5)
    await claims.release(5)  # too late: done stays done
    assert not await claims.claim(5)


async def test_a_lapsed_claim_frees_the_update(clients: Clients | None) -> None:
    """A front-end that died holding a claim does not lose the update for good."""
    claims = update_claims(clients, claim_ttl=1.0)
    assert await claims.claim(9)
    await asyncio.sleep(1.2)
    assert await claims.claim(9)


async def test_a_renewed_claim_outlives_its_lease_and_a_lapsed_one_cannot_be_renewed(
        clients: Clients | None) -> None:
    claims = update_claims(clients, claim_ttl=0.6)
    assert await claims.claim(11)
    for _ in range(3):  # 0.9 s in all: past the lease, but renewed within it each time
        await asyncio.sleep(0.3)
        assert await claims.renew(11)
    assert not await claims.claim(11)
    await asyncio.sleep(0.8)  # not renewed: the lease lapses
    assert not await claims.renew(11)
    assert await claims.claim(11)


async def test_only_a_held_claim_is_renewed(clients: Clients | None) -> None:
    claims = update_claims(clients)
    assert not await claims.renew(12)  # never claimed
    assert await claims.claim(12)
    await claims.release(12)
    assert not await claims.renew(12)  # released
    assert await claims.claim(12)
    await claims.done(12)
    assert not await claims.renew(12)  # done
    assert not await claims.claim(12)


async def test_a_lease_is_renewed_while_its_work_runs(clients: Clients | None) -> None:
    claims = update_claims(clients, claim_ttl=0.5)
    assert await claims.claim(13)
    async with leased(claims, 13, every=0.15):
        await asyncio.sleep(1.0)  # twice the lease
        assert not await claims.claim(13)
    await asyncio.sleep(0.7)  # the work is over and nobody renews: it lapses
    assert await claims.claim(13)


def test_the_lease_is_seconds_and_renewed_well_within_it() -> None:
    """A dead front-end's update waits at most CLAIM_SECONDS, not minutes; two renewals
    may fail before a live claim lapses."""
    assert CLAIM_SECONDS <= 30 and RENEW_SECONDS * 3 <= CLAIM_SECONDS


# What only sharing shows: two clients, as two front-ends

@pytest.mark.slow
async def test_the_rate_limit_holds_across_front_ends(redis_clients: Clients) -> None:
    """11 requests of one user spread over two front-ends: 10 allowed."""
    one, two = RedisRateLimiter(redis_clients(), 10), RedisRateLimiter(redis_clients(), 10)
    answers = await asyncio.gather(*[(one if n % 2 else two).allow(42) for n in range(11)])
    assert sorted(answers) == [False] + [True] * 10


@pytest.mark.slow
async def test_a_button_made_on_one_front_end_works_on_another(
        redis_clients: Clients) -> None:
    token = await kept(RedisBreakdownMemory(redis_clients()), SAMPLE)
    assert await RedisBreakdownMemory(redis_clients()).recall(token) == SAMPLE


@pytest.mark.slow
async def test_an_update_is_claimed_by_one_front_end_only(redis_clients: Clients) -> None:
    fronts = [RedisUpdateClaims(redis_clients()) for _ in range(2)]
    won = await asyncio.gather(*[front.claim(77) for front in fronts for _ in range(5)])
    assert won.count(True) == 1


@pytest.mark.slow
async def test_a_front_end_renews_or_releases_only_its_own_claim(
        redis_clients: Clients) -> None:
    """The first front-end's claim lapsed and the second took the update: the first can
    neither renew nor release the second's claim."""
    first = RedisUpdateClaims(redis_clients(), claim_ttl=0.3)
    second = RedisUpdateClaims(redis_clients())
    assert await first.claim(78)
    await asyncio.sleep(0.5)
    assert await second.claim(78)
    assert not await first.renew(78)
    await first.release(78)
    assert not await first.claim(78)  # still the second's
    assert await second.renew(78)


@pytest.mark.slow
async def test_button_memory_expires_in_redis(redis_clients: Clients) -> None:
    client = redis_clients()
    token = await kept(RedisLinkMemory(client, ttl=24 * 3600), "https://example.org/")
    assert 24 * 3600 - 5 <= await client.ttl(f"breakdown:link:{token}") <= 24 * 3600
    short = RedisLinkMemory(client, ttl=1)
    token = await kept(short, "https://example.org/")
    await asyncio.sleep(1.2)
    assert await short.recall(token) is None


@pytest.mark.slow
async def test_rate_limit_sets_expire_with_the_window(redis_clients: Clients) -> None:
    client = redis_clients()
    assert await RedisRateLimiter(client, 3, window=60.0).allow(8)
    assert 0 < await client.pttl("breakdown:rate:8") <= 60_000


# The setting and the choice

def test_redis_url_is_empty_or_a_redis_address() -> None:
    assert Settings.from_env({}).redis_url == ""
    assert Settings.from_env({"REDIS_URL": "redis://127.0.0.1:6379/0"}).redis_url
    with pytest.raises(SettingsError, match="REDIS_URL") as refused:
        Settings.from_env({"REDIS_URL": "http://:hunter2@127.0.0.1:6379"})
    assert "hunter2" not in str(refused.value)  # a password in the URL is never echoed


async def test_the_settings_choose_the_shared_state() -> None:
    local = open_shared_state(Settings())
    assert isinstance(local.limiter, RateLimiter) and isinstance(local.memory, BreakdownMemory)
    assert isinstance(local.claims, LocalUpdateClaims)
    assert isinstance(local.pastes, LocalPastes)
    shared = open_shared_state(Settings(redis_url="redis://127.0.0.1:1/0"))  # not contacted
    assert isinstance(shared.limiter, RedisRateLimiter)
    assert isinstance(shared.links, RedisLinkMemory)
    assert isinstance(shared.pastes, RedisPasteAssembler)
    await shared.close()


# Breakdowns in Redis: the JSON contract, and back

SAMPLE = Breakdown(
    source=Source(kind="url", url="https://example.org/a", title="A “title”", words=12,
                  published="2026-02-05", published_reliable=False),
    language="en", summary=("Prices rose.",),
    quotes=(Quote("Ann Lee", "a minister", False, "direct", "said", "We will.", 0, 8,
                  frame=(0, 20)),),
    dates=(KeyDate("Feb 5", "2026-02-05", True, 30, 35, "On Feb 5 ..."),),
    claims=(Claim("vague", "It is believed.", 40, 55, ("believed",), "other"),),
    text="x" * 60)

_text = st.text(max_size=30)
_span = st.integers(0, 10_000)
breakdowns = st.builds(
    Breakdown,
    source=st.builds(Source, kind=st.sampled_from(["text", "url"]),
                     url=st.none() | _text, title=st.none() | _text,
                     published=st.none() | _text, words=_span,
                     published_reliable=st.booleans()),
    language=_text, summary=st.lists(_text, max_size=3).map(tuple),
    quotes=st.lists(st.builds(Quote, speaker=_text, role=st.none() | _text,
                              anonymous=st.booleans(),
                              kind=st.sampled_from(["direct", "indirect", "mixed"]),
                              cue=_text, content=_text, start=_span, end=_span),
                    max_size=3).map(tuple),
    dates=st.lists(st.builds(KeyDate, text=_text, value=_text, key=st.booleans(),
                             start=_span, end=_span, context=_text), max_size=3).map(tuple),
    claims=st.lists(st.builds(Claim, kind=st.sampled_from(["unattributed", "vague"]),
                              text=_text, start=_span, end=_span,
                              cues=st.lists(_text, max_size=3).map(tuple),
                              type=st.sampled_from(["quantity", "prediction", "causal",
                                                    "comparison", "other"])),
                    max_size=3).map(tuple),
    text=st.text(max_size=200))


@given(breakdowns)
def test_a_breakdown_survives_its_encoding(breakdown: Breakdown) -> None:
    restored = decode_breakdown(encode_breakdown(breakdown))
    assert restored == breakdown
    # Outside the contract, yet the reply shows it ("date detected on the page").
    assert restored.source.published_reliable == breakdown.source.published_reliable


def test_the_encoding_is_the_json_contract() -> None:
    data: dict[str, Any] = json.loads(encode_breakdown(SAMPLE))
    assert data == {"breakdown": SAMPLE.to_dict(), "published_reliable": False}
