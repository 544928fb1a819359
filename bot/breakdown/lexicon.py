"""Word lists the extractors share: cue verbs, anonymity markers, hedges and boosters.

The cue lemmas follow the PolNeAR training counts (``polnear-train-cue-lemmas.tsv``):
speech and report verbs are taken on their own; verbs that are as often not about
speech (think, show, find, call…) must come with a clause or a quotation.

Every entry sits under a comment naming the pattern of news writing it stands for.
``bench/rule_ablation.py`` measures, entry by entry, how often each one fires on the
PolNeAR training and dev articles and what removing it does to the scores.
"""

from __future__ import annotations

import re


def words(*texts: str) -> frozenset[str]:
    """A word list written as whitespace-separated strings (one per commented group)."""
    return frozenset(word for text in texts for word in text.split())


def each(template: str, fills: str) -> tuple[str, ...]:
    """One regex alternative per word: ``template`` with ``{}`` replaced by each fill."""
    return tuple(template.replace("{}", fill) for fill in fills.split())


def any_of(parts: tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive whole-word regex trying `parts` in order."""
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)


def flat(patterns: tuple[str | tuple[str, ...], ...]) -> tuple[str, ...]:
    """The regex alternatives of `patterns`, where a tuple is one pattern's spellings."""
    return tuple(p for pattern in patterns for p in ((pattern,) if isinstance(pattern, str)
                                                       else pattern))


SPEECH_CUES = words(
    # plain verbs of saying and writing: "X said / told reporters / added / wrote that…"
    "say tell add write note state remark comment mention repeat observe recall",
    # publishing channels: "the paper reported", "Trump tweeted", "she posted that…"
    "report tweet post",
    # explaining and reasoning aloud: "he explained / concluded / predicted that…"
    "explain conclude indicate predict speculate surmise hint",
    # announcing and disclosing: "the ministry announced / confirmed / revealed that…"
    "announce declare reveal disclose divulge inform confirm",
    # conceding: "she acknowledged / admitted / conceded that…"
    "acknowledge admit concede",
    # arguing a position: "X argued / insisted / maintained / stressed that…"
    "argue claim insist maintain contend assert stress emphasize emphasise underscore",
    # replies in an exchange: "he replied / responded / retorted that…"
    "reply respond answer retort counter",
    # charges and denials: "prosecutors alleged / charged", "she denied that…"
    "allege accuse charge deny testify",
    # complaint and regret: "residents complained / lamented that…"
    "complain lament",
    # agreement: "the panel concurred that…"
    "concur",
    # warnings, requests and advice: "officials warned / urged / asked / recommended…"
    "warn caution urge ask demand recommend suggest propose",
    # commitments and threats: "he promised / vowed / threatened that…"
    "promise pledge vow threaten assure",
    # manner of speaking: "she joked / boasted / whispered / shouted…"
    "quip joke boast whisper shout",
    # quotation continued after a break: "…,” he continued (see QUOTATION_ONLY_CUES)
    "continue",
)
# Cues whose object and infinitive are the message: "urged Moscow to respect…".
DIRECTIVE_CUES = words(
    # appeals and requests: "urged / asked / called on / pressed X to…"
    "urge ask call encourage implore press beg",
    # warnings and advice with an infinitive: "warned X not to…", "advised X to…"
    "warn advise",
)
# Cues whose bare infinitive is the message: "vowed to fight…".
COMMISSIVE_CUES = words(
    # commitments and threats: "pledged / promised / vowed / threatened to…"
    "promise pledge vow threaten",
    # stated intentions and aims: "agreed / sought / intends to…"
    "agree seek intend",
    # refusals: "refused / declined to comment on…"
    "refuse decline",
    # claims about oneself: "claimed to have seen…"
    "claim",
)
# Cues that report speech only around a quotation: "…," he continued.
QUOTATION_ONLY_CUES = words(
    # a speaker going on after a break: "“…,” she continued."
    "continue",
)
# Verbs of thought or evidence: a cue only with a clausal complement ("X believes that…").
CLAUSAL_CUES = words(
    # belief and opinion: "X thinks / believes / feels / suspects / doubts that…"
    "think believe feel suspect doubt",
    # expectation, hope and worry: "X expects / hopes / fears / worries that…"
    "expect hope fear worry",
    # knowledge and perception: "X knows / sees / learned / understands / read that…"
    "know see learn understand read",
    # findings and rulings: "the study showed / found", "the court ruled / determined that…"
    "show find determine rule conclude",
    # reasoning and prediction with a clause: "X suggested / predicted / contends that…"
    "suggest predict contend",
    # saying with a clause: "X said that…" (a speech cue too, which `is_cue` tests first)
    "say",
    # telling as sharing or recounting, with a clause: "the owner shared that sales had
    # doubled", "she recounted that the line was cut" (features and interviews)
    "share recount",
)
# Raising verbs of appearance: "X appears / seems / looks to be…" is the writer's own
# inference about X, not X's statement (PolNeAR annotates some as attributions; the
# breakdown must show them as the author's claims). The learned tagger's cues on these
# lemmas are dropped.
NOT_ATTRIBUTION_CUES = words(
    # appearance: "the US appears to be viewing…", "the plan seems doomed"
    "appear seem look sound",
)
# Verbs a document or poll "says" things with: "polls show a close race".
EVIDENCE_CUES = words(
    # findings of studies and records: "the survey shows / found / suggests / indicates…"
    "show find suggest indicate",
    # disclosure by documents: "the memo revealed…"
    "reveal",
)
EVIDENCE_SUBJECTS = words(
    # opinion research: "a poll / survey / census shows…"
    "poll survey census",
    # studies and inquiries: "a study / report / audit / investigation found…"
    "study report analysis audit investigation",
    # documents and messages: "a memo / letter / filing / email revealed…"
    "document record memo filing letter statement email e-mail",
    # numbers and models: "the data / figures / estimates / projections show…"
    "data figure number estimate average model projection chart graph test",
    # recordings and pictures: "the video / image shows…"
    "video image",
)

# Pronouns standing for one person: "he said" is a named person's statement.
PERSON_PRONOUNS = frozenset({"he", "she", "i", "him", "her"})
# Pronouns standing for a group or body: "they said", "it announced".
GROUP_PRONOUNS = frozenset({"they", "we", "it", "them", "us"})

# A source with any of these is unidentifiable, whatever else it names.
ANONYMITY_PATTERNS: tuple[str | tuple[str, ...], ...] = (
    # explicit namelessness: "an unnamed official", "anonymous sources"
    "unnamed", "anonymous", "unidentified", "undisclosed",
    # the generic "source(s)" and "insider(s)": "a source said", "party insiders"
    "sources?", "insiders?",
    # sources described by access: "people familiar with…", "a person close to the…"
    "familiar with", "close to the",
    # the anonymity request: "who asked not to be named", "who spoke on condition…"
    "who (?:asked|requested|declined|spoke) (?:not|on condition)",
    # not allowed to speak: "who was not authorized to discuss…"
    "not authori[sz]ed",
    # the stock phrase itself: "speaking on condition of anonymity"
    "on condition of anonymity",
)
ANONYMITY_PARTS = flat(ANONYMITY_PATTERNS)
ANONYMITY_WORDS = any_of(ANONYMITY_PARTS)

# "is / was / has been (widely) … to / of / as / for": a judgement with no one judging.
_AGENTLESS = r"(?:is|are|was|were|has been|have been|being) (?:widely |largely |often )?{} " \
    r"(?:to|of|as|for)"

# Wording that attributes a claim to nobody in particular. A tuple (from `each`) is one
# pattern in several spellings: it is kept or dropped as a whole.
VAGUE_MARKER_PATTERNS: tuple[str | tuple[str, ...], ...] = (
    # hearsay adverbs: "the minister reportedly / purportedly took…" ("allegedly",
    # "supposedly" and "presumably" doubt a claim rather than source it: they are HEDGES)
    "reportedly", "purportedly",
    # impersonal passives that hide who holds the view: "it is (widely) believed that…"
    each(r"(?:it|this|that) (?:is|was|has been|had been) (?:widely |generally |long )?{}",
         "believed said reported claimed alleged thought understood rumou?red suspected "
         "estimated known feared expected"),
    # personal passives of hearsay: "he is said / believed / reported to have…"
    each(r"(?:is|are|was|were) {} to", "said believed thought reported rumou?red alleged"),
    # "according to" an unnamed crowd: "according to reports / sources / critics"
    (*each(r"according to {}", "reports sources"), "according to media reports",
     *each(r"according to {}", "some many critics observers experts")),
    # unnamed crowds as speakers: "critics say", "some believe", "experts suggested"
    each(r"{} (?:say|said|claim|claimed|believe|suggest|suggested)",
         "reports sources critics observers experts analysts some many people"),
    # stock formulas of hearsay: "some say", "many believe", "it seems", "there are reports"
    "some say", "many believe", "it seems", "there are reports",
    # agentless expectation: "he is widely expected to…", "she is thought to…"
    each(_AGENTLESS, "expected thought"),
    # agentless accusation and blame: "she was accused of…", "he is blamed for…"
    each(_AGENTLESS, "accused criticized criticised blamed suspected"),
    # agentless evaluation: "he is widely seen / viewed / regarded as…"
    each(_AGENTLESS, "rated seen viewed regarded considered labell?ed"),
    # criticism without a critic: "faced sharp criticism / questions"
    r"faced (?:\w+ )?(?:criticism|ridicule|questions)",
    # the author's own certainty as fact: "it is clear / obvious / unclear that…"
    each(r"it(?:'s|’s| is| was| should be| seems| seemed) (?:\w+ )?{}",
         "obvious clear apparent evident unclear"),
    "is it clear",
    # agentless criticism: "the agency has been (widely) criticized / accused"
    r"(?:has|have) been (?:\w+ly )?(?:criticized|criticised|accused)",
)
VAGUE_MARKER_PARTS = flat(VAGUE_MARKER_PATTERNS)
VAGUE_MARKERS = any_of(VAGUE_MARKER_PARTS)

HEDGES = (
    # graded likelihood, intensified forms first: "highly likely", "most likely", "unlikely"
    "incredibly likely", "highly likely", "very likely", "most likely", "more likely",
    "likely", "unlikely",
    # appearance instead of fact: "appears to", "seems", "apparently"
    "appears", "appeared", "appear", "seems", "seemed", "seem", "apparently",
    # modal possibility: "may / might / could have…"
    "may", "might", "could",
    # epistemic adverbs: "possibly", "probably", "perhaps", "presumably", "arguably"
    "possibly", "probably", "perhaps", "presumably", "arguably",
    # inference: "the figures suggest…"
    "suggests", "suggest",
    # hearsay adverbs: "allegedly", "reportedly", "supposedly"
    "allegedly", "reportedly", "supposedly",
)
BOOSTERS = (
    # certainty formulas of opinion writing: "the fact of the matter is", "make no mistake"
    "the fact of the matter is", "the truth is", "make no mistake", "there is no doubt",
    "no doubt", "without a doubt", "everyone knows", "it is clear",
    # certainty adverbs: "undoubtedly", "clearly", "obviously", "certainly", "surely"
    "undoubtedly", "clearly", "obviously", "certainly", "definitely", "surely", "undeniably",
    # emphasis of a point as settled: "of course", "in fact", "indeed"
    "of course", "in fact", "indeed",
    # intensifiers: "incredibly", "entirely", "simply", "absolutely", "blatantly"
    "incredibly", "entirely", "simply", "absolutely", "blatantly", "totally", "completely",
    # absolutes: "never", "always"
    "never", "always",
)


def phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive regex for whole-word phrases, longest first."""
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ordered) + r")\b", re.I)


# Common nouns that can name a source: people, roles, bodies and documents.
SOURCE_NOUNS = words(
    # spokespeople and staff: "a spokesperson said", "an aide told…"
    "official officials spokesperson spokesmen representative aide adviser advisor staff "
    "employee worker surrogate delegate",
    # political offices: "the senator / governor / secretary said"
    "president secretary senator governor leader chairman chairwoman chair chief officer "
    "lawmaker legislator democrat republican candidate nominee ambassador envoy diplomat "
    "member",
    # experts and professions: "an analyst / economist / lawyer said"
    "expert experts analyst analysts lawyer attorney researcher scientist professor economist "
    "author writer physician nurse teacher",
    # the press: "a reporter / the newspaper / the network reported"
    "reporter journalist editor network newspaper paper magazine outlet media channel "
    "station website site blog",
    # law and order: "the prosecutor / judge / investigator said" ("police" is tagged plural)
    "agent court judge jury witness prosecutor investigator inspector",
    # bodies and institutions: "the agency / ministry / committee / union announced"
    "group organization organisation agency company firm campaign committee department "
    "ministry government administration party team union board council commission office "
    "service army military force authority authorities regulator bank fund institute center "
    "centre association coalition foundation panel caucus watchdog monitor",
    # ordinary people in the news: "residents / voters / protesters said"
    "resident people person voter critic supporter opponent student parent woman man friend "
    "neighbor neighbour activist protester protestor observer insider veteran citizen",
    # family members: "his wife / the victim's mother said", "the family said"
    "mother family wife husband son daughter brother sister relative spouse widow ex-wife",
    # unnamed sources and indefinites: "sources said", "someone / nobody told…"
    "source sources everyone someone nobody anyone",
    # documents and findings that "say" things: "the report / poll / filing says"
    "poll survey study report data research analysis record memo filing letter email "
    "investigation review audit census estimate figure figures video article release "
    "lawsuit complaint indictment order",
    # media items and opinion pieces: "the ad / column / editorial argues"
    "slide ad story piece column editorial op-ed",
)
# Suffixes of English agent nouns ("lawmaker", "economist", "politician"); they also
# cover role nouns left out above: "minister", "director", "mayor", "spokesman".
SOURCE_SUFFIXES = (
    # agents in -er/-or and their plurals: "lawmaker(s)", "governor"
    "er", "or", "ers",
    # professions and followers: "economist", "politician", "consultant", "student"
    "ist", "ian", "ant", "ent",
    # the person something is done to or for: "nominee", "appointee"
    "ee",
    # compounds of man/woman: "congressman", "spokeswoman", "congressmen"
    "man", "woman", "men",
)

# Cues whose noun object is itself the reported stance ("called for tariffs", "cited the
# report", "criticized the plan"): PolNeAR annotates these as attributions too.
STANCE_CUES = words(
    # criticism and attack: "criticized / blasted / slammed / condemned the plan"
    "criticize criticise blast slam condemn denounce blame dispute question dismiss",
    # opposition and rejection: "opposed / rejected / denied the charges"
    "oppose reject deny accuse",
    # support and praise: "endorsed / praised / welcomed / applauded the deal"
    "endorse praise welcome applaud",
    # proposals and demands: "proposed / recommended / demanded a ban"
    "propose recommend demand",
    # citing and describing: "cited the report", "described the meeting as…"
    "cite mention describe discuss debate highlight emphasize stress",
    # announcements and admissions: "announced a plan", "acknowledged the error"
    "announce acknowledge agree",
    # forecasts: "predicted / estimated a loss"
    "predict estimate",
    # commitments: "promised / vowed support"
    "promise vow",
)

# --- Speaker resolution: gender evidence for pronoun chains, names of groups and documents.

# Common given names whose bearer is usually a woman / a man (English-language news and the
# names most often met in it): a person's first name is the first evidence of which of
# "he" and "she" can refer to them. Ambiguous names (Jordan, Alex, Kim, Sam…) are left out.
FEMALE_GIVEN_NAMES = words(
    """
    mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa
    betty margaret sandra ashley kimberly emily donna michelle dorothy carol amanda melissa
    deborah stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda
    pamela emma nicole helen samantha katherine christine debra rachel carolyn janet
    catherine maria heather diane ruth julie olivia joyce virginia victoria kelly lauren
    christina joan evelyn judith megan andrea cheryl hannah jacqueline martha gloria teresa
    ann sara madison frances kathryn janice abigail alice judy sophia grace denise
    amber doris marilyn danielle beverly isabella theresa diana natalie brittany charlotte
    marie kayla alexis lori hillary hilary nikki elena elisabeth ana ines sofia
    lucia carmen rosa isabel fatima aisha amina ngozi chioma mei yuki priya sunita anita
    greta ingrid astrid birgit ursula nadia olga irina svetlana natasha
    tatiana marta agnieszka katarzyna claire sophie camille chloe louise francesca giulia
    chiara paola silvia beatriz fernanda gabriela mariana valentina daniela carla elaine
    nora molly kate katie jane jenny jill joanne eileen sheila maureen gwen wendy tammy
    ellen susana dolores pilar marisol leila yasmin zainab oksana elise
    """
)
MALE_GIVEN_NAMES = words(
    """
    james robert john michael david william richard joseph thomas charles christopher
    daniel matthew anthony mark donald steven paul andrew joshua kenneth kevin brian
    george timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan
    stephen larry justin scott brandon benjamin samuel gregory frank alexander raymond
    patrick jack dennis jerry tyler aaron jose adam nathan henry douglas zachary peter
    kyle ethan walter noah jeremy christian keith roger terry gerald harold sean austin
    carl arthur lawrence dylan jesse bryan joe billy bruce albert willie gabriel
    logan alan juan wayne roy ralph randy eugene vincent russell elijah louis bobby
    philip johnny marco ted mike chris tom tim bill bob
    jim ben dan steve rick ron ken greg karl hans klaus jurgen wolfgang heinz pierre jean-luc
    francois jacques luc marcel giuseppe giovanni luca matteo carlos miguel luis
    jorge pedro manuel diego javier pablo alejandro fernando ricardo sergio andres rafael
    ahmed mohammed muhammad ali hassan omar ibrahim yusuf mustafa tariq chidi emeka tunde
    kwame kofi vladimir dmitry sergei ivan igor nikolai boris mikhail alexei oleg piotr
    tomasz krzysztof jan lars sven erik olaf bjorn hiroshi takeshi kenji wei ravi rahul
    arjun vikram sanjay narendra rajiv amit tony harry oliver leo max hugh neil colin
    graham nigel ian gordon alistair duncan angus stuart malcolm liam connor declan
    """
)
# Nouns and honorifics that say a person is a woman / a man ("spokeswoman Ana Rivera",
# "Mrs. Keller", "the senator's husband"): gender evidence for pronoun chains.
FEMALE_WORDS = words(
    """
    ms ms. mrs mrs. miss madam madame dame lady spokeswoman chairwoman congresswoman
    councilwoman businesswoman anchorwoman stateswoman woman mother wife daughter sister
    actress widow queen princess duchess countess girl grandmother aunt niece
    """
)
MALE_WORDS = words(
    """
    mr mr. sir lord spokesman chairman congressman councilman businessman anchorman
    statesman man father husband son brother actor widower king prince duke boy
    grandfather uncle nephew
    """
)
# Nouns by which an article refers back to an organisation it has named ("Northwind Ltd …
# the company said"): a definite "the company" is that organisation, not an anonymous one.
ORGANISATION_NOUNS = words(
    """
    company firm group agency ministry department foundation institute university bank
    party union council committee commission organization organisation association
    center centre network newspaper paper magazine channel station campaign court board
    fund charity corporation business retailer carrier airline manufacturer maker insurer
    lender broadcaster publisher regulator watchdog administration government office
    """
)
# Name endings of companies ("Northwind Ltd", "Acme Corp."): such an organisation is what
# "the company" or "the firm" refers back to ("Group" is left out: a "Hartley Research
# Group" or a "Water Study Group" is no company).
CORPORATE_SUFFIXES = words(
    """
    ltd ltd. inc inc. corp corp. co co. llc plc gmbh ag sa s.a. nv n.v. holdings
    limited incorporated corporation company
    """
)
# Nouns that a company is spoken of as ("the company", "the firm"): any organisation with
# a corporate name ending fits them.
COMPANY_NOUNS = words(
    """
    company firm business corporation retailer carrier airline manufacturer maker insurer
    lender broadcaster publisher group
    """
)
# Verbs that report speech only with "it" as their object: "as one senator put it",
# "the mayor put it this way: …".
IT_OBJECT_CUES = words("put")
# Roles of a byline, not of a source: "Jane Doe, staff writer" above an article's first
# paragraph does not make that paragraph her statement.
BYLINE_ROLES = words(
    """
    writer reporter correspondent editor staff contributor columnist journalist
    photographer byline
    """
)
# "issued the following statement:", "made these remarks:", "has a simple rule:": a verb
# of giving out (or having) words with such a noun (or a SAYING_NOUNS one) as its object
# introduces a statement.
STATEMENT_VERBS = words("issue make release give offer post send deliver provide have")
STATEMENT_NOUNS = words(
    "statement comment comments remark remarks response message note tweet post reply "
    "explanation"
)
# Nouns for what someone says, as a label before a colon: "Her verdict: …", "Ortiz's
# advice: …", "His answer: …" (features and profiles).
SAYING_NOUNS = words(
    "verdict advice answer message view take reply response warning prediction promise "
    "argument point conclusion explanation assessment plea",
    # rules to live by: "she has a simple rule: …", "his motto: …"
    "rule motto mantra slogan",
)
# Nouns of opinion that frame a source's view: "in the view of X, …", "in X's opinion, …",
# "in her estimation, …".
VIEW_NOUNS = words("view opinion estimation judgment judgement assessment eyes")
# Section labels that open a headline or a line with a colon, naming the kind of piece
# or an editor's note rather than a speaker: "Analysis: …", "Breaking: …", "Watch: …",
# "Correction: …", "Live updates: …".
HEADLINE_KICKERS = words(
    # kinds of piece and formats
    "analysis opinion editorial commentary column review explainer factbox fact check "
    "interview podcast video videos photos watch listen live updates update updated "
    "exclusive breaking developing latest recap timeline preview quiz",
    # editors' notes and page furniture
    "correction corrections clarification note editor editors disclosure related "
    "read more see also sponsored advertisement",
)
# Conjunctions that make a cue's clause subordinate: in "While Jeffrey called them
# mercenaries, the transcript has not been released" the cue governs only its own clause
# ("as", which also introduces "as he said, …", is not one of them).
SUBORDINATING_MARKS = words(
    "while although though whereas because since unless if when whenever after before "
    "once until"
)
# Pronouns that stand for nobody in particular: "someone said", "others argue", "those close
# to him say". Such a source is vague, unlike "he" or "they", which refer to someone named.
INDEFINITE_PRONOUNS = words(
    """
    someone somebody anyone anybody everyone everybody nobody none some many most few
    several others other all both each either neither those these one
    """
)
# Verbs of loud or emphatic speaking, reported like "said": "the mayor yelled: “Get out!”",
# "the crowd chanted “No more wars”".
MANNER_OF_SPEAKING_CUES = words("yell scream exclaim chant cry")
