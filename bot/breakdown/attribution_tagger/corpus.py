"""PolNeAR records as training material: parsed once, labelled token by token.

The records are read at training time from ``../shared/eval/`` and parsed with the very
pipeline the engine runs (`bot.breakdown.nlp.get_parsing_nlp`), so the model learns on the parse
it will see. Parses are cached outside the repository (the corpus text never enters it).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from spacy.tokens import Doc, DocBin

from bot.breakdown.attribution_tagger.features import TokenFeatures, token_features
from bot.breakdown.attribution_tagger.network import LABELS
from bot.breakdown.nlp import get_parsing_nlp
from bot.breakdown.quotemarks import find_quoted_spans

_ROLE_OF = (("source_spans", "SOURCE"), ("cue_spans", "CUE"), ("content_spans", "CONTENT"))
_LABEL_ID = {label: i for i, label in enumerate(LABELS)}


@dataclass(frozen=True)
class Example:
    """One article: its record, parse, features and gold BIO label ids."""

    record: dict[str, Any]
    doc: Doc
    features: TokenFeatures
    labels: np.ndarray  # (n_tokens,) int


def read_records(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def gold_labels(doc: Doc, record: dict[str, Any]) -> np.ndarray:
    """BIO labels from the character spans: a token takes the role of the span its first
    character falls in (PolNeAR is univocal: one role per token). A new piece of a span,
    or another attribution's span, starts with B."""
    owner = np.full(len(doc), -1, dtype=np.int64)  # which (attribution, piece) a token is in
    role = ["O"] * len(doc)
    starts = np.array([t.idx for t in doc], dtype=np.int64)
    piece_id = 0
    for attribution in record["attributions"]:
        for key, name in _ROLE_OF:
            for start, end in attribution.get(key) or []:
                first = int(np.searchsorted(starts, start, side="left"))
                last = int(np.searchsorted(starts, end, side="left"))
                for i in range(first, last):
                    owner[i] = piece_id
                    role[i] = name
                piece_id += 1
    labels = np.zeros(len(doc), dtype=np.int64)
    previous = -1
    for i in range(len(doc)):
        if role[i] == "O":
            previous = -1
            continue
        begins = owner[i] != previous
        labels[i] = _LABEL_ID[("B-" if begins else "I-") + role[i]]
        previous = owner[i]
    return labels


def _cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "article-breakdown" / "parses"


def parsed_docs(records: list[dict[str, Any]], *, cache: Path | None = None) -> list[Doc]:
    """Every record's text parsed by the engine's pipeline, cached by content hash.

    `doc.tensor` (the frozen tok2vec output) is not kept by DocBin, so it is stored
    beside it.
    """
    nlp = get_parsing_nlp()
    digest = hashlib.sha256()
    for record in records:
        digest.update(record["text"].encode("utf-8"))
    digest.update(nlp.meta["name"].encode() + nlp.meta["version"].encode())
    folder = (cache or _cache_dir()) / digest.hexdigest()[:16]
    if (folder / "docs.spacy").exists():
        docs = list(DocBin().from_disk(folder / "docs.spacy").get_docs(nlp.vocab))
        tensors = np.load(folder / "tensors.npz")
        for i, doc in enumerate(docs):
            doc.tensor = tensors[f"t{i}"]
        return docs
    docs = list(nlp.pipe((r["text"] for r in records), batch_size=8))
    folder.mkdir(parents=True, exist_ok=True)
    DocBin(store_user_data=False, docs=docs).to_disk(folder / "docs.spacy")
    tensors = {f"t{i}": np.asarray(d.tensor) for i, d in enumerate(docs)}
    np.savez(folder / "tensors.npz", **tensors)
    return docs


def examples(records: list[dict[str, Any]], *, cache: Path | None = None) -> Iterator[Example]:
    for record, doc in zip(records, parsed_docs(records, cache=cache), strict=True):
        features = token_features(doc, find_quoted_spans(record["text"]))
        yield Example(record, doc, features, gold_labels(doc, record))
