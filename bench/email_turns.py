"""Customer emails taken per second end to end through the SMTP intake, and p50/p90/p99 latency
of the SMTP transaction, at N concurrent SMTP sessions.

Two SMTP servers are measured one after the other in the same run, each in its own OS process
(pinned to one core while the load generator is pinned to another):

* bare: a bare aiosmtpd server (the same `SMTP` options as the intake) whose handler answers
  "250 OK" to DATA without doing anything;
* service: the real `create_app(settings, demo=True, background=True)` on SQLite in a temp
  directory, with the demo data plus --buyers extra buyers (bench<i>@example.com, the data set
  of bench.sms_turns), each with one shipped, in-transit MFN order of SELLER-US1. The intake
  says 250 only once the message, the answer and its outbox row are committed. The outbox
  dispatcher sends the answers to the relay (--relay): by default a bare aiosmtpd sink in a
  third process pinned to the load generator's core. The service is measured twice, each
  time in a fresh process and database (--dispatch):
  - "service": the answers stay in the outbox during the measured window and are sent after
    it: the rate of "SMTP session -> answer queued";
  - "service+sending": the dispatcher sends each answer as it is queued, so the measured rate
    also pays for the relay sessions, as in production under a steady load.
  After the load, every answer must reach the relay sink (checked and printed).

Every message is a Gmail-shaped multipart/alternative (text + HTML) "Where is my order?" from
one of the buyers, with a unique Message-ID. A message counts when the server answers 250 to
its DATA inside the measured window, after a warm-up. --per-connection K sends K messages per
SMTP connection (1, the default: one session per message, connect to QUIT); several values
measure each mode in turn against both servers.

    cd /work/main && .venv/bin/python -m bench.email_turns --seconds 10
    .venv/bin/python -m bench.email_turns --seconds 10 --per-connection 1 10

The last line of output is JSON with the figures and the service/bare ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import json
import logging
import os
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path

from bench.sms_turns import (
    MAIL_DOMAIN,
    QUESTION,
    PhaseResult,
    ServerProcess,
    _ratio,
    _Sampler,
    _unused_port,
    done_with,
    prepare_database,
    print_any_profile,
    service_settings,
)

INTAKE = f"support@{MAIL_DOMAIN}"
# The service measured two ways: its answers held in the outbox during the window and sent
# after it (the "SMTP session -> answer queued"), or sent to the relay as they come.
SERVICE_PHASES = {"after": "service", "during": "service+sending"}
CLIENT_HOSTNAME = "mail-sor-f41.google.com"  # what the load generator says in EHLO
BARE_REPLY = "250 OK"


def buyer_email(i: int) -> str:
    """The buyer's address in bench.sms_turns.bench_dataset (order 119-56xxxxx-...)."""
    return f"bench{i}@example.com"


# A customer's message as Gmail delivers it: trace and authentication headers, then
# multipart/alternative with the plain text and the HTML (quoted-printable, like Gmail).
MESSAGE_TEMPLATE = (
    "Return-Path: <{sender}>\r\n"
    "Received: from mail-sor-f41.google.com (mail-sor-f41.google.com [209.85.220.41])\r\n"
    "        by mx.{domain} with ESMTPS id {n}\r\n"
    "        for <{intake}>; {date}\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=20230601;\r\n"
    "        h=to:subject:message-id:date:from:mime-version:from:to:cc:subject:date\r\n"
    "        :message-id:reply-to; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n"
    "        b=Kx7VnAfF0bQ2wE9o3pZlYc8gHh5Ttq1RrS4uV6WxY7zA0bC1dE2fG3hI4jK5lM6nO7pQ8rS9\r\n"
    "         tU0vW1xY2zA3bC4dE5fG6hI7jK8lM9nO0pQ1rS2tU3vW4xY5zA6bC7dE8fG9hI0jK1lM2nO3\r\n"
    "         pQ4rS5tU6vW7xY8zA9bC0dE1fG2hI3jK4lM5nO6pQ7rS8tU9vW0xY1zA2bC3dE4fG5hI6jK\r\n"
    "MIME-Version: 1.0\r\n"
    "From: {name} <{sender}>\r\n"
    "Date: {date}\r\n"
    "Message-ID: <{message_id}>\r\n"
    "Subject: Where is my order?\r\n"
    "To: {intake}\r\n"
    'Content-Type: multipart/alternative; boundary="000000000000{boundary}"\r\n'
    "\r\n"
    "--000000000000{boundary}\r\n"
    'Content-Type: text/plain; charset="UTF-8"\r\n'
    "\r\n"
    "Hi,\r\n"
    "\r\n"
    "{question} I ordered it two days ago and it still hasn't arrived.\r\n"
    "\r\n"
    "Thanks,\r\n"
    "{name}\r\n"
    "\r\n"
    "--000000000000{boundary}\r\n"
    'Content-Type: text/html; charset="UTF-8"\r\n'
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    '<div dir=3D"ltr"><div>Hi,</div><div><br></div><div>{question} I ordered it two d=\r\n'
    "ays ago and it still hasn&#39;t arrived.</div><div><br></div><div>Thanks,</div>=\r\n"
    "<div>{name}</div></div>\r\n"
    "\r\n"
    "--000000000000{boundary}--\r\n"
)


