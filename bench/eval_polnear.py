"""Score "who said what" and "unattributed claims" on PolNeAR (../shared/eval/README.md §3).

Usage (from the project root)::

    python bench/eval_polnear.py              # scores bot.breakdown.analyze
    python bench/eval_polnear.py --baseline   # scores the tiny spaCy rule baseline below
    python bench/eval_polnear.py --errors 5   # also prints misses / false positives of 5 docs

The PolNeAR texts are read at run time from ``polnear-dev.jsonl`` in ``../shared/eval``
or ``$EVAL_DIR`` (`eval_data.py`; research-only licence: never copy them into this
repository).

Who said what
-------------
A predicted quote matches a gold attribution when the quote's span ``[start, end)``
covers at least 30% (loose) or 80% (strict) of the gold content characters (the union
of the attribution's ``content_spans``). Matching is one-to-one and greedy by overlap:
every (gold, predicted) pair with a non-zero overlap is a candidate; candidates are
sorted by overlapping characters, descending (ties: gold order, then predicted order),
and a pair is assigned when both sides are still free and the threshold is met. Loose
and strict are two separate greedy runs.

A matched pair is a true positive only when the speaker is also right (see
`speaker_matches`). P = TP / #predicted quotes, R = TP / #gold attributions. Counts are
**micro-averaged**: summed over all documents before P/R/F1 are computed, so long
articles with many attributions weigh more. The speaker-agnostic "content" scores
(matched pairs whatever the speaker) are reported as a diagnostic.

Gold attributions with no content span at all (one in polnear-dev: an empty
annotation) can never be matched and are left out of the gold count.

Unattributed claims
-------------------
Gold labels are the frozen ``sentences`` of each record; predicted labels come from
`sentence_labels`. 3-way accuracy and per-class P/R/F1 are micro over all sentences
of all documents.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TextIO

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:  # run as a script or imported by path from the tests
    sys.path.insert(0, str(BENCH))

from eval_data import eval_dir, require  # noqa: E402

DEFAULT_PATH = eval_dir() / "polnear-dev.jsonl"
LOOSE = 0.30
STRICT = 0.80
LABELS = ("attributed", "vague", "unattributed")

Span = tuple[int, int]
Predict = Callable[[str, dt.date | None], dict[str, Any]]

# --------------------------------------------------------------------------- spans


def _merge(spans: Iterable[Sequence[int]]) -> list[Span]:
    """Sorted, non-overlapping union of half-open spans (empty spans dropped)."""
    merged: list[list[int]] = []
    for start, end in sorted((int(s), int(e)) for s, e in spans if int(e) > int(s)):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _length(spans: Iterable[Span]) -> int:
    return sum(e - s for s, e in spans)


def _overlap(start: int, end: int, merged: Iterable[Span]) -> int:
    """Characters of ``[start, end)`` inside the (already merged) spans."""
    return sum(max(0, min(end, e) - max(start, s)) for s, e in merged)


def _covered(start: int, end: int, spans: Iterable[Sequence[int]]) -> int:
    """Characters of ``[start, end)`` covered by the union of arbitrary spans."""
    return _overlap(start, end, _merge(spans))


# --------------------------------------------------------------------------- speakers

_POSSESSIVE = re.compile(r"['’]s\b", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W_]+")
IGNORED = frozenset({"the"})
PRONOUNS = frozenset({
    "i", "me", "my", "mine", "we", "us", "our", "ours", "you", "your", "yours", "he",
    "him", "his", "she", "her", "hers", "it", "its", "they", "them", "their", "theirs",
    "who", "whom", "whose", "which", "that", "this", "these", "those",
})
# Titles dropped from the predicted speaker when it is compared with the context of a
# pronoun/absent gold source (they would match any "Mr."/"Sen." nearby).
TITLES = frozenset({
    "mr", "mrs", "ms", "miss", "dr", "sen", "rep", "gov", "prof", "rev", "gen", "jr", "sr",
})


def tokens(text: str | None) -> set[str]:
    """Lower-cased alphanumeric tokens, possessive 's removed, "the" ignored."""
    if not text:
        return set()
    return {t for t in _TOKEN.findall(_POSSESSIVE.sub("", text.lower())) if t not in IGNORED}


