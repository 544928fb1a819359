"""Article extraction (`bot.fetch.extract`), and in the killable workers (`bot.process_workers`).

Fixture pages are WCXB benchmark pages (CC-BY-4.0, see tests/fixtures/pages/README.md).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.fetch.article import Article
from bot.fetch.errors import (
    ExtractionFailed,
    ExtractionTimeout,
    ExtractionWorkerDied,
    NoArticleText,
)
from bot.fetch.extract import clean_title, extract_article
from bot.process_workers import ProcessWorkers, extract_page
from tests.botproc import ended

PAGES = Path(__file__).parent / "fixtures" / "pages"
EXPECTED = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})

# Enough running text to pass the 40-word floor.
PARAGRAPH = ("The council voted on Tuesday to rebuild the old bridge over the river, a project "
             "that residents have requested for more than a decade. The mayor said the work "
             "would begin in the spring and take about two years to complete, while traffic "
             "will be diverted through the northern district during construction.")


def _norm(text: str) -> str:
    """Typographic quotes and line breaks differ between the gold text and extraction."""
    return " ".join(text.translate(_QUOTES).split())


def _page(record: dict) -> bytes:
    return gzip.decompress((PAGES / record["file"]).read_bytes())


@pytest.fixture(scope="module")
def extracted() -> dict[str, object]:
    return {r["id"]: extract_article(_page(r), r["url"]) for r in EXPECTED}


@pytest.mark.parametrize("record", EXPECTED, ids=[r["id"] for r in EXPECTED])
def test_fixture_pages(record: dict, extracted: dict) -> None:
    article = extracted[record["id"]]
    assert article.title == record["title"]  # site suffix stripped
    text = _norm(article.text)
    assert _norm(record["first_sentence"]) in text
    for sentence in record["with"]:
        assert _norm(sentence) in text
    for boilerplate in record["without"]:
        assert _norm(boilerplate) not in text
    assert article.published == dt.date.fromisoformat(record["published"])
    assert article.published_reliable
    assert article.url == record["url"]
    assert article.language == "en"


def test_legacy_charset_page_from_benchmark(extracted: dict) -> None:
    # 0052 declares windows-1252; a UTF-8 decode would leave U+FFFD in the text.
    assert "\ufffd" not in extracted["0052"].text


def test_canonical_url_wins_over_fetched_url() -> None:
    record = next(r for r in EXPECTED if r["id"] == "0094")
    article = extract_article(_page(record), record["url"] + "?utm_source=telegram")
    assert article.url == record["url"]


def _html(body: str, head: str = "") -> str:
    return (f"<html><head>{head}</head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>Café news</h1>{body}</article></body></html>")


ACCENTED = ("<p>Le café de la Société Générale a réouvert à Montréal: élèves, économistes et "
            "créateurs s'y retrouvent déjà.</p>")


def test_meta_charset_windows_1252() -> None:
    head = '<meta charset="windows-1252"><title>Café news | Le Journal</title>'
    page = _html(ACCENTED + f"<p>{PARAGRAPH}</p>", head).encode("cp1252")
    article = extract_article(page, "https://journal.example/cafe")
    assert "Société Générale a réouvert à Montréal" in article.text
    assert article.title == "Café news"


def test_latin1_label_decoded_as_windows_1252() -> None:
    # Browsers read "iso-8859-1" as windows-1252, which has curly quotes at 0x91-0x94.
    head = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    page = _html("<p>“Économie” – élan</p>" + f"<p>{PARAGRAPH}</p>", head).encode("cp1252")
    assert "“Économie” – élan" in extract_article(page, "https://x.example/a").text


def test_only_http_declared_charset() -> None:
    page = _html(ACCENTED + f"<p>{PARAGRAPH}</p>").encode("cp1252")
    article = extract_article(page, "https://x.example/a", declared_charset="windows-1252")
    assert "créateurs s'y retrouvent déjà" in article.text


def test_utf8_page_with_wrong_http_charset_stays_utf8() -> None:
    page = _html(ACCENTED + f"<p>{PARAGRAPH}</p>").encode("utf-8")
    article = extract_article(page, "https://x.example/a", declared_charset="iso-8859-1")
    assert "Société Générale" in article.text


def test_page_without_a_date() -> None:
    page = _html(f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>", "<title>Bridge</title>").encode()
    article = extract_article(page, "https://x.example/bridge")
    assert article.published is None or not article.published_reliable


def test_meta_date_is_reliable() -> None:
    head = '<meta property="article:published_time" content="2024-03-05T10:00:00Z">'
    article = extract_article(_html(f"<p>{PARAGRAPH}</p>", head).encode(), None)
    assert article.published == dt.date(2024, 3, 5)
    assert article.published_reliable


def test_text_plain() -> None:
    body = ("Déjà vu. " + PARAGRAPH).encode("latin-1")
    article = extract_article(body, "https://x.example/a.txt", declared_charset="latin-1",
                              text_plain=True)
    assert article.text.startswith("Déjà vu. The council voted")
    assert article.url == "https://x.example/a.txt"
    assert article.site == "x.example"
    assert article.published is None
    assert article.language == "en"


def test_text_plain_without_charset_is_utf8() -> None:
    article = extract_article(("Ça va. " + PARAGRAPH).encode(), None, text_plain=True)
    assert article.text.startswith("Ça va.")


def test_page_of_links_has_no_article() -> None:
    links = "".join(f"<li><a href='/p/{i}'>Section {i}</a></li>" for i in range(60))
    page = f"<html><body><nav><ul>{links}</ul></nav></body></html>".encode()
    with pytest.raises(NoArticleText):
        extract_article(page, "https://x.example/")
    with pytest.raises(NoArticleText):
        extract_article(b"", "https://x.example/")
    with pytest.raises(NoArticleText):
        extract_article(b"Too short.", None, text_plain=True)


@pytest.mark.parametrize(("title", "site", "url", "expected"), [
    ("How To Book a Flight | It’s All Trip To Me", "It’s All Trip To Me",
     "https://www.itsalltriptome.com/x", "How To Book a Flight"),
    ("Best Cloud Stocks of 2025 | The Motley Fool", "The Motley Fool",
     "https://www.fool.com/x", "Best Cloud Stocks of 2025"),
    ("Leadfeeder | State of SEO in 2026", "Leadfeeder", "https://www.leadfeeder.com/x",
     "State of SEO in 2026"),
    ("Guide: Everything - Urge Fitness | Affordable Gyms Near Me in PA and NJ today",
     "Urge Fitness | Affordable Gyms Near Me in PA and NJ today", "https://urge.example/x",
     "Guide: Everything"),
    # A second half that does not name the site stays.
    ("Best Apps to Learn a Language – Top 10 Picks", "talkreal.org", "https://talkreal.org/x",
     "Best Apps to Learn a Language – Top 10 Picks"),
    ("Opinion: The Bridge Must Be Rebuilt", "Daily Planet", "https://planet.example/x",
     "Opinion: The Bridge Must Be Rebuilt"),
    (None, "Site", None, None),
])
def test_clean_title(title: str | None, site: str, url: str | None,
                     expected: str | None) -> None:
    assert clean_title(title, site, url) == expected


# Module-level so a worker process can import it by name.
def slow_or_real_extract(page: bytes, url: str | None, declared_charset: str | None,
                         text_plain: bool) -> Article:
    """A page that is a file path hangs, after writing its worker's pid there; any other
    page is extracted as usual."""
    if page.startswith(b"/"):
        Path(page.decode()).write_text(str(os.getpid()))
        time.sleep(60)
    return extract_page(page, url, declared_charset, text_plain)


class HangingWorkers(ProcessWorkers):
    extraction_task = staticmethod(slow_or_real_extract)


@pytest.fixture(scope="module")
def workers() -> Iterator[ProcessWorkers]:
    # The limit also covers a cold worker importing this module on a busy machine: generous
    # enough that the slow target has surely started before it strikes.
    workers = HangingWorkers(size=1, analysis_timeout=60.0, extraction_timeout=5.0)
    yield workers
    workers.shutdown()


async def wait_for_pid(pid_file: Path) -> int:
    for _ in range(600):
        if pid_file.exists() and pid_file.read_text():
            return int(pid_file.read_text())
        await asyncio.sleep(0.05)
    raise AssertionError("the hanging extraction never started")


@pytest.mark.slow  # real worker processes
async def test_worker_matches_direct_call(workers: ProcessWorkers) -> None:
    record = EXPECTED[0]
    in_worker = await workers.extract(_page(record), record["url"])
    assert in_worker == extract_article(_page(record), record["url"])
    with pytest.raises(NoArticleText):  # errors cross the process boundary as themselves
        await workers.extract(b"<html></html>", None)


@pytest.mark.slow  # a fault: a worker killed at its timeout
async def test_worker_timeout_kills_the_worker(workers: ProcessWorkers, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    with pytest.raises(ExtractionTimeout, match="ran past its 5 s limit") as failed:
        await workers.extract(str(pid_file).encode(), None)
    assert "took too long" in failed.value.user_message
    pid = int(pid_file.read_text())
    assert await ended(pid)  # killed, not left sleeping
    # A new worker replaced it and works.
    article = await workers.extract(PARAGRAPH.encode(), None, text_plain=True)
    assert article.text == PARAGRAPH


@pytest.mark.slow  # a fault: a worker killed from outside
async def test_a_killed_extraction_worker_fails_that_page_and_is_replaced(
        workers: ProcessWorkers, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    running = asyncio.create_task(workers.extract(str(pid_file).encode(), None))
    pid = await wait_for_pid(pid_file)
    os.kill(pid, signal.SIGKILL)  # as the OOM killer would
    with pytest.raises(ExtractionWorkerDied) as failed:
        await running
    assert failed.value.user_message == ExtractionWorkerDied.user_message
    article = await workers.extract(PARAGRAPH.encode(), None, text_plain=True)
    assert article.text == PARAGRAPH


def test_an_extractor_failure_is_its_own_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> Article:
        raise ValueError("lxml choked")

    monkeypatch.setattr("bot.fetch.extract.extract_article", broken)
    with pytest.raises(ExtractionFailed, match="lxml choked") as failed:
        extract_page(b"<html></html>", None, None, False)
    assert type(failed.value) is ExtractionFailed
