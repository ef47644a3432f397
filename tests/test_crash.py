"""Crash safety: SMS and email load on a real `csba serve` process, SIGKILL in the middle,
a restart on the same database; every message acknowledged with 200 or 250 is stored, and
every answer the outbox holds reaches the mail relay once (the fakes: tests/fakes): the
restarted process sends at once what the crash interrupted, and sends a message twice only
when the crash fell between handing it to the relay and hearing back (RFC 1047), with the
same Message-ID and the row saying so."""

import asyncio
import os
import signal
import sqlite3
import sys
from collections import Counter

import aiohttp
import aiosmtplib
from twilio.request_validator import RequestValidator

from tests.conftest import ACCOUNT_SID, AUTH_TOKEN, MAIL_DOMAIN, ROOT, twilio_fixture
from tests.test_cli import free_port

BUYERS = ["+15555550103", "+15555550101", "+15555550102", "+15555550106", "+15555550113"]
EMAILS = ["emily.nguyen@example.com", "ana.diaz@example.com", "james.carter@example.net"]


async def start(db: str, http: int, smtp: int, twilio_url: str, relay: int):
    env = {**os.environ, "CSBA_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
           "CSBA_TWILIO_AUTH_TOKEN": AUTH_TOKEN, "CSBA_PUBLIC_URL": f"http://127.0.0.1:{http}",
           "CSBA_MAIL_DOMAIN": MAIL_DOMAIN, "CSBA_SMS_FROM": "+15005550006",
           "CSBA_TWILIO_API_URL": twilio_url, "CSBA_SMTP_RELAY": f"127.0.0.1:{relay}",
           "CSBA_OUTBOX_POLL_SECONDS": "0.1"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", "--demo", "--db", f"sqlite+aiosqlite:///{db}",
        "--http", f"127.0.0.1:{http}", "--smtp", f"127.0.0.1:{smtp}", cwd=ROOT, env=env,
        stderr=asyncio.subprocess.PIPE)
    log = []
    while not any("HTTP listening" in line for line in log):
        line = await asyncio.wait_for(process.stderr.readline(), 60)
        assert line, "serve exited: " + "".join(log)
        log.append(line.decode())
    asyncio.create_task(process.stderr.read())  # keep the pipe from filling
    return process


async def sms_load(http: int, acknowledged: set[str], stop: asyncio.Event) -> None:
    n = 0
    async with aiohttp.ClientSession() as session:
        while not stop.is_set():
            n += 1
            sid = f"SM{os.getpid():08d}{n:024d}"
            form = twilio_fixture("sms_inbound", From=BUYERS[n % len(BUYERS)],
                                  Body="Where is my order?", MessageSid=sid, SmsSid=sid,
                                  SmsMessageSid=sid)
            signature = RequestValidator(AUTH_TOKEN).compute_signature(
                f"http://127.0.0.1:{http}/twilio/sms", form)
            try:
                async with session.post(f"http://127.0.0.1:{http}/twilio/sms", data=form,
                                        headers={"X-Twilio-Signature": signature}) as response:
                    if response.status == 200:
                        acknowledged.add(sid)
            except (aiohttp.ClientError, OSError):
                return


async def mail_load(smtp: int, acknowledged: set[str], stop: asyncio.Event) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        message_id = f"<crash{n}.{os.getpid()}@example.com>"
        sender = EMAILS[n % len(EMAILS)]
        raw = (f"From: {sender}\r\nTo: support@{MAIL_DOMAIN}\r\nSubject: Where is my order?\r\n"
               f"Message-ID: {message_id}\r\n\r\nWhere is my order?\r\n").encode()
        try:
            await aiosmtplib.send(raw, sender=sender, recipients=[f"support@{MAIL_DOMAIN}"],
                                  hostname="127.0.0.1", port=smtp, timeout=10)
            acknowledged.add(message_id)
        except (aiosmtplib.SMTPException, OSError):
            return


async def test_sigkill_mid_load_loses_nothing_acknowledged(tmp_path, twilio_fake, mail_sink):
    db = tmp_path / "crash.sqlite3"
    http, smtp = free_port(), free_port()
    twilio_url = str(twilio_fake.server.make_url("")).rstrip("/")
    # A slow relay: when the crash comes, answers are on their way, some before the relay
    # has the envelope and some after the DATA was handed over.
    mail_sink.rcpt_delay, mail_sink.data_delay = 0.1, 0.4
    process = await start(str(db), http, smtp, twilio_url, mail_sink.port)
    sms_ok: set[str] = set()
    mail_ok: set[str] = set()
    stop = asyncio.Event()
    load = [asyncio.create_task(sms_load(http, sms_ok, stop)) for _ in range(4)] + \
        [asyncio.create_task(mail_load(smtp, mail_ok, stop)) for _ in range(4)]
    # Crash once enough has been acknowledged, not after a fixed time: a slow shared host
    # may take longer than usual to get the first emails through.
    await asyncio.sleep(1.5)
    for _ in range(300):
        if len(sms_ok) > 20 and len(mail_ok) > 5:
            break
        await asyncio.sleep(0.1)
    process.send_signal(signal.SIGKILL)          # no cleanup, no flush: a crash
    await process.wait()
    stop.set()
    await asyncio.gather(*load)
    assert len(sms_ok) > 20 and len(mail_ok) > 5, (len(sms_ok), len(mail_ok))

    process = await start(str(db), http, smtp, twilio_url, mail_sink.port)
    try:
        for _ in range(300):                     # the restarted outbox sends what was queued
            with sqlite3.connect(db) as connection:
                waiting = connection.execute(
                    "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')"
                ).fetchone()[0]
            if not waiting:
                break
            await asyncio.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 60) == 0

    with sqlite3.connect(db) as connection:
        stored = {row[0] for row in connection.execute(
            "SELECT external_id FROM messages WHERE direction = 'in'")}
        answers = connection.execute(
            "SELECT json_extract(headers, '$.\"Message-ID\"'), status, recovery FROM outbox "
            "WHERE channel = 'email'").fetchall()
    assert sms_ok <= stored, f"acknowledged but lost: {sorted(sms_ok - stored)[:5]}"
    assert mail_ok <= stored, f"acknowledged but lost: {sorted(mail_ok - stored)[:5]}"
    recoveries = Counter(recovery for _, _, recovery in answers)
    assert answers and {status for _, status, _ in answers} == {"sent"}, answers
    delivered = Counter(str(m["Message-ID"]).strip() for m in mail_sink.messages)
    for message_id, _, recovery in answers:
        copies = delivered.pop(message_id, 0)
        if recovery == "sent_again_in_doubt":
            assert copies in (1, 2), (message_id, copies)
        else:
            assert copies == 1, (message_id, recovery, copies)
    assert not delivered, f"sent but not in the outbox: {list(delivered)[:3]}"
    # The crash caught sends in flight, and the restart found out what became of them.
    assert recoveries.keys() - {None} <= {"not_handed_over", "sent_again_in_doubt"}
    assert sum(n for how, n in recoveries.items() if how), recoveries