class MessageFactory:
    def __init__(self, buyers: int) -> None:
        self.buyers = buyers
        self.tag = os.urandom(5).hex()
        self.counter = itertools.count()
        self.date = formatdate(localtime=False)

    def next(self) -> tuple[str, bytes]:
        n = next(self.counter)
        i = n % self.buyers
        sender = buyer_email(i)
        raw = MESSAGE_TEMPLATE.format(
            sender=sender, name=f"Bench Buyer {i}", domain=MAIL_DOMAIN, intake=INTAKE, n=n,
            date=self.date, message_id=f"CA+{self.tag}{n:012x}@mail.gmail.com",
            boundary=f"{self.tag}{n:08x}"[-14:], question=QUESTION)
        return sender, raw.encode()


# -- the server processes ------------------------------------------------------------------

class BareHandler:
    """aiosmtpd's default RCPT handling accepts every recipient; DATA is acknowledged."""

    def __init__(self) -> None:
        self.received = 0
        self.sample = b""

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received += 1
        return BARE_REPLY


class RelayHandler(BareHandler):
    async def handle_DATA(self, server, session, envelope) -> str:
        if not self.sample:
            self.sample = envelope.original_content or envelope.content
        return await super().handle_DATA(server, session, envelope)


async def serve(args: argparse.Namespace) -> None:
    from aiohttp import web
    from aiosmtpd.smtp import SMTP

    loop = asyncio.get_running_loop()
    runner = server = handler = None
    if args.serve == "service":
        from bot.app import create_app
        from bot.app_keys import SMTP_SOCKETS
        settings = service_settings(Path(args.db)).with_overrides(smtp_relay=args.relay_address)
        app = create_app(settings, demo=True, background=not args.hold_outbox)
        runner = web.AppRunner(app, access_log=None)  # as `csba serve` runs it
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        port = app[SMTP_SOCKETS][0][1]
        if args.hold_outbox:  # the answers wait in the outbox until SIGHUP starts sending
            from bot.app_keys import DISPATCHER
            dispatcher = app[DISPATCHER]
            sending: list[asyncio.Task] = []
            loop.add_signal_handler(signal.SIGHUP, lambda: sending or sending.append(
                asyncio.create_task(dispatcher.run(settings.outbox_poll_seconds))))
    else:
        handler = RelayHandler() if args.serve == "relay" else BareHandler()
        from bot.settings import Settings

        def build() -> SMTP:  # the intake's options (channels/smtp_intake.py)
            return SMTP(handler, hostname=MAIL_DOMAIN, ident="bench sink",
                        data_size_limit=Settings().max_message_bytes, enable_SMTPUTF8=True,
                        decode_data=False)
        server = await loop.create_server(build, "127.0.0.1", 0, backlog=1024)
        port = server.sockets[0].getsockname()[1]

    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    profiler = None
    if args.profile:
        profiler = _Sampler() if args.profiler == "pyinstrument" else cProfile.Profile()
        loop.add_signal_handler(signal.SIGUSR1, profiler.enable)
        loop.add_signal_handler(signal.SIGUSR2, profiler.disable)
    print(f"READY {port}", flush=True)
    await stop.wait()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    if args.hold_outbox and sending:
        sending[0].cancel()
    if runner is not None:
        await runner.cleanup()
    if server is not None:
        server.close()
        print(json.dumps({"received": handler.received,
                          "sample": handler.sample.decode("utf-8", "replace")}), flush=True)


