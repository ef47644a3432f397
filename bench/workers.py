"""Signed SMS webhook turns per second with 1 and 2 worker processes on PostgreSQL
(`csba serve --workers N`), against a bare aiohttp handler run in the same numbers of processes.

For each worker count N (--workers, 1 and 2 by default), in this order:

* baseline xN: N processes (`python -m bench.workers --serve-baseline PORT`) of the bare
  aiohttp handler of bench.sms_turns (`await request.post()`, fixed TwiML), all bound to one
  port with SO_REUSEPORT as `csba serve --workers N` binds it;
* service xN: `python -m bot serve --demo --workers N --db <fresh database>` as an operator
  runs it (JSON logs, sweeper and outbox loops on), on a PostgreSQL database created for the
  run (CREATE DATABASE on --postgres, as tests/test_processes.py does; dropped afterwards) and
  filled beforehand with the schema, the demo data and --buyers extra buyers (bench.sms_turns's
  data set: one shipped, in-transit MFN order each). With N = 1 `csba serve` runs in one
  process; with N > 1 it starts N spawned workers sharing the ports.

The load generator is bench.sms_turns's (`drive`): one aiohttp session, --concurrency
keep-alive connections, each request a Twilio-shaped "Where is my order?" from one of the
buyers in turn with a unique MessageSid and a valid X-Twilio-Signature; a request counts when
it completes inside the measured window (after --warmup). Nothing is pinned by default: the
machine's cores are shared by the server processes, PostgreSQL and the load generator, and the
benchmark prints the CPU each of them used over the measured window (from /proc), each
worker's share (SO_REUSEPORT spreads connections, not requests, by a hash of their ports), and
the CPU milliseconds per turn of each part, from which it says what limits the figure.

    cd /work/main && .venv/bin/python -m bench.workers --seconds 10
    .venv/bin/python -m bench.workers --seconds 3 --warmup 1 --only service   # quick

The last line of output is JSON: each row's figures, the ratios against one worker and against
the baseline, and whether the target (2 workers at least 1.7 times one) is met.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bench.sms_turns import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    MAIL_DOMAIN,
    OUR_NUMBER,
    PUBLIC_URL,
    QUESTION,
    ROOT,
    PhaseResult,
    _unused_port,
    baseline_app,
    bench_dataset,
    bench_phone,
    done_with,
    drive,
)

DEFAULT_POSTGRES = os.environ.get("CSBA_TEST_POSTGRES_URL",
                                  "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
TARGET_RATIO = 1.7
CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- /proc: CPU of process trees, of PostgreSQL and of the machine -------------------------

def _processes() -> dict[int, tuple[int, str, float, float]]:
    """pid -> (ppid, command name, CPU seconds: utime + stime of all its threads, and
    cutime + cstime: the CPU of its children that have exited and been waited for)."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        name = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2:].split()
        found[int(entry.name)] = (int(fields[1]), name,
                                  (int(fields[11]) + int(fields[12])) / CLK_TCK,
                                  (int(fields[13]) + int(fields[14])) / CLK_TCK)
    return found


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal
    return (total - values[3] - values[4]) / CLK_TCK, total / CLK_TCK


@dataclass
class Snapshot:
    at: float
    tree: dict[int, float]       # the server's processes (root and descendants)
    # Every process named postgres* (server and backends), plus the backends that exited
    # (a pool closes its overflow connections), which the postmaster has reaped.
    postgres: float
    client: float                # this process (the load generator)
    machine: tuple[float, float]


def snapshot(roots: list[int]) -> Snapshot:
    procs = _processes()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    tree, todo = {}, list(roots)
    while todo:
        pid = todo.pop()
        if pid in procs and pid not in tree:
            tree[pid] = procs[pid][2]
            todo.extend(children.get(pid, []))
    postgres = sum(cpu for _, name, cpu, _ in procs.values() if name.startswith("postgres"))
    postgres += sum(reaped for ppid, name, _, reaped in procs.values()
                    if name.startswith("postgres") and not procs.get(ppid, (0, ""))[1]
                    .startswith("postgres"))
    return Snapshot(time.perf_counter(), tree, postgres, time.process_time(), _machine_busy())


