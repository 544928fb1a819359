"""5-fold cross-validation of who said what on PolNeAR's training split.

    python bench/crossval_attribution.py                 # 5 folds, rules / model / hybrid
    python bench/crossval_attribution.py --folds 5 --only 0,1   # some folds (parallel runs)
    python bench/crossval_attribution.py --save-probabilities /tmp/oof   # keep tagger output
    python bench/crossval_attribution.py --from-probabilities /tmp/oof   # re-score only

For each fold the tagger is trained on the other four fifths (with the shipped training
configuration and seed, early stopping on articles held back from those fifths) and every
strategy is scored on the fold it never saw, with the §3 scorer. Prints each fold and the
mean and spread (standard deviation) of attribution F1, claims accuracy and vague F1, to
compare with dev (`python bench/attribution_variants.py`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
for _path in (str(ROOT), str(ROOT / "bench")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from attribution_variants import STRATEGIES, format_rows, score_strategies  # noqa: E402
from eval_data import eval_dir, require  # noqa: E402

from bot.breakdown.attribution_tagger.component import PROBABILITIES, AttributionTagger  # noqa: E402
from bot.breakdown.attribution_tagger.corpus import examples, read_records  # noqa: E402
from bot.breakdown.attribution_tagger.network import NetworkConfig  # noqa: E402
from bot.breakdown.attribution_tagger.train import TrainingConfig, fit, split  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=eval_dir() / "polnear-train.jsonl")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", default=None, help="comma-separated fold numbers to run")
    parser.add_argument("--json-out", type=Path, default=None)
    parser.add_argument("--from-probabilities", type=Path, default=None,
                        help="score folds whose tagger output was saved by an earlier run "
                             "(--save-probabilities) instead of training them again")
    parser.add_argument("--save-probabilities", type=Path, default=None,
                        help="write each held-out article's tagger output here (.npz), "
                             "out-of-fold material for fitting the claim classifier")
    args = parser.parse_args(argv)
    require(args.data)
    records = read_records(args.data)
    all_examples = list(examples(records))
    config = TrainingConfig()
    wanted = [int(k) for k in args.only.split(",")] if args.only else range(args.folds)
    per_fold = {}
    for fold in wanted:
        started = time.perf_counter()
        test = [e for i, e in enumerate(all_examples) if i % args.folds == fold]
        docs = [e.doc for e in test]
        saved = args.from_probabilities / f"fold{fold}.npz" if args.from_probabilities else None
        if saved is not None and saved.exists():
            outputs = np.load(saved)
            for example, doc in zip(test, docs, strict=True):
                doc.user_data[PROBABILITIES] = outputs[example.record["id"]]
            stats: dict[str, float] = {"best_step": float("nan")}
        else:
            rest = [e for i, e in enumerate(all_examples) if i % args.folds != fold]
            train, held_out = split(rest, config.held_out, config.seed)
            model, stats = fit(train, held_out, NetworkConfig(), config, log=False)
            tagger = AttributionTagger(model)  # type: ignore[arg-type]
            for doc, probabilities in zip(docs, tagger.predict(docs), strict=True):
                doc.user_data[PROBABILITIES] = probabilities
        if args.save_probabilities:
            args.save_probabilities.mkdir(parents=True, exist_ok=True)
            np.savez_compressed(args.save_probabilities / f"fold{fold}.npz", **{
                e.record["id"]: doc.user_data[PROBABILITIES] for e, doc in zip(test, docs,
                                                                                strict=True)})
        results = score_strategies([e.record for e in test], docs, STRATEGIES)
        per_fold[fold] = results
        print(f"fold {fold}: {len(test)} articles, best step {stats['best_step']}, "
              f"{time.perf_counter() - started:.0f} s")
        print(format_rows(results, label=f"[{fold}] "), flush=True)
    if args.json_out:
        args.json_out.write_text(json.dumps(per_fold, indent=1), encoding="utf-8")
    if len(per_fold) > 1:
        print("\nmean ± sd over folds")
        for strategy in STRATEGIES:
            f1 = [r[strategy]["attribution"]["loose"]["f1"] for r in per_fold.values()]
            p = [r[strategy]["attribution"]["loose"]["p"] for r in per_fold.values()]
            acc = [r[strategy]["claims"]["accuracy"] for r in per_fold.values()]
            vague = [r[strategy]["claims"]["per_class"]["vague"]["f1"] for r in per_fold.values()]
            # Recall with and without the speaker, beside dev's: where a gap comes from.
            recall = [result[strategy]["attribution"]["loose"]["r"]
                      for result in per_fold.values()]
            content_r = [result[strategy]["attribution"]["content_loose"]["r"]
                         for result in per_fold.values()]
            print(f"{strategy:<8} F1 {statistics.mean(f1):.3f} ± {statistics.stdev(f1):.3f}  "
                  f"P {statistics.mean(p):.3f}  R {statistics.mean(recall):.3f}  "
                  f"content R {statistics.mean(content_r):.3f}  "
                  f"claims acc {statistics.mean(acc):.3f} ± "
                  f"{statistics.stdev(acc):.3f}  vague F1 {statistics.mean(vague):.3f} ± "
                  f"{statistics.stdev(vague):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