def serve_main(args: argparse.Namespace) -> int:
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})  # before any thread (aiosqlite) starts
    # `csba serve`'s logging (bot/cli.py) for every server process: the root logger at INFO,
    # so aiosmtpd's "mail.log" logs each connection and command line, for the bare sink too.
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if args.quiet_aiosmtpd:
        logging.getLogger("mail.log").setLevel(logging.WARNING)
    asyncio.run(serve(args))
    return 0


class SmtpServerProcess(ServerProcess):
    """bench.sms_turns.ServerProcess, started as `python -m bench.email_turns --serve ...`;
    the sinks print what they received when they stop."""

    module = "bench.email_turns"

    def __init__(self, kind: str, workdir: Path, **kwargs) -> None:
        super().__init__(kind, workdir, **kwargs)
        self.closing_words: dict = {}

    async def stop(self) -> None:
        await super().stop()
        if self.proc is not None and self.proc.stdout is not None:
            rest = (await self.proc.stdout.read()).decode().strip()
            if rest:
                self.closing_words = json.loads(rest.splitlines()[-1])


# -- the load generator --------------------------------------------------------------------

@dataclass
class MailPhaseResult(PhaseResult):
    per_connection: int = 1
    connections: int = 0
    error_kinds: Counter = field(default_factory=Counter)

    def summary(self) -> dict:
        return {"msgs_per_s": round(self.rps, 1), "p50_ms": round(self.pct(50), 2),
                "p90_ms": round(self.pct(90), 2), "p99_ms": round(self.pct(99), 2),
                "max_ms": round(self.pct(100), 2), "messages": self.ok,
                "connections": self.connections,
                "errors": sum(self.errors.values()), "errors_by_kind": dict(self.errors),
                "server_cpu": round(self.server_cpu, 3), "client_cpu": round(self.client_cpu, 3)}


def _error_kind(exc: BaseException) -> str:
    code = getattr(exc, "code", None)
    return f"{type(exc).__name__} {code}" if code is not None else type(exc).__name__


async def drive(server: ServerProcess, *, factory: MessageFactory, concurrency: int,
                per_connection: int, warmup: float, seconds: float) -> MailPhaseResult:
    """`concurrency` workers, each opening SMTP connections one after the other and sending
    `per_connection` messages on each. A message's latency runs from the start of its
    transaction (the TCP connect for the first message of a connection, MAIL FROM for the
    next ones) to the 250 that answers its DATA; QUIT is not in it."""
    import aiosmtplib

    result = MailPhaseResult(server.kind, seconds, per_connection=per_connection)
    start = time.perf_counter()
    measure_start = start + warmup
    measure_end = measure_start + seconds

    def record(t0: float, t1: float, error: BaseException | None) -> None:
        if not measure_start <= t1 <= measure_end:
            return
        if error is None:
            result.latencies.append(t1 - t0)
            return
        kind = _error_kind(error)
        result.errors[kind] += 1
        result.error_sample = result.error_sample or f"{kind}: {error!r}"[:300]

    async def worker() -> None:
        while time.perf_counter() < measure_end:
            t0 = time.perf_counter()
            smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=server.port, timeout=60,
                                   local_hostname=CLIENT_HOSTNAME, use_tls=False,
                                   start_tls=False)
            try:
                await smtp.connect()
            except (aiosmtplib.SMTPException, OSError) as exc:
                record(t0, time.perf_counter(), exc)
                await asyncio.sleep(0.01)
                continue
            if measure_start <= t0 <= measure_end:
                result.connections += 1
            broken = False
            for _ in range(per_connection):
                if time.perf_counter() >= measure_end:
                    break
                sender, raw = factory.next()
                try:
                    await smtp.sendmail(sender, [INTAKE], raw)
                    error = None
                except aiosmtplib.SMTPResponseException as exc:  # 4xx/5xx: connection is fine
                    error = exc
                    broken = exc.code == 421
                except (aiosmtplib.SMTPException, OSError) as exc:
                    error, broken = exc, True
                t1 = time.perf_counter()
                record(t0, t1, error)
                t0 = t1
                if broken:
                    break
            if broken:
                smtp.close()
                continue
            try:
                await smtp.quit()
            except (aiosmtplib.SMTPException, OSError) as exc:
                record(t0, time.perf_counter(), exc)
                smtp.close()

    async def bracket() -> None:
        """Profile and CPU-sample the server over the measured window only."""
        await asyncio.sleep(max(0.0, measure_start - time.perf_counter()))
        if server.profile:
            server.signal(signal.SIGUSR1)
        cpu0, own0, t0 = server.cpu_seconds(), time.process_time(), time.perf_counter()
        await asyncio.sleep(max(0.0, measure_end - time.perf_counter()))
        cpu1, own1, t1 = server.cpu_seconds(), time.process_time(), time.perf_counter()
        if server.profile:
            server.signal(signal.SIGUSR2)
        result.server_cpu = (cpu1 - cpu0) / (t1 - t0)
        result.client_cpu = (own1 - own0) / (t1 - t0)

    await asyncio.gather(bracket(), *(worker() for _ in range(concurrency)))
    return result


