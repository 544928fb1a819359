"""Where the benchmarks find the evaluation files, and one clear exit when they are missing.

The dev files live in ``../shared/eval`` beside the repository (its README.md describes
them); they are read at run time and never copied here. A fresh clone does not have
them, so every benchmark that reads them calls `require` before any work: a missing
file then gives one message that names it and says where it was looked for, and exit
status 2 — not a traceback from deep inside a scorer.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVAL_DIR = ROOT.parent / "shared" / "eval"
MISSING_STATUS = 2


def eval_dir() -> Path:
    """``$EVAL_DIR`` if set, else ``../shared/eval`` beside the repository."""
    return Path(os.environ.get("EVAL_DIR") or DEFAULT_EVAL_DIR)


def missing_message(missing: list[Path]) -> str:
    """What is missing, where it was looked for, and how to point the benchmark at it."""
    names = "\n".join(f"  {path}" for path in missing)
    return (f"error: the evaluation data this benchmark reads is missing:\n{names}\n"
            "The dev files are not part of this repository: they live in ../shared/eval "
            "beside it (see its README.md). Put them there or set EVAL_DIR to the folder "
            "that holds them (some benchmarks also take a file option: see --help).")


def require(*paths: Path | str) -> None:
    """Exit with `missing_message` (status 2) unless every path exists."""
    missing = [Path(path) for path in paths if not Path(path).exists()]
    if missing:
        print(missing_message(missing), file=sys.stderr)
        raise SystemExit(MISSING_STATUS)
