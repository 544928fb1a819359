"""Cost growth: analyze() time per word for articles of 250, 1,000, 4,000 and 16,000 words.

    python bench/growth.py [--repeats 3]

Articles are built from the dev corpora's real news paragraphs (read at run time from
../shared/eval, never stored), so the mix of quotes, dates and claims stays realistic as
the length grows. The target: time per word at 16,000 words within 1.5 x that at 1,000.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _path in (str(ROOT), str(ROOT / "bench")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from eval_data import eval_dir as default_eval_dir  # noqa: E402
from eval_data import require  # noqa: E402

from bot.breakdown import analyze  # noqa: E402

SIZES = (250, 1_000, 4_000, 16_000)
CORPORA = ("polnear-dev.jsonl", "cnndm-dev.jsonl")


def paragraphs(eval_dir: Path) -> list[str]:
    found: list[str] = []
    for name in CORPORA:
        for line in (eval_dir / name).read_text(encoding="utf-8").splitlines():
            found += [p.strip() for p in json.loads(line)["text"].split("\n\n") if p.strip()]
    return found


def article(pool: list[str], words: int) -> str:
    chosen: list[str] = []
    count = 0
    for paragraph in pool:
        chosen.append(paragraph)
        count += len(paragraph.split())
        if count >= words:
            break
    return " ".join("\n\n".join(chosen).split(" ")[:words])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--eval-dir", type=Path, default=default_eval_dir())
    args = parser.parse_args()
    require(*(args.eval_dir / name for name in CORPORA))
    pool = paragraphs(args.eval_dir)
    analyze(article(pool, 300))  # load the pipeline and warm the caches
    per_word: dict[int, float] = {}
    print(f"{'words':>8}{'seconds':>10}{'µs/word':>10}")
    for size in SIZES:
        text = article(pool, size)
        best = min(_timed(text) for _ in range(args.repeats))
        per_word[size] = best / size
        print(f"{size:>8}{best:>10.3f}{per_word[size] * 1e6:>10.1f}")
    ratio = per_word[16_000] / per_word[1_000]
    print(f"time per word at 16,000 ÷ at 1,000: {ratio:.2f} (target ≤ 1.5)")
    print("command: python bench/growth.py " + " ".join(sys.argv[1:]))


def _timed(text: str) -> float:
    started = time.perf_counter()
    analyze(text)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