def is_pronoun_source(source: str | None) -> bool:
    """True for a gold source made of pronouns only ("he", "she", "who", "they", …)."""
    toks = tokens(source)
    return bool(toks) and toks <= PRONOUNS


def _content_tokens(speaker: str | None) -> set[str]:
    return tokens(speaker) - PRONOUNS - TITLES


def _capitalised_tokens(text: str) -> set[str]:
    return {t.lower() for t in _TOKEN.findall(_POSSESSIVE.sub("", text)) if t[0].isupper()}


def _anchor(gold: dict[str, Any]) -> int:
    """Where the attribution starts: the cue, else the earliest span of any part."""
    if gold.get("cue_spans"):
        return min(s for s, _ in gold["cue_spans"])
    starts = [s for key in ("source_spans", "content_spans") for s, _ in gold.get(key) or []]
    return min(starts, default=0)


def _antecedent(anchor: int, doc_sources: Sequence[tuple[int, str | None]]) -> str | None:
    """The nearest named (non-pronoun) gold source before `anchor`: what "he" refers to."""
    before = [(at, source) for at, source in doc_sources
              if at < anchor and tokens(source) and not is_pronoun_source(source)]
    return max(before, key=lambda item: item[0])[1] if before else None


def speaker_matches(
    predicted: str | None,
    gold: dict[str, Any],
    text: str,
    doc_sources: Sequence[tuple[int, str | None]] = (),
    window: int = 300,
) -> bool:
    """Is the predicted speaker right for this gold attribution? (see `speaker_rule`)"""
    return speaker_rule(predicted, gold, text, doc_sources, window) is not None


def speaker_rule(
    predicted: str | None,
    gold: dict[str, Any],
    text: str,
    doc_sources: Sequence[tuple[int, str | None]] = (),
    window: int = 300,
) -> str | None:
    """Which rule makes the predicted speaker right: "token", "pronoun", "absent" or None.

    1. Token rule (README): the predicted speaker shares a token with the gold source
       string (case-insensitive; "the" and possessive 's ignored).
    2. Pronoun gold source ("he", "she", "they", "his", "who", "which", …; see
       `PRONOUNS`): the README asks whether the speaker is the entity the pronoun refers
       to. We have no coreference gold, so we approximate the referent: the speaker is
       right when one of its tokens (pronouns and titles such as "Mr." dropped) occurs
       in the nearest earlier gold source that is a name (not a pronoun), or among the
       capitalised words of the ``window`` characters before the pronoun itself.
    3. Absent gold source (``source`` null/empty): the speaker is right when one of its
       tokens (pronouns and titles dropped) occurs in the text before the attribution
       (before its cue, or its earliest span). Empty speakers are never right.

    Rules 2 and 3 approximate coreference and can be wrong either way; the scores report
    how many true positives rest on them (``tp_*_context``) so that this stays visible.
    """
    source = gold.get("source")
    if tokens(predicted) & tokens(source):
        return "token"
    mine = _content_tokens(predicted)
    if not mine:
        return None
    anchor = _anchor(gold)
    if is_pronoun_source(source):
        antecedent = _antecedent(anchor, doc_sources)
        start = min((s for s, _ in gold.get("source_spans") or []), default=anchor)
        nearby = _capitalised_tokens(text[max(0, start - window) : start])
        if mine & tokens(antecedent) or mine & nearby:
            return "pronoun"
        return None
    if not tokens(source) and mine & tokens(text[:anchor]):
        return "absent"
    return None


# --------------------------------------------------------------------------- attribution


@dataclass
class Match:
    gold: int  # index into the gold attributions
    pred: int  # index into the predicted quotes
    overlap: int  # characters of gold content covered
    speaker_rule: str | None  # see `speaker_rule`; None: wrong speaker

    @property
    def speaker_ok(self) -> bool:
        return self.speaker_rule is not None


