"""`BreakdownWorkers` on this machine: one killable process pool (`bot.process_pool`) whose
workers each load spaCy and the article extractor once, when they start.

Analysis and extraction share the workers: both are CPU work for the same cores, so one
set of processes (one per CPU by default) keeps every core busy without more processes
than cores, and without a second set holding memory. A page's extraction waits its turn
behind the analyses queued before it, as its analysis would anyway.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from bot.breakdown import DEFAULT_SPACY_MODEL, Breakdown, Source
from bot.errors import AnalysisTimeout, AnalysisWorkerDied, UserFacingError
from bot.fetch.article import Article
from bot.fetch.errors import ExtractionFailed, ExtractionTimeout, ExtractionWorkerDied
from bot.process_pool import KillablePool, TaskTimedOut, WorkerDied
from bot.settings import Settings

T = TypeVar("T")


# The pipeline this worker process analyses with (the SPACY_MODEL setting, passed in by
# `load_models`: the engine never reads settings).
_pipeline = DEFAULT_SPACY_MODEL


def load_models(spacy_model: str = DEFAULT_SPACY_MODEL) -> None:
    """Each worker's start: the pipeline and the extractor load now, not on a request."""
    import bot.fetch.extract  # noqa: F401  (trafilatura and lxml: about a second)
    from bot.breakdown.nlp import get_nlp

    global _pipeline
    _pipeline = spacy_model
    get_nlp(spacy_model)


def analyze_text(text: str, published: dt.date | None, source: Source | None) -> Breakdown:
    from bot.breakdown.engine import analyze  # loaded once per worker, by load_models

    return analyze(text, published=published, source=source, spacy_model=_pipeline)


def extract_page(page: bytes, url: str | None, declared_charset: str | None,
                 text_plain: bool) -> Article:
    from bot.fetch.extract import extract_article

    try:
        return extract_article(page, url, declared_charset=declared_charset,
                               text_plain=text_plain)
    except UserFacingError:
        raise
    except Exception as error:  # trafilatura or lxml failing on the markup
        raise ExtractionFailed(f"extraction failed: {error!r}"[:300]) from None


class ProcessWorkers:
    """Analysis and extraction in `size` local worker processes (0: one per CPU), each
    task killed after its time limit in seconds. Workers start on the first task, or on
    `start()`; `shutdown()` stops them."""

    # What the workers run, by name (tests swap in slow or failing stand-ins).
    analysis_task: Callable[..., Breakdown] = staticmethod(analyze_text)
    extraction_task: Callable[..., Article] = staticmethod(extract_page)

    def __init__(self, *, size: int, analysis_timeout: float, extraction_timeout: float,
                 spacy_model: str = DEFAULT_SPACY_MODEL) -> None:
        self.size = size or os.cpu_count() or 1
        self.analysis_timeout = analysis_timeout
        self.extraction_timeout = extraction_timeout
        self._pool = KillablePool(size=self.size,
                                  initializer=partial(load_models, spacy_model))

    @classmethod
    def from_settings(cls, settings: Settings, *, size: int | None = None) -> ProcessWorkers:
        """`ANALYSIS_WORKERS` workers (or `size`), with the settings' time limits."""
        return cls(size=settings.analysis_workers if size is None else size,
                   analysis_timeout=settings.analysis_timeout,
                   extraction_timeout=settings.extract_timeout,
                   spacy_model=settings.spacy_model)

    def start(self) -> None:
        """Blocking: return once every worker has loaded its models."""
        self._pool.start()

    def shutdown(self) -> None:
        """Blocking: finish the tasks given, then stop the workers."""
        self._pool.shutdown()

    async def analyze(self, text: str, *, published: dt.date | None = None,
                      source: Source | None = None) -> Breakdown:
        return await self._run(self.analysis_task, (text, published, source),
                               timeout=self.analysis_timeout,
                               timed_out=AnalysisTimeout, died=AnalysisWorkerDied)

    async def extract(self, page: bytes, url: str | None, *,
                      declared_charset: str | None = None,
                      text_plain: bool = False) -> Article:
        return await self._run(self.extraction_task, (page, url, declared_charset, text_plain),
                               timeout=self.extraction_timeout,
                               timed_out=ExtractionTimeout, died=ExtractionWorkerDied)

    async def _run(self, task: Callable[..., T], args: tuple[Any, ...], *, timeout: float,
                   timed_out: type[UserFacingError], died: type[UserFacingError]) -> T:
        try:
            return await self._pool.run(task, *args, timeout=timeout)
        except TaskTimedOut as error:
            raise timed_out(str(error)) from None
        except WorkerDied as error:
            raise died(str(error)) from None
