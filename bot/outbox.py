"""The outbox: every asynchronous send is a row, written in the same transaction as the
decision that caused it, and sent by a background dispatcher with retries and backoff."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.messages import Channel, OutboundMessage
from storage.db import Database
from storage.models import DeliveryReport, Message, OutboxItem, SmsOptOut

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED, SUPPRESSED = "pending", "sending", "sent", "failed", "suppressed"
QUEUED = "csba.outbox_queued"


class PermanentSendError(Exception):
    """The provider refused the message for good (bad number, unknown mailbox)."""


Sender = Callable[[OutboundMessage], Awaitable[str | None]]


def enqueue(session: Session, outbound: OutboundMessage, now: datetime,
            *, message: Message | None = None) -> OutboxItem:
    item = OutboxItem(
        channel=outbound.channel.value, recipient=outbound.to, subject=outbound.subject,
        body=outbound.body, html=outbound.html, headers=dict(outbound.headers),
        message=message, status=PENDING, attempts=0, next_attempt_at=now, created_at=now,
    )
    session.add(item)
    session.info[QUEUED] = True
    return item


def queued_in(session: Session) -> bool:
    """Whether this transaction put anything in the outbox (so the dispatcher has work)."""
    return session.info.get(QUEUED, False)


def as_outbound(item: OutboxItem) -> OutboundMessage:
    return OutboundMessage(Channel(item.channel), item.recipient, item.body,
                           subject=item.subject, html=item.html, headers=item.headers or {})


class Dispatcher:
    """Sends due outbox rows. A row is leased while it is being sent, so a crash mid-send
    leaves it to be sent again after the lease (at least once; email receivers can dedupe by
    our fixed Message-ID)."""

    def __init__(self, db: Database, clock: Clock, senders: Mapping[Channel, Sender], *,
                 batch: int = 50, max_attempts: int = 10,
                 backoff: timedelta = timedelta(seconds=5),
                 max_backoff: timedelta = timedelta(hours=1),
                 lease: timedelta = timedelta(minutes=5)) -> None:
        self.db = db
        self.clock = clock
        self.senders = senders
        self.batch = batch
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.lease = lease
        self._wakeup = asyncio.Event()
        self._running = asyncio.Lock()

    def wake(self) -> None:
        self._wakeup.set()

    async def run(self, poll_seconds: float) -> None:
        while True:
            try:
                await self.dispatch_due()
            except Exception:
                log.exception("outbox dispatch failed; retrying on the next round")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), poll_seconds)
            self._wakeup.clear()

    async def dispatch_due(self) -> int:
        """Send every row that is due now; returns how many were sent."""
        sent = 0
        async with self._running:
            while True:
                claimed = await self._claim()
                if not claimed:
                    return sent
                by_recipient: dict[tuple[str, str], list[OutboxItem]] = {}
                for item in claimed:
                    by_recipient.setdefault((item.channel, item.recipient), []).append(item)
                results = await asyncio.gather(*(self._send_in_order(items)
                                                 for items in by_recipient.values()))
                sent += sum(results)

    async def _claim(self) -> list[OutboxItem]:
        return await self.db.run(self._claim_due)

    def _claim_due(self, session: Session) -> list[OutboxItem]:
        now = self.clock.now()
        due = session.scalars(
            select(OutboxItem)
            .where(or_(OutboxItem.status == PENDING, OutboxItem.status == SENDING),
                   OutboxItem.next_attempt_at <= now)
            .order_by(OutboxItem.next_attempt_at, OutboxItem.id)
            .limit(self.batch)
            .with_for_update(skip_locked=True)
        ).all()
        phones = [i.recipient for i in due if i.channel == Channel.SMS.value]
        opted_out = set(session.scalars(
            select(SmsOptOut.phone).where(SmsOptOut.phone.in_(phones))).all()) if phones else set()
        claimed = []
        for item in due:
            if item.channel == Channel.SMS.value and item.recipient in opted_out:
                item.status, item.last_error = SUPPRESSED, "recipient texted STOP"
                continue
            item.status = SENDING
            item.attempts += 1
            item.next_attempt_at = now + self.lease
            claimed.append(item)
        return claimed

    async def _send_in_order(self, items: list[OutboxItem]) -> int:
        """One recipient's messages go one after the other, in the order they were written;
        after a failure the rest wait for the failed one's retry."""
        for index, item in enumerate(items):
            if not await self._send(item):
                await self._release(items[index + 1:], after=item.id)
                return index
        return len(items)

    async def _release(self, items: list[OutboxItem], *, after: int) -> None:
        def release(session: Session) -> None:
            failed = session.get(OutboxItem, after)
            for item in items:
                row = session.get(OutboxItem, item.id)
                row.status, row.attempts = PENDING, row.attempts - 1
                row.next_attempt_at = failed.next_attempt_at
        if items:
            await self.db.run(release)

    async def _send(self, item: OutboxItem) -> bool:
        sender = self.senders.get(Channel(item.channel))
        error: str | None = None
        permanent = False
        provider_id = None
        if sender is None:
            error = f"no sender configured for {item.channel}"
        else:
            try:
                provider_id = await sender(as_outbound(item))
            except PermanentSendError as exc:
                error, permanent = str(exc), True
            except Exception as exc:  # a provider outage: retried with backoff
                error = f"{type(exc).__name__}: {exc}"
        return await self.db.run(lambda session: self._record_attempt(
            session, item.id, provider_id, error, permanent))

    def _record_attempt(self, session: Session, item_id: int, provider_id: str | None,
                        error: str | None, permanent: bool) -> bool:
        now = self.clock.now()
        row = session.get(OutboxItem, item_id)
        if row is None:
            return False
        if error is None:
            row.status, row.sent_at, row.provider_id, row.last_error = SENT, now, provider_id, None
            return True
        row.last_error = error
        if permanent or row.attempts >= self.max_attempts:
            row.status = FAILED
            log.error("outbox item %s failed for good: %s", row.id, error)
        else:
            delay = min(self.backoff * 2 ** (row.attempts - 1), self.max_backoff)
            row.status, row.next_attempt_at = PENDING, now + delay
            log.warning("outbox item %s: attempt %s failed (%s); retry in %s",
                        row.id, row.attempts, error, delay)
        return False


async def record_delivery_report(db: Database, now: datetime, provider_id: str, status: str,
                                 error_code: str | None) -> None:
    """A provider's delivery status for a message we sent; repeated callbacks are kept once."""
    def record(session: Session) -> None:
        session.add(DeliveryReport(provider_id=provider_id, status=status,
                                   error_code=error_code, received_at=now))
        item = session.scalar(select(OutboxItem).where(OutboxItem.provider_id == provider_id))
        if item is not None:
            item.provider_status = status
    try:
        await db.run(record)
    except IntegrityError:
        log.info("delivery report %s/%s already recorded", provider_id, status)
