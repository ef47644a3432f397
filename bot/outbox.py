"""The outbox: every asynchronous send is a row, written in the same transaction as the
decision that caused it, and sent by a background dispatcher with retries and backoff."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import Connection, Row
from sqlalchemy.exc import IntegrityError

from bot.clock import Clock
from bot.messages import Channel, InboundAttachment, OutboundMessage
from storage.conversations import opted_out_among, undeliverable_among
from storage.db import Database
from storage.outbox import due_outbox, insert_outbox, outbox_item, update_outbox
from storage.outbox import record_delivery_report as store_delivery_report
from storage.returns import attachment_files

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED, SUPPRESSED = "pending", "sending", "sent", "failed", "suppressed"
QUEUED = "csba.outbox_queued"


class PermanentSendError(Exception):
    """The provider refused the message for good (bad number, unknown mailbox)."""


Sender = Callable[[OutboundMessage], Awaitable[str | None]]


def enqueue(connection: Connection, outbound: OutboundMessage, now: datetime,
            *, message_id: int | None = None) -> None:
    insert_outbox(connection, channel=outbound.channel.value, recipient=outbound.to,
                  subject=outbound.subject, body=outbound.body, html=outbound.html,
                  headers=dict(outbound.headers), message_id=message_id, status=PENDING,
                  attachment_ids=list(outbound.attachment_ids) or None,
                  attempts=0, next_attempt_at=now, created_at=now)
    connection.info[QUEUED] = True


def take_queued(connection: Connection) -> bool:
    """Whether anything was queued on this connection since the last call (so the dispatcher
    has work); clears the mark."""
    return connection.info.pop(QUEUED, False)


def as_outbound(item) -> OutboundMessage:
    return OutboundMessage(Channel(item.channel), item.recipient, item.body,
                           subject=item.subject, html=item.html, headers=item.headers or {},
                           attachment_ids=tuple(item.attachment_ids or ()))


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
                by_recipient: dict[tuple[str, str], list[Row]] = {}
                for item in claimed:
                    by_recipient.setdefault((item.channel, item.recipient), []).append(item)
                results = await asyncio.gather(*(self._send_in_order(items)
                                                 for items in by_recipient.values()))
                sent += sum(results)

    async def _claim(self) -> list[Row]:
        return await self.db.run(self._claim_due)

    def _claim_due(self, connection: Connection) -> list[Row]:
        now = self.clock.now()
        due = due_outbox(connection, (PENDING, SENDING), now, self.batch)
        opted_out = opted_out_among(
            connection, [i.recipient for i in due if i.channel == Channel.SMS.value])
        bounced = undeliverable_among(
            connection, [i.recipient.lower() for i in due if i.channel == Channel.EMAIL.value])
        claimed = []
        for item in due:
            if item.channel == Channel.SMS.value and item.recipient in opted_out:
                update_outbox(connection, item.id, status=SUPPRESSED,
                              last_error="recipient texted STOP")
                continue
            if item.channel == Channel.EMAIL.value and item.recipient.lower() in bounced:
                update_outbox(connection, item.id, status=SUPPRESSED,
                              last_error="address reported undeliverable by a bounce")
                continue
            update_outbox(connection, item.id, status=SENDING, attempts=item.attempts + 1,
                          next_attempt_at=now + self.lease)
            claimed.append(item)
        return claimed

    async def _send_in_order(self, items: list[Row]) -> int:
        """One recipient's messages go one after the other, in the order they were written;
        after a failure the rest wait for the failed one's retry."""
        for index, item in enumerate(items):
            if not await self._send(item):
                await self._release(items[index + 1:], after=item.id)
                return index
        return len(items)

    async def _release(self, items: list[Row], *, after: int) -> None:
        """Give back claimed rows unsent (their claim did not count as an attempt)."""
        def release(connection: Connection) -> None:
            failed = outbox_item(connection, after)
            for item in items:
                update_outbox(connection, item.id, status=PENDING, attempts=item.attempts,
                              next_attempt_at=failed.next_attempt_at)
        if items:
            await self.db.run(release)

    async def _send(self, item: Row) -> bool:
        sender = self.senders.get(Channel(item.channel))
        error: str | None = None
        permanent = False
        provider_id = None
        if sender is None:
            error = f"no sender configured for {item.channel}"
        else:
            try:
                provider_id = await sender(await self._with_files(as_outbound(item)))
            except PermanentSendError as exc:
                error, permanent = str(exc), True
            except Exception as exc:  # a provider outage: retried with backoff
                error = f"{type(exc).__name__}: {exc}"
        return await self.db.run(lambda connection: self._record_attempt(
            connection, item, provider_id, error, permanent))

    async def _with_files(self, outbound: OutboundMessage) -> OutboundMessage:
        """The bytes of the attachments an email carries, read when it is sent."""
        if not outbound.attachment_ids:
            return outbound
        rows = await self.db.run(lambda connection: attachment_files(
            connection, outbound.attachment_ids))
        return replace(outbound, files=tuple(
            InboundAttachment(content_type=row.content_type, filename=row.filename,
                              content=row.content) for row in rows))

    def _record_attempt(self, connection: Connection, item: Row, provider_id: str | None,
                        error: str | None, permanent: bool) -> bool:
        now = self.clock.now()
        attempts = item.attempts + 1  # the claim counted this attempt
        if error is None:
            update_outbox(connection, item.id, status=SENT, sent_at=now, provider_id=provider_id,
                          last_error=None)
            return True
        if permanent or attempts >= self.max_attempts:
            update_outbox(connection, item.id, status=FAILED, last_error=error)
            log.error("outbox item %s failed for good: %s", item.id, error)
        else:
            delay = min(self.backoff * 2 ** (attempts - 1), self.max_backoff)
            update_outbox(connection, item.id, status=PENDING, next_attempt_at=now + delay,
                          last_error=error)
            log.warning("outbox item %s: attempt %s failed (%s); retry in %s",
                        item.id, attempts, error, delay)
        return False


async def record_delivery_report(db: Database, now: datetime, provider_id: str, status: str,
                                 error_code: str | None) -> None:
    """A provider's delivery status for a message we sent; repeated callbacks are kept once."""
    try:
        await db.run(lambda connection: store_delivery_report(
            connection, provider_id, status, error_code, now))
    except IntegrityError:
        log.info("delivery report %s/%s already recorded", provider_id, status)