# -- the servers -------------------------------------------------------------------------------

class Servers:
    """A server (one or more processes) as bench.sms_turns.drive sees it: `port`, `kind`,
    `profile`, `signal()`, `cpu_seconds()`. drive calls cpu_seconds() at the start and at the
    end of the measured window: each call also records a Snapshot, so the window's CPU of
    every part (server, PostgreSQL, load generator, machine) comes from the same instants."""

    def __init__(self, kind: str, workers: int, workdir: Path) -> None:
        self.kind, self.workers, self.workdir = kind, workers, workdir
        self.profile = None
        self.port = _unused_port()
        self.procs: list[asyncio.subprocess.Process] = []
        self.logs: list[Path] = []
        self.snapshots: list[Snapshot] = []

    def signal(self, signum: int) -> None:  # only used by drive() when profiling
        pass

    def cpu_seconds(self) -> float:
        shot = snapshot([p.pid for p in self.procs])
        self.snapshots.append(shot)
        return sum(shot.tree.values())

    async def _spawn(self, cmd: list[str], env: dict[str, str], name: str) -> None:
        log_path = self.workdir / f"{name}.log"
        with open(log_path, "wb") as log:
            proc = await asyncio.create_subprocess_exec(*cmd, cwd=ROOT, env=env,
                                                        stdout=log, stderr=log)
        self.procs.append(proc)
        self.logs.append(log_path)

    async def start_baseline(self) -> None:
        env = _env()
        for i in range(self.workers):
            await self._spawn([sys.executable, "-m", "bench.workers", "--serve-baseline",
                               str(self.port)], env, f"{self.kind}-{i}")
        await self._wait_for("READY", self.workers)

    async def start_service(self, db_url: str) -> None:
        env = {**_env(), "CSBA_TWILIO_ACCOUNT_SID": ACCOUNT_SID, "CSBA_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
               "CSBA_PUBLIC_URL": PUBLIC_URL, "CSBA_SMS_FROM": OUR_NUMBER,
               "CSBA_MAIL_DOMAIN": MAIL_DOMAIN,
               # nothing is sent during the run (SMS answers are inline): unused ports
               "CSBA_TWILIO_API_URL": f"http://127.0.0.1:{_unused_port()}",
               "CSBA_SMTP_RELAY": f"127.0.0.1:{_unused_port()}"}
        await self._spawn([sys.executable, "-m", "bot", "serve", "--demo", "--db", db_url,
                           "--http", f"127.0.0.1:{self.port}",
                           "--smtp", f"127.0.0.1:{_unused_port()}",
                           "--workers", str(self.workers)], env, self.kind)
        await self._wait_for("HTTP listening", self.workers)

    async def _wait_for(self, marker: str, count: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while True:
            text = "".join(p.read_text(errors="replace") for p in self.logs)
            if text.count(marker) >= count:
                return
            if any(p.returncode is not None for p in self.procs) or time.monotonic() > deadline:
                await self.stop()
                raise RuntimeError(f"{self.kind} did not start:\n{text[-3000:]}")
            await asyncio.sleep(0.1)

    async def stop(self) -> None:
        for proc in self.procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                await asyncio.wait_for(proc.wait(), 60)
            except TimeoutError:
                proc.kill()
                await proc.wait()

    def log_problems(self) -> list[str]:
        lines = []
        for path in self.logs:
            lines += [ln for ln in path.read_text(errors="replace").splitlines()
                      if '"ERROR"' in ln or " ERROR " in ln or "Traceback" in ln]
        return lines


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}


async def _serve_baseline(port: int) -> None:
    from aiohttp import web

    runner = web.AppRunner(baseline_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=1024, reuse_port=True)
    await site.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    print(f"READY {port}", flush=True)
    await stop.wait()
    await runner.cleanup()


# -- PostgreSQL databases ----------------------------------------------------------------------

async def create_database(server_url: str) -> str:
    name = f"csba_bench_{uuid.uuid4().hex[:12]}"
    await _as_admin(server_url, f'CREATE DATABASE "{name}"')
    return f"{server_url.rpartition('/')[0]}/{name}"


