"""One typed settings object, read from the environment and `.env`, checked when it is built.

pydantic-settings reads `.env` and converts every value to its field's type; each number
has a range, and the strings that have a form (admin ids, URLs) are checked. A value that
does not fit raises `SettingsError`, whose one-line message names the variable: the bot
refuses to start instead of dropping an admin or misreading a timeout later.

`Settings(**values)` is exactly those values over the defaults (tests and code build it
without reading the process's environment); `Settings.from_env()` reads the environment
and `.env`.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from bot.breakdown import DEFAULT_SPACY_MODEL

DEFAULT_USER_AGENT = "ArticleBreakdownBot/0.1 (article breakdowns for Telegram)"
MAX_PASTE_WAIT = 30.0  # longer, and a lone long message would wait for nothing that long
DAY = 86_400
# Never echoed in an error message: it would land in a terminal or a log.
_SECRETS = frozenset({"telegram_bot_token", "webhook_secret", "redis_url", "database_url"})
_HTTP_URL = re.compile(r"^https?://[^\s/?#]+", re.IGNORECASE)


class SettingsError(ValueError):
    """A setting whose value cannot be used; the message names the variable."""


class Settings(BaseSettings):
    """Every setting, named as its environment variable in lower case."""

    model_config = SettingsConfigDict(frozen=True, extra="forbid", allow_inf_nan=False,
                                      validate_default=True)

    spacy_model: Annotated[str, Field(min_length=1)] = DEFAULT_SPACY_MODEL
    # Fetching user-supplied links (bot/fetch): every limit is a setting.
    # Seconds to open the connection; seconds for the whole fetch, redirects included.
    fetch_connect_timeout: Annotated[float, Field(gt=0, le=60)] = 5.0
    fetch_total_timeout: Annotated[float, Field(gt=0, le=300)] = 15.0
    # Body cap, both as sent and after decompression.
    fetch_max_bytes: Annotated[int, Field(ge=10_000, le=100_000_000)] = 5_000_000
    fetch_max_redirects: Annotated[int, Field(ge=0, le=20)] = 5  # browsers stop at 20
    fetch_user_agent: Annotated[str, Field(min_length=1)] = DEFAULT_USER_AGENT
    fetch_trust_env: bool = False  # honour HTTP(S)_PROXY and friends from the environment
    fetch_allow_private: bool = False  # allow loopback/private targets (tests, self-hosting)
    # Seconds for trafilatura on one page, in a worker.
    extract_timeout: Annotated[float, Field(gt=0, le=300)] = 10.0
    # Storage (bot/store).
    database_path: Annotated[str, Field(min_length=1)] = "breakdown.sqlite3"
    # Empty: SQLite at database_path. postgresql://…: PostgreSQL, shared by every
    # front-end (bot/store/postgres.py). Hidden from repr: it may carry a password.
    database_url: Annotated[str, Field(repr=False)] = ""
    cache_ttl_seconds: Annotated[int, Field(ge=0, le=365 * DAY)] = DAY
    # Days usage events are kept for /stats (purged hourly with the cache); 0 keeps them
    # all. Two years by default: the table would otherwise grow for as long as the bot runs.
    usage_retention_days: Annotated[int, Field(ge=0, le=36_500)] = 730
    # Telegram (handlers/app.py). The token comes only from the environment or `.env`.
    telegram_bot_token: Annotated[str, Field(repr=False)] = ""
    telegram_base_url: str = "https://api.telegram.org/bot"  # another Bot API server
    # Keep re-sending a reply while the Bot API fails, for this many seconds.
    telegram_retry_seconds: Annotated[float, Field(ge=0, le=3600)] = 120.0
    admin_ids: str = ""  # comma-separated Telegram user ids who may see /stats
    webhook_url: str = ""  # set to run with a webhook instead of long polling
    # Telegram sends it in X-Telegram-Bot-Api-Secret-Token: 1-256 of A-Z a-z 0-9 _ -.
    webhook_secret: Annotated[str, Field(repr=False)] = ""
    webhook_listen: str = "0.0.0.0"
    webhook_port: Annotated[int, Field(ge=1, le=65535)] = 8443
    # Concurrent webhook requests Telegram may open (`python -m bot set-webhook`). Telegram's
    # own default is 40, but a front-end holds each request until its update is handled:
    # with 40 analyses in flight a /help waited seconds for a free connection (p99 5.0 s
    # in bench/scale.py, 0.22 s with 100, Telegram's maximum).
    webhook_max_connections: Annotated[int, Field(ge=1, le=100)] = 100
    # Processes for analysis; 0 = the CPU count. Each holds spaCy (~200 MB).
    analysis_workers: Annotated[int, Field(ge=0, le=64)] = 0
    # Seconds one analysis may run in a worker before the worker is killed. The longest
    # text a chat can send (max_text_chars) took 11 s on a busy 2-core machine: the limit
    # only stops a stuck or pathological analysis.
    analysis_timeout: Annotated[float, Field(ge=1, le=3600)] = 120.0
    # Breakdowns per user per minute.
    user_rate_limit: Annotated[int, Field(ge=1, le=100_000)] = 10
    # Seconds between automatic breakdowns in one group.
    group_cooldown_seconds: Annotated[int, Field(ge=0, le=DAY)] = 30
    # Quiet time after a burst before the "skipped N links" notice (handlers/skipped_links.py).
    group_notice_delay_seconds: Annotated[float, Field(ge=0, le=600)] = 3.0
    max_links_per_message: Annotated[int, Field(ge=1, le=20)] = 3
    # Shorter messages get a hint instead of a breakdown.
    min_text_words: Annotated[int, Field(ge=1, le=1000)] = 40
    # Longer pasted text is cut there, and the reply says so; the engine reads at most 1e6.
    max_text_chars: Annotated[int, Field(ge=1000, le=1_000_000)] = 100_000
    # Inline mode (handlers/inline_flow.py): seconds an uncached link may take before the answer is
    # "open in the bot". Telegram drops answers after about 10 s (undocumented), and the
    # answer itself needs time to travel: hence the upper bound.
    inline_budget_seconds: Annotated[float, Field(ge=0, le=8)] = 4.0
    # Seconds to wait for the next piece of a long paste (bot/paste.py) or forwarded series.
    paste_wait_seconds: Annotated[float, Field(ge=0, le=MAX_PASTE_WAIT)] = 3.0
    # Shared state for N front-ends (bot/redis_state): empty keeps it in this process.
    # May carry a password, so it is never echoed.
    redis_url: Annotated[str, Field(repr=False)] = ""
    # Celery workers (bot/celery_workers): seconds after which a job that no worker has
    # finished is handed to another worker. A job on a worker machine that died (SIGKILL,
    # power loss) comes back after this, so it bounds how long such a job is lost. A job
    # still running past it on a live worker is started again on another: wasted work,
    # never a wrong or duplicate reply (both copies store the same result under the same
    # content id, and the waiting front-end takes the first). The longest realistic job, an
    # analysis of a max_text_chars (100 000-character) text with the default pipeline,
    # took 5.4 s on an idle 2-core machine and 10.3 s on a busy one (load 3-4;
    # bench/longest_job.py); extraction, a job of its own, stops at extract_timeout (10 s).
    # 30 s leaves three times the worst of these before any job runs twice.
    job_visibility_seconds: Annotated[int, Field(ge=5, le=3600)] = 30

    if not TYPE_CHECKING:  # hidden from mypy, which then checks the fields' keyword arguments
        def __init__(self, **values: Any) -> None:
            try:
                super().__init__(**values)
            except ValidationError as error:
                raise SettingsError(_explain(error)) from None

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only the values given: `from_env` is the one place that reads the environment."""
        return (init_settings,)

    @field_validator("spacy_model")
    @classmethod
    def _pipeline_is_installed(cls, value: str) -> str:
        """Checked here, without loading spaCy: a typo would otherwise stop every worker."""
        try:
            installed = importlib.util.find_spec(value) is not None
        except (ImportError, ValueError):  # a dotted name whose parent does not exist
            installed = False
        # spacy.load also takes a directory, and "blank:xx" for an empty pipeline.
        if not (installed or Path(value).is_dir() or value.startswith("blank:")):
            raise ValueError("no installed spaCy pipeline package (or pipeline directory) "
                             "of that name")
        return value

    @field_validator("admin_ids")
    @classmethod
    def _admin_ids_are_user_ids(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip() and not (part.strip().isascii() and part.strip().isdigit()):
                raise ValueError("must be Telegram user ids (numbers) separated by commas, "
                                 f"and {part.strip()!r} is not one")
        return value

    @field_validator("telegram_base_url")
    @classmethod
    def _is_http_url(cls, value: str) -> str:
        if not _HTTP_URL.match(value):
            raise ValueError("must be an http:// or https:// address")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _is_http_url_or_empty(cls, value: str) -> str:
        return value and cls._is_http_url(value)

    @field_validator("webhook_secret")
    @classmethod
    def _is_a_telegram_secret_token(cls, value: str) -> str:
        if value and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
            raise ValueError("must be 1 to 256 characters, each a letter, digit, _ or - "
                             "(what Telegram accepts as a secret token)")
        return value

    @field_validator("redis_url")
    @classmethod
    def _is_redis_url_or_empty(cls, value: str) -> str:
        if value and not re.match(r"^rediss?://[^\s/?#]+", value, re.IGNORECASE):
            raise ValueError("must be empty or a redis:// (or rediss://) address")
        return value

    @field_validator("database_url")
    @classmethod
    def _is_postgresql_url_or_empty(cls, value: str) -> str:
        if value and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("must be empty (SQLite at DATABASE_PATH) or a postgresql:// "
                             "address")
        return value

    @property
    def admin_id_set(self) -> frozenset[int]:
        return frozenset(int(part) for part in self.admin_ids.split(",") if part.strip())

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None,
                 dotenv: Path | None = None) -> Settings:
        """Environment variables win over `.env`; `.env` wins over defaults. An empty value
        means the default. Raises `SettingsError`."""
        environment = os.environ if env is None else env
        from_file = DotEnvSettingsSource(cls, env_file=dotenv or Path(".env"),
                                         env_ignore_empty=True)()
        values = {name: value for name, value in from_file.items() if name in cls.model_fields}
        values.update({name: environment[name.upper()] for name in cls.model_fields
                       if environment.get(name.upper())})
        return cls(**values)


