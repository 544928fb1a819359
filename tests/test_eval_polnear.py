"""The PolNeAR scorer's matching rules, on small hand-made texts (no PolNeAR data)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parent.parent / "bench" / "eval_polnear.py"
_spec = importlib.util.spec_from_file_location("eval_polnear", _PATH)
assert _spec and _spec.loader
ev = importlib.util.module_from_spec(_spec)
sys.modules["eval_polnear"] = ev
_spec.loader.exec_module(ev)

TEXT = "x" * 400


def gold(spans, source="Jane Doe", cue_spans=((390, 394),), source_spans=((380, 389),)):
    return {
        "source": source,
        "source_spans": [list(s) for s in source_spans],
        "cue": "said",
        "cue_spans": [list(s) for s in cue_spans],
        "content": "…",
        "content_spans": [list(s) for s in spans],
        "kind": "indirect",
        "source_named": True,
    }


def quote(start, end, speaker="Jane Doe", anonymous=False):
    return {"speaker": speaker, "anonymous": anonymous, "kind": "indirect", "cue": "said",
            "content": "…", "start": start, "end": end, "role": None}


# --------------------------------------------------------------- content thresholds


@pytest.mark.parametrize(
    ("end", "loose", "strict"),
    [(29, 0, 0), (30, 1, 0), (79, 1, 0), (80, 1, 1), (100, 1, 1), (300, 1, 1)],
)
def test_loose_and_strict_thresholds(end, loose, strict):
    counts = ev.score_attribution([gold([(0, 100)])], TEXT, [quote(0, end)])
    assert (counts.tp_loose, counts.tp_strict) == (loose, strict)
    assert (counts.content_loose, counts.content_strict) == (loose, strict)
    assert (counts.n_gold, counts.n_pred) == (1, 1)


def test_coverage_is_of_the_union_of_content_spans():
    g = gold([(0, 50), (100, 150)])  # 100 gold characters, a 50-char gap
    half = ev.score_attribution([g], TEXT, [quote(0, 50)])
    assert (half.tp_loose, half.tp_strict) == (1, 0)
    # The gap does not count against the prediction: it covers all 100 characters.
    whole = ev.score_attribution([g], TEXT, [quote(0, 150)])
    assert whole.tp_strict == 1
    # Overlapping gold spans are not counted twice: 60 chars, 30 covered = 50%.
    overlapping = gold([(0, 40), (20, 60)])
    assert ev.score_attribution([overlapping], TEXT, [quote(40, 70)]).tp_loose == 1
    assert ev.score_attribution([overlapping], TEXT, [quote(40, 70)]).tp_strict == 0


def test_gold_without_content_is_not_counted():
    counts = ev.score_attribution([gold([(0, 100)]), gold([])], TEXT, [quote(0, 100)])
    assert counts.n_gold == 1
    assert counts.metrics()["loose"]["r"] == 1.0


# --------------------------------------------------------------- one-to-one, greedy


def test_greedy_takes_the_largest_overlap_first():
    golds = [gold([(0, 100)])]
    # The first prediction overlaps 40 chars with the wrong speaker; the second 90
    # chars with the right one. Greedy by overlap pairs the gold with the second.
    preds = [quote(60, 100, speaker="John Smith"), quote(0, 90)]
    matches = ev.match_attributions(golds, TEXT, preds, ev.LOOSE)
    assert [(m.gold, m.pred, m.overlap, m.speaker_ok) for m in matches] == [(0, 1, 90, True)]
    counts = ev.score_attribution(golds, TEXT, preds)
    assert (counts.tp_loose, counts.n_pred) == (1, 2)


def test_one_prediction_matches_one_gold_only():
    golds = [gold([(0, 100)]), gold([(100, 200)])]
    counts = ev.score_attribution(golds, TEXT, [quote(0, 200)])
    assert counts.tp_loose == 1
    assert counts.metrics()["loose"]["p"] == 1.0
    assert counts.metrics()["loose"]["r"] == 0.5


def test_one_gold_matches_one_prediction_only():
    counts = ev.score_attribution([gold([(0, 100)])], TEXT, [quote(0, 100), quote(0, 100)])
    assert counts.tp_loose == 1
    assert counts.metrics()["loose"]["p"] == 0.5


def test_greedy_assignment_is_not_optimal_but_deterministic():
    # P0 overlaps A by 100 and B by 60; P1 overlaps A by 60 only. Greedy gives A-P0 and
    # leaves B and P1 (60 chars of A, already taken) unmatched.
    golds = [gold([(0, 100)]), gold([(100, 200)])]
    preds = [quote(0, 160), quote(40, 100)]
    matches = ev.match_attributions(golds, TEXT, preds, ev.LOOSE)
    assert [(m.gold, m.pred) for m in matches] == [(0, 0)]


def test_threshold_is_checked_before_assignment():
    # A large overlap under the strict threshold must not block a smaller one above it.
    golds = [gold([(0, 300)]), gold([(300, 350)])]
    preds = [quote(100, 350)]  # 200/300 of the first gold (67%), 50/50 of the second
    strict = ev.match_attributions(golds, TEXT, preds, ev.STRICT)
    assert [(m.gold, m.pred) for m in strict] == [(1, 0)]
    loose = ev.match_attributions(golds, TEXT, preds, ev.LOOSE)
    assert [(m.gold, m.pred) for m in loose] == [(0, 0)]


# --------------------------------------------------------------- speakers


@pytest.mark.parametrize(
    ("predicted", "source", "right"),
    [
        ("White House officials", "The White House", True),
        ("the Times", "The Post", False),  # "the" alone is no shared token
        ("OBAMA", "Mr. Obama", True),
        ("Trump’s campaign", "Trump", True),
        ("Mr. Jones's aide", "Trump's", False),  # possessive 's is no token
        ("Clinton-Kaine campaign", "Kaine", True),
        ("", "Jane Doe", False),
        (None, "Jane Doe", False),
        ("Jane", "Doe", False),
    ],
)
def test_speaker_token_rule(predicted, source, right):
    g = gold([(0, 100)], source=source)
    assert ev.speaker_matches(predicted, g, TEXT, [source]) is right
    counts = ev.score_attribution([g], TEXT, [quote(0, 100, speaker=predicted)])
    assert counts.content_loose == 1
    assert counts.tp_loose == int(right)


def test_tokens():
    assert ev.tokens("The U.S. State Department's") == {"u", "s", "state", "department"}
    assert ev.tokens(None) == set()
    assert ev.is_pronoun_source("He")
    assert ev.is_pronoun_source("who")
    assert not ev.is_pronoun_source("Trump")
    assert not ev.is_pronoun_source(None)


PRON_TEXT = (
    "Senator Jane Doe spoke on Monday in Ohio. "  # 0..41
    + "y" * 700
    + " She said taxes would rise."
)


def _pronoun_gold(text=PRON_TEXT, source="She"):
    cue = text.index("said")
    src = text.index("She")
    return gold(
        [(cue + 5, len(text) - 1)], source=source,
        cue_spans=[(cue, cue + 4)], source_spans=[(src, src + 3)],
    )


def test_pronoun_source_resolved_from_the_preceding_window():
    text = "Senator Jane Doe spoke on Monday in Ohio. She said taxes would rise."
    g = _pronoun_gold(text)
    assert ev.speaker_matches("Jane Doe", g, text, [(0, "She")])
    assert ev.speaker_matches("Doe", g, text, [(0, "She")])
    assert ev.speaker_rule("Doe", g, text, [(0, "She")]) == "pronoun"
    assert not ev.speaker_matches("John Smith", g, text, [(0, "She")])
    # Titles and pronouns of the predicted speaker do not count as evidence.
    assert not ev.speaker_matches("Sen. Smith", g, text.replace("Senator", "Sen."), [(0, "She")])
    assert not ev.speaker_matches("he", g, text, [(0, "She")])
    # The literal pronoun still shares a token with the gold source.
    assert ev.speaker_rule("she", g, text, [(0, "She")]) == "token"
    # Lower-case words in the window are not names.
    assert not ev.speaker_matches("Monday spoke", g, text.replace("Monday", "monday"), [(0, "She")])


def test_pronoun_refers_to_the_nearest_earlier_named_source():
    g = _pronoun_gold()
    anchor = g["cue_spans"][0][0]
    assert not ev.speaker_matches("Jane Doe", g, PRON_TEXT, [(anchor, "She")])  # far away
    # ... unless the nearest earlier attribution with a named source is hers,
    assert ev.speaker_matches("Jane Doe", g, PRON_TEXT, [(anchor, "She"), (0, "Ms. Doe")])
    # ... and not when a later-named source is nearer before the pronoun.
    assert not ev.speaker_matches(
        "Jane Doe", g, PRON_TEXT, [(anchor, "She"), (0, "Ms. Doe"), (5, "Bob Roe")]
    )
    # A name named only after the pronoun is no antecedent.
    assert not ev.speaker_matches("Jane Doe", g, PRON_TEXT, [(anchor, "She"),
                                                             (anchor + 1, "Ms. Doe")])
    counts = ev.score_attribution(
        [g], PRON_TEXT, [quote(g["content_spans"][0][0], g["content_spans"][0][1])]
    )
    assert (counts.content_loose, counts.tp_loose, counts.tp_loose_context) == (1, 0, 0)


def test_pronoun_true_positive_is_counted_as_context():
    text = "Senator Jane Doe spoke on Monday in Ohio. She said taxes would rise."
    g = _pronoun_gold(text)
    s, e = g["content_spans"][0]
    counts = ev.score_attribution([g], text, [quote(s, e, speaker="Jane Doe")])
    assert (counts.tp_loose, counts.tp_loose_context) == (1, 1)


def test_absent_source_needs_the_speaker_earlier_in_the_text():
    text = "Acme Corp filed its report. Profits presumably fell. Later, Zed Inc. replied."
    start = text.index("Profits")
    g = gold([(start, start + 24)], source=None, cue_spans=[], source_spans=[])
    g["cue_spans"] = [[text.index("presumably"), text.index("presumably") + 10]]
    assert ev.speaker_rule("Acme", g, text, [None]) == "absent"
    assert not ev.speaker_matches("Zed Inc.", g, text, [None])  # only after it
    assert not ev.speaker_matches("", g, text, [None])
    assert not ev.speaker_matches("it", g, text, [None])


# --------------------------------------------------------------- sentence labels

SENTS = [{"start": 0, "end": 100}, {"start": 100, "end": 200}]


def claim(start, end, kind):
    return {"kind": kind, "text": "…", "start": start, "end": end, "cues": []}


def labels(quotes=(), claims=()):
    return ev.sentence_labels(TEXT, SENTS[:1], list(quotes), list(claims))[0]


def test_label_from_claims():
    assert labels(claims=[claim(0, 50, "vague")]) == "vague"
    assert labels(claims=[claim(0, 49, "vague")]) == "unattributed"
    # Together >= 50%: the kind covering the most characters wins.
    assert labels(claims=[claim(0, 40, "vague"), claim(40, 60, "unattributed")]) == "vague"
    assert labels(claims=[claim(0, 20, "vague"), claim(20, 60, "unattributed")]) == (
        "unattributed"
    )
    # Overlapping claims are a union, not a sum.
    assert labels(claims=[claim(0, 30, "vague"), claim(0, 30, "vague")]) == "unattributed"
    # Claims are looked at before quotes.
    assert labels(quotes=[quote(0, 100)], claims=[claim(0, 60, "unattributed")]) == (
        "unattributed"
    )


def test_label_from_quotes():
    assert labels() == "unattributed"
    assert labels(quotes=[quote(50, 150)]) == "attributed"
    assert labels(quotes=[quote(51, 150)]) == "unattributed"
    assert labels(quotes=[quote(0, 60, anonymous=True)]) == "vague"
    # Named >= 50% wins even when anonymous quotes cover more.
    assert labels(quotes=[quote(0, 50), quote(0, 100, anonymous=True)]) == "attributed"
    # Neither alone reaches 50%: the union does, the larger share decides.
    assert labels(quotes=[quote(0, 20), quote(20, 60, anonymous=True)]) == "vague"
    assert labels(quotes=[quote(0, 40), quote(40, 60, anonymous=True)]) == "attributed"
    # A claim under 50% does not block the quotes.
    assert labels(quotes=[quote(0, 100)], claims=[claim(0, 10, "vague")]) == "attributed"


def test_labels_for_several_sentences():
    got = ev.sentence_labels(TEXT, SENTS, [quote(0, 100)], [claim(120, 200, "vague")])
    assert got == ["attributed", "vague"]


def test_score_claims():
    counts = ev.score_claims(
        ["attributed", "vague", "unattributed", "unattributed"],
        ["attributed", "unattributed", "unattributed", "vague"],
    )
    m = counts.metrics()
    assert m["accuracy"] == 0.5
    assert m["per_class"]["attributed"]["f1"] == 1.0
    assert m["per_class"]["vague"]["f1"] == 0.0
    assert m["per_class"]["unattributed"]["p"] == 0.5
    assert m["per_class"]["unattributed"]["r"] == 0.5
    with pytest.raises(ValueError):
        ev.score_claims(["vague"], [])


# --------------------------------------------------------------- corpus


def test_score_polnear_micro_averages(tmp_path, capsys):
    docs = [
        {"id": "a", "published": "2016-09-12", "text": TEXT,
         "attributions": [gold([(0, 100)])],
         "sentences": [{"start": 0, "end": 100, "label": "attributed"}]},
        {"id": "b", "published": None, "text": TEXT,
         "attributions": [gold([(0, 100)]), gold([(100, 200)]), gold([(200, 300)])],
         "sentences": [{"start": 0, "end": 100, "label": "vague"}]},
    ]
    path = tmp_path / "mini.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    seen = []

    def predict(text, published):
        seen.append(published)
        return {"quotes": [quote(0, 100)], "claims": [], "text": text}

    result = ev.score_polnear(predict, path, errors=2)
    loose = result["attribution"]["loose"]
    # Micro: 2 TP over 2 predictions and 4 gold (a macro average of recall would be 2/3).
    assert (loose["tp"], loose["n_pred"], loose["n_gold"]) == (2, 2, 4)
    assert loose["r"] == 0.5
    assert result["claims"]["accuracy"] == 0.5
    assert result["docs"] == 2
    assert str(seen[-2]) == "2016-09-12" and seen[-1] is None
    out = capsys.readouterr().out
    assert "MISS" in out and "=== b" in out
