"""The PostgreSQL schema: the same numbered migrations as bot/store/migrations.py (SQLite),
in PostgreSQL's dialect. Migration N here makes the same tables and columns as migration N
there, so a schema version means the same thing on both backends.

Never edit a migration that has shipped: add the next one, to both lists.
"""

from __future__ import annotations

PG_MIGRATIONS: tuple[str, ...] = (
    # 1: the link cache. The key is the canonical URL (`cache_key` in bot/urls.py).
    """
    CREATE TABLE breakdown_cache (
        url_key TEXT PRIMARY KEY,
        created_at DOUBLE PRECISION NOT NULL,
        breakdown_json TEXT NOT NULL,
        published_reliable INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX breakdown_cache_created ON breakdown_cache (created_at);
    """,
    # 2: usage events and per-chat settings. As in SQLite, no column can hold message or
    # article text: the text columns are short codes bounded by CHECKs (the typed columns
    # need no typeof checks here).
    """
    CREATE TABLE usage_events (
        id BIGSERIAL PRIMARY KEY,
        at DOUBLE PRECISION NOT NULL,
        chat_id BIGINT NOT NULL,
        chat_type TEXT NOT NULL CHECK (length(chat_type) <= 16),
        user_id BIGINT NULL,
        input_kind TEXT NOT NULL CHECK (length(input_kind) <= 16),
        domain TEXT NULL CHECK (domain IS NULL OR length(domain) <= 253),
        words INTEGER NULL,
        latency_ms INTEGER NULL,
        outcome TEXT NOT NULL CHECK (length(outcome) <= 32),
        cached INTEGER NOT NULL DEFAULT 0 CHECK (cached IN (0, 1))
    );
    CREATE INDEX usage_events_at ON usage_events (at);
    CREATE INDEX usage_events_chat_at ON usage_events (chat_id, at);
    CREATE TABLE chat_settings (
        chat_id BIGINT PRIMARY KEY,
        auto_breakdown INTEGER NOT NULL DEFAULT 0,
        last_auto_at DOUBLE PRECISION NULL,
        updated_at DOUBLE PRECISION NOT NULL
    );
    """,
    # 3: where each breakdown's time went, in milliseconds.
    """
    ALTER TABLE usage_events ADD COLUMN fetch_ms INTEGER NULL;
    ALTER TABLE usage_events ADD COLUMN analysis_ms INTEGER NULL;
    ALTER TABLE usage_events ADD COLUMN render_ms INTEGER NULL;
    ALTER TABLE usage_events ADD COLUMN send_ms INTEGER NULL;
    """,
    # 4: deep-link tokens (bot/store/links.py): a page address, as in the cache, never text.
    """
    CREATE TABLE link_tokens (
        token TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        used_at DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX link_tokens_used ON link_tokens (used_at);
    """,
)
