"""Rule ablation: what each entry of `bot.breakdown.lexicon` does on PolNeAR.

    python bench/rule_ablation.py                       # 840 train articles (5 folds) + dev
    python bench/rule_ablation.py --train-sample 400    # a seeded sample of the train split
    python bench/rule_ablation.py --json /tmp/ablation.json --markdown /tmp/ablation.md

For every entry (a cue lemma, a source noun, a regex alternative of the anonymity and
vague-marker patterns, and each multi-spelling pattern as a whole) it reports in how
many articles the entry fires, in how many removing it changes the quotes or claims,
and what removing it does to attribution F1 (loose), 3-way claims accuracy and vague
F1: per training fold (mean, min and max of the delta over the folds) and on dev.
A negative delta means the entry helps (removing it lowers the score). The verdict
column applies the removal rule mechanically (see `verdict`); exceptions are judgement.

How it stays fast (about 10 minutes for 924 articles on 2 shared cores): every article
is parsed once (Docs cached as a DocBin in /tmp); one baseline run of the rule passes
that follow the parse in `engine.analyze` (sentences, quotation marks, quotes, claims)
records, through the stand-ins of `lexicon_recording`, which entry matched in which
article; removing an entry can only change the articles it matched in, so only those
are re-run. Per-article scores are the counts of `bench/eval_polnear.py`, summed per
fold (micro, as `score_polnear` does).

Hedges and boosters only label a claim's cues and order the claims: the PolNeAR scores
cannot see them, so for them only the claims they are cues of are counted. Source
suffixes are tested with `str.endswith`, which cannot be recorded: every article with a
lemma ending that way is re-run. The eval texts are read at run time, never copied.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for _path in (str(ROOT), str(BENCH)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import spacy  # noqa: E402
from eval_data import eval_dir, require  # noqa: E402
from eval_polnear import (  # noqa: E402
    AttributionCounts,
    ClaimCounts,
    load_records,
    score_attribution,
    score_claims,
    sentence_labels,
)
from lexicon_recording import (  # noqa: E402
    CURRENT,
    HITS,
    RecordingPattern,
    RecordingSet,
    patch,
)
from spacy.tokens import Doc, DocBin  # noqa: E402

from bot.breakdown import lexicon  # noqa: E402
from bot.breakdown.attribution import find_quotes  # noqa: E402
from bot.breakdown.claims import find_claims  # noqa: E402
from bot.breakdown.engine import MAX_ANALYSED_CHARS, analyze, without_surrogates  # noqa: E402
from bot.breakdown.language import detect_language  # noqa: E402
from bot.breakdown.nlp import get_nlp  # noqa: E402
from bot.breakdown.quotemarks import QuotedSpan, find_quoted_spans  # noqa: E402
from bot.breakdown.segment import Sentence, find_sentences  # noqa: E402

EVAL = eval_dir()
METRICS = ("attr_f1", "claims_acc", "vague_f1")
WORD_SETS = ("SPEECH_CUES", "DIRECTIVE_CUES", "COMMISSIVE_CUES", "QUOTATION_ONLY_CUES",
             "CLAUSAL_CUES", "EVIDENCE_CUES", "EVIDENCE_SUBJECTS", "STANCE_CUES",
             "SOURCE_NOUNS", "PERSON_PRONOUNS", "GROUP_PRONOUNS")
PATTERNS = {"ANONYMITY_WORDS": "ANONYMITY_PATTERNS", "VAGUE_MARKERS": "VAGUE_MARKER_PATTERNS"}
PHRASES = ("HEDGES", "BOOSTERS")
Output = tuple[tuple[dict[str, Any], ...], tuple[dict[str, Any], ...]]  # quotes, claims
Score = tuple[AttributionCounts, ClaimCounts]


@dataclass(frozen=True)
class Entry:
    table: str  # the lexicon name, e.g. "SPEECH_CUES"
    item: str  # the word, suffix, phrase or regex alternative
    members: tuple[str, ...] = ()  # a regex pattern's spellings, removed together
    in_group: bool = False  # one spelling of such a pattern: judged with its group

    @property
    def key(self) -> str:
        if self.members:
            return f"{self.table}:{{{len(self.members)} spellings}} {self.item}"
        return f"{self.table}:{self.item}"

    @property
    def removed(self) -> frozenset[str]:
        return frozenset(self.members or (self.item,))


@dataclass
class Article:
    record: dict[str, Any]
    split: str  # "train" or "dev"
    fold: int  # 0-4 for train, -1 for dev
    doc: Doc | None = None
    sentences: list[Sentence] = field(default_factory=list)
    quoted: list[QuotedSpan] = field(default_factory=list)


@dataclass
class Baseline:
    """The unablated run: per-article outputs and scores, and the metrics they make."""

    outputs: list[Output]
    scores: list[Score]
    folds: list[dict[str, float]]
    dev: dict[str, float]


@dataclass
class Row:
    entry: str
    fires_train: int
    fires_dev: int
    changed_train: int
    changed_dev: int
    scored: bool
    in_group: bool = False
    fold_deltas: dict[str, list[float]] = field(default_factory=dict)
    dev_delta: dict[str, float] = field(default_factory=dict)

    def mean(self, metric: str) -> float:
        return statistics.fmean(self.fold_deltas[metric]) if self.fold_deltas else 0.0


# ----------------------------------------------------------------------- removal


def ablated(entry: Entry, originals: dict[str, Any]) -> object:
    """The lexicon object of `entry.table` without the entry (a group: all its spellings)."""
    original = originals[entry.table]
    if entry.table in PATTERNS:
        parts = lexicon.flat(originals[PATTERNS[entry.table]])
        return lexicon.any_of(tuple(p for p in parts if p not in entry.removed))
    if isinstance(original, tuple):
        return tuple(p for p in original if p not in entry.removed)
    return frozenset(original - entry.removed)


# ----------------------------------------------------------------------- the rule passes


def analyse(article: Article) -> Output:
    """What `engine.analyze` does after the parse, for "quotes" and "claims" only."""
    if article.doc is None:
        return (), ()
    quotes = find_quotes(article.doc, article.sentences, article.quoted)
    claims = find_claims(article.sentences, quotes)
    return (tuple(q.to_dict() for q in quotes),
            tuple({**asdict(c), "cues": list(c.cues)} for c in claims))


def score(article: Article, output: Output) -> Score:
    record, (quotes, claims) = article.record, output
    labels = sentence_labels(record["text"], record["sentences"], list(quotes), list(claims))
    return (score_attribution(record["attributions"], record["text"], list(quotes)),
            score_claims([s["label"] for s in record["sentences"]], labels))


def metrics(scores: list[Score]) -> dict[str, float]:
    attribution, claims = AttributionCounts(), ClaimCounts()
    for a, c in scores:
        attribution, claims = attribution + a, claims + c
    claim_metrics = claims.metrics()
    return {"attr_f1": attribution.metrics()["loose"]["f1"],
            "claims_acc": claim_metrics["accuracy"],
            "vague_f1": claim_metrics["per_class"]["vague"]["f1"]}


# ----------------------------------------------------------------------- corpus


def load_articles(train_sample: int | None, folds: int, seed: int) -> list[Article]:
    train = load_records(EVAL / "polnear-train.jsonl")
    order = list(range(len(train)))
    random.Random(seed).shuffle(order)
    order = order[:train_sample] if train_sample else order
    articles = [Article(train[i], "train", n % folds) for n, i in enumerate(sorted(order))]
    return articles + [Article(r, "dev", -1) for r in load_records(EVAL / "polnear-dev.jsonl")]


def parse_all(articles: list[Article], cache_dir: Path) -> None:
    """Parse every English article once; the Docs are cached in `cache_dir`."""
    nlp = get_nlp()
    english = [a for a in articles if a.record["text"].strip()
               and detect_language(without_surrogates(a.record["text"])) == "en"]
    texts = [without_surrogates(a.record["text"])[:MAX_ANALYSED_CHARS] for a in english]
    digest = hashlib.sha256("\0".join([nlp.meta["name"], nlp.meta["version"],
                                       spacy.__version__, *texts]).encode()).hexdigest()
    path = cache_dir / f"rule_ablation_{digest[:16]}.spacy"
    if path.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe(texts, batch_size=16))
        DocBin(docs=docs).to_disk(path)
    for article, doc in zip(english, docs, strict=True):
        article.doc = doc
        article.sentences = find_sentences(doc)
        article.quoted = find_quoted_spans(doc.text)


def check_against_analyze(articles: list[Article], count: int) -> None:
    """The rule passes here must give what `analyze()` gives (else the engine changed)."""
    for article in articles[:count]:
        full = analyze(article.record["text"]).to_dict()
        if analyse(article) != (tuple(full["quotes"]), tuple(full["claims"])):
            raise SystemExit(f"{article.record['id']}: rule passes differ from analyze(); "
                             "update analyse() to follow engine.analyze")


# ----------------------------------------------------------------------- ablation


def entries(originals: dict[str, Any]) -> list[Entry]:
    found = [Entry(t, w) for t in WORD_SETS for w in sorted(originals[t])]
    for table, patterns in PATTERNS.items():
        for pattern in originals[patterns]:
            spellings = (pattern,) if isinstance(pattern, str) else pattern
            found += [Entry(table, p, in_group=len(spellings) > 1) for p in spellings]
            if len(spellings) > 1:
                found.append(Entry(table, spellings[0], spellings))
    found += [Entry("SOURCE_SUFFIXES", s) for s in originals["SOURCE_SUFFIXES"]]
    return found + [Entry(t, p) for t in PHRASES for p in originals[t]]


def baseline(articles: list[Article], originals: dict[str, Any]) -> list[Output]:
    """One run with recording stand-ins; fills HITS."""
    for table in WORD_SETS:
        patch(table, RecordingSet(originals[table], ((table, originals[table]),)))
    for table, parts in PATTERNS.items():
        patch(table, RecordingPattern(table, lexicon.flat(originals[parts])))
    outputs = []
    try:
        for index, article in enumerate(articles):
            CURRENT[0] = index
            outputs.append(analyse(article))
    finally:
        for table in (*WORD_SETS, *PATTERNS):
            patch(table, originals[table])
    for index, (article, (_, claims)) in enumerate(zip(articles, outputs, strict=True)):
        cues = {cue.lower() for claim in claims for cue in claim["cues"]}
        for table in PHRASES:
            for phrase in originals[table]:
                if phrase in cues:
                    HITS[f"{table}:{phrase}"].add(index)
        lemmas = {t.lemma_.lower() for t in article.doc or ()}
        for suffix in originals["SOURCE_SUFFIXES"]:  # endswith cannot be recorded
            if any(lemma.endswith(suffix) for lemma in lemmas):
                HITS[f"SOURCE_SUFFIXES:{suffix}"].add(index)
    return outputs


def fold_metrics(articles: list[Article], scores: list[Score], folds: int
                 ) -> tuple[list[dict[str, float]], dict[str, float]]:
    per_fold = [metrics([s for a, s in zip(articles, scores, strict=True) if a.fold == k])
                for k in range(folds)]
    dev = metrics([s for a, s in zip(articles, scores, strict=True) if a.split == "dev"])
    return per_fold, dev


def ablate(entry: Entry, articles: list[Article], base: Baseline,
           originals: dict[str, Any]) -> Row:
    """Re-run the articles `entry` fired in without it; the score deltas per fold and dev."""
    hits = sorted(set().union(*(HITS.get(f"{entry.table}:{p}", set()) for p in entry.removed)))
    fires = (sum(articles[i].split == "train" for i in hits),
             sum(articles[i].split == "dev" for i in hits))
    row = Row(entry.key, *fires, 0, 0, scored=entry.table not in PHRASES,
              in_group=entry.in_group)
    if not hits or not row.scored:
        return row
    patch(entry.table, ablated(entry, originals))
    try:
        changed = {i: analyse(articles[i]) for i in hits}
    finally:
        patch(entry.table, originals[entry.table])
    changed = {i: out for i, out in changed.items() if out != base.outputs[i]}
    row.changed_train = sum(articles[i].split == "train" for i in changed)
    row.changed_dev = len(changed) - row.changed_train
    if changed:
        new_scores = [score(articles[i], changed[i]) if i in changed else s
                      for i, s in enumerate(base.scores)]
        new_folds, new_dev = fold_metrics(articles, new_scores, len(base.folds))
        row.fold_deltas = {m: [n[m] - b[m] for n, b in zip(new_folds, base.folds, strict=True)]
                           for m in METRICS}
        row.dev_delta = {m: new_dev[m] - base.dev[m] for m in METRICS}
    return row


def verdict(row: Row, folds: int) -> str:
    """The removal rule, mechanically (a spelling of a grouped pattern: see its group).

    ``rare``: fires in at most one dev article, in one dev article or changes a training
    article, and removing it lowers no training-fold mean. ``hurts``: removing it raises a
    score in all folds but at most one and lowers no mean. ``untested``: fires in no dev
    article and changes no training article (no evidence either way).
    """
    if not row.scored or row.in_group:
        return ""
    means = [row.mean(m) for m in METRICS]
    if row.fires_dev == 0 and row.changed_train == 0:
        return "untested"
    if all(m >= 0 for m in means) and row.fires_dev <= 1:
        return "rare"
    if row.fold_deltas and all(m >= 0 for m in means) and any(
            sum(d > 0 for d in row.fold_deltas[m]) >= folds - 1 for m in METRICS):
        return "hurts"
    return ""


# ----------------------------------------------------------------------- report


def _delta(values: list[float]) -> str:
    if not values:
        return "0"
    return f"{statistics.fmean(values):+.4f} [{min(values):+.4f}, {max(values):+.4f}]"


def markdown(rows: list[Row], folds: int, everything: bool) -> str:
    head = ("| entry | fires train/dev | changes train/dev | Δ attr F1 train mean [min, max] "
            "| dev | Δ claims acc train | dev | Δ vague F1 train | dev | verdict |")
    lines = [head, "|" + "---|" * 10]
    for row in rows:
        shown = row.changed_train or row.changed_dev or verdict(row, folds) not in {"", "untested"}
        if not everything and not shown:
            continue
        cells = [f"`{row.entry}`", f"{row.fires_train}/{row.fires_dev}",
                 f"{row.changed_train}/{row.changed_dev}" if row.scored else "not scored"]
        for metric in METRICS:
            cells += [_delta(row.fold_deltas.get(metric, [])),
                      f"{row.dev_delta.get(metric, 0.0):+.4f}"]
        lines.append("| " + " | ".join([*cells, verdict(row, folds)]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--train-sample", type=int, default=None, metavar="N",
                        help="a seeded sample of N training articles (default: all 840)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--only", default="", help="only entries whose key contains this")
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp"))
    parser.add_argument("--json", type=Path, help="write every row as JSON here")
    parser.add_argument("--markdown", type=Path, help="write the full table here")
    args = parser.parse_args(argv)
    require(EVAL / "polnear-train.jsonl", EVAL / "polnear-dev.jsonl")
    started = time.perf_counter()
    articles = load_articles(args.train_sample, args.folds, args.seed)
    parse_all(articles, args.cache_dir)
    check_against_analyze([a for a in articles if a.split == "dev"], 3)
    print(f"parsed {len(articles)} articles in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)
    names = (*WORD_SETS, *PATTERNS.values(), *PATTERNS, *PHRASES, "SOURCE_SUFFIXES")
    originals: dict[str, Any] = {n: getattr(lexicon, n) for n in names}
    outputs = baseline(articles, originals)
    scores = [score(a, o) for a, o in zip(articles, outputs, strict=True)]
    base = Baseline(outputs, scores, *fold_metrics(articles, scores, args.folds))
    print("baseline dev " + ", ".join(f"{m} {base.dev[m]:.3f}" for m in METRICS)
          + "; train folds " + "; ".join(f"{f['attr_f1']:.3f}/{f['claims_acc']:.3f}/"
                                        f"{f['vague_f1']:.3f}" for f in base.folds),
          file=sys.stderr)
    todo = [e for e in entries(originals) if args.only in e.key]
    rows = []
    for n, entry in enumerate(todo, 1):
        rows.append(ablate(entry, articles, base, originals))
        if n % 50 == 0:
            print(f"  {n}/{len(todo)} entries, {time.perf_counter() - started:.0f} s",
                  file=sys.stderr)
    table = markdown(rows, args.folds, everything=False)
    print(table)
    silent = [r.entry for r in rows if r.scored and not r.fires_train and not r.fires_dev]
    print(f"\nnever fire in {len(articles)} articles ({len(silent)}): {', '.join(silent)}")
    idle = [r.entry for r in rows if verdict(r, args.folds) == "untested" and r.fires_train]
    print(f"\nfire only in training articles and change none ({len(idle)}): {', '.join(idle)}")
    if args.markdown:
        args.markdown.write_text(markdown(rows, args.folds, everything=True) + "\n")
    if args.json:
        args.json.write_text(json.dumps({"baseline": {"folds": base.folds, "dev": base.dev},
                                         "rows": [asdict(r) | {"verdict": verdict(r, args.folds)}
                                                  for r in rows]}, indent=1))
    print(f"total {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
