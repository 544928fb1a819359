"""News layouts of "who said what": each on a short made-up text.

Every test checks the quotes of `analyze(text)` (speaker, kind, content) and that the
attributed statement is not listed among the unattributed claims.
"""

from __future__ import annotations

import functools

import pytest

from bot.breakdown import Breakdown, Quote, analyze

PRONOUNS = {"he", "she", "him", "her", "they", "them", "it", "i", "we", "you"}


@functools.cache
def _analyze(text: str) -> Breakdown:
    return analyze(text)


def quote_with(text: str, words: str) -> Quote:
    """The one quote whose content contains `words`."""
    (quote,) = [q for q in _analyze(text).quotes if words in q.content]
    return quote


def assert_not_a_claim(text: str, words: str) -> None:
    claims = [c.text for c in _analyze(text).claims if words in c.text]
    assert claims == [], f"listed as a claim: {claims}"


# --------------------------------------------------------------------------- interviews

INTERVIEW = (
    "The council met on Tuesday to vote on the new water plan.\n\n"
    "Maria Okafor, head of research at the Lagos Institute\n\n"
    "\"We have measured the river for ten years. The levels are falling faster than "
    "anyone expected, and the plan does nothing about it.\"\n\n"
    "Tom Becker, a farmer from the valley\n\n"
    "The water is the only thing that keeps us here. Without it, the farms will close "
    "within a decade.\n"
)


def test_interview_block_with_quotation_marks() -> None:
    quote = quote_with(INTERVIEW, "measured the river")
    assert quote.speaker == "Maria Okafor"
    assert quote.role == "head of research at the Lagos Institute"
    assert quote.kind == "direct" and not quote.anonymous
    assert quote.content.startswith("We have measured the river")
    assert quote.content.endswith("does nothing about it.")
    assert_not_a_claim(INTERVIEW, "measured the river")
    assert_not_a_claim(INTERVIEW, "levels are falling")


def test_interview_block_without_quotation_marks() -> None:
    quote = quote_with(INTERVIEW, "keeps us here")
    assert (quote.speaker, quote.role) == ("Tom Becker", "a farmer from the valley")
    assert quote.kind == "direct"
    assert quote.content == ("The water is the only thing that keeps us here. Without it, "
                             "the farms will close within a decade.")
    assert_not_a_claim(INTERVIEW, "farms will close")


@pytest.mark.parametrize("line", [
    "Jane Doe, staff writer",  # a byline
    "Jane Doe, who runs the lab, spoke first.",  # a sentence, not a name-and-role line
])
def test_bylines_and_sentences_are_not_interview_lines(line: str) -> None:
    text = (f"The council met on Tuesday.\n\n{line}\n\n"
            "The bridge over the river will close for repairs in the spring.\n")
    assert [q for q in _analyze(text).quotes if "bridge over" in q.content] == []


# --------------------------------------------------------------------------- long quotations


@pytest.mark.parametrize("text", [
    "“The bridge is safe. We checked every bolt. There is nothing to fear,” said Ana "
    "Rivera, the city engineer.",
    "“The bridge is safe. We checked every bolt. There is nothing to fear,” Ana Rivera "
    "said.",
])
def test_quotation_over_several_sentences_before_its_speaker(text: str) -> None:
    (quote,) = _analyze(text).quotes
    assert quote.speaker == "Ana Rivera" and quote.kind == "direct"
    assert quote.content.startswith("The bridge is safe.")
    assert "We checked every bolt." in quote.content
    assert quote.content.rstrip(",") .endswith("There is nothing to fear")
    assert _analyze(text).claims == ()


def test_long_quotation_with_a_pronoun_for_its_speaker() -> None:
    text = ("Ana Rivera, the city engineer, spoke on Monday.\n\n"
            "“The bridge is safe. We checked every bolt. There is nothing to fear,” she said.")
    quote = quote_with(text, "every bolt")
    assert quote.speaker == "Ana Rivera" and quote.role == "the city engineer"
    assert quote.content.startswith("The bridge is safe.") and "nothing to fear" in quote.content
    assert_not_a_claim(text, "bridge is safe")


