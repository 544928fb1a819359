"""Real servers for the tests, started on free loopback ports in temporary directories and
stopped by PID: Redis for the shared state of N front-ends (bot/redis_state).

A missing server binary fails the tests that need it, with how to install it: never a
silent skip (CI installs it in .ci/run).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.redis_state import connect

START_SECONDS = 10.0
INSTALL_REDIS = ("redis-server is not installed: `apt-get install -y --no-install-recommends "
                 "redis-server` (Debian/Ubuntu) or `brew install redis`; the Redis tests need "
                 "it, and .ci/run installs it")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"redis-server did not listen on port {port} in {START_SECONDS} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """By its PID: SIGTERM, then SIGKILL if it lingers."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


class RedisServer:
    """redis-server on a loopback port, without persistence (`--save ""`, no AOF): what
    the deployment keeps in Redis is lost by a restart, by design (README, deployment)."""

    def __init__(self, directory: Path, port: int | None = None) -> None:
        self.directory, self.port = directory, port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError(INSTALL_REDIS)
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory),
             "--logfile", str(self.directory / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for_port(self.port, self.process)
        return self

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)

    def restart(self) -> None:
        """Stop and start again on the same port: empty, as after a crash."""
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Redis server of its own for the session, without persistence, on 127.0.0.1."""
    if shutil.which("redis-server") is None:
        pytest.fail(INSTALL_REDIS)
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis server of the test's own, for a test that restarts or stops it."""
    if shutil.which("redis-server") is None:
        pytest.fail(INSTALL_REDIS)
    server = RedisServer(tmp_path / "redis")
    server.directory.mkdir()
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
async def redis_clients(redis_url: str) -> AsyncIterator[Callable[[], Redis]]:
    """Makes clients (each with its own connection pool, as N front-ends have) on an
    emptied database; all are closed after the test."""
    clients: list[Redis] = []

    def make() -> Redis:
        clients.append(connect(redis_url))
        return clients[-1]

    await make().flushdb()
    yield make
    for client in clients:
        await client.aclose()
