"""The scaled deployment under load, end to end: Bot API emulator -> round-robin proxy -> N
`python -m bot serve` front-ends -> Celery (Redis) -> M `python -m bot worker` nodes, with
PostgreSQL as the store; every component a real process on 127.0.0.1 (tests/deployment.py).

    python bench/scale.py [--quick] [--chats 50] [--rounds 3] [--samples 20] [--helps 20]

One deployment (2 front-ends, 2 worker nodes of one child each), measured side by side:

- throughput when `--chats` chats paste a different ~800-word article at once, rounds
  alternating between 1 and 2 workers (the second node's consumer cancelled by Celery remote
  control, then added back) and between 1 and 2 front-ends (the proxy skips the second);
  every reply checked: one breakdown per chat, equal to the single-process bot's;
- reply p50/p95 for one pasted article, the deployment idle;
- /help p99 while the workers are saturated (`--helps` per round and configuration);
- PSS of each front-end and worker node tree, idle and peak (in a burst of its own, after
  the timed rounds; a node of 2 children too);
- faults under ~20 chats in flight (closed loop: each reply lets a new chat paste): a worker
  child SIGKILLed mid-job, a worker node SIGKILLed, a front-end SIGKILLed, PostgreSQL
  restarted, Redis restarted. Killed processes are restarted at once, as a supervisor
  would. JOB_VISIBILITY_SECONDS is 10 here (30 by default): a job on a killed node comes
  back after it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.celery_workers.app import QUEUE  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.deployment import Deployment  # noqa: E402
from tests.deployment_load import POLL_SECONDS, Load, PSSPeaks, Replies  # noqa: E402
from tests.processes import machine_busy_seconds  # noqa: E402

VISIBILITY_SECONDS = 10
IN_FLIGHT = 20
CONFIGS = {"1 worker": (1, 2), "2 workers": (2, 2), "1 front-end": (2, 1)}  # (workers, fronts)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


class Bench:
    def __init__(self, deployment: Deployment, args: argparse.Namespace) -> None:
        self.deployment, self.args = deployment, args
        self.load = Load(deployment.botapi)
        self.control = deployment.celery_control()
        self.workers = 2
        self.rates: dict[str, list[float]] = {name: [] for name in CONFIGS}
        self.helps: list[float] = []
        self.checked: list[int] = []  # chats whose reply is compared with the idle one
        self.problems: list[str] = []
        self.two_child_cpu: dict[str, float] = {}
        self.saturated = True  # every /help was timed while a burst's replies were due
        self.pss: dict[str, float] = {}
        self.faults: dict[str, dict[str, Any]] = {}
        # CPU seconds per article by component, summed over the rounds of each configuration
        self.cpu: dict[str, dict[str, float]] = {name: defaultdict(float) for name in CONFIGS}

    # ------------------------------------------------------------ configurations
    def set_workers(self, count: int) -> None:
        """Cancel (1) or add back (2) the consumer of the second node, and check it took."""
        if count == self.workers:
            return
        name = self.deployment.worker_name(1)
        act = self.control.control.cancel_consumer if count == 1 \
            else self.control.control.add_consumer
        answers = act(QUEUE, destination=[name], reply=True, timeout=5)
        if not answers:
            raise RuntimeError(f"{name} did not answer the remote control: {answers}")
        self.workers = count

    def configure(self, config: str) -> None:
        workers, fronts = CONFIGS[config]
        self.set_workers(workers)
        self.deployment.proxy.set_down(1, fronts == 1)

    # ------------------------------------------------------------ measurements
    async def burst(self, config: str) -> None:
        """`--chats` articles at once; /help timed while they saturate the workers."""
        self.configure(config)
        cpu_before = self.cpu_seconds()
        crowd = self.load.send_articles(self.args.chats)
        started = min(self.load.sent_at[chat] for chat in crowd)
        for _ in range(self.args.helps):
            self.helps.append(await self.load.help_time())
            await asyncio.sleep(0.02)
        helps_done = time.monotonic()
        replies = await self.load.wait_replies(crowd, timeout=600)
        last = max((times[0] for chat in crowd if (times := replies.breakdowns.get(chat))),
                   default=time.monotonic())
        self.rates[config].append(len(crowd) / (last - started))
        cpu_after = self.cpu_seconds()
        for part, seconds in cpu_after.items():
            self.cpu[config][part] += (seconds - cpu_before[part]) / len(crowd)
        # Processes outside the deployment (the machine may be shared) in the same time
        self.cpu[config]["other processes"] = self.cpu[config]["machine"] - sum(
            seconds for part, seconds in self.cpu[config].items()
            if part not in ("machine", "other processes"))
        self.saturated &= helps_done < last
        self.check_counts(f"burst {config}", crowd, replies)
        self.checked += crowd

    def cpu_seconds(self) -> dict[str, float]:
        return {**self.deployment.cpu_seconds(), "machine": machine_busy_seconds()}

    def check_counts(self, label: str, chats: list[int], replies: Replies) -> None:
        for chat in chats:
            count = len(replies.breakdowns.get(chat, []))
            if count != 1 or replies.others.get(chat):
                self.problems.append(f"{label}: chat {chat} got {count} breakdowns, "
                                     f"other replies {replies.others.get(chat, [])[:1]}")

    async def latency(self) -> list[float]:
        times = []
        for _ in range(self.args.samples):
            times.append(await self.load.reply_time())
        return times

    async def memory_burst(self) -> None:
        """A burst like the 2-worker rounds', its replies counted and checked but not timed."""
        crowd = self.load.send_articles(self.args.chats)
        replies = await self.load.wait_replies(crowd, timeout=600)
        self.check_counts("memory burst", crowd, replies)
        self.checked += crowd

    async def two_child_node(self) -> None:
        """A node of 2 children alone: idle PSS, and peak PSS and throughput under a burst."""
        deployment = self.deployment
        node = deployment.worker_node(2, concurrency=2)
        deployment.worker_nodes.append(node)
        await asyncio.to_thread(node.start)
        for index in (0, 1):
            self.control.control.cancel_consumer(QUEUE, destination=[deployment.worker_name(index)],
                                                 reply=True, timeout=5)
        await asyncio.sleep(1)
        self.pss["worker-2 (2 children) idle"] = node.pss_mb()
        # warm both children (their first jobs fault pages in), as the 1-child nodes were
        await self.load.wait_replies(self.load.send_articles(4), timeout=60)
        cpu_before = self.cpu_seconds()
        with PSSPeaks(deployment) as peaks:
            crowd = self.load.send_articles(self.args.chats)
            started = min(self.load.sent_at[chat] for chat in crowd)
            replies = await self.load.wait_replies(crowd, timeout=600)
        cpu = {part: (seconds - cpu_before[part]) / len(crowd)
               for part, seconds in self.cpu_seconds().items()}
        self.two_child_cpu = {"worker children": cpu["worker children"],
                              "machine": cpu["machine"], "other processes": cpu["machine"] - sum(
                                  seconds for part, seconds in cpu.items() if part != "machine")}
        last = max(t[0] for chat in crowd if (t := replies.breakdowns.get(chat)))
        self.pss["worker-2 (2 children) peak"] = peaks.peak[node.name]
        self.pss["throughput, 1 node of 2 children (/s)"] = len(crowd) / (last - started)
        self.check_counts("2-child node", crowd, replies)
        self.checked += crowd
        for index in (0, 1):
            self.control.control.add_consumer(QUEUE, destination=[deployment.worker_name(index)],
                                              reply=True, timeout=5)
        node.stop()
        deployment.worker_nodes.remove(node)

    # ------------------------------------------------------------ faults
    async def fault(self, label: str, inject: Callable[[], Any]) -> None:
        """~IN_FLIGHT chats in flight (closed loop) for `--before` s, then `inject` (in a
        thread, while the load goes on), `--after` s more, then wait for every reply."""
        load, args = self.load, self.args
        chats: list[int] = []
        started = time.monotonic()
        fault_at: float | None = None
        injecting: asyncio.Task[Any] | None = None
        runs_before = self.job_runs()
        while True:
            now = time.monotonic()
            if fault_at is None and now - started >= args.before:
                fault_at = now
                injecting = asyncio.create_task(asyncio.to_thread(inject))
            if fault_at is not None and now - fault_at >= args.after:
                break
            replied = load.replies().breakdowns
            pending = sum(1 for chat in chats if not replied.get(chat))
            if pending < IN_FLIGHT:
                chats += load.send_articles(IN_FLIGHT - pending)
            await asyncio.sleep(POLL_SECONDS)
        assert injecting is not None and fault_at is not None
        await injecting
        replies = await load.wait_replies(chats, timeout=args.drain)
        self.faults[label] = summarize_fault(load, chats, replies, fault_at,
                                             runs=self.job_runs() - runs_before,
                                             after=args.after)

    def job_runs(self) -> int:
        """Analysis jobs the worker nodes have received so far (a retry counts again)."""
        return sum(_received(node.log_text()) for node in self.deployment.worker_nodes)

    def kill_busy_child(self) -> None:
        deadline = time.monotonic() + 10
        while self.deployment.kill_worker_child(0) is None:
            if time.monotonic() > deadline:
                raise RuntimeError("no busy worker child to kill")
            time.sleep(0.05)

    def kill_and_restart(self, kill: Callable[[int], None], restart: Callable[[int], None],
                         index: int) -> None:
        kill(index)
        restart(index)