# -- what the service did with the messages -------------------------------------------------

def outbox_counts(db_path: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10) as connection:
        rows = connection.execute("SELECT status, count(*) FROM outbox WHERE channel = 'email' "
                                  "GROUP BY status").fetchall()
    return dict(rows)


async def wait_for_outbox(db_path: Path, timeout: float) -> dict[str, int]:
    """After the load: give the dispatcher `timeout` seconds to send what is queued."""
    deadline = time.perf_counter() + timeout
    while True:
        counts = outbox_counts(db_path)
        if not counts.get("pending") and not counts.get("sending"):
            return counts
        if time.perf_counter() >= deadline:
            return counts
        await asyncio.sleep(0.5)


def service_check(db_path: Path) -> dict:
    """Inbound emails stored, answers queued and whether they tell the order's shipment."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10) as connection:
        inbound = connection.execute(
            "SELECT count(*) FROM messages WHERE direction = 'in' AND channel = 'email'"
        ).fetchone()[0]
        answers = connection.execute(
            "SELECT count(*), sum(body LIKE '%FedEx%7852%') FROM outbox WHERE channel = 'email'"
        ).fetchone()
        sample = connection.execute(
            "SELECT body FROM outbox WHERE channel = 'email' ORDER BY id LIMIT 1").fetchone()
        last_error = connection.execute(
            "SELECT last_error FROM outbox WHERE channel = 'email' AND last_error IS NOT NULL "
            "ORDER BY id LIMIT 1").fetchone()
    return {"inbound_emails": inbound, "answers_queued": answers[0],
            "answers_with_shipment": int(answers[1] or 0),
            "sample_answer": sample[0] if sample else "",
            "outbox_last_error": last_error[0] if last_error else None}


# -- reporting ------------------------------------------------------------------------------

def report(results: dict[tuple[str, int], MailPhaseResult], args: argparse.Namespace,
           extra: dict) -> dict:
    print()
    print(f"{args.concurrency} concurrent SMTP sessions, {args.warmup:g} s warm-up, "
          f"{args.seconds:g} s measured, '{QUESTION}' (multipart text+HTML) from "
          f"{args.buyers} buyers; relay: {args.relay}")
    head = (f"{'':<22}{'msgs/s':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}"
            f"{'errors':>8}{'srv CPU':>9}{'cli CPU':>9}")
    out: dict = {}
    for k in args.per_connection:
        print(f"\n{k} message{'s' if k > 1 else ''} per connection")
        print(head)
        print("-" * len(head))
        labels = ["bare", *(SERVICE_PHASES[d] for d in args.dispatch)]
        for label in labels:
            r = results.get((label, k))
            if r is None:
                continue
            print(f"{label:<22}{r.rps:>9.1f}{r.pct(50):>9.2f}{r.pct(90):>9.2f}{r.pct(99):>9.2f}"
                  f"{r.pct(100):>9.2f}{sum(r.errors.values()):>8}{r.server_cpu:>9.0%}"
                  f"{r.client_cpu:>9.0%}")
        mode: dict = {label: results[(label, k)].summary()
                      for label in labels if (label, k) in results}
        for label in labels[1:]:
            if ("bare", k) not in results or (label, k) not in results:
                continue
            b, s = results[("bare", k)], results[(label, k)]
            ratios = {"rate": _ratio(s.rps, b.rps), "p50": _ratio(s.pct(50), b.pct(50)),
                      "p90": _ratio(s.pct(90), b.pct(90)), "p99": _ratio(s.pct(99), b.pct(99))}
            ratios["target_25pct_of_bare"] = ratios["rate"] >= 0.25
            mode[f"{label}/bare"] = ratios
            print(f"{label + '/bare':<22}{ratios['rate']:>8.3f}x{ratios['p50']:>8.2f}x"
                  f"{ratios['p90']:>8.2f}x{ratios['p99']:>8.2f}x")
        for label in labels[1:]:
            if f"{label}/bare" in mode:
                ratio = mode[f"{label}/bare"]["rate"]
                print(f"target: {label} >= 25% of the bare sink's rate "
                      f"{'MET' if ratio >= 0.25 else 'MISSED'} ({ratio:.1%})")
        for r in (results.get((label, k)) for label in labels):
            if r is not None and r.errors:
                print(f"{r.name}: errors {dict(r.errors)}; first: {r.error_sample}")
        out[f"per_connection_{k}"] = mode
    out.update(extra)
    out["concurrency"], out["seconds"], out["relay"] = args.concurrency, args.seconds, args.relay
    return out


# -- main -----------------------------------------------------------------------------------

async def run(args: argparse.Namespace) -> dict:
    cpus = sorted(os.sched_getaffinity(0))
    server_cpu = client_cpu = None
    if not args.no_pin and len(cpus) >= 2:
        server_cpu, client_cpu = cpus[0], cpus[1]
        os.sched_setaffinity(0, {client_cpu})
        print(f"server pinned to CPU {server_cpu}, load generator (and the relay sink) "
              f"to CPU {client_cpu}")
    else:
        print(f"not pinning (CPUs available: {cpus})")
    workdir = Path(tempfile.mkdtemp(prefix="csba-bench-email-"))
    factory = MessageFactory(args.buyers)
    results: dict[tuple[str, int], MailPhaseResult] = {}
    extra: dict = {}
    profile = Path(args.profile).resolve() if args.profile else None
    quiet = ["--quiet-aiosmtpd"] if args.quiet_aiosmtpd else []
    try:
        phases = [("bare", "bare", None)] if args.only in ("both", "bare") else []
        if args.only in ("both", "service"):
            phases += [(SERVICE_PHASES[d], "service", d) for d in args.dispatch]
        for label, kind, dispatch in phases:
            db_path = relay = None
            server_args = list(quiet)
            if dispatch == "after":
                server_args.append("--hold-outbox")
            if kind == "service":
                db_path = workdir / f"{label}.sqlite3"
                await prepare_database(db_path, args.buyers)
                if args.relay == "sink":
                    relay = SmtpServerProcess("relay", workdir, extra=quiet, cpu=client_cpu)
                    await relay.start()
                    relay_address = f"127.0.0.1:{relay.port}"
                else:  # nothing listens there: every send is refused and retried with backoff
                    relay_address = f"127.0.0.1:{_unused_port()}"
                server_args += ["--relay-address", relay_address]
            server = SmtpServerProcess(kind, workdir, extra=server_args, db_path=db_path,
                                       label=label,
                                       cpu=server_cpu,
                                       profile=profile if kind == "service" else None,
                                       profiler=args.profiler)
            await server.start()
            try:
                for k in args.per_connection:
                    print(f"{label}: pid {server.proc.pid}, SMTP port {server.port}, {k} per "
                          f"connection; {args.warmup:g} s warm-up + {args.seconds:g} s ...",
                          flush=True)
                    results[(label, k)] = await drive(
                        server, factory=factory, concurrency=args.concurrency,
                        per_connection=k, warmup=args.warmup, seconds=args.seconds)
                    if kind == "service":  # how far sending kept up with the intake
                        at_end = outbox_counts(db_path)
                        extra.setdefault(f"{label}_outbox_at_end_of_load", {})[k] = at_end
                        print(f"{label}: outbox at the end of the load: {at_end}", flush=True)
                if kind == "service":
                    if dispatch == "after":
                        server.signal(signal.SIGHUP)  # the held outbox starts sending now
                    unsent = sum(n for status, n in outbox_counts(db_path).items()
                                 if status in ("pending", "sending"))
                    started = time.perf_counter()
                    counts = await wait_for_outbox(db_path, args.drain)
                    took = time.perf_counter() - started
                    extra["outbox_after_drain"] = counts
                    # (a few hundred answers at least, or the 0.5 s polling is the figure)
                    if unsent >= 200 and not counts.get("pending") and not counts.get("sending"):
                        # with no intake load: the cost of sending alone
                        extra[f"{label}_drain"] = {"answers": unsent, "seconds": round(took, 1),
                                                   "per_s": round(unsent / took, 1)}
                        print(f"{label}: the outbox sent the {unsent} answers left after the "
                              f"load in {took:.1f} s ({unsent / took:.0f}/s, polled every "
                              f"0.5 s)", flush=True)
            finally:
                await server.stop()
                if relay is not None:
                    await relay.stop()
            if kind == "service":
                check = service_check(db_path)
                check["outbox_after_drain"] = extra.pop("outbox_after_drain", {})
                if relay is not None:
                    check["relay_received"] = relay.closing_words.get("received")
                sample = check.pop("sample_answer")
                extra[f"{label}_check"] = check
                print(f"{label}: {check['inbound_emails']} emails stored, "
                      f"{check['answers_queued']} answers queued "
                      f"({check['answers_with_shipment']} give the FedEx shipment), outbox "
                      f"after {args.drain:g} s drain: {check['outbox_after_drain']}"
                      + (f", relay received {check['relay_received']}" if relay else "")
                      + (f"; first send error: {check['outbox_last_error']}"
                         if check["outbox_last_error"] else ""))
                if check["answers_queued"] < check["inbound_emails"]:
                    print(f"{label}: {check['inbound_emails'] - check['answers_queued']} emails "
                          "got no answer (more per buyer than auto_replies_per_hour? raise "
                          "--buyers)")
                print(f"{label} sample answer: {sample!r}")
                log = server.log_path.read_text()
                problems = [ln for ln in log.splitlines() if " ERROR " in ln or "Traceback" in ln]
                if problems:
                    print(f"{label} log has {len(problems)} ERROR lines, first: {problems[0]}")
        out = report(results, args, extra)
        print_any_profile(profile, args.profiler, args.profile_top)
        return out
    finally:
        done_with(workdir, args.keep)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.email_turns", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured phase (10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up phase (2)")
    parser.add_argument("--concurrency", type=int, default=16, help="SMTP sessions (16)")
    parser.add_argument("--per-connection", type=int, nargs="+", default=[1], metavar="K",
                        help="messages per SMTP connection; several values measure each mode "
                             "(1: one session per message)")
    parser.add_argument("--buyers", type=int, default=4000,
                        help="extra buyers (4000): keep each under auto_replies_per_hour "
                             "messages per run, or the rest are kept unanswered")
    parser.add_argument("--relay", choices=["sink", "closed"], default="sink",
                        help="where the service's outbox sends answers: a bare sink process on "
                             "the load generator's CPU (default), or a closed port")
    parser.add_argument("--drain", type=float, default=60.0,
                        help="after the service's load, seconds to wait for the outbox (60)")
    parser.add_argument("--quiet-aiosmtpd", action="store_true",
                        help="set aiosmtpd's mail.log logger to WARNING in every server "
                             "(by default it logs each SMTP command at INFO, as under "
                             "`csba serve`)")
    parser.add_argument("--only", choices=["both", "bare", "service"], default="both")
    parser.add_argument("--dispatch", choices=list(SERVICE_PHASES), nargs="+",
                        default=list(SERVICE_PHASES),
                        help="when the service sends its answers: 'after' the measured window "
                             "(the rate of SMTP session -> answer queued; row 'service'), "
                             "'during' it (row 'service+sending'); both by default, each in "
                             "its own service process and database")
    parser.add_argument("--profile", metavar="FILE.prof",
                        help="profile the service process over the measured phase(s)")
    parser.add_argument("--profiler", choices=["cprofile", "pyinstrument"], default="cprofile")
    parser.add_argument("--profile-top", type=int, default=30)
    parser.add_argument("--no-pin", action="store_true", help="do not pin to CPUs")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (DB, logs)")
    # internal: the server subprocesses
    parser.add_argument("--serve", choices=["service", "bare", "relay"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--relay-address", help=argparse.SUPPRESS)
    parser.add_argument("--cpu", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--hold-outbox", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        return serve_main(args)
    if args.relay == "closed" and args.drain == parser.get_default("drain"):
        args.drain = 0.0  # nothing will drain
    logging.basicConfig(level=logging.WARNING)
    out = asyncio.run(run(args))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
