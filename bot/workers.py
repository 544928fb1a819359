"""Where the heavy work runs, behind one small interface: analyse a text, read a page.

The bot's flows (`bot.service`, the reply flow, inline mode) know only `BreakdownWorkers`.
On one machine it is `bot.process_workers.ProcessWorkers`, a pool of killable worker
processes that the composition root creates, starts and shuts down; a queue-based
deployment (workers on other machines) implements it a second time.

What every implementation keeps to:
- `analyze` returns what `bot.breakdown.analyze` returns for the same arguments, and
  `extract` what `bot.fetch.extract.extract_article` returns (raising `NoArticleText` when
  it does);
- a failure of the work itself is a `bot.errors.UserFacingError` whose class says which:
  `AnalysisTimeout` or `AnalysisWorkerDied` for an analysis, `ExtractionTimeout`,
  `ExtractionWorkerDied` or `ExtractionFailed` (the extractor itself failed) for a page;
  the caller tells the user the class's message and records its code;
- a bug in the engine is raised as itself, to be logged as one, never turned into a
  user-facing error.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from bot.breakdown import Breakdown, Source
from bot.fetch.article import Article


class BreakdownWorkers(Protocol):
    async def analyze(self, text: str, *, published: dt.date | None = None,
                      source: Source | None = None) -> Breakdown:
        """The breakdown of `text` (the engine's `analyze`, run elsewhere)."""
        ...

    async def extract(self, page: bytes, url: str | None, *,
                      declared_charset: str | None = None,
                      text_plain: bool = False) -> Article:
        """The article in a fetched page (`page` as fetched from `url`, or pasted HTML)."""
        ...


class ManagedWorkers(BreakdownWorkers, Protocol):
    """Workers a process owns: started before the first request and shut down at exit.
    Both calls block (the composition root runs them in a thread)."""

    def start(self) -> None:
        """Return once the workers can take tasks (local ones have loaded their models)."""
        ...

    def shutdown(self) -> None:
        """Stop using the workers; local ones finish the tasks given, then stop."""
        ...
