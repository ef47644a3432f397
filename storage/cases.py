"""Seller cases, their log, and the decisions the service records: statements built once,
functions that take the transaction's Connection and return plain rows or ids."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update

from storage.models import Case, CaseEvent, Decision

CASES = Case.__table__
EVENTS = CaseEvent.__table__
DECISIONS = Decision.__table__

_OPEN_FOR = (select(CASES).where(CASES.c.order_id == bindparam("order_id"),
                                 CASES.c.kind == bindparam("kind"),
                                 CASES.c.status.in_(bindparam("statuses", expanding=True)))
             .limit(1))
_INSERT_DECISION = insert(DECISIONS)
_INSERT_EVENT = insert(EVENTS)


def open_case_for(connection: Connection, order_id: str, kind: str,
                  statuses: Sequence[str]) -> Row | None:
    return connection.execute(_OPEN_FOR, {"order_id": order_id, "kind": kind,
                                          "statuses": list(statuses)}).first()


def case_by_id(connection: Connection, case_id: int, *, for_update: bool = False) -> Row | None:
    """The case; `for_update` holds its row until the transaction ends (on PostgreSQL), so
    that two processes sweeping at once act on it once: the second reads what the first
    wrote."""
    query = select(CASES).where(CASES.c.id == case_id)
    return connection.execute(query.with_for_update() if for_update else query).first()


def case_by_token(connection: Connection, token: str) -> Row | None:
    return connection.execute(select(CASES).where(CASES.c.token == token)).first()


def insert_case(connection: Connection, **values: Any) -> Row:
    case_id = connection.execute(insert(CASES), values).inserted_primary_key[0]
    return case_by_id(connection, case_id)


def update_case(connection: Connection, case_id: int, **values: Any) -> None:
    connection.execute(update(CASES).where(CASES.c.id == case_id), values)


def cases_due(connection: Connection, status: str, now: datetime) -> tuple[list[int], list[int]]:
    """(cases past their deadline, cases due a reminder) among those in `status`."""
    overdue = connection.scalars(
        select(CASES.c.id).where(CASES.c.status == status, CASES.c.deadline_at <= now)
        .order_by(CASES.c.deadline_at)).all()
    reminders = connection.scalars(
        select(CASES.c.id).where(CASES.c.status == status, CASES.c.reminder_at <= now,
                                 CASES.c.deadline_at > now, CASES.c.reminded_at.is_(None))
        .order_by(CASES.c.reminder_at)).all()
    return list(overdue), list(reminders)


def recent_open_cases(connection: Connection, statuses: Sequence[str], limit: int) -> list[Row]:
    return list(connection.execute(
        select(CASES).where(CASES.c.status.in_(list(statuses)))
        .order_by(CASES.c.deadline_at).limit(limit)))


def insert_case_event(connection: Connection, **values: Any) -> None:
    connection.execute(_INSERT_EVENT, values)


def insert_decision(connection: Connection, **values: Any) -> None:
    connection.execute(_INSERT_DECISION, values)


def cases_of_seller(connection: Connection, seller_id: str | None, open_statuses: Sequence[str],
                    limit: int = 100) -> list[Row]:
    """A seller's cases (every seller's for None): the open ones first by deadline, then the
    closed ones, newest first."""
    query = select(CASES)
    if seller_id is not None:
        query = query.where(CASES.c.seller_id == seller_id)
    still_open = CASES.c.status.in_(list(open_statuses))
    open_rows = connection.execute(query.where(still_open).order_by(CASES.c.deadline_at)).all()
    closed_rows = connection.execute(query.where(~still_open)
                                     .order_by(CASES.c.opened_at.desc()).limit(limit)).all()
    return [*open_rows, *closed_rows]


def case_log(connection: Connection, case_id: int) -> list[Row]:
    return list(connection.execute(select(EVENTS).where(EVENTS.c.case_id == case_id)
                                   .order_by(EVENTS.c.id)))


def cases_in_status(connection: Connection, status: str) -> list[Row]:
    return list(connection.execute(select(CASES).where(CASES.c.status == status)
                                   .order_by(CASES.c.deadline_at)))


def open_cases_of_conversation(connection: Connection, conversation_id: int,
                               statuses: Sequence[str]) -> list[Row]:
    return list(connection.execute(
        select(CASES).where(CASES.c.conversation_id == conversation_id,
                            CASES.c.status.in_(list(statuses))).order_by(CASES.c.id)))


def case_outcome(connection: Connection, case_id: int) -> str | None:
    """What the case ended with: the outcome of its last decision."""
    return connection.scalar(select(DECISIONS.c.outcome).where(DECISIONS.c.case_id == case_id)
                             .order_by(DECISIONS.c.id.desc()).limit(1))


def cases_of_conversation(connection: Connection, conversation_id: int) -> list[Row]:
    return list(connection.execute(select(CASES).where(
        CASES.c.conversation_id == conversation_id).order_by(CASES.c.id)))
