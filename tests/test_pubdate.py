"""The publication date of a page: publication evidence only, never its last modification."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.fetch.extract import extract_article
from bot.fetch.pubdate import publication_tree

URL = "https://example.org/news/harbour-bridge"
BODY = ("<p>The harbour board voted on Tuesday to rebuild the old swing bridge, a project "
        "that fishermen and ferry crews have asked for since the last storm closed the "
        "channel for a month. The chair said the work would start in the spring and "
        "take two years, with boats using the northern channel until it is finished.</p>"
        "<p>Residents welcomed the decision but asked for a public meeting on the noise "
        "and the traffic that the building site will bring to the quay every day.</p>")
PUBLISHED = dt.date(2021, 3, 4)


def page(head: str = "", before_body: str = "") -> str:
    return (f"<html><head><title>Bridge to be rebuilt</title>{head}</head><body>"
            f"<article><h1>Bridge to be rebuilt</h1>{before_body}{BODY}</article></body></html>")


PUBLISHED_META = '<meta property="article:published_time" content="2021-03-04T09:00:00Z">'
MODIFIED_META = '<meta property="article:modified_time" content="2023-07-09T16:30:00Z">'


@pytest.mark.parametrize("head", [PUBLISHED_META + MODIFIED_META,
                                  MODIFIED_META + PUBLISHED_META])
def test_published_and_modified_meta_gives_the_published_date(head: str) -> None:
    article = extract_article(page(head), URL)
    assert (article.published, article.published_reliable) == (PUBLISHED, True)


def test_json_ld_published_and_modified() -> None:
    script = ('<script type="application/ld+json">{"@context": "https://schema.org", '
              '"@type": "NewsArticle", "headline": "Bridge to be rebuilt", '
              '"dateModified": "2023-07-09T16:30:00Z", '
              '"datePublished": "2021-03-04T09:00:00Z"}</script>')
    assert extract_article(page(script), URL).published == PUBLISHED


def test_visible_published_and_updated_lines() -> None:
    stamps = "<p>Updated July 9, 2023</p><p class='byline'>Published March 4, 2021</p>"
    assert extract_article(page(before_body=stamps), URL).published == PUBLISHED


@pytest.mark.parametrize(
    ("head", "before_body"),
    [
        (MODIFIED_META, ""),
        ('<meta property="og:updated_time" content="2023-07-09">', ""),
        ('<meta http-equiv="last-modified" content="2023-07-09">', ""),
        ('<script type="application/ld+json">{"@type": "NewsArticle", '
         '"dateModified": "2023-07-09"}</script>', ""),
        ("", '<p><time itemprop="dateModified" datetime="2023-07-09">July 9, 2023</time></p>'),
        ("", '<div class="post-date-updated">July 9, 2023</div>'),
        ("", "<p>Updated July 9, 2023</p>"),
        ("", "<div><span>Last updated:</span> <span>09/07/2023</span></div>"),
    ],
)
def test_a_modification_date_alone_is_never_the_publication_date(head: str,
                                                                 before_body: str) -> None:
    article = extract_article(page(head, before_body), URL)
    assert article.published != dt.date(2023, 7, 9)
    assert article.published is None


def test_the_byline_around_an_updated_stamp_stays() -> None:
    stamps = ('<div class="byline">By Ann Example<br>Updated July 9, 2023</div>'
              '<time class="entry-date published updated" datetime="2021-03-04">'
              "March 4, 2021</time>")
    tree = publication_tree(page(before_body=stamps))
    assert tree is not None
    text = tree.text_content()
    assert "By Ann Example" in text and "Updated July 9" not in text
    assert "March 4, 2021" in text  # "published updated" is publication evidence
    assert extract_article(page(before_body=stamps), URL).published == PUBLISHED


def test_article_words_about_updates_are_kept() -> None:
    paragraph = "<p>Updated maps of the channel will be posted at the quay.</p>"
    tree = publication_tree(page(before_body=paragraph))
    assert tree is not None
    assert "Updated maps of the channel" in tree.text_content()
    heading = '<h2 id="how-the-modified-design-works">How the modified design works</h2>'
    tree = publication_tree(page(before_body=heading + "<p>It has a wider span.</p>"))
    assert tree is not None and "How the modified design works" in tree.text_content()