def _received(log: str) -> int:
    return sum(1 for line in log.splitlines() if "bot.analyze[" in line and "received" in line)


def summarize_fault(load: Load, chats: list[int], replies: Replies, fault_at: float, *,
                    runs: int, after: float) -> dict[str, Any]:
    """Lost, duplicate and error replies; seconds from the fault until every chat in flight
    at the fault had its reply, and until 3 s of replies came at >= 80 % of the rate of the
    6 s before the fault."""
    firsts = {chat: times[0] for chat, times in replies.breakdowns.items() if times}
    in_flight = [chat for chat in chats if load.sent_at[chat] < fault_at
                 and firsts.get(chat, fault_at + 1e9) > fault_at]
    arrivals = sorted(firsts[chat] for chat in chats if chat in firsts)
    baseline = sum(1 for t in arrivals if fault_at - 6 <= t < fault_at) / 6
    back = float("nan")
    start = fault_at
    while start + 3 <= fault_at + after:
        if sum(1 for t in arrivals if start <= t < start + 3) >= 0.8 * baseline * 3:
            back = start - fault_at
            break
        start += 0.25
    return {
        "chats": len(chats), "in_flight": len(in_flight),
        "lost": [chat for chat in chats if chat not in firsts],
        "duplicates": [chat for chat in chats if len(replies.breakdowns.get(chat, [])) > 1],
        # when each duplicate's replies came, in seconds from the fault: the mechanism
        "duplicate_times": [[round(t - fault_at, 2) for t in replies.breakdowns[chat]]
                            for chat in chats if len(replies.breakdowns.get(chat, [])) > 1],
        "errors": [replies.others[chat][0][:80] for chat in chats if replies.others.get(chat)],
        "all_replied_s": max((firsts.get(chat, float("inf")) for chat in in_flight),
                             default=fault_at) - fault_at,
        "throughput_back_s": back, "baseline_rate": baseline, "job_runs": runs,
    }


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    env = {"JOB_VISIBILITY_SECONDS": str(VISIBILITY_SECONDS),
           "WEBHOOK_MAX_CONNECTIONS": str(args.max_connections)}
    workdir = Path(args.workdir) if args.workdir else None  # kept: every component's log
    with Deployment(front_ends=2, worker_nodes=2, concurrency=1, env=env,
                    workdir=workdir) as deployment:
        bench = Bench(deployment, args)
        await asyncio.sleep(1.0)
        idle = deployment.pss_mb()
        latency = await bench.latency()
        for round_number in range(args.rounds):
            order = list(CONFIGS)
            for config in order if round_number % 2 == 0 else reversed(order):
                await bench.burst(config)
        bench.configure("2 workers")
        # Peak PSS in a burst of its own: the sampler's /proc reads (smaps_rollup walks
        # every page table) took CPU from the throughput rounds it watched.
        with PSSPeaks(deployment) as peaks:
            await bench.memory_burst()
        await bench.two_child_node()
        faults: list[tuple[str, Callable[[], Any]]] = [
            ("(a) worker child SIGKILLed", bench.kill_busy_child),
            ("(b) worker node SIGKILLed", lambda: bench.kill_and_restart(
                deployment.kill_worker_node, deployment.restart_worker_node, 0)),
            ("(c) front-end SIGKILLed", lambda: bench.kill_and_restart(
                deployment.kill_front_end, deployment.restart_front_end, 0)),
            ("(d) PostgreSQL restarted", deployment.restart_postgres),
            ("(e) Redis restarted", deployment.restart_redis),
        ]
        fault_chats: list[int] = []
        for label, inject in faults:
            if args.only_faults and not any(label.startswith(f"({key})")
                                             for key in args.only_faults):
                continue
            first = next(bench.load.chats)
            await bench.fault(label, inject)
            # a sample of each round's replies is compared with the idle reply too
            fault_chats += [chat for chat in range(first + 1, first + 11)
                            if chat in bench.load.texts]
        sent = bench.load.sent_html(set(bench.checked + fault_chats))
    wrong = bench.load.wrong_replies(bench.checked + fault_chats, sent)
    return {"bench": bench, "idle": idle, "peak": dict(peaks.peak), "latency": latency,
            "wrong": wrong, "checked": len(bench.checked) + len(fault_chats)}


