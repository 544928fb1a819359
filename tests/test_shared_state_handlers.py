"""The composition root chooses the shared state from the settings (handlers/app.py): in
this process by default, in Redis with REDIS_URL — where a button made by one front-end
is answered by another. Handlers offline (tests/test_handlers_offline.py's recorder)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.process_workers import ProcessWorkers
from bot.rate_limit import RateLimiter
from bot.redis_state import RedisBreakdownMemory, RedisRateLimiter
from bot.settings import Settings
from bot.token_memory import BreakdownMemory
from handlers.app import build_application
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


def settings(tmp_path: Path, name: str, redis_url: str = "") -> Settings:
    return Settings(telegram_bot_token=TOKEN, database_path=str(tmp_path / f"{name}.sqlite3"),
                    redis_url=redis_url)


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
