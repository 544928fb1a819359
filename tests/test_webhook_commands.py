"""`python -m bot serve` and `python -m bot set-webhook` at the command line: what they
refuse to start without (exit 2, naming the variable), and set-webhook's answers from the
Bot API emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings
from handlers.webhook_commands import serve_problem, webhook_path
from tests.botapi.server import BotAPIServer
from tests.botproc import ROOT
from tests.servers import free_port

SECRET = "s3cret"


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """An environment with none of the bot's variables, and no .env (an empty directory)."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


@pytest.mark.parametrize(("values", "named"), [
    ({}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": "1:x"}, "REDIS_URL"),
    ({"TELEGRAM_BOT_TOKEN": "1:x", "REDIS_URL": "redis://127.0.0.1:1/0"}, "WEBHOOK_SECRET"),
    ({"TELEGRAM_BOT_TOKEN": "1:x", "REDIS_URL": "redis://127.0.0.1:1/0",
      "WEBHOOK_SECRET": "has spaces"}, "WEBHOOK_SECRET"),
    ({"TELEGRAM_BOT_TOKEN": "1:x", "REDIS_URL": "redis://127.0.0.1:1/0",
      "WEBHOOK_SECRET": SECRET, "WEBHOOK_PORT": "0"}, "WEBHOOK_PORT"),
])
def test_serve_refuses_to_start_naming_what_is_missing(
        values: dict[str, str], named: str, environment: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in values.items():
        environment.setenv(name, value)
    assert main(["serve"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ") and named in error
    assert "has spaces" not in error  # the secret is never echoed


@pytest.mark.parametrize(("values", "named"), [
    ({}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": "1:x"}, "WEBHOOK_URL"),
    ({"TELEGRAM_BOT_TOKEN": "1:x", "WEBHOOK_URL": "https://bot.example.org/hook"},
     "WEBHOOK_SECRET"),
    ({"TELEGRAM_BOT_TOKEN": "1:x", "WEBHOOK_URL": "https://bot.example.org/hook",
      "WEBHOOK_SECRET": SECRET, "WEBHOOK_MAX_CONNECTIONS": "101"}, "WEBHOOK_MAX_CONNECTIONS"),
])
def test_set_webhook_refuses_to_start_naming_what_is_missing(
        values: dict[str, str], named: str, environment: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in values.items():
        environment.setenv(name, value)
    assert main(["set-webhook"]) == 2
    assert named in capsys.readouterr().err


def test_the_webhook_path_is_webhook_urls() -> None:
    assert webhook_path(Settings(webhook_url="https://bot.example.org/tg/hook")) == "/tg/hook"
    assert webhook_path(Settings(webhook_url="https://bot.example.org")) == "/"
    assert webhook_path(Settings()) == "/"


def test_serve_needs_redis_and_a_secret_and_nothing_else() -> None:
    ready = Settings(telegram_bot_token="1:x", redis_url="redis://127.0.0.1:1/0",
                     webhook_secret=SECRET)
    assert serve_problem(ready) is None  # SQLite and no WEBHOOK_URL are allowed


@pytest.mark.slow
@pytest.mark.parametrize("missing", ["REDIS_URL", "WEBHOOK_SECRET"])
def test_serve_as_a_process_exits_2_naming_the_variable(missing: str, tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT),
           "TELEGRAM_BOT_TOKEN": "1:x", "REDIS_URL": "redis://127.0.0.1:1/0",
           "WEBHOOK_SECRET": SECRET}
    del env[missing]
    done = subprocess.run([sys.executable, "-m", "bot", "serve"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and missing in done.stderr


@pytest.mark.slow
def test_set_webhook_prints_the_webhook_info(botapi: BotAPIServer, environment: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    environment.setenv("TELEGRAM_BOT_TOKEN", botapi.token)
    environment.setenv("TELEGRAM_BASE_URL", botapi.base_url)
    assert main(["set-webhook", "--delete"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["url"] == "" and "pending_update_count" in info


@pytest.mark.slow
def test_set_webhook_says_what_telegram_refused(botapi: BotAPIServer,
                                                environment: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    wrong = botapi.token.split(":")[0] + ":WRONG-TOKEN"
    environment.setenv("TELEGRAM_BOT_TOKEN", wrong)
    environment.setenv("TELEGRAM_BASE_URL", botapi.base_url)
    assert main(["set-webhook", "--delete"]) == 1
    error = capsys.readouterr().err
    assert "Telegram did not delete the webhook" in error and "WRONG-TOKEN" not in error


@pytest.mark.slow
def test_serve_stops_at_start_when_redis_does_not_answer(botapi: BotAPIServer,
                                                         tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT),
           "TELEGRAM_BOT_TOKEN": botapi.token, "TELEGRAM_BASE_URL": botapi.base_url,
           "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0", "WEBHOOK_SECRET": SECRET,
           "WEBHOOK_LISTEN": "127.0.0.1", "WEBHOOK_PORT": str(free_port()),
           "ANALYSIS_WORKERS": "1", "SPACY_MODEL": "blank:en"}
    done = subprocess.run([sys.executable, "-m", "bot", "serve"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "error: cannot use Redis at REDIS_URL" in done.stderr
    assert "Traceback" not in done.stderr
