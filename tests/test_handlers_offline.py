"""Handlers without a network: PTB's offline pattern, a request object that records every
Bot API call and answers it, and updates fed straight to the application."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.expiring import ExpiringCache
from bot.process_workers import ProcessWorkers
from bot.rate_limit import RateLimiter
from bot.settings import Settings
from bot.store import SQLiteStore
from handlers.app import PURGE_EVERY, build_application
from handlers.context import BotData
from handlers.services import BotServices

TOKEN = "4242:OFFLINE"
BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Bot", "username": "offline_bot"}
ADMIN = 7


class RecordingRequest(BaseRequest):
    """Answers like the Bot API; `reject_html` makes the next HTML message fail to parse."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.reject_html = 0
        self.migrated_to: int | None = None  # the next message meets a migrated group
        self._message_id = 100

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float:
        return 1.0

    async def do_request(  # type: ignore[override]  # the timeouts, unused, as **kwargs
            self, url: str, method: str, request_data: RequestData | None = None,
            **kwargs: Any) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        self.calls.append((name, params))
        if name == "getMe":
            return 200, _ok(BOT_USER)
        if name == "getChatMember":  # everyone owns the group: /auto always asks
            return 200, _ok({"status": "creator", "is_anonymous": False, "user": {
                "id": int(str(params["user_id"])), "is_bot": False, "first_name": "U"}})
        if name == "sendMessage" and self.migrated_to is not None:
            new_id, self.migrated_to = self.migrated_to, None
            return 400, json.dumps({"ok": False, "error_code": 400, "description":
                                    "Bad Request: group chat was upgraded to a supergroup chat",
                                    "parameters": {"migrate_to_chat_id": new_id}}).encode()
        if name in {"sendMessage", "sendPhoto"}:
            if name == "sendMessage" and params.get("parse_mode") == "HTML" and self.reject_html:
                self.reject_html -= 1
                return 400, json.dumps({"ok": False, "error_code": 400, "description":
                                        "Bad Request: can't parse entities: x"}).encode()
            self._message_id += 1
            chat_id = int(str(params["chat_id"]))
            return 200, _ok({"message_id": self._message_id, "date": 0,
                             "chat": {"id": chat_id, "type": "private"},
                             "from": BOT_USER, "text": params.get("text", "")})
        return 200, _ok(True)

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]


def _ok(result: object) -> bytes:
    return json.dumps({"ok": True, "result": result}).encode()


def message_update(text: str, *, chat_id: int = 5, user_id: int = 5,
                   chat_type: str = "private", update_id: int = 1) -> dict[str, Any]:
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] \
        if text.startswith("/") else []
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "text": text, "entities": entities,
        "chat": {"id": chat_id, "type": chat_type, "title": "G"} if chat_type != "private"
        else {"id": chat_id, "type": "private", "first_name": "U"},
        "from": {"id": user_id, "is_bot": False, "first_name": "U"}}}


@pytest_asyncio.fixture
async def app(tmp_path: Path) -> AsyncIterator[tuple[Application, RecordingRequest]]:
    settings = Settings(telegram_bot_token=TOKEN, admin_ids=str(ADMIN),
                        database_path=str(tmp_path / "bot.sqlite3"))
    recorder = RecordingRequest()
    pool = ProcessWorkers.from_settings(settings, size=1)  # never started: no analysis here
    application = build_application(settings, pool=pool, request=recorder)
    await application.initialize()
    store = await SQLiteStore.open(settings.database_path)
    application.bot_data.services = BotServices(settings, store, pool, RateLimiter(10))
    yield application, recorder
    await store.close()
    await application.shutdown()


def test_bot_data_is_typed_and_set_before_the_first_update(tmp_path: Path) -> None:
    settings = Settings(telegram_bot_token=TOKEN, database_path=str(tmp_path / "bot.sqlite3"))
    pool = ProcessWorkers.from_settings(settings, size=1)  # never started
    application = build_application(settings, pool=pool, request=RecordingRequest())
    shared = application.bot_data
    assert type(shared) is BotData  # PTB created it through ContextTypes(bot_data=BotData)
    assert shared.settings is settings and shared.pool is pool and len(shared.admin_cache) == 0
    assert shared.pastes.window == settings.paste_wait_seconds
    assert shared.skipped_links.quiet == settings.group_notice_delay_seconds
    assert shared.link_work.running("https://example.org/") is None
    with pytest.raises(AttributeError, match="services"):
        shared.services  # noqa: B018  (set by post_init, once the store is open)


async def feed(application: Application, data: dict[str, Any]) -> None:
    await application.process_update(Update.de_json(data, application.bot))


async def test_help_and_start(app: tuple[Application, RecordingRequest]) -> None:
    application, recorder = app
    await feed(application, message_update("/help"))
    await feed(application, message_update("/start", update_id=2))
    texts = [m["text"] for m in recorder.sent()]
    assert "How to use me" in texts[0] and "Hi!" in texts[1]
    assert all(m["parse_mode"] == "HTML" for m in recorder.sent())
    assert all(json.loads(json.dumps(m["link_preview_options"]))["is_disabled"]
               for m in recorder.sent())


async def test_short_text_gets_a_hint(app: tuple[Application, RecordingRequest]) -> None:
    application, recorder = app
    await feed(application, message_update("just a few words"))
    assert "Send me a link" in recorder.sent()[-1]["text"]


