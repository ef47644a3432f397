"""Signed SMS webhook turns per second, and p50/p99 latency, at N concurrent connections.

Two servers are measured one after the other in the same run, each in its own OS process
(pinned to one core while the load generator is pinned to another):

* baseline: a bare aiohttp handler that parses the same form (`await request.post()`) and
  returns a fixed `<Response><Message>...</Message></Response>` as application/xml;
* service: the real `create_app(settings, demo=True, background=True)` on SQLite in a temp
  directory, with the demo data plus --buyers extra buyers (+1555600XXXX), each with one
  shipped, in-transit MFN order of SELLER-US1, so that the per-conversation lock does not
  serialize the load.

Every request is a Twilio-shaped form asking "Where is my order?", with a unique MessageSid and
a valid X-Twilio-Signature. The load generator runs a warm-up phase, then a measured phase;
a request counts if it completes inside the measured window.

    cd /work/main && .venv/bin/python -m bench.sms_turns --seconds 10
    .venv/bin/python -m bench.sms_turns --seconds 10 --only service --profile /tmp/svc.prof

The last line of output is JSON with the figures and the service/baseline ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import json
import logging
import os
import pstats
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from bench import stalls

ROOT = Path(__file__).resolve().parent.parent

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "bench-auth-token-0123456789abcdef"
PUBLIC_URL = "https://bench.example.com"  # what the signature covers (+ the request path)
SMS_PATH = "/twilio/sms"
OUR_NUMBER = "+15005550006"
MAIL_DOMAIN = "bench.example.com"
QUESTION = "Where is my order?"
# --mixed: what customers send besides, each read down its own path (understanding rules,
# product answers, cases, offers, repeats); one per turn, in turn
MIXED = (QUESTION, "is it waterproof?", "what?", "can I still cancel it?",
         "the speaker arrived broken, what do I do?", "donde estan mis cosas?",
         "what color is the kettle?", "thanks")
BENCH_SELLER = "SELLER-US1"
BENCH_ASIN = "B0C9HT2L4P"  # a demo product of SELLER-US1
FIXED_TWIML = ('<?xml version="1.0" encoding="UTF-8"?><Response><Message>Your order shipped '
               'with FedEx and should arrive by Friday.</Message></Response>')

# The inbound SMS form as Twilio posts it (tests/fixtures/twilio/sms_inbound.json).
FORM_TEMPLATE = {
    "ToCountry": "US", "ToState": "CA", "SmsMessageSid": "", "NumMedia": "0",
    "ToCity": "SAN FRANCISCO", "FromZip": "94107", "SmsSid": "", "FromState": "CA",
    "SmsStatus": "received", "FromCity": "SAN FRANCISCO", "Body": QUESTION,
    "FromCountry": "US", "To": OUR_NUMBER, "ToZip": "94105", "NumSegments": "1",
    "MessageSid": "", "AccountSid": ACCOUNT_SID, "From": "", "ApiVersion": "2010-04-01",
}


def bench_phone(i: int) -> str:
    return f"+1555600{i:04d}"


def bench_dataset(now: datetime, buyers: int) -> dict:
    """`csba load` format v1: one shipped, in-transit MFN order per extra buyer."""
    purchased = now - timedelta(days=2, hours=3)
    orders = [bench_order(f"119-{5600000 + i:07d}-{1000000 + i:07d}", f"Bench Buyer {i}",
                          f"bench{i}@example.com", bench_phone(i), purchased, f"7852{i:08d}")
              for i in range(buyers)]
    return {"marketplace": "US", "sellers": [], "products": [], "orders": orders}


def bench_order(order_id: str, name: str, email: str, phone: str, purchased: datetime,
                tracking: str, delivered: datetime | None = None) -> dict:
    """One MFN order of the bench product from SELLER-US1, shipped by FedEx the day after
    it was bought (`csba load` format v1); in transit unless `delivered` says when."""
    def iso(t: datetime) -> str:
        return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    return {
        "order_id": order_id, "seller_id": BENCH_SELLER, "fulfillment": "MFN",
        "purchased_at": iso(purchased),
        "buyer": {"name": name, "email": email, "phone": phone, "language": "en"},
        "ship_to": {"postal_code": "98103", "country": "US"},
        "items": [{"asin": BENCH_ASIN, "quantity": 1}],
        "status": "Shipped" if delivered is None else "Delivered",
        "latest_ship_date": iso(purchased + timedelta(days=2)),
        "earliest_delivery_date": iso(purchased + timedelta(days=4)),
        "latest_delivery_date": iso(purchased + timedelta(days=7)),
        "shipment": {"carrier": "FedEx", "tracking_number": tracking,
                     "shipped_at": iso(purchased + timedelta(hours=22)),
                     "delivered_at": None if delivered is None else iso(delivered)},
    }


def service_settings(db_path: Path):
    from bot.settings import Settings
    return Settings(
        db_url=f"sqlite+aiosqlite:///{db_path}",
        http_listen="127.0.0.1:0",
        smtp_listen="127.0.0.1:0",
        public_url=PUBLIC_URL,
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        twilio_api_url=f"http://127.0.0.1:{_unused_port()}",  # no outgoing SMS expected
        sms_from=OUR_NUMBER,
        mail_domain=MAIL_DOMAIN,
        smtp_relay=f"127.0.0.1:{_unused_port()}",
    )


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def prepare_database(db_path: Path, buyers: int) -> None:
    """Schema, the demo data set, then the extra buyers (what `csba load` would do)."""
    from bot.app import load_demo_if_empty
    from bot.clock import SystemClock
    from bot.dataset import load_dataset
    from storage.db import Database

    db = Database(f"sqlite+aiosqlite:///{db_path}")
    try:
        await db.upgrade()
        clock = SystemClock()
        await load_demo_if_empty(db, clock)
        await load_dataset(db, bench_dataset(clock.now(), buyers))
    finally:
        await db.close()


# -- the server processes ------------------------------------------------------------------

async def baseline_handler(request):
    from aiohttp import web
    await request.post()
    return web.Response(text=FIXED_TWIML, content_type="application/xml")


def baseline_app():
    from aiohttp import web
    app = web.Application()
    app.router.add_post(SMS_PATH, baseline_handler)
    return app


class _Sampler:
    """pyinstrument, started and stopped like cProfile.Profile (enable/disable)."""

    def __init__(self) -> None:
        from pyinstrument import Profiler
        self.profiler = Profiler(interval=0.001, async_mode="disabled")

    def enable(self) -> None:
        self.profiler.start()

    def disable(self) -> None:
        if self.profiler.is_running:
            self.profiler.stop()

    def dump_stats(self, path: str) -> None:
        self.profiler.last_session.save(path)


async def serve(kind: str, db_path: str | None, profile_path: str | None,
                profiler_kind: str = "cprofile") -> None:
    from aiohttp import web

    if kind == "service":
        from bot.app import create_app
        app = create_app(service_settings(Path(db_path)), demo=True, background=True)
    else:
        app = baseline_app()
    runner = web.AppRunner(app, access_log=None)  # as `csba serve` runs it
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    port = runner.addresses[0][1]

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    profiler = None
    if profile_path:
        profiler = _Sampler() if profiler_kind == "pyinstrument" else cProfile.Profile()
        # the load generator brackets the measured phase with SIGUSR1 / SIGUSR2
        loop.add_signal_handler(signal.SIGUSR1, profiler.enable)
        loop.add_signal_handler(signal.SIGUSR2, profiler.disable)
    print(f"READY {port}", flush=True)
    await stop.wait()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile_path)
    await runner.cleanup()


def serve_main(args: argparse.Namespace) -> int:
    if args.stalls:
        # Before the pinning: its thread, started now, stays free to run on the other core
        # instead of taking the loop's core every 2 ms (which cost a third of the turns/s).
        stalls.install(Path(args.stalls))
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})  # before any thread (aiosqlite) starts
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    asyncio.run(serve(args.serve, args.db, args.profile, args.profiler))
    return 0


class ServerProcess:
    """A benchmark's server, `python -m <module> --serve <kind> ...`, until it says READY."""

    module = "bench.sms_turns"

    def __init__(self, kind: str, workdir: Path, *, db_path: Path | None = None,
                 cpu: int | None = None, profile: Path | None = None,
                 profiler: str = "cprofile", extra: list[str] = (),
                 label: str | None = None) -> None:
        self.kind, self.workdir, self.db_path, self.cpu, self.profile = (
            kind, workdir, db_path, cpu, profile)
        self.profiler = profiler
        self.extra = list(extra)
        self.proc: asyncio.subprocess.Process | None = None
        self.port = 0
        self.log_path = workdir / f"{label or kind}.log"

    async def start(self, timeout: float = 60) -> None:
        cmd = [sys.executable, "-m", self.module, "--serve", self.kind, *self.extra]
        if self.db_path is not None:
            cmd += ["--db", str(self.db_path)]
        if self.cpu is not None:
            cmd += ["--cpu", str(self.cpu)]
        if self.profile is not None:
            cmd += ["--profile", str(self.profile), "--profiler", self.profiler]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
        with open(self.log_path, "wb") as log:
            self.proc = await asyncio.create_subprocess_exec(
                *cmd, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=log)
        try:
            line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        except TimeoutError:
            line = b""
        if not line.startswith(b"READY "):
            await self.stop()
            raise RuntimeError(f"{self.kind} server did not start; see {self.log_path}:\n"
                               + self.log_path.read_text()[-3000:])
        self.port = int(line.split()[1])

    def signal(self, signum: int) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signum)

    def cpu_seconds(self) -> float:
        """utime + stime of the server process (all its threads), from /proc."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, AttributeError):
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def stop(self) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), 30)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


# -- the load generator --------------------------------------------------------------------

@dataclass
class PhaseResult:
    name: str
    seconds: float
    latencies: list[float] = field(default_factory=list)  # seconds, completed in the window
    errors: Counter = field(default_factory=Counter)      # status or exception -> count
    error_sample: str = ""
    without_message: int = 0
    checked: int = 0
    sample_reply: str = ""
    server_cpu: float = float("nan")   # fraction of one core during the measured window
    client_cpu: float = float("nan")
    window: tuple[float, float] = (0.0, 0.0)  # the measured phase, wall clock (time.time())

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.ok / self.seconds

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))] * 1000

    def summary(self) -> dict:
        return {"rps": round(self.rps, 1), "p50_ms": round(self.pct(50), 2),
                "p90_ms": round(self.pct(90), 2), "p99_ms": round(self.pct(99), 2),
                "max_ms": round(self.pct(100), 2), "requests": self.ok,
                "errors": sum(self.errors.values()), "errors_by_kind": dict(self.errors),
                "without_message": self.without_message,
                "server_cpu": round(self.server_cpu, 3), "client_cpu": round(self.client_cpu, 3)}


async def drive(server: ServerProcess, *, phones: list[str], concurrency: int, warmup: float,
                seconds: float, check_message: bool,
                bodies: tuple[str, ...] = (QUESTION,)) -> PhaseResult:
    import aiohttp
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(AUTH_TOKEN)
    signed_url = PUBLIC_URL + SMS_PATH
    target = f"http://127.0.0.1:{server.port}{SMS_PATH}"
    tag = os.urandom(5).hex()
    counter = itertools.count()
    result = PhaseResult(server.kind, seconds)

    def next_request() -> tuple[bytes, dict[str, str]]:
        n = next(counter)
        sid = f"SM{tag}{n:022x}"
        form = dict(FORM_TEMPLATE, From=phones[n % len(phones)], MessageSid=sid,
                    SmsMessageSid=sid, SmsSid=sid, Body=bodies[n // len(phones) % len(bodies)])
        headers = {"X-Twilio-Signature": validator.compute_signature(signed_url, form),
                   "Content-Type": "application/x-www-form-urlencoded"}
        return urlencode(form).encode(), headers

    start = time.perf_counter()
    measure_start = start + warmup
    measure_end = measure_start + seconds

    async def worker(session: aiohttp.ClientSession) -> None:
        while True:
            t0 = time.perf_counter()
            if t0 >= measure_end:
                return
            body, headers = next_request()
            try:
                async with session.post(target, data=body, headers=headers) as response:
                    text = await response.text()
                    status: int | str = response.status
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                text, status = repr(exc), type(exc).__name__
            t1 = time.perf_counter()
            if not measure_start <= t1 <= measure_end:
                continue
            if status != 200:
                result.errors[status] += 1
                result.error_sample = result.error_sample or f"{status}: {text[:300]}"
                continue
            result.latencies.append(t1 - t0)
            if check_message:
                result.checked += 1
                if "<Message>" not in text:
                    result.without_message += 1
                elif not result.sample_reply:
                    result.sample_reply = text

    async def bracket() -> None:
        """Profile and CPU-sample the server over the measured window only."""
        await asyncio.sleep(max(0.0, measure_start - time.perf_counter()))
        if server.profile:
            server.signal(signal.SIGUSR1)
        cpu0, own0, t0 = server.cpu_seconds(), time.process_time(), time.perf_counter()
        wall0 = time.time()
        await asyncio.sleep(max(0.0, measure_end - time.perf_counter()))
        cpu1, own1, t1 = server.cpu_seconds(), time.process_time(), time.perf_counter()
        result.window = (wall0, time.time())
        if server.profile:
            server.signal(signal.SIGUSR2)
        result.server_cpu = (cpu1 - cpu0) / (t1 - t0)
        result.client_cpu = (own1 - own0) / (t1 - t0)

    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(bracket(), *(worker(session) for _ in range(concurrency)))
    return result


# -- reporting ------------------------------------------------------------------------------

def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def report(results: dict[str, PhaseResult], args: argparse.Namespace) -> dict:
    print()
    print(f"{args.concurrency} connections, {args.warmup:g} s warm-up, {args.seconds:g} s measured, "
          f"{'mixed messages' if args.mixed else repr(QUESTION)} from {args.buyers} extra buyers")
    head = (f"{'':<18}{'turns/s':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}"
            f"{'errors':>8}{'srv CPU':>9}{'cli CPU':>9}")
    print(head)
    print("-" * len(head))
    for r in results.values():
        print(f"{r.name:<18}{r.rps:>9.1f}{r.pct(50):>9.2f}{r.pct(90):>9.2f}{r.pct(99):>9.2f}"
              f"{r.pct(100):>9.2f}{sum(r.errors.values()):>8}{r.server_cpu:>9.0%}"
              f"{r.client_cpu:>9.0%}")
    out: dict = {name: r.summary() for name, r in results.items()}
    out["concurrency"], out["seconds"] = args.concurrency, args.seconds
    if "baseline" in results and "service" in results:
        b, s = results["baseline"], results["service"]
        out["ratio_rps"] = _ratio(s.rps, b.rps)
        out["ratio_p50"] = _ratio(s.pct(50), b.pct(50))
        out["ratio_p99"] = _ratio(s.pct(99), b.pct(99))
        print(f"{'service/baseline':<18}{out['ratio_rps']:>8.3f}x{out['ratio_p50']:>8.2f}x"
              f"{_ratio(s.pct(90), b.pct(90)):>8.2f}x{out['ratio_p99']:>8.2f}x")
    for r in results.values():
        if r.errors:
            print(f"{r.name}: errors {dict(r.errors)}; first: {r.error_sample}")
    if "service" in results:
        s = results["service"]
        print(f"service: {s.checked - s.without_message}/{s.checked} replies carry <Message>")
        if s.sample_reply:
            print(f"service sample reply: {s.sample_reply}")
        meets_p99, meets_rps = s.pct(99) < 50, s.rps >= 500
        out["targets"] = {"p99_under_50ms": meets_p99, "at_least_500_rps": meets_rps}
        print(f"targets: p99 < 50 ms {'MET' if meets_p99 else 'MISSED'}; "
              f">= 500 turns/s {'MET' if meets_rps else 'MISSED'}")
    return out


def print_any_profile(path: Path | None, profiler: str, top: int) -> None:
    """The profile a run wrote, if it wrote one, with the printer for its profiler."""
    if path is not None and path.exists():
        (print_sampled_profile if profiler == "pyinstrument" else print_profile)(path, top)


def done_with(workdir: Path, keep: bool, what: str = "") -> None:
    """Remove a run's temporary directory, or say where it was kept."""
    if keep:
        print(f"kept {workdir}{what}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


def print_profile(path: Path, top: int) -> None:
    stats = pstats.Stats(str(path))
    stats.sort_stats("tottime")
    print(f"\n== service profile over the measured phase ({path}), by own time ==")
    stats.print_stats(top)
    print("== by cumulative time, project code only ==")
    stats.sort_stats("cumulative")
    stats.print_stats(f"{ROOT}/(bot|channels|storage)/", top)


def print_sampled_profile(path: Path, top: int) -> None:
    """Aggregate a pyinstrument session: own time per line and per library, and inclusive
    time per project function (counted once per stack, so recursion does not inflate it)."""
    from pyinstrument.session import Session

    root = Session.load(str(path)).root_frame(trim_stem=False)
    if root is None:
        print("empty profile")
        return
    total = root.time
    own: Counter = Counter()
    own_by_area: Counter = Counter()
    own_by_file: Counter = Counter()
    inclusive: Counter = Counter()

    def where(frame) -> str:
        file = frame.file_path or "?"
        for prefix in (f"{ROOT}/.venv/lib/python3.11/site-packages/", f"{ROOT}/",
                       sys.base_prefix + "/lib/python3.11/"):
            file = file.removeprefix(prefix)
        return f"{file}:{frame.line_no} {frame.function}"

    def area(frame) -> str:
        file = frame.file_path or "?"
        if "site-packages/" in file:
            return file.split("site-packages/", 1)[1].split("/", 1)[0]
        if file.startswith(f"{ROOT}/"):
            return file.removeprefix(f"{ROOT}/").split("/", 1)[0] + "/"
        if file.startswith(sys.base_prefix):
            return "stdlib:" + Path(file).stem
        return frame.function  # synthetic frames ([self], [await], ...)

    def walk(frame, path: frozenset, lib: str, parent_key: str) -> None:
        if frame.is_synthetic:  # "[self]", "[await]": time spent in the parent itself
            own[parent_key] += frame.time
            own_by_area[lib] += frame.time
            own_by_file[parent_key.rsplit(":", 1)[0]] += frame.time
            return
        key = where(frame)
        file = frame.file_path or ""
        if (file.startswith(f"{ROOT}/") and not file.startswith((f"{ROOT}/.venv/", f"{ROOT}/bench/"))
                and key not in path):
            inclusive[key] += frame.time
            path = path | {key}
        if frame.function == "epoll.poll":
            here = "[idle: epoll wait, incl. waiting for the aiosqlite thread]"
        elif (frame.file_path or "<").startswith("<"):
            here = lib  # C functions count for the library that called them
        else:
            here = area(frame)
        for child in frame.children:
            walk(child, path, here, key)
        rest = frame.time - sum(child.time for child in frame.children)
        if rest > 1e-9:
            own[key] += rest
            own_by_area[here] += rest
            builtin = (frame.file_path or "<").startswith("<")
            own_by_file[(parent_key if builtin else key).rsplit(":", 1)[0]] += rest

    walk(root, frozenset(), "?", "?")
    print(f"\n== service profile over the measured phase ({path}): {total:.2f} s of samples ==")
    print("-- own time by library/package --")
    for name, t in own_by_area.most_common(top):
        print(f"{t / total:7.1%}  {name}")
    print("-- own time by file --")
    for name, t in own_by_file.most_common(top):
        print(f"{t / total:7.1%}  {name}")
    print("-- own time by function --")
    for name, t in own.most_common(top):
        print(f"{t / total:7.1%}  {name}")
    print("-- inclusive time of project functions (bot/, channels/, storage/) --")
    for name, t in inclusive.most_common(top):
        print(f"{t / total:7.1%}  {name}")


# -- main -----------------------------------------------------------------------------------

async def run(args: argparse.Namespace) -> dict:
    cpus = sorted(os.sched_getaffinity(0))
    server_cpu = None
    if not args.no_pin and len(cpus) >= 2:
        server_cpu, client_cpu = cpus[0], cpus[1]
        os.sched_setaffinity(0, {client_cpu})
        print(f"server pinned to CPU {server_cpu}, load generator to CPU {client_cpu}")
    else:
        print(f"not pinning (CPUs available: {cpus})")
    workdir = Path(tempfile.mkdtemp(prefix="csba-bench-"))
    phones = [bench_phone(i) for i in range(args.buyers)]
    results: dict[str, PhaseResult] = {}
    profile = Path(args.profile).resolve() if args.profile else None
    stalls_log = Path(args.stalls).resolve() if args.stalls else None
    try:
        kinds = ["baseline", "service"] if args.only == "both" else [args.only]
        for kind in kinds:
            db_path = None
            if kind == "service":
                db_path = workdir / "csba.sqlite3"
                await prepare_database(db_path, args.buyers)
            probed = kind == "service" and stalls_log is not None
            server = ServerProcess(kind, workdir, db_path=db_path, cpu=server_cpu,
                                   profile=profile if kind == "service" else None,
                                   profiler=args.profiler,
                                   extra=["--stalls", str(stalls_log)] if probed else [])
            await server.start()
            try:
                print(f"{kind}: pid {server.proc.pid} on port {server.port}; "
                      f"{args.warmup:g} s warm-up + {args.seconds:g} s ...", flush=True)
                results[kind] = await drive(
                    server, phones=phones, concurrency=args.concurrency, warmup=args.warmup,
                    seconds=args.seconds, check_message=(kind == "service"),
                    bodies=MIXED if args.mixed else (QUESTION,))
            finally:
                await server.stop()
            if kind == "service":
                log = server.log_path.read_text()
                problems = [ln for ln in log.splitlines() if " ERROR " in ln or "Traceback" in ln]
                if problems:
                    print(f"service log has {len(problems)} ERROR lines, first: {problems[0]}")
        out = report(results, args)
        print_any_profile(profile, args.profiler, args.profile_top)
        if stalls_log is not None and "service" in results:
            print(stalls.summarize(stalls_log, *results["service"].window))
        return out
    finally:
        done_with(workdir, args.keep)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sms_turns", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured phase (10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up phase (2)")
    parser.add_argument("--concurrency", type=int, default=32, help="connections (32)")
    parser.add_argument("--buyers", type=int, default=200, help="extra buyers (200)")
    parser.add_argument("--only", choices=["both", "baseline", "service"], default="both")
    parser.add_argument("--mixed", action="store_true",
                        help="each buyer sends, in turn, the messages of MIXED, not only "
                             "'Where is my order?'")
    parser.add_argument("--profile", metavar="FILE.prof",
                        help="cProfile the service process over the measured phase "
                             "(slows it down: profile runs are not benchmark figures)")
    parser.add_argument("--profiler", choices=["cprofile", "pyinstrument"], default="cprofile",
                        help="cprofile (stdlib, deterministic, heavy) or pyinstrument "
                             "(sampling every 1 ms; `pip install pyinstrument`)")
    parser.add_argument("--profile-top", type=int, default=30)
    parser.add_argument("--stalls", metavar="FILE.jsonl",
                        help="log the service's event-loop stalls over 10 ms and garbage "
                             "collections over 3 ms, with where they happened (bench/stalls.py)")
    parser.add_argument("--no-pin", action="store_true", help="do not pin to CPUs")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (DB, logs)")
    # internal: the server subprocess
    parser.add_argument("--serve", choices=["service", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--cpu", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        return serve_main(args)
    logging.basicConfig(level=logging.WARNING)
    out = asyncio.run(run(args))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
