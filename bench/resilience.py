"""Resilience figures in one place: runs the hostile-input, fault, address-policy, property,
sending, worker and end-to-end tests (`TESTS`), adds up what they counted (tests/figures.py),
then runs the load and cost-growth benchmarks.

    python bench/resilience.py [--no-bench]

Prints: hostile inputs tried, faults injected, crashes, lost replies, duplicate replies,
lost committed usage events, requests that reached a disallowed address, and the
benchmark tables of bench/bot_load.py and bench/growth.py. Exits non-zero when a test
fails or a zero-target figure is not zero.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.figures import FIGURES, totals  # noqa: E402

TESTS = ["tests/test_hostile_inputs.py", "tests/test_faults.py", "tests/test_fetch.py",
         "tests/test_properties.py", "tests/test_sending.py", "tests/test_workers.py",
         "tests/test_bot_e2e.py"]
MUST_BE_ZERO = ("crashes", "lost_replies", "lost_committed_events", "disallowed_requests")


def run_tests(report: Path) -> int:
    env = {**os.environ, "RESILIENCE_FIGURES": str(report)}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             *TESTS], cwd=ROOT, env=env, capture_output=True, text=True)
    summary = [line for line in result.stdout.splitlines() if line.strip()][-1:]
    print(f"tests: {' '.join(summary)} ({time.monotonic() - started:.0f} s; "
          f"{', '.join(Path(t).stem for t in TESTS)})")
    if result.returncode:
        print(result.stdout[-4000:])
    return result.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-bench", action="store_true", help="figures only, no benchmarks")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "figures.jsonl"
        status = run_tests(report)
        counts = totals(report)
    width = max(len(label) for label in FIGURES.values())
    for name, label in FIGURES.items():
        print(f"  {label:<{width}}  {counts[name]}")
    failed = [name for name in MUST_BE_ZERO if counts[name]]
    if failed:
        print(f"NOT ZERO: {', '.join(failed)}")
    if not args.no_bench:
        for script in ("bench/bot_load.py", "bench/growth.py"):
            print()
            status |= subprocess.run([sys.executable, script], cwd=ROOT).returncode
    print("command: python bench/resilience.py " + " ".join(sys.argv[1:]))
    return 1 if status or failed else 0


if __name__ == "__main__":
    sys.exit(main())
