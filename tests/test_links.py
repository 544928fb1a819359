"""Links end to end: a real HTTP server on 127.0.0.1, the fetcher, the engine, the cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.fetch import FetchError
from bot.process_workers import ProcessWorkers
from bot.service import breakdown_link
from bot.settings import Settings
from bot.store import SQLiteStore, domain_of
from tests.article_site import TITLE, SiteHandler

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def workers() -> Iterator[ProcessWorkers]:
    workers = ProcessWorkers.from_settings(Settings(extract_timeout=30), size=1)
    yield workers
    workers.shutdown()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # Loopback is a private address: the test server is only reachable with the switch on.
    return Settings(fetch_allow_private=True, database_path=str(tmp_path / "bot.sqlite3"),
                    fetch_total_timeout=10, extract_timeout=30)


async def test_link_breakdown_is_as_good_as_pasted_text(site: str, settings: Settings,
                                                        workers: ProcessWorkers) -> None:
    async with await SQLiteStore.open(settings.database_path) as store:
        result = await breakdown_link(f"{site}/article?utm_source=tg", settings=settings,
                                      store=store, workers=workers)
    breakdown = result.breakdown
    assert not result.cached
    assert breakdown.source.kind == "url"
    assert breakdown.source.title == TITLE  # site suffix stripped
    assert breakdown.source.published == "2020-02-06"
    speakers = {q.speaker for q in breakdown.quotes}
    assert {"James Jeffrey", "Mark Lowcock"} <= speakers
    # The page's date gives "February 5th" its year.
    assert "2020-02-05" in {d.value for d in breakdown.dates}


async def test_second_request_comes_from_the_cache(site: str, settings: Settings,
                                                   workers: ProcessWorkers) -> None:
    SiteHandler.requests.clear()
    async with await SQLiteStore.open(settings.database_path) as store:
        first = await breakdown_link(f"{site}/article?id=1", settings=settings, store=store,
                                     workers=workers)
        again = await breakdown_link(f"{site.upper()}/article?id=1&fbclid=abc#top",
                                     settings=settings, store=store, workers=workers)
    assert not first.cached and again.cached
    assert SiteHandler.requests == ["/article?id=1"]
    assert again.breakdown.to_dict() == first.breakdown.to_dict()


async def test_a_store_that_is_down_costs_the_cache_not_the_reply(
        site: str, settings: Settings, workers: ProcessWorkers) -> None:
    """The link cache is an optimisation: with its database gone (closed here, as a
    PostgreSQL restart would leave it), the page is broken down afresh."""
    store = await SQLiteStore.open(settings.database_path)
    await store.close()
    result = await breakdown_link(f"{site}/article?id=down", settings=settings, store=store,
                                  workers=workers)
    assert not result.cached
    assert result.breakdown.source.title == TITLE


async def test_the_cache_key_is_the_url_that_was_fetched(site: str, settings: Settings,
                                                          workers: ProcessWorkers) -> None:
    """One parse: the request line, the cache row and the usage domain come from it."""
    SiteHandler.requests.clear()
    port = site.rsplit(":", 1)[1]
    async with await SQLiteStore.open(settings.database_path) as store:
        first = await breakdown_link(f"{site}/news/../article/./?id=%31&utm_source=tg#top",
                                     settings=settings, store=store, workers=workers)
        # Another spelling of the same page: a numeric host, an encoded "1", no tracking.
        again = await breakdown_link(f"http://0x7f.0.0.1:{port}/article/?%69d=1",
                                     settings=settings, store=store, workers=workers)
        keys = await store.read_rows("SELECT url_key FROM breakdown_cache")
    assert SiteHandler.requests == ["/article/?id=1&utm_source=tg"]
    assert keys == [(f"http://127.0.0.1:{port}/article/?id=1",)]
    assert not first.cached and again.cached
    assert domain_of(f"http://0x7f.1:{port}/") == "127.0.0.1"


async def test_loopback_refused_without_the_private_switch(site: str, tmp_path: Path,
                                                          workers: ProcessWorkers) -> None:
    SiteHandler.requests.clear()
    settings = Settings(database_path=str(tmp_path / "bot.sqlite3"))
    with pytest.raises(FetchError) as caught:
        await breakdown_link(f"{site}/article", settings=settings, store=None, workers=workers)
    assert "private or local" in caught.value.user_message
    assert SiteHandler.requests == []


@pytest.mark.parametrize(("path", "message"), [
    ("/empty", "couldn't find article text"),
    ("/file.pdf", "isn't a web page"),
    ("/missing", "error 404"),
])
async def test_failures_have_a_clear_message(site: str, settings: Settings, path: str,
                                             message: str, workers: ProcessWorkers) -> None:
    with pytest.raises(FetchError) as caught:
        await breakdown_link(f"{site}{path}", settings=settings, store=None, workers=workers)
    assert message in caught.value.user_message


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "breakdown", *args], cwd=ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.mark.slow  # python -m bot in a subprocess
def test_cli_link_json_includes_source_metadata(site: str, tmp_path: Path) -> None:
    env = {"FETCH_ALLOW_PRIVATE": "true", "DATABASE_PATH": str(tmp_path / "cli.sqlite3")}
    done = _cli("--json", f"{site}/article", env=env)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["source"]["kind"] == "url"
    assert data["source"]["url"].startswith(site)
    assert data["source"]["title"] == TITLE
    assert data["source"]["published"] == "2020-02-06"


@pytest.mark.slow  # python -m bot in a subprocess
def test_cli_link_failure_is_one_line(site: str, tmp_path: Path) -> None:
    env = {"DATABASE_PATH": str(tmp_path / "cli.sqlite3")}  # private switch off
    done = _cli(f"{site}/article", env=env)
    assert done.returncode == 3
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ")
    assert "private or local" in done.stderr
