"""The settings object: where values come from, and nonsense refused with the variable named."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parent.parent
NO_DOTENV = Path("/nonexistent/.env")
NUMBERS = [name for name, field in Settings.model_fields.items()
           if field.annotation in (int, float)]


def test_the_environment_wins_over_dotenv_and_dotenv_over_the_defaults(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("# comment\nUSER_RATE_LIMIT=7\nMIN_TEXT_WORDS='25'\nUNRELATED=1\n"
                      "GROUP_COOLDOWN_SECONDS=\n", encoding="utf-8")
    settings = Settings.from_env({"USER_RATE_LIMIT": "5", "SOMETHING_ELSE": "x"}, dotenv=dotenv)
    assert settings.user_rate_limit == 5  # environment
    assert settings.min_text_words == 25  # .env (quotes stripped)
    assert settings.group_cooldown_seconds == Settings().group_cooldown_seconds  # empty: default
    assert Settings.from_env({"USER_RATE_LIMIT": ""}, dotenv=dotenv).user_rate_limit == 7


def test_building_settings_reads_no_environment(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER_RATE_LIMIT", "3")
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("MIN_TEXT_WORDS=20\n", encoding="utf-8")
    assert Settings(database_path="x.sqlite3").user_rate_limit == 10
    assert Settings().min_text_words == 40
    from_env = Settings.from_env()  # os.environ and ./.env
    assert (from_env.user_rate_limit, from_env.min_text_words) == (3, 20)


@pytest.mark.parametrize(("variable", "value", "expected"), [
    ("ADMIN_IDS", "12x", "ADMIN_IDS='12x': must be Telegram user ids"),
    ("ADMIN_IDS", "12,;13", "';13' is not one"),
    ("ADMIN_IDS", "-5", "ADMIN_IDS='-5'"),
    ("USER_RATE_LIMIT", "0", "USER_RATE_LIMIT='0' must be a whole number from 1 to 100000"),
    ("USER_RATE_LIMIT", "2.5", "USER_RATE_LIMIT='2.5' must be a whole number"),
    ("FETCH_TOTAL_TIMEOUT", "0", "FETCH_TOTAL_TIMEOUT='0' must be a number above 0"),
    ("FETCH_TOTAL_TIMEOUT", "inf", "FETCH_TOTAL_TIMEOUT='inf'"),
    ("EXTRACT_TIMEOUT", "ten", "EXTRACT_TIMEOUT='ten' must be a number"),
    ("JOB_VISIBILITY_SECONDS", "4",
     "JOB_VISIBILITY_SECONDS='4' must be a whole number from 5 to 3600"),
    ("WEBHOOK_PORT", "70000", "WEBHOOK_PORT='70000' must be a whole number from 1 to 65535"),
    ("CACHE_TTL_SECONDS", "-1", "CACHE_TTL_SECONDS='-1'"),
    ("FETCH_ALLOW_PRIVATE", "maybe", "FETCH_ALLOW_PRIVATE='maybe' must be true or false"),
    ("TELEGRAM_BASE_URL", "api.telegram.org/bot", "TELEGRAM_BASE_URL="),
    ("WEBHOOK_URL", "bot.example/hook", "WEBHOOK_URL="),
    ("SPACY_MODEL", "en_core_web_typo", "SPACY_MODEL='en_core_web_typo': no installed spaCy"),
])
def test_nonsense_is_refused_naming_the_variable(variable: str, value: str,
                                                 expected: str) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({variable: value}, dotenv=NO_DOTENV)
    assert expected in str(refused.value)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("name", NUMBERS)
def test_every_number_has_a_range(name: str) -> None:
    field = Settings.model_fields[name]
    kinds = {type(constraint).__name__ for constraint in field.metadata}
    assert kinds & {"Ge", "Gt"} and "Le" in kinds, f"{name} has no range"
    with pytest.raises(SettingsError, match=name.upper()):
        Settings.from_env({name.upper(): "1e12"}, dotenv=NO_DOTENV)


def test_every_problem_is_named_on_one_line() -> None:
    with pytest.raises(SettingsError) as refused:
        Settings(user_rate_limit=0, admin_ids="1,x", paste_wait_seconds=float("nan"))
    message = str(refused.value)
    for name in ("USER_RATE_LIMIT", "ADMIN_IDS", "PASTE_WAIT_SECONDS"):
        assert name in message
    assert "\n" not in message


def test_secrets_are_never_echoed() -> None:
    settings = Settings(telegram_bot_token="123:SECRET", webhook_secret="hush")
    assert "SECRET" not in repr(settings) and "hush" not in repr(settings)
    with pytest.raises(SettingsError) as refused:
        Settings(telegram_bot_token=123456)  # type: ignore[arg-type]
    assert "TELEGRAM_BOT_TOKEN" in str(refused.value) and "123456" not in str(refused.value)


def test_a_misspelt_setting_is_refused_in_code() -> None:
    with pytest.raises(SettingsError, match="USER_RATE_LIMITS is not a setting"):
        Settings(user_rate_limits=3)  # type: ignore[call-arg]


def test_admin_ids_and_values_at_the_edges() -> None:
    assert Settings(admin_ids=" 12, 34 ,").admin_id_set == {12, 34}
    assert Settings().admin_id_set == frozenset()
    edges = Settings.from_env({"WEBHOOK_PORT": "65535", "ANALYSIS_WORKERS": "0",
                               "FETCH_MAX_REDIRECTS": "0", "FETCH_TRUST_ENV": "yes"},
                              dotenv=NO_DOTENV)
    assert (edges.webhook_port, edges.analysis_workers, edges.fetch_max_redirects,
            edges.fetch_trust_env) == (65535, 0, 0, True)


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(ValueError, match="frozen"):
        settings.user_rate_limit = 3


def test_the_engine_never_reads_the_settings() -> None:
    """The pipeline's name is passed in (bot/workers.py, bot/cli.py): importing the whole
    engine must not import the settings module."""
    probe = ("import sys, bot.breakdown.engine, bot.breakdown.attribution_tagger.corpus; "
             "print(sorted(m for m in sys.modules if m.startswith('bot.settings')))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.strip() == "[]"


def test_the_engine_loads_the_pipeline_it_is_given() -> None:
    from bot.breakdown.engine import analyze

    with pytest.raises((OSError, ImportError)):
        analyze("Maria Keller said the bridge would reopen.", spacy_model="no_such_pipeline")
