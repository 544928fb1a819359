"""Page furniture is never a quote, claim or summary sentence, pasted or extracted.

Every text here is written for these tests: an article about a bridge repair (real
paragraphs with a quote, an attribution and an unsourced claim) with each kind of furniture
put between its paragraphs, and near misses that look like furniture but are article text.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import pytest

from bot.breakdown import analyze
from bot.breakdown.furniture import (
    furniture_kinds,
    line_furniture,
    sentence_furniture,
    strip_furniture,
)
from bot.breakdown.model import Breakdown
from bot.breakdown.nlp import get_nlp
from bot.breakdown.segment import find_sentences
from bot.fetch.extract import extract_article

LEAD = ("The city council voted 7-2 on Tuesday to spend $40 million repairing the Harbor "
        "Bridge, which engineers closed to heavy trucks last year.")
QUOTE = '"We cannot wait another winter," said Mayor Ana Ruiz, who backed the plan.'
REPORT = ("Engineers warned in 2022 that the bridge's steel supports had corroded badly, "
          "according to a city report.")
CLAIM = "The repairs will almost certainly run over budget and the work is likely to take years."
PARAGRAPHS = (LEAD, QUOTE, REPORT, CLAIM)

# Furniture blocks by kind, each as a pasted page shows it (one line per element).
FURNITURE: dict[str, list[str]] = {
    "credit": [
        "Photo: Jane Doe/Getty Images",
        "The mayor speaks to reporters outside City Hall on Monday. (AP Photo/John Roe)",
        "Firefighters inspect the bridge deck. REUTERS/John Roe",
        "Trucks wait at the closed bridge. Jane Doe/AFP via Getty Images",
        "Courtesy of the Harbor Society",
        "Image copyright Harbor Society",
        "[Image: Trucks lined up at the closed bridge]",
    ],
    "related": [
        "Related: Council delays vote on the school budget",
        "Read more: How the bridge fell into disrepair",
        "RELATED STORY",
        "Recommended",
        "Most read",
        "You may also like",
    ],
    "signup": [
        "Sign up for our newsletter to get the day's top stories.",
        "By signing up you agree to our Privacy Policy and Terms of Use.",
        "We respect your privacy.",
        "Get the best local news delivered straight to your inbox.",
        "Enter your email address",
    ],
    "share": ["Share this article", "Share Tweet Email", "Follow us on Facebook"],
    "ad": ["Advertisement", "Story continues below advertisement"],
}
# Kinds that sit at an end of the article rather than between its paragraphs.
GREETINGS = ["Good morning, and welcome to The Morning Briefing.", "Hi everyone,",
             "Dear readers,"]
BIO = ["Jane Doe is a senior reporter at The Gazette covering city hall. Follow her on "
       "Twitter @janedoe.", "Contact the author at jdoe@example.com."]


def _article(*, top: Sequence[str] = (), middle: Sequence[str] = (),
             bottom: Sequence[str] = ()) -> str:
    """The four paragraphs with furniture above, between (after each paragraph) and below."""
    blocks = ["Council Approves Harbor Bridge Repairs", "\n".join(top)]
    for paragraph in PARAGRAPHS:
        blocks += [paragraph, "\n".join(middle)]
    blocks.append("\n".join(bottom))
    return "\n\n".join(b for b in blocks if b) + "\n"


def _reported(breakdown: Breakdown) -> list[str]:
    return ([q.content for q in breakdown.quotes] + [c.text for c in breakdown.claims]
            + list(breakdown.summary))


def _assert_article_intact(breakdown: Breakdown) -> None:
    """The real paragraphs still give their quote, attribution, claim and summary."""
    assert any(q.speaker == "Ana Ruiz" or q.speaker.endswith("Ana Ruiz")
               for q in breakdown.quotes), breakdown.quotes
    assert any("steel supports had corroded" in q.content for q in breakdown.quotes)
    assert any(c.text == CLAIM for c in breakdown.claims), breakdown.claims
    assert breakdown.summary and breakdown.summary[0] == LEAD


def _assert_no_furniture(breakdown: Breakdown, furniture: list[str]) -> None:
    reported = _reported(breakdown)
    for line in furniture:
        for sentence in (s for s in line.split(". ") if len(s) > 3):
            assert not any(sentence.strip(" .") in item for item in reported), (sentence,
                                                                                reported)


# --------------------------------------------------------------------------- line rules


@pytest.mark.parametrize(("kind", "line"), [
    (kind, line) for kind, lines in FURNITURE.items() for line in lines
] + [("greeting", line) for line in GREETINGS] + [
    ("greeting", "Good morning."),
    ("greeting", "Welcome back to the Monday briefing."),
    ("credit", "Photograph: Jane Doe for The Gazette"),
    ("credit", "Image credit: Harbor Society archive"),
    ("byline", "By Jane Doe and John Roe, Associated Press"),
    ("byline", "Published February 3, 2020"),
    ("byline", "Updated 3:15 p.m. ET"),
    ("byline", "5 min read"),
    ("byline", "by Jane Doe—4 min read"),
    ("byline", "March 3, 2024 - Updated March 4, 2024"),
    ("credit", "Photo by Jane Doe"),
    ("credit", "Image provided by the Harbor Society."),
    ("signup", "Great, you're subscribed!"),
    ("byline", "(Reporting by Jane Doe; Editing by John Roe)"),
    ("bio", "Contact the author at jdoe@example.com."),
    ("bio", "Follow her on Twitter @janedoe."),
    ("widget", "Copyright 2024 The Gazette. All rights reserved."),
    ("nav", "Table of Contents"),
])
def test_furniture_line_is_recognised(kind: str, line: str) -> None:
    assert line_furniture(line) == kind


NEAR_MISSES = [
    "Related research shows that the bridge was unsafe for years.",
    '"The photo shows exactly what happened," the mayor said.',
    "By Tuesday, the fire had spread to three counties.",
    "Published reports say the senator will resign.",
    "Updated figures show that rents rose 5% in 2023.",
    "Shares on Wall Street fell sharply on Monday.",
    "Comments on the proposal are due by Friday.",
    "Copyright infringement suits have surged this year.",
    "Sponsored by Senator Smith, the bill would raise the minimum wage.",
    "Courtesy of a tax break, the firm saved $2 million.",
    "A Reuters/Ipsos poll found that 40% of voters disapprove.",
    "An AP photo showed the damage to the harbor.",
    "More than 200 people died in the floods.",
    "Most readers said they disagreed with the decision.",
    "Trending upward, the stock gained 4% on Friday.",
    '"Good morning," the president said as he walked into the room.',
    "Welcome to Texas, where the summer heat broke records again.",
    "Source documents obtained by the Gazette show the deal was signed.",
    "Reach them by Friday, the agency told applicants.",
    "Follow the money, investigators said.",
    "Read more about the study in the journal, researchers said.",
    "Sign-ups for the program opened on Monday.",
    "Hi-tech firms have boomed in the region.",
    "Photos by the agency show the damage to the pier.",
    "Images from the satellite show the damage to the pier.",
    "The meeting lasted 45 minutes.",
    "More — far more — is at stake in the vote.",
    '"I agree to our terms," the developer told the council.',
]


@pytest.mark.parametrize("line", NEAR_MISSES)
def test_near_miss_is_article_text(line: str) -> None:
    assert line_furniture(line) is None
    assert sentence_furniture(line) is None


def test_near_misses_stay_body_sentences() -> None:
    text = "\n\n".join([LEAD, *NEAR_MISSES])
    sentences = find_sentences(get_nlp()(text))
    non_body = [s.text for s in sentences if not s.is_body]
    assert non_body == []


# --------------------------------------------------------------------------- bios at the edge


def test_bio_is_furniture_only_after_the_story() -> None:
    bio = "Jane Smith is a freelance writer at the Gazette who covered the crash."
    middle = [LEAD, bio, CLAIM]
    assert furniture_kinds(middle) == [None, None, None]  # mid-article: it describes a source
    tail = [LEAD, CLAIM, bio, "Share this article"]
    assert furniture_kinds(tail) == [None, None, "bio", "share"]


def test_story_note_at_either_end() -> None:
    note = "This story was produced in partnership with the Harbor Society."
    assert furniture_kinds([note, LEAD, CLAIM]) == ["bio", None, None]
    assert furniture_kinds([LEAD, CLAIM, note]) == [None, None, "bio"]


def test_furniture_sentence_inside_a_body_line() -> None:
    text = f"{LEAD}\n\n{CLAIM} Follow us on Twitter @gazette.\n"
    sentences = find_sentences(get_nlp()(text))
    kinds = {s.text: s.kind for s in sentences}
    assert kinds[CLAIM] == "body"
    assert kinds["Follow us on Twitter @gazette."] == "boilerplate"


# --------------------------------------------------------------------------- end to end


@pytest.mark.parametrize("kind", sorted(FURNITURE))
def test_pasted_furniture_between_paragraphs_is_never_reported(kind: str) -> None:
    breakdown = analyze(_article(middle=FURNITURE[kind]))
    _assert_no_furniture(breakdown, FURNITURE[kind])
    _assert_article_intact(breakdown)


def test_pasted_greeting_bio_and_byline_are_never_reported() -> None:
    top = ["By Jane Doe and John Roe, Gazette Staff", "Published March 3, 2024", *GREETINGS]
    breakdown = analyze(_article(top=top, bottom=BIO))
    _assert_no_furniture(breakdown, top + BIO)
    _assert_article_intact(breakdown)
    assert breakdown.source.title == "Council Approves Harbor Bridge Repairs"


def test_everything_at_once() -> None:
    middle = [line for lines in FURNITURE.values() for line in lines]
    breakdown = analyze(_article(top=GREETINGS, middle=middle, bottom=BIO))
    _assert_no_furniture(breakdown, middle + GREETINGS + BIO)
    _assert_article_intact(breakdown)


def test_greeting_and_bio_are_not_summary_of_a_short_newsletter() -> None:
    text = ("Good morning, and welcome to The Morning Briefing.\n\n"
            f"{LEAD}\n\n"
            "Jane Doe is a senior reporter at The Gazette covering city hall.\n")
    assert analyze(text).summary == (LEAD,)


def test_real_quote_mentioning_a_photo_is_still_a_quote() -> None:
    text = (f"{LEAD}\n\n"
            '"The photo shows exactly what happened," Mayor Ana Ruiz said on Wednesday.\n')
    quotes = [q for q in analyze(text).quotes if "photo" in q.content]
    assert [(q.speaker, q.content) for q in quotes] == [
        ("Ana Ruiz", "The photo shows exactly what happened,")]


# --------------------------------------------------------------------------- extracted pages

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Council Approves Harbor Bridge Repairs | The Gazette</title>
<meta property="article:published_time" content="2024-03-03T08:00:00Z"></head>
<body><article><h1>Council Approves Harbor Bridge Repairs</h1>
{paragraphs}
</article></body></html>"""
EXTRA_PROSE = ("Council member Tom Lee said the repairs were overdue and would cost taxpayers "
               "far less than building a new bridge across the harbor.")


