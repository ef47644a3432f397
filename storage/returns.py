"""Returns, the actions taken on a seller's behalf, and customers' attachments: statements
and functions that take the transaction's Connection."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from storage.models import Attachment, Conversation, ReturnRecord, SellerAction

RETURNS = ReturnRecord.__table__
ACTIONS = SellerAction.__table__
ATTACHMENTS = Attachment.__table__
CONVERSATIONS = Conversation.__table__


def insert_return(connection: Connection, **values: Any) -> Row:
    return_id = connection.execute(insert(RETURNS), values).inserted_primary_key[0]
    return connection.execute(select(RETURNS).where(RETURNS.c.id == return_id)).first()


WITHDRAWN = "withdrawn"  # a return the customer took back before sending anything


def returns_for_order(connection: Connection, order_id: str) -> list[Row]:
    """The order's returns, newest first, but those the customer took back."""
    return list(connection.execute(
        select(RETURNS).where(RETURNS.c.order_id == order_id, RETURNS.c.status != WITHDRAWN)
        .order_by(RETURNS.c.id.desc())))


def update_return(connection: Connection, return_id: int, **values: Any) -> None:
    connection.execute(update(RETURNS).where(RETURNS.c.id == return_id), values)


def insert_action(connection: Connection, **values: Any) -> None:
    connection.execute(insert(ACTIONS), values)


def insert_attachment(connection: Connection, **values: Any) -> None:
    connection.execute(insert(ATTACHMENTS), values)


def attachments_of(connection: Connection, conversation_id: int) -> list[Row]:
    """The conversation's attachments, without their content, oldest first."""
    return list(connection.execute(
        select(ATTACHMENTS.c.id, ATTACHMENTS.c.content_type, ATTACHMENTS.c.filename,
               ATTACHMENTS.c.url, ATTACHMENTS.c.size, ATTACHMENTS.c.created_at)
        .where(ATTACHMENTS.c.conversation_id == conversation_id).order_by(ATTACHMENTS.c.id)))


def flag_at_risk(connection: Connection, conversation_id: int, risk: str) -> None:
    connection.execute(update(CONVERSATIONS).where(CONVERSATIONS.c.id == conversation_id)
                       .values(at_risk=risk))


def new_rma(connection: Connection, now: datetime) -> str:
    """RMA-YYYYMMDD-NNNN: the day's next number."""
    prefix = f"RMA-{now:%Y%m%d}-"
    taken = connection.scalar(select(RETURNS.c.rma).where(RETURNS.c.rma.like(f"{prefix}%"))
                              .order_by(RETURNS.c.rma.desc()).limit(1))
    number = int(taken.rsplit("-", 1)[1]) + 1 if taken else 1
    return f"{prefix}{number:04d}"


def attachment_content(connection: Connection, attachment_id: int,
                       conversation_id: int) -> Row | None:
    """One kept attachment with its bytes, if it belongs to the conversation."""
    return connection.execute(
        select(ATTACHMENTS).where(ATTACHMENTS.c.id == attachment_id,
                                  ATTACHMENTS.c.conversation_id == conversation_id)).first()


def attachment_files(connection: Connection, attachment_ids) -> list[Row]:
    """Kept attachments with their bytes, in the order asked."""
    rows = {row.id: row for row in connection.execute(
        select(ATTACHMENTS).where(ATTACHMENTS.c.id.in_(list(attachment_ids))))}
    return [rows[i] for i in attachment_ids if i in rows and rows[i].content is not None]