# --------------------------------------------------------------------------- colons


@pytest.mark.parametrize(("text", "speaker", "content"), [
    ("The city has too many roads. Mayor Ana Rivera put it this way: “We cannot keep "
     "paying for roads we do not use.”", "Ana Rivera",
     "We cannot keep paying for roads we do not use."),
    ("In the words of the finance minister, Karl Huber: “The budget is balanced for the "
     "first time in twenty years.”", "Karl Huber",
     "The budget is balanced for the first time in twenty years."),
    ("As Ana Rivera wrote: the city needs more buses and fewer parking lots.", "Ana Rivera",
     "the city needs more buses and fewer parking lots."),
    ("Northwind Ltd said in a statement: “All depots will reopen on Monday after the "
     "repairs.”", "Northwind Ltd", "All depots will reopen on Monday after the repairs."),
    ("The new tax is unfair, as Karl Huber put it: “a tax on every working family in the "
     "country.”", "Karl Huber", "a tax on every working family in the country."),
])
def test_colon_introductions(text: str, speaker: str, content: str) -> None:
    quote = quote_with(text, content[:20])
    # Unquoted, the final stop is the writer's or the speaker's alike.
    assert (quote.speaker, quote.content.rstrip(".")) == (speaker, content.rstrip("."))
    assert not quote.anonymous
    if "“" in text:
        assert quote.kind == "direct"
    assert_not_a_claim(text, content[:20])


def test_colon_ending_its_line_introduces_the_next_paragraph() -> None:
    text = ("Northwind Ltd said in a statement:\n\n"
            "“All depots will reopen on Monday after the repairs.”")
    (quote,) = _analyze(text).quotes
    assert (quote.speaker, quote.kind) == ("Northwind Ltd", "direct")
    assert quote.content == "All depots will reopen on Monday after the repairs."
    assert _analyze(text).claims == ()  # the introduction is not the author's claim


def test_in_the_words_of_names_the_role_too() -> None:
    text = ("In the words of the finance minister, Karl Huber: “The budget is balanced for "
            "the first time in twenty years.”")
    assert quote_with(text, "budget").role == "the finance minister"


def test_as_someone_put_it_after_the_quotation() -> None:
    text = "The new tax is “a tax on every working family,” as Karl Huber put it."
    quote = quote_with(text, "working family")
    assert (quote.speaker, quote.cue, quote.kind) == ("Karl Huber", "put", "direct")


def test_a_quotation_in_the_paragraph_before_is_not_beside_the_cue() -> None:
    text = ("Karl Huber said: “We will not raise taxes this year or next.”\n\n"
            "As Ana Rivera wrote: the city needs more buses and fewer parking lots.")
    assert quote_with(text, "raise taxes").speaker == "Karl Huber"
    assert quote_with(text, "more buses").speaker == "Ana Rivera"


# --------------------------------------------------------------------------- told, wrote, added

RIVERA = (
    "Ana Rivera is the city engineer. “The bridge needs new cables before winter,” Ana "
    "Rivera told the Gazette.\n\n"
    "“The money has already been set aside for the work,” Rivera added.\n\n"
    "Rivera wrote in a blog post that the repairs would take three months.\n\n"
    "The delays were not the fault of her team, she told reporters.\n\n"
    "Rivera told the council that the work would start in May.\n"
)


@pytest.mark.parametrize(("words", "cue", "kind"), [
    ("needs new cables", "told", "direct"),
    ("already been set aside", "added", "direct"),
    ("the repairs would take three months", "wrote", "indirect"),
    ("The delays were not the fault of her team", "told", "indirect"),
    ("the work would start in May", "told", "indirect"),
])
def test_told_wrote_added_in_every_position(words: str, cue: str, kind: str) -> None:
    quote = quote_with(RIVERA, words)
    assert (quote.speaker, quote.cue, quote.kind) == ("Ana Rivera", cue, kind)
    assert words in quote.content
    assert_not_a_claim(RIVERA, words)


