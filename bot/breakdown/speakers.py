"""Who a source is: name, role and anonymity from the subject phrase of a cue.

Names are resolved across the article: "Jeffrey" is the "James Jeffrey" met earlier,
"Ms. Rivera" and "Dr. Rivera" are "Ana Rivera"; "he" and "she" are the person of that
gender last spoken of as a subject; "the company" is the company the article named;
"the survey" is the survey whose owner it named ("a survey by the X Foundation").
A pronoun is never shown as the speaker on its own: one with no person it can refer to
keeps its quote (the author does attribute the statement to someone the text refers to)
under "unresolved “she”"; "I" outside quotation marks is the author.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from spacy.attrs import POS
from spacy.symbols import NOUN as NOUN_TAG
from spacy.symbols import PROPN as PROPN_TAG
from spacy.tokens import Doc, Span, Token

from bot.breakdown.lexicon import (
    ANONYMITY_WORDS,
    EVIDENCE_SUBJECTS,
    FEMALE_WORDS,
    GROUP_PRONOUNS,
    INDEFINITE_PRONOUNS,
    MALE_WORDS,
    PERSON_PRONOUNS,
)
from bot.breakdown.referents import (
    HONORIFIC,
    NOT_PERSON,
    Gender,
    Mention,
    clean,
    definite_noun,
    document_owner,
    given_name_gender,
    is_named,
    name_chain,
    name_key,
    noun_phrase,
    org_name,
    organisation_nouns,
    phrase_gender,
    strip_possessive,
)

_MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
_FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})
_FIRST_PERSON = frozenset({"i", "me"})
AUTHOR = "the author (“I”)"
UNRESOLVED = "unresolved"  # "unresolved “she”": a pronoun the article gives no referent for
READER = "the reader (“you”)"


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
    gender: Gender | None = None  # from the phrase itself: "spokeswoman", "Mr."
    definite: str | None = None  # "the company", "the survey": the noun it refers back with


def _appositive_role(head: Token) -> str | None:
    for child in head.rights:
        if child.dep_ == "appos":
            return clean(child.doc[child.left_edge.i : child.right_edge.i + 1].text) or None
    return None


def _after_dateline(head: Token) -> Token:
    """"DAYTON, Ohio, March 4 /PRNewswire/ -- Greenfield Foods … announced": the parser
    takes the wire dateline's city as the subject; the source is the name after the dash."""
    doc = head.doc
    if not (head.text.isupper() and len(head.text) > 2) or (
            head.i > 0 and "\n" not in doc[head.i - 1].text):
        return head
    for child in head.rights:
        between = doc[head.i + 1 : child.i]
        if child.dep_ == "appos" and any(t.text in {"--", "—", "–", "_"} for t in between):
            return child
    return head


def _named_appositive(head: Token) -> Span | None:
    """The organisation named right after a common noun, with no comma: "the consulting
    firm Riveron", "advocacy group Fair Vote"."""
    appos = next((c for c in head.rights if c.dep_ == "appos"), None)
    if appos is None or (appos.i != head.i + 1 and not all(
            t.pos_ == "PROPN" for t in head.doc[head.i + 1 : appos.i])):
        return None
    span = head.doc[appos.left_edge.i : appos.right_edge.i + 1]
    return _entity_in(span, frozenset({"ORG", "GPE", "NORP"})) or (
        span if all(t.pos_ == "PROPN" for t in span) else None)


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


def _is_pronoun(token: Token) -> bool:
    """"he", "they", "us" — but not "US" or "IT" written in capitals (a country, a
    department), which only look like pronouns."""
    if len(token.text) > 1 and token.text.isupper():
        return False
    return token.pos_ == "PRON" or token.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS


