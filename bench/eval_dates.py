"""Score key-date extraction on TempEval-3 (timebank-dev): the §3 "Key dates" metric.

Only gold TIMEX3 with ``type=DATE`` count. A predicted date matches a gold date when
their character spans overlap at all (relaxed extent), one-to-one, greedy by overlap.
Precision, recall and F1 are over extents; value accuracy is the share of matched gold
dates whose predicted value is exactly the gold value; value F1 = F1 × value accuracy.

    python bench/eval_dates.py            # numbers with the real engine pieces
    python bench/eval_dates.py --errors   # plus every miss, false alarm and wrong value

The TempEval texts are read at run time from ../shared/eval/ and never copied here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:  # run as a script or imported by path from the tests
    sys.path.insert(0, str(BENCH))

from eval_data import eval_dir, require  # noqa: E402

DEFAULT_PATH = eval_dir() / "timebank-dev.jsonl"

Predict = Callable[[str, dt.date | None], list[dict[str, Any]]]


def load_records(path: Path | str = DEFAULT_PATH) -> list[dict[str, Any]]:
    """The JSON Lines records: id, dct, text, timexes."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def overlap(a: dict[str, Any], b: dict[str, Any]) -> int:
    """Characters shared by two spans (0 when they do not touch)."""
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


def match_spans(
    gold: list[dict[str, Any]], predicted: list[dict[str, Any]]
) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs, largest overlaps first."""
    pairs = sorted(
        (
            (overlap(g, p), gi, pi)
            for gi, g in enumerate(gold)
            for pi, p in enumerate(predicted)
            if overlap(g, p) > 0
        ),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    matches: list[tuple[int, int]] = []
    for _, gi, pi in pairs:
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        matches.append((gi, pi))
    return matches


def parse_dct(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def score_dates(predict: Predict, path: Path | str = DEFAULT_PATH) -> dict[str, Any]:
    """Run `predict(text, dct)` on every record and score its `dates` against gold DATEs.

    Returns precision, recall, f1, value_accuracy, value_f1, the raw counts, ms_per_doc
    (time spent inside `predict`) and `errors`: one dict per miss, false alarm or wrong
    value, for analysis.
    """
    gold_total = predicted_total = matched = right_values = 0
    elapsed = 0.0
    errors: list[dict[str, Any]] = []
    records = load_records(path)
    for record in records:
        text = record["text"]
        gold = [t for t in record["timexes"] if t["type"] == "DATE"]
        started = time.perf_counter()
        predicted = predict(text, parse_dct(record.get("dct")))
        elapsed += time.perf_counter() - started
        matches = match_spans(gold, predicted)
        gold_total += len(gold)
        predicted_total += len(predicted)
        matched += len(matches)
        for gi, pi in matches:
            g, p = gold[gi], predicted[pi]
            if p["value"] == g["value"]:
                right_values += 1
            else:
                errors.append(_error("value", record, g, p))
        matched_gold = {gi for gi, _ in matches}
        matched_pred = {pi for _, pi in matches}
        errors += [_error("miss", record, g, None) for i, g in enumerate(gold)
                   if i not in matched_gold]
        errors += [_error("false", record, None, p) for i, p in enumerate(predicted)
                   if i not in matched_pred]
    precision = ratio(matched, predicted_total)
    recall = ratio(matched, gold_total)
    f1 = ratio(2 * precision * recall, precision + recall)
    accuracy = ratio(right_values, matched)
    return {
        "documents": len(records),
        "gold": gold_total,
        "predicted": predicted_total,
        "matched": matched,
        "right_values": right_values,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "value_accuracy": accuracy,
        "value_f1": f1 * accuracy,
        "ms_per_doc": 1000 * ratio(elapsed, len(records)),
        "errors": errors,
    }


def _error(
    kind: str, record: dict[str, Any], gold: dict[str, Any] | None, pred: dict[str, Any] | None
) -> dict[str, Any]:
    """A mismatch with enough surrounding text to judge it."""
    span = gold or pred or {}
    text = record["text"]
    context = text[max(0, span["start"] - 60): span["end"] + 60].replace("\n", " ")
    return {
        "kind": kind,
        "id": record["id"],
        "dct": record.get("dct"),
        "gold": None if gold is None else (gold["text"], gold["value"]),
        "predicted": None if pred is None else (text[pred["start"]:pred["end"]], pred["value"]),
        "context": context,
    }


def engine_predict() -> tuple[Predict, Callable[[], float]]:
    """The real engine pieces; also returns a reader of the time spent in find_dates."""
    sys.path.insert(0, str(ROOT))
    from bot.breakdown.dates import find_dates
    from bot.breakdown.nlp import get_nlp
    from bot.breakdown.segment import find_sentences

    nlp = get_nlp()
    spent = [0.0]

    def predict(text: str, published: dt.date | None) -> list[dict[str, Any]]:
        doc = nlp(text)
        sentences = find_sentences(doc)
        started = time.perf_counter()
        dates = find_dates(doc, sentences, published)
        spent[0] += time.perf_counter() - started
        return [{"start": d.start, "end": d.end, "value": d.value, "text": d.text}
                for d in dates]

    return predict, lambda: spent[0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default=str(DEFAULT_PATH))
    parser.add_argument("--errors", action="store_true", help="print every mismatch")
    args = parser.parse_args(argv)
    require(args.path)
    predict, spent = engine_predict()
    predict("Warm-up on Monday, February 5th.", dt.date(2020, 2, 7))  # dateparser's import
    warm = spent()
    result = score_dates(predict, args.path)
    if args.errors:
        for error in result["errors"]:
            print(json.dumps(error, ensure_ascii=False))
    ms_dates = 1000 * (spent() - warm) / max(1, result["documents"])
    print(
        f"timebank-dev dates: P {result['precision']:.3f}  R {result['recall']:.3f}  "
        f"F1 {result['f1']:.3f}  value acc {result['value_accuracy']:.3f}  "
        f"value F1 {result['value_f1']:.3f}  "
        f"(gold {result['gold']}, predicted {result['predicted']}, "
        f"matched {result['matched']}, right values {result['right_values']})"
    )
    print(f"find_dates {ms_dates:.2f} ms/doc; whole predict {result['ms_per_doc']:.1f} ms/doc")


if __name__ == "__main__":
    main()