def test_attribution_in_the_middle_of_an_unquoted_sentence() -> None:
    text = ("Ana Rivera spoke on Monday.\n\n"
            "The money is there, Rivera added, and the work on the bridge will start in May.")
    quote = quote_with(text, "The money is there")
    assert (quote.speaker, quote.cue, quote.kind) == ("Ana Rivera", "added", "indirect")
    assert quote.content.endswith("the work on the bridge will start in May")
    assert_not_a_claim(text, "The money is there")


# --------------------------------------------------------------------------- documents, companies

SOURCES = (
    "A survey by the Hartley Foundation found that most parents want longer school days.\n\n"
    "The results were published on Monday. The survey also found that few teachers agree "
    "with the parents.\n\n"
    "Northwind Ltd, a shipping firm based in Hull, lost money last year. The company said "
    "on Monday that it would close two depots.\n\n"
    "A study found that coffee is good for the heart. Officials said the results were "
    "encouraging. Sources said the ministry would act soon.\n"
)


@pytest.mark.parametrize(("words", "speaker"), [
    ("most parents want longer school days", "Hartley Foundation survey"),
    ("few teachers agree with the parents", "Hartley Foundation survey"),
    ("it would close two depots", "Northwind Ltd"),
])
def test_documents_and_companies_the_text_names(words: str, speaker: str) -> None:
    quote = quote_with(SOURCES, words)
    assert (quote.speaker, quote.anonymous, quote.kind) == (speaker, False, "indirect")
    assert quote.content == words
    assert_not_a_claim(SOURCES, words)


@pytest.mark.parametrize(("words", "speaker"), [
    ("coffee is good for the heart", "A study"),
    ("the results were encouraging", "Officials"),
    ("the ministry would act soon", "Sources"),
])
def test_sources_nobody_can_identify_stay_anonymous(words: str, speaker: str) -> None:
    quote = quote_with(SOURCES, words)
    assert (quote.speaker, quote.anonymous) == (speaker, True)
    (claim,) = [c for c in _analyze(SOURCES).claims if words in c.text]
    assert claim.kind == "vague"


def test_the_company_with_no_company_named_stays_anonymous() -> None:
    text = "The company said on Monday that it would close two of its depots."
    (quote,) = _analyze(text).quotes
    assert quote.anonymous


def test_a_generic_organisation_name_is_no_referent() -> None:
    text = ("The Bank opened a branch in the town.\n\n"
            "The bank said on Monday that it would close two of its branches.")
    assert quote_with(text, "close two").speaker != "Bank"


# --------------------------------------------------------------------------- pronoun chains

CHAIN = (
    "Ana Rivera, the city engineer, inspected the bridge on Monday. Tom Becker, who runs "
    "the union, was with her.\n\n"
    "“The cables are old,” she said.\n\n"
    "Becker was less sure. “Nobody has told us where the money comes from,” he said.\n\n"
    "The council will vote next week. She told reporters she expected the vote to pass.\n\n"
    "He said the union would wait for the vote.\n"
)


@pytest.mark.parametrize(("words", "speaker"), [
    ("The cables are old", "Ana Rivera"),
    ("Nobody has told us", "Tom Becker"),
    ("she expected the vote to pass", "Ana Rivera"),
    ("the union would wait for the vote", "Tom Becker"),
])
def test_pronouns_resolve_by_gender_across_paragraphs(words: str, speaker: str) -> None:
    quote = quote_with(CHAIN, words)
    assert quote.speaker == speaker and not quote.anonymous
    assert_not_a_claim(CHAIN, words)


def test_a_name_inside_the_quotation_is_not_the_pronouns_referent() -> None:
    text = ("Tom Becker spoke after the vote.\n\n"
            "“If Karl Huber wins the next election, the union will strike,” he said.")
    assert quote_with(text, "union will strike").speaker == "Tom Becker"


