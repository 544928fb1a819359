"""What names and nouns refer to: people's names and genders, the owners of documents,
the organisations behind "the company" (the article-wide memory is `SpeakerResolver`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from bot.breakdown.lexicon import (
    COMPANY_NOUNS,
    CORPORATE_SUFFIXES,
    EVIDENCE_SUBJECTS,
    FEMALE_GIVEN_NAMES,
    FEMALE_WORDS,
    MALE_GIVEN_NAMES,
    MALE_WORDS,
    ORGANISATION_NOUNS,
)

Gender = str  # "f" or "m"
_STOP_AT = frozenset({"relcl", "acl"})
_ROLE_DEPS = frozenset({"appos"})

HONORIFIC = re.compile(
    r"^(?:mr|mrs|ms|miss|dr|prof|sen|rep|gov|gen|lt|col|capt|sgt|rev|sir|dame|lord|lady)"
    r"\.?\s+", re.IGNORECASE,
)

_NAMED_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "PRODUCT", "WORK_OF_ART"})

# Entity labels that say a name is not a person's ("New York", "Fox News", "Brexit").
NOT_PERSON = frozenset({"ORG", "NORP", "FAC", "PRODUCT", "EVENT", "LAW", "WORK_OF_ART",
                        "LANGUAGE"})

_TRIM = " \t\n,;:—–-'’\"“”()<>[]"

_DEFINITE = frozenset({"the", "this", "that"})


def clean(text: str) -> str:
    return text.strip(_TRIM)


def noun_phrase(head: Token) -> Span:
    """The phrase a subject token heads, without relative clauses or trailing commas."""
    doc = head.doc
    left, right = head.i, head.i
    for token in head.subtree:
        if token.i < head.i:
            left = min(left, token.i)
    for child in head.rights:
        if child.dep_ in _STOP_AT or child.dep_ in _ROLE_DEPS:
            break
        if child.dep_ in {"prep", "compound", "nummod", "flat", "poss", "case"}:
            right = max(right, child.right_edge.i)
    while left < head.i and doc[left].is_punct:
        left += 1
    return doc[left : right + 1]


def is_named(span: Span) -> bool:
    return any(t.pos_ == "PROPN" or t.ent_type_ in _NAMED_LABELS for t in span)


def given_name_gender(word: str) -> Gender | None:
    lower = word.lower()
    return "f" if lower in FEMALE_GIVEN_NAMES else "m" if lower in MALE_GIVEN_NAMES else None


def name_chain(head: Token) -> Span | None:
    """"Ana Rivera" where the tagger missed the person: the proper-noun chain ending at
    `head` when it reads as a person's name (a known given name or an honorific first, or
    two or three capitalised words that no organisation or place entity covers)."""
    if head.pos_ != "PROPN":
        return None
    doc = head.doc
    start = head.i
    while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].dep_ == "compound" \
            and doc[start - 1].head.i in range(start, head.i + 1):
        start -= 1
    chain = doc[start : head.i + 1]
    words = [t for t in chain if not HONORIFIC.match(t.text + " ")]
    if not words or any(not t.text[:1].isupper() for t in words) or all(
            t.text.isupper() for t in words):
        return None  # "MEXICO CITY" in capitals: a dateline or a label, not a name
    given = next((t for t in words if given_name_gender(t.text)), None)
    if given is not None:  # "Mayor Ana Rivera": the name starts at the given name
        return doc[given.i : head.i + 1]
    if len(chain) > len(words):
        return doc[words[0].i : head.i + 1]
    if not 2 <= len(words) <= 3 or any(t.ent_type_ in NOT_PERSON for t in words) or \
            all(t.ent_type_ in {"GPE", "LOC"} for t in words) or \
            words[-1].lower_ in CORPORATE_SUFFIXES:
        return None
    return chain


def looks_like_person(head: Token) -> bool:
    """Whether the name ending at `head` is a person's (tagged so, or read as one)."""
    return head.ent_type_ == "PERSON" or name_chain(head) is not None