def _page(*, top: list[str], middle: list[str], bottom: list[str]) -> bytes:
    items = list(top)
    for paragraph in (*PARAGRAPHS, EXTRA_PROSE, NEAR_MISSES[0]):
        items += [paragraph, *middle]
    items += bottom
    body = "\n".join(f"<p>{item}</p>" for item in items)
    return PAGE.format(paragraphs=body).encode()


@pytest.mark.parametrize("kind", [*sorted(FURNITURE), "edges"])
def test_extracted_page_loses_its_furniture(kind: str) -> None:
    if kind == "edges":
        top, middle, bottom = GREETINGS, [], BIO
    else:
        top, middle, bottom = [], FURNITURE[kind], []
    article = extract_article(_page(top=top, middle=middle, bottom=bottom),
                              "https://news.example.com/bridge")
    lines = article.text.splitlines()
    for line in (*top, *middle, *bottom):
        assert line not in lines, line
    for paragraph in (*PARAGRAPHS, EXTRA_PROSE, NEAR_MISSES[0]):
        assert paragraph in lines, paragraph


def test_strip_furniture_keeps_prose_and_blank_lines() -> None:
    text = f"{LEAD}\nAdvertisement\n\n{CLAIM}\nRelated: Council delays vote\n"
    assert strip_furniture(text) == f"{LEAD}\n\n{CLAIM}\n"