def test_honorific_tells_the_gender_of_an_unknown_given_name() -> None:
    text = ("Ms. Okonkwo and Mr. Adeyemi met the press on Friday.\n\n"
            "“We will appeal the ruling,” she said. “The court got it wrong,” he said.")
    assert quote_with(text, "appeal the ruling").speaker == "Okonkwo"
    assert quote_with(text, "got it wrong").speaker == "Adeyemi"


def test_unresolved_pronoun_is_never_a_bare_speaker() -> None:
    text = "“We are ready for the storm and the roads are clear,” she said."
    (quote,) = _analyze(text).quotes
    assert quote.speaker.lower() not in PRONOUNS
    assert quote.speaker == "unresolved “she”"
    assert quote.content.startswith("We are ready")


def test_first_person_outside_quotation_marks_is_the_author() -> None:
    text = "I think that the new bridge is a waste of public money."
    (quote,) = _analyze(text).quotes
    assert quote.speaker == "the author (“I”)"


# --------------------------------------------------------------------------- name variants

VARIANTS = (
    "Ms. Rivera spoke first. “The bridge is safe,” Ana Rivera said.\n\n"
    "“We checked every cable,” Dr. Rivera added.\n\n"
    "Rivera wrote in a blog post that the repairs would take three months.\n\n"
    "“It was a long year,” Ms. Rivera told the Gazette.\n"
)


def test_name_variants_are_one_speaker() -> None:
    quotes = _analyze(VARIANTS).quotes
    assert len(quotes) == 4
    assert {q.speaker for q in quotes} == {"Ana Rivera"}
    assert {q.role for q in quotes} == {None}  # "Dr." is a title, not a role


def test_name_variants_when_the_tagger_misses_the_person() -> None:
    # "Rivera" alone is often tagged as a place; the given name makes "Ana Rivera" a person.
    text = ("“The bridge needs new cables,” Ana Rivera told the Gazette.\n\n"
            "“The money is there,” Rivera added. “The cables are old,” she said.")
    assert {q.speaker for q in _analyze(text).quotes} == {"Ana Rivera"}


def test_two_people_with_one_surname() -> None:
    text = ("Maria Keller and Tom Keller visited the school on Monday.\n\n"
            "“Teachers deserve better pay,” Mrs. Keller said.\n\n"
            "“The school has done well,” Mr. Keller said.")
    assert quote_with(text, "better pay").speaker == "Maria Keller"
    assert quote_with(text, "done well").speaker == "Tom Keller"


# --------------------------------------------------------------------------- headlines

@pytest.mark.parametrize(("headline", "speaker", "words"), [
    ("Harris: We Will Not Back Down on the Water Plan", "Harris", "Back Down"),
    ("Poll: Wealthy Voters Turn Away From the Incumbent Party", "Poll", "Wealthy Voters"),
], ids=["person", "poll"])
def test_a_headline_names_who_says_it_before_a_colon(headline: str, speaker: str,
                                                     words: str) -> None:
    text = f"{headline}\n\nThe governor spoke to farmers in Fresno on Tuesday about the drought."
    quote = quote_with(text, words)
    assert (quote.speaker, quote.cue) == (speaker, ":")


def test_a_headline_may_end_with_its_source() -> None:
    text = ("Clean Energy Deal Is Within Reach, Senator Lena Ortiz Says\n\n"
            "The senator spoke to reporters in the capital on Friday about the bill.")
    quote = quote_with(text, "Clean Energy Deal")
    assert (quote.speaker, quote.cue, quote.content) == (
        "Senator Lena Ortiz", "says", "Clean Energy Deal Is Within Reach")


@pytest.mark.parametrize(("headline", "speaker", "content"), [
    ("Railing Against the Plan, Ortiz Vows to Block the Road Budget", "Ortiz",
     "to Block the Road Budget"),
    ("New Poll Shows a Small Bump for the Governor", "New Poll",
     "a Small Bump for the Governor"),
], ids=["person-vows", "poll-shows"])
def test_a_headline_with_its_source_and_cue_verb(headline: str, speaker: str,
                                                 content: str) -> None:
    text = f"{headline}\n\nThe council met on Monday to discuss the budget for next year."
    quote = quote_with(text, content)
    assert quote.speaker.endswith(speaker)


