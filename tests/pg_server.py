"""A real PostgreSQL server for the tests: `initdb` + `pg_ctl` in a temporary directory, on
a free loopback port, stopped by PID at the end of the session. As root, the server runs
as the `postgres` user (PostgreSQL refuses root), in a directory that user owns.

`postgres_url` gives each test a database of its own on that server. A missing PostgreSQL
fails the tests that need it, with how to install it: never a silent skip.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

INSTALL_HINT = ("PostgreSQL is not installed: `apt-get install -y --no-install-recommends "
                "postgresql` (Debian/Ubuntu) puts initdb and pg_ctl in "
                "/usr/lib/postgresql/*/bin")
START_SECONDS = 60.0


def _binary(name: str) -> str | None:
    """`name` on PATH, or in the newest /usr/lib/postgresql/*/bin (Debian's place)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda path: int(Path(path).parts[-3]))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class PostgresServer:
    port: int
    pid: int
    directory: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _start(base: Path) -> PostgresServer:
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(base, user.pw_uid, user.pw_gid)
    data, port = base / "data", _free_port()
    _run(_as_server_user([initdb, "-D", str(data), "-U", "postgres", "-A", "trust",
                          "-E", "UTF8", "--no-sync", "--no-instructions"]), base=base)
    # Only loopback TCP; the Unix socket in the temporary directory, not /var/run. No
    # fsync: the data lives for one test session.
    options = (f"-p {port} -c listen_addresses=127.0.0.1 -k {base} -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off")
    _run(_as_server_user([pg_ctl, "-D", str(data), "-o", options,
                          "-l", str(base / "server.log"), "-w",
                          "-t", str(int(START_SECONDS)), "start"]), base=base)
    return PostgresServer(port=port, pid=_pid(data), directory=base)


def _pid(data: Path) -> int:
    return int((data / "postmaster.pid").read_text().split()[0])


def restart(server: PostgresServer) -> PostgresServer:
    """Restart the server ("fast": every connection is cut), on the same port and data."""
    pg_ctl, data = _binary("pg_ctl"), server.directory / "data"
    assert pg_ctl is not None
    # pg_ctl restart reuses the options of the last start (postmaster.opts).
    _run(_as_server_user([pg_ctl, "-D", str(data), "-l", str(server.directory / "server.log"),
                          "-m", "fast", "-w", "restart"]), base=server.directory)
    return PostgresServer(port=server.port, pid=_pid(data), directory=server.directory)


def _run(command: list[str], *, base: Path) -> None:
    """Run a setup step; if it fails, fail the tests with its output and the server log."""
    done = subprocess.run(command, capture_output=True, text=True,
                          timeout=START_SECONDS + 60, check=False)
    if done.returncode != 0:
        log = base / "server.log"
        pytest.fail(f"{' '.join(command)} failed ({done.returncode}): "
                    f"{done.stdout}{done.stderr}"
                    f"{log.read_text()[-2000:] if log.is_file() else ''}", pytrace=False)


def _stop(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGINT)  # "fast" shutdown: roll back and exit
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            os.kill(pid, 0)
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """A server of its own (the session's, or one a test restarts), stopped at the end by
    the PID it has then: a restart inside the block changes it."""
    base = Path(tempfile.mkdtemp(prefix="pg-tests-"))
    try:
        yield _start(base)
    finally:
        pid_file = base / "data" / "postmaster.pid"
        if pid_file.is_file():
            _stop(_pid(base / "data"))
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    with running_postgres() as server:
        yield server


@contextlib.contextmanager
def fresh_database(server: PostgresServer) -> Iterator[str]:
    """The URL of a new, empty database on `server`, dropped on leaving."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(server.url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.url(name)
    finally:
        with psycopg.connect(server.url(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database on the session's server; dropped after the test."""
    with fresh_database(postgres_server) as url:
        yield url
