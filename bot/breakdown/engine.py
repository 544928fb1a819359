"""`analyze()`: article text in, `Breakdown` out. Pure and deterministic.

One spaCy parse feeds every extractor; everything after it is linear in the text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from spacy.tokens import Doc

from bot.breakdown import DEFAULT_SPACY_MODEL
from bot.breakdown.attribution import AttributionStrategy, find_quote_sets
from bot.breakdown.claims import find_claims
from bot.breakdown.dates import find_dates
from bot.breakdown.language import detect_language
from bot.breakdown.model import Breakdown, Source
from bot.breakdown.nlp import get_nlp, text_of
from bot.breakdown.quotemarks import find_quoted_spans
from bot.breakdown.segment import Sentence, find_sentences
from bot.breakdown.summary import summarize
from bot.breakdown.words import count_words

# Past this many characters only the beginning is analysed (about 150,000 words): enough
# for any article, and it bounds time and memory for hostile input.
MAX_ANALYSED_CHARS = 1_000_000


def analyze(text: str, *, published: dt.date | None = None, source: Source | None = None,
            attribution: AttributionStrategy = "hybrid",
            spacy_model: str = DEFAULT_SPACY_MODEL) -> Breakdown:
    """Break an article down. Never raises for any string input.

    `Breakdown.text` is the input as given, except that lone surrogates (which no UTF-8
    text can contain) are replaced by U+FFFD.

    `published` anchors relative and year-less dates; without it no year is invented.
    `source` carries metadata for fetched articles; plain text gets ``kind="text"``.
    `attribution` chooses who finds the quotes (`bot.breakdown.attribution.find_quotes`);
    the default is the product's; the others exist to be measured beside it.
    `spacy_model` names the installed pipeline (the bot passes its SPACY_MODEL setting).
    """
    if not isinstance(text, str):
        raise TypeError(f"analyze() takes str, not {type(text).__name__}")
    text = without_surrogates(text)
    source = source or Source(published=published.isoformat() if published else None)
    source = replace(source, words=count_words(text))
    language = detect_language(text)
    if language != "en" or not text.strip():
        return Breakdown(source, language, (), (), (), (), text)
    doc = get_nlp(spacy_model)(text[:MAX_ANALYSED_CHARS])
    return breakdown_of_doc(doc, text=text, published=published, source=source,
                            attribution=attribution)


def breakdown_of_doc(doc: Doc, *, text: str, published: dt.date | None, source: Source,
                     attribution: AttributionStrategy = "hybrid") -> Breakdown:
    """Everything after the parse (`doc` is `text`, or its beginning, parsed by
    `get_nlp`): the evaluation harnesses call it on cached parses."""
    sentences = find_sentences(doc)
    quoted = find_quoted_spans(text_of(doc))
    found = find_quote_sets(doc, sentences, quoted, strategy=attribution)
    quotes = found.quotes
    if source.title is None:
        source = replace(source, title=find_title(sentences))
    return Breakdown(
        source=source,
        language="en",
        summary=tuple(summarize(sentences)),
        quotes=tuple(quotes),
        dates=tuple(find_dates(doc, sentences, published)),
        claims=tuple(find_claims(sentences, quotes, rule_quotes=found.rule_quotes)),
        text=text,
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """Lone surrogates (left by a lossy decode upstream) are not text: the parser cannot
    encode them. Each becomes U+FFFD, one character for one, so offsets stay valid."""
    return _SURROGATE.sub("\ufffd", text)


def find_title(sentences: list[Sentence]) -> str | None:
    """A pasted article's headline: the first headline line before the body starts."""
    for sentence in sentences:
        if sentence.kind == "headline":
            return sentence.text
        if sentence.is_body:
            return None
    return None