def phrase_gender(tokens: list[Token]) -> Gender | None:
    for token in tokens:
        lower = token.lower_
        if lower in FEMALE_WORDS:
            return "f"
        if lower in MALE_WORDS:
            return "m"
    return None


def document_owner(head: Token) -> str | None:
    """"a survey by the X Foundation", "the X Foundation's survey": who a document is by."""
    compounds = [c for c in head.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
    if compounds:  # "a Hartley Foundation survey"
        return strip_possessive(head.doc[compounds[0].left_edge.i : compounds[-1].i + 1].text)
    for child in head.children:
        target = None
        if child.dep_ == "prep" and child.lower_ in {"by", "from"}:
            target = next((c for c in child.children if c.dep_ == "pobj"), None)
        elif child.dep_ == "poss":
            target = child
        if target is not None and is_named(noun_phrase(target)) and target.pos_ != "PRON":
            return strip_possessive(re.sub(r"^(?:the|a|an)\s+", "",
                                           clean(noun_phrase(target).text), flags=re.I))
    return _publisher(head)


_PUBLISHING = frozenset({"publish", "release", "conduct", "commission", "issue", "produce"})


def _publisher(head: Token) -> str | None:
    """"a study published in the journal Circulation", "a report released by the Hartley
    Foundation": the name in the publishing phrase."""
    for acl in (c for c in head.children if c.dep_ == "acl"
                and c.lemma_.lower() in _PUBLISHING):
        for prep in (c for c in acl.children if c.dep_ in {"prep", "agent"}
                     and c.lower_ in {"in", "by"}):
            target = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if target is None:
                continue
            names = [t for t in target.subtree if t.pos_ == "PROPN"
                     and t.ent_type_ not in {"DATE", "TIME"}]  # not "published in March"
            if names and all(t.pos_ == "PROPN" for t in target.doc[names[0].i : names[-1].i + 1]):
                return strip_possessive(target.doc[names[0].i : names[-1].i + 1].text)
    return None


def definite_noun(phrase: Span, head: Token) -> str | None:
    """"the company", "the new survey": a bare definite noun that refers back."""
    first = phrase[0]
    if head.pos_ != "NOUN" or first.lower_ not in _DEFINITE or first.i == head.i:
        return None
    if any(t.pos_ not in {"ADJ", "DET"} for t in phrase if t.i not in (first.i, head.i)):
        return None
    lemma = head.lemma_.lower()
    return lemma if lemma in ORGANISATION_NOUNS or lemma in EVIDENCE_SUBJECTS else None


def strip_possessive(name: str) -> str:
    return re.sub(r"['’]s?$", "", name).strip()


def name_key(name: str) -> str:
    """Lower-cased name without honorifics: the form name variants are compared in."""
    return HONORIFIC.sub("", name).lower().strip()


@dataclass(frozen=True, slots=True)
class Mention:
    """A named organisation or owned document, where the article names it."""

    start: int
    name: str
    nouns: frozenset[str]  # the definite nouns that can refer back to it


def organisation_nouns(ent: Span) -> frozenset[str]:
    """"the ministry" for "Ministry of Health", "the company" for "Northwind Ltd" or for
    "X, a shipping company"."""
    words = {w.lower() for w in re.findall(r"[\w.]+", ent.text)}
    if not words - ORGANISATION_NOUNS - CORPORATE_SUFFIXES - {"the", "of", "and", "for"}:
        return frozenset()  # "the Bank" names no bank in particular
    # "Skyway Airlines" is "the airline", "Union Banks" "the bank"
    nouns = {w for w in words if w in ORGANISATION_NOUNS} | {
        w[:-1] for w in words if w.endswith("s") and w[:-1] in ORGANISATION_NOUNS}
    if words & CORPORATE_SUFFIXES:
        nouns |= COMPANY_NOUNS
    nouns |= {c.lemma_.lower() for c in ent.root.children if c.dep_ == "appos"
              and c.lemma_.lower() in ORGANISATION_NOUNS}
    return frozenset(nouns)


def org_name(text: str) -> str:
    return strip_possessive(re.sub(r"^(?:the)\s+", "", text, flags=re.I))
