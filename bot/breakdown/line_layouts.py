"""Whole-line layouts of attribution that need no cue verb: transcript speaker labels
("PENCE: …"), signed quotations ("“…” ― Jane Doe"), interview blocks (a "Name, role" line
above the answer) and attribution headlines ("Sanders: Clinton must …").
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from bot.breakdown.cues import MIN_CONTENT_CHARS, QUOTE_MARKS, Attribution, quotes_overlapping
from bot.breakdown.lexicon import (
    BYLINE_ROLES,
    EVIDENCE_SUBJECTS,
    HEADLINE_KICKERS,
    SAYING_NOUNS,
    SOURCE_NOUNS,
)
from bot.breakdown.nlp import text_of
from bot.breakdown.quotemarks import QuotedSpan
from bot.breakdown.referents import looks_like_person, strip_possessive
from bot.breakdown.segment import SIGNATURE, Sentence
from bot.breakdown.speakers import SourcePhrase, SpeakerResolver, describe_source

# A label of up to four capitalised words before a colon at the start of a line; a
# transcript quoted whole may open the line with a quotation mark ("\"PENCE: Well, …").
_SPEAKER_LABEL = re.compile(
    r"[ \t]*[\"“]?([A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,3}(?:[ \t]+\#\d+)?)"
    r"[ \t]*:[ \t]+\S")
# A broadcast transcript names its own journalists once with their role ("JANE DOE, HOST:",
# "JOHN ROE, BYLINE:"); their lines, then and under the bare name, are the programme's own
# narration, not a source's statement.
_JOURNALIST_LABEL = re.compile(
    r"^[ \t]*([A-Z][\w.'’ -]*?)[ \t]*,[ \t]*(?:HOST|BYLINE|ANCHOR|CORRESPONDENT|REPORTER)"
    r"[ \t]*:", re.MULTILINE)
_JOURNALISTS = "line_layouts.journalists"


def _journalists(doc: Doc) -> frozenset[str]:
    """The upper-cased names and surnames of the transcript's journalists (read once per
    document)."""
    if _JOURNALISTS not in doc.user_data:
        names = {m.group(1).upper() for m in _JOURNALIST_LABEL.finditer(text_of(doc))}
        doc.user_data[_JOURNALISTS] = frozenset(names | {n.split()[-1] for n in names})
    journalists: frozenset[str] = doc.user_data[_JOURNALISTS]
    return journalists


def first_on_line(text: str, sentence: Sentence) -> int | None:
    """Where the sentence's line starts, when the sentence is the first on it; else None."""
    line_start = text.rfind("\n", 0, sentence.start) + 1
    return None if text[line_start : sentence.start].strip() else line_start


