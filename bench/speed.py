"""`analyze()` time against the bare spaCy parse of the same texts, side by side.

    python bench/speed.py                 # polnear-dev + cnndm-dev + the seed article
    python bench/speed.py --limit 20      # the first 20 texts (seed, then alternating)
    python bench/speed.py --profile       # plus where analyze() time beyond the parse goes

The yardstick is `bot.breakdown.nlp.get_bare_nlp()`: the same spaCy pipeline without our
additions. Both are warmed up first; then, per text, bare parse and `analyze()` are timed
alternately (`--repeats` times, order swapped every round) and the minimum of each is
kept, which cuts scheduler noise. Target: median ratio analyze/bare <= 1.35.

Caveat: `analyze()` has process-wide caches (`date_rules.normalise_date` and
`date_parser` are lru-cached), so repeats of one text hit them; the "first call" line
shows the ratio with the first, cache-cold analyze() of each text instead of the min.
The eval texts are read at run time from ../shared/eval and never copied here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _path in (str(ROOT), str(ROOT / "bench")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from eval_data import eval_dir as default_eval_dir  # noqa: E402
from eval_data import require  # noqa: E402

from bot.breakdown import analyze, count_words  # noqa: E402
from bot.breakdown.nlp import get_bare_nlp, get_nlp  # noqa: E402

TARGET_RATIO = 1.35  # with the learned attribution tagger (issue 9)
SEED = ROOT / "examples" / "seed-us-blames-russians.txt"


@dataclass
class Text:
    id: str
    text: str
    published: dt.date | None
    words: int = 0


@dataclass
class Timing:
    item: Text
    bare: list[float] = field(default_factory=list)  # seconds, one per repeat
    full: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return min(self.full) / min(self.bare)

    @property
    def first_ratio(self) -> float:
        return self.full[0] / min(self.bare)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_texts(eval_dir: Path, limit: int | None) -> list[Text]:
    """The seed article, then polnear-dev and cnndm-dev articles alternately."""
    polnear = [Text(r["id"], r["text"], _date(r.get("published")))
               for r in _read_jsonl(eval_dir / "polnear-dev.jsonl")]
    cnndm = [Text(r["id"], r["text"], None) for r in _read_jsonl(eval_dir / "cnndm-dev.jsonl")]
    texts = [Text("seed-us-blames-russians", SEED.read_text(encoding="utf-8"), None)]
    for i in range(max(len(polnear), len(cnndm))):
        texts += [source[i] for source in (polnear, cnndm) if i < len(source)]
    texts = texts[:limit] if limit else texts
    for item in texts:
        item.words = count_words(item.text)
    return texts


def _clock(call: Callable[[], object]) -> float:
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


def measure(texts: list[Text], repeats: int) -> list[Timing]:
    bare = get_bare_nlp()
    timings = []
    for item in texts:
        timing = Timing(item)
        gc.collect()
        for round_ in range(repeats):
            def run_bare(t: Text = item) -> object:
                return bare(t.text)

            def run_full(t: Text = item) -> object:
                return analyze(t.text, published=t.published)

            if round_ % 2 == 0:
                timing.bare.append(_clock(run_bare))
                timing.full.append(_clock(run_full))
            else:
                timing.full.append(_clock(run_full))
                timing.bare.append(_clock(run_bare))
        timings.append(timing)
    return timings


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


# --------------------------------------------------------------------------- profile


def _clear_date_caches() -> None:
    from bot.breakdown import date_rules

    for name in ("normalise_date", "date_parser"):
        cache_clear = getattr(getattr(date_rules, name, None), "cache_clear", None)
        if cache_clear:
            cache_clear()


def profile_stages(item: Text, repeats: int) -> list[tuple[str, float, float]]:
    """(stage, first-call ms with date caches cleared, min ms) in engine.py's order.

    Mirrors `bot.breakdown.engine.analyze`: language, parse (our pipeline), sentences,
    quoted spans, quotes, title, summary, dates, claims. "bare parse" is the yardstick.
    """
    from bot.breakdown.attribution import find_quotes
    from bot.breakdown.claims import find_claims
    from bot.breakdown.dates import find_dates
    from bot.breakdown.engine import MAX_ANALYSED_CHARS, find_title
    from bot.breakdown.language import detect_language
    from bot.breakdown.quotemarks import find_quoted_spans
    from bot.breakdown.segment import find_sentences
    from bot.breakdown.summary import summarize

    nlp, bare = get_nlp(), get_bare_nlp()
    text, published = item.text, item.published
    runs: list[dict[str, float]] = []
    for round_ in range(repeats):
        if round_ == 0:
            _clear_date_caches()
        gc.collect()
        spent: dict[str, float] = {}

        def timed(stage: str, call: Callable[[], Any], spent: dict[str, float] = spent) -> Any:
            began = time.perf_counter()
            result = call()
            spent[stage] = time.perf_counter() - began
            return result

        if round_ % 2 == 0:
            timed("bare parse (yardstick)", lambda: bare(text))
        timed("count_words", lambda: count_words(text))
        timed("detect_language", lambda: detect_language(text))
        doc = timed("parse (get_nlp)", lambda: nlp(text[:MAX_ANALYSED_CHARS]))
        if round_ % 2 == 1:
            timed("bare parse (yardstick)", lambda: bare(text))
        # partial binds this round's values (a lambda would close over the loop's names)
        sentences = timed("find_sentences", partial(find_sentences, doc))
        quoted = timed("find_quoted_spans", partial(find_quoted_spans, doc.text))
        quotes = timed("find_quotes", partial(find_quotes, doc, sentences, quoted))
        timed("find_title", partial(find_title, sentences))
        timed("summarize", partial(summarize, sentences))
        timed("find_dates", partial(find_dates, doc, sentences, published))
        timed("find_claims", partial(find_claims, sentences, quotes))
        runs.append(spent)
    order = [stage for stage in STAGES if stage in runs[0]]
    return [(stage, 1000 * runs[0][stage], 1000 * min(run[stage] for run in runs))
            for stage in order]


STAGES = ("bare parse (yardstick)", "count_words", "detect_language", "parse (get_nlp)",
          "find_sentences", "find_quoted_spans", "find_quotes", "find_title", "summarize",
          "find_dates", "find_claims")


def print_profile(title: str, stages: list[tuple[str, float, float]]) -> None:
    bare_ms = next(m for s, _, m in stages if s.startswith("bare parse"))
    print()
    print(title)
    print(f"{'stage':<24} {'first ms':>9} {'min ms':>8} {'% of bare':>9}")
    beyond_first = beyond_min = 0.0
    for stage, first, least in stages:
        print(f"{stage:<24} {first:9.2f} {least:8.2f} {100 * least / bare_ms:8.1f}%")
        if not stage.startswith("bare parse"):
            beyond_first += first
            beyond_min += least
    print(f"{'sum of analyze stages':<24} {beyond_first:9.2f} {beyond_min:8.2f} "
          f"{100 * beyond_min / bare_ms:8.1f}%")
    extra = [(least - (bare_ms if stage == "parse (get_nlp)" else 0.0), stage)
             for stage, _, least in stages if not stage.startswith("bare parse")]
    print("beyond the bare parse (min ms): " + ", ".join(
        f"{stage} {ms:+.2f}" for ms, stage in sorted(extra, reverse=True)))


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N texts")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per text (min)")
    parser.add_argument("--profile", action="store_true",
                        help="time each analyze() stage on the median text")
    parser.add_argument("--quiet", action="store_true", help="no per-text rows")
    parser.add_argument("--eval-dir", type=Path, default=default_eval_dir())
    args = parser.parse_args(argv)
    command = shlex.join(["python", *sys.argv] if argv is None
                         else ["python", "bench/speed.py", *argv])
    require(args.eval_dir / "polnear-dev.jsonl", args.eval_dir / "cnndm-dev.jsonl")
    started = time.perf_counter()

    texts = load_texts(args.eval_dir, args.limit)
    # Warm-up: load both pipelines, dateparser's lazy import, first-call allocations.
    bare = get_bare_nlp()
    for item in texts[:3]:
        for _ in range(2):
            bare(item.text)
            analyze(item.text, published=item.published or dt.date(2020, 2, 7))
    timings = measure(texts, max(1, args.repeats))

    if not args.quiet:
        print(f"{'text':<52} {'words':>6} {'bare ms':>8} {'analyze ms':>10} {'ratio':>6} "
              f"{'1st':>6}")
        for t in timings:
            print(f"{t.item.id[:52]:<52} {t.item.words:6d} {1000 * min(t.bare):8.1f} "
                  f"{1000 * min(t.full):10.1f} {t.ratio:6.2f} {t.first_ratio:6.2f}")
        print()

    ratios = [t.ratio for t in timings]
    first_ratios = [t.first_ratio for t in timings]
    words = sum(t.item.words for t in timings)
    bare_total = sum(min(t.bare) for t in timings)
    full_total = sum(min(t.full) for t in timings)
    median_ratio = statistics.median(ratios)
    verdict = "pass" if median_ratio <= TARGET_RATIO else "MISSED"
    print(f"{len(timings)} texts, {words} words, min of {args.repeats} alternating runs each")
    print(f"ratio analyze/bare: median {median_ratio:.2f}  p90 {percentile(ratios, 90):.2f}  "
          f"max {max(ratios):.2f}   target median <= {TARGET_RATIO}: {verdict}")
    print(f"first call (cache-cold analyze): median {statistics.median(first_ratios):.2f}  "
          f"p90 {percentile(first_ratios, 90):.2f}")
    print(f"median ms: bare {1000 * statistics.median(min(t.bare) for t in timings):.1f}  "
          f"analyze {1000 * statistics.median(min(t.full) for t in timings):.1f}")
    print(f"words/s: bare {words / bare_total:,.0f}  analyze {words / full_total:,.0f}  "
          f"(totals {bare_total:.2f} s vs {full_total:.2f} s)")

    if args.profile:
        runs = max(3, args.repeats)
        by_ratio = sorted(timings, key=lambda t: t.ratio)
        item = by_ratio[(len(by_ratio) - 1) // 2].item
        print_profile(
            f"profile of the median text {item.id} ({item.words} words, published="
            f"{item.published}), {runs} runs: first call (date caches cleared) and min",
            profile_stages(item, runs))
        totals: dict[str, list[float]] = {}
        for each in timings:
            for stage, first, least in profile_stages(each.item, runs):
                totals.setdefault(stage, [0.0, 0.0])
                totals[stage][0] += first
                totals[stage][1] += least
        print_profile(
            f"profile summed over all {len(timings)} texts ({words} words), "
            f"{runs} runs each: first call and min, ms in total",
            [(stage, first, least) for stage, (first, least) in totals.items()])

    print()
    print(f"command: {command}")
    print(f"total time: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
