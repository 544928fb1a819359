"""Breakdown renderings: terminal text and JSON here; Telegram HTML (the compact reply,
its expanded sections, the inline-mode card) in `bot.render.telegram` and its siblings."""

from bot.render.json import render_json
from bot.render.terminal import render_terminal

__all__ = ["render_json", "render_terminal"]
