"""Who said what, side by side: the rules, the learned tagger, and the hybrid.

    python bench/attribution_variants.py                        # dev, shipped weights
    python bench/attribution_variants.py --data ../shared/eval/polnear-train.jsonl --limit 200
    python bench/attribution_variants.py --weights /tmp/run1    # weights of a training run

Parses each article once (cached outside the repository by
`bot.breakdown.attribution_tagger.corpus`), runs the tagger once, then scores every
strategy of `find_quotes` on the same parse with the §3 scorer of `eval_polnear.py`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _path in (str(ROOT), str(ROOT / "bench")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from eval_data import eval_dir, require  # noqa: E402
from eval_polnear import (  # noqa: E402
    AttributionCounts,
    ClaimCounts,
    _published,
    score_attribution,
    score_claims,
    sentence_labels,
)

from bot.breakdown.attribution_tagger import attributions as tagged  # noqa: E402
from bot.breakdown.attribution_tagger.component import (  # noqa: E402
    PROBABILITIES,
    WEIGHTS_DIR,
    AttributionTagger,
    load_network,
)
from bot.breakdown.attribution_tagger.corpus import parsed_docs, read_records  # noqa: E402
from bot.breakdown.engine import breakdown_of_doc  # noqa: E402
from bot.breakdown.model import Source  # noqa: E402

STRATEGIES = ("rules", "model", "hybrid")


def score_strategies(records: list[dict[str, Any]], docs: list[Any],
                     strategies: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    results = {}
    for strategy in strategies:
        attribution, claims = AttributionCounts(), ClaimCounts()
        for record, doc in zip(records, docs, strict=True):
            published = _published(record)
            breakdown = breakdown_of_doc(
                doc, text=record["text"], published=published,
                source=Source(published=published.isoformat() if published else None),
                attribution=strategy)  # type: ignore[arg-type]
            contract = breakdown.to_dict()
            attribution += score_attribution(record["attributions"], record["text"],
                                             contract["quotes"])
            labels = sentence_labels(record["text"], record["sentences"], contract["quotes"],
                                     contract["claims"])
            claims += score_claims([s["label"] for s in record["sentences"]], labels)
        results[strategy] = {"attribution": attribution.metrics(), "claims": claims.metrics()}
    return results


def format_rows(results: dict[str, dict[str, Any]], label: str = "") -> str:
    lines = [f"{'variant':<22} {'P':>6} {'R':>6} {'F1':>6} {'strict':>7} "
             f"{'claims acc':>10} {'vague F1':>9}"]
    for name, result in results.items():
        loose = result["attribution"]["loose"]
        strict = result["attribution"]["strict"]
        claims = result["claims"]
        lines.append(f"{label + name:<22} {loose['p']:6.3f} {loose['r']:6.3f} {loose['f1']:6.3f} "
                     f"{strict['f1']:7.3f} {claims['accuracy']:10.3f} "
                     f"{claims['per_class']['vague']['f1']:9.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=eval_dir() / "polnear-dev.jsonl")
    parser.add_argument("--weights", type=Path, default=WEIGHTS_DIR)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--strategies", default=",".join(STRATEGIES))
    parser.add_argument("--min-confidence", default=str(tagged.MIN_CONFIDENCE),
                        help="comma-separated thresholds to compare (the general one; "
                             "the lexicon-cue threshold stays "
                             f"{tagged.MIN_CONFIDENCE_LEXICON_CUE})")
    args = parser.parse_args(argv)
    require(args.data)
    records = read_records(args.data)[: args.limit]
    docs = parsed_docs(records)
    tagger = AttributionTagger(load_network(args.weights))
    for doc, probabilities in zip(docs, tagger.predict(docs), strict=True):
        doc.user_data[PROBABILITIES] = probabilities
    strategies = tuple(args.strategies.split(","))
    print(f"{args.data.name}: {len(records)} articles, weights {args.weights}")
    for threshold in (float(t) for t in args.min_confidence.split(",")):
        tagged.MIN_CONFIDENCE = threshold
        results = score_strategies(records, docs, strategies)
        print(format_rows(results, label=f"[{threshold:.2f}] "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