async def drop_database(server_url: str, db_url: str) -> None:
    await _as_admin(server_url,
                    f'DROP DATABASE IF EXISTS "{db_url.rpartition("/")[2]}" WITH (FORCE)')


async def _as_admin(server_url: str, statement: str) -> None:
    """One statement on the server's own database (CREATE and DROP DATABASE run outside a
    transaction, so not through SQLAlchemy's)."""
    import asyncpg

    admin = await asyncpg.connect(server_url.replace("postgresql+asyncpg://", "postgresql://"),
                                  timeout=5)
    try:
        await admin.execute(statement)
    finally:
        await admin.close()


async def prepare_database(db_url: str, buyers: int) -> None:
    """Schema, demo data, the extra buyers (bench.sms_turns.prepare_database on PostgreSQL)."""
    from bot.app import load_demo_if_empty
    from bot.clock import SystemClock
    from bot.dataset import load_dataset
    from storage.db import Database

    db = Database(db_url)
    try:
        await db.upgrade()
        clock = SystemClock()
        await load_demo_if_empty(db, clock)
        await load_dataset(db, bench_dataset(clock.now(), buyers))
    finally:
        await db.close()


# -- one row -----------------------------------------------------------------------------------

@dataclass
class Row:
    name: str
    kind: str
    workers: int
    phase: PhaseResult
    server_cpu: float = float("nan")     # cores, over the measured window
    worker_cpu: list[float] = field(default_factory=list)
    postgres_cpu: float = float("nan")
    client_cpu: float = float("nan")
    machine_busy: float = float("nan")   # cores busy on the whole machine
    cores: int = 0
    problems: int = 0

    @property
    def other_cpu(self) -> float:
        """Busy cores not in the server, PostgreSQL or the load generator: the kernel's network
        work not charged to a process (softirq), and any other process on the machine."""
        return self.machine_busy - self.server_cpu - self.postgres_cpu - self.client_cpu

    def per_turn_ms(self, cores: float) -> float:
        return cores / self.phase.rps * 1000 if self.phase.rps else float("nan")

    def summary(self) -> dict:
        out = self.phase.summary()
        out.pop("server_cpu", None)
        out["client_cpu"] = round(self.client_cpu, 3)
        out.update(workers=self.workers, server_cpu_cores=round(self.server_cpu, 3),
                   worker_cpu_cores=[round(c, 3) for c in self.worker_cpu],
                   postgres_cpu_cores=round(self.postgres_cpu, 3),
                   machine_busy_cores=round(self.machine_busy, 3), machine_cores=self.cores,
                   other_cpu_cores=round(self.other_cpu, 3),
                   cpu_ms_per_turn={"server": round(self.per_turn_ms(self.server_cpu), 3),
                                    "postgres": round(self.per_turn_ms(self.postgres_cpu), 3),
                                    "client": round(self.per_turn_ms(self.client_cpu), 3)},
                   log_errors=self.problems)
        return out


def _window(servers: Servers, row: Row) -> None:
    first, last = servers.snapshots[0], servers.snapshots[-1]
    seconds = last.at - first.at
    deltas = {pid: last.tree[pid] - first.tree.get(pid, 0.0) for pid in last.tree}
    row.server_cpu = sum(deltas.values()) / seconds
    row.worker_cpu = sorted((d / seconds for d in deltas.values() if d / seconds > 0.02),
                            reverse=True)
    row.postgres_cpu = (last.postgres - first.postgres) / seconds
    row.client_cpu = (last.client - first.client) / seconds
    busy = last.machine[0] - first.machine[0]
    total = last.machine[1] - first.machine[1]
    row.cores = os.cpu_count() or 1
    row.machine_busy = busy / total * row.cores if total else float("nan")


