"""The database schema, as numbered migrations applied in order (PRAGMA user_version).

Never edit a migration that has shipped: add the next one.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: the link cache. The key is the canonical URL (`cache_key` in bot/urls.py).
    """
    CREATE TABLE breakdown_cache (
        url_key TEXT PRIMARY KEY,
        created_at REAL NOT NULL,
        breakdown_json TEXT NOT NULL,
        published_reliable INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX breakdown_cache_created ON breakdown_cache (created_at);
    """,
    # 2: usage events and per-chat settings (bot/store/usage.py).
    # usage_events has no column that can hold message or article text: the text columns
    # are short codes (a host name at most), and the CHECKs bound them so a slip in the
    # code cannot store a paragraph. Times are unix seconds (UTC).
    # chat_settings has no foreign keys, so a group that becomes a supergroup (a new chat
    # id) is carried over by moving its row: Store.migrate_chat.
    """
    CREATE TABLE usage_events (
        id INTEGER PRIMARY KEY,
        at REAL NOT NULL,
        chat_id INTEGER NOT NULL CHECK (typeof(chat_id) = 'integer'),
        chat_type TEXT NOT NULL CHECK (length(chat_type) <= 16),
        user_id INTEGER NULL CHECK (typeof(user_id) IN ('integer', 'null')),
        input_kind TEXT NOT NULL CHECK (length(input_kind) <= 16),
        domain TEXT NULL CHECK (domain IS NULL OR length(domain) <= 253),
        words INTEGER NULL CHECK (typeof(words) IN ('integer', 'null')),
        latency_ms INTEGER NULL CHECK (typeof(latency_ms) IN ('integer', 'null')),
        outcome TEXT NOT NULL CHECK (length(outcome) <= 32),
        cached INTEGER NOT NULL DEFAULT 0 CHECK (cached IN (0, 1))
    );
    CREATE INDEX usage_events_at ON usage_events (at);
    CREATE INDEX usage_events_chat_at ON usage_events (chat_id, at);
    CREATE TABLE chat_settings (
        chat_id INTEGER PRIMARY KEY,
        auto_breakdown INTEGER NOT NULL DEFAULT 0,
        last_auto_at REAL NULL,
        updated_at REAL NOT NULL
    );
    """,
    # 3: where each breakdown's time went, in milliseconds: fetching the page, analysing
    # (queueing for a worker included), rendering, and sending the reply to Telegram.
    """
    ALTER TABLE usage_events ADD COLUMN fetch_ms INTEGER NULL
        CHECK (typeof(fetch_ms) IN ('integer', 'null'));
    ALTER TABLE usage_events ADD COLUMN analysis_ms INTEGER NULL
        CHECK (typeof(analysis_ms) IN ('integer', 'null'));
    ALTER TABLE usage_events ADD COLUMN render_ms INTEGER NULL
        CHECK (typeof(render_ms) IN ('integer', 'null'));
    ALTER TABLE usage_events ADD COLUMN send_ms INTEGER NULL
        CHECK (typeof(send_ms) IN ('integer', 'null'));
    """,
    # 4: deep-link tokens (bot/store/links.py). A /start parameter holds at most 64 of
    # [A-Za-z0-9_-], so inline mode's "open in the bot" buttons carry a hash of the link
    # and this table gives the link back: a page address, as in the cache, never text.
    """
    CREATE TABLE link_tokens (
        token TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        used_at REAL NOT NULL
    );
    CREATE INDEX link_tokens_used ON link_tokens (used_at);
    """,
)