def describe_source(head: Token) -> SourcePhrase:
    """Name, role and anonymity of the source whose head token is `head`."""
    head = _after_dateline(head)
    phrase = noun_phrase(head)
    text = clean(phrase.text)
    lower = head.lower_
    if _is_pronoun(head):
        if lower in INDEFINITE_PRONOUNS:
            # "those who voted for him", "some of her followers": the group as described
            words = head.doc[head.left_edge.i : head.right_edge.i + 1].text.split()
            text = clean(" ".join(words[:10]))
        return SourcePhrase(text, text, None, lower in PERSON_PRONOUNS, True, False, head.idx)
    role = _appositive_role(head)
    around = [*phrase, *(t for c in head.rights if c.dep_ == "appos" for t in c.subtree)]
    gender = phrase_gender(around)
    person = _entity_in(phrase, frozenset({"PERSON"})) or name_chain(head)
    if person is not None and role and head.pos_ == "NOUN" and person.root.dep_ == "poss":
        person = None  # "Lane's lawyer, Karen Obi, said": the lawyer speaks, not Lane
    if person is None and role:
        # "the agency's spokesman, John Smith, said": the name is in the appositive.
        appos = next(c for c in head.rights if c.dep_ == "appos")
        inner = _entity_in(head.doc[appos.left_edge.i : appos.right_edge.i + 1],
                           frozenset({"PERSON"})) or name_chain(appos)
        if inner is not None:
            return SourcePhrase(text, strip_possessive(inner.text), text, True, False, False,
                                head.idx, gender)
    if person is not None:
        before = clean(head.doc[phrase.start : person.start].text)
        name = strip_possessive(person.text)
        if HONORIFIC.fullmatch(before + " "):
            # "Mrs. Keller": a title, not a role; it tells which Keller (see `canonical`)
            name, before = f"{before} {name}", ""
        role = role or (before if before.lower() not in {"the", "a"} else None) or None
        return SourcePhrase(text, name, role, True, False, False, head.idx, gender)
    named = _named_appositive(head) if person is None else None
    if named is not None:
        # "business advisory firm Riveron said": the name follows its description.
        return SourcePhrase(text, strip_possessive(named.text), text, False, False, False,
                            head.idx)
    owner = document_owner(head) if head.lemma_.lower() in EVIDENCE_SUBJECTS else None
    if owner is not None and not ANONYMITY_WORDS.search(text):
        return SourcePhrase(text, f"{owner} {head.lower_}", role, False, False, False,
                            head.idx)
    anonymous = bool(ANONYMITY_WORDS.search(text)) or not is_named(phrase)
    name = text if anonymous else re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I)
    definite = definite_noun(phrase, head) if anonymous else None
    return SourcePhrase(text, name, role, False, False, anonymous, head.idx, None, definite)


