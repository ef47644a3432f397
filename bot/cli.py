"""The `csba` command line (DESIGN.md section 5): serve, load, chat, sweep, db upgrade."""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import logging
import sys
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import FixedClock, SystemClock
from bot.dataset import DatasetError, load_dataset
from bot.engine import ConversationEngine
from bot.log_context import configure_logging
from bot.marketplace import load_policy
from bot.messages import Channel, InboundMessage
from bot.report_import import add_import_parser, import_command
from bot.settings import Settings, parse_host_port
from bot.sweeper import sweep
from bot.templating import Templates
from storage.db import Database
from storage.orders import count_sellers


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env().with_overrides(
        db_url=getattr(args, "db", None), http_listen=getattr(args, "http", None),
        smtp_listen=getattr(args, "smtp", None), workers=getattr(args, "workers", None))


def _when(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="csba", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve webhooks, console and SMTP intake")
    serve.add_argument("--demo", action="store_true", help="load the demo data set if empty")
    serve.add_argument("--db", help="database URL (default sqlite+aiosqlite:///./csba.sqlite3)")
    serve.add_argument("--http", help="HOST:PORT for HTTP (default 127.0.0.1:8080)")
    serve.add_argument("--smtp", help="HOST:PORT for the SMTP intake (default 127.0.0.1:2525)")
    serve.add_argument("--workers", type=int,
                       help="worker processes sharing the ports (PostgreSQL only; default 1)")

    load = commands.add_parser("load", help="load a data set (format v1), upserting by id")
    load.add_argument("file", type=Path)
    load.add_argument("--db")

    chat = commands.add_parser("chat", help="talk to the engine from a terminal")
    chat.add_argument("--channel", choices=["sms", "email", "voice"], default="sms",
                      help="voice: a phone call; type words, or keys (digits, * and #), or "
                           "an empty line for silence")
    chat.add_argument("--from", dest="sender", required=True, help="phone number or email")
    chat.add_argument("--db")

    sweep_cmd = commands.add_parser("sweep", help="run the deadline sweeper once")
    sweep_cmd.add_argument("--now", type=_when, help="ISO 8601 time to sweep as of")
    sweep_cmd.add_argument("--db")

    evaluate = commands.add_parser("evaluate", help="measure the understanding on labelled data")
    evaluate.add_argument("what", choices=sorted(EVALUATIONS))
    evaluate.add_argument("file", type=Path)
    evaluate.add_argument("--predictions", type=Path,
                          help="also write one JSON line per record with the prediction")

    users = commands.add_parser("users", help="console users (support leads, admins, sellers)")
    user_actions = users.add_subparsers(dest="action", required=True)
    add_user = user_actions.add_parser("add", help="add a user; the password is read from "
                                                   "stdin (or asked for on a terminal)")
    add_user.add_argument("--email", required=True)
    add_user.add_argument("--role", required=True, choices=["lead", "admin", "seller"])
    add_user.add_argument("--seller", help="the seller's ID (sellers only: they see their "
                                           "own cases)")
    add_user.add_argument("--name", default="")
    add_user.add_argument("--db")
    list_users = user_actions.add_parser("list", help="the users, one per line")
    list_users.add_argument("--db")

    sellers = commands.add_parser("sellers", help="sellers' enrollment and API keys")
    seller_actions = sellers.add_subparsers(dest="action", required=True)
    for name, help_text in (("enroll", "enroll (or re-enroll) a seller; orders count an hour "
                                       "later"),
                            ("opt-out", "end a seller's enrollment now"),
                            ("show", "a seller's account and enrollment history (JSON)"),
                            ("api-key", "a new API key for /api/v1/ (printed once)")):
        action = seller_actions.add_parser(name, help=help_text)
        action.add_argument("seller", metavar="SELLER_ID")
        action.add_argument("--db")
        if name == "enroll":
            action.add_argument("--accept-terms", action="store_true",
                                help="the seller accepted the service terms (required)")

    fees = commands.add_parser("fees", help="monthly fee statements (POLICY.md E)")
    fee_actions = fees.add_subparsers(dest="action", required=True)
    statement = fee_actions.add_parser("statement", help="a seller's statement for a month")
    statement.add_argument("--seller", required=True)
    statement.add_argument("--month", required=True, help="YYYY-MM")
    statement.add_argument("--csv", action="store_true", help="as CSV instead of a table")
    statement.add_argument("--db")
    notify = fee_actions.add_parser("notify", help="email every seller's statement for a month "
                                                   "(once each; the service does it on the 1st)")
    notify.add_argument("--month", help="YYYY-MM (default: the previous month)")
    notify.add_argument("--db")

    add_import_parser(commands)

    purge = commands.add_parser("purge", help="delete conversations, messages and what was "
                                              "decided about them, older than DAYS")
    purge.add_argument("--older-than", type=int, required=True, metavar="DAYS")
    purge.add_argument("--now", type=_when, help="ISO 8601 time to count the days back from")
    purge.add_argument("--db")

    db = commands.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade"])
    db.add_argument("--db")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = _settings(args)
    except ValueError as exc:
        print(f"csba: {exc}", file=sys.stderr)
        return 2
    # The service logs JSON for whoever collects its logs; the other commands talk to a person.
    configure_logging(settings.log_format if args.command == "serve" else "text")
    if args.command == "serve":
        return serve(settings, demo=args.demo)
    if args.command == "evaluate":
        return evaluate_command(args)
    return asyncio.run(COMMANDS[args.command](settings, args))


def serve(settings: Settings, *, demo: bool) -> int:
    if settings.workers > 1:
        return serve_workers(settings, demo=demo)
    from bot.app import SchemaBehind, create_app

    host, port = parse_host_port(settings.http_listen)
    app = create_app(settings, demo=demo)
    try:
        _run(app, host, port, reuse_port=False)
    except SchemaBehind as exc:
        print(f"csba serve: {exc}", file=sys.stderr)
        return 2
    return 0


def serve_workers(settings: Settings, *, demo: bool) -> int:
    """N processes serving the same ports (SO_REUSEPORT) on one PostgreSQL: the schema and
    the demo data are prepared once here, then each worker runs the whole service; SIGTERM
    is passed on to them, and a worker that dies is not replaced (its supervisor restarts the
    whole service)."""
    import multiprocessing
    import signal

    from bot.app import load_demo_if_empty

    if Database(settings.db_url).is_sqlite:
        print("csba serve: --workers needs PostgreSQL (SQLite has one writer); set --db",
              file=sys.stderr)
        return 2

    async def prepare() -> str:
        db = Database(settings.db_url)
        try:
            state, current, heads = await db.schema_state()
            if state == "behind":
                return (f"the database schema is at revision {', '.join(current)} and this code "
                        f"needs {', '.join(heads)}: run `csba db upgrade` first")
            if state == "empty":
                await db.upgrade()
            if demo:
                await load_demo_if_empty(db, SystemClock())
            return ""
        finally:
            await db.close()

    problem = asyncio.run(prepare())
    if problem:
        print(f"csba serve: {problem}", file=sys.stderr)
        return 2
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_worker, args=(settings,), name=f"csba-worker-{i}")
               for i in range(settings.workers)]
    for worker in workers:
        worker.start()

    def forward(signum, _frame) -> None:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()  # SIGTERM: each shuts down gracefully
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    for worker in workers:
        worker.join()
    return 0 if all(w.exitcode == 0 for w in workers) else 1


