"""Word lists that tell a claim's type and which numbers are figures worth showing.

The types follow the Full Fact claim typology (Konstantinovskiy et al., "Toward
automated factchecking: developing an annotation schema and benchmark for consistent
automated claim detection", 2021): *quantity* (a figure, its change or ranking),
*prediction* (about the future, or hypothetical), *correlation or causation*, and
*other*. We add *comparison* for comparatives and superlatives without a figure ("the
worst crisis in decades"), which Full Fact files under quantity only when a number is
involved. The code that reads these lists over a parse is in `claims.py`.
"""

from __future__ import annotations

import re

from bot.breakdown.lexicon import words

# --- prediction ---------------------------------------------------------------------------

# Modal auxiliaries (tag MD) that put a statement in the future or the hypothetical:
# "prices will rise", "that could lead to…", "it would be the largest…". "wo" is how
# spaCy splits "won't"; "'ll" and "'d" are contracted will/would.
PREDICTION_MODALS = words("will shall would could may might wo 'll ’ll 'd ’d")
# A modal followed by "have" looks back ("could have won", "may have known"): a
# counterfactual or a guess about the past, not a prediction.
PAST_MODAL_FOLLOWER = "have"
# "could not"/"would not" in a news report is mostly past inability or refusal ("could
# not be reached for comment", "would not say"), not a forecast.
NEGATED_PAST_MODALS = words("could would")
# Phrases that announce what is to come without a modal: "is expected to", "plans to".
# Those ending in "to" count only before a bare verb ("due to vote", "going to win"; not
# "due to rain", "going to Iowa").
PREDICTION_PHRASES = (
    "expected to", "expects to", "forecast to", "forecasts", "forecasted", "projected to",
    "plans to", "planning to", "set to", "going to", "poised to", "on track to",
    "on course to", "likely to", "unlikely to", "bound to", "about to", "due to",
    "in the coming", "in the years ahead",
)

# --- causation ----------------------------------------------------------------------------

# Connectives that state a cause or a consequence outright.
CAUSAL_PHRASES = (
    "because", "due to", "owing to", "thanks to", "as a result", "as a consequence",
    "the result of", "a result of", "so that", "therefore", "consequently", "hence",
    "that is why", "that's why", "that’s why", "which is why", "the reason", "blamed for",
    "responsible for",
)
# Causative verb lemmas, with the prepositions that make them causal ("led to", "resulted
# in", "stems from"); an empty tuple means the verb is causal on its own ("caused").
CAUSAL_VERBS: dict[str, tuple[str, ...]] = {
    "cause": (), "trigger": (), "spark": (), "fuel": (), "prompt": (), "provoke": (),
    "blame": (), "lead": ("to",), "result": ("in", "from"), "contribute": ("to",),
    "stem": ("from",), "drive": ("by",),
}

# --- comparison ---------------------------------------------------------------------------

# Penn tags of comparative and superlative adjectives and adverbs.
COMPARATIVE_TAGS = frozenset({"JJR", "JJS", "RBR", "RBS"})
# Comparative forms that only order events in time or text ("earlier", "later", "former",
# "further"): they compare nothing a reader could check. "more", "less" and "fewer" alone
# are quantifiers or discourse ("what's more", "room for more"); they compare only with
# "than", which is a cue of its own.
NOT_COMPARATIVE = words("earlier later latest newest sooner former latter further farther "
                        "furthermore more less fewer")
# Idioms built from comparative forms: "at least 20" bounds a figure, "no longer" is an
# aspect, "the most recent" a time, "rather than" a choice; none compares two things.
NOT_COMPARATIVE_BIGRAMS = frozenset({
    ("at", "least"), ("at", "most"), ("at", "best"), ("at", "worst"), ("no", "longer"),
    ("any", "longer"), ("no", "more"), ("any", "more"), ("once", "more"), ("more", "or"),
    ("most", "recent"), ("rather", "than"), ("other", "than"),
})
# "most"/"least" are superlatives only after "the" ("the most dangerous"); alone they are
# quantifiers ("most voters").
THE_ONLY_SUPERLATIVES = words("most least")
# Comparison without a comparative tag ("than" is read from the parse, with the
# comparatives): "compared with", "unprecedented".
COMPARISON_PHRASES = (
    "compared with", "compared to", "relative to", "all-time", "unprecedented",
    "twice as", "half as",
)
# Comparing verbs, by lemma: "cases outnumber…", "spending outpaced…".
COMPARISON_VERBS = words("outnumber outpace outstrip surpass exceed rival dwarf")
# "record" compares only as a modifier ("record turnout", "a record high"), not as the
# thing itself ("his voting record", "on the record").
RECORD = "record"
THAN = "than"
RECORD_DEPS = frozenset({"amod", "compound", "nmod"})

# --- figures ------------------------------------------------------------------------------

# Entity labels that can hold a figure; DATE, TIME and ORDINAL never do (a date, an age
# in years, a duration, a rank).
NUMBER_LABELS = frozenset({"CARDINAL", "PERCENT", "MONEY", "QUANTITY"})
# Unit-like labels: the entity carries its own unit ("40 percent", "$3 billion", "5 km").
UNIT_LABELS = frozenset({"PERCENT", "MONEY", "QUANTITY"})
# Scale words make a number a figure even when spelt out ("three million people").
SCALE_WORDS = words("hundred hundreds thousand thousands million millions billion billions "
                    "trillion trillions dozen dozens")
# Words that approximate or bound a count ("more than 6", "nearly 200"): the writer is
# stating a measured quantity, not naming something.
APPROXIMATORS = words("more less fewer about nearly almost over under roughly "
                      "approximately around some up least most just only")
# A number right after these names a rank or an item ("No. 2", "#1", "ranked 3"), not an
# amount.
RANK_MARKERS = words("no no. # number num. nos. ranked rank ranking seed")
# A number after these is an age ("aged 54", "age 7").
AGE_MARKERS = words("aged age ages")
# House numbers come before a street name ("221 Baker Street").
STREET_WORDS = words("street st st. avenue ave ave. road rd rd. boulevard blvd blvd. lane "
                     "ln drive dr. way place court ct square highway plaza terrace")
# Telephone numbers: "555-123-4567", "(212) 555-0198", "555.123.4567", "+44 20 7946 0958".
PHONE = re.compile(
    r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\b\d{2,4}[\s.-])\d{3,4}[\s.-]\d{4}\b"
)
# A four-digit number in this range standing alone is a year ("in 2016").
YEAR = re.compile(r"(?:1[5-9]|20)\d\d")
# Digits around a slash are a date or a name ("9/11", "24/7"), not an amount.
SLASHED = re.compile(r"\d/\d")
# A number that is 0 or 1 and nothing else: "only 1 of them" is no figure worth showing.
BARE_ONE = re.compile(r"[01](?:\.0+)?")
