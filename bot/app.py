"""Wiring: `create_app(settings)` builds the one aiohttp application that serves the Twilio
webhooks, the console and health checks, and runs the SMTP intake, the outbox dispatcher and
the deadline sweeper on the same event loop. The only module in `bot` that imports `channels`."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from bot import api, console
from bot.app_keys import (
    CLOCK,
    DATABASE,
    DISPATCHER,
    ENGINE,
    METRICS,
    SETTINGS,
    SMTP_SOCKETS,
    STOPPING,
    TEMPLATES,
)
from bot.cases import OPEN_STATUSES
from bot.clock import Clock, SystemClock
from bot.dataset import load_dataset
from bot.demo_data import build_demo_dataset
from bot.engine import ConversationEngine
from bot.fee_statements import run_statements
from bot.marketplace import load_policy
from bot.messages import Channel
from bot.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from bot.metrics import Metrics
from bot.outbox import Dispatcher
from bot.settings import Settings, parse_host_port
from bot.sweeper import run_sweeper
from bot.templating import Templates
from channels import twilio_sms, twilio_status, twilio_voice
from channels.senders import SmtpMailSender, TwilioSmsSender
from channels.smtp_intake import smtp_protocol_factory
from storage.db import Database
from storage.orders import count_sellers

log = logging.getLogger(__name__)


def create_app(settings: Settings, *, clock: Clock | None = None, demo: bool = False,
               background: bool = True) -> web.Application:
    """`background=False` leaves the dispatcher and sweeper loops off (tests drive them)."""
    app = web.Application()
    app[SETTINGS] = settings
    app[CLOCK] = clock or SystemClock()
    app[TEMPLATES] = Templates()
    app[METRICS] = Metrics()
    app[STOPPING] = asyncio.Event()
    app.on_shutdown.append(_stopping)
    app.cleanup_ctx.append(_database(demo))
    app.cleanup_ctx.append(_engine_and_outbox)
    app.cleanup_ctx.append(_smtp_intake)
    if background:
        app.cleanup_ctx.append(_background_loops)
    app.on_startup.append(_settle_memory)
    app.add_routes(twilio_sms.routes())
    app.add_routes(twilio_voice.routes())
    app.add_routes(twilio_status.routes())
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    app.add_subapp("/console/", console.create_console())
    app.add_subapp("/api/v1/", api.create_api())
    return app


class SchemaBehind(RuntimeError):
    """The database was made by older code: `csba db upgrade` must run first."""


def _database(demo: bool):
    async def context(app: web.Application) -> AsyncIterator[None]:
        db = Database(app[SETTINGS].db_url)
        state, current, heads = await db.schema_state()
        if state == "behind":
            await db.close()
            raise SchemaBehind(
                f"the database schema is at revision {', '.join(current)} and this code needs "
                f"{', '.join(heads)}: run `csba db upgrade` (with the same CSBA_DB_URL) first")
        if state == "empty":  # a new database: create the schema
            await db.upgrade()
        if demo:
            await load_demo_if_empty(db, app[CLOCK])
        app[DATABASE] = db
        yield
        await db.close()
    return context


async def load_demo_if_empty(db: Database, clock: Clock) -> bool:
    if await db.run(count_sellers):
        return False
    report = await load_dataset(db, build_demo_dataset(clock.now()))
    log.info("loaded the demo data set: %s sellers, %s products, %s orders",
             report.sellers, report.products, report.orders)
    return True


async def _engine_and_outbox(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    mail_sender = SmtpMailSender(settings)
    senders = {Channel.EMAIL: mail_sender}
    sms_sender = None
    if settings.twilio_configured:
        sms_sender = TwilioSmsSender(settings)
        senders[Channel.SMS] = sms_sender
    else:
        log.warning("Twilio is not configured: SMS webhooks answer 503 and outgoing SMS wait "
                    "in the outbox")
    dispatcher = Dispatcher(app[DATABASE], app[CLOCK], senders,
                            observe=app[METRICS].observe_send)
    app[DISPATCHER] = dispatcher
    app[ENGINE] = ConversationEngine(app[DATABASE], app[CLOCK], settings,
                                     load_policy(settings.marketplace), app[TEMPLATES],
                                     after_commit=dispatcher.wake,
                                     observe_turn=app[METRICS].observe_turn)
    yield
    await mail_sender.close()
    if sms_sender is not None:
        await sms_sender.close()


async def _smtp_intake(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    host, port = parse_host_port(settings.smtp_listen)
    loop = asyncio.get_running_loop()
    # Several worker processes share the port (SO_REUSEPORT): the kernel spreads sessions.
    server = await loop.create_server(
        smtp_protocol_factory(app[ENGINE], settings, app[CLOCK],
                              observe=app[METRICS].observe_smtp), host, port,
        reuse_port=settings.workers > 1 or None)
    app[SMTP_SOCKETS] = [s.getsockname()[:2] for s in server.sockets]
    for address in app[SMTP_SOCKETS]:
        log.info("SMTP intake listening on %s:%s for %s and case+<token>@%s",
                 address[0], address[1], settings.intake_address, settings.mail_domain)
    yield
    server.close()
    await server.wait_closed()


# How often the fee-statement job looks at the calendar (it acts on the 1st of the month).
STATEMENT_CHECK_SECONDS = 3600
# How long a shutdown waits for the outbox to send what is due.
SHUTDOWN_FLUSH_SECONDS = 10
# How often SQLite's write-ahead log is checkpointed (storage.db.Database.checkpoint).
CHECKPOINT_SECONDS = 1.0


async def _background_loops(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    engine = app[ENGINE]
    dispatcher = app[DISPATCHER]
    tasks = [
        asyncio.create_task(dispatcher.run(settings.outbox_poll_seconds), name="outbox"),
        asyncio.create_task(run_sweeper(app[DATABASE], engine.desk, app[CLOCK],
                                        settings.sweep_interval_seconds, dispatcher.wake),
                            name="sweeper"),
        asyncio.create_task(run_statements(app[DATABASE], engine.outgoing, engine.policy,
                                           app[CLOCK], STATEMENT_CHECK_SECONDS,
                                           dispatcher.wake), name="fee statements"),
        asyncio.create_task(_checkpoints(app[DATABASE]), name="checkpoints"),
    ]
    yield
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    # Shutting down: send what is due while the relay and Twilio are still reachable; what
    # does not go out in time stays in the outbox for the next start.
    try:
        sent = await asyncio.wait_for(dispatcher.dispatch_due(), SHUTDOWN_FLUSH_SECONDS)
        log.info("shutdown: sent %s waiting messages", sent)
    except (TimeoutError, Exception) as exc:  # noqa: BLE001  (nothing is lost: rows stay)
        log.warning("shutdown: the outbox was not flushed (%s); it resumes at the next start",
                    type(exc).__name__)


async def _checkpoints(db: Database) -> None:
    """SQLite's write-ahead log folded into the database every second, off the event loop."""
    while True:
        try:
            await db.checkpoint()
        except Exception:
            log.exception("WAL checkpoint failed; trying again")
        await asyncio.sleep(CHECKPOINT_SECONDS)