def match_attributions(
    gold_attributions: Sequence[dict[str, Any]],
    text: str,
    predicted_quotes: Sequence[dict[str, Any]],
    threshold: float,
) -> list[Match]:
    """One-to-one greedy matching by overlap (see the module docstring)."""
    doc_sources = [(_anchor(g), g.get("source")) for g in gold_attributions]
    golds = [_merge(g.get("content_spans") or []) for g in gold_attributions]
    candidates: list[tuple[int, int, int]] = []
    for gi, merged in enumerate(golds):
        size = _length(merged)
        if not size:
            continue
        for pi, quote in enumerate(predicted_quotes):
            ov = _overlap(int(quote["start"]), int(quote["end"]), merged)
            if ov and ov >= threshold * size:
                candidates.append((ov, gi, pi))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    matches: list[Match] = []
    for ov, gi, pi in candidates:
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        rule = speaker_rule(
            predicted_quotes[pi].get("speaker"), gold_attributions[gi], text, doc_sources
        )
        matches.append(Match(gi, pi, ov, rule))
    return sorted(matches, key=lambda m: m.gold)


@dataclass
class AttributionCounts:
    """Summable counts; `metrics()` turns them into P/R/F1 (micro when summed)."""

    n_gold: int = 0
    n_pred: int = 0
    tp_loose: int = 0  # content >= 30% and speaker right
    tp_strict: int = 0  # content >= 80% and speaker right
    content_loose: int = 0  # content >= 30%, any speaker
    content_strict: int = 0  # content >= 80%, any speaker
    tp_loose_context: int = 0  # loose TPs resting on the pronoun/absent approximation
    tp_strict_context: int = 0

    def __add__(self, other: AttributionCounts) -> AttributionCounts:
        return AttributionCounts(
            *(getattr(self, f.name) + getattr(other, f.name) for f in fields(self))
        )

    def metrics(self) -> dict[str, Any]:
        return {
            "loose": _prf(self.tp_loose, self.n_pred, self.n_gold),
            "strict": _prf(self.tp_strict, self.n_pred, self.n_gold),
            "content_loose": _prf(self.content_loose, self.n_pred, self.n_gold),
            "content_strict": _prf(self.content_strict, self.n_pred, self.n_gold),
            "tp_loose_context": self.tp_loose_context,
            "tp_strict_context": self.tp_strict_context,
        }


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f1": f1, "tp": tp, "n_pred": n_pred, "n_gold": n_gold}


def score_attribution(
    gold_attributions: Sequence[dict[str, Any]],
    text: str,
    predicted_quotes: Sequence[dict[str, Any]],
) -> AttributionCounts:
    """Counts for one document (sum them over documents for micro-averaged scores)."""
    loose = match_attributions(gold_attributions, text, predicted_quotes, LOOSE)
    strict = match_attributions(gold_attributions, text, predicted_quotes, STRICT)
    return AttributionCounts(
        n_gold=sum(1 for g in gold_attributions if _length(_merge(g.get("content_spans") or []))),
        n_pred=len(predicted_quotes),
        tp_loose=sum(m.speaker_ok for m in loose),
        tp_strict=sum(m.speaker_ok for m in strict),
        content_loose=len(loose),
        content_strict=len(strict),
        tp_loose_context=sum(m.speaker_rule in ("pronoun", "absent") for m in loose),
        tp_strict_context=sum(m.speaker_rule in ("pronoun", "absent") for m in strict),
    )


# --------------------------------------------------------------------------- claims


def _label_from_claims(start: int, end: int, claims: Sequence[dict[str, Any]]) -> str | None:
    size = end - start
    spans = [(int(c["start"]), int(c["end"])) for c in claims]
    if size <= 0 or _covered(start, end, spans) < 0.5 * size:
        return None
    per_kind = {
        kind: _covered(start, end, [(int(c["start"]), int(c["end"])) for c in claims
                                    if c.get("kind") == kind])
        for kind in ("vague", "unattributed")
    }
    # The kind covering the most characters; a tie goes to "vague" (the more specific).
    return max(per_kind, key=lambda k: (per_kind[k], k == "vague"))


