"""Links end to end: a real HTTP server on 127.0.0.1, the fetcher, the engine, the cache."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from bot.fetch import FetchError
from bot.service import breakdown_link
from bot.settings import Settings
from bot.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "examples" / "seed-us-blames-russians.txt").read_text(encoding="utf-8")
TITLE = "U.S. Blames Russians For Tensions In Northeastern Syria"


def seed_page() -> bytes:
    """The seed article as a news page: site chrome, a site suffix in the title, a date."""
    body = SEED.split("Click to see full-size image", 1)[1].split("Do you like", 1)[0]
    paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>\n" for p in body.split("\n\n")
                         if p.strip())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{TITLE} | Example Front</title>
<meta property="og:site_name" content="Example Front">
<meta property="article:published_time" content="2020-02-06T10:00:00+00:00">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/donate">Donate</a></nav>
<article><h1>{TITLE}</h1>
{paragraphs}</article>
<footer>Copyright Example Front. All rights reserved.</footer>
</body></html>""".encode()


class _Handler(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []  # paths served, shared by the handler threads

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        if self.path.startswith("/article"):
            self._send(200, "text/html; charset=utf-8", seed_page())
        elif self.path == "/empty":
            self._send(200, "text/html", b"<html><body><nav><a href='/'>Home</a></nav></body>"
                                         b"</html>")
        elif self.path == "/file.pdf":
            self._send(200, "application/pdf", b"%PDF-1.4 not a web page")
        else:
            self._send(404, "text/html", b"<html><body>Not found</body></html>")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # Loopback is a private address: the test server is only reachable with the switch on.
    return Settings(fetch_allow_private=True, database_path=str(tmp_path / "bot.sqlite3"),
                    fetch_total_timeout=10, extract_timeout=30)


async def test_link_breakdown_is_as_good_as_pasted_text(site: str, settings: Settings) -> None:
    async with await Store.open(settings.database_path) as store:
        result = await breakdown_link(f"{site}/article?utm_source=tg", settings=settings,
                                      store=store)
    breakdown = result.breakdown
    assert not result.cached
    assert breakdown.source.kind == "url"
    assert breakdown.source.title == TITLE  # site suffix stripped
    assert breakdown.source.published == "2020-02-06"
    speakers = {q.speaker for q in breakdown.quotes}
    assert {"James Jeffrey", "Mark Lowcock"} <= speakers
    # The page's date gives "February 5th" its year.
    assert "2020-02-05" in {d.value for d in breakdown.dates}


async def test_second_request_comes_from_the_cache(site: str, settings: Settings) -> None:
    _Handler.requests.clear()
    async with await Store.open(settings.database_path) as store:
        first = await breakdown_link(f"{site}/article?id=1", settings=settings, store=store)
        again = await breakdown_link(f"{site.upper()}/article?id=1&fbclid=abc#top",
                                     settings=settings, store=store)
    assert not first.cached and again.cached
    assert _Handler.requests == ["/article?id=1"]
    assert again.breakdown.to_dict() == first.breakdown.to_dict()


async def test_loopback_refused_without_the_private_switch(site: str, tmp_path: Path) -> None:
    _Handler.requests.clear()
    settings = Settings(database_path=str(tmp_path / "bot.sqlite3"))
    with pytest.raises(FetchError) as caught:
        await breakdown_link(f"{site}/article", settings=settings, store=None)
    assert "private or local" in caught.value.user_message
    assert _Handler.requests == []


@pytest.mark.parametrize(("path", "message"), [
    ("/empty", "couldn't find article text"),
    ("/file.pdf", "isn't a web page"),
    ("/missing", "error 404"),
])
async def test_failures_have_a_clear_message(site: str, settings: Settings, path: str,
                                             message: str) -> None:
    with pytest.raises(FetchError) as caught:
        await breakdown_link(f"{site}{path}", settings=settings, store=None)
    assert message in caught.value.user_message


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "breakdown", *args], cwd=ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=120, check=False)


def test_cli_link_json_includes_source_metadata(site: str, tmp_path: Path) -> None:
    env = {"FETCH_ALLOW_PRIVATE": "true", "DATABASE_PATH": str(tmp_path / "cli.sqlite3")}
    done = _cli("--json", f"{site}/article", env=env)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["source"]["kind"] == "url"
    assert data["source"]["url"].startswith(site)
    assert data["source"]["title"] == TITLE
    assert data["source"]["published"] == "2020-02-06"


def test_cli_link_failure_is_one_line(site: str, tmp_path: Path) -> None:
    env = {"DATABASE_PATH": str(tmp_path / "cli.sqlite3")}  # private switch off
    done = _cli(f"{site}/article", env=env)
    assert done.returncode == 3
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ")
    assert "private or local" in done.stderr
