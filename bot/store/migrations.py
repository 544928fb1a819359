"""The database schema, as numbered migrations applied in order (PRAGMA user_version).

Never edit a migration that has shipped: add the next one.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: the link cache. The key is the normalised URL (see bot/store/urls.py).
    """
    CREATE TABLE breakdown_cache (
        url_key TEXT PRIMARY KEY,
        created_at REAL NOT NULL,
        breakdown_json TEXT NOT NULL,
        published_reliable INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX breakdown_cache_created ON breakdown_cache (created_at);
    """,
)
