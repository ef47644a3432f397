"""The command line as an operator uses it: `python -m bot` / `csba` in a subprocess."""

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys

import aiohttp
import aiosmtplib
from twilio.request_validator import RequestValidator

from tests.conftest import ROOT, twilio_fixture

SMALL_DATASET = {
    "marketplace": "US",
    "sellers": [{"id": "A1B2C3", "name": "Shenzhen Lamp Co", "email": "ops@lamp.example",
                 "language": "zh", "enrolled_at": "2026-09-01T00:00:00Z", "opted_out_at": None,
                 "return_address_country": "CN", "returnless_refund_max": 10.00}],
    "products": [{"asin": "B0EXAMPLE1", "seller_id": "A1B2C3", "sku": "LAMP-01",
                  "title": "Desk lamp", "category": "Home", "bullets": ["Warm light"],
                  "description": "A lamp.", "attributes": {"wattage": "9 W"}, "price": 24.99,
                  "currency": "USD", "returnable": True}],
    "orders": [{"order_id": "112-1234567-1234567", "seller_id": "A1B2C3", "fulfillment": "MFN",
                "purchased_at": "2026-11-20T15:04:00Z",
                "buyer": {"name": "Ana Diaz", "email": "Ana@Example.com", "phone": "+1 555 123 0001",
                          "language": "es"},
                "ship_to": {"postal_code": "94107", "country": "US"},
                "items": [{"asin": "B0EXAMPLE1", "quantity": 1, "price": 24.99}],
                "status": "Shipped", "latest_ship_date": "2026-11-22T23:59:59Z",
                "earliest_delivery_date": "2026-11-25T00:00:00Z",
                "latest_delivery_date": "2026-11-28T23:59:59Z",
                "shipment": {"carrier": "UPS", "tracking_number": "1Z999AA10123456784",
                             "shipped_at": "2026-11-21T18:00:00Z", "delivered_at": None}}],
}


def run(*args: str, env: dict | None = None, stdin: str | None = None):
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, input=stdin, env={**os.environ, **(env or {})})


def test_help_lists_the_commands():
    result = run("--help")
    assert result.returncode == 0
    for command in ("serve", "load", "chat", "sweep", "db"):
        assert command in result.stdout


def test_load_is_idempotent_and_all_or_nothing(tmp_path):
    db = f"sqlite+aiosqlite:///{tmp_path / 'load.sqlite3'}"
    path = tmp_path / "data.json"
    path.write_text(json.dumps(SMALL_DATASET))
    for _ in range(2):
        result = run("load", str(path), "--db", db)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"loaded 1 sellers, 1 products, 1 orders from {path}"
    broken = {**SMALL_DATASET, "orders": [{**SMALL_DATASET["orders"][0],
                                           "order_id": "999-0000000-0000000",
                                           "purchased_at": "last tuesday"}]}
    path.write_text(json.dumps(broken))
    result = run("load", str(path), "--db", db)
    assert result.returncode == 2
    assert "order 999-0000000-0000000 purchased_at: 'last tuesday' is not an ISO 8601 date " \
           "(nothing was loaded)" in result.stderr
    path.write_text("{not json")
    assert run("load", str(path), "--db", db).returncode == 2


async def test_chat_talks_to_the_same_engine(service):
    result = service.cli("chat", "--from", "(555) 555-0103", stdin="where is my order?\nthanks\n")
    assert result.returncode == 0, result.stderr
    replies = re.findall(r"^bot> (.*)$", result.stdout, flags=re.M)
    assert replies[0].startswith("Your order 111-6649302-1175048 (Brightside Waffle-Knit")
    assert replies[1] == "You're welcome! Write any time if you need anything else."


def test_chat_warns_when_the_database_is_empty(tmp_path):
    db = f"sqlite+aiosqlite:///{tmp_path / 'typo.sqlite3'}"
    result = run("chat", "--from", "+15555550103", "--db", db, stdin="where is my order?\n")
    assert result.returncode == 0, result.stderr
    assert "holds no sellers or orders: start `./dev serve` once" in result.stderr


