"""The scaled deployment on one machine, for the scale tests and `bench/scale.py`.

Redis, PostgreSQL, the Bot API emulator pushing updates to a webhook, a round-robin proxy,
N front-ends (`python -m bot serve`) behind it and M Celery worker nodes
(`python -m bot worker`), every one a real process on 127.0.0.1 (the emulator and the proxy
threads of this process), configured only through its environment, as an operator would run
them; the webhook is registered with `python -m bot set-webhook`. Tests and the bench
SIGKILL any component, restart it, and read its memory.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from tests.botapi.server import BotAPIServer
from tests.celery_node import WorkerNode
from tests.pg_server import PostgresServer, restart, running_postgres
from tests.processes import ROOT, ServiceProcess, children_of, cpu_seconds, pss_kb
from tests.round_robin import RoundRobinProxy
from tests.servers import RedisServer, free_port

__all__ = ["Deployment", "ServiceProcess", "pss_kb"]

SECRET = "deployment-secret_token"
WEBHOOK_PATH = "/telegram/updates"
HEALTH_PATH = "/healthz"  # handlers/webhook_server.py
WORKER_READY = " ready."


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{HEALTH_PATH}", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


class Deployment:
    """`front_ends` front-ends behind a proxy and `worker_nodes` worker nodes of
    `concurrency` children each, with Redis, PostgreSQL and the Bot API emulator; `env`
    adds settings for every bot process (JOB_VISIBILITY_SECONDS, say). A context manager;
    `botapi` is the emulator users write to."""

    def __init__(self, *, front_ends: int = 2, worker_nodes: int = 1, concurrency: int = 1,
                 workdir: Path | None = None, env: dict[str, str] | None = None) -> None:
        self._stack = contextlib.ExitStack()
        if workdir is None:
            workdir = Path(self._stack.enter_context(
                tempfile.TemporaryDirectory(prefix="deployment-")))
        self.workdir = workdir
        self.front_end_count, self.worker_node_count = front_ends, worker_nodes
        self.concurrency, self.extra_env = concurrency, env or {}
        self.botapi = BotAPIServer()
        self.redis = RedisServer(workdir)
        self.postgres: PostgresServer | None = None
        self.front_end_ports = [free_port() for _ in range(front_ends)]
        self.proxy = RoundRobinProxy([("127.0.0.1", port) for port in self.front_end_ports])
        self.front_ends: list[ServiceProcess] = []
        self.worker_nodes: list[WorkerNode] = []

    # ---------------------------------------------------------------- lifecycle
    def __enter__(self) -> Deployment:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> Deployment:
        """Everything, ready: the front-ends' health checks pass, the workers are ready,
        the webhook points at the proxy."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.redis.start()
        self.postgres = self._stack.enter_context(running_postgres())
        self.botapi.start()
        self.proxy.start()
        self.front_ends = [self._front_end(i) for i in range(self.front_end_count)]
        self.worker_nodes = [self.worker_node(j) for j in range(self.worker_node_count)]
        components: list[ServiceProcess] = [*self.worker_nodes, *self.front_ends]
        for component in components:  # all at once: they load their models side by side
            component.launch()
        for component in components:
            component.wait_ready()
        self.set_webhook()
        return self

    def stop(self) -> None:
        for component in [*self.front_ends, *self.worker_nodes]:
            component.stop(timeout=10)
        with contextlib.suppress(Exception):
            self.proxy.stop()
        if self.botapi.running:
            self.botapi.stop()
        self.redis.stop()
        self._stack.close()  # PostgreSQL, the temporary directory

    # ---------------------------------------------------------------- configuration
    @property
    def webhook_url(self) -> str:
        return self.proxy.url + WEBHOOK_PATH

    def bot_env(self) -> dict[str, str]:
        """The settings every bot process of the deployment shares."""
        assert self.postgres is not None
        return {
            "TELEGRAM_BOT_TOKEN": self.botapi.token,
            "TELEGRAM_BASE_URL": self.botapi.base_url,
            "REDIS_URL": self.redis.url,
            "DATABASE_URL": self.postgres.url(),
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_URL": self.webhook_url,
            "WEBHOOK_LISTEN": "127.0.0.1",
            "FETCH_ALLOW_PRIVATE": "true",  # article servers of the tests are on 127.0.0.1
            "USER_RATE_LIMIT": "10000",
            **self.extra_env,
        }

    def _front_end(self, index: int) -> ServiceProcess:
        port = self.front_end_ports[index]
        return ServiceProcess(f"front-end-{index}", ["-m", "bot", "serve"],
                              workdir=self.workdir,
                              env={**self.bot_env(), "WEBHOOK_PORT": str(port)},
                              ready=lambda _: _healthy(port))

    def worker_node(self, index: int, *, concurrency: int | None = None) -> WorkerNode:
        """Worker node `index` (not started); its Celery name is `worker_name(index)`."""
        return WorkerNode(self.redis.url, self.workdir, name=f"worker-{index}",
                          concurrency=concurrency or self.concurrency,
                          hostname=self.worker_name(index), env=self.bot_env())

    @staticmethod
    def worker_name(index: int) -> str:
        return f"worker-{index}@deployment"

    def set_webhook(self) -> None:
        """`python -m bot set-webhook`, as an operator registers the deployment once."""
        done = subprocess.run([sys.executable, "-m", "bot", "set-webhook"],
                              env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT),
                                   **self.bot_env()},
                              cwd=self.workdir, capture_output=True, text=True, timeout=60,
                              check=False)
        if done.returncode != 0:
            raise RuntimeError(f"set-webhook failed: {done.stdout}{done.stderr}")
        info = self.botapi.webhook_info()
        assert info["url"] == self.webhook_url, info

    # ---------------------------------------------------------------- faults
    def kill_front_end(self, index: int) -> None:
        """SIGKILL front-end `index` (its whole tree); the proxy then fails over."""
        self.front_ends[index].kill()

    def restart_front_end(self, index: int) -> None:
        self.front_ends[index].stop(timeout=10)
        self.front_ends[index].start()

    def kill_worker_node(self, index: int) -> None:
        """SIGKILL worker node `index`, parent and children at once."""
        self.worker_nodes[index].kill()

    def restart_worker_node(self, index: int) -> None:
        self.worker_nodes[index].stop(timeout=10)
        self.worker_nodes[index].start()

    def kill_worker_child(self, index: int) -> int | None:
        """SIGKILL the child of worker node `index` that runs a job (if exactly one does);
        its PID. The node forks a new child and the job is retried at once."""
        child = self.worker_nodes[index].busy_child()
        if child is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        return child

    def restart_redis(self) -> None:
        """Stop and start Redis on the same port: empty (no persistence), as after a crash."""
        self.redis.restart()

    def restart_postgres(self) -> None:
        """A fast restart: every connection is cut, the data stays."""
        assert self.postgres is not None
        self.postgres = restart(self.postgres)

    # ---------------------------------------------------------------- measurement
    def pss_mb(self) -> dict[str, float]:
        """PSS of each front-end's and each worker node's process tree (MB), by log name."""
        return {component.name: component.pss_mb()
                for component in [*self.front_ends, *self.worker_nodes]}

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time used so far: all front-ends, all worker nodes (parents, children), Redis,
        PostgreSQL, and this process (the emulator, the proxy and the load it generates)."""
        assert self.postgres is not None and self.redis.process is not None
        postmaster = self.postgres.pid
        times = os.times()
        return {
            "front-ends": sum(front_end.cpu_seconds() for front_end in self.front_ends),
            # a node's parent (Celery's consumer: Redis I/O, results) apart from its children
            "worker parents": sum(cpu_seconds([node.pid]) for node in self.worker_nodes
                                  if node.alive()),
            "worker children": sum(cpu_seconds(node.children()) for node in self.worker_nodes),
            "redis": cpu_seconds([self.redis.process.pid]),
            "postgres": cpu_seconds([postmaster, *children_of(postmaster)]),
            "emulator+proxy+load": times.user + times.system,
        }

    def worker_children(self, index: int) -> list[int]:
        return children_of(self.worker_nodes[index].pid)

    def celery_control(self) -> Any:
        """A Celery app on the deployment's Redis, for remote control of the nodes
        (`control.cancel_consumer`, `control.add_consumer`)."""
        from bot.celery_workers.app import make_app
        from bot.settings import Settings

        return make_app(Settings(redis_url=self.redis.url))
