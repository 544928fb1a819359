"""A breakdown for a terminal: plain text, with colour when writing to a TTY."""

from __future__ import annotations

from bot.breakdown.model import Breakdown
from bot.render.common import (
    best_quote,
    claim_tag,
    claims_by_kind,
    describe_source,
    format_date,
    group_by_speaker,
    key_dates,
    plural,
    quote_words,
    quoted,
    shorten,
    sourcing_line,
)

_STYLES = {"bold": "1", "dim": "2", "warn": "33", "cue": "31", "head": "1;36"}


class _Paint:
    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def __call__(self, text: str, style: str) -> str:
        return f"\033[{_STYLES[style]}m{text}\033[0m" if self.colour else text


def render_terminal(breakdown: Breakdown, *, colour: bool = False, width: int = 100) -> str:
    """The whole breakdown as readable text; every quote and claim, not just the top ones."""
    paint = _Paint(colour)
    lines: list[str] = []
    title = breakdown.source.title or "Article breakdown"
    lines += [paint(title, "bold"), paint(describe_source(breakdown), "dim"), ""]
    if breakdown.language != "en":
        lines.append(f"This text does not look like English (detected: {breakdown.language}); "
                     "only English articles can be broken down.")
        return "\n".join(lines)
    if breakdown.summary:
        lines += [paint("Summary", "head"), *("  " + s for s in breakdown.summary), ""]

    groups = group_by_speaker(breakdown.quotes)
    lines.append(paint(f"Who said what — {plural(len(breakdown.quotes), 'statement')} "
                       f"from {plural(len(groups), 'source')}", "head"))
    for group in groups:
        label = group.speaker + (f", {group.role}" if group.role else "")
        if group.anonymous:
            label = paint(f"⚠ unnamed source: {label}", "warn")
        lines.append(f"  {label} ({len(group.quotes)})")
        top = best_quote(group)
        for quote in sorted(group.quotes, key=lambda q: q.start):
            marker = "•" if quote is top else "·"
            lines.append(f"    {marker} [{quote.cue}] {quoted(shorten(quote_words(quote), width))}")
    lines.append("")

    dates = key_dates(breakdown)
    if dates:
        lines.append(paint("Key dates", "head"))
        labels = [format_date(date.value) for date in dates]
        # as wide as the widest label ("Jan 5, 2000, night"), within reason
        column = min(max(14, *map(len, labels)), 24)
        for label, date in zip(labels, dates, strict=True):
            lines.append(f"  {label:<{column}} {shorten(date.context, width - column - 4)}")
        lines.append("")

    unattributed, vague = claims_by_kind(breakdown)
    lines.append(paint(f"Unattributed claims — {len(unattributed)}, plus "
                       f"{len(vague)} vaguely sourced", "head"))
    for claim in breakdown.claims:
        cues = ", ".join(claim.cues)
        suffix = f" — {paint(cues, 'cue')}" if cues else ""
        lines.append(f"  • ({claim_tag(claim)}) {quoted(shorten(claim.text, width))}{suffix}")
    lines += ["", paint("Sourcing: ", "bold") + sourcing_line(breakdown)]
    return "\n".join(lines)
