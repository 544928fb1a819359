"""Breakdown renderings: terminal text and JSON (Telegram HTML arrives with the bot)."""

from bot.render.json import render_json
from bot.render.terminal import render_terminal

__all__ = ["render_json", "render_terminal"]
