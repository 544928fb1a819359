"""Resilience figures counted while the tests run, for `bench/resilience.py` to add up.

Each `add` appends one JSON line to the file named by RESILIENCE_FIGURES; without that
variable it does nothing, so a plain `pytest` run is unaffected.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

# What the summary reports, in order, with the target where the issue sets one.
FIGURES: dict[str, str] = {
    "hostile_inputs": "hostile inputs tried",
    "faults_injected": "faults injected",
    "crashes": "crashes (target 0)",
    "lost_replies": "lost replies (target 0)",
    "duplicate_replies": "duplicate replies",
    "lost_committed_events": "lost committed usage events (target 0)",
    "disallowed_requests": "requests that reached a disallowed address (target 0)",
    "in_flight_at_sigkill": "requests in flight when the bot was SIGKILLed (not replied)",
}


def add(name: str, count: int = 1) -> None:
    assert name in FIGURES, name
    path = os.environ.get("RESILIENCE_FIGURES")
    if path:
        with Path(path).open("a", encoding="utf-8") as out:
            out.write(json.dumps({"figure": name, "count": count}) + "\n")


def totals(path: Path) -> Counter[str]:
    counts: Counter[str] = Counter({name: 0 for name in FIGURES})
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            counts[row["figure"]] += row["count"]
    return counts
