"""The breakdown's result types: a small tree of frozen dataclasses.

`Breakdown.to_dict()` is the JSON contract of ``../shared/eval/README.md`` §1; every
offset indexes `Breakdown.text`, the text exactly as it was given.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

QuoteKind = Literal["direct", "indirect", "mixed"]
ClaimKind = Literal["unattributed", "vague"]
# What kind of assertion a claim is (the Full Fact typology, plus comparison): see
# `bot.breakdown.claim_typing.type_and_cue` for how it is told and in which order.
ClaimType = Literal["quantity", "prediction", "causal", "comparison", "other"]
CLAIM_TYPES: tuple[ClaimType, ...] = ("quantity", "prediction", "causal", "comparison", "other")


@dataclass(frozen=True, slots=True)
class Source:
    """Where the analysed text came from (filled further by the fetcher for links)."""

    kind: Literal["text", "url"] = "text"
    url: str | None = None
    title: str | None = None
    site: str | None = None
    author: str | None = None
    published: str | None = None  # YYYY-MM-DD, as given or detected
    words: int = 0
    # False when the date was only detected on the page from weak evidence: shown as
    # "detected", not as the publication date. Not part of the JSON contract.
    published_reliable: bool = field(default=True, compare=False)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["published_reliable"]
        return data


@dataclass(frozen=True, slots=True)
class Quote:
    """One attributed statement: who said it, how, and where its content is."""

    speaker: str
    role: str | None
    anonymous: bool
    kind: QuoteKind
    cue: str
    content: str
    start: int
    end: int
    # Source, cue and content together: the characters the attribution speaks for.
    frame: tuple[int, int] = field(default=(0, 0), compare=False)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["frame"]
        return data


@dataclass(frozen=True, slots=True)
class KeyDate:
    """A calendar date mention, normalised TIMEX3-style (``XXXX`` where no year is known)."""

    text: str
    value: str
    key: bool
    start: int
    end: int
    context: str


@dataclass(frozen=True, slots=True)
class Claim:
    """A sentence that asserts something with no source, or only a vague one."""

    kind: ClaimKind
    text: str
    start: int
    end: int
    cues: tuple[str, ...] = ()
    # The JSON key is "type"; last, with a default, so that breakdowns cached before it
    # existed still load (they read as "other").
    type: ClaimType = "other"


@dataclass(frozen=True, slots=True)
class Breakdown:
    source: Source
    language: str
    summary: tuple[str, ...]
    quotes: tuple[Quote, ...]
    dates: tuple[KeyDate, ...]
    claims: tuple[Claim, ...]
    text: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Breakdown:
        """The inverse of `to_dict` (for the link cache)."""
        return cls(
            source=Source(**data["source"]),
            language=data["language"],
            summary=tuple(data["summary"]),
            quotes=tuple(Quote(**q) for q in data["quotes"]),
            dates=tuple(KeyDate(**d) for d in data["dates"]),
            claims=tuple(_claim_from_dict(c) for c in data["claims"]),
            text=data["text"],
        )

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON object, keys in contract order."""
        return {
            "source": self.source.to_dict(),
            "language": self.language,
            "summary": list(self.summary),
            "quotes": [q.to_dict() for q in self.quotes],
            "dates": [asdict(d) for d in self.dates],
            "claims": [{**asdict(c), "cues": list(c.cues)} for c in self.claims],
            "text": self.text,
        }


def _claim_from_dict(data: dict[str, Any]) -> Claim:
    """A cached claim; one from before claim types (or with an unknown type) is "other"."""
    value = data.get("type")
    claim_type: ClaimType = value if value in CLAIM_TYPES else "other"
    return Claim(**{**data, "cues": tuple(data["cues"]), "type": claim_type})
