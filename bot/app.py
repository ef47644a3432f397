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
from bot.app_keys import CLOCK, DATABASE, DISPATCHER, ENGINE, SETTINGS, SMTP_SOCKETS, TEMPLATES
from bot.clock import Clock, SystemClock
from bot.dataset import load_dataset
from bot.demo_data import build_demo_dataset
from bot.engine import ConversationEngine
from bot.fee_statements import run_statements
from bot.marketplace import load_policy
from bot.messages import Channel
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
    app.add_subapp("/console/", console.create_console())
    app.add_subapp("/api/v1/", api.create_api())
    return app


def _database(demo: bool):
    async def context(app: web.Application) -> AsyncIterator[None]:
        db = Database(app[SETTINGS].db_url)
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
    dispatcher = Dispatcher(app[DATABASE], app[CLOCK], senders)
    app[DISPATCHER] = dispatcher
    app[ENGINE] = ConversationEngine(app[DATABASE], app[CLOCK], settings,
                                     load_policy(settings.marketplace), app[TEMPLATES],
                                     after_commit=dispatcher.wake)
    yield
    await mail_sender.close()
    if sms_sender is not None:
        await sms_sender.close()


async def _smtp_intake(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    host, port = parse_host_port(settings.smtp_listen)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        smtp_protocol_factory(app[ENGINE], settings, app[CLOCK]), host, port)
    app[SMTP_SOCKETS] = [s.getsockname()[:2] for s in server.sockets]
    for address in app[SMTP_SOCKETS]:
        log.info("SMTP intake listening on %s:%s for %s and case+<token>@%s",
                 address[0], address[1], settings.intake_address, settings.mail_domain)
    yield
    server.close()
    await server.wait_closed()


# How often the fee-statement job looks at the calendar (it acts on the 1st of the month).
STATEMENT_CHECK_SECONDS = 3600


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
    ]
    yield
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _settle_memory(app: web.Application) -> None:
    """Move what startup built (modules, templates, catalogs) out of the garbage collector's
    sight, so its full collections stay short under load."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)


async def healthz(request: web.Request) -> web.Response:
    await request.app[DATABASE].run(lambda connection: connection.exec_driver_sql("SELECT 1"))
    return web.json_response({"status": "ok"})
