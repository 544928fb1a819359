"""A local news site on 127.0.0.1 for link tests: the seed article as a web page."""

from __future__ import annotations

import html
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "examples" / "seed-us-blames-russians.txt").read_text(encoding="utf-8")
TITLE = "U.S. Blames Russians For Tensions In Northeastern Syria"
SLOW_MAX = 30.0
# The article's own prose, without the site's furniture around it.
SEED_BODY = SEED.split("Click to see full-size image", 1)[1].split("Do you like", 1)[0]


def seed_words(count: int) -> str:
    """The first `count` words of the seed article's prose (repeated as needed), in one line."""
    words = SEED_BODY.split()
    return " ".join((words * (count // len(words) + 1))[:count])


def seed_page() -> bytes:
    """The seed article as a news page: site chrome, a site suffix in the title, a date."""
    paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>\n" for p in SEED_BODY.split("\n\n")
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


class SiteHandler(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []  # paths served, shared by the handler threads
    # /slow… answers with the seed page once a test opens this gate (or after SLOW_MAX s):
    # a page slower than any time budget, whatever the machine's speed.
    slow_gate: ClassVar[threading.Event] = threading.Event()

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        if self.path.startswith("/article"):
            self._send(200, "text/html; charset=utf-8", seed_page())
        elif self.path.startswith("/slow"):
            type(self).slow_gate.wait(SLOW_MAX)
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


@contextmanager
def serve_site() -> Iterator[str]:
    """The site's base URL while the server runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), SiteHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
