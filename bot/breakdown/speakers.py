"""Who a source is: name, role and anonymity from the subject phrase of a cue.

Names are resolved across the article: "Jeffrey" is the "James Jeffrey" met earlier,
"he" is the person last spoken of as a subject, "Mr. Smith" is "John Smith".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from bot.breakdown.lexicon import ANONYMITY_WORDS, GROUP_PRONOUNS, PERSON_PRONOUNS

_ROLE_DEPS = frozenset({"appos"})
_STOP_AT = frozenset({"relcl", "acl"})
_HONORIFIC = re.compile(
    r"^(?:mr|mrs|ms|miss|dr|prof|sen|rep|gov|gen|lt|col|capt|sgt|rev|sir|dame|lord|lady)"
    r"\.?\s+", re.IGNORECASE,
)
_NAMED_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "PRODUCT", "WORK_OF_ART"})
_TRIM = " \t\n,;:—–-'’\"“”()<>[]"


@dataclass(frozen=True, slots=True)
class SourcePhrase:
    """A source as written at one cue, before article-wide resolution."""

    text: str  # the whole subject phrase, e.g. "US Envoy on Syria James Jeffrey"
    name: str  # the part that names it, e.g. "James Jeffrey"
    role: str | None
    is_person: bool
    is_pronoun: bool
    anonymous: bool
    start: int


def _clean(text: str) -> str:
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


def _appositive_role(head: Token) -> str | None:
    for child in head.rights:
        if child.dep_ == "appos":
            return _clean(child.doc[child.left_edge.i : child.right_edge.i + 1].text) or None
    return None


def _entity_in(span: Span, labels: frozenset[str]) -> Span | None:
    """The last entity of one of `labels` inside `span` (token tags, not `Span.ents`,
    which scans every entity of the document on each call)."""
    doc = span.doc
    end = None
    for token in reversed(span):
        if token.ent_type_ in labels:
            end = token.i + 1 if end is None else end
            if token.ent_iob_ == "B" or token.i == span.start:
                return doc[token.i : end]
        elif end is not None:
            return doc[token.i + 1 : end]
    return None


def _is_named(span: Span) -> bool:
    return any(t.pos_ == "PROPN" or t.ent_type_ in _NAMED_LABELS for t in span)


def _is_pronoun(token: Token) -> bool:
    """"he", "they", "us" — but not "US" or "IT" written in capitals (a country, a
    department), which only look like pronouns."""
    if len(token.text) > 1 and token.text.isupper():
        return False
    return token.pos_ == "PRON" or token.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS


def describe_source(head: Token) -> SourcePhrase:
    """Name, role and anonymity of the source whose head token is `head`."""
    phrase = noun_phrase(head)
    text = _clean(phrase.text)
    lower = head.lower_
    if _is_pronoun(head):
        return SourcePhrase(text, text, None, lower in PERSON_PRONOUNS, True, False, head.idx)
    role = _appositive_role(head)
    person = _entity_in(phrase, frozenset({"PERSON"}))
    if person is None and role:
        # "the agency's spokesman, John Smith, said": the name is in the appositive.
        appos = next(c for c in head.rights if c.dep_ == "appos")
        inner = _entity_in(head.doc[appos.left_edge.i : appos.right_edge.i + 1],
                           frozenset({"PERSON"}))
        if inner is not None:
            return SourcePhrase(text, strip_possessive(inner.text), text, True, False, False,
                                head.idx)
    if person is not None:
        before = _clean(head.doc[phrase.start : person.start].text)
        role = role or (before if before and before.lower() not in {"the", "a"} else None)
        return SourcePhrase(text, strip_possessive(person.text), role, True, False, False,
                            head.idx)
    anonymous = bool(ANONYMITY_WORDS.search(text)) or not _is_named(phrase)
    name = text if anonymous else re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I)
    return SourcePhrase(text, name, role, False, False, anonymous, head.idx)


def strip_possessive(name: str) -> str:
    return re.sub(r"['’]s?$", "", name).strip()


def name_key(name: str) -> str:
    """Lower-cased name without honorifics: the form name variants are compared in."""
    return _HONORIFIC.sub("", name).lower().strip()


class SpeakerResolver:
    """Article-wide memory of people and groups, for variants and pronouns."""

    def __init__(self, doc: Doc) -> None:
        self._full_names: dict[str, str] = {}
        self._person_at: dict[int, str] = {}
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                name = strip_possessive(ent.text)
                self._learn(name)
                self._person_at.update(dict.fromkeys(range(ent.start, ent.end), name))
        self._last_person: str | None = None
        self._last_group: str | None = None

    def _learn(self, name: str) -> None:
        parts = name_key(name).split()
        if len(parts) < 2:
            return
        surname = parts[-1]
        # The first full form wins: articles introduce people by their full name.
        self._full_names.setdefault(surname, _HONORIFIC.sub("", name))

    def is_known_surname(self, name: str) -> bool:
        """"Doe" after "Jane Doe", even where the tagger missed that "Doe" is a person."""
        key = name_key(name)
        return " " not in key and key in self._full_names

    def canonical(self, name: str) -> str:
        """The full name for a surname or honorific form seen elsewhere in the article."""
        parts = name_key(name).split()
        if not parts:
            return name
        if len(parts) == 1 or _HONORIFIC.match(name):
            return self._full_names.get(parts[-1], _HONORIFIC.sub("", name))
        return name

    def resolve(self, source: SourcePhrase) -> str:
        """The speaker's resolved name; remembers it for the pronouns that follow."""
        if source.is_pronoun:
            last = self._last_person if source.is_person else self._last_group
            return last or source.name
        is_person = source.is_person or self.is_known_surname(source.name)
        name = self.canonical(source.name) if is_person else source.name
        if is_person:
            self._last_person = name
        elif not source.anonymous:
            self._last_group = name
        return name

    def note_subject(self, token: Token) -> None:
        """Remember a person who is the subject of any sentence, for later pronouns."""
        name = self._person_at.get(token.i)
        if name is not None and token.dep_ in {"nsubj", "nsubjpass"}:
            self._last_person = self.canonical(name)
