"""The conversation engine: the single seam between the channel adapters and the core.
`handle(inbound)` serializes work per conversation, drops repeated deliveries by a unique
constraint, routes the message and writes everything it decides in one transaction."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.cases import CaseDesk
from bot.clock import Clock
from bot.dialogue import CustomerTurn
from bot.marketplace import MarketplacePolicy
from bot.messages import Channel, InboundMessage, OutboundMessage
from bot.outgoing import EmailThread, Outgoing, Say
from bot.redaction import mask_card_numbers
from bot.settings import Settings
from bot.templating import Templates
from bot.understanding import sms_keyword
from storage.db import Database
from storage.models import Case, Conversation, Message, SmsOptOut

log = logging.getLogger(__name__)


class DuplicateMessage(Exception):
    """This provider message ID was stored before: it was already handled."""


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
                replies = await self.db.run(lambda session: self._route(session, inbound))
        except DuplicateMessage:
            log.info("duplicate %s message %s dropped", inbound.channel, inbound.external_id)
            return []
        self.after_commit()
        return replies

    def _route(self, session: Session, inbound: InboundMessage) -> list[OutboundMessage]:
        now = self.clock.now()
        token = self.case_token(inbound.recipient) if inbound.channel is Channel.EMAIL else None
        if token is not None:
            case = session.scalar(select(Case).where(Case.token == token))
            if case is None:
                raise LookupError(f"no case for {inbound.recipient}")
            message = self._store(session, inbound, None, now)
            self.desk.receive_reply(session, case, inbound, message, now)
            return []
        conversation = self._conversation(session, inbound, now)
        message = self._store(session, inbound, conversation, now)
        if inbound.automatic:
            return []  # RFC 3834: never answer an automatic message
        if inbound.channel is Channel.SMS:
            keyword = self._sms_keyword(session, inbound, now)
            if keyword == "suppressed":
                return []
            if keyword is not None:
                message.intent = f"sms_{keyword}"
                return [self._reply(session, conversation, inbound,
                                          [Say(f"sms_{keyword}")],
                                          conversation.language or self.policy.default_language,
                                          now)]
        turn = CustomerTurn(session, self.desk, self.policy, conversation, message, now)
        with session.no_autoflush:  # everything the turn writes goes out in one flush
            result = turn.run()
        if not result.says:
            return []
        return [self._reply(session, conversation, inbound, result.says, result.language,
                                  now)]

    def _store(self, session: Session, inbound: InboundMessage,
                     conversation: Conversation | None, now) -> Message:
        message = Message(
            conversation_id=conversation.id if conversation else None, direction="in",
            channel=inbound.channel.value, sender=inbound.sender, recipient=inbound.recipient,
            subject=inbound.subject, body=mask_card_numbers(inbound.text),
            external_id=inbound.external_id, automatic=inbound.automatic, created_at=now,
        )
        session.add(message)
        try:
            session.flush()
        except IntegrityError as exc:
            raise DuplicateMessage(inbound.external_id) from exc
        return message

    def _conversation(self, session: Session, inbound: InboundMessage,
                            now) -> Conversation:
        """The customer's conversation on this channel; an email reply to one of our messages
        lands in the conversation that message belonged to."""
        if inbound.references:
            found = session.scalar(
                select(Conversation).join(Message, Message.conversation_id == Conversation.id)
                .where(Message.external_id.in_(inbound.references),
                       func.lower(Conversation.customer_address) == inbound.sender.lower())
                .order_by(Message.id.desc()).limit(1))
            if found is not None:
                return found
        found = session.scalar(
            select(Conversation)
            .where(Conversation.channel == inbound.channel.value,
                   Conversation.customer_address == inbound.sender)
            .order_by(Conversation.id.desc()).limit(1))
        if found is not None:
            return found
        conversation = Conversation(channel=inbound.channel.value,
                                    customer_address=inbound.sender, state={},
                                    created_at=now, updated_at=now)
        session.add(conversation)
        session.flush()
        return conversation

    def _sms_keyword(self, session: Session, inbound: InboundMessage,
                           now) -> str | None:
        """Carrier keywords: STOP until START, HELP always. START words only count from a
        number that stopped, so "yes" stays an answer."""
        keyword = sms_keyword(inbound.text)
        opted_out = session.get(SmsOptOut, inbound.sender)
        if keyword == "stop":
            if opted_out is None:
                session.add(SmsOptOut(phone=inbound.sender, opted_out_at=now))
            return "stop"
        if keyword == "start" and opted_out is not None:
            session.delete(opted_out)
            return "start"
        if keyword == "help":
            return "help"
        return "suppressed" if opted_out is not None else None

    def _reply(self, session: Session, conversation: Conversation,
                     inbound: InboundMessage, says: list[Say], lang: str,
                     now) -> OutboundMessage:
        thread = None
        if inbound.channel is Channel.EMAIL:
            thread = EmailThread(inbound.external_id, inbound.references, inbound.subject)
        return self.outgoing.to_customer(
            session, conversation, says, lang, now,
            inline=inbound.channel.replies_inline, thread=thread)
