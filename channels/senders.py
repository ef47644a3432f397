"""Outbound senders used by the outbox dispatcher: SMS through Twilio's Messages REST API
(twilio's async client) and email through the SMTP relay (aiosmtplib)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, formatdate

import aiosmtplib
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from bot.messages import OutboundMessage
from bot.outbox import PermanentSendError
from bot.settings import TWILIO_API_URL, Settings, parse_host_port


class RelocatedTwilioHttpClient(AsyncTwilioHttpClient):
    """twilio's async HTTP client, sending to `CSBA_TWILIO_API_URL` instead of
    api.twilio.com (the SDK has no base-URL setting; tests point it at a local fake)."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")

    async def request(self, method, url, *args, **kwargs):
        if url.startswith(TWILIO_API_URL):
            url = self.base_url + url[len(TWILIO_API_URL):]
        return await super().request(method, url, *args, **kwargs)


class TwilioSmsSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.http = RelocatedTwilioHttpClient(settings.twilio_api_url)
        self.client = Client(settings.twilio_account_sid, settings.twilio_auth_token,
                             http_client=self.http)

    async def __call__(self, message: OutboundMessage) -> str:
        callback = self.settings.public_url.rstrip("/") + "/twilio/status"
        try:
            sent = await self.client.messages.create_async(
                to=message.to, from_=self.settings.sms_from, body=message.body,
                status_callback=callback)
        except TwilioRestException as exc:
            # 4xx other than rate limiting will not get better by retrying.
            if 400 <= exc.status < 500 and exc.status != 429:
                raise PermanentSendError(f"Twilio {exc.status} {exc.code}: {exc.msg}") from exc
            raise
        return sent.sid

    async def close(self) -> None:
        await self.http.close()


class SmtpMailSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.host, self.port = parse_host_port(settings.smtp_relay)

    def build(self, message: OutboundMessage) -> EmailMessage:
        email = EmailMessage()
        email["From"] = formataddr(("Customer Support", self.settings.intake_address))
        email["To"] = message.to
        email["Subject"] = message.subject or ""
        email["Date"] = formatdate(localtime=False, usegmt=True)
        for name, value in message.headers.items():
            email[name] = value
        email.set_content(message.body)
        if message.html:
            email.add_alternative(message.html, subtype="html")
        return email

    async def __call__(self, message: OutboundMessage) -> str:
        email = self.build(message)
        try:
            await aiosmtplib.send(email, hostname=self.host, port=self.port, timeout=30)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise PermanentSendError(f"relay refused {message.to}: {exc}") from exc
        except aiosmtplib.SMTPResponseException as exc:
            if 500 <= exc.code < 600:
                raise PermanentSendError(f"relay answered {exc.code} {exc.message}") from exc
            raise
        return str(email["Message-ID"] or "")
