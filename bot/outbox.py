"""The outbox: every asynchronous send is a row, written in the same transaction as the
decision that caused it, and sent by a background dispatcher with retries and backoff.

Exactly once, as far as the providers let us know: an attempt commits `handed_over_at` just
before the step after which the provider may have the message (Twilio's POST; SMTP's DATA,
after the relay accepted the envelope), and clears it when the outcome is known. An attempt
that crashed before that point is simply sent again. One that crashed after it, or ended in a
timeout or a 5xx, is in doubt: Twilio's message list tells whether the SMS exists; SMTP has
no way to ask (RFC 1047), so the email goes again with the same Message-ID, which mail
clients use to drop the copy, and the row says so (`recovery`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Connection, Row
from sqlalchemy.exc import IntegrityError

from bot.clock import Clock
from bot.messages import Channel, InboundAttachment, OutboundMessage
from storage.conversations import opted_out_among, undeliverable_among
from storage.db import Database
from storage.outbox import (
    due_outbox,
    insert_outbox,
    make_abandoned_due,
    outbox_item,
    update_outbox,
)
from storage.outbox import record_delivery_report as store_delivery_report
from storage.returns import attachment_files

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED, SUPPRESSED = "pending", "sending", "sent", "failed", "suppressed"
# How often a dispatcher looks for rows that a process that is gone was sending (another
# worker killed mid-send, with PostgreSQL shared).
RECLAIM_SECONDS = 30
QUEUED = "csba.outbox_queued"


# What a later attempt found out about an earlier one whose outcome was unknown.
NOT_HANDED_OVER = "not_handed_over"        # it stopped before the provider had the message
FOUND_AT_PROVIDER = "found_at_provider"    # the provider has it: not sent again
NOT_AT_PROVIDER = "not_at_provider"        # the provider says it never got it: sent again
SENT_AGAIN_IN_DOUBT = "sent_again_in_doubt"  # the provider cannot tell: sent again


class PermanentSendError(Exception):
    """The provider refused the message for good (bad number, unknown mailbox)."""


class NotAccepted(Exception):
    """The provider answered that it did not take the message this time (SMTP 4xx, Twilio
    429): retried later, and certainly not sent."""


HandOver = Callable[[], Awaitable[None]]


class Sender(Protocol):
    """Sends one message; awaits `handing_over()` just before the step after which the
    provider may have it, and returns the provider's id for it. A sender whose provider can
    be asked also has `async find_sent(message, since) -> provider id | None`."""

    async def __call__(self, message: OutboundMessage, handing_over: HandOver) -> str | None:
        ...


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
    """Sends due outbox rows. A row is claimed (leased, with the claiming process's name)
    while it is being sent: when that process is gone, at start and every RECLAIM_SECONDS a
    dispatcher makes its rows due at once rather than when the lease ends, and the next
    attempt finds out what happened first."""

    def __init__(self, db: Database, clock: Clock, senders: Mapping[Channel, Sender], *,
                 batch: int = 50, max_attempts: int = 10,
                 backoff: timedelta = timedelta(seconds=5),
                 max_backoff: timedelta = timedelta(hours=1),
                 lease: timedelta = timedelta(minutes=5),
                 observe: Callable[[str, str, str | None], None] | None = None) -> None:
        self.db = db
        self.clock = clock
        self.senders = senders
        self.batch = batch
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.lease = lease
        # Told (channel, outcome, recovery) of every attempt once it is committed: metrics.
        self.observe = observe
        self._wakeup = asyncio.Event()
        self._running = asyncio.Lock()

    def wake(self) -> None:
        self._wakeup.set()

    async def run(self, poll_seconds: float) -> None:
        loop = asyncio.get_running_loop()
        next_reclaim = loop.time()
        while True:
            try:
                if loop.time() >= next_reclaim:   # at start, then now and then
                    next_reclaim = loop.time() + RECLAIM_SECONDS
                    reclaimed = await self.reclaim_abandoned()
                    if reclaimed:
                        log.warning("%s outbox messages were being sent by a process that "
                                    "is gone; finding out what became of them", reclaimed)
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
                          next_attempt_at=now + self.lease, claimed_by=self.db.process_name)
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

    async def reclaim_abandoned(self) -> int:
        """Rows a process that is gone was sending (a crash, a kill) are due now, not when
        their lease ends; how many there were."""
        now = self.clock.now()
        return await self.db.run(lambda connection: make_abandoned_due(
            connection, now, self.db.process_name))

    async def _send(self, item: Row) -> bool:
        sender = self.senders.get(Channel(item.channel))
        outbound = as_outbound(item)
        recovery = None
        if sender is None:
            return await self._recorded(item, None, f"no sender configured for {item.channel}")
        if item.handed_over_at is not None:
            try:
                recovery, provider_id = await self._earlier_attempt(sender, outbound, item)
            except Exception as exc:  # the provider could not be asked: still in doubt
                return await self._recorded(item, None, f"{type(exc).__name__}: {exc}",
                                            in_doubt=True)
            if provider_id is not None:
                return await self._recorded(item, provider_id, recovery=recovery)
        elif item.status == SENDING:
            recovery = NOT_HANDED_OVER
        handed_over = False

        async def handing_over() -> None:
            nonlocal handed_over
            now = self.clock.now()
            await self.db.run(lambda connection: update_outbox(connection, item.id,
                                                               handed_over_at=now))
            handed_over = True

        try:
            provider_id = await sender(await self._with_files(outbound), handing_over)
        except PermanentSendError as exc:
            return await self._recorded(item, None, str(exc), permanent=True, recovery=recovery)
        except NotAccepted as exc:
            return await self._recorded(item, None, str(exc), recovery=recovery)
        except Exception as exc:  # an outage or a timeout: retried with backoff
            return await self._recorded(item, None, f"{type(exc).__name__}: {exc}",
                                        recovery=recovery, in_doubt=handed_over)
        return await self._recorded(item, provider_id, recovery=recovery)

    async def _recorded(self, item: Row, provider_id: str | None, error: str | None = None, *,
                        permanent: bool = False, recovery: str | None = None,
                        in_doubt: bool = False) -> bool:
        """Commit an attempt's outcome, then count it; whether the message went."""
        outcome = await self.db.run(lambda connection: self._record_attempt(
            connection, item, provider_id, error, permanent, recovery=recovery,
            in_doubt=in_doubt))
        if self.observe is not None:
            self.observe(item.channel, outcome, recovery)
        return outcome == SENT

    async def _earlier_attempt(self, sender: Sender, outbound: OutboundMessage,
                               item: Row) -> tuple[str, str | None]:
        """An earlier attempt handed this message over and its outcome is unknown: ask the
        provider where it can be asked."""
        find_sent = getattr(sender, "find_sent", None)
        if find_sent is None:
            log.warning("outbox item %s may have been sent already (%s cannot be asked); "
                        "sending it again", item.id, item.channel)
            return SENT_AGAIN_IN_DOUBT, None
        provider_id = await find_sent(outbound, item.handed_over_at)
        if provider_id is not None:
            log.info("outbox item %s was sent before (%s): not sending it again",
                     item.id, provider_id)
            return FOUND_AT_PROVIDER, provider_id
        return NOT_AT_PROVIDER, None

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
                        error: str | None, permanent: bool, *, recovery: str | None = None,
                        in_doubt: bool = False) -> str:
        """Record the attempt; its outcome: sent, failed (for good) or pending (again)."""
        now = self.clock.now()
        attempts = item.attempts + 1  # the claim counted this attempt
        # An attempt in doubt keeps its hand-over time for the next one to look into.
        known: dict = {} if in_doubt else {"handed_over_at": None}
        if recovery is not None:
            known["recovery"] = recovery
        if error is None:
            update_outbox(connection, item.id, status=SENT, sent_at=now, provider_id=provider_id,
                          last_error=None, **known)
            return SENT
        if permanent or attempts >= self.max_attempts:
            update_outbox(connection, item.id, status=FAILED, last_error=error, **known)
            log.error("outbox item %s failed for good: %s", item.id, error)
            return FAILED
        delay = min(self.backoff * 2 ** (attempts - 1), self.max_backoff)
        update_outbox(connection, item.id, status=PENDING, next_attempt_at=now + delay,
                      last_error=error, **known)
        log.warning("outbox item %s: attempt %s failed (%s); retry in %s",
                    item.id, attempts, error, delay)
        return PENDING


async def record_delivery_report(db: Database, now: datetime, provider_id: str, status: str,
                                 error_code: str | None) -> None:
    """A provider's delivery status for a message we sent; repeated callbacks are kept once."""
    try:
        await db.run(lambda connection: store_delivery_report(
            connection, provider_id, status, error_code, now))
    except IntegrityError:
        log.info("delivery report %s/%s already recorded", provider_id, status)
