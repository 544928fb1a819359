"""Summary quality on CNN/DailyMail: ROUGE-1/2/Lsum F of a summary against the highlights.

The metric of ``../shared/eval/README.md`` §3: rouge-score with stemming, mean F ×100;
for ROUGE-Lsum the sentences are joined with newlines (its summary-level LCS splits on
them). The articles are read at run time only: never copy CNN/DM text into the repo.
rouge-score comes with the `bench` extra (``pip install -e ".[bench]"``).

    python bench/eval_summary.py [path/to/cnndm.jsonl]   # default: cnndm-dev.jsonl in EVAL_DIR
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:  # run as a script or imported by path from the tests
    sys.path.insert(0, str(BENCH))

from eval_data import eval_dir, require  # noqa: E402

DEFAULT_PATH = eval_dir() / "cnndm-dev.jsonl"
METRICS = ("rouge1", "rouge2", "rougeLsum")


def read_records(path: Path | str = DEFAULT_PATH) -> Iterator[dict]:
    """The JSON Lines records (id, url, text, highlights)."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def rouge_scorer_or_exit() -> Any:
    """The scorer, or one clear message when rouge-score is missing. Imported here, not at
    the top: the missing-data check (and its test) must run without the `bench` extra."""
    try:
        from rouge_score import rouge_scorer
    except ImportError:
        raise SystemExit('error: this benchmark needs rouge-score: pip install -e ".[bench]"'
                         ) from None
    return rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)


def score_summary(
    predict: Callable[[str], list[str]], path: Path | str = DEFAULT_PATH
) -> dict[str, float]:
    """Mean ROUGE-1/2/Lsum F ×100 of ``predict(text)`` against the highlights.

    Also returns ``docs`` and ``ms_per_doc`` (the time spent in ``predict``).
    """
    scorer = rouge_scorer_or_exit()
    totals = dict.fromkeys(METRICS, 0.0)
    docs = 0
    elapsed = 0.0
    for record in read_records(path):
        began = time.perf_counter()
        summary = predict(record["text"])
        elapsed += time.perf_counter() - began
        scores = scorer.score("\n".join(record["highlights"]), "\n".join(summary))
        for metric in METRICS:
            totals[metric] += scores[metric].fmeasure
        docs += 1
    result = {metric: 100 * total / max(docs, 1) for metric, total in totals.items()}
    result["docs"] = docs
    result["ms_per_doc"] = 1000 * elapsed / max(docs, 1)
    return result


def main(argv: list[str] | None = None) -> None:
    """Lead-3 and our summarize() side by side, plus ms/doc of summarize() alone."""
    from bot.breakdown.nlp import get_nlp
    from bot.breakdown.segment import find_sentences
    from bot.breakdown.summary import summarize

    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_PATH
    require(path)
    rouge_scorer_or_exit()  # before the parsing, not after it
    nlp = get_nlp()
    docs = {record["text"]: nlp(record["text"]) for record in read_records(path)}

    def lead3(text: str) -> list[str]:
        return [sent.text.strip() for sent in docs[text].sents if sent.text.strip()][:3]

    # Parse and segmentation happen once, outside the timed call, so ms/doc measures
    # summarize() alone.
    sentences = {text: find_sentences(doc) for text, doc in docs.items()}

    def ours(text: str) -> list[str]:
        return summarize(sentences[text])

    rows = {"Lead-3": score_summary(lead3, path), "summarize": score_summary(ours, path)}
    print(f"{len(docs)} articles from {path}")
    print(f"{'':<10} {'R-1':>6} {'R-2':>6} {'R-Lsum':>7} {'ms/doc':>7}")
    for name, row in rows.items():
        print(
            f"{name:<10} {row['rouge1']:6.1f} {row['rouge2']:6.1f} "
            f"{row['rougeLsum']:7.1f} {row['ms_per_doc']:7.3f}"
        )


if __name__ == "__main__":
    main()
