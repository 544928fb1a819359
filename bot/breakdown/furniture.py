"""Page furniture: what a news page wraps around the story, never part of what it says.

Photo credits and captions, related-story cards, newsletter sign-ups and privacy lines,
author bios, share bars, ads, a newsletter's greeting, bylines and date lines. A pasted
article drags them along; trafilatura leaves some of them in an extracted page.

Every rule is anchored to the shape of a line (the whole line, or its start, and a word
limit), never a phrase found anywhere in prose: "Related research shows…" or a quote that
mentions a photo is article text. Rules marked ``in_sentence`` are safe enough to mark a
single sentence inside a body line too ("… . Follow her on Twitter @jdoe."). Bios and
"this story was…" notes are only furniture at the edges of the text (`furniture_kinds`):
the same words mid-article may describe a source.

Pure data and regular expressions: linear in the text, no parsing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

FurnitureKind = Literal["credit", "related", "signup", "bio", "share", "ad", "greeting",
                        "byline", "nav", "widget"]

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_FLAGS = re.IGNORECASE | re.VERBOSE
# A person's or outlet's name: capitalised words (case-sensitive inside case-blind rules).
_NAME = r"(?-i:[A-Z][\w.'’-]*)(?:\s+(?-i:[A-Z][\w.'’-]*)){0,3}"
_SOCIAL = (r"(?:twitter|x|facebook|instagram|linkedin|threads|bluesky|tiktok|mastodon|"
           r"youtube|flipboard|whatsapp|telegram|pinterest|reddit|google\s+news)")
# Photo agencies and wire services as they appear in a credit ("Jane Doe/Getty Images").
_AGENCY = (r"(?:getty\s+images|shutterstock|istock(?:photo)?|alamy(?:\s+stock\s+photo)?|"
           r"ap\s+photo|associated\s+press|reuters|afp|epa(?:-efe)?|bloomberg|anadolu|"
           r"pa\s+(?:images|wire|media)|nurphoto|sipa(?:\s+usa)?|zuma(?:\s+press)?|imago|"
           r"dpa|xinhua|upi|depositphotos|unsplash|pexels)")
_JOURNALIST = (r"(?:reporter|writer|journalist|correspondent|editor|columnist|contributor|"
               r"producer|author|freelancer|critic|photographer|photojournalist|reviewer|"
               r"blogger|anchor|bureau\s+chief|intern)")


@dataclass(frozen=True, slots=True)
class Rule:
    kind: FurnitureKind
    pattern: re.Pattern[str]
    max_words: int  # a longer line is prose, whatever its first words
    in_sentence: bool  # may also mark one sentence inside a body line
    # Speed only, for rules that are not anchored at the line start: one of these words must
    # be in the lower-cased line, and the match must lie within its last `tail` characters.
    needles: tuple[str, ...]
    tail: int | None


def _rule(kind: FurnitureKind, pattern: str, *, max_words: int, in_sentence: bool = False,
          needles: tuple[str, ...] = (), tail: int | None = None) -> Rule:
    return Rule(kind, re.compile(pattern, _FLAGS), max_words, in_sentence, needles, tail)


# Section labels that head a list of links to other stories: the label alone on a line, or
# the label, a separator and a story title ("Related: …", "READ MORE: …", "Most read").
_RELATED_LABEL = r"""
    (?:related(?:\s+(?:articles?|stories|story|content|coverage|links?|reading|posts?|
                       videos?|news|topics?|items|searches))?
      | (?:read|see)\s+(?:more|also|next|too)
      | also\s+(?:read|see)
      | more(?:\s+(?:stories|news|coverage|articles|to\s+read|reading|like\s+this|
                   (?:from|on|about)\s+[^:|»›]{1,40}))?
      | recommended(?:\s+(?:for\s+you|stories|articles|reading|videos?|content))?
      | most\s+(?:read|popular|viewed|shared|commented|emailed|watched)
      | trending(?:\s+(?:now|stories|news|today))?
      | top\s+stories | popular\s+(?:now|stories)
      | editor['’]?s['’]?\s+picks?
      | you\s+(?:may|might|could)\s+(?:also\s+)?(?:like|enjoy|be\s+interested\s+in)
      | don['’]?t\s+miss | further\s+reading | keep\s+reading | what\s+to\s+read\s+next
      | up\s+next | latest\s+(?:news|stories|headlines) | explore\s+more)"""
# Not a dash: "More — far more — is at stake." is prose.
_SEPARATOR = r"(?::|\||»|›|>|→)"

RULES: tuple[Rule, ...] = (
    # --- photo credits and captions
    # "Photo: …", "Image credit: …", "Photograph: …", "Source: …", "Watch: …".
    _rule("credit", r"""^\(?(?:(?:photo|image|picture|video|graphic|illustration|map|chart|
        audio|file\s+photo|top\s+image|main\s+image|lead\s+image|featured\s+image)s?
        (?:\s+(?:credit|courtesy|source|by))?s? | photograph(?:s|er)? | credits? | caption
        | source | pictured | watch | listen)\s*[:|]""", max_words=40),
    # "Photo by Jane Doe", "Image provided by the Harbor Society": names only, so not
    # "Photos by the agency show the damage."
    _rule("credit", r"""^\(?(?:photo|image|picture)s?\s+(?:provided\s+)?by\s+(?:the\s+)?
        (?-i:[A-Z])[\w.'’&-]*(?:\s+(?-i:[A-Z])[\w.'’&-]*){0,4}\s*[.)]?\s*$""", max_words=10),
    # "Courtesy of the Smith family", "Photo courtesy Jane Doe": a credit with no clause.
    _rule("credit", r"""^\(?(?:(?:photo|image|picture|video)s?\s+)?courtesy(?:\s+of)?\s+
        [^.!?,;]{1,60}[.)]?\s*$""", max_words=12),
    # "Image copyright …", "Image caption …" (labels above a picture).
    _rule("credit", r"^(?:image|media|video|photo)\s+(?:copyright|caption|source)\b",
          max_words=40),
    # A caption ending in its credit: "… in Ohio. (AP Photo/Jane Doe)", "Jane Doe/Getty
    # Images", "REUTERS/Jane Doe", "Jane Doe/AFP via Getty Images". Not "a Reuters/Ipsos
    # poll" nor "an AP photo showed…": the agency must close the line, or carry a slash.
    _rule("credit", rf"""(?:[/|(]\s*{_AGENCY}
          (?:\s+(?:for|via)\s+(?-i:[A-Z])[\w&.'’ -]{{0,30}})?
        | \((?:ap|afp|epa|reuters|upi)\s+photo\b[^()]{{0,60}}
        | (?-i:\b(?:AP|AFP|EPA|UPI)\s+Photo|\b(?:REUTERS|AFP|EPA))\s*/\s*
          (?-i:[A-Z])[^/!?()]{{0,40}}
        | \((?:photo|image|picture)s?\s+(?:by|courtesy)\b[^()]{{1,60}})\)?\s*\.?\s*$""",
          max_words=60, in_sentence=True, needles=("/", "(", "|"), tail=120),
    # "[Image: …]", "[Photo]", "[Embedded video]": a placeholder for a picture.
    _rule("credit", r"""^\[(?:embedded\s+)?(?:image|photo|picture|video|graphic|gallery|
        caption|embed|audio|infographic|interactive|chart|map|slideshow)\b[^\]]*\]\s*$""",
          max_words=40, in_sentence=True),
    # --- related stories and reading lists
    _rule("related", rf"^{_RELATED_LABEL}\s*[:!.»›>→]?\s*$", max_words=8, in_sentence=True),
    _rule("related", rf"^{_RELATED_LABEL}\s*{_SEPARATOR}\s*\S", max_words=30,
          in_sentence=True),
    _rule("related", rf"^(?:read\s+)?more\s+(?:posts|articles|stories)\s+(?:by|from)\s+{_NAME}\s*$",
          max_words=10),
    # --- newsletter sign-ups and the privacy small print under them
    # "Sign up for our newsletter …", "Subscribe to our daily newsletter".
    _rule("signup", r"""^(?:sign\s*up|subscribe|register|join|get)\b[^.!?]{0,80}?
        \bnewsletters?\b""", max_words=40, in_sentence=True),
    # Second person: the page talking to the reader's inbox, not the news.
    _rule("signup", r"""\b(?:delivered|sent|straight|right|directly|direct|landing)\s+
        (?:\w+\s+)?(?:to|in|into)\s+your\s+inbox\b""", max_words=40, in_sentence=True,
          needles=("inbox",)),
    _rule("signup", r"""^by\s+(?:signing\s+up|subscribing|registering|clicking|submitting|
        entering\s+your\s+e-?mail|providing\s+your\s+e-?mail|continuing|creating\s+an\s+
        account)\b""", max_words=60, in_sentence=True),
    # "… you agree to our Terms of Use": the site's small print ("I agree to these terms,"
    # in quotation marks, is someone speaking).
    _rule("signup", r"""\byou\s+(?:hereby\s+)?(?:agree|consent)\s+to\s+our\s+
        (?:terms|privacy|cookie|user\s+agreement)""", max_words=60, in_sentence=True,
          needles=("agree", "consent")),
    _rule("signup", r"""^I\s+(?:have\s+read\s+and\s+)?(?:agree|consent)\s+to\s+the\s+
        (?:terms|privacy)""", max_words=20),
    _rule("signup", r"""^(?:we\s+(?:respect|value|take|care\s+about)\s+your\s+privacy
        | (?:you\s+(?:can|may)\s+)?unsubscribe\s+(?:at\s+any\s+time|anytime)
        | thanks?\s+(?:you\s+)?for\s+(?:signing\s+up|subscribing|registering|reading)
        | (?:\W*(?:awesome|great|success|done|yay)[,!]\s*)?you['’]re\s+(?:all\s+)?
          (?:signed\s+up|subscribed)\b
        | (?:this\s+site\s+is\s+)?protected\s+by\s+recaptcha)""",
          max_words=40, in_sentence=True),
    # A call to sign up for anything: "Sign up to get an email when …", "Subscribe to our
    # podcast here."
    _rule("signup", r"^(?:sign\s*up|subscribe)\b", max_words=25),
    # Form labels and buttons, alone on their line.
    _rule("signup", r"""^(?:sign\s*up|subscribe|register|log\s*in|sign\s*in)(?:\s+(?:now|today|
        here|for\s+free|free|to\s+\w+))?\s*[.!:]?$
        | ^(?:enter\s+)?(?:your\s+)?e-?mail(?:\s+address)?\s*[:*]?$
        | ^(?:privacy\s+(?:policy|notice|statement)|terms\s+of\s+(?:use|service)|no\s+thanks
        | cookie\s+(?:policy|settings))\s*[.:]?$""", max_words=8),
    # --- share bars and social calls
    # A line of share buttons: "Share", "Share this article", "Tweet Email Print", "Facebook
    # Twitter" (a lone network name may be a sub-head: "TikTok" in a piece on platforms).
    _rule("share", rf"""^(?=(?:share|tweet|e-?mail|print|save|copy|pin|{_SOCIAL}|comments?|\d)
        \b)(?=.*\b(?:share|tweet|e-?mail|print|save|copy|pin|comments?)\b
        |[^\s|•·,/]+(?:[\s|•·,/]+\w|,\s*$))
        (?:(?:share|tweet|email|e-mail|print|save|copy\s+link|pin\s+it|{_SOCIAL}|comments?
        |\d+\s+comments?)(?:\s+(?:this|the))?(?:\s+(?:article|story|post|page|video|link))?
        (?:\s+on\s+{_SOCIAL})?[\s|•·,/:!.-]*+)+$""", max_words=12),
    _rule("share", r"^share\s+(?:this|the)\s+(?:article|story|post|page|video|link)\b",
          max_words=20, in_sentence=True),
    # "Follow us on Twitter", "Follow Reviewed on Facebook,", "Like us on Facebook".
    _rule("share", rf"""^(?:follow|like|find|join)\s+(?:us|(?:the\s+)?{_NAME})\s+(?:on|at)\s+
        {_SOCIAL}\b""", max_words=40, in_sentence=True),
    _rule("share", r"^(?:follow|like|join)\s+us\b", max_words=25),
    _rule("share", r"""^(?:leave\s+a\s+(?:comment|reply)|view\s+(?:\d+\s+)?comments|
        show\s+comments|join\s+the\s+(?:conversation|discussion)|pin\s+it\s+for\s+later)""",
          max_words=12, in_sentence=True),
    _rule("share", r"""^if\s+you\s+(?:enjoyed|liked|found)\s+(?:this|the|my)\s+(?:article|
        post|story|piece|newsletter)""", max_words=40, in_sentence=True),
    # --- ads and the markers around them
    _rule("ad", r"""^(?:advertisement|ad|sponsored(?:\s+(?:content|links?|
        stories))?|paid\s+(?:content|post|partner(?:\s+content)?)|partner\s+content
        | promoted(?:\s+(?:content|stories))?
        | (?:story|article)\s+continues\s+(?:below|after)
          (?:\s+(?:this\s+)?ad(?:vertisement)?)?
        | continue\s+reading(?:\s+(?:the\s+main\s+story|below|after\s+(?:the\s+)?
          ad(?:vertisement)?))?
        | skip\s+(?:advertisement|ad) | scroll\s+(?:down\s+)?to\s+continue(?:\s+with\s+content)?
        | ad\s+feedback | report\s+this\s+ad | scroll\s+down\s+for\s+video)\s*[:.!]?$""",
          max_words=10, in_sentence=True),
    _rule("ad", r"^sponsored\s+by\s+[^.!?,;]{1,60}$", max_words=10),
    _rule("ad", r"""^(?:this\s+(?:post|article|page|story)\s+(?:may\s+)?contains?\s+
        affiliate\s+links | (?:we|I)\s+may\s+earn\s+(?:a\s+)?(?:small\s+)?commission)""",
          max_words=60, in_sentence=True),
    # --- a newsletter's greeting and sign-off
    # The greeting alone: "Hi everyone,", "Dear readers,", "Good morning.".
    _rule("greeting", r"""^(?:good\s+(?:morning|afternoon|evening|day)|(?:hi|hello|hey|howdy)
        (?=[\s,!.]|$)|greetings|dear\s+(?:readers?|subscribers?|friends|all|everyone)
        |happy\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|
        holidays|new\s+year))(?:\s+[\w'’]+){0,4}\s*[,.!:;—–-]*\s*$""",
          max_words=8, in_sentence=True),
    # The greeting and the writer's first words: "Hi everyone, it's Jane with today's news."
    _rule("greeting", r"""^(?:good\s+(?:morning|afternoon|evening)|hi|hello|hey)
        (?:\s+[\w'’]+){0,3}\s*[,!—–-]+\s*
        (?:here['’]?s|this\s+is|it['’]?s|i['’]?m|we['’]re)\b""",
          max_words=25, in_sentence=True),
    # "Good morning, and welcome to …", "Welcome back to the Monday briefing."
    _rule("greeting", r"""^(?:(?:good\s+(?:morning|afternoon|evening)|hi|hello|hey)
        (?:\s+[\w'’]+){0,3}\s*[,.!—–-]+\s*(?:and\s+)?welcome(?:\s+back)?\s+to\b
        | welcome(?:\s+back)?\s+to\b[^.!?]{0,80}?\b(?:newsletter|edition|briefing|issue|
        digest|round-?up|bulletin|dispatch|podcast|live\s+(?:blog|coverage|updates)|column|
        mailbag|recap)\b | welcome\s+back\s*[.!]?\s*$)""", max_words=40, in_sentence=True),
    # --- bylines, dates and reading times above the story
    # "By Jane Doe and John Roe, Associated Press", "By JANE DOE | Reuters": names and
    # connectors only (not "By Tuesday, the fire had spread.").
    # Possessive quantifiers: a long line that fails cannot make the matcher backtrack.
    _rule("byline", r"""^by\s+(?-i:[A-Z])[\w.'’-]*+
        (?:[\s,|•·—–/-]++(?:(?-i:[A-Z])[\w.'’-]*+
        |(?:and|&|for|of|the|in|at|with|staff|via|on|updated|published|a\.m\.|p\.m\.|am|pm)
        \b|\d[\d:.,]*+))*+\s*$""", max_words=20),
    # "Published February 3, 2020", "Updated 3:15 p.m. ET" (not "Updated 2020 figures
    # show that rents rose.": a date line does not end on a word and a full stop).
    _rule("byline", r"""^(?:published|updated|last\s+updated|posted|first\s+published|modified)
        (?![^\n]*[a-ln-z]\.\s*$)(?:\s+on)?\s*[:|]?\s*(?:\d
        |(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d
        |(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|an?\s+hour|yesterday|today|just\s+now)""",
          max_words=25),
    # "5 min read", "- 2 min read", "by Jane Doe—10 min read", "Reading time: 4 minutes".
    _rule("byline", r"""^[-•·*\s]*(?:\d+\s*(?:-\s*)?min(?:ute)?s?\.?\s+read|(?:estimated\s+)?
        reading\s+time\b) | \b\d+\s*min(?:ute)?s?\.?\s+read\s*$""", max_words=10,
          needles=("read", "reading")),
    # A date label alone ("Updated:", "Posted on"), or a date line with its update
    # ("August 16, 2019 - Updated July 9, 2025").
    _rule("byline", r"""^(?:published|updated|last\s+updated|posted)(?:\s+(?:at|on))?\s*:?\s*$
        | ^[\w ,.:]{0,30}\d{4}\s*[-–—|•·]\s*(?:last\s+)?(?:updated|modified)\b""",
          max_words=10),
    _rule("byline", r"""^\(?(?:(?:additional\s+)?reporting|writing|editing|compiled|
        produced)\s+by\s+(?-i:[A-Z])""", max_words=60, in_sentence=True),
    _rule("byline", r"^contribut(?:ing|ors?)\s*:", max_words=40),
    # Labels of an author box: "Written by", "Article reviewed by:".
    _rule("byline", r"""^(?:article\s+)?(?:written|reviewed|edited|fact[- ]checked|
        medically\s+reviewed)\s+by\s*:?\s*$""", max_words=5),
    # --- copyright and site widgets (older rules, kept)
    _rule("widget", r"^(?:copyright\s*(?:©|\(c\)|\d{4})|\(c\)\s*\d{4}|©)", max_words=40),
    _rule("widget", r"\ball\s+rights\s+reserved\b", max_words=40, in_sentence=True,
          needles=("rights",)),
    _rule("widget", r"""^(?:click\s+(?:here\s+)?to\s+(?:see|view|enlarge|play|watch|read)
        | (?:see|view)\s+(?:full[- ]size|larger)\s+image | do\s+you\s+like\s+this\s+content
        | donate\b | support\s+us\b)""", max_words=25),
    _rule("widget", r"consider\s+(?:helping|supporting|donating\s+to)\s+us", max_words=25,
          in_sentence=True, needles=("consider",)),
    # --- page navigation left inside the article
    _rule("nav", r"""^(?:table\s+of\s+contents|contents|on\s+this\s+page|in\s+this\s+article
        |jump\s+to(?:\s+\w+){0,3}|skip\s+to\s+(?:main\s+)?content|back\s+to\s+top)\s*[:]?$""",
          max_words=6),
)

# Notes on the story itself, above or below it: "This story was produced in partnership
# with …", "The views expressed are the author's own." Mid-article they may be reporting.
NOTE_RULES: tuple[Rule, ...] = (
    _rule("bio", r"""^this\s+(?:story|article|report|piece|post)(?:\s+about\s+[^.!?]{1,80}?)?
        \s+(?:was\s+|has\s+been\s+|first\s+|originally\s+|last\s+)+(?:published|produced|
        written|reported|updated|corrected|appeared|developed)\b""", max_words=80),
    _rule("bio", r"^the\s+(?:views|opinions)\s+expressed\b", max_words=80),
    # An interview's editing note: "This interview has been edited for length and clarity."
    _rule("bio", r"""^(?:this\s+(?:interview|conversation|transcript|q\s*&\s*a)|
        (?:the\s+)?(?:interview|conversation|responses|answers))\s+(?:has|have)\s+been
        \s+(?:lightly\s+|slightly\s+)?(?:edited|condensed)""", max_words=30),
    # A broadcast transcript's caveat: "This is a rush transcript.", "Transcripts may be
    # revised…", "Accuracy and availability of transcripts may vary."
    _rule("bio", r"""^(?:this\s+is\s+a\s+rush\s+transcript | (?:\w+\s+){0,5}transcripts?
        (?:\s+text)?\s+(?:may|might|could|will)\s+(?:vary|change|be\s+(?:revised|updated|edited)))
        """, max_words=80),
    # Affiliate disclosures: "This post contains affiliate links.", "(By using the affiliate
    # links in this post …)", "As an Amazon Associate I earn from qualifying purchases."
    _rule("ad", r"""^\(?\s*(?:(?:this|the)\s+(?:post|article|page|site|story)\s+(?:contains|
        may\s+contain|includes)\s+affiliate | by\s+(?:using|clicking)\s+(?:on\s+)?(?:the\s+|
        our\s+|my\s+|these\s+)?affiliate | as\s+an\s+amazon\s+associate
        | (?:we|i)\s+may\s+(?:earn|receive|get)\s+(?:a\s+)?(?:small\s+)?(?:commission|kick\s*back))
        """, max_words=80),
)
# Author bios close a story: "Jane Doe is a senior reporter at …", "Jane Doe covers health
# for The Gazette." Only in the block after the story: mid-article (or in a feature's lead)
# the same words introduce a source.
TAIL_RULES: tuple[Rule, ...] = (
    *NOTE_RULES,
    _rule("bio", rf"""^(?:dr\.?\s+)?{_NAME}\s+(?:is|was|has\s+been|serves\s+as)\s+
        (?:a|an|the)\b[^.!?]{{0,80}}?\b{_JOURNALIST}s?\b""", max_words=150),
    _rule("bio", rf"""^{_NAME}\s+(?:covers|writes\s+about|reports\s+on)\b[^.!?]{{0,60}}\b
        (?:for|at)\s+(?:the\s+)?(?-i:[A-Z])""", max_words=150),
    _rule("bio", r"^the\s+(?:author|writer|columnist)s?\s+(?:is|are|was)\b", max_words=150),
    # The page asking for the reader's questions, stories or support after the story: "If
    # you have any questions, …", "Do you have a story to share?", "Fill out the form
    # below", "You can also contact us at …", "If you found this post helpful, …".
    _rule("signup", r"""^(?:if\s+you\s+have\s+(?:any\s+)?(?:questions|comments|feedback|a\s+tip)
        | do\s+you\s+have\s+(?:a|an|any)\s+(?:story|tip|issue|question|problem)
        | fill\s+out\s+(?:the|our|this)\s+form | you\s+(?:can|may)?\s*(?:also\s+)?(?:may\s+)?
          (?:contact|email|e-mail|reach)\s+(?:us|me|the)\b
        | if\s+you\s+(?:found|enjoyed|liked)\s+this\s+(?:post|article|story|guide))
        """, max_words=80),
)
# Anywhere, even inside a body line: how to reach or follow the author ("Contact the author
# at …", "Email her at jdoe@…", "Follow her on Twitter @jdoe", "Twitter: @jdoe").
_CONTACT = _rule("bio", rf"""^(?:(?:contact|e-?mail|write\s+to)\s+the\s+(?:author|writer|
    reporter|journalist)s?\b
    | (?:contact|e-?mail|reach|write\s+to)\s+(?:(?:staff|senior|contributing|freelance)\s+)?
      (?:(?:writer|reporter|editor)\s+)?(?:him|her|them|{_NAME})\s+(?:at|via|on)\s+
      (?:\S+@|@\w|\+?\d[\d\ ().-]{{6,}}|{_SOCIAL}\b|\S+\.(?:com|org|net|co\.uk)\b)
    | follow\s+(?:him|her|them|me|{_NAME})\s+on\s+{_SOCIAL}\b
    | {_SOCIAL}\s*:\s*@\w+\s*$)""", max_words=40, in_sentence=True)
EDGE_LINES = 8  # how far into the text, from either end, edge rules may apply


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Rules tried in order, behind a quick test that most prose fails: one combined pattern
    for the rules anchored at the line start (one regex call at position 0 instead of
    thirty), then the few unanchored rules on their own."""

    rules: tuple[Rule, ...]
    anchored: re.Pattern[str]
    unanchored: tuple[Rule, ...]
    max_words: int


def _anchored(rule: Rule) -> bool:
    """Every branch starts with "^" (the rules with needles or a tail are the others)."""
    return rule.pattern.pattern.lstrip().startswith("^") and not (rule.needles or rule.tail)


def _rule_set(rules: Sequence[Rule]) -> RuleSet:
    combined = "|".join(f"(?:{rule.pattern.pattern})" for rule in rules if _anchored(rule))
    return RuleSet(tuple(rules), re.compile(combined, _FLAGS),
                   tuple(rule for rule in rules if not _anchored(rule)),
                   max(rule.max_words for rule in rules))


_LINE_RULES = _rule_set((*RULES, _CONTACT))
_SENTENCE_RULES = _rule_set([rule for rule in _LINE_RULES.rules if rule.in_sentence])
_NOTE_RULES = _rule_set(NOTE_RULES)
_TAIL_RULES = _rule_set(TAIL_RULES)


def word_count(text: str) -> int:
    """Words as the word limits count them: letters only ("3:15", "©", "|" are not words)."""
    return len(_WORD.findall(text))


def _matches(rule: Rule, text: str, lowered: str, words: int) -> bool:
    if words > rule.max_words or (rule.needles and not any(n in lowered for n in rule.needles)):
        return False
    return rule.pattern.search(text, max(0, len(text) - rule.tail) if rule.tail else 0) \
        is not None


def _first_match(text: str, rule_set: RuleSet) -> FurnitureKind | None:
    stripped = text.strip()
    words = word_count(stripped)
    if words > rule_set.max_words:
        return None
    lowered = stripped.lower()
    if not rule_set.anchored.match(stripped) and not any(
            _matches(rule, stripped, lowered, words) for rule in rule_set.unanchored):
        return None  # most prose: no rule can match
    return next((rule.kind for rule in rule_set.rules
                 if _matches(rule, stripped, lowered, words)), None)


def line_furniture(text: str) -> FurnitureKind | None:
    """The kind of furniture a whole line is, judged from the line alone; None for prose."""
    return _first_match(text, _LINE_RULES)


def sentence_furniture(text: str) -> FurnitureKind | None:
    """The kind of furniture one sentence of a body line is (the safest rules only)."""
    return _first_match(text, _SENTENCE_RULES)


def _looks_like_label(text: str) -> bool:
    """A headline, name or date line: short, with no sentence end. Edge walks pass it."""
    stripped = text.strip()
    return word_count(stripped) <= 12 and not stripped.endswith((".", "!", "?", "…"))


def _edge_walk(lines: Sequence[str], kinds: list[FurnitureKind | None],
               order: range, rules: RuleSet) -> None:
    """From one end, pass furniture and label lines and mark edge furniture met on the way;
    stop at the first line of prose."""
    for steps, index in enumerate(order):
        if steps >= EDGE_LINES:
            return
        if kinds[index] is not None or _looks_like_label(lines[index]):
            continue
        kinds[index] = _first_match(lines[index], rules)
        if kinds[index] is None:
            return


def furniture_kinds(lines: Sequence[str]) -> list[FurnitureKind | None]:
    """The furniture kind of every line (None for prose and blank lines).

    Notes on the story count at either end of the text, author bios after it.
    """
    kinds = [line_furniture(line) if line.strip() else None for line in lines]
    _edge_walk(lines, kinds, range(len(lines)), _NOTE_RULES)
    _edge_walk(lines, kinds, range(len(lines) - 1, -1, -1), _TAIL_RULES)
    _mark_about_section(lines, kinds)
    return kinds


# A press release's closing boilerplate: "About Greenfield Foods" alone on a line, then the
# company's standard description (and contacts) to the end.
_ABOUT_HEADING = re.compile(r"\s*(?:About|ABOUT)\s+(?:the\s+|THE\s+)?[A-Z][\w&.'’-]*"
                            r"(?:\s+[A-Z][\w&.'’-]*){0,5}\s*:?\s*")


def _mark_about_section(lines: Sequence[str], kinds: list[FurnitureKind | None]) -> None:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    for index in filled[-EDGE_LINES:]:
        if _ABOUT_HEADING.fullmatch(lines[index]):
            for later in filled[filled.index(index):]:
                kinds[later] = kinds[later] or "bio"
            return


def strip_furniture(text: str) -> str:
    """`text` without its furniture lines (for extracted pages, where rewriting is fine)."""
    lines = text.split("\n")
    kinds = furniture_kinds(lines)
    return "\n".join(line for line, kind in zip(lines, kinds, strict=True) if kind is None)