async def measure(kind: str, workers: int, args: argparse.Namespace, workdir: Path) -> Row:
    name = f"{kind} x{workers}"
    servers = Servers(name.replace(" ", "-"), workers, workdir)
    db_url = None
    try:
        if kind == "service":
            db_url = await create_database(args.postgres)
            t0 = time.perf_counter()
            await prepare_database(db_url, args.buyers)
            print(f"{name}: database {db_url.rpartition('/')[2]} prepared in "
                  f"{time.perf_counter() - t0:.1f} s", flush=True)
            await servers.start_service(db_url)
        else:
            await servers.start_baseline()
        print(f"{name}: pids {[p.pid for p in servers.procs]} on port {servers.port}; "
              f"{args.warmup:g} s warm-up + {args.seconds:g} s ...", flush=True)
        phones = [bench_phone(i) for i in range(args.buyers)]
        try:
            phase = await drive(servers, phones=phones, concurrency=args.concurrency,
                                warmup=args.warmup, seconds=args.seconds,
                                check_message=(kind == "service"))
        finally:
            await servers.stop()
        phase.name = name
        row = Row(name, kind, workers, phase)
        _window(servers, row)
        problems = servers.log_problems()
        row.problems = len(problems)
        if problems:
            print(f"{name}: {len(problems)} ERROR lines in its log, first: {problems[0][:300]}")
        return row
    finally:
        if db_url is not None and not args.keep:
            await drop_database(args.postgres, db_url)


# -- reporting ---------------------------------------------------------------------------------

def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def report(rows: dict[str, Row], args: argparse.Namespace) -> dict:
    cores = os.cpu_count()
    print()
    print(f"{args.concurrency} connections, {args.warmup:g} s warm-up, {args.seconds:g} s measured, "
          f"'{QUESTION}' from {args.buyers} buyers; {cores} cores, nothing pinned; CPU in cores "
          "over the measured window")
    head = (f"{'':<13}{'turns/s':>9}{'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}{'errors':>7}"
            f"{'server':>8}{'per worker':>13}{'postgres':>9}{'client':>8}{'other':>7}{'machine':>9}")
    print(head)
    print("-" * len(head))
    for r in rows.values():
        p = r.phase
        split = "/".join(f"{c:.2f}" for c in r.worker_cpu) if r.workers > 1 else ""
        print(f"{r.name:<13}{p.rps:>9.1f}{p.pct(50):>8.2f}{p.pct(90):>8.2f}{p.pct(99):>8.2f}"
              f"{sum(p.errors.values()):>7}{r.server_cpu:>8.2f}{split:>13}{r.postgres_cpu:>9.2f}"
              f"{r.client_cpu:>8.2f}{r.other_cpu:>7.2f}{r.machine_busy:>7.2f}/{r.cores}")
    print("\nCPU milliseconds per turn (cores x 1000 / turns/s):")
    for r in rows.values():
        print(f"  {r.name:<13} server {r.per_turn_ms(r.server_cpu):6.3f}  postgres "
              f"{r.per_turn_ms(r.postgres_cpu):6.3f}  client {r.per_turn_ms(r.client_cpu):6.3f}  "
              f"all {r.per_turn_ms(r.server_cpu + r.postgres_cpu + r.client_cpu):6.3f}")
    out: dict = {name: r.summary() for name, r in rows.items()}
    out.update(concurrency=args.concurrency, seconds=args.seconds, buyers=args.buyers, cores=cores)
    ratios: dict = {}
    for kind in ("baseline", "service"):
        one = rows.get(f"{kind} x1")
        for r in rows.values():
            if r.kind == kind and one is not None and r.workers != 1:
                key = f"{kind} x{r.workers}/x1"
                ratios[key] = {"rps": _ratio(r.phase.rps, one.phase.rps),
                               "p50": _ratio(r.phase.pct(50), one.phase.pct(50)),
                               "p99": _ratio(r.phase.pct(99), one.phase.pct(99))}
    for r in rows.values():
        base = rows.get(f"baseline x{r.workers}")
        if r.kind == "service" and base is not None:
            ratios[f"service/baseline x{r.workers}"] = {
                "rps": _ratio(r.phase.rps, base.phase.rps),
                "p50": _ratio(r.phase.pct(50), base.phase.pct(50)),
                "p99": _ratio(r.phase.pct(99), base.phase.pct(99))}
    print()
    for key, value in ratios.items():
        print(f"{key:<24} turns/s {value['rps']}x   p50 {value['p50']}x   p99 {value['p99']}x")
    out["ratios"] = ratios
    for r in rows.values():
        if r.phase.errors:
            print(f"{r.name}: errors {dict(r.phase.errors)}; first: {r.phase.error_sample}")
        if r.kind == "service":
            print(f"{r.name}: {r.phase.checked - r.phase.without_message}/{r.phase.checked} "
                  "replies carry <Message>")
    two = ratios.get("service x2/x1")
    if two is not None:
        met = two["rps"] is not None and two["rps"] >= TARGET_RATIO
        out["targets"] = {"two_workers_at_least_1.7x_one": met}
        print(f"target: service with 2 workers >= {TARGET_RATIO}x one worker: "
              f"{two['rps']}x {'MET' if met else 'MISSED'}")
    print(limits(rows))
    return out