class SpeakerResolver:
    """Article-wide memory of people and groups, for variants and pronouns."""

    def __init__(self, doc: Doc, quoted: Sequence[tuple[int, int]] = (), *,
                 body_start: int = 0) -> None:
        """`quoted`: the quotations (start, end); `body_start`: where the body begins (the
        tagger reads title-case headlines as organisations: "… Disputes Network")."""
        self._full_names: dict[str, str] = {}
        self._gendered_names: dict[tuple[str, Gender], str] = {}
        self._gender: dict[str, Gender] = {}
        self._person_at: dict[int, str] = {}
        self._mentions: list[Mention] = []
        self._roles: dict[str, str] = {}
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                name = strip_possessive(ent.text)
                self._learn(name)
                self._person_at.update(dict.fromkeys(range(ent.start, ent.end), name))
            elif ent.label_ == "ORG" and ent.start_char >= body_start and \
                    (nouns := organisation_nouns(ent)):
                self._mentions.append(Mention(ent.start_char, org_name(ent.text), nouns))
        self._read_names(doc)
        self._mentions.sort(key=lambda m: m.start)
        self._mention_starts = [m.start for m in self._mentions]
        self._doc = doc
        # Where people are named, in text order: all that `advance_to` needs to read.
        self._people = sorted((doc[i].idx, i, name) for i, name in self._person_at.items())
        self._cursor = 0  # the next of `_people` that `advance_to` reads
        # Quotations in text order (see `advance_to`).
        self._quoted = sorted(quoted)
        self._quote_index = 0
        self._recent: list[str] = []  # people last spoken of as subjects, latest last
        self._mentioned: list[str] = []  # people last mentioned at all
        self._last_group: str | None = None

    def _read_names(self, doc: Doc) -> None:
        """Honorifics ("Mrs. Keller"), given-name chains the tagger missed ("Ana Rivera")
        and documents with owners, in one pass over the tokens."""
        honorifics: list[tuple[Gender, str]] = []
        # Only proper and common nouns matter: read the tags as one array, not token by token.
        tags = doc.to_array([POS]).tolist() if len(doc) else []
        for i in (i for i, tag in enumerate(tags) if tag in (PROPN_TAG, NOUN_TAG)):
            token = doc[i]
            if tags[i] == NOUN_TAG and token.lemma_.lower() not in EVIDENCE_SUBJECTS:
                continue
            if tags[i] == NOUN_TAG:
                owner = document_owner(token)
                if owner is not None:
                    self._mentions.append(Mention(token.idx, f"{owner} {token.lower_}",
                                                   frozenset({token.lemma_.lower()})))
                continue
            gender = phrase_gender([token])
            following = doc[token.i + 1] if token.i + 1 < len(doc) else None
            if gender and following is not None and following.pos_ == "PROPN":
                honorifics.append((gender, following.text))
            if token.i not in self._person_at and token.ent_type_ not in NOT_PERSON and \
                    given_name_gender(token.text):
                self._learn_chain(doc, token.i)
            name = self._person_at.get(token.i)
            if name is not None and (role := _appositive_role(token)) and len(role) < 100:
                self._roles.setdefault(name, role)  # "Ana Rivera, the city engineer, …"
        for gender, surname in honorifics:
            key = name_key(surname)
            full = self._gendered_names.get((key, gender)) or self._full_names.get(key, surname)
            if (key, gender) in self._gendered_names or given_name_gender(full.split()[0]) \
                    in (None, gender):
                self._gendered_names.setdefault((key, gender), full)
                self._gender.setdefault(full, gender)

    def _learn_chain(self, doc: Doc, start: int) -> None:
        """"Ana Rivera", "Mary Ann Smith": a given name and the capitalised proper nouns
        after it, when no other entity claims them."""
        end = start + 1
        while end < len(doc) and end - start < 4 and doc[end].pos_ == "PROPN" and \
                doc[end].text[:1].isupper() and doc[end].ent_type_ not in NOT_PERSON and \
                end not in self._person_at:
            end += 1
        if end - start < 2:
            return
        name = strip_possessive(doc[start:end].text)
        self._learn(name)
        self._person_at.update(dict.fromkeys(range(start, end), name))

    def _learn(self, name: str) -> None:
        parts = name_key(name).split()
        if len(parts) < 2:
            return
        surname = parts[-1]
        full = HONORIFIC.sub("", name)
        # The first full form wins: articles introduce people by their full name.
        self._full_names.setdefault(surname, full)
        gender = given_name_gender(parts[0])
        if gender is not None:
            self._gendered_names.setdefault((surname, gender), full)

    def is_known_surname(self, name: str) -> bool:
        """"Doe" after "Jane Doe", even where the tagger missed that "Doe" is a person."""
        key = name_key(name)
        return " " not in key and key in self._full_names

    def canonical(self, name: str) -> str:
        """The full name for a surname or honorific form seen elsewhere in the article;
        "Mrs. Keller" is the woman of that surname where the article names two."""
        parts = name_key(name).split()
        if not parts:
            return name
        if len(parts) == 1 or HONORIFIC.match(name):
            title = name.split()[0].lower()
            gender = "f" if title in FEMALE_WORDS else "m" if title in MALE_WORDS else None
            gendered = self._gendered_names.get((parts[-1], gender)) if gender else None
            full = gendered or self._full_names.get(parts[-1], HONORIFIC.sub("", name))
            if gender and given_name_gender(full.split()[0]) not in (None, gender):
                return HONORIFIC.sub("", name)  # "Mrs. Keller" is not "Tom Keller"
            return full
        return name

    def gender_of(self, name: str) -> Gender | None:
        return self._gender.get(name) or given_name_gender(name.split()[0]) if name else None

    def _antecedent(self, pronoun: str) -> str | None:
        """The person last spoken of as a subject whose gender fits the pronoun, else the
        last one mentioned at all ("Becker attacked Rivera's plan. She …")."""
        wanted = "m" if pronoun in _MALE_PRONOUNS else "f" if pronoun in _FEMALE_PRONOUNS \
            else None
        for people in (self._recent, self._mentioned):
            for name in reversed(people):
                if wanted is None or self.gender_of(name) in (None, wanted):
                    return name
        return None

    def _referent(self, source: SourcePhrase) -> str | None:
        """The organisation or document a definite noun refers back to."""
        index = bisect.bisect_left(self._mention_starts, source.start)
        for mention in reversed(self._mentions[:index]):
            if source.definite in mention.nouns:
                return mention.name
        return None

    def identify(self, source: SourcePhrase) -> tuple[str, SourcePhrase]:
        """The speaker's resolved name, and the source with its anonymity settled."""
        if source.is_pronoun:
            self.advance_to(source.start, skip_quoted=True)
            lower = source.name.lower()
            if lower in _FIRST_PERSON:
                return AUTHOR, source  # outside quotation marks, "I" is the writer
            if lower in INDEFINITE_PRONOUNS:
                # "those close to him", "someone", "not everyone": nobody in particular
                return source.text, replace(source, anonymous=True)
            if lower == "you":
                return READER, source  # outside quotation marks, "you" is the reader
            person = source.is_person or lower == "who"
            found = self._antecedent(lower) if person else self._last_group
            return found or f"{UNRESOLVED} “{source.name}”", source
        if source.definite is not None:
            referent = self._referent(source)
            if referent is not None:
                self._last_group = referent
                return referent, replace(source, anonymous=False)
        known_surname = self.is_known_surname(source.name)
        is_person = source.is_person or known_surname
        if known_surname and source.anonymous:
            # "Rivers said", read as a plural noun, is Jalen Rivers named before
            source = replace(source, is_person=True, anonymous=False)
        name = self.canonical(source.name) if is_person else source.name
        if is_person:
            if source.gender is not None:
                self._gender.setdefault(name, source.gender)
            self._learn(name)
            _remember(self._recent, name)
        elif not source.anonymous:
            self._last_group = name
        return name, source

    def role_of(self, speaker: str) -> str | None:
        """The role an appositive gives the speaker anywhere in the article."""
        for name, role in self._roles.items():
            if self.canonical(name) == speaker:
                return role
        return None

    def resolve(self, source: SourcePhrase) -> str:
        """The speaker's resolved name; remembers it for the pronouns that follow."""
        return self.identify(source)[0]

    def note_subject(self, token: Token) -> None:
        """Remember a person who is the subject of any sentence, for later pronouns."""
        name = self._person_at.get(token.i)
        subject = token.dep_ in {"nsubj", "nsubjpass"} or (
            token.dep_ == "appos" and token.head.dep_ in {"nsubj", "nsubjpass"})
        if name is not None and subject:  # "His wife, Ellen, wants…": Ellen is the subject
            _remember(self._recent, self.canonical(name))

    def advance_to(self, offset: int, *, skip_quoted: bool = False) -> None:
        """Read the people of the text up to `offset`: the subjects and all mentions that
        later pronouns may refer to, in text order (each token is read once).

        `skip_quoted` when reading up to a pronoun source within its own sentence: in
        "“If Tom Berg wins, we lose,” she said." the name is the speaker's words."""
        people, doc = self._people, self._doc
        while self._cursor < len(people) and people[self._cursor][0] < offset:
            idx, i, name = people[self._cursor]
            self._cursor += 1
            while self._quote_index < len(self._quoted) and \
                    self._quoted[self._quote_index][1] <= idx:
                self._quote_index += 1
            if skip_quoted and self._quote_index < len(self._quoted) and \
                    self._quoted[self._quote_index][0] <= idx:
                continue
            if self._person_at.get(i - 1) != name:
                _remember(self._mentioned, self.canonical(name))
            self.note_subject(doc[i])


def _remember(people: list[str], name: str) -> None:
    """Move `name` to the end of a short recency list."""
    if people and people[-1] == name:
        return
    if name in people:
        people.remove(name)
    people.append(name)
    del people[:-8]  # pronouns reach back a few people, not the whole article


