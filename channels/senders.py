"""Outbound senders used by the outbox dispatcher: SMS through Twilio's Messages REST API
(twilio's async client) and email through the SMTP relay (aiosmtplib)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from pathlib import Path

import aiosmtplib
import dkim
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from bot.messages import OutboundMessage
from bot.outbox import HandOver, NotAccepted, PermanentSendError
from bot.settings import TWILIO_API_URL, Settings, parse_host_port
from channels.mail_policy import POLICY, SMTP_POLICY


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


# How far back the SMS lookup goes in one number's messages, and by how much Twilio's clock
# may differ from ours.
FIND_SENT_LIMIT = 50
CLOCK_SLACK = timedelta(minutes=1)


class TwilioSmsSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.http = RelocatedTwilioHttpClient(settings.twilio_api_url)
        self.client = Client(settings.twilio_account_sid, settings.twilio_auth_token,
                             http_client=self.http)

    async def __call__(self, message: OutboundMessage, handing_over: HandOver) -> str:
        callback = self.settings.public_url.rstrip("/") + "/twilio/status"
        await handing_over()
        try:
            sent = await self.client.messages.create_async(
                to=message.to, from_=self.settings.sms_from, body=message.body,
                status_callback=callback)
        except TwilioRestException as exc:
            # A 4xx means Twilio created nothing; other than rate limiting, retrying will not
            # help. A 5xx may come after the message was created (twilio.com/docs/errors/20500).
            if exc.status == 429:
                raise NotAccepted(f"Twilio {exc.status} {exc.code}: {exc.msg}") from exc
            if 400 <= exc.status < 500:
                raise PermanentSendError(f"Twilio {exc.status} {exc.code}: {exc.msg}") from exc
            raise
        return sent.sid

    async def find_sent(self, message: OutboundMessage, since: datetime) -> str | None:
        """The SID of a message with this body that we sent to this number since an attempt
        handed it over (Twilio's clock may run a little apart from ours), if Twilio has one.
        Listing messages is a GET, safe to repeat; Twilio lists the newest first."""
        for sent in await self.client.messages.list_async(
                to=message.to, from_=self.settings.sms_from, limit=FIND_SENT_LIMIT):
            created = sent.date_created
            if sent.body == message.body and (created is None
                                              or created >= since - CLOCK_SLACK):
                return sent.sid
        return None

    async def close(self) -> None:
        await self.http.close()


# Headers a DKIM signature covers (RFC 6376 section 5.4.1's recommendation).
DKIM_HEADERS = [b"from", b"to", b"subject", b"date", b"message-id", b"in-reply-to",
                b"references", b"reply-to", b"mime-version", b"content-type"]


class SmtpMailSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.host, self.port = parse_host_port(settings.smtp_relay)
        self.relay = RelayConnections(self.host, self.port)
        if settings.dkim_key_file and not settings.dkim_selector:
            raise ValueError("CSBA_DKIM_KEY_FILE needs CSBA_DKIM_SELECTOR (the DNS selector)")
        self.dkim_key = (Path(settings.dkim_key_file).read_bytes()
                         if settings.dkim_key_file else None)

    def build(self, message: OutboundMessage) -> EmailMessage:
        email = EmailMessage(policy=POLICY)
        email["From"] = formataddr(("Customer Support", self.settings.intake_address))
        email["To"] = message.to
        email["Subject"] = message.subject or ""
        email["Date"] = formatdate(localtime=False, usegmt=True)
        email["Reply-To"] = message.headers.get("Reply-To", self.settings.intake_address)
        # Ask Exchange and Outlook not to send out-of-office answers back to us.
        email["X-Auto-Response-Suppress"] = "All"
        for name, value in message.headers.items():
            if name != "Reply-To":
                email[name] = value
        email.set_content(message.body)
        if message.html:
            email.add_alternative(message.html, subtype="html")
        for file in message.files:
            maintype, _, subtype = file.content_type.partition("/")
            email.add_attachment(file.content, maintype=maintype,
                                 subtype=subtype or "octet-stream",
                                 filename=file.filename or "attachment")
        return email

    def signed(self, email: EmailMessage) -> bytes:
        """The message as sent: DKIM-signed (relaxed/relaxed) when a key is configured."""
        raw = email.as_bytes(policy=SMTP_POLICY)
        if self.dkim_key is None:
            return raw
        domain = self.settings.intake_address.rsplit("@", 1)[1].encode()
        signature = dkim.sign(raw, self.settings.dkim_selector.encode(), domain, self.dkim_key,
                              canonicalize=(b"relaxed", b"relaxed"), include_headers=DKIM_HEADERS)
        return signature + raw

    async def __call__(self, message: OutboundMessage, handing_over: HandOver) -> str:
        email = self.build(message)
        raw = self.signed(email)
        try:
            await self.relay.send(self.settings.intake_address, message.to, raw, handing_over)
        except aiosmtplib.SMTPResponseException as exc:
            # The relay answered: it did not take the message (RFC 5321 section 4.2.1).
            if 500 <= exc.code < 600:
                raise PermanentSendError(f"relay answered {exc.code} {exc.message}") from exc
            raise NotAccepted(f"relay answered {exc.code} {exc.message}") from exc
        return str(email["Message-ID"] or "")

    async def close(self) -> None:
        await self.relay.close()


class RelayConnections:
    """Open SMTP sessions with the relay, reused from one message to the next (as an MTA's
    connection cache does): a session per message cost as much as composing the answer and
    deciding it. At most `size` sessions; one that failed is closed, not reused, and a session
    the relay closed while idle is replaced once, transparently."""

    def __init__(self, host: str, port: int, *, size: int = 4, timeout: float = 30) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._idle: list[aiosmtplib.SMTP] = []
        self._slots = asyncio.Semaphore(size)

    async def send(self, sender: str, recipient: str, raw: bytes,
                   handing_over: HandOver) -> None:
        """MAIL and RCPT, then `handing_over()`, then DATA: until the relay has answered the
        final dot it keeps nothing (RFC 5321 section 4.1.1.4), so a message that stopped
        before DATA was certainly not sent."""
        async with self._slots:
            client, reused = await self._take()
            try:
                try:
                    await self._envelope(client, sender, recipient, len(raw))
                except aiosmtplib.SMTPServerDisconnected:
                    client.close()
                    if not reused:
                        raise
                    client = await self._connect()   # the relay dropped an idle session
                    await self._envelope(client, sender, recipient, len(raw))
                await handing_over()
                await client.data(raw)
            except BaseException:
                client.close()
                raise
            self._idle.append(client)

    @staticmethod
    async def _envelope(client: aiosmtplib.SMTP, sender: str, recipient: str,
                        size: int) -> None:
        if client.is_ehlo_or_helo_needed:
            await client.ehlo()
        # RFC 1870: a relay with a size limit refuses an oversized message at MAIL.
        options = [f"SIZE={size}"] if client.supports_extension("size") else []
        await client.mail(sender, options=options)
        await client.rcpt(recipient)

    async def _take(self) -> tuple[aiosmtplib.SMTP, bool]:
        while self._idle:
            client = self._idle.pop()
            if client.is_connected:
                return client, True
        return await self._connect(), False

    async def _connect(self) -> aiosmtplib.SMTP:
        client = aiosmtplib.SMTP(hostname=self.host, port=self.port, timeout=self.timeout)
        await client.connect()
        return client

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for client in idle:
            with contextlib.suppress(Exception):
                await client.quit()
