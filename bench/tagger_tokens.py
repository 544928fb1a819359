"""Token F1 of the shipped attribution tagger on dev and on the training articles that
training held back — does the network itself do as well on unseen news as on dev?

    python bench/tagger_tokens.py

Token F1 is `bot.breakdown.attribution_tagger.train.token_f1` (every non-O label, kind and
B/I both right), before any decoding into attributions: a gap between dev and the
held-back articles here is the network's; a gap only in attribution F1 is the decoding's.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (str(ROOT), str(ROOT / "bench")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from eval_data import eval_dir, require  # noqa: E402

from bot.breakdown.attribution_tagger.component import load_network  # noqa: E402
from bot.breakdown.attribution_tagger.corpus import examples, read_records  # noqa: E402
from bot.breakdown.attribution_tagger.train import TrainingConfig, split, token_f1  # noqa: E402


def main() -> int:
    dev_path, train_path = eval_dir() / "polnear-dev.jsonl", eval_dir() / "polnear-train.jsonl"
    require(dev_path, train_path)
    network = load_network()
    dev = list(examples(read_records(dev_path)))
    config = TrainingConfig()
    # The same split as the training command's: these articles only chose the best step.
    _, held_out = split(list(examples(read_records(train_path))), config.held_out, config.seed)
    print(f"token F1, polnear-dev ({len(dev)} articles): {token_f1(network, dev):.3f}")
    print(f"token F1, held-back training articles ({len(held_out)}): "
          f"{token_f1(network, held_out):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
