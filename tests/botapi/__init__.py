"""Telegram Bot API emulator for end-to-end tests (see server.BotAPIServer)."""

from .server import ApiError, BotAPIServer

__all__ = ["ApiError", "BotAPIServer"]
