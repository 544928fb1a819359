"""The longest realistic Celery job: `analyze()` of a text as long as a chat may send
(MAX_TEXT_CHARS), against the visibility timeout (JOB_VISIBILITY_SECONDS) that must
stay above it, or every such job is started a second time on another worker.

    python bench/longest_job.py            # two texts, twice each, with the settings' limits

The texts are made here: the project's seed article repeated, and a repeated paragraph
with a quote and numbers in it; no corpus text.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.breakdown import analyze  # noqa: E402
from bot.settings import Settings  # noqa: E402

SEED = (ROOT / "examples" / "seed-us-blames-russians.txt").read_text(encoding="utf-8")
PARAGRAPH = ('The mayor said on day {i} that the bridge would cost {i} million dollars more, '
             'and officials warned the work could take many more years. "We will not stop," '
             'said Jane Doe, a spokeswoman for the city, on Monday {i}.')


def filled(unit: str, chars: int) -> str:
    """`unit` repeated, cut at `chars`."""
    return (unit * (chars // len(unit) + 1))[:chars]


def main() -> None:
    settings = Settings.from_env()
    chars = settings.max_text_chars
    paragraphs = "\n\n".join(PARAGRAPH.format(i=i) for i in range(chars // 150 + 1))
    analyze(SEED)  # loads the pipeline: not part of a job's time
    longest = 0.0
    for name, text in [("seed article repeated", filled(SEED + "\n\n", chars)),
                       ("paragraphs repeated", filled(paragraphs, chars))]:
        for run in (1, 2):
            started = time.perf_counter()
            analyze(text)
            seconds = time.perf_counter() - started
            longest = max(longest, seconds)
            print(f"{name}: {len(text)} chars, run {run}: {seconds:.1f} s", flush=True)
    print(f"longest {longest:.1f} s; JOB_VISIBILITY_SECONDS={settings.job_visibility_seconds} "
          f"({settings.job_visibility_seconds / longest:.1f} times the longest)")


if __name__ == "__main__":
    main()
