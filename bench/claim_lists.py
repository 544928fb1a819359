"""How long the claim lists are: per article, and what the "All claims" button sends.

    python bench/claim_lists.py                        # ../shared/eval/polnear-dev.jsonl
    python bench/claim_lists.py --data FILE --limit N  # another PolNeAR-format file

Prints the median and maximum number of claims per article (unattributed and vague),
how many Telegram messages the "All claims" expansion takes, the claim types, and the
ten longest articles. The texts are read at run time and never copied here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (str(ROOT), str(ROOT / "bench")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from eval_data import eval_dir, require  # noqa: E402

from bot.breakdown import analyze  # noqa: E402
from bot.render.telegram import render_section, visible_length  # noqa: E402

DEFAULT = eval_dir() / "polnear-dev.jsonl"


@dataclass(frozen=True, slots=True)
class Row:
    words: int
    unattributed: int
    vague: int
    messages: int
    characters: int
    name: str

    @property
    def claims(self) -> int:
        return self.unattributed + self.vague


def measure(record: dict[str, object], types: Counter[str]) -> Row:
    published = record.get("published")
    date = dt.date.fromisoformat(published) if isinstance(published, str) else None
    breakdown = analyze(str(record["text"]), published=date)
    kinds = Counter(c.kind for c in breakdown.claims)
    types.update(c.type for c in breakdown.claims)
    messages = render_section(breakdown, "claims")
    return Row(breakdown.source.words, kinds["unattributed"], kinds["vague"], len(messages),
               sum(visible_length(m) for m in messages), str(record.get("id", ""))[:40])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    require(args.data)
    types: Counter[str] = Counter()
    rows: list[Row] = []
    with args.data.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if args.limit is not None and number >= args.limit:
                break
            rows.append(measure(json.loads(line), types))
    if not rows:
        sys.exit("no articles")
    counts = [r.claims for r in rows]
    print(f"{len(rows)} articles · claims per article: median {statistics.median(counts)}, "
          f"max {max(counts)}, total {sum(counts)}")
    print(f"unattributed: median {statistics.median(r.unattributed for r in rows)}, "
          f"max {max(r.unattributed for r in rows)} · vague: median "
          f"{statistics.median(r.vague for r in rows)}, max {max(r.vague for r in rows)}")
    messages = Counter(r.messages for r in rows)
    print("'All claims' messages per article:",
          ", ".join(f"{n}: {messages[n]}" for n in sorted(messages)))
    print("types:", ", ".join(f"{t} {n}" for t, n in types.most_common()))
    print("ten longest articles: words, claims (unattributed + vague), messages")
    for row in sorted(rows, key=lambda r: r.words, reverse=True)[:10]:
        print(f"  {row.words:6} {row.claims:4} ({row.unattributed} + {row.vague}) "
              f"{row.messages}  {row.name}")


if __name__ == "__main__":
    main()
