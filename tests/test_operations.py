"""Running the service: Prometheus metrics, health and readiness, JSON logs with the
conversation and case, a schema behind the code refused at start, data retention, and the
outbox flushed at shutdown."""

import asyncio
import json
import logging
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from aiohttp import web
from sqlalchemy import func, select

from bot.app import SchemaBehind, create_app
from bot.app_keys import STOPPING
from bot.clock import FixedClock
from bot.log_context import CASE, CONVERSATION, configure_logging
from storage.db import Database
from storage.models import Case, Conversation, Message, ReturnRecord
from tests.conftest import ROOT, Service

EMILY = "+15555550103"


async def test_metrics_count_turns_smtp_answers_outbox_and_cases(service):
    await service.sms(EMILY, "Where is my order?")
    await service.sms(EMILY, "Does it come in a gift box?")      # a case for the seller
    await service.send_email(b"From: a@example.com\r\nTo: support@support.example.com\r\n"
                             b"Subject: hi\r\nMessage-ID: <m1@example.com>\r\n\r\nhello\r\n",
                             sender="a@example.com")
    response = await service.client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = await response.text()
    assert 'csba_turns_total{channel="sms",intent="order_status"} 1.0' in text
    assert 'csba_turns_total{channel="sms",intent="product_question"} 1.0' in text
    assert 'csba_turn_seconds_count{channel="email"} 1.0' in text
    assert 'csba_smtp_answers_total{code="250"} 2.0' in text      # RCPT and DATA
    assert 'csba_outbox_depth{status="pending"} 2.0' in text       # the case email, the answer
    assert "csba_cases_open 1.0" in text and "csba_cases_overdue 0.0" in text


async def test_ready_until_shutdown_begins(service):
    assert (await service.client.get("/healthz")).status == 200
    ready = await service.client.get("/readyz")
    assert (ready.status, await ready.json()) == (200, {"status": "ready"})
    service.client.app[STOPPING].set()
    stopping = await service.client.get("/readyz")
    assert (stopping.status, (await stopping.json())["problems"]) == (503, ["shutting down"])


def test_logs_are_json_lines_with_the_conversation_and_case(capsys):
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("json")
    try:
        CONVERSATION.set(12)
        CASE.set(3)
        logging.getLogger("bot.cases").info("case %s opened", 3)
        CONVERSATION.set(None)
        CASE.set(None)
        logging.getLogger("bot.app").warning("outside any turn")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    first, second = (json.loads(line) for line in capsys.readouterr().err.splitlines())
    assert (first["message"], first["level"], first["logger"]) == (
        "case 3 opened", "INFO", "bot.cases")
    assert (first["conversation_id"], first["case_id"]) == (12, 3)
    assert (second["conversation_id"], second["case_id"]) == (None, None)


async def test_a_schema_behind_the_code_is_refused_at_start(tmp_path, settings):
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    db = Database(url)
    await db.upgrade()
    await db.run(lambda c: c.exec_driver_sql("UPDATE alembic_version SET version_num='0008'"))
    await db.close()
    app = create_app(settings.with_overrides(db_url=url), background=False)
    runner = web.AppRunner(app)
    try:
        await runner.setup()
        raise AssertionError("the app started on an old schema")
    except SchemaBehind as exc:
        assert "run `csba db upgrade`" in str(exc) and "0008" in str(exc)
    finally:
        await runner.cleanup()
    served = subprocess.run([sys.executable, "-m", "bot", "serve", "--db", url, "--http",
                             "127.0.0.1:0", "--smtp", "127.0.0.1:0"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert served.returncode == 2
    assert served.stderr.strip().endswith(
        "this code needs 0014: run `csba db upgrade` (with the same CSBA_DB_URL) first")


async def test_purge_deletes_old_quiet_conversations_and_keeps_open_cases(service):
    await service.sms(EMILY, "Where is my order?")
    await service.sms("+15555550113", "Quiero cancelar mi pedido")
    await service.sms("+15555550113", "1")                          # an open case
    await service.sms("+15555550106", "where is my drill?")         # a case, resolved below
    assert service.cli("sweep", "--now", "2026-11-27T15:00:00Z").returncode == 0
    refunds_before = await service.scalar(select(func.count()).select_from(ReturnRecord))
    result = service.cli("purge", "--older-than", "30", "--now", "2026-12-20T00:00:00Z")
    assert json.loads(result.stdout)["deleted"] == {}                # nothing is 30 days old
    result = service.cli("purge", "--older-than", "30", "--now", "2027-01-30T00:00:00Z")
    deleted = json.loads(result.stdout)["deleted"]
    assert deleted["conversations"] >= 2 and deleted["messages"] >= 4
    remaining = await service.scalars(select(Conversation.customer_address))
    cases = await service.scalars(select(Case.status))
    # resolved on silence means closed: only a case still open keeps its conversation
    assert all(status in ("waiting_on_seller", "awaiting_translation") for status in cases)
    assert set(remaining) <= {"+15555550113"}
    assert await service.scalar(select(func.count()).select_from(Message).where(
        Message.conversation_id.is_(None))) == 0
    assert await service.scalar(select(func.count()).select_from(ReturnRecord)) == refunds_before


async def test_shutdown_sends_what_is_waiting(aiohttp_client, settings, twilio_fake, mail_sink):
    slow = settings.with_overrides(outbox_poll_seconds=1000)
    # the real time: `csba fees notify` below queues with it
    clock = FixedClock(datetime.now(UTC) + timedelta(minutes=5))
    client = await aiohttp_client(create_app(slow, clock=clock, demo=True, background=True))
    service = Service(client, slow, clock, twilio_fake, mail_sink)
    await asyncio.sleep(0.1)                  # the dispatcher's first round: nothing due
    queued = service.cli("fees", "notify", "--month", "2026-10")   # another process queues
    assert json.loads(queued.stdout)["sent"], queued.stderr
    assert mail_sink.to("ops@brightside.example") == []
    await client.close()                      # SIGTERM's path: cleanup contexts run
    assert [m["Subject"] for m in mail_sink.to("ops@brightside.example")] == [
        "Your fee statement for 2026-10"]