def _explain(error: ValidationError) -> str:
    """One line naming each bad variable, with its value and what it must be."""
    problems = []
    for item in error.errors(include_url=False):
        name = str(item["loc"][0]) if item["loc"] else "?"
        field = Settings.model_fields.get(name)
        shown = name.upper() if name in _SECRETS else f"{name.upper()}={item['input']!r}"
        if field is None:
            problems.append(f"{name.upper()} is not a setting")
        elif field.annotation in (int, float):
            problems.append(f"{shown} must be {_number_range(field)}")
        elif field.annotation is bool:
            problems.append(f"{shown} must be true or false")
        else:
            problems.append(f"{shown}: {item['msg'].removeprefix('Value error, ')}")
    return "; ".join(problems)


def _number_range(field: FieldInfo) -> str:
    """ "a whole number from 1 to 65535", "a number above 0 and at most 60", …"""
    kind = "a whole number" if field.annotation is int else "a number"
    low = high = None
    above = False
    for constraint in field.metadata:
        if hasattr(constraint, "gt"):
            low, above = constraint.gt, True
        low = getattr(constraint, "ge", low)
        high = getattr(constraint, "le", high)
    if low is None or high is None:
        return kind
    if above:
        return f"{kind} above {_number(low)} and at most {_number(high)}"
    return f"{kind} from {_number(low)} to {_number(high)}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
