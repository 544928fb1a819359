"""Deep-link tokens, as a mixin for `bot.store.Store`: a short name for a link that fits a
/start parameter (t.me/yourbot?start=…), for inline mode's buttons.

The token is a hash of the link's cache key, so one page always gets the same token and
asking again only refreshes its date; tokens unused for `TOKEN_DAYS` are forgotten.
"""

from __future__ import annotations

import base64
import hashlib
import time
from typing import TYPE_CHECKING

from bot.urls import cache_key

if TYPE_CHECKING:
    import aiosqlite

TOKEN_DAYS = 30  # a card sent into a chat may be tapped days later
TOKEN_CHARS = 22  # 132 bits of the hash, in base64url: A-Z a-z 0-9 _ -


def token_for(url: str) -> str:
    """The token of `url`: the same for every spelling of one page (see bot.urls)."""
    digest = hashlib.sha256(cache_key(url).encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:TOKEN_CHARS]


class LinkTokenMixin:
    """Store methods for deep-link tokens; needs `self._db`."""

    _db: aiosqlite.Connection

    async def link_token(self, url: str, *, now: float | None = None) -> str:
        """Remember `url` under its token (refreshing its date) and return the token."""
        now = time.time() if now is None else now
        token = token_for(url)
        await self._db.execute(
            "INSERT INTO link_tokens (token, url, used_at) VALUES (?, ?, ?) "
            "ON CONFLICT (token) DO UPDATE SET used_at = excluded.used_at",
            (token, cache_key(url), now))
        await self._forget_unused_tokens(now)
        await self._db.commit()
        return token

    async def purge_link_tokens(self, *, now: float | None = None) -> int:
        """Delete the tokens unused for `TOKEN_DAYS`; returns how many."""
        deleted = await self._forget_unused_tokens(time.time() if now is None else now)
        await self._db.commit()
        return deleted

    async def _forget_unused_tokens(self, now: float) -> int:
        cursor = await self._db.execute("DELETE FROM link_tokens WHERE used_at < ?",
                                        (now - TOKEN_DAYS * 86_400,))
        return cursor.rowcount

    async def link_for_token(self, token: str, *, now: float | None = None) -> str | None:
        """The link remembered under `token`, or None if unknown or forgotten."""
        now = time.time() if now is None else now
        async with self._db.execute(
            "SELECT url FROM link_tokens WHERE token = ? AND used_at >= ?",
            (token, now - TOKEN_DAYS * 86_400),
        ) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else None
