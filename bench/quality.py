"""All four dev quality measures of ../shared/eval/README.md §3, on the full `analyze()`.

    python bench/quality.py                    # one table: measure | value | target | anchor
    python bench/quality.py --only dates       # polnear | dates | summary
    python bench/quality.py --json             # the numbers as one JSON object
    python bench/quality.py --eval-dir DIR     # default: $EVAL_DIR or ../shared/eval

Every number comes from the scorers next to this file (`eval_polnear.score_polnear`,
`eval_dates.score_dates`, `eval_summary.score_summary`); the only thing predicted is
`bot.breakdown.analyze(...)` (the contract dict of README §1), never engine internals.
This is a measurement, not a test: the exit status is 0 even when a target is missed
(the row then says MISSED). The eval texts are read at run time and never copied here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for _path in (str(ROOT), str(BENCH)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from eval_data import eval_dir as default_eval_dir  # noqa: E402
from eval_data import require  # noqa: E402

from bot.breakdown import analyze  # noqa: E402

MEASURES = ("polnear", "dates", "summary")
FILES = {"polnear": "polnear-dev.jsonl", "dates": "timebank-dev.jsonl",
         "summary": "cnndm-dev.jsonl"}


@dataclass
class Row:
    area: str
    measure: str
    value: float
    target: str  # ">= 0.60", "> 39.4", or "" for an info row
    anchor: str
    passed: bool | None  # None: info row, no target
    digits: int = 3

    @property
    def verdict(self) -> str:
        if self.passed is None:
            return "info"
        return "pass" if self.passed else "MISSED"


# --------------------------------------------------------------------------- predictors


def predict_contract(text: str, published: dt.date | None) -> dict[str, Any]:
    """PolNeAR: the whole contract dict."""
    return analyze(text, published=published).to_dict()


def predict_dates(text: str, published: dt.date | None) -> list[dict[str, Any]]:
    """TempEval: the contract `dates`, anchored on the document creation date."""
    return list(analyze(text, published=published).to_dict()["dates"])


def predict_summary(text: str) -> list[str]:
    """CNN/DM: the summary sentences (no publication date in the data)."""
    return list(analyze(text).summary)


# --------------------------------------------------------------------------- measures


def _strategy_predictor(strategy: str) -> Callable[[str, dt.date | None], dict[str, Any]]:
    def predict(text: str, published: dt.date | None) -> dict[str, Any]:
        return analyze(text, published=published,
                       attribution=strategy).to_dict()  # type: ignore[arg-type]
    return predict


def measure_polnear(eval_dir: Path) -> tuple[list[Row], dict[str, Any]]:
    """The product (hybrid) against the targets, with the rules alone and the learned
    tagger alone beside it as info rows (the same scorer, the same parse pipeline)."""
    from eval_polnear import score_polnear

    result = score_polnear(predict_contract, eval_dir / FILES["polnear"])
    att = result["attribution"]
    claims = result["claims"]
    loose, strict = att["loose"], att["strict"]
    vague = claims["per_class"]["vague"]
    rows = [
        Row("who said what", "polnear-dev attribution F1 (loose)", loose["f1"], ">= 0.73",
            "0.445 GenderGapTracker", loose["f1"] >= 0.73),
        Row("who said what", "polnear-dev attribution P (loose)", loose["p"], ">= 0.80",
            "0.64 GenderGapTracker", loose["p"] >= 0.80),
        Row("who said what", "polnear-dev attribution R (loose)", loose["r"], "",
            "0.34 GenderGapTracker", None),
        Row("who said what", "polnear-dev attribution F1 (strict)", strict["f1"], "", "",
            None),
        Row("claims", "polnear-dev 3-way sentence accuracy", claims["accuracy"], ">= 0.80",
            "0.697 spaCy rules", claims["accuracy"] >= 0.80),
        Row("claims", "polnear-dev vague F1", vague["f1"], ">= 0.58", "0.40 spaCy rules",
            vague["f1"] >= 0.58),
    ]
    for strategy in ("rules", "model"):
        variant = score_polnear(_strategy_predictor(strategy), eval_dir / FILES["polnear"])
        result[f"variant_{strategy}"] = variant
        v_loose = variant["attribution"]["loose"]
        v_claims = variant["claims"]
        rows += [
            Row("variants", f"{strategy} only: attribution P / R / F1 (loose)", v_loose["f1"],
                "", f"P {v_loose['p']:.3f} R {v_loose['r']:.3f}", None),
            Row("variants", f"{strategy} only: claims accuracy / vague F1",
                v_claims["accuracy"], "",
                f"vague F1 {v_claims['per_class']['vague']['f1']:.3f}", None),
        ]
    return rows, result


def measure_dates(eval_dir: Path) -> tuple[list[Row], dict[str, Any]]:
    from eval_dates import score_dates

    result = score_dates(predict_dates, eval_dir / FILES["dates"])
    result.pop("errors", None)  # one dict per mismatch: analysis material, not a number
    value_f1 = result["value_f1"]
    rows = [
        Row("key dates", "timebank-dev value F1", value_f1, ">= 0.84",
            "0.761 HeidelTime; 0.555 spaCy+dateparser", value_f1 >= 0.84),
        Row("key dates", "timebank-dev relaxed extent F1", result["f1"], "", "", None),
        Row("key dates", "timebank-dev value accuracy", result["value_accuracy"], "", "",
            None),
    ]
    return rows, result


def measure_summary(eval_dir: Path) -> tuple[list[Row], dict[str, Any]]:
    from eval_summary import score_summary

    result = score_summary(predict_summary, eval_dir / FILES["summary"])
    r1 = result["rouge1"]
    rows = [
        Row("summary", "cnndm-dev ROUGE-1", r1, "> 40.7", "39.4 Lead-3", r1 > 40.7, 1),
        Row("summary", "cnndm-dev ROUGE-2", result["rouge2"], "", "16.7 Lead-3", None, 1),
        Row("summary", "cnndm-dev ROUGE-Lsum", result["rougeLsum"], "", "35.4 Lead-3", None,
            1),
    ]
    return rows, result


RUNNERS: dict[str, Callable[[Path], tuple[list[Row], dict[str, Any]]]] = {
    "polnear": measure_polnear,
    "dates": measure_dates,
    "summary": measure_summary,
}


# --------------------------------------------------------------------------- output


def format_table(rows: list[Row]) -> str:
    header = ("area", "measure", "value", "target", "anchor", "pass?")
    body = [
        (r.area, r.measure, f"{r.value:.{r.digits}f}", r.target or "-", r.anchor or "-",
         r.verdict)
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]

    def fmt(line: tuple[str, ...]) -> str:
        return " | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))

    rule = "-+-".join("-" * width for width in widths)
    return "\n".join([fmt(header), rule, *(fmt(line) for line in body)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--only", choices=MEASURES, help="run one data set only")
    parser.add_argument("--eval-dir", type=Path, default=default_eval_dir(),
                        help="directory of the eval files (default: $EVAL_DIR or "
                             "../shared/eval relative to the repo root)")
    args = parser.parse_args(argv)
    command = shlex.join(["python", *sys.argv] if argv is None
                         else ["python", "bench/quality.py", *argv])

    measures = [args.only] if args.only else MEASURES
    require(*(args.eval_dir / FILES[name] for name in measures))
    if "summary" in measures:
        from eval_summary import rouge_scorer_or_exit

        rouge_scorer_or_exit()  # before the other measures' minutes of work
    started = time.perf_counter()
    # Load spaCy (and dateparser's lazy import) once, outside every scorer's timing.
    analyze("Warm-up: on Monday, February 5th, officials said it rained.",
            published=dt.date(2020, 2, 7))
    rows: list[Row] = []
    raw: dict[str, Any] = {}
    seconds: dict[str, float] = {}
    for name in measures:
        began = time.perf_counter()
        measured_rows, raw[name] = RUNNERS[name](args.eval_dir)
        seconds[name] = time.perf_counter() - began
        rows += measured_rows
        if not args.json:
            docs = raw[name].get("docs") or raw[name].get("documents")
            print(f"[{name}] {docs} docs in {seconds[name]:.1f} s "
                  f"({raw[name]['ms_per_doc']:.0f} ms/doc in analyze)", file=sys.stderr)
    total = time.perf_counter() - started
    missed = [r.measure for r in rows if r.passed is False]

    if args.json:
        print(json.dumps({
            "rows": [asdict(r) | {"verdict": r.verdict} for r in rows],
            "raw": raw,
            "missed": missed,
            "seconds": seconds | {"total": total},
            "command": command,
        }, indent=2, ensure_ascii=False))
        return 0
    print(format_table(rows))
    print()
    if missed:
        print(f"MISSED {len(missed)} target(s): " + "; ".join(missed))
    else:
        print("all targets met")
    print(f"command: {command}")
    print(f"total time: {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
