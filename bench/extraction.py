"""Score `extract_article` on the pages-dev web pages (WCXB benchmark, dev split).

    python bench/extraction.py               # all pages in ../shared/eval/pages-dev
    EVAL_DIR=/path/to/eval python bench/extraction.py --list   # plus one line per page

Metrics (as in ../shared/eval/README.md §3): word F1 of the body (lower-cased \\w+ tokens,
multiset overlap, per page, then the mean; a page that raises scores 0), exact title, exact
publication date on pages with a gold date, and how many dates come back on pages without
one. Time is wall-clock per `extract_article` call, in this process (no worker), after one
warm-up call. The pages are read at run time and never copied into the repository.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (str(ROOT), str(ROOT / "bench")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from eval_data import eval_dir, require  # noqa: E402

from bot.fetch.errors import FetchError  # noqa: E402
from bot.fetch.extract import extract_article  # noqa: E402

_WORD = re.compile(r"\w+")
TARGET_F1 = 0.94
TARGET_DATE = 0.85
TARGET_MEDIAN_MS = 60.0


def word_f1(predicted: str, gold: str) -> float:
    got = Counter(_WORD.findall(predicted.lower()))
    want = Counter(_WORD.findall(gold.lower()))
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--list", action="store_true", help="one line per page")
    args = parser.parse_args()
    directory = eval_dir()  # the eval folder, or its pages-dev folder itself
    pages_dir = directory if (directory / "index.jsonl").exists() else directory / "pages-dev"
    require(pages_dir / "index.jsonl")
    records = [json.loads(line) for line in
               (pages_dir / "index.jsonl").read_text(encoding="utf-8").splitlines() if line]
    pages = [(r, gzip.decompress((pages_dir / r["file"]).read_bytes())) for r in records]
    extract_article(pages[0][1], pages[0][0]["url"])  # warm-up: imports, lxml, caches

    f1s: list[float] = []
    times: list[float] = []
    titles = dates_exact = dates_reliable = gold_dates = dated_without_gold = failures = 0
    for record, html in pages:
        start = time.perf_counter()
        try:
            article = extract_article(html, record["url"])
        except FetchError:
            article = None
        times.append((time.perf_counter() - start) * 1000)
        if article is None:
            failures += 1
            f1s.append(0.0)
            continue
        f1s.append(word_f1(article.text, record["body"]))
        titles += article.title == record["title"]
        published = article.published.isoformat() if article.published else None
        if record.get("published"):
            gold_dates += 1
            dates_exact += published == record["published"]
            dates_reliable += article.published_reliable
        else:
            dated_without_gold += published is not None
        if args.list:
            print(f"{record['id']}  F1 {f1s[-1]:.3f}  {times[-1]:6.1f} ms  "
                  f"date {published} (gold {record.get('published')}, "
                  f"{'reliable' if article.published_reliable else 'detected'})  "
                  f"title {'ok' if article.title == record['title'] else repr(article.title)}")

    n = len(pages)
    no_gold = n - gold_dates
    p95 = statistics.quantiles(times, n=20)[-1]
    rows = [
        ("pages", f"{n}", ""),
        ("body word F1 (mean)", f"{statistics.mean(f1s):.4f}", f">= {TARGET_F1}"),
        ("title exact", f"{titles}/{n} ({titles / n:.0%})", ""),
        ("date exact (pages with a gold date)",
         f"{dates_exact}/{gold_dates} ({dates_exact / max(gold_dates, 1):.1%})",
         f">= {TARGET_DATE:.0%}"),
        ("  of those dates marked reliable", f"{dates_reliable}/{gold_dates}", ""),
        ("date returned on pages without one", f"{dated_without_gold}/{no_gold}", "low"),
        ("pages raising NoArticleText", f"{failures}", "0"),
        ("ms per page, median", f"{statistics.median(times):.1f}",
         f"<= {TARGET_MEDIAN_MS:.0f}"),
        ("ms per page, p95", f"{p95:.1f}", ""),
    ]
    print(f"extract_article on {pages_dir}")
    print(f"| {'metric':<38} | {'value':<16} | {'target':<8} |")
    print(f"|{'-' * 40}|{'-' * 18}|{'-' * 10}|")
    for name, value, target in rows:
        print(f"| {name:<38} | {value:<16} | {target:<8} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
