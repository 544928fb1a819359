"""Word lists the extractors share: cue verbs, anonymity markers, hedges and boosters.

The cue lemmas follow the PolNeAR training counts (``polnear-train-cue-lemmas.tsv``):
speech and report verbs are taken on their own; verbs that are as often not about
speech (think, show, find, call…) must come with a clause or a quotation.
"""

from __future__ import annotations

import re

SPEECH_CUES = frozenset(
    """say tell add write note report argue announce claim tweet explain declare acknowledge
    insist warn urge reveal state recall predict admit deny reply confirm remark comment
    respond assert contend maintain stress emphasize emphasise allege accuse testify caution
    concede complain ask promise pledge vow estimate conclude indicate mention repeat observe
    post quip joke boast brag lament charge counter suggest propose recommend demand answer
    describe question criticize criticise blast slam praise defend dismiss reject concur
    disclose divulge inform advise assure explain recount relate retort speculate surmise
    tout threaten underscore point continue hint whisper shout write cite""".split()
)
# Verbs of thought or evidence: a cue only with a clausal complement ("X believes that…").
CLAUSAL_CUES = frozenset(
    """think believe expect hope fear feel know worry show find suggest see say learn
    understand doubt predict contend""".split()
)
# Verbs that introduce reported speech of a non-person source ("a poll showed that…").
EVIDENCE_SUBJECTS = frozenset(
    """poll survey study report data research analysis document record memo filing letter
    statement email e-mail investigation review audit figure number census estimate""".split()
)

PERSON_PRONOUNS = frozenset({"he", "she", "i", "him", "her"})
GROUP_PRONOUNS = frozenset({"they", "we", "it", "them", "us"})

# A source with any of these is unidentifiable, whatever else it names.
ANONYMITY_WORDS = re.compile(
    r"\b(?:unnamed|anonymous|unidentified|undisclosed|sources?|insiders?|"
    r"familiar with|close to the|who (?:asked|requested|declined|spoke) (?:not|on condition)|"
    r"not authori[sz]ed|on condition of anonymity)\b",
    re.IGNORECASE,
)

# Wording that attributes a claim to nobody in particular.
VAGUE_MARKERS = re.compile(
    r"\b(?:reportedly|allegedly|purportedly|supposedly|rumou?red|"
    r"(?:it|this|that) (?:is|was|has been|had been) (?:widely |generally |long )?"
    r"(?:believed|said|reported|claimed|alleged|thought|understood|rumou?red|suspected|"
    r"estimated|known|feared|expected)|"
    r"(?:is|are|was|were) (?:said|believed|thought|reported|rumou?red|alleged) to|"
    r"according to (?:reports|sources|media reports|some|many|critics|observers|experts)|"
    r"(?:reports|sources|critics|observers|experts|analysts|some|many|people) "
    r"(?:say|said|claim|claimed|believe|suggest|suggested)|"
    r"some say|many believe|it seems|there are reports)\b",
    re.IGNORECASE,
)

HEDGES = (
    "incredibly likely", "highly likely", "very likely", "most likely", "more likely",
    "likely", "unlikely", "appears", "appeared", "appear", "seems", "seemed", "seem",
    "apparently", "may", "might", "could", "possibly", "probably", "perhaps", "presumably",
    "arguably", "suggests", "suggest", "allegedly", "reportedly", "supposedly",
)
BOOSTERS = (
    "the fact of the matter is", "the truth is", "make no mistake", "there is no doubt",
    "no doubt", "without a doubt", "undoubtedly", "clearly", "obviously", "incredibly",
    "certainly", "definitely", "of course", "in fact", "indeed", "surely", "everyone knows",
    "it is clear", "entirely", "simply", "absolutely", "undeniably", "blatantly", "totally",
    "completely", "never", "always",
)


def phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive regex for whole-word phrases, longest first."""
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ordered) + r")\b", re.I)
