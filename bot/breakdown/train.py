"""``python -m bot.breakdown.train --data ../shared/eval/polnear-train.jsonl``: retrain
the shipped attribution tagger (see `bot.breakdown.attribution_tagger.train`)."""

from __future__ import annotations

import sys

from bot.breakdown.attribution_tagger.train import main

if __name__ == "__main__":
    sys.exit(main())
