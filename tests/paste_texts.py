"""Made-up news articles long enough that a Telegram app sends them as several messages.

The first speaker is quoted only at the start and the last only at the end, so a test can
tell whether a breakdown read the last piece of a paste.
"""

from __future__ import annotations

FIRST_SPEAKER = "Dana Whitfield"
LAST_SPEAKER = "Harriet Quill"
BRIDGE_TITLE = "Harbour Bridge repairs will cost far more than planned"

_OPENING = (
    f"{BRIDGE_TITLE}\n\n"
    "The council of Port Ellery said on Monday that repairs to the Harbour Bridge would "
    "cost 48 million dollars, nearly twice the figure it gave voters last spring. "
    f"\u201cWe underestimated the corrosion under the deck,\u201d said Mayor {FIRST_SPEAKER}, "
    "who has led the council since 2019. \u201cThe engineers found it only when the "
    "scaffolding went up.\u201d"
)
_MIDDLE = (
    "Section {n} of the report describes the state of pier {n}. Inspectors measured the "
    "steel at {depth} millimetres where the drawings show twelve, and the concrete around "
    "the bearings had cracked in {cracks} places. Residents who cross the bridge every day "
    "will see lane closures until the end of the year, and the ferry service is expected "
    "to run extra crossings at rush hour. Critics say the council ignored warnings from "
    "its own surveyors for at least {years} years, and that the delay made the work more "
    "expensive than it had to be."
)
_CLOSING = (
    "The regional government will pay a third of the cost. \u201cWe will not let the bridge "
    f"close for a single day,\u201d said {LAST_SPEAKER}, the regional transport minister, on "
    "Tuesday. The council votes on the new budget on March 3."
)


def bridge_article(sections: int) -> str:
    """An opening, `sections` numbered middle paragraphs (~560 characters each), a closing."""
    middle = [_MIDDLE.format(n=n, depth=9 - n % 4, cracks=3 + n, years=2 + n % 5)
              for n in range(1, sections + 1)]
    return "\n\n".join([_OPENING, *middle, _CLOSING])


def bridge_page(sections: int) -> str:
    """The article as a news page's HTML source, with the site's navigation and footer."""
    body = "\n".join(f"<p>{paragraph}</p>" for paragraph in
                     bridge_article(sections).split("\n\n")[1:])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{BRIDGE_TITLE} | Ellery Gazette</title>
<meta property="article:published_time" content="2024-02-20T08:00:00Z">
</head><body>
<nav><a href="https://gazette.example/">Home</a> <a href="https://gazette.example/city">City</a>
<a href="https://gazette.example/subscribe">Subscribe</a></nav>
<article><h1>{BRIDGE_TITLE}</h1>
{body}
</article>
<footer>Copyright Ellery Gazette. All rights reserved.</footer>
</body></html>"""
