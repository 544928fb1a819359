"""The command line, run as users run it: ``python -m bot breakdown …`` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow  # end to end: each test runs python -m bot in a subprocess
ROOT = Path(__file__).resolve().parent.parent
SEED_TXT = ROOT / "examples" / "seed-us-blames-russians.txt"
CONTRACT_KEYS = ["source", "language", "summary", "quotes", "dates", "claims", "text"]
QUOTE_KEYS = ["speaker", "role", "anonymous", "kind", "cue", "content", "start", "end"]
DATE_KEYS = ["text", "value", "key", "start", "end", "context"]
CLAIM_KEYS = ["kind", "text", "start", "end", "cues", "type"]
SHORT = "Maria Keller said that the bridge would reopen on March 3 after the repairs.\n"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"FORCE_COLOR", "PY_COLORS"}}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run([sys.executable, "-m", "bot", "breakdown", *args], cwd=ROOT,
                          input=stdin, capture_output=True, text=True, encoding="utf-8",
                          env=env, timeout=120)


def json_lines(stdout: str) -> list[dict[str, Any]]:
    """JSON Lines, or one indented object for a single source."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    try:
        return [json.loads(line) for line in lines]
    except json.JSONDecodeError:
        return [json.loads(stdout)]


@pytest.fixture(scope="module")
def seed_json() -> subprocess.CompletedProcess[str]:
    return run("--json", str(SEED_TXT))


@pytest.fixture(scope="module")
def seed_terminal() -> subprocess.CompletedProcess[str]:
    return run(str(SEED_TXT))


def test_json_output_matches_contract(seed_json: subprocess.CompletedProcess[str]) -> None:
    assert seed_json.returncode == 0, seed_json.stderr
    assert seed_json.stderr == ""
    (data,) = json_lines(seed_json.stdout)
    assert list(data) == CONTRACT_KEYS
    assert data["text"] == SEED_TXT.read_text(encoding="utf-8")
    assert data["language"] == "en"
    assert data["source"]["kind"] == "text" and data["source"]["published"] is None
    assert len(data["quotes"]) >= 10 and len(data["dates"]) >= 4 and data["claims"]
    for quote in data["quotes"]:
        assert list(quote) == QUOTE_KEYS
        assert data["text"][quote["start"] : quote["end"]] == quote["content"]
    for date in data["dates"]:
        assert list(date) == DATE_KEYS
        # no year is invented; "currently" is the present (PRESENT_REF), not a key date
        assert date["value"].startswith("XXXX-") or (
            date["value"].endswith("_REF") and not date["key"])
    for claim in data["claims"]:
        assert list(claim) == CLAIM_KEYS


def test_published_anchors_year() -> None:
    result = run("--json", "--published", "2020-02-10", str(SEED_TXT))
    assert result.returncode == 0, result.stderr
    (data,) = json_lines(result.stdout)
    assert data["source"]["published"] == "2020-02-10"
    values = {d["value"] for d in data["dates"]}
    assert {"2020-02-05", "2020-01-31", "2020-01-18", "2020-01-22"} <= values
    assert all(v.startswith("2020") for v in values if not v.endswith("_REF")), values


def test_two_sources_give_two_json_lines_in_order(tmp_path: Path) -> None:
    other = tmp_path / "short.txt"
    other.write_text(SHORT, encoding="utf-8")
    result = run("--json", str(other), str(SEED_TXT))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["text"] == SHORT
    assert second["text"] == SEED_TXT.read_text(encoding="utf-8")
    assert [q["speaker"] for q in first["quotes"]] == ["Maria Keller"]


def test_dash_reads_stdin() -> None:
    result = run("--json", "--published", "2020-02-10", "-", stdin=SHORT)
    assert result.returncode == 0, result.stderr
    (data,) = json_lines(result.stdout)
    assert data["text"] == SHORT
    assert [(q["speaker"], q["kind"]) for q in data["quotes"]] == [("Maria Keller", "indirect")]
    assert [d["value"] for d in data["dates"]] == ["2020-03-03"]


def test_missing_file_is_one_error_line(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-article.txt"
    result = run("--json", str(missing))
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:") and "no-such-article.txt" in lines[0]


def test_latin1_file_is_one_clear_error(tmp_path: Path) -> None:
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("The café owner said that prices would rise.\n".encode("latin-1"))
    result = run(str(latin))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:")
    assert "latin1.txt" in lines[0] and "UTF-8" in lines[0]


def test_bad_published_value_is_rejected() -> None:
    result = run("--published", "2020-13-45", str(SEED_TXT))
    assert result.returncode != 0
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "--published" in result.stderr and "2020-13-45" in result.stderr


def test_terminal_rendering(seed_terminal: subprocess.CompletedProcess[str]) -> None:
    assert seed_terminal.returncode == 0, seed_terminal.stderr
    out = seed_terminal.stdout
    assert "Who said what" in out
    for name in ["James Jeffrey", "Mark Lowcock", "WSJ", "watchdog group"]:
        assert name in out, name
    assert "Summary" in out and "Key dates" in out
    assert "\x1b[" not in out  # stdout is a pipe, not a TTY: no colour codes
    assert not out.lstrip().startswith("{")


def test_run_without_a_token_says_so_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    done = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env={
        **env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60,
        check=False)
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1 and "TELEGRAM_BOT_TOKEN" in done.stderr


@pytest.mark.parametrize(("command", "source"), [
    (["run"], "environment"), (["run"], ".env"), (["stats"], "environment"),
    (["breakdown", "-"], ".env"),
])
def test_a_bad_setting_stops_the_command_in_one_line(tmp_path: Path, command: list[str],
                                                     source: str) -> None:
    """ADMIN_IDS=12x: a clear line naming the setting and a non-zero status, never a
    traceback, and never a bot that starts without that admin."""
    env = {k: v for k, v in os.environ.items() if k not in {"ADMIN_IDS", "TELEGRAM_BOT_TOKEN"}}
    env |= {"PYTHONPATH": str(ROOT), "TELEGRAM_BOT_TOKEN": "123:abc",
            "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot"}  # never reached
    if source == ".env":
        (tmp_path / ".env").write_text("ADMIN_IDS=1000, 12x\n", encoding="utf-8")
    else:
        env["ADMIN_IDS"] = "12x"
    done = subprocess.run([sys.executable, "-m", "bot", *command], cwd=tmp_path, env=env,
                          input=SHORT, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("error: ADMIN_IDS=") and "'12x' is not one" in done.stderr


def test_help_says_links_are_read_too() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    overview, breakdown = (
        subprocess.run([sys.executable, "-m", "bot", *args, "--help"], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=60, check=True).stdout
        for args in ((), ("breakdown",)))
    assert "breakdown           break down articles: links, text files or stdin" in overview
    assert "Telegram bot" in overview
    assert "a link (the page is fetched" in breakdown
    assert "FETCH_ALLOW_PRIVATE=true" in breakdown


def test_a_loopback_link_is_refused_naming_the_setting_that_allows_it() -> None:
    # A literal address: nothing is resolved, and the guard refuses it before connecting.
    env = {k: v for k, v in os.environ.items() if k != "FETCH_ALLOW_PRIVATE"}
    done = subprocess.run([sys.executable, "-m", "bot", "breakdown", "--no-cache",
                           "http://127.0.0.1:9/article"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={**env, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 3 and done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("error: http://127.0.0.1:9/article: I can't open links to "
                                  "private or local network addresses.")
    assert "set FETCH_ALLOW_PRIVATE=true" in done.stderr