async def test_chat_can_be_a_phone_call(service):
    result = service.cli("chat", "--channel", "voice", "--from", "+15555550103",
                         stdin="where is my order?\n\ngoodbye\n")
    assert result.returncode == 0, result.stderr
    replies = re.findall(r"^bot> (.*)$", result.stdout, flags=re.M)
    assert replies[0].startswith("Thank you for calling customer support")
    assert replies[1].startswith("Your order 1 1 1, 6 6 4, 9 3 0 2, 1 1 7, 5 0 4 8,")
    assert replies[1].endswith("Is there anything else I can help you with?")
    assert replies[2].startswith("Sorry, I didn't hear anything.")  # the empty line
    assert replies[3:] == ["Thank you for calling. Goodbye!"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_serve_demo_runs_webhooks_console_health_and_smtp(tmp_path):
    http, smtp = free_port(), free_port()
    env = {**os.environ, "CSBA_TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
           "CSBA_TWILIO_AUTH_TOKEN": "serve-token", "CSBA_PUBLIC_URL": f"http://127.0.0.1:{http}",
           "CSBA_MAIL_DOMAIN": "support.example.com", "CSBA_SMS_FROM": "+15005550006"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", "--demo", "--db",
        f"sqlite+aiosqlite:///{tmp_path / 'serve.sqlite3'}", "--http", f"127.0.0.1:{http}",
        "--smtp", f"127.0.0.1:{smtp}", cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE)
    log = []
    try:
        while not any("HTTP listening" in line for line in log):
            line = await asyncio.wait_for(process.stderr.readline(), 30)
            assert line, "serve exited: " + "".join(log)
            log.append(line.decode())
        text = "".join(log)
        assert "loaded the demo data set: 4 sellers, 24 products, 30 orders" in text
        assert f"SMTP intake listening on 127.0.0.1:{smtp}" in text
        assert f"HTTP listening on http://127.0.0.1:{http}" in text
        async with aiohttp.ClientSession(f"http://127.0.0.1:{http}") as client:
            async with client.get("/healthz") as response:
                assert (response.status, await response.json()) == (200, {"status": "ok"})
            async with client.get("/console/") as response:
                assert response.status == 200
                assert "Support console" in await response.text()
            form = twilio_fixture("sms_inbound", From="+15555550103")
            signature = RequestValidator("serve-token").compute_signature(
                f"http://127.0.0.1:{http}/twilio/sms", form)
            async with client.post("/twilio/sms", data=form,
                                   headers={"X-Twilio-Signature": signature}) as response:
                assert response.status == 200
                assert "111-6649302-1175048" in await response.text()
        smtp_client = aiosmtplib.SMTP(hostname="127.0.0.1", port=smtp)
        await smtp_client.connect()
        code, message = await smtp_client.ehlo()
        assert code == 250 and "support.example.com" in message
        await smtp_client.quit()
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0


def test_evaluate_email_replies_scores_each_convention(tmp_path):
    records = [
        {"name": "a", "format": "plain_body", "convention": "talon",
         "raw": "Sure, Friday works.\n\nOn Thu, Nov 26, 2026 at 9:00 AM Bob <b@x.com> wrote:\n> When?",
         "expected_visible_reply": "Sure, Friday works.", "compare": "strip"},
        {"name": "b", "format": "plain_body", "convention": "email_reply_parser",
         "raw": "Got it\n\n发件人: 店铺 <s@x.cn>\n发送时间: 2026年11月26日\n收件人: me\n主题: 订单\n\n您好",
         "expected_visible_reply": "Got it", "compare": "strip"},
    ]
    source = tmp_path / "replies.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    predictions = tmp_path / "predictions.jsonl"
    result = run("evaluate", "email-replies", str(source), "--predictions", str(predictions))
    assert result.returncode == 0, result.stderr
    headline = json.loads(result.stdout.strip().splitlines()[-1])
    assert headline["exact_match"] == 1.0
    assert set(headline["by_convention"]) == {"talon", "email_reply_parser"}
    assert [json.loads(line)["predicted"] for line in predictions.read_text().splitlines()] == [
        "Sure, Friday works.", "Got it"]
