"""The conversation engine: the single seam between the channel adapters and the core.
`handle(inbound)` serializes work per conversation, drops repeated deliveries by a unique
constraint, routes the message and writes everything it decides in one transaction."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.cases import CaseDesk
from bot.clock import Clock
from bot.dialogue import CustomerTurn
from bot.marketplace import MarketplacePolicy
from bot.messages import Channel, InboundMessage, OutboundMessage
from bot.outbox import queued_in
from bot.outgoing import EmailThread, Outgoing, Say
from bot.redaction import mask_card_numbers
from bot.settings import Settings
from bot.templating import Templates
from bot.understanding import sms_keyword
from storage.db import Database
from storage.models import Case, Conversation, Message, SmsOptOut
from storage.queries import LATEST_CONVERSATION

log = logging.getLogger(__name__)


class KeyedLocks:
    """One asyncio lock per key, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[object, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: object) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class ConversationEngine:
    def __init__(self, db: Database, clock: Clock, settings: Settings,
                 policy: MarketplacePolicy, templates: Templates,
                 after_commit: Callable[[], None] | None = None) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.policy = policy
        self.outgoing = Outgoing(settings, policy, templates)
        self.desk = CaseDesk(self.outgoing, policy)
        self.after_commit = after_commit or (lambda: None)
        self._locks = KeyedLocks()
        domain = re.escape(settings.mail_domain.lower())
        self._case_address = re.compile(rf"case\+([0-9a-f]{{20}})@{domain}")

    def case_token(self, recipient: str) -> str | None:
        match = self._case_address.fullmatch(recipient.lower())
        return match.group(1) if match else None

    async def case_exists(self, token: str) -> bool:
        return await self.db.run(
            lambda session: session.scalar(select(Case.id).where(Case.token == token))) is not None

    async def handle(self, inbound: InboundMessage) -> list[OutboundMessage]:
        """Handle one inbound message; returns the answers for the sender (inline channels
        deliver them in the webhook response). A repeated delivery returns []."""
        try:
            async with self._locks.hold((inbound.channel.value, inbound.sender.lower())):
                replies, queued = await self.db.run(
                    lambda session: (self._route(session, inbound), queued_in(session)))
        except IntegrityError:
            # The unique (channel, external_id) refused a repeated delivery: it was handled.
            if await self._already_stored(inbound):
                log.info("duplicate %s message %s dropped", inbound.channel, inbound.external_id)
                return []
            raise
        if queued:
            self.after_commit()
        return replies

    async def _already_stored(self, inbound: InboundMessage) -> bool:
        return await self.db.run(lambda session: session.scalar(
            select(Message.id).where(Message.channel == inbound.channel.value,
                                     Message.external_id == inbound.external_id)) is not None)

    def _route(self, session: Session, inbound: InboundMessage) -> list[OutboundMessage]:
        now = self.clock.now()
        text = mask_card_numbers(inbound.text)
        token = self.case_token(inbound.recipient) if inbound.channel is Channel.EMAIL else None
        if token is not None:
            case = session.scalar(select(Case).where(Case.token == token))
            if case is None:
                raise LookupError(f"no case for {inbound.recipient}")
            message = self._store(session, inbound, text, None, now)
            self.desk.receive_reply(session, case, inbound, message, now)
            return []
        conversation, opted_out = self._conversation(session, inbound, now)
        if inbound.automatic:
            self._store(session, inbound, text, conversation, now)
            return []  # RFC 3834: never answer an automatic message
        keyword = None
        if inbound.channel is Channel.SMS:
            keyword = self._sms_keyword(session, inbound, opted_out, now)
        if keyword is not None:
            message = self._store(session, inbound, text, conversation, now,
                                  intent=f"sms_{keyword}")
            if keyword == "suppressed":
                return []
            return [self._reply(session, conversation, inbound, [Say(f"sms_{keyword}")],
                                conversation.language or self.policy.default_language, now)]
        turn = CustomerTurn(session, self.desk, self.policy, conversation, text, now)
        language, intent = turn.understand()
        message = self._store(session, inbound, text, conversation, now, language=language,
                              intent=intent)
        with session.no_autoflush:  # everything the turn writes goes out in one flush
            result = turn.run(message)
        if not result.says:
            return []
        return [self._reply(session, conversation, inbound, result.says, result.language, now)]

    def _store(self, session: Session, inbound: InboundMessage, text: str,
               conversation: Conversation | None, now: datetime, *,
               language: str | None = None, intent: str | None = None) -> Message:
        """Store the message with everything else the turn writes, in one flush; a repeated
        provider ID is then refused by the unique constraint."""
        message = Message(
            conversation_id=conversation.id if conversation else None, direction="in",
            channel=inbound.channel.value, sender=inbound.sender, recipient=inbound.recipient,
            subject=inbound.subject, body=text, external_id=inbound.external_id,
            language=language, intent=intent, automatic=inbound.automatic, created_at=now,
        )
        session.add(message)
        return message

    def _conversation(self, session: Session, inbound: InboundMessage,
                      now: datetime) -> tuple[Conversation, bool]:
        """The customer's conversation on this channel, and whether the number texted STOP.
        An email reply to one of our messages lands in the conversation it belonged to."""
        if inbound.references:
            found = session.scalar(
                select(Conversation).join(Message, Message.conversation_id == Conversation.id)
                .where(Message.external_id.in_(inbound.references),
                       Conversation.customer_address == inbound.sender)
                .order_by(Message.id.desc()).limit(1))
            if found is not None:
                return found, False
        row = session.execute(LATEST_CONVERSATION, {
            "channel": inbound.channel.value, "address": inbound.sender}).first()
        if row is not None:
            return row[0], row[1] is not None
        conversation = Conversation(channel=inbound.channel.value,
                                    customer_address=inbound.sender, state={},
                                    created_at=now, updated_at=now)
        session.add(conversation)
        session.flush()
        return conversation, session.get(SmsOptOut, inbound.sender) is not None

    def _sms_keyword(self, session: Session, inbound: InboundMessage, opted_out: bool,
                     now: datetime) -> str | None:
        """Carrier keywords: STOP until START, HELP always; anything else from a number that
        stopped is kept but not answered. START words only count from a number that stopped,
        so "yes" stays an answer."""
        keyword = sms_keyword(inbound.text)
        if keyword == "stop":
            if not opted_out:
                session.add(SmsOptOut(phone=inbound.sender, opted_out_at=now))
            return "stop"
        if keyword == "start" and opted_out:
            session.delete(session.get(SmsOptOut, inbound.sender))
            return "start"
        if keyword == "help":
            return "help"
        return "suppressed" if opted_out else None

    def _reply(self, session: Session, conversation: Conversation,
               inbound: InboundMessage, says: list[Say], lang: str,
               now) -> OutboundMessage:
        thread = None
        if inbound.channel is Channel.EMAIL:
            thread = EmailThread(inbound.external_id, inbound.references, inbound.subject)
        return self.outgoing.to_customer(
            session, conversation, says, lang, now,
            inline=inbound.channel.replies_inline, thread=thread)
