"""How the bot's worker processes (analysis, page extraction) are started and how they behave.

They run at a lower CPU priority: analysis is batch work, and on a small machine a pool that
keeps every core busy must not delay the event loop that answers /help and sends replies.

They live exactly as long as the bot that started them. Two failure modes this prevents:
- `systemctl stop`, `docker stop` and Ctrl-C signal the whole process group. Workers that
  died on that signal would fail the analyses in flight, although the bot is about to
  finish them and shut the pool down itself. So workers ignore SIGINT and SIGTERM.
- A bot killed with SIGKILL (or by the OOM killer) cannot shut its pool down, and a
  worker blocked on its job queue never notices: it would live on, holding ~200 MB for
  spaCy, and a restarted bot would start a second set. So each worker watches the bot's
  process and exits when it is gone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from multiprocessing.context import SpawnContext, SpawnProcess
from pathlib import Path

CHECK_EVERY = 0.5  # seconds between checks that the bot is still alive
WORKER_NICENESS = 10  # CFS then gives a waking event loop ~9x the weight of a busy worker


class _KilledOnTerminate(SpawnProcess):
    """A worker that `terminate()` kills: it ignores SIGTERM (see `become_worker`), and a
    pool stopping it (a task past its time limit, shutdown) would otherwise wait 3 s for a
    SIGTERM that does nothing before it sent SIGKILL."""

    def terminate(self) -> None:
        self.kill()


class _WorkerContext(SpawnContext):
    Process = _KilledOnTerminate


# 'spawn': a fresh interpreter, so workers inherit neither the event loop nor sockets
# (fork would copy them). Not 'forkserver': a stop signal to the process group kills the
# fork server, and a pool then counts every worker as dead, failing the analyses that the
# bot was about to finish during a clean shutdown.
WORKER_CONTEXT = _WorkerContext()


def proc_stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first, then the parent
    pid), or None when the process is gone or there is no /proc."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def process_alive(pid: int) -> bool:
    """True while `pid` runs; a zombie (dead, not yet reaped) counts as gone."""
    fields = proc_stat(pid)
    if fields is not None:
        return fields[0] != "Z"
    if Path("/proc/self").exists():
        return False  # Linux, and the process is gone
    try:  # no /proc: ask the kernel whether the pid exists
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _watch(pid: int) -> None:
    while process_alive(pid):
        time.sleep(CHECK_EVERY)
    os._exit(0)  # nothing to clean up: the job, if any, has nobody to report to


def become_worker(bot_pid: int) -> None:
    """Call first thing in a worker process started by the bot (pid `bot_pid`)."""
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=_watch, args=(bot_pid,), name="lifeline", daemon=True).start()