def test_a_headline_verb_without_a_source_is_not_a_quote() -> None:
    text = ("How the City Shows Its Love for Old Buildings\n\n"
            "The council met on Monday to discuss the budget for next year.")
    assert not [q for q in _analyze(text).quotes if "Love" in q.content]


@pytest.mark.parametrize("headline", [
    "Analysis: The Long Road to a Budget Deal in the Capital",
    "Live Updates: Storm Reaches the Coast Overnight",
    "Correction: An Earlier Version Misstated the Date",
])
def test_a_section_label_before_a_colon_is_not_a_speaker(headline: str) -> None:
    text = f"{headline}\n\nLawmakers met again on Monday to discuss the budget."
    assert _analyze(text).quotes == ()


def test_a_transcript_quoted_whole_keeps_its_speaker_labels() -> None:
    text = ("The governor answered questions on a radio show on Tuesday.\n\n"
            "\"TRENT: So what happens to the water plan next?\n\n"
            "\"HARRIS: We keep building, and we finish the canal by spring.\n")
    assert quote_with(text, "what happens").speaker == "Trent"
    assert quote_with(text, "We keep building").speaker == "Harris"


def test_a_transcripts_own_journalists_narrate_rather_than_speak() -> None:
    text = ("A town votes on a new library.\n\n"
            "MARA VELL, HOST:\nThe vote is on Tuesday, and the debate is loud.\n\n"
            "OTTO KRANZ, BYLINE: The hall is full an hour early.\n\n"
            "KRANZ: Most people here are parents. One of them says the old building leaks.\n\n"
            "DELIA FROST: We need a roof that keeps the books dry.\n\n"
            "UNIDENTIFIED PERSON #1: Vote yes!\n")
    speakers = {q.speaker for q in _analyze(text).quotes}
    assert "Kranz" not in speakers and "Otto Kranz" not in speakers
    assert quote_with(text, "keeps the books dry").speaker == "Delia Frost"
    unnamed = quote_with(text, "Vote yes")
    assert unnamed.anonymous


# ------------------------------------------------------------------ clauses around a cue

def test_two_cue_verbs_of_one_source_are_two_statements() -> None:
    text = ("The senator said the bill would pass easily and also warned colleagues not to "
            "delay the vote any longer.")
    first = quote_with(text, "the bill would pass easily")
    second = quote_with(text, "not to delay the vote")
    assert (first.speaker, first.cue) == ("The senator", "said")
    assert (second.speaker, second.cue) == ("The senator", "warned")
    assert "warned" not in first.content


def test_a_cue_in_a_subordinate_clause_reports_only_that_clause() -> None:
    text = ("While the minister called them volunteers, the full transcript of the briefing "
            "has not been released.")
    assert not [q for q in _analyze(text).quotes if "transcript" in q.content]


def test_a_clause_describing_the_source_is_not_a_cue() -> None:
    text = "Officials who asked not to be named said the talks had stalled over the weekend."
    quote = quote_with(text, "the talks had stalled")
    assert quote.cue == "said"
    assert "asked" not in quote.content


def test_a_short_quotation_is_still_a_statement() -> None:
    text = ("Ana watched the count on television with her brother Tom.\n\n"
            "“We did it,” he said.\n\n“Not yet,” Ana said.")
    assert quote_with(text, "We did it").speaker == "Tom"
    assert quote_with(text, "Not yet").speaker == "Ana"
    assert_not_a_claim(text, "We did it")


# ------------------------------------------------------------------ not statements at all

def test_the_writers_and_readers_wishes_are_not_quotes() -> None:
    text = ("I have always loved small cameras, and I want one that fits in a coat pocket. "
            "If you want sharper photos, the newer model is a safe choice. "
            "I told the shop owner that the price was too high.\n")
    speakers = [(q.speaker, q.cue) for q in _analyze(text).quotes]
    assert all("love" not in cue and "want" not in cue for _, cue in speakers)
    assert quote_with(text, "the price was too high").cue == "told"


