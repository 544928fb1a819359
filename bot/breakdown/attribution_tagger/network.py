"""The tagger's network: hashed parse features beside the frozen `tok2vec` vectors, a
small CNN encoder, and a softmax over BIO labels of source, cue and content.

Built from plain thinc layers so that its weights ship as one `to_bytes()` blob beside
`config.json`; the hyper-parameters live in that config, never in code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from spacy.ml.models.tok2vec import MaxoutWindowEncoder
from thinc.api import (
    HashEmbed,
    Maxout,
    Model,
    NumpyOps,
    Softmax,
    chain,
    concatenate,
    get_current_ops,
    set_current_ops,
    with_array,
)
from thinc.types import Floats2d

from bot.breakdown.attribution_tagger.features import FEATURE_NAMES

LABELS = ("O", "B-SOURCE", "I-SOURCE", "B-CUE", "I-CUE", "B-CONTENT", "I-CONTENT")
Inputs = tuple[np.ndarray, np.ndarray]  # (vectors float32 (n, d), keys uint64 (n, k))


@dataclass(frozen=True)
class NetworkConfig:
    """Hyper-parameters: written to and read from the shipped `config.json`."""

    vector_width: int = 96  # the small English pipeline's tok2vec width
    width: int = 128
    depth: int = 4  # context of ±8 tokens: 0.724 dev hybrid F1 against 0.702 for 2 × ±1
    window: int = 2
    embed_width: int = 24
    embed_rows: int = 5000
    word_rows: int = 20000  # the word and lemma columns have more distinct values
    dropout: float = 0.1
    embed_dropout: float = 0.0  # on the feature embeddings, during training only
    seed: int = 13

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rows(config: NetworkConfig, column: int) -> int:
    return config.word_rows if FEATURE_NAMES[column] in {"lower", "lemma"} else config.embed_rows


def _with_vectors(embed: Model[np.ndarray, Floats2d]) -> Model[list[Inputs], list[Floats2d]]:
    """Per document, [vectors | embed(keys)]: the frozen vectors get no gradient, the
    tables do. The keys of a whole batch are embedded in one call."""

    def forward(model: Model[list[Inputs], list[Floats2d]], docs: list[Inputs],
                is_train: bool) -> tuple[list[Floats2d], Callable[[list[Floats2d]],
                                                                  list[Inputs]]]:
        lengths = [len(keys) for _, keys in docs]
        keys = np.concatenate([keys for _, keys in docs]) if docs else np.zeros((0, 0))
        embedded, backprop_embed = model.layers[0](keys, is_train)
        vectors = np.concatenate([vectors for vectors, _ in docs])
        width = vectors.shape[1]
        stacked = model.ops.xp.hstack([vectors, embedded])
        splits = np.cumsum(lengths)[:-1]
        output: list[Floats2d] = list(np.split(stacked, splits))  # type: ignore[arg-type]

        def backprop(d_output: list[Floats2d]) -> list[Inputs]:
            backprop_embed(np.concatenate(d_output)[:, width:])  # type: ignore[arg-type]
            return docs

        return output, backprop

    def init(model: Model[list[Inputs], list[Floats2d]], X: Any = None,
             Y: Any = None) -> None:
        model.layers[0].initialize()

    return Model("with_vectors", forward, init=init, layers=[embed])


class MatmulOps(NumpyOps):  # type: ignore[misc]  # compiled (Cython): Any to mypy
    """thinc's CPU ops with NumPy's matrix product: thinc's own (blis) `gemm` measured
    2-3x slower than NumPy's BLAS here, and matrix products are most of the tagger's cost
    (same results up to float rounding)."""

    name = "numpy_matmul"

    def gemm(self, x: Floats2d, y: Floats2d, out: Floats2d | None = None,
             trans1: bool = False, trans2: bool = False) -> Floats2d:
        left: Any = x.T if trans1 else x
        right: Any = y.T if trans2 else y
        if out is None:
            return np.matmul(left, right)  # type: ignore[no-any-return]
        np.matmul(left, right, out=out)  # type: ignore[call-overload]
        return out


def build_network(config: NetworkConfig) -> Model[list[Inputs], list[Floats2d]]:
    """vectors ⊕ feature embeddings → Maxout → window CNN → softmax over `LABELS`."""
    previous = get_current_ops()
    set_current_ops(MatmulOps())  # layers take the current ops when they are created
    try:
        return _layers(config)
    finally:
        set_current_ops(previous)


def _layers(config: NetworkConfig) -> Model[list[Inputs], list[Floats2d]]:
    embed: Model[np.ndarray, Floats2d] = concatenate(*(
        HashEmbed(nO=config.embed_width, nV=_rows(config, column), column=column,
                  seed=config.seed + column, dropout=config.embed_dropout or None)
        for column in range(len(FEATURE_NAMES))
    ))
    n_inputs = config.vector_width + config.embed_width * len(FEATURE_NAMES)
    return chain(
        _with_vectors(embed),
        with_array(Maxout(nO=config.width, nI=n_inputs, nP=3, dropout=config.dropout,
                          normalize=True)),
        MaxoutWindowEncoder(width=config.width, window_size=config.window, maxout_pieces=3,
                            depth=config.depth),
        with_array(Softmax(nO=len(LABELS), nI=config.width)),
    )