def trimmed_end(text: str, start: int, end: int) -> int:
    """`end` moved back over trailing whitespace, not before `start`."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def quote_from_speaker_label(sentence: Sentence, resolver: SpeakerResolver) -> Attribution | None:
    """Transcripts and interviews: "PENCE: Well, look, …" or "Jane Doe: …" to line end."""
    text = text_of(sentence.span.doc)
    line_start = first_on_line(text, sentence)
    if line_start is None:
        return None
    match = _SPEAKER_LABEL.match(text, line_start)
    if match is None:
        return None
    label = match.group(1)
    if label.upper() in _journalists(sentence.span.doc):
        return None  # the reporter's or host's narration
    label_span = sentence.span.doc.char_span(match.start(1), match.end(1))
    is_person = label_span is not None and all(t.ent_type_ == "PERSON" for t in label_span)
    # A surname the article gives in full elsewhere ("Sanders:" beside "Bernie Sanders"),
    # which the tagger misses at the start of a line.
    if not (is_person or (label.isupper() and len(label) > 2)
            or resolver.is_known_surname(label)) or _is_kicker(label):
        return None
    line_end = text.find("\n", match.end())
    end = len(text) if line_end < 0 else line_end
    start = match.end() - 1
    end = trimmed_end(text, start, end)
    name = label.title() if label.isupper() else label
    # "UNIDENTIFIED PERSON #1:", "UNIDENTIFIED MALE:": a transcript's unnamed voice
    unnamed = label.upper().startswith(("UNIDENTIFIED", "UNKNOWN"))
    source = SourcePhrase(label, name, None, not unnamed, False, unnamed, match.start(1))
    return Attribution(source, resolver.resolve(source), ":", "direct", start, end,
                       match.start(1), end)


def quote_from_signature(sentence: Sentence, quoted: list[QuotedSpan],
                         resolver: SpeakerResolver) -> Attribution | None:
    """Reader letters and epigraphs: "“…” ― Jane Doe" at the end of a line."""
    text = text_of(sentence.span.doc)
    line_end = text.find("\n", sentence.start)
    line_end = len(text) if line_end < 0 else line_end
    line_start = text.rfind("\n", 0, sentence.start) + 1
    match = SIGNATURE.search(text, line_start, line_end)
    quotes = quotes_overlapping(line_start, match.start() + 1, quoted) if match else []
    if match is None or not quotes:
        return None
    name = match.group(1)
    source = SourcePhrase(name, name, None, True, False, False, match.start(1))
    return Attribution(source, resolver.resolve(source), "―", "direct", quotes[0].start,
                       quotes[-1].end, quotes[0].start, match.end(1))


# "Maria Okafor, head of research at the Lagos Institute" alone on a line: who answers in
# the paragraph below it (interviews, vox pops, panels of experts).
_INTRO_LINE = re.compile(
    r"[ \t]*(?P<name>[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){1,3})[ \t]*[,—–][ \t]*"
    r"(?P<role>[^\n\"“”]{3,120}?[^\s.!?;:])[ \t]*$")  # no full stop: not a sentence or caption
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
INTERVIEW_CUE = "(interview)"


def _previous_line(text: str, line_start: int) -> tuple[int, int] | None:
    """The non-blank line before the one starting at `line_start`, as (start, end)."""
    end = line_start - 1
    while end > 0 and text[end - 1].isspace():
        end -= 1
    if end <= 0:
        return None
    return text.rfind("\n", 0, end) + 1, end


def quote_from_interview_block(sentence: Sentence, quoted: list[QuotedSpan],
                               resolver: SpeakerResolver) -> Attribution | None:
    """A paragraph under a line that only names a person and their role is theirs, with
    quotation marks or without: the interview layout that has no cue verb at all."""
    text = text_of(sentence.span.doc)
    line_start = first_on_line(text, sentence)
    if line_start is None:
        return None
    previous = _previous_line(text, line_start)
    match = _INTRO_LINE.fullmatch(text, *previous) if previous and previous[0] > 0 else None
    if match is None or not _is_introduction(sentence.span.doc, match):
        return None
    line_end = text.find("\n", sentence.start)
    end = len(text) if line_end < 0 else line_end
    start = sentence.start
    quotes = quotes_overlapping(start, end, quoted)
    if quotes and not text[start : quotes[0].start].strip(QUOTE_MARKS + " "):
        start, end = quotes[0].start, quotes[-1].end
    end = trimmed_end(text, start, end)
    if end - start < MIN_CONTENT_CHARS:
        return None
    name, role = match.group("name"), match.group("role").strip()
    source = SourcePhrase(match.group(0).strip(), name, role, True, False, False,
                          match.start("name"))
    return Attribution(source, resolver.resolve(source), INTERVIEW_CUE, "direct", start, end,
                       match.start("name"), end)


def _is_introduction(doc: Doc, match: re.Match[str]) -> bool:
    """A person's name, then a role with no finite verb and no byline word."""
    name = doc.char_span(match.start("name"), match.end("name"))
    role = doc.char_span(match.start("role"), match.end("role"), alignment_mode="expand")
    if name is None or role is None or not looks_like_person(name[-1]):
        return False
    words = [t for t in role if t.is_alpha]
    if not words or words[0].ent_type_ == "PERSON" or looks_like_person(words[0]):
        return False  # "Ana Rivera, Tom Becker and …": a list of names
    return any(t.is_lower for t in words) and not any(
        t.tag_ in _FINITE or t.lower_ in BYLINE_ROLES for t in role)


def _is_kicker(label: str) -> bool:
    """"UPDATE:", "Editor's note:": a section label, not a speaker."""
    return " ".join(label.lower().replace("’", "'").replace("'s", "").split()) in \
        HEADLINE_KICKERS or label.lower().split()[0] in HEADLINE_KICKERS