async def _settle_memory(app: web.Application) -> None:
    """Move what startup built (modules, templates, catalogs) out of the garbage collector's
    sight, so its full collections stay short under load."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)


async def healthz(request: web.Request) -> web.Response:
    """Alive: the process answers and reaches its database."""
    await request.app[DATABASE].run(lambda connection: connection.exec_driver_sql("SELECT 1"))
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Ready for traffic: the database answers, its schema is current, the SMTP intake
    listens, and the process is not shutting down (a load balancer stops sending then)."""
    problems = []
    if request.app[STOPPING].is_set():
        problems.append("shutting down")
    try:
        state, _, _ = await request.app[DATABASE].schema_state()
        if state != "current":
            problems.append(f"database schema {state}")
    except Exception as exc:  # noqa: BLE001  (whatever it is, we are not ready)
        problems.append(f"database: {type(exc).__name__}")
    if not request.app.get(SMTP_SOCKETS):
        problems.append("SMTP intake not listening")
    if problems:
        return web.json_response({"status": "not ready", "problems": problems}, status=503)
    return web.json_response({"status": "ready"})


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text format; the database figures are read at each scrape."""
    now = request.app[CLOCK].now()
    await request.app[DATABASE].run(lambda connection: request.app[METRICS].read_database(
        connection, now, OPEN_STATUSES))
    return web.Response(body=request.app[METRICS].render(),
                        headers={"Content-Type": METRICS_CONTENT_TYPE})


async def _stopping(app: web.Application) -> None:
    app[STOPPING].set()