def _label_from_quotes(start: int, end: int, quotes: Sequence[dict[str, Any]]) -> str | None:
    size = end - start
    if size <= 0:
        return None
    named = [(int(q["start"]), int(q["end"])) for q in quotes if not q.get("anonymous")]
    anon = [(int(q["start"]), int(q["end"])) for q in quotes if q.get("anonymous")]
    cov_named = _covered(start, end, named)
    cov_anon = _covered(start, end, anon)
    if cov_named >= 0.5 * size:
        return "attributed"
    if cov_anon >= 0.5 * size:
        return "vague"
    if _covered(start, end, named + anon) >= 0.5 * size:
        return "attributed" if cov_named >= cov_anon else "vague"
    return None


def sentence_labels(
    text: str,
    sentences: Sequence[dict[str, Any]],
    predicted_quotes: Sequence[dict[str, Any]],
    predicted_claims: Sequence[dict[str, Any]],
) -> list[str]:
    """Predicted label of each gold sentence (README §3, "Unattributed claims").

    Coverage = characters of the sentence ``[start, end)`` inside the union of the
    spans / sentence length. Claims first: if the predicted claims together cover
    >= 50%, the label is the claim kind covering the most characters (tie: vague).
    Else quotes: named quotes (``anonymous`` false) covering >= 50% -> attributed;
    else anonymous quotes >= 50% -> vague; else named and anonymous together >= 50%
    -> whichever covers more (tie: attributed). Else unattributed. ``text`` is not
    needed by the rules; it is accepted so that callers pass the full context.
    """
    del text
    labels = []
    for sent in sentences:
        start, end = int(sent["start"]), int(sent["end"])
        label = _label_from_claims(start, end, predicted_claims)
        if label is None:
            label = _label_from_quotes(start, end, predicted_quotes)
        labels.append(label or "unattributed")
    return labels


@dataclass
class ClaimCounts:
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (gold, predicted)

    def __add__(self, other: ClaimCounts) -> ClaimCounts:
        return ClaimCounts(self.confusion + other.confusion)

    def metrics(self) -> dict[str, Any]:
        total = sum(self.confusion.values())
        correct = sum(n for (g, p), n in self.confusion.items() if g == p)
        per_class = {}
        for label in LABELS:
            tp = self.confusion[(label, label)]
            n_pred = sum(n for (_, p), n in self.confusion.items() if p == label)
            n_gold = sum(n for (g, _), n in self.confusion.items() if g == label)
            per_class[label] = _prf(tp, n_pred, n_gold)
        return {
            "accuracy": correct / total if total else 0.0,
            "n_sentences": total,
            "per_class": per_class,
            "macro_f1": sum(c["f1"] for c in per_class.values()) / len(LABELS),
            "confusion": {f"{g}->{p}": n for (g, p), n in sorted(self.confusion.items())},
        }


def score_claims(gold_labels: Sequence[str], predicted_labels: Sequence[str]) -> ClaimCounts:
    """Confusion counts for one document (sum them for micro scores over the corpus)."""
    if len(gold_labels) != len(predicted_labels):
        raise ValueError("one predicted label per gold sentence expected")
    return ClaimCounts(Counter(zip(gold_labels, predicted_labels, strict=True)))


# --------------------------------------------------------------------------- corpus


