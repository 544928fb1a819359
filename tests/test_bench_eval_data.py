"""Benchmarks without ../shared/eval: one clear message and status 2, never a traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
# Every benchmark that needs the eval files; reply_length.py reads them when they are
# there and measures the seed article alone otherwise.
NEEDS_EVAL = ("attribution_variants", "claim_labels", "claim_lists", "crossval_attribution",
              "tagger_tokens",
              "eval_dates", "eval_polnear", "eval_summary", "extraction", "growth", "quality",
              "rule_ablation", "speed")
OPTIONAL = ("reply_length",)


def test_every_benchmark_that_reads_the_eval_files_is_listed() -> None:
    reading = {path.stem for path in BENCH.glob("*.py")
               if re.search(r"shared/eval|eval_dir\(", path.read_text(encoding="utf-8"))}
    assert reading - {"eval_data"} == {*NEEDS_EVAL, *OPTIONAL}


@pytest.mark.slow  # twelve benchmark processes, each importing spaCy
def test_missing_eval_files_are_named_without_a_traceback(tmp_path: Path) -> None:
    env = os.environ | {"EVAL_DIR": str(tmp_path / "no-eval"), "PYTHONPATH": str(ROOT)}
    # All at once: each is a second of imports, mostly waiting.
    running = {name: subprocess.Popen([sys.executable, str(BENCH / f"{name}.py")], cwd=ROOT,
                                      env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True)
               for name in NEEDS_EVAL}
    for name, process in running.items():
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 2, (name, stderr)
        assert "Traceback" not in stderr and stdout == "", (name, stderr)
        assert stderr.startswith("error: the evaluation data this benchmark reads is missing:")
        assert str(tmp_path / "no-eval") in stderr and ".jsonl" in stderr, (name, stderr)
        assert "EVAL_DIR" in stderr and "../shared/eval" in stderr


def test_the_helper_lists_only_what_is_missing(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from eval_data import MISSING_STATUS, require
    finally:
        sys.path.remove(str(BENCH))
    present = tmp_path / "polnear-dev.jsonl"
    present.write_text("{}\n", encoding="utf-8")
    require(present)  # nothing missing: no exit
    with pytest.raises(SystemExit) as stopped:
        require(present, tmp_path / "cnndm-dev.jsonl")
    assert stopped.value.code == MISSING_STATUS == 2
    message = capsys.readouterr().err
    assert str(tmp_path / "cnndm-dev.jsonl") in message and str(present) not in message
