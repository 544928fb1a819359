"""Fixtures the end-to-end modules share: one Bot API emulator and one news site per
module (a module may override either, as the inline tests do to turn inline mode on);
and the hypothesis profile of the run (tests/hypothesis_profiles.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.article_site import serve_site
from tests.botapi.server import BotAPIServer
from tests.hypothesis_profiles import DEV, FULL

# Real servers as session fixtures: Redis (tests.servers) and PostgreSQL (tests.pg_server).
pytest_plugins = ["tests.servers", "tests.pg_server"]


def pytest_configure(config: pytest.Config) -> None:
    """The quick tier (`-m "not slow"`) gets the "dev" profile, every other run "full";
    `--hypothesis-profile` (hypothesis's own option, applied after this) overrides both."""
    quick = re.search(r"\bnot\s+slow\b", config.option.markexpr or "")
    settings.load_profile(DEV if quick else FULL)


@pytest.fixture(scope="module")
def botapi() -> Iterator[BotAPIServer]:
    server = BotAPIServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with serve_site() as base:
        yield base
