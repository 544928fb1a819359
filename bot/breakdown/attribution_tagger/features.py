"""Token features for the attribution tagger, read off the engine's own parse.

A window CNN over the frozen `tok2vec` sees a few tokens each side; it cannot tell that a
token twenty words away hangs under "said". So every token also carries hashed keys of
where it sits in the parse: its tag, dependency label and entity type, the relation by
which its path enters the first and second verb above it (with that verb's lemma), the
branch of the sentence root it is in, its position in its sentence and whether it is
inside quotation marks. The same function feeds training and inference.

Everything is computed on whole-document arrays (pointer jumping up the parse tree
instead of walking it token by token): this runs on every analysed article.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, IDX, LEMMA, LOWER, ORTH, SENT_START, TAG
from spacy.tokens import Doc

from bot.breakdown.quotemarks import QuotedSpan

# One hashed key per column, in this order (the network embeds each column separately).
FEATURE_NAMES = ("lower", "lemma", "tag", "dep", "entity", "head", "verb1", "verb2",
                 "branch", "quote", "position")
_ATTRS = [LOWER, LEMMA, TAG, DEP, ENT_IOB, ENT_TYPE, HEAD, IDX, ORTH, SENT_START]
_MULTIPLIERS = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9],
                        dtype=np.uint64)
_QUOTE_MARKS = ("“", "”", '"', "«", "»", "„", "‘", "’", "'", "``", "''", "`")
_MAX_DEPTH = 64


@dataclass(frozen=True, slots=True)
class TokenFeatures:
    """What the network reads for one document: the dense vectors and the hashed keys."""

    vectors: np.ndarray  # (n_tokens, tok2vec width) float32: the pipeline's doc.tensor
    keys: np.ndarray  # (n_tokens, len(FEATURE_NAMES)) uint64


def combine(*parts: np.ndarray | int) -> np.ndarray:
    """One 64-bit key from up to three id arrays (wrapping arithmetic; HashEmbed hashes
    the result again with its own seed, so only distinctness matters here)."""
    key = np.zeros(1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for part, multiplier in zip(parts, _MULTIPLIERS, strict=False):
            key = key + np.asarray(part).astype(np.uint64) * multiplier
    return key


def _jump_to_verb(heads: np.ndarray, is_verb: np.ndarray,
                  is_root: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each token, the first verb strictly above it and the token through which the
    path enters that verb (-1 where there is none), by pointer jumping."""
    n = len(heads)
    verb = np.where(~is_root & is_verb[heads], heads, -1)
    via = np.arange(n)
    pending = (verb < 0) & ~is_root
    pointer = heads.copy()
    for _ in range(_MAX_DEPTH):
        if not pending.any():
            break
        up = pointer[pending]
        found = verb[up] >= 0
        done = np.flatnonzero(pending)[found]
        verb[done] = verb[up[found]]
        via[done] = via[up[found]]
        stuck = is_root[up]
        pending_idx = np.flatnonzero(pending)
        pending[pending_idx[found | stuck]] = False
        pointer[pending] = heads[pointer[pending]]
    return verb, via


def _root_branch(heads: np.ndarray, is_root: np.ndarray) -> np.ndarray:
    """For each token, the child of its sentence root whose subtree holds it (-1: root)."""
    branch = np.arange(len(heads))
    for _ in range(_MAX_DEPTH):
        climbing = ~is_root[heads[branch]] & ~is_root[branch]
        if not climbing.any():
            break
        branch[climbing] = heads[branch[climbing]]
    branch[is_root] = -1
    return branch


def _position_bucket(k: np.ndarray) -> np.ndarray:
    """0, 1, 2, 3-5, 6-10, further: cue verbs gather at sentence starts and ends."""
    buckets: np.ndarray = np.digitize(k, [1, 2, 3, 6, 11])  # NumPy types it as Any
    return buckets


def _quote_state(starts: np.ndarray, lengths: np.ndarray, is_mark: np.ndarray,
                 quoted: list[QuotedSpan]) -> np.ndarray:
    """0 outside quotation marks, 1 inside, 2 a quotation mark itself."""
    state = np.zeros(len(starts), dtype=np.int64)
    if quoted:
        q_starts = np.array([q.start for q in quoted])
        q_ends = np.array([q.end for q in quoted])
        k = np.searchsorted(q_starts, starts, side="right") - 1
        valid = k >= 0
        inside = np.zeros(len(starts), dtype=bool)
        inside[valid] = starts[valid] + lengths[valid] <= q_ends[k[valid]]
        state[inside] = 1
    state[is_mark] = 2
    return state


def token_features(doc: Doc, quoted: list[QuotedSpan]) -> TokenFeatures:
    """The features of every token of a parsed `doc` (`quoted`: its quotation spans)."""
    n = len(doc)
    tensor = doc.tensor
    vectors = np.asarray(tensor, dtype=np.float32) if tensor is not None and tensor.size \
        else np.zeros((n, 0), dtype=np.float32)
    keys = np.zeros((n, len(FEATURE_NAMES)), dtype=np.uint64)
    if n == 0:
        return TokenFeatures(vectors, keys)
    a = doc.to_array(_ATTRS)
    lower, lemma, tag, dep, ent_iob, ent_type = (a[:, c] for c in range(6))
    heads = np.arange(n) + a[:, 6].astype(np.int64)
    is_root = heads == np.arange(n)
    strings = doc.vocab.strings
    verb_tags = np.array([strings.add(t) for t in ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ",
                                                   "MD")], dtype=np.uint64)
    is_verb = np.isin(tag, verb_tags)
    verb1, via1 = _jump_to_verb(heads, is_verb, is_root)
    has1 = verb1 >= 0
    verb2 = np.where(has1, verb1[np.maximum(verb1, 0)], -1)
    via2 = np.where(has1, via1[np.maximum(verb1, 0)], -1)
    has2 = verb2 >= 0
    branch = _root_branch(heads, is_root)
    root_of = np.where(branch >= 0, heads[np.maximum(branch, 0)], np.arange(n))
    sentence_id = np.cumsum(a[:, 9].astype(np.int64) == 1)
    sentence_id -= sentence_id[0]
    first_of = np.searchsorted(sentence_id, sentence_id, side="left")
    last_of = np.searchsorted(sentence_id, sentence_id, side="right") - 1
    index = np.arange(n)
    mark_ids = np.array([strings.add(m) for m in _QUOTE_MARKS], dtype=np.uint64)
    lengths = np.array([len(t) for t in doc], dtype=np.int64)
    keys[:, 0] = lower
    keys[:, 1] = lemma
    keys[:, 2] = tag
    keys[:, 3] = dep
    keys[:, 4] = combine(ent_iob, ent_type)
    keys[:, 5] = combine(dep, np.where(is_root, 0, lemma[heads]), is_root)
    keys[:, 6] = np.where(has1, combine(dep[via1], lemma[np.maximum(verb1, 0)], 1), 1)
    keys[:, 7] = np.where(has2, combine(dep[np.maximum(via2, 0)], lemma[np.maximum(verb2, 0)],
                                        2), 2)
    keys[:, 8] = combine(np.where(branch >= 0, dep[np.maximum(branch, 0)], 0), lemma[root_of])
    keys[:, 9] = combine(_quote_state(a[:, 7].astype(np.int64), lengths,
                                      np.isin(a[:, 8], mark_ids), quoted), 7)
    keys[:, 10] = combine(_position_bucket(index - first_of), _position_bucket(last_of - index),
                          9)
    return TokenFeatures(vectors, keys)
