"""The contract's JSON (``../shared/eval/README.md`` §1)."""

from __future__ import annotations

import json

from bot.breakdown.model import Breakdown


def render_json(breakdown: Breakdown, *, indent: int | None = None) -> str:
    return json.dumps(breakdown.to_dict(), ensure_ascii=False, indent=indent)
