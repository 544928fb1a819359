"""Train the attribution tagger on PolNeAR's training split.

    python -m bot.breakdown.train --data ../shared/eval/polnear-train.jsonl

Parses every article once with the engine's own pipeline (cached outside the repository,
about 3 minutes the first time), holds back `--held-out` training articles for early
stopping, trains with a fixed seed and writes `weights/model.bin` and `weights/config.json`
beside this module. Dev data is never seen here: select models on dev with
``python bench/quality.py``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from thinc.api import Adam, fix_random_seed

from bot.breakdown.attribution_tagger.component import WEIGHTS_DIR, save_weights
from bot.breakdown.attribution_tagger.corpus import Example, examples, read_records
from bot.breakdown.attribution_tagger.network import LABELS, NetworkConfig, build_network


@dataclass(frozen=True)
class TrainingConfig:
    seed: int = 13
    held_out: int = 60
    batch_docs: int = 8
    learn_rate: float = 0.001
    max_steps: int = 1600
    eval_every: int = 100
    patience: int = 5  # evaluations without improvement before stopping


def _inputs(batch: list[Example]) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(e.features.vectors, e.features.keys) for e in batch]


def token_f1(model: object, held_out: list[Example]) -> float:
    """Micro F1 over tokens of the non-O labels (kind and B/I both right)."""
    tp = n_pred = n_gold = 0
    for start in range(0, len(held_out), 16):
        batch = held_out[start : start + 16]
        for example, probs in zip(batch, model.predict(_inputs(batch)), strict=True):  # type: ignore[attr-defined]
            predicted = probs.argmax(axis=1)
            gold = example.labels
            tp += int(((predicted == gold) & (gold != 0)).sum())
            n_pred += int((predicted != 0).sum())
            n_gold += int((gold != 0).sum())
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def fit(train: list[Example], held_out: list[Example], network_config: NetworkConfig,
        config: TrainingConfig, log: bool = True) -> tuple[object, dict[str, float]]:
    """Train, keeping the weights of the best held-out evaluation."""
    fix_random_seed(config.seed)
    rng = random.Random(config.seed)
    model = build_network(network_config)
    model.initialize(X=_inputs(train[:4]))
    optimizer = Adam(config.learn_rate)
    best_score, best_bytes, best_step, since_best = -1.0, model.to_bytes(), 0, 0
    order = list(range(len(train)))
    step = 0
    started = time.perf_counter()
    while step < config.max_steps and since_best < config.patience:
        rng.shuffle(order)
        for first in range(0, len(order), config.batch_docs):
            batch = [train[i] for i in order[first : first + config.batch_docs]]
            probs, backprop = model.begin_update(_inputs(batch))
            n_tokens = sum(len(e.labels) for e in batch)
            gradients = []
            for example, p in zip(batch, probs, strict=True):
                d = np.array(p, copy=True)
                d[np.arange(len(example.labels)), example.labels] -= 1.0
                gradients.append(d / n_tokens)
            backprop(gradients)  # type: ignore[arg-type]
            model.finish_update(optimizer)
            step += 1
            if step % config.eval_every == 0:
                score = token_f1(model, held_out)
                if log:
                    print(f"step {step:5d}  held-out token F1 {score:.4f}  "
                          f"{time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
                if score > best_score:
                    best_score, best_bytes, best_step, since_best = score, model.to_bytes(), step, 0
                else:
                    since_best += 1
            if step >= config.max_steps or since_best >= config.patience:
                break
    model.from_bytes(best_bytes)
    return model, {"held_out_token_f1": best_score, "best_step": best_step,
                   "steps": step, "seconds": time.perf_counter() - started}


def split(all_examples: list[Example], held_out: int, seed: int) -> tuple[list[Example],
                                                                         list[Example]]:
    order = list(range(len(all_examples)))
    random.Random(seed).shuffle(order)
    held = {order[i] for i in range(held_out)}
    return ([e for i, e in enumerate(all_examples) if i not in held],
            [e for i, e in enumerate(all_examples) if i in held])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="polnear-train.jsonl")
    parser.add_argument("--out", type=Path, default=WEIGHTS_DIR)
    parser.add_argument("--seed", type=int, default=TrainingConfig.seed)
    parser.add_argument("--max-steps", type=int, default=TrainingConfig.max_steps)
    parser.add_argument("--learn-rate", type=float, default=TrainingConfig.learn_rate)
    parser.add_argument("--width", type=int, default=NetworkConfig.width)
    parser.add_argument("--window", type=int, default=NetworkConfig.window)
    parser.add_argument("--depth", type=int, default=NetworkConfig.depth)
    parser.add_argument("--embed-width", type=int, default=NetworkConfig.embed_width)
    parser.add_argument("--dropout", type=float, default=NetworkConfig.dropout)
    parser.add_argument("--embed-dropout", type=float, default=NetworkConfig.embed_dropout)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    records = read_records(args.data)
    all_examples = list(examples(records))
    print(f"{len(all_examples)} articles parsed in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)
    config = TrainingConfig(seed=args.seed, max_steps=args.max_steps,
                            learn_rate=args.learn_rate)
    network_config = replace(NetworkConfig(), seed=args.seed, width=args.width,
                             window=args.window, depth=args.depth,
                             embed_width=args.embed_width, dropout=args.dropout,
                             embed_dropout=args.embed_dropout)
    train, held_out = split(all_examples, config.held_out, config.seed)
    model, stats = fit(train, held_out, network_config, config)
    save_weights(model, network_config, args.out, {  # type: ignore[arg-type]
        **stats, "train_articles": len(train), "held_out_articles": len(held_out),
        "labels": list(LABELS), "data": args.data.name,
        "total_seconds": round(time.perf_counter() - started, 1)})
    print(json.dumps(stats), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
