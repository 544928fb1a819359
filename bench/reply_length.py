"""How long the Telegram reply is on a phone: the first reply, and each expanded section.

    python bench/reply_length.py              # the seed article, plus ../shared/eval if there
    python bench/reply_length.py --limit 20   # only the first 20 articles of each dev file
    python bench/reply_length.py --seed-only  # the seed article alone (no eval files needed)

For the seed article and, when ../shared/eval (or $EVAL_DIR) holds them, every article of
polnear-dev and cnndm-dev: the first reply's visible characters (tags stripped, entities
decoded, counted as Telegram counts: UTF-16 units) against the budget, an estimate of the
rows it takes in a phone chat bubble (expandable quotes collapsed to their 3 lines), and
how many messages each expand button sends. The texts are read at run time, never copied.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import statistics
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for _path in (str(ROOT), str(BENCH)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from eval_data import eval_dir  # noqa: E402

SEED = ROOT / "examples" / "seed-us-blames-russians.txt"
CORPORA = ("polnear-dev.jsonl", "cnndm-dev.jsonl")
@dataclass(frozen=True, slots=True)
class Article:
    corpus: str
    name: str
    text: str
    published: dt.date | None


@dataclass(frozen=True, slots=True)
class Measured:
    corpus: str
    name: str
    words: int
    reply: int  # visible characters of the first reply
    rows: int  # phone rows with expandable quotes collapsed
    messages: dict[str, int]  # per expand button


def articles(directory: Path, limit: int | None, *, seed_only: bool) -> Iterator[Article]:
    yield Article("seed", SEED.stem, SEED.read_text(encoding="utf-8"), None)
    if seed_only:
        return
    for name in CORPORA:
        path = directory / name
        if not path.exists():
            print(f"({path} not found: skipped)", file=sys.stderr)
            continue
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines):
                if limit is not None and number >= limit:
                    break
                record = json.loads(line)
                published = record.get("published")
                date = dt.date.fromisoformat(published) if isinstance(published, str) else None
                yield Article(name.removesuffix(".jsonl"), str(record.get("id", number)),
                              str(record["text"]), date)


def measure(article: Article) -> Measured:
    from bot.breakdown import analyze
    from bot.render.telegram import BUTTONS, render_reply, render_section, visible_length
    from bot.render.telegram_phone import phone_rows

    breakdown = analyze(article.text, published=article.published)
    reply = render_reply(breakdown)
    messages: dict[str, int] = {section: len(render_section(breakdown, section))
                                for _, section in BUTTONS}
    return Measured(article.corpus, article.name, breakdown.source.words,
                    visible_length(reply), phone_rows(reply), messages)


def _percentile(values: list[int], share: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def _spread(values: list[int]) -> str:
    return (f"median {statistics.median(values):7.1f}  p90 {_percentile(values, 0.9):5}  "
            f"max {max(values):5}")


def report(rows: list[Measured], budget: int) -> None:
    from bot.render.telegram import BUTTONS
    from bot.render.telegram_phone import ROW_CHARACTERS

    corpora = list(dict.fromkeys(r.corpus for r in rows))
    print(f"first reply — visible characters (budget {budget:,}) and phone rows "
          f"(≈{ROW_CHARACTERS} characters a row, expandable quotes collapsed)")
    for corpus in corpora:
        mine = [r for r in rows if r.corpus == corpus]
        over = sum(r.reply > budget for r in mine)
        print(f"  {corpus:<12} n={len(mine):<4} characters {_spread([r.reply for r in mine])}"
              f"  over budget {over}   rows {_spread([r.rows for r in mine])}")
    print("messages per expanded section (Telegram's 4,096 a message)")
    for corpus in corpora:
        mine = [r for r in rows if r.corpus == corpus]
        for label, section in BUTTONS:
            counts = [r.messages[section] for r in mine]
            over = sum(count > 2 for count in counts)
            print(f"  {corpus:<12} {label:<12} {_spread(counts)}  more than 2: {over}")
    longest = max(rows, key=lambda r: r.reply)
    print(f"longest reply: {longest.reply} characters, {longest.words} words "
          f"({longest.corpus} {longest.name[:50]})")


def main(argv: list[str] | None = None) -> int:
    from bot.render.telegram import REPLY_AIM

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None,
                        help="only the first N articles of each dev file")
    parser.add_argument("--seed-only", action="store_true",
                        help="the seed article alone (no eval files needed)")
    args = parser.parse_args(argv)
    directory = eval_dir()
    if not args.seed_only and not directory.is_dir():
        print(f"({directory} not found: the seed article only)", file=sys.stderr)
    rows = [measure(a) for a in articles(directory, args.limit, seed_only=args.seed_only)]
    report(rows, REPLY_AIM)
    return 0


if __name__ == "__main__":
    sys.exit(main())
