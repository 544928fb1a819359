"""Two hypothesis profiles: the whole count of examples, or a tenth of it for quick feedback.

"full" runs every property test with the example count written at the test: `python -m
pytest` and `.ci/run`. "dev" runs a tenth of each count (at least 5): tests/conftest.py
picks it for the quick tier, `python -m pytest -m "not slow"`. Either can be named with
hypothesis's own option, e.g. `--hypothesis-profile=full` to run the quick tier with every
example. Both profiles are derandomized: a run's examples are the same every time.
"""

from __future__ import annotations

from hypothesis import settings

FULL = "full"
DEV = "dev"
DEV_SHARE = 10  # the dev profile runs 1/DEV_SHARE of each test's examples
DEV_MINIMUM = 5

settings.register_profile(FULL, derandomize=True, database=None)
settings.register_profile(DEV, derandomize=True, database=None, max_examples=10)


def examples(full_count: int) -> int:
    """A property test's example count under the loaded profile; `full_count` in "full"."""
    if settings.get_current_profile_name() == DEV:
        return max(DEV_MINIMUM, full_count // DEV_SHARE)
    return full_count
