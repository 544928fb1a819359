"""Article extraction (`bot.fetch.extract`) and its killable worker pool (`bot.fetch.pool`).

Fixture pages are WCXB benchmark pages (CC-BY-4.0, see tests/fixtures/pages/README.md).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import time
from pathlib import Path
from typing import NoReturn

import pytest

from bot.fetch import pool
from bot.fetch.errors import FetchTimeout, NoArticleText
from bot.fetch.extract import clean_title, extract_article

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


# Module-level so a worker process can unpickle it by reference.
def slow_extract(html: bytes, url: str | None, **_: object) -> NoReturn:
    Path(html.decode()).write_text(str(os.getpid()))  # tell the test which process ran it
    time.sleep(60)
    raise AssertionError("the pool should have killed this worker by now")


@pytest.mark.slow  # real worker processes
async def test_worker_matches_direct_call() -> None:
    record = EXPECTED[0]
    try:
        in_worker = await pool.extract_in_worker(_page(record), record["url"], timeout=30)
        assert in_worker == extract_article(_page(record), record["url"])
        with pytest.raises(NoArticleText):  # errors cross the process boundary as themselves
            await pool.extract_in_worker(b"<html></html>", None, timeout=30)
    finally:
        pool.shutdown()


@pytest.mark.slow  # a fault: a worker killed at its timeout
async def test_worker_timeout_kills_the_worker(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    try:
        pool.start()
        started = time.monotonic()
        # The limit also covers a cold worker importing this module on a busy machine:
        # generous enough that the slow target has surely started before it strikes.
        with pytest.raises(FetchTimeout, match="extraction timed out"):
            await pool.extract_in_worker(str(pid_file).encode(), None, timeout=5.0,
                                         _target=slow_extract)
        assert time.monotonic() - started < 20
        pid = int(pid_file.read_text())
        with pytest.raises(ProcessLookupError):  # killed and reaped, not left sleeping
            os.kill(pid, 0)
        assert pid not in pool.worker_pids()
        # The pool replaced it and still works.
        article = await pool.extract_in_worker(PARAGRAPH.encode(), None, timeout=30,
                                               text_plain=True)
        assert article.text == PARAGRAPH
    finally:
        pool.shutdown()
