"""From per-token label probabilities to (source, cue, content) spans.

1. The best *valid* BIO sequence (Viterbi: an I- label only continues its own kind),
   not the per-token argmax, which leaves broken fragments.
2. Spans of each kind are read off that sequence.
3. Each content span is linked to the nearest cue in its paragraph; the pieces sharing a
   cue are one attribution ("“A,” she said, “B.”").
4. The source is the predicted source span holding the cue's grammatical subject, else
   the nearest source span in the cue's sentence, else the subject itself.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

import numpy as np

from bot.breakdown.attribution_tagger.network import LABELS

_O = 0
# For each label: the labels it may follow (B- and O follow anything; I-X only B-X/I-X).
_KINDS = ("SOURCE", "CUE", "CONTENT")
_B = {kind: LABELS.index(f"B-{kind}") for kind in _KINDS}
_I = {kind: LABELS.index(f"I-{kind}") for kind in _KINDS}
_FLOOR = 1e-9
# A cue further than this from a content span (in tokens) is not its cue.
MAX_CUE_DISTANCE = 60


@dataclass(frozen=True, slots=True)
class TokenSpan:
    """Tokens [start, end) of one kind, with the mean probability of their labels."""

    kind: str  # SOURCE | CUE | CONTENT
    start: int
    end: int
    confidence: float


@dataclass(frozen=True, slots=True)
class TaggedAttribution:
    """One attribution as the tagger sees it: token spans, before speaker resolution."""

    cue: TokenSpan
    contents: tuple[TokenSpan, ...]
    source: TokenSpan | None

    @property
    def content_start(self) -> int:
        return self.contents[0].start

    @property
    def content_end(self) -> int:
        return self.contents[-1].end

    @property
    def confidence(self) -> float:
        """How sure the tagger is of the statement: of its cue and of its content (the
        weaker of the two; a confident content span under a doubtful cue is doubtful)."""
        tokens = sum(c.end - c.start for c in self.contents)
        content = sum(c.confidence * (c.end - c.start) for c in self.contents) / max(tokens, 1)
        return min(content, self.cue.confidence)


def best_labels(probabilities: np.ndarray) -> list[int]:
    """The most probable label sequence in which every I-X follows B-X or I-X."""
    n = len(probabilities)
    if n == 0:
        return []
    logs = np.log(np.maximum(probabilities, _FLOOR)).tolist()
    n_labels = len(LABELS)
    back: list[list[int]] = []
    score = [logs[0][k] if not LABELS[k].startswith("I-") else -math.inf
             for k in range(n_labels)]
    for i in range(1, n):
        best_prev = max(range(n_labels), key=score.__getitem__)
        best_score = score[best_prev]
        row = logs[i]
        new = [0.0] * n_labels
        pointers = [best_prev] * n_labels
        new[_O] = best_score + row[_O]
        for kind in _KINDS:
            b, inside = _B[kind], _I[kind]
            new[b] = best_score + row[b]
            prev = b if score[b] >= score[inside] else inside
            new[inside] = score[prev] + row[inside]
            pointers[inside] = prev
        back.append(pointers)
        score = new
    label = max(range(n_labels), key=score.__getitem__)
    labels = [label]
    for pointers in reversed(back):
        label = pointers[label]
        labels.append(label)
    labels.reverse()
    return labels


def read_spans(labels: list[int], probabilities: np.ndarray) -> list[TokenSpan]:
    """The spans of a valid BIO sequence, in text order."""
    spans: list[TokenSpan] = []
    start = -1
    kind = ""
    for i, label in enumerate([*labels, _O]):
        name = LABELS[label]
        if start >= 0 and not (name.startswith("I-") and name[2:] == kind):
            chosen = probabilities[np.arange(start, i), labels[start:i]]
            spans.append(TokenSpan(kind, start, i, float(chosen.mean())))
            start = -1
        if name.startswith("B-"):
            start, kind = i, name[2:]
    return spans


def link_attributions(spans: list[TokenSpan], *,
                      paragraph_of: np.ndarray, sentence_of: np.ndarray,
                      subject_of_cue: dict[int, int]) -> list[TaggedAttribution]:
    """Content spans grouped under their nearest cue, each cue given its source.

    `subject_of_cue` maps a cue span's start token to its grammatical subject's token.
    """
    cues = [s for s in spans if s.kind == "CUE"]  # in text order, as `spans` are
    cue_starts = [c.start for c in cues]
    sources = [s for s in spans if s.kind == "SOURCE"]
    source_starts = [s.start for s in sources]
    grouped: dict[int, list[TokenSpan]] = {}
    for content in (s for s in spans if s.kind == "CONTENT"):
        paragraph = paragraph_of[content.start]
        best, best_distance = None, MAX_CUE_DISTANCE + 1
        # Only cues within reach: bisect instead of a pass over every cue of the article.
        first = bisect.bisect_left(cue_starts, content.start - MAX_CUE_DISTANCE - 16)
        last = bisect.bisect_right(cue_starts, content.end + MAX_CUE_DISTANCE)
        for index in range(first, last):
            cue = cues[index]
            if paragraph_of[cue.start] != paragraph and paragraph_of[content.end - 1] != \
                    paragraph_of[cue.start]:
                continue
            distance = max(cue.start - content.end, content.start - cue.end, 0)
            if distance < best_distance:
                best, best_distance = index, distance
        if best is not None:
            grouped.setdefault(best, []).append(content)
    found = []
    for index, contents in sorted(grouped.items()):
        cue = cues[index]
        found.append(TaggedAttribution(cue, tuple(contents),
                                       _source_of(cue, sources, source_starts, sentence_of,
                                                  subject_of_cue.get(cue.start))))
    return found


def _source_of(cue: TokenSpan, sources: list[TokenSpan], source_starts: list[int],
               sentence_of: np.ndarray, subject: int | None) -> TokenSpan | None:
    if subject is not None:
        k = bisect.bisect_right(source_starts, subject) - 1
        if k >= 0 and sources[k].start <= subject < sources[k].end:
            return sources[k]
    sentence = sentence_of[cue.start]
    same = [s for s in sources[bisect.bisect_left(source_starts, cue.start - MAX_CUE_DISTANCE):
                               bisect.bisect_right(source_starts, cue.end + MAX_CUE_DISTANCE)]
            if sentence_of[s.start] == sentence]
    if same:
        return min(same, key=lambda s: max(cue.start - s.end, s.start - cue.end, 0))
    if subject is not None:
        return TokenSpan("SOURCE", subject, subject + 1, 0.0)
    return None
