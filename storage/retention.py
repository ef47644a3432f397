"""Data retention: deleting what customers and sellers wrote, and what the service decided
about it, once it is older than the operator keeps it. A conversation goes only when it has
been quiet since the cutoff and has no open case; refunds and returns stay (they are
accounting records) without their link to the deleted conversation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, and_, delete, exists, or_, select, update

from storage.models import (
    Attachment,
    CallEvent,
    Case,
    CaseEvent,
    Conversation,
    Decision,
    DeliveryReport,
    Handoff,
    Message,
    Note,
    OutboxItem,
    ReturnRecord,
    SellerAction,
    UndeliverableAddress,
    WebSession,
)

C = Conversation.__table__
M = Message.__table__
CASES = Case.__table__


def purge(connection: Connection, cutoff: datetime,
          open_statuses: Sequence[str]) -> dict[str, int]:
    """Delete everything older than `cutoff` that may go; returns the rows deleted per table."""
    quiet = select(C.c.id).where(C.c.updated_at < cutoff, ~exists().where(
        CASES.c.conversation_id == C.c.id, CASES.c.status.in_(list(open_statuses))))
    conversations = [row[0] for row in connection.execute(quiet)]
    cases = [row[0] for row in connection.execute(
        select(CASES.c.id).where(CASES.c.conversation_id.in_(conversations)))]
    messages = [row[0] for row in connection.execute(select(M.c.id).where(or_(
        M.c.conversation_id.in_(conversations), M.c.case_id.in_(cases),
        and_(M.c.conversation_id.is_(None), M.c.created_at < cutoff))))]
    counts: dict[str, int] = {}

    def remove(table, condition) -> None:
        counts[table.name] = counts.get(table.name, 0) + connection.execute(
            delete(table).where(condition)).rowcount

    for model in (ReturnRecord, SellerAction):  # kept, unlinked
        table = model.__table__
        connection.execute(update(table).where(or_(
            table.c.conversation_id.in_(conversations), table.c.case_id.in_(cases)))
            .values(conversation_id=None, case_id=None))
    undeliverable = UndeliverableAddress.__table__
    connection.execute(update(undeliverable).where(
        undeliverable.c.report_message_id.in_(messages)).values(report_message_id=None))
    outbox = OutboxItem.__table__
    remove(outbox, or_(outbox.c.message_id.in_(messages),
                       and_(outbox.c.created_at < cutoff,
                            outbox.c.status.in_(("sent", "failed", "suppressed")))))
    remove(Attachment.__table__, Attachment.__table__.c.conversation_id.in_(conversations))
    remove(Note.__table__, Note.__table__.c.conversation_id.in_(conversations))
    remove(Handoff.__table__, Handoff.__table__.c.conversation_id.in_(conversations))
    decisions = Decision.__table__
    remove(decisions, or_(decisions.c.conversation_id.in_(conversations),
                          decisions.c.case_id.in_(cases), decisions.c.message_id.in_(messages),
                          and_(decisions.c.conversation_id.is_(None),
                               decisions.c.case_id.is_(None), decisions.c.created_at < cutoff)))
    remove(CaseEvent.__table__, CaseEvent.__table__.c.case_id.in_(cases))
    remove(M, M.c.id.in_(messages))
    remove(CASES, CASES.c.id.in_(cases))
    remove(C, C.c.id.in_(conversations))
    remove(CallEvent.__table__, CallEvent.__table__.c.received_at < cutoff)
    remove(DeliveryReport.__table__, DeliveryReport.__table__.c.received_at < cutoff)
    remove(WebSession.__table__, WebSession.__table__.c.expires_at < cutoff)
    return {name: n for name, n in counts.items() if n}