def quote_from_headline(sentence: Sentence, resolver: SpeakerResolver) -> Attribution | None:
    """"Sanders: Clinton Needs to Get Away From Personality", "Poll: Voters Split on Tax":
    a headline whose first words, before a colon, name who says the rest; or one that
    ends with them ("…, Senator Graham Says")."""
    if sentence.kind != "headline":
        return None
    text = text_of(sentence.span.doc)
    match = _SPEAKER_LABEL.match(text, sentence.start)
    if match is None or match.start(1) > sentence.start + 1 or _is_kicker(match.group(1)):
        return _headline_with_says(sentence, resolver)
    doc = sentence.span.doc
    label_span = doc.char_span(match.start(1), match.end(1))
    if label_span is None or not _names_a_source(label_span):
        return None
    start, end = match.end() - 1, sentence.end
    while end > start and text[end - 1] in " \t.":
        end -= 1
    if len(text[start:end].split()) < 3:
        return None
    label = match.group(1)
    source = SourcePhrase(label, label.title() if label.isupper() else label, None,
                          True, False, False, match.start(1))
    return Attribution(source, resolver.resolve(source), ":", "direct", start, end,
                       match.start(1), end)


# "Clean Energy Deal Is Within Reach, Senator Graham Says.": the wire-service headline
# that ends with its source.
_SAYS_TAIL = re.compile(
    r",[ \t]+(?P<source>[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,5})[ \t]+"
    r"(?P<cue>Says|Said|Warns|Claims|Argues|Insists|Admits|Predicts|Tweets)[.!]?[ \t]*$")


# "Sanders Vows to End Tax Breaks", "New Poll Shows Clinton Ahead": the headline's
# source and a title-case cue verb, then what is said.
_SAYS_INSIDE = re.compile(
    r"(?:^|,[ \t]+)(?P<source>[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,3})[ \t]+"
    r"(?P<cue>Says|Say|Vows|Warns|Urges|Claims|Predicts|Insists|Argues|Admits|Denies|"
    r"Pledges|Promises|Shows|Finds)[ \t]+(?P<content>\S.*?)[.!]?[ \t]*$")


def _headline_with_says(sentence: Sentence, resolver: SpeakerResolver) -> Attribution | None:
    text = text_of(sentence.span.doc)
    match = _SAYS_TAIL.search(text, sentence.start, sentence.end)
    if match is None:
        return _headline_with_cue_inside(sentence, resolver)
    start, end = sentence.start, match.start()
    if _is_kicker(match.group("source")) or len(text[start:end].split()) < 3:
        return None
    label = match.group("source")
    source = SourcePhrase(label, label, None, True, False, False, match.start("source"))
    return Attribution(source, resolver.resolve(source), match.group("cue").lower(), "direct",
                       start, end, start, match.end("cue"))


def _headline_with_cue_inside(sentence: Sentence,
                              resolver: SpeakerResolver) -> Attribution | None:
    text = text_of(sentence.span.doc)
    line = text[sentence.start : sentence.end]
    match = _SAYS_INSIDE.search(line)
    if match is None or len(match.group("content").split()) < 3:
        return None
    offset = sentence.start
    label_span = sentence.span.doc.char_span(offset + match.start("source"),
                                             offset + match.end("source"))
    label = match.group("source")
    evidence = match.group("cue") in {"Shows", "Finds"}
    if label_span is None or _is_kicker(label) or not (
            label_span[-1].lower_.rstrip("s") in EVIDENCE_SUBJECTS if evidence
            else _names_a_source(label_span)):
        return None
    source = SourcePhrase(label, label, None, not evidence, False, False,
                          offset + match.start("source"))
    start, end = offset + match.start("content"), offset + match.end("content")
    return Attribution(source, resolver.resolve(source), match.group("cue").lower(), "direct",
                       start, end, offset + match.start("source"), end)


def _names_a_source(label: Span) -> bool:
    """A person, organisation or place, or a poll or report: who can say something."""
    head = label[-1].lower_
    return all(t.pos_ == "PROPN" or t.ent_type_ in {"PERSON", "ORG", "GPE", "NORP"}
               for t in label) or head in EVIDENCE_SUBJECTS or head in SOURCE_NOUNS \
        or head.rstrip("s") in EVIDENCE_SUBJECTS | SOURCE_NOUNS


