"""The learned attribution tagger: features, decoding, shipped weights, and the hybrid."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.breakdown import analyze
from bot.breakdown.attribution_tagger.component import (
    COMPONENT,
    PROBABILITIES,
    WEIGHTS_DIR,
    load_network,
)
from bot.breakdown.attribution_tagger.corpus import gold_labels
from bot.breakdown.attribution_tagger.decode import best_labels, read_spans
from bot.breakdown.attribution_tagger.features import FEATURE_NAMES, token_features
from bot.breakdown.attribution_tagger.network import LABELS
from bot.breakdown.nlp import get_nlp, get_parsing_nlp
from bot.breakdown.quotemarks import find_quoted_spans

INDIRECT = ("The minister said on Tuesday that the new tariffs would protect local "
            "farmers from cheap imports.\n\nCritics disagree.")


def _probabilities(rows: list[list[float]]) -> np.ndarray:
    return np.array(rows, dtype=np.float32)


def _label(name: str) -> int:
    return LABELS.index(name)


def test_viterbi_never_starts_a_span_with_i() -> None:
    # Per-token argmax would say I-CONTENT first: not a valid BIO sequence.
    probabilities = _probabilities([
        [0.1, 0.0, 0.0, 0.0, 0.0, 0.35, 0.55],
        [0.1, 0.0, 0.0, 0.0, 0.0, 0.1, 0.8],
    ])
    labels = best_labels(probabilities)
    assert [LABELS[label] for label in labels] == ["B-CONTENT", "I-CONTENT"]


def test_viterbi_i_continues_only_its_own_kind() -> None:
    probabilities = _probabilities([
        [0.0, 0.0, 0.0, 0.9, 0.0, 0.1, 0.0],  # B-CUE
        [0.05, 0.0, 0.0, 0.0, 0.0, 0.4, 0.55],  # I-CONTENT would follow a cue: invalid
    ])
    names = [LABELS[label] for label in best_labels(probabilities)]
    assert names == ["B-CUE", "B-CONTENT"]


def test_read_spans_gives_kinds_and_bounds() -> None:
    labels = [_label(n) for n in ("B-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT", "O")]
    probabilities = np.full((5, len(LABELS)), 0.5, dtype=np.float32)
    spans = read_spans(labels, probabilities)
    assert [(s.kind, s.start, s.end) for s in spans] == [
        ("SOURCE", 0, 1), ("CUE", 1, 2), ("CONTENT", 2, 4)]
    assert all(s.confidence == pytest.approx(0.5) for s in spans)


def test_features_have_one_key_per_column_and_mark_quotes() -> None:
    text = "“We will win,” the mayor said."
    doc = get_parsing_nlp()(text)
    features = token_features(doc, find_quoted_spans(text))
    assert features.keys.shape == (len(doc), len(FEATURE_NAMES))
    assert features.vectors.shape[0] == len(doc)
    quote_column = FEATURE_NAMES.index("quote")
    inside = features.keys[1, quote_column]  # "We"
    outside = features.keys[len(doc) - 2, quote_column]  # "said"
    mark = features.keys[0, quote_column]  # “
    assert len({int(inside), int(outside), int(mark)}) == 3


def test_verb_path_features_see_the_governing_cue() -> None:
    # "tariffs" hangs under "protect", which hangs under "said": the second verb above it
    # is the cue, however far away.
    doc = get_parsing_nlp()(INDIRECT)
    features = token_features(doc, [])
    verb2 = FEATURE_NAMES.index("verb2")
    said_clause = {int(features.keys[t.i, verb2]) for t in doc if t.text == "tariffs"}
    critic = {int(features.keys[t.i, verb2]) for t in doc if t.text == "Critics"}
    assert said_clause and said_clause != critic


def test_gold_labels_follow_character_spans() -> None:
    doc = get_parsing_nlp()(INDIRECT)
    source = INDIRECT.index("The minister")
    cue = INDIRECT.index("said")
    content = INDIRECT.index("the new tariffs")
    record = {"attributions": [{
        "source_spans": [[source, source + len("The minister")]],
        "cue_spans": [[cue, cue + 4]],
        "content_spans": [[content, INDIRECT.index(".")]]}]}
    names = [LABELS[i] for i in gold_labels(doc, record)]
    assert names[:3] == ["B-SOURCE", "I-SOURCE", "B-CUE"]
    first_content = next(i for i, t in enumerate(doc) if t.idx == content)
    assert names[first_content] == "B-CONTENT"
    assert names[first_content + 1] == "I-CONTENT"
    assert names[-1] == "O"  # "disagree." is nobody's statement here


def test_shipped_weights_load_and_run_in_the_pipeline() -> None:
    assert (WEIGHTS_DIR / "model.bin").exists()
    assert (WEIGHTS_DIR / "MODEL_CARD.md").exists()
    nlp = get_nlp()
    assert nlp.pipe_names[-1] == COMPONENT
    doc = nlp(INDIRECT)
    probabilities = doc.user_data[PROBABILITIES]
    assert probabilities.shape == (len(doc), len(LABELS))
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-4)


def test_stale_weights_are_refused(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(
        '{"network": {}, "features": ["lower"], "labels": ["O"]}', encoding="utf-8")
    with pytest.raises(ValueError, match="retrain"):
        load_network(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"python -m bot\.breakdown\.train"):
        load_network(tmp_path / "missing")


def test_indirect_speech_without_quotation_marks_is_attributed() -> None:
    text = ("Farm exports fell sharply last year.\n\nFinance Minister Ana Rivera said on "
            "Tuesday that the new tariffs would protect local farmers from cheap imports.")
    breakdown = analyze(text)
    quotes = [q for q in breakdown.quotes if "tariffs" in q.content]
    assert quotes, breakdown.quotes
    assert quotes[0].kind == "indirect"
    assert quotes[0].speaker == "Ana Rivera"
    assert not any("tariffs" in c.text for c in breakdown.claims)


def test_an_unnamed_source_makes_a_vague_claim_not_an_unattributed_one() -> None:
    breakdown = analyze("Farm exports fell sharply last year.\n\n" + INDIRECT)
    claims = [c for c in breakdown.claims if "tariffs" in c.text]
    assert [c.kind for c in claims] == ["vague"]


def test_strategies_can_be_compared_on_one_text() -> None:
    rules = analyze(INDIRECT, attribution="rules")
    model = analyze(INDIRECT, attribution="model")
    hybrid = analyze(INDIRECT)
    assert rules.text == model.text == hybrid.text
    assert hybrid.quotes  # the default finds the minister's statement