def test_things_that_act_are_not_sources() -> None:
    text = ("Meditation offers a counterbalance to a noisy week, and the habit takes only "
            "ten minutes. The cheaper machine learns to sort the mail within a month. "
            "Several recent deals point to consolidation among small lenders.\n")
    speakers = {q.speaker.lower() for q in _analyze(text).quotes}
    assert not speakers & {"meditation", "the habit", "the cheaper machine"}


# ------------------------------------------------------------------ a source's point of view

@pytest.mark.parametrize(("sentence", "speaker"), [
    ("The way Dana Fields sees it, the new plan will cost the city more than it saves.",
     "Dana Fields"),
    ("As Tom Berg sees it, the vote on the new plan was rushed.", "Tom Berg"),
    ("In the view of Ana Lopez, the budget for the new plan is too small.", "Ana Lopez"),
    ("In Lopez's opinion, the budget for the new plan is too small.", "Lopez"),
], ids=["the-way-x-sees-it", "as-x-sees-it", "in-the-view-of", "in-xs-opinion"])
def test_a_named_persons_view_is_theirs_not_a_claim(sentence: str, speaker: str) -> None:
    text = f"The council voted on Monday.\n\n{sentence}"
    (quote,) = _analyze(text).quotes
    assert quote.speaker.endswith(speaker)
    assert_not_a_claim(text, "new plan")


def test_the_writers_own_view_stays_a_claim() -> None:
    text = "The council voted on Monday.\n\nIn my view, the budget for the new plan is too small."
    assert _analyze(text).quotes == ()
    assert [c.text for c in _analyze(text).claims if "new plan" in c.text]


# ------------------------------------------------------------------ names after descriptions

@pytest.mark.parametrize(("sentence", "speaker"), [
    ("Business advisory firm Riveron said the sale would close by June.", "Riveron"),
    ("Local events company co-owner Erica Vanco said bookings were up this spring.",
     "Erica Vanco"),
], ids=["organisation-after-its-description", "person-after-a-long-title"])
def test_the_name_after_a_description_is_the_speaker(sentence: str, speaker: str) -> None:
    text = f"The shop reopened in May.\n\n{sentence}"
    (quote,) = _analyze(text).quotes
    assert quote.speaker == speaker
    assert not quote.anonymous
    assert_not_a_claim(text, "said")


def test_a_surname_label_of_a_person_named_in_full_elsewhere() -> None:
    text = ("Ortiz: The city needs to stop patching roads and start rebuilding them.\n\n"
            "Council member Lena Ortiz spoke at a town hall on Friday.")
    quote = quote_with(text, "stop patching roads")
    assert (quote.speaker, quote.cue) == ("Lena Ortiz", ":")
    assert_not_a_claim(text, "stop patching roads")


def test_a_saying_noun_label_gives_the_owner_as_speaker() -> None:
    text = ("The bakery reopened in May under its owner, Dana Fields.\n\n"
            "Her verdict: the new ovens are worth every penny.\n\n"
            "My advice: the rye bread sells out early on Saturdays.")
    quote = quote_with(text, "worth every penny")
    assert (quote.speaker, quote.cue) == ("Dana Fields", "verdict")
    assert_not_a_claim(text, "worth every penny")
    assert not [q for q in _analyze(text).quotes if "rye bread" in q.content]


# ------------------------------------------------------------------ Q&A interviews

QA_INTERVIEW = (
    "Talking Bees With a Field Biologist\n\n"
    "Dr. Amara Okafor has spent twelve years counting wild bees. We spoke with her about "
    "what she has found.\n\n"
    "Q: How bad is the decline?\n\n"
    "A: It depends on the species. Bumblebees have lost a third of their range, but some "
    "sweat bees are doing fine.\n\n"
    "Q: What can readers do?\n\n"
    "A: Leave part of your lawn unmowed. It sounds small, but across a town it adds up.\n\n"
    "This interview has been edited for length and clarity.\n"
)


