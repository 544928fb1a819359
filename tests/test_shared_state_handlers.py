"""The composition root chooses the shared state from the settings (handlers/app.py): in
this process by default, in Redis with REDIS_URL — where a button made by one front-end
is answered by another, and a paste whose pieces reach two front-ends is one answer.
Handlers offline (tests/test_handlers_offline.py's recorder)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest
from telegram import Message
from telegram.ext import Application, CallbackContext

from bot.paste import LocalPastes
from bot.process_workers import ProcessWorkers
from bot.rate_limit import RateLimiter
from bot.redis_state import RedisBreakdownMemory, RedisRateLimiter
from bot.settings import Settings
from bot.token_memory import BreakdownMemory
from handlers import pastes
from handlers.app import build_application
from tests.botapi.clients import split_like_client
from tests.e2e import eventually
from tests.paste_texts import FIRST_SPEAKER, LAST_SPEAKER, bridge_article
from tests.test_handlers_offline import TOKEN, RecordingRequest, feed
from tests.test_shared_state import SAMPLE

FrontEnd = tuple[Application, RecordingRequest]
StartFrontEnd = Callable[[Settings], Awaitable[FrontEnd]]


@pytest.fixture
async def start_front_end(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[StartFrontEnd]:
    """Front-ends through their real post_init and post_shutdown; the pool never starts
    (no analysis here)."""
    async with AsyncExitStack() as stack:
        async def start(settings: Settings) -> FrontEnd:
            pool = ProcessWorkers.from_settings(settings, size=1)
            monkeypatch.setattr(pool, "start", lambda: None)
            monkeypatch.setattr(pool, "shutdown", lambda: None)
            recorder = RecordingRequest()
            application = build_application(settings, pool=pool, request=recorder)
            await application.initialize()
            stack.push_async_callback(application.shutdown)
            assert application.post_init is not None and application.post_shutdown is not None
            await application.post_init(application)
            stack.push_async_callback(application.post_shutdown, application)
            return application, recorder
        yield start


def settings(tmp_path: Path, name: str, redis_url: str = "", **more: Any) -> Settings:
    return Settings(telegram_bot_token=TOKEN, database_path=str(tmp_path / f"{name}.sqlite3"),
                    redis_url=redis_url, **more)


async def test_without_redis_the_state_stays_in_the_process(
        start_front_end: StartFrontEnd, tmp_path: Path) -> None:
    application, _ = await start_front_end(settings(tmp_path, "a"))
    services = application.bot_data.services
    assert isinstance(services.limiter, RateLimiter)
    assert isinstance(services.memory, BreakdownMemory)


@pytest.mark.slow
async def test_a_button_made_on_one_front_end_is_answered_by_another(
        start_front_end: StartFrontEnd, tmp_path: Path, redis_url: str,
        redis_clients: object) -> None:  # redis_clients: an emptied database
    (one, _), (two, recorder) = [await start_front_end(settings(tmp_path, name, redis_url))
                                 for name in ("a", "b")]
    assert isinstance(one.bot_data.services.limiter, RedisRateLimiter)
    assert isinstance(one.bot_data.services.memory, RedisBreakdownMemory)
    token = await one.bot_data.services.memory.remember(SAMPLE)
    await feed(two, {"update_id": 3, "callback_query": {
        "id": "q1", "chat_instance": "c", "data": f"bd:quotes:{token}",
        "from": {"id": 5, "is_bot": False, "first_name": "U"},
        "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}}}})
    [answer] = recorder.sent("answerCallbackQuery")
    assert not answer.get("show_alert")  # not "This breakdown has expired"
    assert any("Ann Lee" in message["text"] for message in recorder.sent())


# Held pastes: the pieces of one paste on two front-ends, and a dead front-end's paste

def private_message(update_id: int, message_id: int, text: str) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": message_id, "date": 0, "chat": {"id": 5, "type": "private"},
        "from": {"id": 5, "is_bot": False, "first_name": "U"}, "text": text}}


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Message, str]]:
    """What reaches `answer_request` from a paste (no analysis here): each answer replies
    through the message the front-end rebuilt, so the recorder shows whose bot sent it."""
    answered: list[tuple[Message, str]] = []

    async def answer(message: Message, reply_to: Message, request: object,
                     services: object, *, text: str) -> None:
        answered.append((reply_to, text))
        await reply_to.reply_text("answered")
    monkeypatch.setattr(pastes, "answer_request", answer)
    return answered


@pytest.fixture
def wake_ups(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The keys of the wake-ups (`_after_quiet`) that have run to their end."""
    woken: list[object] = []
    wake_up = pastes._after_quiet

    async def recorded(pasted: Any, key: Any, *more: Any) -> None:
        await wake_up(pasted, key, *more)
        woken.append(key)
    monkeypatch.setattr(pastes, "_after_quiet", recorded)
    return woken