def ratio_cell(ratios: list[float]) -> str:
    return (f"median {statistics.median(ratios):.2f} (range {min(ratios):.2f}-"
            f"{max(ratios):.2f}; rounds {', '.join(f'{r:.2f}' for r in ratios)})")


def print_table(result: dict[str, Any], args: argparse.Namespace, wall: float) -> None:
    bench: Bench = result["bench"]
    rates, latency, helps = bench.rates, result["latency"], bench.helps
    rows: list[tuple[str, str, str]] = [
        ("throughput 1 worker, median (articles/s)",
         f"{statistics.median(rates['1 worker']):.2f}", ""),
        ("throughput 2 workers, median (articles/s)",
         f"{statistics.median(rates['2 workers']):.2f}", ""),
        ("throughput 1 front-end + 2 workers (/s)",
         f"{statistics.median(rates['1 front-end']):.2f}", ""),
        *[(f"CPU s per article, {config}", "  ".join(
            f"{part} {seconds / len(rates[config]):.3f}" for part, seconds
            in bench.cpu[config].items()), "") for config in CONFIGS],
        ("ratio 2 workers / 1 worker", ratio_cell(
            [b / a for a, b in zip(rates["1 worker"], rates["2 workers"], strict=True)]),
         ">= 1.7"),
        ("ratio 2 front-ends / 1 front-end", ratio_cell(
            [b / a for a, b in zip(rates["1 front-end"], rates["2 workers"], strict=True)]),
         ""),
        ("reply p50, idle, 2 workers (s)", f"{statistics.median(latency):.3f}", "<= 0.5"),
        ("reply p95, idle, 2 workers (s)", f"{percentile(latency, .95):.3f}", ""),
        (f"/help p50 under saturation ({len(helps)} samples) (s)",
         f"{statistics.median(helps):.3f}", ""),
        ("/help p99 under saturation (s)", f"{percentile(helps, .99):.3f}",
         "report (1 process: 0.081)"),
        ("/help slowest under saturation (s)", f"{max(helps):.3f}", ""),
    ]
    for name, mb in result["idle"].items():
        rows.append((f"PSS {name} tree, idle / peak (MB)",
                     f"{mb:.0f} / {result['peak'].get(name, float('nan')):.0f}", ""))
    rows.append(("PSS worker node of 2 children, idle / peak (MB)",
                 f"{bench.pss['worker-2 (2 children) idle']:.0f} / "
                 f"{bench.pss['worker-2 (2 children) peak']:.0f}", "<= 350"))
    rows.append(("throughput, 1 node of 2 children (/s)",
                 f"{bench.pss['throughput, 1 node of 2 children (/s)']:.2f} (CPU s per article: "
                 + "  ".join(f"{part} {seconds:.3f}" for part, seconds
                             in bench.two_child_cpu.items()) + ")", ""))
    for label, fault in bench.faults.items():
        rows.append((f"{label}: lost / duplicate / error replies",
                     f"{len(fault['lost'])} / {len(fault['duplicates'])} / "
                     f"{len(fault['errors'])} of {fault['chats']}", "lost 0"))
        rows.append((f"{label}: all replied / throughput back (s)",
                     f"{fault['all_replied_s']:.1f} / {fault['throughput_back_s']:.1f} "
                     f"({fault['in_flight']} in flight; {fault['job_runs']} job runs)", ""))
    print(f"scaled deployment, 2 front-ends + 2 worker nodes (1 child each), 2 CPUs: "
          f"{args.chats} chats at once x {args.rounds} rounds per configuration, "
          f"{len(latency)} latency samples; JOB_VISIBILITY_SECONDS={VISIBILITY_SECONDS}, "
          f"webhook max_connections {args.max_connections}")
    width = max(len(name) for name, _, _ in rows) + 2
    for name, value, target in rows:
        print(f"{name:{width}}{value}" + (f"   target {target}" if target else ""))
    print(f"replies checked against the single-process bot's: {result['checked']}, wrong: "
          f"{len(result['wrong'])}; reply counts: {len(bench.problems)} problems; "
          f"workers saturated while /help was timed: {bench.saturated}")
    for problem in bench.problems[:10]:
        print("  " + problem)
    for label, fault in bench.faults.items():
        if fault["lost"] or fault["errors"] or fault["duplicates"]:
            print(f"  {label}: lost chats {fault['lost'][:10]}, errors {fault['errors'][:3]}, "
                  f"duplicates' reply times from the fault (s) {fault['duplicate_times'][:5]}")
    print(f"command: python bench/scale.py {' '.join(sys.argv[1:])}; wall {wall:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="2 rounds, 8 latency samples, shorter fault windows")
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--helps", type=int, default=20, help="per round and configuration")
    parser.add_argument("--before", type=float, default=8.0, help="seconds of load before a fault")
    parser.add_argument("--after", type=float, default=30.0, help="seconds of load after it")
    parser.add_argument("--drain", type=float, default=120.0, help="seconds to wait for replies")
    parser.add_argument("--max-connections", type=int,
                        default=Settings.model_fields["webhook_max_connections"].default,
                        help="the webhook's max_connections (default: the setting's, 100; "
                             "Telegram's own is 40)")
    parser.add_argument("--workdir", default="",
                        help="keep the components' logs here (default: a temporary directory)")
    parser.add_argument("--only-faults", default="abcde", help="which faults, e.g. 'ce'")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.samples, args.after = 2, 8, 25.0
        args.helps = max(args.helps, 17)  # >= 100 samples over 2 rounds x 3 configurations
    started = time.monotonic()
    result = asyncio.run(measure(args))
    print_table(result, args, time.monotonic() - started)


if __name__ == "__main__":
    main()
