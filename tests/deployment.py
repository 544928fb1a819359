"""The scaled deployment on one machine, for the scale tests and `bench/scale.py`.

Redis, PostgreSQL, the Bot API emulator pushing updates to a webhook, a round-robin proxy,
N front-ends (`python -m bot serve`) behind it and M Celery worker nodes
(`python -m bot worker`), every one a real process on 127.0.0.1, configured only through
its environment, as an operator would run them. Tests and the bench SIGKILL any of them,
restart them, and read their memory.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from tests.botproc import ROOT, children_of


def pss_kb(pid: int) -> int:
    """Proportional set size: pages shared between processes (a forked worker's copy of
    the spaCy model) count once in total, split between the sharers."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class ServiceProcess:
    """One component as its own process (and process group). `start()` returns once
    `ready(self)` is true."""

    def __init__(self, name: str, argv: list[str], *, workdir: Path, env: dict[str, str],
                 ready: Callable[[ServiceProcess], bool]) -> None:
        self.name, self.argv, self.workdir, self.ready = name, argv, workdir, ready
        self.env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT),
                    "PYTHONUNBUFFERED": "1", **env}
        self.log_path = workdir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout: float = 120) -> ServiceProcess:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self._log.write(f"---- start {time.strftime('%H:%M:%S')}\n".encode())
        self._log.flush()
        self._log_start = self.log_path.stat().st_size
        self.process = subprocess.Popen([sys.executable, *self.argv], cwd=self.workdir,
                                        env=self.env, stdin=subprocess.DEVNULL,
                                        stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        while not self.ready(self):
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n"
                                   + self.log_text()[-3000:])
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} did not start:\n" + self.log_text()[-3000:])
            time.sleep(0.05)
        return self

    def log_since_start(self) -> str:
        with self.log_path.open("rb") as log:
            log.seek(self._log_start)
            return log.read().decode(errors="replace")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def tree(self) -> list[int]:
        return [self.pid, *children_of(self.pid)] if self.alive() else []

    def pss_mb(self) -> float:
        return sum(pss_kb(pid) for pid in self.tree()) / 1024

    def kill(self) -> None:
        """SIGKILL the whole process group, as a lost machine would end it."""
        if self.alive():
            os.killpg(self.pid, signal.SIGKILL)
            assert self.process is not None
            self.process.wait(10)

    def stop(self, timeout: float = 60) -> None:
        """SIGTERM to the group (a supervisor's stop), SIGKILL if it lingers."""
        if self.alive():
            assert self.process is not None
            os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_text(self) -> str:
        if self._log is not None:
            self._log.flush()
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