async def test_stats_does_not_exist_for_non_admins(
        app: tuple[Application, RecordingRequest]) -> None:
    application, recorder = app
    await feed(application, message_update("/stats", user_id=8, chat_id=8))
    assert "I don't know that command" in recorder.sent()[-1]["text"]
    before = len(recorder.calls)
    await feed(application, message_update("/stats", user_id=ADMIN, chat_id=-9,
                                           chat_type="group", update_id=2))
    assert len(recorder.calls) == before  # silence in groups, even for an admin


async def test_stats_for_an_admin_sends_numbers_and_a_chart(
        app: tuple[Application, RecordingRequest]) -> None:
    application, recorder = app
    await feed(application, message_update("/stats", user_id=ADMIN, chat_id=ADMIN))
    assert recorder.sent("sendMessage") and recorder.sent("sendPhoto")


async def test_tampered_button_data_gets_a_polite_answer(
        app: tuple[Application, RecordingRequest]) -> None:
    application, recorder = app
    for data in ["bd:secrets:abc", "not-mine", "bd:quotes:expired"]:
        await feed(application, {"update_id": 3, "callback_query": {
            "id": "q1", "chat_instance": "c", "data": data,
            "from": {"id": 5, "is_bot": False, "first_name": "U"},
            "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}}}})
    answers = recorder.sent("answerCallbackQuery")
    assert len(answers) == 3 and all(a.get("text") for a in answers)
    assert not recorder.sent("sendMessage")


async def test_rejected_html_is_resent_as_plain_text(
        app: tuple[Application, RecordingRequest]) -> None:
    application, recorder = app
    recorder.reject_html = 1
    await feed(application, message_update("/help"))
    first, second = recorder.sent()
    assert first["parse_mode"] == "HTML" and "<b>" in first["text"]
    assert "parse_mode" not in second or second["parse_mode"] is None
    assert "<b>" not in second["text"] and "How to use me" in second["text"]


async def test_unexpected_errors_get_one_friendly_reply(
        app: tuple[Application, RecordingRequest], monkeypatch: pytest.MonkeyPatch) -> None:
    application, recorder = app

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    services = application.bot_data.services
    monkeypatch.setattr(services.store, "auto_breakdown", broken)
    await feed(application, message_update("/auto", chat_id=-3, chat_type="group"))
    assert "something went wrong" in recorder.sent()[-1]["text"]


async def test_reply_follows_a_group_that_became_a_supergroup(
        app: tuple[Application, RecordingRequest]) -> None:
    application, recorder = app
    recorder.migrated_to = -100777
    await feed(application, message_update("/help", chat_id=-777, chat_type="group"))
    first, second = recorder.sent()
    assert int(first["chat_id"]) == -777 and int(second["chat_id"]) == -100777
    assert "How to use me" in second["text"]


def test_webhook_mode_when_a_webhook_url_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    import handlers.app

    calls: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(Application, "run_webhook",
                        lambda self, **kw: calls.append(("webhook", kw)))
    monkeypatch.setattr(Application, "run_polling",
                        lambda self, **kw: calls.append(("polling", kw)))
    settings = Settings(telegram_bot_token=TOKEN, webhook_url="https://bot.example/hook",
                        webhook_secret="s3cret", webhook_listen="127.0.0.1", webhook_port=8999)
    handlers.app.run(settings)
    handlers.app.run(Settings(telegram_bot_token=TOKEN))
    (kind, kw), (second, _) = calls
    assert kind == "webhook" and second == "polling"
    assert kw["webhook_url"] == "https://bot.example/hook" and kw["secret_token"] == "s3cret"
    assert (kw["listen"], kw["port"]) == ("127.0.0.1", 8999)


async def test_chat_admin_answers_are_remembered_briefly_and_boundedly(
        app: tuple[Application, RecordingRequest]) -> None:
    application, recorder = app
    application.bot_data.admin_cache = ExpiringCache(ttl=60.0, capacity=3)
    for update_id, user_id in enumerate([1, 1, 2, 3, 4, 5, 1], start=1):
        await feed(application, message_update("/auto on", user_id=user_id, chat_id=-3,
                                               chat_type="group", update_id=update_id))
    asked = [int(params["user_id"]) for name, params in recorder.calls
             if name == "getChatMember"]
    assert asked == [1, 2, 3, 4, 5, 1]  # the second /auto of user 1 was answered from memory
    cache = application.bot_data.admin_cache
    assert len(cache) == 3 and cache.get((-3, 1)) is True and cache.get((-3, 2)) is None
    assert all("Automatic breakdowns are on" in m["text"] for m in recorder.sent())


async def test_expired_rows_are_purged_every_hour(
        app: tuple[Application, RecordingRequest]) -> None:
    application, _ = app
    assert application.job_queue is not None
    [job] = application.job_queue.get_jobs_by_name("purge_expired")
    assert job.job.trigger.interval.total_seconds() == PURGE_EVERY
    store = application.bot_data.services.store
    ttl = application.bot_data.services.settings.cache_ttl_seconds
    await store.cache_breakdown("https://example.com/old", {"n": 1}, now=time.time() - 2 * ttl)
    await store.cache_breakdown("https://example.com/new", {"n": 2})
    await job.run(application)
    rows = await store.read_rows("SELECT url_key FROM breakdown_cache")
    assert rows == [("https://example.com/new",)]
