"""The SMTP intake: customers write to the support address, sellers reply to their case
address. Recipients are checked at RCPT, size at DATA, and 250 is said only after the
message is committed; an internal failure answers 451 so the sending server retries.

The listener protects itself the way an MTA does: a recipient limit per message, a line-length
limit, an idle timeout, a connection limit, and STARTTLS when a certificate is configured."""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from datetime import datetime

from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.clock import Clock
from bot.engine import ConversationEngine
from bot.messages import Channel, InboundMessage
from bot.settings import Settings
from channels.email_parsing import MalformedEmail, parse_email

log = logging.getLogger(__name__)


class IntakeHandler:
    """aiosmtpd handler hooks (https://aiosmtpd.readthedocs.io/en/latest/handlers.html)."""

    def __init__(self, engine: ConversationEngine, settings: Settings, clock: Clock,
                 observe: Callable[[str], str] = lambda reply: reply) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.domain = settings.mail_domain.lower()
        self.observe = observe  # counts each reply by code (bot.metrics)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        return self.observe(await self._recipient(envelope, address))

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        return self.observe(await self._data(envelope))

    async def _recipient(self, envelope: Envelope, address: str) -> str:
        if len(envelope.rcpt_tos) >= self.settings.smtp_max_recipients:
            # RFC 5321 section 4.5.3.1.10: 452 makes the client send the rest separately.
            return "452 4.5.3 Too many recipients"
        recipient = address.lower()
        if recipient == self.settings.intake_address:
            envelope.rcpt_tos.append(recipient)
            return "250 2.1.5 OK"
        token = self.engine.case_token(recipient)
        if token is not None and await self.engine.case_exists(token):
            envelope.rcpt_tos.append(recipient)
            return "250 2.1.5 OK"
        if not recipient.endswith("@" + self.domain):
            return "550 5.7.1 Relaying denied: we only accept mail for our own addresses"
        return "550 5.1.1 No such mailbox here"

    async def _data(self, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            parsed = parse_email(raw, own_domain=self.domain,
                                 max_attachment_bytes=self.settings.max_attachment_bytes)
        except MalformedEmail as exc:
            log.warning("rejected malformed message from %s: %s", envelope.mail_from, exc)
            return f"554 5.6.0 Malformed message: {exc}"
        received_at: datetime = self.clock.now()
        forwarded = None
        if parsed.forwarded is not None:
            original = parsed.forwarded
            forwarded = InboundMessage(
                channel=Channel.EMAIL, sender=original.sender,
                recipient=self.settings.intake_address,
                text=original.text, external_id=f"{parsed.message_id} forwarded",
                received_at=received_at, subject=original.subject,
                thread_ref=original.message_id or "",
                references=(original.message_id,) if original.message_id else ())
        try:
            for recipient in envelope.rcpt_tos:
                external_id = parsed.message_id
                if recipient != self.settings.intake_address:
                    external_id = f"{parsed.message_id} {recipient}"
                await self.engine.handle(InboundMessage(
                    channel=Channel.EMAIL, sender=parsed.sender, recipient=recipient,
                    text=parsed.text, external_id=external_id, received_at=received_at,
                    subject=parsed.subject, references=parsed.references,
                    automatic=parsed.automatic_reason is not None,
                    attachments=parsed.attachments, dropped=parsed.dropped, forwarded=forwarded,
                    failed_recipients=parsed.failed_recipients,
                ))
        except Exception:
            log.exception("could not take message %s; asking the sender to retry",
                          parsed.message_id)
            return "451 4.3.0 Temporary failure, please try again later"
        return "250 2.0.0 Message accepted"


class IntakeSMTP(SMTP):
    """aiosmtpd's SMTP with our line-length limit and a polite goodbye on idle timeout."""

    def __init__(self, handler: IntakeHandler, *, line_length_limit: int,
                 on_close, **options) -> None:
        # aiosmtpd reads `line_length_limit` when it builds its stream reader in __init__.
        self.line_length_limit = line_length_limit
        self._on_close = on_close
        super().__init__(handler, **options)

    def _timeout_cb(self) -> None:
        # RFC 5321 section 4.5.3.2: a server closing an idle session says 421 first.
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(b"421 4.4.2 Idle too long, closing connection\r\n")
        super()._timeout_cb()

    def connection_lost(self, error: Exception | None) -> None:
        if self._on_close is not None:
            self._on_close()
            self._on_close = None
        super().connection_lost(error)


class TooManyConnections(asyncio.Protocol):
    """Answers 421 and hangs up when the intake already serves its limit of sessions."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.write(b"421 4.7.0 Too many connections, try again later\r\n")
        transport.close()


def tls_context(settings: Settings) -> ssl.SSLContext | None:
    """The STARTTLS context when a certificate is configured."""
    if not settings.smtp_tls_cert:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(settings.smtp_tls_cert, settings.smtp_tls_key or None)
    return context


def smtp_protocol_factory(engine: ConversationEngine, settings: Settings, clock: Clock, *,
                          observe: Callable[[str], str] = lambda reply: reply):
    """A protocol factory for `loop.create_server`: the intake runs on the web server's loop."""
    handler = IntakeHandler(engine, settings, clock, observe)
    context = tls_context(settings)
    open_sessions = 0

    def closed() -> None:
        nonlocal open_sessions
        open_sessions -= 1

    def build() -> asyncio.Protocol:
        nonlocal open_sessions
        if open_sessions >= settings.smtp_max_connections:
            log.warning("SMTP connection refused: %d sessions open", open_sessions)
            return TooManyConnections()
        open_sessions += 1
        return IntakeSMTP(
            handler,
            line_length_limit=settings.smtp_max_line_bytes,
            on_close=closed,
            hostname=settings.mail_domain,
            ident="csba intake",
            data_size_limit=settings.max_message_bytes,
            enable_SMTPUTF8=True,
            decode_data=False,
            timeout=settings.smtp_idle_timeout_seconds,
            tls_context=context,
        )

    return build
