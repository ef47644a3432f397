"""The conversation engine: the single seam between the channel adapters and the core.
`handle(inbound)` serializes work per conversation, drops repeated deliveries by a unique
constraint, routes the message and writes everything it decides in one transaction."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import Connection, Row
from sqlalchemy.exc import IntegrityError

from bot.actions import RecordingActions
from bot.call_turns import CallDesk
from bot.cases import CaseDesk
from bot.clock import Clock
from bot.dialogue import CustomerTurn
from bot.email_threads import email_conversation
from bot.entities import extract
from bot.facts import OrderFacts
from bot.forwards import SellerForward, forwarded_conversation, read_forward
from bot.journal import record_decision
from bot.ledger import Ledger
from bot.log_context import CASE, CONVERSATION
from bot.marketplace import MarketplacePolicy
from bot.messages import Channel, Decision, InboundMessage, OutboundMessage
from bot.orders import load_order
from bot.outbox import take_queued
from bot.outgoing import EmailThread, Outgoing, Say
from bot.redaction import mask_card_numbers
from bot.settings import Settings
from bot.templating import Templates
from bot.understanding import sms_keyword, sms_keyword_language
from storage.cases import case_by_token
from storage.conversations import (
    answers_since,
    clear_undeliverable,
    create_conversation,
    insert_message,
    is_opted_out,
    latest_conversation,
    mark_undeliverable,
    message_exists,
    opt_in,
    opt_out,
    save_conversation,
)
from storage.conversations import (
    conversation as load_conversation,
)
from storage.db import Database, lock_for_transaction
from storage.returns import insert_attachment

log = logging.getLogger(__name__)
T = TypeVar("T")
INTENT = "csba_intent"  # the turn's intent, for the metrics, on the transaction's connection


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
                 after_commit: Callable[[], None] | None = None,
                 observe_turn: Callable[[str, str | None, float], None] | None = None) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.policy = policy
        self.outgoing = Outgoing(settings, policy, templates)
        self.desk = CaseDesk(self.outgoing, policy, Ledger(RecordingActions(self.outgoing)))
        self.after_commit = after_commit or (lambda: None)
        self.observe_turn = observe_turn or (lambda channel, intent, seconds: None)
        self._locks = KeyedLocks()
        self.calls = CallDesk(self)
        domain = re.escape(settings.mail_domain.lower())
        self._case_address = re.compile(rf"case\+([0-9a-f]{{20}})@{domain}")

    def case_token(self, recipient: str) -> str | None:
        match = self._case_address.fullmatch(recipient.lower())
        return match.group(1) if match else None

    async def case_exists(self, token: str) -> bool:
        return await self.db.run(lambda connection: case_by_token(connection, token)) is not None

    async def handle(self, inbound: InboundMessage) -> list[OutboundMessage]:
        """Handle one inbound message; returns the answers for the sender (inline channels
        deliver them in the webhook response). A repeated delivery returns []."""

        def turn(connection: Connection) -> tuple[list[OutboundMessage], bool, str | None]:
            # Other processes on the same database wait for this customer's turn to end.
            lock_for_transaction(connection, f"{inbound.channel.value}:{inbound.sender.lower()}")
            take_queued(connection)
            replies = self._route(connection, inbound)
            return replies, take_queued(connection), connection.info.pop(INTENT, None)

        started = time.perf_counter()
        try:
            async with self._locks.hold((inbound.channel.value, inbound.sender.lower())):
                replies, queued, intent = await self.db.run(turn)
        except IntegrityError:
            # The unique (channel, external_id) refused a repeated delivery: it was handled.
            if await self.db.run(lambda connection: message_exists(
                    connection, inbound.channel.value, inbound.external_id)):
                log.info("duplicate %s message %s dropped", inbound.channel, inbound.external_id)
                return []
            raise
        finally:
            CONVERSATION.set(None)  # the logs of what comes next are not about it
            CASE.set(None)
        if queued:
            self.after_commit()
        self.observe_turn(inbound.channel.value, intent, time.perf_counter() - started)
        return replies

    async def act(self, action: Callable[[Connection, datetime], T]) -> T:
        """Something a person does from the console (a seller's answer, a lead's
        translation), in one transaction; what it queues is sent right away."""
        def run(connection: Connection) -> tuple[T, bool]:
            take_queued(connection)
            return action(connection, self.clock.now()), take_queued(connection)

        result, queued = await self.db.run(run)
        if queued:
            self.after_commit()
        return result

    def _route(self, connection: Connection, inbound: InboundMessage) -> list[OutboundMessage]:
        now = self.clock.now()
        text = mask_card_numbers(inbound.text)
        token = self.case_token(inbound.recipient) if inbound.channel is Channel.EMAIL else None
        if token is not None:
            case = case_by_token(connection, token)
            if case is None:
                raise LookupError(f"no case for {inbound.recipient}")
            CASE.set(case.id)
            CONVERSATION.set(case.conversation_id)
            message_id = self.store(connection, inbound, text, None, now)
            self.desk.receive_reply(connection, case, inbound, message_id, now)
            return []
        if inbound.failed_recipients:
            self._bounce(connection, inbound, text, now)
            return []
        if inbound.forwarded is not None and not inbound.automatic:
            forward = read_forward(connection, inbound, now - self.policy.recent_orders)
            if forward is not None:
                self._take_forward(connection, inbound, forward, text, now)
                return []
        conversation, opted_out, new = self._conversation(connection, inbound, now)
        CONVERSATION.set(conversation.id)
        if inbound.automatic:
            self.store(connection, inbound, text, conversation, now)
            return []  # RFC 3834: never answer an automatic message
        keyword = None
        if inbound.channel is Channel.SMS:
            keyword = self._sms_keyword(connection, inbound, opted_out, now)
        if keyword is not None:
            self.store(connection, inbound, text, conversation, now, intent=f"sms_{keyword}")
            if keyword == "suppressed":
                return []
            # the conversation's language; on a first message, the keyword's ("AYUDA")
            language = conversation.language or sms_keyword_language(inbound.text) \
                or self.policy.default_language
            return [self.reply(connection, conversation, inbound, [Say(f"sms_{keyword}")],
                                language, now)]
        if inbound.channel is Channel.VOICE:
            return self.calls.take(connection, inbound, conversation, text, now)
        return self._customer_turn(connection, inbound, conversation, text, now,
                                   first_contact=new)

    def _customer_turn(self, connection: Connection, inbound: InboundMessage,
                       conversation: Row, text: str, now: datetime, *,
                       vouched: OrderFacts | None = None,
                       first_contact: bool = False) -> list[OutboundMessage]:
        """Understand, store and answer one customer message."""
        answered = self.answer(connection, inbound, conversation, text, now, vouched=vouched,
                               first_contact=first_contact)
        if answered is None or not answered[0]:
            return []
        says, language = answered
        return [self.reply(connection, conversation, inbound, says, language, now)]

    def answer(self, connection: Connection, inbound: InboundMessage, conversation: Row,
               text: str, now: datetime, *, vouched: OrderFacts | None = None,
               first_contact: bool = False) -> tuple[list[Say], str] | None:
        """Understand and store one customer message and decide what to say (None: nothing,
        the address had answers enough)."""
        turn = CustomerTurn(connection, self.desk, self.policy, conversation, text, now,
                            subject=inbound.subject)
        language, intent, confidence = turn.understand()
        connection.info[INTENT] = intent
        today = now.astimezone(self.policy.timezone).date()
        message_id = self.store(connection, inbound, text, conversation, now,
                                 language=language, intent=intent, confidence=confidence,
                                 entities=extract(text, today, language) or None)
        if conversation.taken_over_by is not None:
            # A support lead has the conversation: they answer, the bot keeps quiet.
            record_decision(connection, Decision("held_for_lead", ("console.taken_over",),
                                                 {"lead": conversation.taken_over_by}),
                            now, conversation_id=conversation.id, message_id=message_id)
            save_conversation(connection, conversation.id, updated_at=now)
            return [], language
        if inbound.channel is Channel.EMAIL:
            clear_undeliverable(connection, inbound.sender)  # it writes, so it exists
            # An address we never wrote to has had no answers: no need to count them.
            if not first_contact and self._answered_enough(connection, inbound, conversation,
                                                           message_id, now):
                return None
        result = turn.run(message_id, vouched=vouched)
        says = result.says + self._dropped_attachments(connection, inbound, conversation,
                                                       message_id, now)
        return says, result.language

    def _dropped_attachments(self, connection: Connection, inbound: InboundMessage,
                             conversation: Row, message_id: int, now: datetime) -> list[Say]:
        """Files we did not keep are recorded with the message and named to the customer."""
        if not inbound.dropped:
            return []
        by_reason: dict[str, list[str]] = {"not_accepted": [], "too_large": []}
        for name, reason in inbound.dropped:
            by_reason[reason].append(name)
        record_decision(connection, Decision(
            "attachments_dropped",
            tuple(f"attachments.{reason}" for reason, names in by_reason.items() if names),
            by_reason), now, conversation_id=conversation.id, message_id=message_id)
        limit_mb = round(self.settings.max_attachment_bytes / (1024 * 1024), 1)
        return [Say("attachments_dropped", {**by_reason, "limit_mb": limit_mb})]

    def _bounce(self, connection: Connection, inbound: InboundMessage, text: str,
                now: datetime) -> None:
        """A delivery status notification: kept in the conversation of the address that
        failed, which is marked undeliverable so the outbox stops writing to it."""
        for address in inbound.failed_recipients:
            conversation = latest_conversation(connection, Channel.EMAIL.value, address)
            external = inbound.external_id if address == inbound.failed_recipients[0] else (
                f"{inbound.external_id} {address}")
            message_id = self.store(connection, replace(inbound, external_id=external), text,
                                     conversation, now)
            mark_undeliverable(connection, address, message_id, now)
            record_decision(connection, Decision("address_undeliverable",
                                                 ("mail.delivery_status_notification",),
                                                 {"address": address}),
                            now, conversation_id=conversation.id if conversation else None,
                            message_id=message_id)

    def _take_forward(self, connection: Connection, inbound: InboundMessage,
                      forward: SellerForward, text: str, now: datetime) -> None:
        """A registered seller forwarded a customer's email: the customer gets a conversation
        about the order (the seller vouches for it) and an answer, the seller a receipt."""
        original = inbound.forwarded
        conversation = forwarded_conversation(connection, forward, now)
        self.store(connection, inbound, text, conversation, now)
        record_decision(connection, Decision("taken_from_seller_forward", ("mail.seller_forward",),
                                             {"seller_id": forward.seller.id,
                                              "customer": forward.customer,
                                              "order_id": forward.order.order_id
                                              if forward.order else None}),
                        now, conversation_id=conversation.id)
        self._customer_turn(connection, original, conversation,
                            mask_card_numbers(original.text), now, vouched=forward.order)
        settled = forward.order
        focus = load_conversation(connection, conversation.id).order_id
        if settled is None and focus is not None:
            settled = load_order(connection, focus)
        if settled is not None and settled.seller.id != forward.seller.id:
            settled = None
        self.outgoing.notify_seller(connection, conversation.id, settled, "forward_taken", now,
                                    seller=forward.seller, to=inbound.sender,
                                    customer=forward.customer)

    def _answered_enough(self, connection: Connection, inbound: InboundMessage,
                         conversation: Row, message_id: int, now: datetime) -> bool:
        """Loop safety for robots that do not say they are robots: past the hourly number of
        answers to one address the mail is kept for the console but not answered."""
        limit = self.settings.auto_replies_per_hour
        sent = answers_since(connection, Channel.EMAIL.value, inbound.sender,
                             now - timedelta(hours=1))
        if sent < limit:
            return False
        record_decision(connection, Decision("not_answered", ("loop.auto_reply_limit",),
                                             {"answers_last_hour": sent, "limit": limit}),
                        now, conversation_id=conversation.id, message_id=message_id)
        return True

    def store(self, connection: Connection, inbound: InboundMessage, text: str,
               conversation: Row | None, now: datetime, *,
               language: str | None = None, intent: str | None = None,
               confidence: float | None = None, entities: dict | None = None) -> int:
        """Store the message; a repeated provider ID is refused by the unique constraint
        (IntegrityError), which ends the transaction before anything else is written."""
        message_id = insert_message(
            connection, conversation_id=conversation.id if conversation else None,
            direction="in", channel=inbound.channel.value, sender=inbound.sender,
            recipient=inbound.recipient, subject=inbound.subject, body=text,
            external_id=inbound.external_id, language=language, intent=intent,
            intent_confidence=confidence, entities=entities, automatic=inbound.automatic,
            speech_confidence=inbound.speech_confidence, created_at=now)
        if conversation is not None:
            for attachment in inbound.attachments:
                insert_attachment(
                    connection, conversation_id=conversation.id, message_id=message_id,
                    content_type=attachment.content_type, filename=attachment.filename,
                    url=attachment.url, content=attachment.content, created_at=now,
                    size=len(attachment.content) if attachment.content is not None else None)
        return message_id

    def _conversation(self, connection: Connection, inbound: InboundMessage,
                      now: datetime) -> tuple[Row, bool, bool]:
        """The customer's conversation on this channel, whether the number texted STOP, and
        whether the address is new to us (its first conversation on the channel, opened now).
        An email reply to one of our messages lands in the conversation it belonged to."""
        if inbound.channel is Channel.EMAIL:
            found = email_conversation(connection, inbound.sender, inbound.references,
                                       inbound.subject, self.settings.mail_domain.lower())
            if found is not None:
                return found, False, False
        found = latest_conversation(connection, inbound.channel.value, inbound.sender)
        if found is not None:
            return found, found.opted_out_phone is not None, False
        created = create_conversation(connection, inbound.channel.value, inbound.sender, now)
        return created, is_opted_out(connection, inbound.sender), True

    def _sms_keyword(self, connection: Connection, inbound: InboundMessage, opted_out: bool,
                     now: datetime) -> str | None:
        """Carrier keywords: STOP until START, HELP always; anything else from a number that
        stopped is kept but not answered. START words only count from a number that stopped,
        so "yes" stays an answer."""
        keyword = sms_keyword(inbound.text)
        if keyword == "stop":
            if not opted_out:
                opt_out(connection, inbound.sender, now)
            return "stop"
        if keyword == "start" and opted_out:
            opt_in(connection, inbound.sender)
            return "start"
        if keyword == "help":
            return "help"
        return "suppressed" if opted_out else None

    def reply(self, connection: Connection, conversation: Row, inbound: InboundMessage,
              says: list[Say], lang: str, now: datetime) -> OutboundMessage:
        thread = None
        if inbound.channel is Channel.EMAIL:
            answers = inbound.external_id if inbound.thread_ref is None else inbound.thread_ref
            thread = EmailThread(answers or None, inbound.references, inbound.subject)
        return self.outgoing.to_customer(connection, conversation, says, lang, now,
                                         inline=inbound.channel.replies_inline, thread=thread)
