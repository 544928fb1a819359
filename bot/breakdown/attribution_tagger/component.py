"""The attribution tagger as a spaCy pipeline component, and its shipped weights.

The component reads the parse (tags, dependencies, entities) and the frozen `tok2vec`
output (`doc.tensor`), so it runs last. It writes nothing to the tokens (the engine's
rules need `token.tag_` as the parser left it): the per-token label probabilities go to
``doc.user_data[PROBABILITIES]``. Weights load once per process from the package.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import Model

from bot.breakdown.attribution_tagger.features import FEATURE_NAMES, token_features
from bot.breakdown.attribution_tagger.network import LABELS, NetworkConfig, build_network
from bot.breakdown.nlp import text_of
from bot.breakdown.quotemarks import find_quoted_spans

COMPONENT = "attribution_tagger"
PROBABILITIES = "attribution_probabilities"
WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
_MODEL_FILE = "model.bin"
_CONFIG_FILE = "config.json"


def save_weights(model: Model[Any, Any], config: NetworkConfig, folder: Path,
                 training: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / _MODEL_FILE).write_bytes(model.to_bytes())
    meta = {"network": config.to_dict(), "features": list(FEATURE_NAMES),
            "labels": list(LABELS), "training": training}
    (folder / _CONFIG_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def load_network(folder: Path = WEIGHTS_DIR) -> Model[Any, Any]:
    """The trained network; raises a clear error when the weights are missing or stale."""
    config_path = folder / _CONFIG_FILE
    if not config_path.exists():
        raise FileNotFoundError(f"attribution tagger weights missing: {config_path} "
                                "(train them with `python -m bot.breakdown.train`)")
    meta = json.loads(config_path.read_text(encoding="utf-8"))
    if meta["features"] != list(FEATURE_NAMES) or meta["labels"] != list(LABELS):
        raise ValueError(f"attribution tagger weights in {folder} were trained with other "
                         "features or labels: retrain them")
    model = build_network(NetworkConfig(**meta["network"]))
    return model.from_bytes((folder / _MODEL_FILE).read_bytes())


class AttributionTagger:
    """Per-token probabilities of source / cue / content (BIO) for each document."""

    def __init__(self, network: Model[Any, Any]) -> None:
        self.network = network

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data[PROBABILITIES] = self.predict([doc])[0]
        return doc

    def predict(self, docs: list[Doc]) -> list[np.ndarray]:
        inputs = []
        for doc in docs:
            features = token_features(doc, find_quoted_spans(text_of(doc)))
            inputs.append((features.vectors, features.keys))
        nonempty = [i for i, doc in enumerate(docs) if len(doc)]
        outputs: list[np.ndarray] = [np.zeros((0, len(LABELS)), dtype="f") for _ in docs]
        if nonempty:
            predicted = self.network.predict([inputs[i] for i in nonempty])
            for i, probabilities in zip(nonempty, predicted, strict=True):
                outputs[i] = np.asarray(probabilities)
        return outputs


@Language.factory(COMPONENT, default_config={"weights": None})
def make_attribution_tagger(nlp: Language, name: str,
                            weights: str | None) -> AttributionTagger:
    return AttributionTagger(load_network(Path(weights) if weights else WEIGHTS_DIR))