def test_answers_of_a_q_and_a_are_the_interviewees() -> None:
    answers = [q for q in _analyze(QA_INTERVIEW).quotes if q.cue == "(answer)"]
    assert [q.speaker for q in answers] == ["Amara Okafor", "Amara Okafor"]
    assert answers[0].content.startswith("It depends on the species.")
    assert answers[1].content.endswith("it adds up.")
    for words in ("Bumblebees have lost", "Leave part of your lawn", "edited for length"):
        assert_not_a_claim(QA_INTERVIEW, words)


def test_a_line_starting_with_a_capital_a_is_no_answer_without_questions() -> None:
    text = ("The council met on Monday.\n\n"
            "A: the meeting ran late because the budget vote was delayed twice.\n")
    assert not [q for q in _analyze(text).quotes if q.cue == "(answer)"]


# ------------------------------------------------------------------ embedded posts

def test_an_embedded_post_is_its_authors_statement() -> None:
    text = ("Senator Maria Gomez criticized the airline on Monday.\n\n"
            "Families were stranded for days. The airline owes every one of them a refund.\n"
            "— Maria Gomez (@SenGomez) December 26, 2023\n\n"
            "The airline's shares fell 6 percent on Tuesday.\n")
    quote = quote_with(text, "Families were stranded")
    assert (quote.speaker, quote.cue) == ("Maria Gomez", "(post)")
    assert quote.content.endswith("a refund.")
    assert_not_a_claim(text, "Families were stranded")
    assert_not_a_claim(text, "owes every one of them")


def test_the_airline_is_the_airline_named_before() -> None:
    text = ("Skyway Airlines canceled 2,000 flights over the weekend.\n\n"
            "\"We are deeply sorry,\" the airline said in a statement.\n")
    quote = quote_with(text, "deeply sorry")
    assert (quote.speaker, quote.anonymous) == ("Skyway Airlines", False)


@pytest.mark.parametrize(("sentence", "speaker"), [
    ("Walkers had a 30 percent lower risk, according to a study published on Wednesday in "
     "the journal Circulation.", "Circulation study"),
    ("Walkers had a 30 percent lower risk, according to a report released by the Hartley "
     "Foundation.", "Hartley Foundation report"),
], ids=["journal", "released-by"])
def test_a_document_is_named_by_who_published_it(sentence: str, speaker: str) -> None:
    text = f"Daily walks are good for the heart.\n\n{sentence}"
    quote = quote_with(text, "lower risk")
    assert (quote.speaker, quote.anonymous) == (speaker, False)


def test_a_publication_month_does_not_name_a_document() -> None:
    text = ("Daily walks are good for the heart.\n\nWalkers had a 30 percent lower risk, "
            "according to a study published in March.")
    assert quote_with(text, "lower risk").anonymous


def test_a_subject_named_in_apposition_is_who_she_refers_to() -> None:
    text = ("Ray Dunn said he might move to Portland. His wife, Ellen, a nurse, wants to "
            "stay. \"This is home,\" she said.")
    assert quote_with(text, "This is home").speaker == "Ellen"


def test_a_surname_that_reads_as_a_plural_noun_is_still_a_named_person() -> None:
    text = ("Jalen Rivers scored 34 points as the Hawks won on Saturday.\n\n"
            "\"I just wanted the ball,\" Rivers said.")
    quote = quote_with(text, "wanted the ball")
    assert (quote.speaker, quote.anonymous) == ("Jalen Rivers", False)
    assert_not_a_claim(text, "wanted the ball")


def test_the_lawyer_named_in_apposition_speaks_not_the_client() -> None:
    text = ("Victor Lane was charged on Thursday.\n\n"
            "Lane's lawyer, Karen Obi, said her client would fight the charges.")
    quote = quote_with(text, "would fight the charges")
    assert (quote.speaker, quote.role) == ("Karen Obi", "Lane's lawyer")