def load_records(path: str | Path = DEFAULT_PATH) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _published(record: dict[str, Any]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(record.get("published") or "")
    except ValueError:
        return None


def score_polnear(
    predict: Predict,
    path: str | Path = DEFAULT_PATH,
    *,
    limit: int | None = None,
    errors: int = 0,
    out: TextIO | None = None,
) -> dict[str, Any]:
    """Run ``predict(text, published_date)`` on every record and score it.

    ``predict`` returns the contract dict (at least "quotes" and "claims", offsets into
    the text it was given). Returns the micro-averaged attribution scores (loose,
    strict, and speaker-agnostic content scores as a diagnostic), the claim scores
    (accuracy, per-class P/R/F1, confusion) and the prediction time in ms per doc
    (after one warm-up call, so that loading models is not counted).
    ``errors`` > 0 prints `print_errors` for that many first documents to ``out``.
    """
    out = out or sys.stdout
    records = load_records(path)[:limit]
    attribution = AttributionCounts()
    claims = ClaimCounts()
    elapsed = 0.0
    if records:
        predict("Warm-up.", None)  # one-time model loading is not counted in ms/doc
    for i, record in enumerate(records):
        text = record["text"]
        t0 = time.perf_counter()
        prediction = predict(text, _published(record))
        elapsed += time.perf_counter() - t0
        if prediction.get("text", text) != text:
            raise ValueError(f"{record['id']}: the prediction's text differs from the input")
        quotes = list(prediction.get("quotes") or [])
        predicted_claims = list(prediction.get("claims") or [])
        attribution += score_attribution(record["attributions"], text, quotes)
        gold_labels = [s["label"] for s in record["sentences"]]
        labels = sentence_labels(text, record["sentences"], quotes, predicted_claims)
        claims += score_claims(gold_labels, labels)
        if i < errors:
            print_errors(record, prediction, out=out)
    return {
        "docs": len(records),
        "attribution": attribution.metrics(),
        "claims": claims.metrics(),
        "ms_per_doc": 1000 * elapsed / len(records) if records else 0.0,
    }


def _excerpt(text: str | None, width: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def print_errors(
    record: dict[str, Any], prediction: dict[str, Any], out: TextIO | None = None
) -> None:
    """Missed gold attributions and false-positive quotes of one document (loose)."""
    out = out or sys.stdout
    text = record["text"]
    gold = record["attributions"]
    quotes = list(prediction.get("quotes") or [])
    matches = match_attributions(gold, text, quotes, LOOSE)
    by_gold = {m.gold: m for m in matches}
    by_pred = {m.pred: m for m in matches}
    print(f"=== {record['id']} ({len(gold)} gold, {len(quotes)} predicted)", file=out)
    for gi, g in enumerate(gold):
        if not g.get("content_spans"):
            continue
        m = by_gold.get(gi)
        if m and m.speaker_ok:
            continue
        why = "MISS" if m is None else f"WRONG SPEAKER ({quotes[m.pred].get('speaker')!r})"
        print(
            f"  {why}: source={g.get('source')!r} cue={g.get('cue')!r} "
            f"content={_excerpt(g.get('content'))!r}",
            file=out,
        )
    for pi, q in enumerate(quotes):
        if pi in by_pred:
            continue
        print(
            f"  FP: speaker={q.get('speaker')!r} cue={q.get('cue')!r} "
            f"content={_excerpt(text[int(q['start']) : int(q['end'])])!r}",
            file=out,
        )


# --------------------------------------------------------------------------- baseline

SAY_LEMMAS = frozenset({
    "say", "tell", "add", "claim", "state", "note", "explain", "argue", "insist", "warn",
    "write", "report", "announce", "acknowledge", "admit", "suggest", "believe", "think",
    "allege", "contend", "declare", "reply", "respond", "testify", "predict",
})


def baseline_predict(text: str, published: dt.date | None = None) -> dict[str, Any]:
    """A tiny spaCy rule baseline, only there to exercise the scorer end to end.

    For every sentence whose root verb lemma is a speech verb (`SAY_LEMMAS`), the
    ``nsubj`` subtree is the speaker and the ``ccomp`` subtree the content; "according
    to X" makes X the speaker of the rest of the sentence. Pronoun speakers are replaced
    by the last PERSON entity seen before. No claims.
    """
    del published
    from bot.breakdown.nlp import get_nlp

    doc = get_nlp()(text)
    quotes: list[dict[str, Any]] = []
    last_person: str | None = None
    for sent in doc.sents:
        found: tuple[Any, int, int, str] | None = None  # (speaker span, start, end, cue)
        root = sent.root
        if root.lemma_ in SAY_LEMMAS:
            subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            comp = next((c for c in root.children if c.dep_ == "ccomp"), None)
            if subj is not None and comp is not None:
                span = doc[comp.left_edge.i : comp.right_edge.i + 1]
                speaker = doc[subj.left_edge.i : subj.right_edge.i + 1]
                found = (speaker, span.start_char, span.end_char, root.text)
        if found is None:
            for tok in sent:
                if tok.lower_ == "according" and tok.i + 1 < sent.end:
                    to = doc[tok.i + 1]
                    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
                    if to.lower_ != "to" or pobj is None:
                        continue
                    phrase_end = pobj.right_edge.i + 1
                    speaker = doc[pobj.left_edge.i : phrase_end]
                    before = (sent.start_char, tok.idx)
                    after = (doc[phrase_end].idx if phrase_end < sent.end else sent.end_char,
                             sent.end_char)
                    start, end = max(before, after, key=lambda s: s[1] - s[0])
                    found = (speaker, start, end, "according to")
                    break
        if found is not None:
            speaker, start, end, cue = found
            name = speaker.text
            if all(t.pos_ == "PRON" for t in speaker) and last_person:
                name = speaker.text if speaker.text.lower() in ("i", "we") else last_person
            named = any(t.pos_ == "PROPN" or t.ent_type_ for t in speaker) or name != speaker.text
            while end > start and text[end - 1] in " ,;:\n":
                end -= 1
            if end > start:
                quotes.append({
                    "speaker": name, "role": None, "anonymous": not named,
                    "kind": "indirect", "cue": cue, "content": text[start:end],
                    "start": start, "end": end,
                })
        for ent in sent.ents:
            if ent.label_ == "PERSON":
                last_person = ent.text
    return {"quotes": quotes, "claims": [], "text": text}


# --------------------------------------------------------------------------- CLI


def _analyze_predict() -> Predict:
    root = Path(__file__).resolve().parent.parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from bot.breakdown import analyze

    def predict(text: str, published: dt.date | None) -> dict[str, Any]:
        return analyze(text, published=published).to_dict()

    return predict


def _report(result: dict[str, Any], out: TextIO | None = None) -> None:
    out = out or sys.stdout
    att = result["attribution"]
    print(f"PolNeAR {result['docs']} docs, {result['ms_per_doc']:.0f} ms/doc", file=out)
    print("who said what (micro)       P      R      F1    TP / pred / gold", file=out)
    for key in ("loose", "strict", "content_loose", "content_strict"):
        m = att[key]
        print(
            f"  {key:<22} {m['p']:.3f}  {m['r']:.3f}  {m['f1']:.3f}   "
            f"{m['tp']} / {m['n_pred']} / {m['n_gold']}",
            file=out,
        )
    print(
        f"  true positives via the pronoun/absent-source approximation: "
        f"{att['tp_loose_context']} loose, {att['tp_strict_context']} strict",
        file=out,
    )
    cl = result["claims"]
    print(
        f"claims: accuracy {cl['accuracy']:.3f} over {cl['n_sentences']} sentences, "
        f"macro F1 {cl['macro_f1']:.3f}",
        file=out,
    )
    for label, m in cl["per_class"].items():
        print(
            f"  {label:<14} P {m['p']:.3f}  R {m['r']:.3f}  F1 {m['f1']:.3f}  "
            f"(gold {m['n_gold']}, predicted {m['n_pred']})",
            file=out,
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--path", default=DEFAULT_PATH, help="PolNeAR JSONL file")
    parser.add_argument("--baseline", action="store_true",
                        help="score the built-in spaCy rule baseline instead of analyze()")
    parser.add_argument("--errors", type=int, default=0, metavar="N",
                        help="print missed and false-positive attributions of the first N docs")
    parser.add_argument("--limit", type=int, default=None, help="only the first N docs")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    require(args.path)
    predict: Predict
    if args.baseline:
        root = Path(__file__).resolve().parent.parent
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
        predict = baseline_predict
    else:
        predict = _analyze_predict()
    result = score_polnear(predict, args.path, limit=args.limit, errors=args.errors)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _report(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