def quote_from_saying_label(sentence: Sentence, resolver: SpeakerResolver) -> Attribution | None:
    """"Her verdict: the ovens are worth it.", "Ortiz's advice: …": what the owner of
    the label says is the rest of the sentence."""
    tokens = [t for t in sentence.span if not t.is_space]
    colon = next((t for t in tokens[:6] if t.text == ":"), None)
    if colon is None or colon.i == tokens[0].i:
        return None
    noun = tokens[tokens.index(colon) - 1]
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if noun.lemma_.lower() not in SAYING_NOUNS or owner is None or owner.i != tokens[0].i \
            or owner.lower_ in {"my", "our", "your"}:
        return None
    text = text_of(sentence.span.doc)
    start, end = colon.idx + 1, sentence.end
    while start < end and text[start].isspace():
        start += 1
    if len(text[start:end].split()) < 3:
        return None
    speaker, source = resolver.identify(describe_source(owner))
    return Attribution(source, speaker, noun.text.lower(), "indirect", start, end,
                       sentence.start, end)


# Q&A interviews: "Q: …" lines ask, "A: …" lines are the answers of the person the
# introduction names.
_QUESTION_LABEL = re.compile(r"^[ \t]*(?:Q|QUESTION|Question)[ \t]*[:.][ \t]+\S", re.M)
_ANSWER_LABEL = re.compile(r"[ \t]*(?:A|ANSWER|Answer)[ \t]*[:.][ \t]+(?=\S)")
ANSWER_CUE = "(answer)"


def quote_from_answer(sentence: Sentence, resolver: SpeakerResolver) -> Attribution | None:
    """An "A:" line of a Q&A interview: the interviewee's words, to the end of the line."""
    doc = sentence.span.doc
    text = text_of(doc)
    line_start = first_on_line(text, sentence)
    if line_start is None:
        return None
    match = _ANSWER_LABEL.match(text, line_start)
    first_question = _QUESTION_LABEL.search(text)
    if match is None or first_question is None or first_question.start() > line_start:
        return None
    person = next((e for e in reversed(doc.ents) if e.label_ == "PERSON"
                   and e.end_char <= first_question.start()), None)
    if person is None:
        return None  # nobody named before the questions: whose answers they are is unknown
    start = match.end()
    line_end = text.find("\n", start)
    end = len(text) if line_end < 0 else line_end
    end = trimmed_end(text, start, end)
    if end - start < MIN_CONTENT_CHARS:
        return None
    name = strip_possessive(person.text)
    source = SourcePhrase(name, name, None, True, False, False, person.start_char)
    return Attribution(source, resolver.resolve(source), ANSWER_CUE, "direct", start, end,
                       line_start, end)


# An embedded social-media post: its text, then "— Maria Gomez (@SenGomez) December 26,
# 2023" on the next line.
_POST_SIGNATURE = re.compile(
    r"[ \t]*[—–-]+[ \t]*(?P<name>[^\n(@]{2,60}?)[ \t]*\(@\w{1,30}\)[^\n]{0,40}$", re.M)
POST_CUE = "(post)"


def quote_from_post_embed(sentence: Sentence, resolver: SpeakerResolver) -> Attribution | None:
    """The text of an embedded post, signed on the line below it by name and handle."""
    text = text_of(sentence.span.doc)
    line_start = first_on_line(text, sentence)
    if line_start is None:
        return None
    line_end = text.find("\n", sentence.start)
    line_end = len(text) if line_end < 0 else line_end
    after = line_end
    while after < len(text) and text[after].isspace():
        after += 1
    match = _POST_SIGNATURE.match(text, after)
    if match is None or text[line_end:after].count("\n") > 2:
        return None
    end = trimmed_end(text, line_start, line_end)
    if end - line_start < MIN_CONTENT_CHARS:
        return None
    name = match.group("name").strip()
    source = SourcePhrase(name, name, None, True, False, False, match.start("name"))
    return Attribution(source, resolver.resolve(source), POST_CUE, "direct", line_start, end,
                       line_start, match.end())