def _worker(settings: Settings) -> None:
    from bot.app import SchemaBehind, create_app

    configure_logging(settings.log_format)
    host, port = parse_host_port(settings.http_listen)
    try:
        _run(create_app(settings, demo=False), host, port, reuse_port=True)
    except SchemaBehind as exc:
        print(f"csba serve: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _run(app, host: str, port: int, *, reuse_port: bool) -> None:
    from aiohttp import web

    # SIGTERM: stop accepting, let requests in flight finish (up to 30 s), then the cleanup
    # contexts close the SMTP intake and flush the outbox (bot.app).
    web.run_app(app, host=host, port=port, access_log=None, shutdown_timeout=30,
                reuse_port=reuse_port or None,
                print=lambda _: logging.getLogger("bot").info(
                    "HTTP listening on http://%s:%s (webhooks /twilio/sms and /twilio/voice, "
                    "console /console/, API /api/v1/, /healthz, /readyz, /metrics)", host, port))


async def _open(settings: Settings) -> Database:
    db = Database(settings.db_url)
    await db.upgrade()
    return db


async def load_command(settings: Settings, args: argparse.Namespace) -> int:
    try:
        data = json.loads(args.file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"csba load: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    db = await _open(settings)
    try:
        report = await load_dataset(db, data)
    except DatasetError as exc:
        print(f"csba load: {args.file}: {exc} (nothing was loaded)", file=sys.stderr)
        return 2
    finally:
        await db.close()
    print(f"loaded {report.sellers} sellers, {report.products} products, "
          f"{report.orders} orders from {args.file}")
    return 0


async def chat_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.identifiers import to_e164

    channel = Channel(args.channel)
    sender = args.sender.lower() if channel is Channel.EMAIL else to_e164(args.sender)
    if not sender:
        print(f"csba chat: {args.sender!r} is not a phone number", file=sys.stderr)
        return 2
    recipient = settings.intake_address if channel is Channel.EMAIL else settings.sms_from
    db = await _open(settings)
    if not await db.run(count_sellers):
        # most likely a mistyped --db (a new, empty database) or a service never started
        print(f"csba chat: the database {settings.db_url} holds no sellers or orders: start "
              "`./dev serve` once (it loads the demo data) or load a data set with `csba load`",
              file=sys.stderr)
    clock = SystemClock()
    engine = ConversationEngine(db, clock, settings, load_policy(settings.marketplace),
                                Templates())
    interactive = sys.stdin.isatty()
    if interactive:
        print(f"Chatting as {sender} over {channel}. Ctrl-D to leave.")
    if channel is Channel.VOICE:
        try:
            return await _phone_call(engine, sender, recipient, clock, interactive)
        finally:
            await db.close()
    try:
        while True:
            if interactive:
                print("you> ", end="", flush=True)
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                break
            if not line.strip():
                continue
            replies = await engine.handle(InboundMessage(
                channel=channel, sender=sender, recipient=recipient, text=line.strip(),
                external_id=f"chat-{uuid.uuid4()}", received_at=clock.now(),
                subject="Question about my order" if channel is Channel.EMAIL else None))
            for reply in replies:
                print(f"bot> {reply.body}\n", flush=True)
    finally:
        await db.close()
    return 0


async def _phone_call(engine: ConversationEngine, caller: str, recipient: str, clock,
                      interactive: bool) -> int:
    """A call as `channels/twilio_voice.py` takes it, with the terminal for the phone: each
    line is heard with full confidence, digits are keys, an empty line is silence."""
    from bot.call_flow import CallState, Heard, following, greeting, next_step

    call = f"chat-{uuid.uuid4()}"
    policy = engine.policy
    step = greeting(policy.default_language)
    state: CallState | None = CallState(step.language, "menu", step=0)
    heard = Heard()
    while state is not None:
        [reply] = await engine.handle(InboundMessage(
            channel=Channel.VOICE, sender=caller, recipient=recipient, text=heard.text,
            external_id=f"{call}/{state.step}", received_at=clock.now(), call=step,
            speech_confidence=1.0 if heard.speech else None))
        print(f"bot> {reply.body}\n", flush=True)
        state = following(step, state, reply.said, reply.language or step.language)
        if state is None:
            break
        if interactive:
            print("you> ", end="", flush=True)
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            break
        words = line.strip()
        keys = bool(words) and all(c.isdigit() or c in "*#" for c in words)
        heard = Heard(digits=words) if keys else Heard(speech=words, confidence=1.0)
        step = next_step(state, heard, min_confidence=policy.voice.min_confidence,
                         languages=policy.customer_languages)
    return 0


async def users_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.accounts import AccountError, add_user
    from storage.users import all_users

    db = await _open(settings)
    try:
        if args.action == "list":
            for user in await db.run(all_users):
                print(f"{user.id}\t{user.email}\t{user.role}\t{user.seller_id or ''}\t"
                      f"{'disabled' if user.disabled_at else 'active'}")
            return 0
        if sys.stdin.isatty():
            import getpass
            password = getpass.getpass(f"Password for {args.email}: ")
        else:
            password = sys.stdin.readline().rstrip("\n")
        now = SystemClock().now()
        try:
            user_id = await db.run(lambda connection: add_user(
                connection, email=args.email, password=password, role=args.role,
                seller_id=args.seller, name=args.name, now=now))
        except AccountError as exc:
            print(f"csba users add: {exc}", file=sys.stderr)
            return 2
        print(f"user {user_id} added: {args.email.lower()} ({args.role})")
        return 0
    finally:
        await db.close()


async def sellers_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.seller_accounts import UnknownSeller, account, enroll, new_api_key, opt_out

    policy = load_policy(settings.marketplace)
    db = await _open(settings)
    now = SystemClock().now()
    try:
        if args.action == "show":
            found = await db.run(lambda connection: account(connection, args.seller, policy))
            print(json.dumps(found.as_json(), indent=2))
            return 0
        if args.action == "api-key":
            key = await db.run(lambda connection: new_api_key(connection, args.seller, now))
            print(key)
            return 0
        if args.action == "enroll":
            decision = await db.run(lambda connection: enroll(
                connection, args.seller, policy, now, terms_accepted=args.accept_terms,
                by="cli"))
        else:
            decision = await db.run(lambda connection: opt_out(
                connection, args.seller, policy, now, by="cli"))
    except UnknownSeller as exc:
        print(f"csba sellers: {exc}", file=sys.stderr)
        return 2
    finally:
        await db.close()
    print(json.dumps({"outcome": decision.outcome, "reasons": list(decision.reasons),
                      **{k: v for k, v in decision.facts.items() if k != "by"}}))
    return 0 if decision.outcome in ("enrolled", "opted_out") else 1


async def fees_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.fee_statements import monthly_statement, previous_month, send_statements
    from bot.outgoing import Outgoing
    from bot.seller_accounts import UnknownSeller

    policy = load_policy(settings.marketplace)
    db = await _open(settings)
    try:
        if args.action == "notify":
            now = SystemClock().now()
            month = args.month or previous_month(now, policy.timezone)
            sent = await db.run(lambda connection: send_statements(
                connection, month, policy, Outgoing(settings, policy, Templates()), now))
            print(json.dumps({"month": month, "sent": sent}))
            return 0
        statement = await db.run(lambda connection: monthly_statement(
            connection, args.seller, args.month, policy))
    except (UnknownSeller, ValueError) as exc:
        print(f"csba fees: {exc}", file=sys.stderr)
        return 2
    finally:
        await db.close()
    rows = statement.as_dict()
    if args.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(list(rows))
        writer.writerow([("" if v is None else v) for v in rows.values()])
    else:
        for key, value in rows.items():
            print(f"{key:<26}{'' if value is None else value}")
    return 0


async def purge_command(settings: Settings, args: argparse.Namespace) -> int:
    from datetime import timedelta

    from bot.cases import OPEN_STATUSES
    from storage.retention import purge

    if args.older_than < 1:
        print("csba purge: --older-than must be at least 1 day", file=sys.stderr)
        return 2
    cutoff = (args.now or SystemClock().now()) - timedelta(days=args.older_than)
    db = await _open(settings)
    try:
        deleted = await db.run(lambda connection: purge(connection, cutoff, OPEN_STATUSES))
    finally:
        await db.close()
    print(json.dumps({"older_than": cutoff.isoformat(), "deleted": deleted}))
    return 0


async def sweep_command(settings: Settings, args: argparse.Namespace) -> int:
    clock = FixedClock(args.now) if args.now else SystemClock()
    db = await _open(settings)
    try:
        engine = ConversationEngine(db, clock, settings, load_policy(settings.marketplace),
                                    Templates())
        report = await sweep(db, engine.desk, clock.now())
    finally:
        await db.close()
    print(json.dumps({"now": clock.now().isoformat(), "reminded": report.reminded,
                      "resolved": report.resolved}))
    return 0


async def db_command(settings: Settings, args: argparse.Namespace) -> int:
    db = await _open(settings)
    await db.close()
    print(f"schema of {settings.db_url} is up to date")
    return 0


EVALUATIONS = {
    "intents": "bot.evaluation.intents",
    "product-qa": "bot.evaluation.product_qa",
    "email-replies": "bot.evaluation.email_replies",
}


def evaluate_command(args: argparse.Namespace) -> int:
    import importlib

    from bot.evaluation.common import read_jsonl, write_jsonl

    try:
        records = read_jsonl(args.file)
    except (OSError, ValueError) as exc:
        print(f"csba evaluate: {exc}", file=sys.stderr)
        return 2
    result = importlib.import_module(EVALUATIONS[args.what]).evaluate(records)
    print("\n".join(result.lines))
    if args.predictions:
        write_jsonl(args.predictions, result.predictions)
    print(json.dumps(result.headline))
    return 0


COMMANDS = {"load": load_command, "chat": chat_command, "sweep": sweep_command, "db": db_command,
            "users": users_command, "sellers": sellers_command, "fees": fees_command,
            "purge": purge_command, "import": import_command}
