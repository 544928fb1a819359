"""Fixtures the end-to-end modules share: one Bot API emulator and one news site per
module (a module may override either, as the inline tests do to turn inline mode on)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.article_site import serve_site
from tests.botapi.server import BotAPIServer


@pytest.fixture(scope="module")
def botapi() -> Iterator[BotAPIServer]:
    server = BotAPIServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with serve_site() as base:
        yield base
