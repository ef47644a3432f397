"""A real SMTP server (aiosmtpd) standing in for the outbound relay: it keeps every message
it accepts, parsed with the stdlib `email` package, and can refuse the next N with a 4xx or
answer slowly (a busy relay)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.smtp import SMTP


@dataclass
class MailSink:
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse_next: int = 0
    server: asyncio.base_events.Server | None = None
    peers: list[tuple[str, int]] = field(default_factory=list)   # the session of each message
    idle_timeout: float = 300
    # Seconds before answering RCPT, and the end of DATA.
    rcpt_delay: float = 0
    data_delay: float = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        await asyncio.sleep(self.rcpt_delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        await asyncio.sleep(self.data_delay)
        if self.refuse_next:
            self.refuse_next -= 1
            return "451 4.3.0 Try again later"
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.peers.append(session.peer)
        # Back from SMTP's CRLF to the line endings the stdlib parser hands back as "\n".
        raw = envelope.content.replace(b"\r\n", b"\n")
        self.messages.append(BytesParser(policy=policy.default).parsebytes(raw))
        return "250 OK"

    async def start(self) -> int:
        return await self.start_on(0)

    async def start_on(self, port: int) -> int:
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(
            lambda: SMTP(self, hostname="sink.test", timeout=self.idle_timeout),
            "127.0.0.1", port, reuse_address=True)
        return self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]
