"""A page's publication date from first-publication evidence only, never its last edit.

htmldate with `original_date=True` prefers a publication date to a modification date,
but when a page states only when it was changed (`article:modified_time`, JSON-LD
`dateModified`, `<meta http-equiv="last-modified">`, an "Updated July 9, 2023" line) it
returns that date, and it would be shown as the publication date. So the page is parsed
once and that evidence removed before trafilatura and htmldate read it: what is left is
publication evidence (meta tags, JSON-LD `datePublished`, `<time>`, the URL, the text).
"""

from __future__ import annotations

import datetime as dt
import re

from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html

# Attribute values that name a modification time ("article:modified_time", "dateModified",
# "og:updated_time", "last-modified", "DC.date.modified", "revised") ...
_MODIFIED = re.compile(r"modif|updat|revis|last-?mod", re.I)
# ... unless they also name the publication ("published updated" on WordPress <time>).
_PUBLISHED = re.compile(r"publi|creat|issued|posted|original", re.I)
_JSON_MODIFIED = re.compile(r'("date(?:Modified|Updated)"\s*:\s*)"[^"]*"', re.I)
# Class and id words of an "updated" stamp ("date-updated", "the-updated-at",
# "post-modified", "last_update"), as words: "add-margin-and-modifiers" is a heading.
_MODIFIED_NAME = re.compile(r"(?<![a-z])(?:modified|updated?|revised|modification|lastmod)"
                            r"(?![a-z])", re.I)
# "Updated July 9, 2023", "Last modified: 09/07/2023", "Updated 3 hours ago".
_UPDATED_LINE = re.compile(r"^\W*(?:last\s+)?(?:updated|modified|revised)\s*(?::|on|at)?\s*"
                           r"(?:[A-Za-z]{3,9}\.?\s+)?\d", re.I)
_UPDATED_START = re.compile(r"^\W*(?:last\s+)?(?:updated|modified|revised)\b", re.I)
_SHORT = 80  # characters: a date line, not a paragraph of the article


def publication_tree(html: bytes | str) -> HtmlElement | None:
    """The page parsed as trafilatura parses it, without modification-date evidence."""
    tree = load_html(html)
    if tree is not None:
        drop_modification_dates(tree)
    return tree


def drop_modification_dates(tree: HtmlElement) -> None:
    """Remove (in place) every element that states when the page was changed."""
    for meta in list(tree.iter("meta")):  # a list: drop_tree during iter() skips nodes
        label = " ".join(meta.get(name, "") for name in ("name", "property", "itemprop",
                                                         "http-equiv"))
        if _MODIFIED.search(label) and not _PUBLISHED.search(label):
            meta.drop_tree()
    for script in tree.iter("script"):
        if script.text and "ld+json" in (script.get("type") or ""):
            script.text = _JSON_MODIFIED.sub(r'\1""', script.text)
    doomed: list[HtmlElement | None] = []
    # one pass in Python over the elements: an XPath with contains()/translate() or an EXSLT
    # regex for the same test is several times slower on a large page
    for element in tree.iter(etree.Element):
        names = f"{element.get('class') or ''} {element.get('id') or ''}"
        itemprop = element.get("itemprop") or ""
        if itemprop == "dateModified" or (
                len(names) > 1 and _MODIFIED_NAME.search(names)
                and not _PUBLISHED.search(names + itemprop) and is_date_stamp(element)):
            doomed.append(element)
        # "Updated July 9, 2023" (or "Last updated:" next to the date) as the element's text,
        # or as the text after it: the stamp goes, or only that text when it shares its
        # element with more ("By X<br>Updated July 9, 2023")
        if element.text and _UPDATED_START.match(element.text):
            line = date_line(element)
            if line is None and _UPDATED_LINE.match(element.text):
                element.text = ""
            doomed.append(line)
        if element.tail and _UPDATED_LINE.match(element.tail):
            element.tail = ""
    for stamp in doomed:
        if stamp is not None and stamp.getparent() is not None:  # not gone already
            stamp.drop_tree()


def is_date_stamp(element: HtmlElement) -> bool:
    """Short, with a digit in its text or its machine-readable date: a date, not a heading
    whose anchor id happens to say "modified"."""
    text = element.text_content().strip()
    stamp = f"{text} {element.get('datetime') or ''} {element.get('content') or ''}"
    return len(text) <= _SHORT and any(c.isdigit() for c in stamp)


def date_line(element: HtmlElement | None) -> HtmlElement | None:
    """The largest element around an "Updated …" text whose whole text is that stamp:
    the stamp goes, a byline or the article around it stays."""
    line = None
    while element is not None and element.tag not in ("body", "html"):
        text = element.text_content().strip()
        if len(text) > _SHORT or not _UPDATED_START.match(text) or _PUBLISHED.search(text):
            break
        if _UPDATED_LINE.match(text):
            line = element
        element = element.getparent()
    return line


def publication_date(strong: str | None, html: bytes | str,
                     url: str | None) -> tuple[dt.date | None, bool]:
    """(date, reliable): `strong` is htmldate's answer from markup on the cleaned page
    (trafilatura's `document.date`); without it htmldate's extensive search (URL, text)
    on a cleaned page is a guess, so never "reliable"."""
    published = parse_date(strong)
    if published is not None:
        return published, True
    tree = publication_tree(html)
    if tree is None:
        return None, False
    return parse_date(find_date(tree, extensive_search=True, original_date=True, url=url)), False


def parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
