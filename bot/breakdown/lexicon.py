"""Word lists the extractors share: cue verbs, anonymity markers, hedges and boosters.

The cue lemmas follow the PolNeAR training counts (``polnear-train-cue-lemmas.tsv``):
speech and report verbs are taken on their own; verbs that are as often not about
speech (think, show, find, call…) must come with a clause or a quotation.
"""

from __future__ import annotations

import re


def words(text: str) -> frozenset[str]:
    """A word list written as one whitespace-separated string."""
    return frozenset(text.split())


SPEECH_CUES = words(
    """
    say tell add write note report argue announce claim tweet explain declare
    acknowledge insist warn urge reveal state recall predict admit deny reply confirm
    remark comment respond assert contend maintain stress emphasize emphasise allege
    accuse testify caution concede complain ask promise pledge vow estimate conclude
    indicate mention repeat observe post quip joke boast brag lament charge counter
    suggest propose recommend demand answer concur disclose divulge inform advise assure
    recount retort speculate surmise threaten underscore hint whisper shout continue
    """
)
# Cues whose object and infinitive are the message: "urged Moscow to respect…".
DIRECTIVE_CUES = words(
    """
    urge ask call warn encourage implore press advise beg
    """
)
# Cues whose bare infinitive is the message: "vowed to fight…".
COMMISSIVE_CUES = words(
    """
    promise pledge vow threaten claim refuse decline agree seek intend
    """
)
# Cues that report speech only around a quotation: "…," he continued.
QUOTATION_ONLY_CUES = words(
    """
    continue
    """
)
# Verbs of thought or evidence: a cue only with a clausal complement ("X believes that…").
CLAUSAL_CUES = words(
    """
    think believe expect hope fear feel know worry show find suggest see say learn
    understand doubt predict contend suspect read rule discover determine conclude
    """
)
# Verbs that introduce reported speech of a non-person source ("a poll showed that…").
# Verbs a document or poll "says" things with: "polls show a close race".
EVIDENCE_CUES = words("show find suggest indicate reveal confirm")
EVIDENCE_SUBJECTS = words(
    """
    poll survey study report data research analysis document record memo filing letter
    statement email e-mail investigation review audit figure number census estimate
    average video footage photo image chart graph test analysis model projection
    """
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
    r"some say|many believe|it seems|there are reports|"
    r"(?:is|are|was|were|has been|have been|being) (?:widely |largely |often )?"
    r"(?:expected|accused|criticized|criticised|blamed|rated|seen|viewed|regarded|"
    r"considered|labell?ed|thought|suspected) (?:to|of|as|for)|"
    r"allegations? of|accusations? of|"
    r"came under (?:\w+ )?(?:criticism|fire)|faced (?:\w+ )?(?:criticism|ridicule|questions)|"
    r"it(?:'s|’s| is| was| should be| seems| seemed) (?:\w+ )?(?:obvious|clear|apparent|evident|"
    r"unclear)|is it clear|there (?:has|have) been (?:much |some )?speculation|"
    r"(?:has|have) been (?:\w+ly )?(?:criticized|criticised|accused)|is implicated|"
    r"(?:is|are) being debated|could be expected|"
    r"so-called|presumably)\b",
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

# Common nouns that can name a source: people, roles, bodies and documents.
SOURCE_NOUNS = words(
    """
    official source spokesman spokeswoman spokesperson representative aide adviser
    advisor expert analyst lawyer attorney president minister secretary senator governor
    mayor leader chairman chairwoman chair director chief officer agent police
    researcher scientist professor economist author writer reporter journalist editor
    group organization organisation agency company firm campaign committee department
    ministry government administration court judge jury witness resident people person
    voter critic supporter opponent member lawmaker legislator democrat republican
    candidate nominee party team staff staffer employee worker union board council
    commission office service army military force ambassador envoy diplomat prosecutor
    investigator doctor physician nurse teacher student parent mother father woman man
    friend neighbor neighbour family activist protester protestor observer insider
    veteran citizen inspector watchdog monitor authority authorities regulator bank
    network newspaper paper magazine outlet media channel station website site blog poll
    survey study report data research analysis document record memo filing letter
    statement email investigation review audit census estimate figure figures transcript
    video book article release lawsuit complaint indictment ruling order spokesmen
    officials sources experts analysts fund institute center centre association coalition
    foundation panel delegate surrogate caucus everyone someone nobody anyone slide clip
    ad advertisement story submission piece column editorial op-ed wife husband son
    daughter brother sister relative spouse widow ex-wife
    """
)
# Suffixes of English agent nouns ("lawmaker", "economist", "politician").
SOURCE_SUFFIXES = ("er", "or", "ist", "ian", "ant", "ent", "ee", "man", "woman", "men", "ers")

# Cues whose noun object is itself the reported stance ("called for tariffs", "cited the
# report", "criticized the plan"): PolNeAR annotates these as attributions too.
STANCE_CUES = words(
    """
    cite criticize criticise propose oppose endorse praise blast slam reject deny accuse
    question discuss mention announce describe demand acknowledge agree condemn denounce
    dismiss applaud blame recommend predict estimate highlight emphasize stress promise
    pledge vow welcome dispute debate
    """
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
