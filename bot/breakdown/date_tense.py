"""Which way a date without a year or week points: the tense of the clause it sits in.

A bare weekday or a year-less date in a past-tense report is the previous one, in a
future-tense or planning clause the next one (`date_rules.resolve_weekday`,
`date_rules.choose_year`). Read from cue words next to the date, then from the verb the
date hangs on in spaCy's parse.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

# A clock time just before a weekday, to be skipped when reading the cue before it.
_CLOCK_TAIL = re.compile(r"\s(?:\d{1,2}(?::\d\d)?\s*[ap]\.?m\.?|noon|midnight)"
                         r"(?:\s+[a-z]{2,4})?\s+$")
_FUTURE_AUX = {"will", "shall", "'ll", "’ll", "wo", "ll", "would"}
# Modals of expectation or possibility, which look forward unless perfect ("should have
# known"); not "could", as often the past of "can" ("could not be reached Wednesday"):
_EXPECTING_MODALS = {"should", "may", "might", "must", "can"}
_PLAN_LEMMAS = {"schedule", "plan", "expect", "set", "due", "slate", "intend", "prepare",
                "hope", "aim", "propose"}
_REPORT_LEMMAS = {"say", "tell", "report", "claim", "state", "add", "note", "write"}


def clause_direction(span: Span) -> int:
    """-1 if the date's clause is about the past, +1 about the future, 0 if unclear.

    Read from cue words ("next", "ago", "as soon as", "since", "until") and then from the
    verb the date hangs on (`verb_direction`).
    """
    words = {t.lower_ for t in span}
    if words & {"next", "coming", "upcoming"}:
        return 1
    if words & {"last", "past", "previous", "ago", "earlier"}:
        return -1
    # a clock time may come between the cue and the day: "until 9 a.m. EST Tuesday"
    lead = _CLOCK_TAIL.sub(" ", span.doc[max(0, span.start - 7):span.start].text.lower() + " ")
    if re.search(r"\b(?:as (?:soon|early) as|no later than|starting)\s+$", lead) or \
            re.match(r"\s*(?:up\s+)?next\s*:", lead):
        return 1  # openings look forward, and so does a "Next:" schedule line
    if re.search(r"\bsince\s+(?:the\s+)?$", lead):
        return -1
    verb = governing_verb(span.root)
    if verb is None:
        return 0
    if re.search(r"\b(?:until|till)\s+$", lead) and not any(
            a.lower_ == "had" for a in auxiliaries(verb)):
        return 1  # deadlines look forward, unless "had not ... until"
    return verb_direction(verb, span.start)


def verb_direction(verb: Token, date_index: int) -> int:
    """The tense of the date's verb: +1 future or plan, -1 past, 0 reporting or unclear.

    "will"/"'ll"/"going to" is future. A plan looks forward to the date after it ("is
    scheduled to testify Tuesday", "planned to leave on Thursday", "has scheduled a vote
    for Tuesday"), but a date before a past-tense plan is when the plan was made ("On
    Friday, the ministry planned to pay"), and a plan in a participle takes the tense of
    its clause ("a rally planned for Saturday was called off" reports what happened).
    Past tense and "has/had" + participle ("have been searching since") are past; a
    present-tense non-reporting verb ("the talks begin Tuesday", "is meeting Monday") is
    future.
    """
    helpers = auxiliaries(verb)
    if any(a.lower_ in _FUTURE_AUX or a.lower_ == "going" for a in helpers):
        return 1
    if any(a.lower_ in _EXPECTING_MODALS for a in helpers) and not any(
            a.lemma_ == "have" for a in helpers):
        return 1  # "should have power by Friday"; not "should have known on Friday"
    plan = verb if is_plan(verb) else None
    if plan is None and verb.tag_ == "VB" and verb.dep_ in ("xcomp", "ccomp"):
        plan = verb.head if verb.head.lemma_ in _PLAN_LEMMAS else None
    if plan is not None:
        bearer = tense_bearer(plan)
        if bearer.i != plan.i or date_index < plan.i:
            return -1 if is_past(bearer) else 1
        return 1
    if is_past(tense_bearer(verb)):
        return -1
    if verb.tag_ == "VBN" and any(a.lemma_ == "have" for a in helpers):
        return -1
    if verb.tag_ == "VBG" and any(a.lower_ == "been" for a in helpers):
        return -1
    if verb.tag_ in ("VBZ", "VBP") and verb.lemma_ not in _REPORT_LEMMAS:
        return 1
    if verb.tag_ == "VBG" and any(a.tag_ in ("VBZ", "VBP") for a in helpers):
        return 1
    return 0


def is_plan(verb: Token) -> bool:
    """A verb of planning: "set" only in the passive ("is set for Monday"), since "set a
    record on Tuesday" or "set Friday as the deadline" are acts, not plans."""
    if verb.lemma_ == "set":
        return any(a.dep_ == "auxpass" for a in auxiliaries(verb))
    return verb.lemma_ in _PLAN_LEMMAS


def auxiliaries(verb: Token) -> list[Token]:
    return [c for c in verb.children if c.dep_ in ("aux", "auxpass")]


def tense_bearer(verb: Token) -> Token:
    """The verb whose tense a participle takes: "a rally planned for Saturday was called
    off" reads "planned" in the tense of "was called"."""
    if verb.tag_ in ("VBN", "VBG") and verb.dep_ in ("acl", "amod") and not auxiliaries(verb):
        outer = governing_verb(verb.head)
        if outer is not None and outer.i != verb.i:
            return outer
    return verb


def is_past(verb: Token) -> bool:
    """Simple past, or a past auxiliary: "planned", "was scheduled", "had hoped"."""
    return verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxiliaries(verb))


def governing_verb(token: Token) -> Token | None:
    """The nearest verb up the dependency tree from the date."""
    for _ in range(6):
        if token.pos_ in ("VERB", "AUX"):
            return token
        if token.head is token:
            return None
        token = token.head
    return None
