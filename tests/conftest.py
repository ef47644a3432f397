"""The test harness: the real app (create_app) on a fresh SQLite file with the demo data,
a fake of Twilio's Messages API and a real SMTP sink as the outbound relay, and helpers that
speak the real protocols to it (signed Twilio forms, SMTP sessions)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import aiosmtplib
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

from bot.accounts import add_user
from bot.app import create_app
from bot.app_keys import DATABASE, DISPATCHER, SMTP_SOCKETS
from bot.clock import FixedClock
from bot.settings import Settings
from storage.db import Database
from tests.fakes.mail_sink import MailSink
from tests.fakes.twilio_api import TwilioFake

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
PUBLIC_URL = "https://csba.example.com"
OUR_NUMBER = "+15005550006"
MAIL_DOMAIN = "support.example.com"


def twilio_fixture(name: str, **overrides: str) -> dict[str, str]:
    form = json.loads((FIXTURES / "twilio" / f"{name}.json").read_text())
    form.update(overrides)
    return form


def email_fixture(name: str, **replacements: str) -> bytes:
    raw = (FIXTURES / "email" / name).read_bytes()
    for key, value in replacements.items():
        raw = raw.replace(f"{{{{{key}}}}}".encode(), value.encode())
    return raw


def twiml_messages(xml: str) -> list[str]:
    root = ElementTree.fromstring(xml)
    assert root.tag == "Response"
    return [m.text or "" for m in root.findall("Message")]


@dataclass
class Service:
    client: TestClient
    settings: Settings
    clock: FixedClock
    twilio: TwilioFake
    mail: MailSink

    @property
    def db(self) -> Database:
        return self.client.app[DATABASE]

    @property
    def smtp_port(self) -> int:
        return self.client.app[SMTP_SOCKETS][0][1]

    def sign(self, path: str, form: dict[str, str]) -> str:
        return RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + path, form)

    async def post_signed(self, path: str, form: dict[str, str], *, signature: str | None = None):
        headers = {"X-Twilio-Signature": signature if signature is not None else self.sign(path, form)}
        return await self.client.post(path, data=form, headers=headers)

    async def sms(self, sender: str, body: str, *, sid: str | None = None,
                  media: list[tuple[str, str]] = ()) -> list[str]:
        """Text the service as Twilio would deliver it (with MMS media: (url, content type)
        pairs); returns the TwiML <Message> bodies."""
        self._sms_count = getattr(self, "_sms_count", 0) + 1
        form = twilio_fixture("sms_inbound", From=sender, Body=body,
                              MessageSid=sid or f"SM{self._sms_count:032d}",
                              SmsMessageSid=sid or f"SM{self._sms_count:032d}",
                              NumMedia=str(len(media)))
        for index, (url, content_type) in enumerate(media):
            form[f"MediaUrl{index}"] = url
            form[f"MediaContentType{index}"] = content_type
        response = await self.post_signed("/twilio/sms", form)
        assert response.status == 200, await response.text()
        assert response.content_type == "application/xml"
        return twiml_messages(await response.text())

    async def send_email(self, raw: bytes | EmailMessage, *, sender: str,
                         recipients: list[str] | None = None):
        """Deliver mail to the SMTP intake over a real SMTP session."""
        return await aiosmtplib.send(
            raw, sender=sender, recipients=recipients or [self.settings.intake_address],
            hostname="127.0.0.1", port=self.smtp_port)

    async def sign_in(self, role: str = "lead", *, seller: str | None = None,
                      email: str | None = None, password: str = "correct horse battery"):
        """Add a console user and sign in through the real sign-in form; the client keeps
        the session cookie. Returns the user's email."""
        email = email or f"{role}.{seller or 'x'}@console.example".lower()
        now = self.clock.now()
        await self.db.run(lambda connection: add_user(
            connection, email=email, password=password, role=role, seller_id=seller,
            name=role.title(), now=now))
        self.client.session.cookie_jar.clear()  # whoever was signed in before
        page = await self.client.get("/console/sign-in")
        token = re.search(r'name="form_token" value="([^"]+)"', await page.text()).group(1)
        response = await self.client.post("/console/sign-in", allow_redirects=False, data={
            "email": email, "password": password, "form_token": token, "next": ""})
        assert response.status == 303, await response.text()
        return email

    async def csrf(self, path: str) -> str:
        """The form token of a console page (every form carries it)."""
        page = await self.client.get(path)
        assert page.status == 200, await page.text()
        return re.search(r'name="csrf" value="([^"]+)"', await page.text()).group(1)

    async def dispatch(self) -> int:
        return await self.client.app[DISPATCHER].dispatch_due()

    async def scalar(self, statement) -> Any:
        """Read with the ORM models (the tests' view of the tables)."""
        return await self.db.run(lambda connection: Session(connection).scalar(statement))

    async def scalars(self, statement) -> list[Any]:
        return await self.db.run(
            lambda connection: list(Session(connection).scalars(statement).all()))

    async def sql(self, statement: str) -> None:
        await self.db.run(lambda connection: connection.exec_driver_sql(statement))

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        """Run `python -m bot ...` against this service's database, as an operator would."""
        env = {**os.environ, "CSBA_DB_URL": self.settings.db_url,
               "CSBA_MAIL_DOMAIN": MAIL_DOMAIN, "CSBA_PUBLIC_URL": PUBLIC_URL,
               "CSBA_SMS_FROM": OUR_NUMBER}
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env,
                              input=stdin, capture_output=True, text=True, timeout=60)


@pytest.fixture
async def twilio_fake(aiohttp_server):
    fake = TwilioFake(ACCOUNT_SID, AUTH_TOKEN)
    fake.server = await aiohttp_server(fake.app())
    return fake


@pytest.fixture
async def mail_sink():
    sink = MailSink()
    sink.port = await sink.start()
    yield sink
    await sink.stop()


@pytest.fixture
def settings(tmp_path, twilio_fake, mail_sink) -> Settings:
    return Settings(
        db_url=f"sqlite+aiosqlite:///{tmp_path / 'csba.sqlite3'}",
        smtp_listen="127.0.0.1:0",
        public_url=PUBLIC_URL,
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        twilio_api_url=str(twilio_fake.server.make_url("")).rstrip("/"),
        sms_from=OUR_NUMBER,
        mail_domain=MAIL_DOMAIN,
        smtp_relay=f"127.0.0.1:{mail_sink.port}",
        max_message_bytes=200_000,
    )


@pytest.fixture
async def service(aiohttp_client, settings, twilio_fake, mail_sink) -> Service:
    clock = FixedClock(NOW)
    twilio_fake.clock = clock.now
    app = create_app(settings, clock=clock, demo=True, background=False)
    client = await aiohttp_client(app)
    return Service(client, settings, clock, twilio_fake, mail_sink)