# The front-ends are not started (no job queue, no updater): their tasks run all the same.
NOT_STARTED = pytest.mark.filterwarnings("ignore:Tasks created via:UserWarning")


@pytest.mark.slow
@NOT_STARTED
async def test_a_paste_whose_pieces_reach_two_front_ends_gets_one_answer(
        start_front_end: StartFrontEnd, tmp_path: Path, redis_url: str,
        redis_clients: object, answers: list[tuple[Message, str]],
        wake_ups: list[object]) -> None:
    (one, _), (two, recorder) = [
        await start_front_end(settings(tmp_path, name, redis_url, paste_wait_seconds=0.3))
        for name in ("a", "b")]
    first, last = split_like_client(bridge_article(12), "desktop")
    await feed(one, private_message(1, 11, first))  # near the limit: held, in Redis
    await feed(two, private_message(2, 12, last))
    await eventually(lambda: asyncio.sleep(0, wake_ups), timeout=5)  # one's: nothing left
    [(reply_to, text)] = answers
    assert FIRST_SPEAKER in text and LAST_SPEAKER in text
    assert reply_to.message_id == 11 and reply_to.get_bot() is two.bot
    [sent] = recorder.sent()
    assert sent["chat_id"] == 5 and sent["text"] == "answered"


@pytest.mark.slow
@NOT_STARTED
async def test_a_paste_held_by_a_front_end_that_died_is_answered_by_another(
        start_front_end: StartFrontEnd, tmp_path: Path, redis_url: str,
        redis_clients: object, answers: list[tuple[Message, str]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    (one, _), (two, recorder) = [
        await start_front_end(settings(tmp_path, name, redis_url, paste_wait_seconds=0.2))
        for name in ("a", "b")]
    assert two.job_queue is not None and two.job_queue.get_jobs_by_name("sweep_pastes")
    died: list[object] = []

    async def dies(*args: object) -> None:  # front-end one dies before its wake-up
        died.append(args)
    monkeypatch.setattr(pastes, "_after_quiet", dies)
    await feed(one, private_message(1, 21, split_like_client(bridge_article(12))[0]))
    await eventually(lambda: asyncio.sleep(0, died), timeout=5)

    async def swept() -> list[Any]:  # the repeating job's run, as two's job queue runs it
        await pastes.sweep_overdue_pastes(CallbackContext(two))
        return recorder.sent()
    [sent] = await eventually(swept, timeout=5)
    assert sent["chat_id"] == 5 and sent["text"] == "answered"
    assert [reply_to.message_id for reply_to, _ in answers] == [21]


async def test_without_redis_no_sweep_runs(start_front_end: StartFrontEnd,
                                           tmp_path: Path) -> None:
    application, _ = await start_front_end(settings(tmp_path, "a"))
    assert application.job_queue is not None
    assert not application.job_queue.get_jobs_by_name("sweep_pastes")
    assert isinstance(application.bot_data.pastes, LocalPastes)
