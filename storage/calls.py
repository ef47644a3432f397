"""Phone calls: Twilio Voice status callbacks, and whether a caller's number takes texts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Row, insert, select

from storage.models import CallEvent, DeliveryReport, OutboxItem

CALL_EVENTS = CallEvent.__table__
REPORTS = DeliveryReport.__table__
OUTBOX = OutboxItem.__table__

# Twilio error codes meaning the number will never take a text: 30006 "Landline or unreachable
# carrier", 21614 "'To' number is not a valid mobile number".
NO_SMS_ERRORS = ("30006", "21614")


def record_call_event(connection: Connection, call_sid: str, status: str, caller: str | None,
                      duration_seconds: int | None, now: datetime) -> None:
    """Store a call status callback (IntegrityError if this one was stored before)."""
    connection.execute(insert(CALL_EVENTS), {
        "call_sid": call_sid, "status": status, "caller": caller,
        "duration_seconds": duration_seconds, "received_at": now})


def call_events_of(connection: Connection, caller: str) -> list[Row]:
    return list(connection.execute(
        select(CALL_EVENTS).where(CALL_EVENTS.c.caller == caller)
        .order_by(CALL_EVENTS.c.received_at, CALL_EVENTS.c.id)))


def texts_failed_for_good(connection: Connection, number: str) -> bool:
    """Twilio said a text to this number can never be delivered."""
    return connection.scalar(
        select(REPORTS.c.id).join(OUTBOX, OUTBOX.c.provider_id == REPORTS.c.provider_id)
        .where(OUTBOX.c.recipient == number, REPORTS.c.error_code.in_(NO_SMS_ERRORS))
        .limit(1)) is not None
