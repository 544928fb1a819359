"""One component of the bot as a real child process (`python -m bot ...`), configured only
through its environment, as an operator runs it: started in its own process group with its
output in a log file, ready when its own check says so, SIGKILLed or stopped by PID, its
process tree's memory read from /proc. `BotProcess` (tests/botproc.py), `WorkerNode`
(tests/celery_node.py) and the components of `Deployment` (tests/deployment.py) are all one.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Self

from bot.worker_process import proc_stat

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def children_of(pid: int) -> list[int]:
    """Every descendant of `pid` (analysis and extraction workers, multiprocessing's resource
    tracker), from /proc: each thread's `children` list where the kernel has it (cheap
    enough to sample every half second under load), else a scan of every process."""
    found, frontier = [], [pid]
    while frontier:
        kids = _direct_children(frontier.pop())
        if kids is None:
            return _children_by_scan(pid)
        found += kids
        frontier += kids
    return found


def _direct_children(pid: int) -> list[int] | None:
    """`pid`'s children ([] once it is gone); None where /proc does not list them."""
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return []
    kids: list[int] = []
    for task in tasks:
        try:
            kids += [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:
            if not task.exists():
                continue  # the thread ended meanwhile
            return None  # a kernel without CONFIG_PROC_CHILDREN
        except OSError:
            continue
    return list(dict.fromkeys(kids))


def _children_by_scan(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := proc_stat(int(entry.name))) is not None:
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [child for child, ppid in parents.items() if ppid == parent]
        found += kids
        frontier += kids
    return found


def _status_kb(pid: int, path: str, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{path}").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_kb(pid: int) -> int:
    return _status_kb(pid, "status", "VmRSS:")


def pss_kb(pid: int) -> int:
    """Proportional set size: pages shared between processes (a forked worker's copy of
    the spaCy model) count once in total, split between the sharers."""
    return _status_kb(pid, "smaps_rollup", "Pss:")


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user and system) the processes have used, with their reaped children's."""
    ticks = 0
    for pid in pids:
        if (fields := proc_stat(pid)) is not None:
            ticks += sum(int(value) for value in fields[11:15])
    return ticks / CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU time every process on the machine has used since boot (all CPUs together)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def log_says(text: str) -> Callable[[ServiceProcess], bool]:
    """A readiness check: `text` appeared in the log since the latest start."""
    return lambda service: text in service.log_since_start()


class ServiceProcess:
    """One component as its own process (and process group), logging to
    `workdir/<name>.log`. `start()` returns once `ready(self)` is true."""

    # Whether stop()'s SIGTERM goes to the whole group (a supervisor's stop) or to the
    # parent alone (which then stops its children its own way).
    terminate_group = True

    def __init__(self, name: str, argv: list[str], *, workdir: Path, env: dict[str, str],
                 ready: Callable[[ServiceProcess], bool]) -> None:
        self.name, self.argv, self.workdir, self.ready = name, argv, workdir, ready
        self.env = {"PATH": os.environ.get("PATH", ""),
                    # The bot of this checkout, not whichever one the virtualenv installed.
                    "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", **env}
        self.log_path = workdir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0  # time.monotonic() of the latest launch
        self.starts = 0
        self._log: IO[bytes] | None = None
        self._log_start = 0

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def launch(self) -> None:
        """Start the process without waiting for it (several start at once this way)."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self._log is None:
            self._log = self.log_path.open("ab")
        self._log.write(f"---- start {time.strftime('%H:%M:%S')}\n".encode())
        self._log.flush()
        self._log_start = self.log_path.stat().st_size
        self.started_at = time.monotonic()
        # Its own session: a signal meant for the test runner does not reach it, and
        # kill() ends its whole tree.
        self.process = subprocess.Popen([sys.executable, *self.argv], cwd=self.workdir,
                                        env=self.env, stdin=subprocess.DEVNULL,
                                        stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self.starts += 1

    def wait_ready(self, timeout: float = 120) -> Self:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while not self.ready(self):
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n"
                                   + self.log_text()[-3000:])
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} did not get ready:\n"
                                   + self.log_text()[-3000:])
            time.sleep(0.05)
        return self

    def start(self, timeout: float = 120) -> Self:
        self.launch()
        return self.wait_ready(timeout)

    def log_since_start(self) -> str:
        if self._log is not None:
            self._log.flush()
        with self.log_path.open("rb") as log:
            log.seek(self._log_start)
            return log.read().decode(errors="replace")

    def log_text(self) -> str:
        if self._log is not None:
            self._log.flush()
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def children(self) -> list[int]:
        return children_of(self.pid) if self.alive() else []

    def tree(self) -> list[int]:
        return [self.pid, *children_of(self.pid)] if self.alive() else []

    def rss_mb(self) -> float:
        return sum(rss_kb(pid) for pid in self.tree()) / 1024

    def pss_mb(self) -> float:
        return sum(pss_kb(pid) for pid in self.tree()) / 1024

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.tree())

    def kill(self) -> None:
        """SIGKILL the whole process group at once, as a machine that vanishes."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            self.process.wait(10)

    def terminate(self, timeout: float = 120) -> int:
        """SIGTERM (to the group, or the parent: `terminate_group`); the exit code."""
        assert self.process is not None
        if self.terminate_group:
            os.killpg(self.pid, signal.SIGTERM)
        else:
            os.kill(self.pid, signal.SIGTERM)
        return self.process.wait(timeout)

    def stop(self, timeout: float = 60) -> None:
        """terminate(), SIGKILL if it lingers, and SIGKILL what is left of its group."""
        if self.alive():
            try:
                self.terminate(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
            with contextlib.suppress(ProcessLookupError):  # children that outlived it
                os.killpg(self.pid, signal.SIGKILL)
        if self._log is not None:
            self._log.close()
            self._log = None
