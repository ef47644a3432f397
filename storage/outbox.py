"""The outbox table and delivery reports: statements built once, functions that take the
transaction's Connection."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, insert, or_, select, text, update

from storage.conversations import MESSAGES
from storage.models import DeliveryReport, OutboxItem

OUTBOX = OutboxItem.__table__
REPORTS = DeliveryReport.__table__

_INSERT = insert(OUTBOX)


def insert_outbox(connection: Connection, **values: Any) -> int:
    return connection.execute(_INSERT, values).inserted_primary_key[0]


def due_outbox(connection: Connection, statuses: tuple[str, ...], now: datetime,
               limit: int) -> list[Row]:
    """Rows in these statuses whose time has come, oldest first, locked for this transaction
    where the database can (FOR UPDATE SKIP LOCKED on PostgreSQL)."""
    return list(connection.execute(
        select(OUTBOX)
        .where(or_(*(OUTBOX.c.status == s for s in statuses)), OUTBOX.c.next_attempt_at <= now)
        .order_by(OUTBOX.c.next_attempt_at, OUTBOX.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)))


def make_abandoned_due(connection: Connection, now: datetime, own_name: str) -> int:
    """Make the rows being sent by a process that is gone due now; how many there were. On
    SQLite one process serves, so every other sender is gone. On PostgreSQL a process is
    there while it has a session: its connections carry its name (application_name)."""
    if connection.dialect.name == "postgresql":
        alive = select(text("application_name")).select_from(text("pg_stat_activity"))
        gone = and_(OUTBOX.c.claimed_by.is_not(None), OUTBOX.c.claimed_by.not_in(alive))
    else:
        gone = or_(OUTBOX.c.claimed_by.is_(None), OUTBOX.c.claimed_by != own_name)
    return connection.execute(
        update(OUTBOX).where(OUTBOX.c.status == "sending", OUTBOX.c.next_attempt_at > now, gone)
        .values(next_attempt_at=now)).rowcount


def deliveries_of(connection: Connection, conversation_id: int) -> dict[int, Row]:
    """How each of the conversation's outgoing messages that went through the outbox fared,
    by message id."""
    rows = connection.execute(
        select(OUTBOX.c.message_id, OUTBOX.c.status, OUTBOX.c.provider_status,
               OUTBOX.c.last_error, OUTBOX.c.recovery, OUTBOX.c.attempts, OUTBOX.c.recipient)
        .join(MESSAGES, MESSAGES.c.id == OUTBOX.c.message_id)
        .where(MESSAGES.c.conversation_id == conversation_id))
    return {row.message_id: row for row in rows}


def outbox_item(connection: Connection, item_id: int) -> Row | None:
    return connection.execute(select(OUTBOX).where(OUTBOX.c.id == item_id)).first()


def update_outbox(connection: Connection, item_id: int, **values: Any) -> None:
    connection.execute(update(OUTBOX).where(OUTBOX.c.id == item_id), values)


def record_delivery_report(connection: Connection, provider_id: str, status: str,
                           error_code: str | None, now: datetime) -> None:
    """Store a provider's status callback (IntegrityError if this one was stored before) and
    note the status on the message it is about."""
    connection.execute(insert(REPORTS), {"provider_id": provider_id, "status": status,
                                         "error_code": error_code, "received_at": now})
    connection.execute(update(OUTBOX).where(OUTBOX.c.provider_id == provider_id)
                       .values(provider_status=status))
