"""Several service processes on one PostgreSQL (`csba serve --workers N`, and separate
services on one database): duplicate deliveries to both processes store one message and get
one answer, one customer's messages are handled one at a time, and every process sweeping
resolves a case once. Skipped with the reason when no PostgreSQL is reachable."""

import asyncio
import json
import os
import signal
import sys

import aiohttp
import asyncpg
from twilio.request_validator import RequestValidator

from tests.conftest import ROOT, twilio_fixture, twiml_messages
from tests.test_cli import free_port
from tests.test_postgres import postgres_url  # noqa: F401  (the fixture)

TOKEN = "workers-token"
EMILY = "+15555550103"


class Served:
    """`python -m bot serve` as a subprocess, until SIGTERM."""

    def __init__(self, db_url: str, *, workers: int = 1) -> None:
        self.db_url, self.workers = db_url, workers
        self.http, self.smtp = free_port(), free_port()
        self.log: list[str] = []

    async def __aenter__(self):
        env = {**os.environ, "CSBA_TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
               "CSBA_TWILIO_AUTH_TOKEN": TOKEN, "CSBA_PUBLIC_URL": "https://csba.example.com",
               "CSBA_MAIL_DOMAIN": "support.example.com", "CSBA_SMS_FROM": "+15005550006",
               "CSBA_TWILIO_API_URL": "http://127.0.0.1:9", "CSBA_SMTP_RELAY": "127.0.0.1:9"}
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "serve", "--demo", "--db", self.db_url,
            "--http", f"127.0.0.1:{self.http}", "--smtp", f"127.0.0.1:{self.smtp}",
            "--workers", str(self.workers), cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE)
        while sum("HTTP listening" in line for line in self.log) < self.workers:
            line = await asyncio.wait_for(self.process.stderr.readline(), 60)
            assert line, "serve exited: " + "".join(self.log)
            self.log.append(line.decode())
        self.drain = asyncio.create_task(self._drain())
        return self

    async def _drain(self) -> None:
        while line := await self.process.stderr.readline():
            self.log.append(line.decode())

    async def __aexit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(self.process.wait(), 60) == 0, "".join(self.log[-20:])
        await self.drain


async def post_sms(session: aiohttp.ClientSession, port: int, sid: str, body: str) -> list[str]:
    form = twilio_fixture("sms_inbound", From=EMILY, Body=body, MessageSid=sid,
                          SmsMessageSid=sid, SmsSid=sid)
    signature = RequestValidator(TOKEN).compute_signature(
        "https://csba.example.com/twilio/sms", form)
    async with session.post(f"http://127.0.0.1:{port}/twilio/sms", data=form,
                            headers={"X-Twilio-Signature": signature}) as response:
        assert response.status == 200, await response.text()
        return twiml_messages(await response.text())


async def count(db_url: str, sql: str) -> int:
    connection = await asyncpg.connect(db_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return await connection.fetchval(sql)
    finally:
        await connection.close()


async def test_duplicate_deliveries_to_two_workers_are_stored_and_answered_once(postgres_url):  # noqa: F811
    async with Served(postgres_url, workers=2) as served, aiohttp.ClientSession() as session:
        sids = [f"SM{n:032d}" for n in range(1, 21)]
        # every message delivered twice at once; the kernel spreads them over both workers
        replies = await asyncio.gather(*(post_sms(session, served.http, sid, "Where is my order?")
                                         for sid in sids for _ in range(2)))
    assert sum(1 for reply in replies if reply) == 20           # one answer per message
    assert await count(postgres_url, "SELECT count(*) FROM messages WHERE direction = 'in'") == 20
    assert await count(postgres_url, "SELECT count(DISTINCT external_id) FROM messages "
                                     "WHERE direction = 'in'") == 20
    listening = [json.loads(line) for line in served.log if "HTTP listening" in line]
    assert len({entry["process"] for entry in listening}) == 2     # two worker processes


async def test_two_services_on_one_database_take_a_message_once(postgres_url):  # noqa: F811
    async with Served(postgres_url) as first, Served(postgres_url) as second, \
            aiohttp.ClientSession() as session:
        replies = await asyncio.gather(
            post_sms(session, first.http, "SM" + "7" * 32, "Where is my order?"),
            post_sms(session, second.http, "SM" + "7" * 32, "Where is my order?"))
    assert sorted(len(reply) for reply in replies) == [0, 1]
    assert await count(postgres_url, "SELECT count(*) FROM messages WHERE direction = 'in'") == 1


async def test_every_process_sweeping_resolves_a_case_once(postgres_url):  # noqa: F811
    async with Served(postgres_url) as served, aiohttp.ClientSession() as session:
        [reply] = await post_sms(session, served.http, "SM" + "5" * 32,
                                 "Does it come in a gift box?")
        assert "I've asked the seller" in reply
    env = {**os.environ, "CSBA_DB_URL": postgres_url, "CSBA_MAIL_DOMAIN": "support.example.com"}
    later = (await count(postgres_url, "SELECT to_char(deadline_at + interval '1 second', "
                                       "'YYYY-MM-DD\"T\"HH24:MI:SSOF') FROM cases"))
    sweeps = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sweep", "--now", later, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE) for _ in range(4)]
    outputs = [json.loads((await process.communicate())[0]) for process in sweeps]
    assert sorted(len(out["resolved"]) for out in outputs) == [0, 0, 0, 1]
    assert await count(postgres_url, "SELECT count(*) FROM case_events "
                                     "WHERE kind = 'resolved_on_silence'") == 1