# --------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize("line", [
    "By " + "A-" * 5000 + " x.",
    "Share " + " " * 20000 + "x",
    "By Jane" + ", Doe" * 3000 + " and then it ends.",
    "Photo" + " /" * 5000,
])
def test_rules_stay_fast_on_hostile_lines(line: str) -> None:
    start = time.perf_counter()
    line_furniture(line)
    sentence_furniture(line)
    furniture_kinds([line] * 3)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("note", [
    "This is a rush transcript. The copy may not be in its final form.",
    "Transcript text may be revised after broadcast to correct errors.",
    "(This post contains affiliate links; the site may earn a small commission on what you buy.)",
    "As an Amazon Associate I earn from qualifying purchases.",
])
def test_transcript_caveat_and_affiliate_note_at_either_end(note: str) -> None:
    assert furniture_kinds([note, LEAD, CLAIM])[0] is not None
    assert furniture_kinds([LEAD, CLAIM, note])[-1] is not None
    assert furniture_kinds([LEAD, note, CLAIM])[1] is None  # mid-article it may be reporting


@pytest.mark.parametrize("line", [
    "If you have any questions about the repair, we are always happy to help!",
    "Do you have a story about the bridge? Tell us.",
    "Fill out the form below and include your phone number.",
    "You can also contact us at tips@gazette.example.",
    "If you found this guide helpful, there is more in our archive for you.",
])
def test_a_request_to_the_reader_after_the_story(line: str) -> None:
    assert furniture_kinds([LEAD, CLAIM, line])[-1] is not None
    assert furniture_kinds([LEAD, line, CLAIM])[1] is None  # mid-article: text


PRESS_RELEASE = (
    "Greenfield Foods Opens New Plant in Dayton\n\n"
    "DAYTON, Ohio, March 4, 2024 /PRNewswire/ -- Greenfield Foods, a maker of frozen "
    "vegetables, today announced the opening of a new plant that will employ 300 people.\n\n"
    "\"Dayton has the workforce we need,\" said Lisa Park, chief executive of Greenfield "
    "Foods.\n\n"
    "About Greenfield Foods\n"
    "Greenfield Foods is a family-owned company founded in 1952. It sells frozen "
    "vegetables in 30 states.\n"
)


def test_a_press_releases_about_section_is_boilerplate() -> None:
    breakdown = analyze(PRESS_RELEASE)
    assert not [c for c in breakdown.claims if "family-owned" in c.text or "30 states" in c.text]
    assert all("family-owned" not in s for s in breakdown.summary)


def test_a_wire_datelines_city_is_not_the_speaker() -> None:
    (quote,) = [q for q in analyze(PRESS_RELEASE).quotes if "opening" in q.content]
    assert quote.speaker.startswith("Greenfield Foods")
