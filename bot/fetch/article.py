"""An article as read from a web page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Article:
    text: str
    title: str | None
    author: str | None
    site: str | None
    published: dt.date | None
    url: str | None  # final URL, or the canonical one the page declares
    language: str | None
    # False when the date came from weak evidence (e.g. a URL pattern or a date anywhere on
    # the page): shown to users as "detected", not as the publication date.
    published_reliable: bool = False
