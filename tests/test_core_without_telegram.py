"""The line between the product core and the Telegram front end: no module of `bot/`
imports `telegram` (the engine, fetching, rendering, the store, settings, services, chat
text classification, paste joining, the limiter, the button memories, stats); everything
that speaks Telegram lives in `handlers/`.

Each check imports in a fresh interpreter, so what the test process already loaded (the
end-to-end tests load python-telegram-bot) cannot hide an import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The modules the issue names, which must be among those checked.
NAMED = ("bot.breakdown", "bot.fetch", "bot.store", "bot.render", "bot.settings",
         "bot.service", "bot.messages", "bot.paste", "bot.rate_limit", "bot.token_memory",
         "bot.failures", "bot.stats")
# Imports the given modules in turn; prints, for the first that brought python-telegram-bot
# in, the first telegram module it loaded.
PROBE = """
import importlib, json, sys

culprits = {}
for name in sys.argv[1:]:
    importlib.import_module(name)
    loaded = sorted(m for m in sys.modules if m == "telegram" or m.startswith("telegram."))
    if loaded:
        culprits[name] = loaded[0]
        break
print(json.dumps(culprits))
"""


def core_modules() -> list[str]:
    """Every module of `bot/`, found from its files (importing packages to list them would
    import them before the probe could tell which one brought telegram in)."""
    names = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__main__":  # runs the command line
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def probe(*modules: str) -> dict[str, str]:
    """Which of `modules`, imported in order in a fresh interpreter, first loaded telegram."""
    done = subprocess.run([sys.executable, "-c", PROBE, *modules], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120, check=True)
    culprits: dict[str, str] = json.loads(done.stdout)
    return culprits


def test_no_core_module_imports_telegram() -> None:
    modules = core_modules()
    assert set(NAMED) <= set(modules) and len(modules) > 50
    assert probe(*modules) == {}


def test_the_probe_sees_a_telegram_import() -> None:
    """The check can fail: the composition root does import python-telegram-bot."""
    assert probe("bot.settings", "handlers.app", "bot.store") == {"handlers.app": "telegram"}