def limits(rows: dict[str, Row]) -> str:
    """What the CPU figures say limits the two-worker figure."""
    two, one = rows.get("service x2"), rows.get("service x1")
    if two is None or one is None or not one.phase.rps:
        return ""
    cores = two.cores
    per_turn = (one.server_cpu + one.postgres_cpu + one.client_cpu) / one.phase.rps
    ceiling = cores / per_turn if per_turn else float("nan")
    lines = [f"\nwhat limits it: with one worker a turn costs {per_turn * 1000:.2f} ms of CPU in all "
             f"(server {one.per_turn_ms(one.server_cpu):.2f}, PostgreSQL "
             f"{one.per_turn_ms(one.postgres_cpu):.2f}, load generator "
             f"{one.per_turn_ms(one.client_cpu):.2f}), so {cores} cores fully busy allow at most "
             f"{ceiling:.0f} turns/s = {ceiling / one.phase.rps:.2f}x the one-worker figure;",
             f"with two workers the machine was {two.machine_busy:.2f} of {cores} cores busy "
             f"(server {two.server_cpu:.2f}, PostgreSQL {two.postgres_cpu:.2f}, load generator "
             f"{two.client_cpu:.2f}, other {two.other_cpu:.2f}), at "
             f"{(two.server_cpu + two.postgres_cpu + two.client_cpu) / two.phase.rps * 1000:.2f} ms "
             "of CPU per turn."]
    if two.workers > 1 and len(two.worker_cpu) >= 2:
        lines.append(f"The two workers used {' and '.join(f'{c:.2f}' for c in two.worker_cpu)} "
                     "cores (SO_REUSEPORT hashes connections, not requests, to workers).")
    return "\n".join(lines)


# -- main --------------------------------------------------------------------------------------

async def run(args: argparse.Namespace) -> dict:
    if args.client_cpu is not None:
        os.sched_setaffinity(0, {args.client_cpu})
        print(f"load generator pinned to CPU {args.client_cpu}")
    workdir = Path(tempfile.mkdtemp(prefix="csba-bench-workers-"))
    rows: dict[str, Row] = {}
    kinds = ["baseline", "service"] if args.only == "both" else [args.only]
    try:
        for kind in kinds:
            for workers in args.workers:
                row = await measure(kind, workers, args, workdir)
                rows[row.name] = row
                print(f"  {row.name}: {row.phase.rps:.1f} turns/s, p50 {row.phase.pct(50):.2f} ms, "
                      f"p99 {row.phase.pct(99):.2f} ms", flush=True)
        return report(rows, args)
    finally:
        done_with(workdir, args.keep, " (and the databases)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured phase (10)")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up phase (3)")
    parser.add_argument("--concurrency", type=int, default=32, help="connections (32)")
    parser.add_argument("--buyers", type=int, default=200, help="extra buyers (200)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                        help="worker counts to measure (1 2)")
    parser.add_argument("--only", choices=["both", "baseline", "service"], default="both")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES,
                        help="a database URL on the server where databases are created "
                             f"(default {DEFAULT_POSTGRES}, or CSBA_TEST_POSTGRES_URL)")
    parser.add_argument("--client-cpu", type=int, help="pin the load generator to this CPU")
    parser.add_argument("--keep", action="store_true",
                        help="keep the logs and the databases (dropped by default)")
    parser.add_argument("--serve-baseline", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_baseline:
        asyncio.run(_serve_baseline(args.serve_baseline))
        return 0
    logging.basicConfig(level=logging.WARNING)
    out = asyncio.run(run(args))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
