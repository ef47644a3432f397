"""Conversations, their messages, and the SMS opt-outs: statements built once, functions that
take the transaction's Connection and return plain rows or ids."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, func, insert, select, update

from storage.models import (
    Conversation,
    Decision,
    Handoff,
    Message,
    Note,
    SmsOptOut,
    UndeliverableAddress,
    User,
)

CONVERSATIONS = Conversation.__table__
MESSAGES = Message.__table__
OPT_OUTS = SmsOptOut.__table__
HANDOFFS = Handoff.__table__
UNDELIVERABLE = UndeliverableAddress.__table__
DECISIONS = Decision.__table__
NOTES = Note.__table__
USERS = User.__table__

# The customer's latest conversation on a channel, and whether that number texted STOP.
_LATEST = (
    select(CONVERSATIONS, OPT_OUTS.c.phone.label("opted_out_phone"))
    .outerjoin(OPT_OUTS, OPT_OUTS.c.phone == CONVERSATIONS.c.customer_address)
    .where(CONVERSATIONS.c.channel == bindparam("channel"),
           CONVERSATIONS.c.customer_address == bindparam("address"))
    .order_by(CONVERSATIONS.c.id.desc())
    .limit(1)
)
_BY_ID = select(CONVERSATIONS).where(CONVERSATIONS.c.id == bindparam("id"))
_INSERT_MESSAGE = insert(MESSAGES)
_SAVE = update(CONVERSATIONS).where(CONVERSATIONS.c.id == bindparam("conversation_id"))
_OPTED_OUT = select(OPT_OUTS.c.phone).where(OPT_OUTS.c.phone == bindparam("phone"))


def latest_conversation(connection: Connection, channel: str, address: str) -> Row | None:
    return connection.execute(_LATEST, {"channel": channel, "address": address}).first()


def conversation(connection: Connection, conversation_id: int) -> Row | None:
    return connection.execute(_BY_ID, {"id": conversation_id}).first()


def conversation_of_messages(connection: Connection, external_ids: Sequence[str],
                             customer_address: str) -> Row | None:
    """The conversation one of these (our) Message-IDs belongs to, if it is this customer's."""
    return connection.execute(
        select(CONVERSATIONS).join(MESSAGES, MESSAGES.c.conversation_id == CONVERSATIONS.c.id)
        .where(MESSAGES.c.external_id.in_(list(external_ids)),
               CONVERSATIONS.c.customer_address == customer_address)
        .order_by(MESSAGES.c.id.desc()).limit(1)).first()


def conversation_for_order(connection: Connection, channel: str, address: str,
                           order_id: str) -> Row | None:
    """This customer's latest conversation about the order."""
    return connection.execute(
        select(CONVERSATIONS).where(CONVERSATIONS.c.channel == channel,
                                    CONVERSATIONS.c.customer_address == address,
                                    CONVERSATIONS.c.order_id == order_id)
        .order_by(CONVERSATIONS.c.id.desc()).limit(1)).first()


_ANSWERS_SINCE = (
    select(func.count()).select_from(MESSAGES)
    .join(CONVERSATIONS, MESSAGES.c.conversation_id == CONVERSATIONS.c.id)
    .where(CONVERSATIONS.c.channel == bindparam("channel"),
           CONVERSATIONS.c.customer_address == bindparam("address"),
           MESSAGES.c.direction == "out", MESSAGES.c.recipient == bindparam("address"),
           MESSAGES.c.created_at >= bindparam("since", type_=MESSAGES.c.created_at.type)))


def answers_since(connection: Connection, channel: str, address: str, since: datetime) -> int:
    """How many messages we sent to this customer address on a channel since a moment."""
    return connection.scalar(_ANSWERS_SINCE, {"channel": channel, "address": address,
                                              "since": since})


def recent_conversations(connection: Connection, limit: int) -> list[Row]:
    return list(connection.execute(
        select(CONVERSATIONS).order_by(CONVERSATIONS.c.updated_at.desc()).limit(limit)))


def create_conversation(connection: Connection, channel: str, address: str,
                        now: datetime) -> Row:
    result = connection.execute(insert(CONVERSATIONS), {
        "channel": channel, "customer_address": address, "state": {}, "created_at": now,
        "updated_at": now})
    return conversation(connection, result.inserted_primary_key[0])


def save_conversation(connection: Connection, conversation_id: int, **values: Any) -> None:
    connection.execute(_SAVE, {"conversation_id": conversation_id, **values})


def insert_message(connection: Connection, **values: Any) -> int:
    """Store a message; an inbound provider ID seen before raises IntegrityError (the unique
    constraint on channel and external_id)."""
    values.setdefault("automatic", False)
    return connection.execute(_INSERT_MESSAGE, values).inserted_primary_key[0]


def update_message(connection: Connection, message_id: int, **values: Any) -> None:
    connection.execute(update(MESSAGES).where(MESSAGES.c.id == message_id), values)


def message_exists(connection: Connection, channel: str, external_id: str) -> bool:
    return connection.scalar(select(MESSAGES.c.id).where(
        MESSAGES.c.channel == channel, MESSAGES.c.external_id == external_id)) is not None


def last_inbound_message(connection: Connection, conversation_id: int) -> Row | None:
    """The customer's last message (not a seller's) in the conversation."""
    return connection.execute(
        select(MESSAGES).where(MESSAGES.c.conversation_id == conversation_id,
                               MESSAGES.c.direction == "in", MESSAGES.c.case_id.is_(None))
        .order_by(MESSAGES.c.id.desc()).limit(1)).first()


def last_answer(connection: Connection, conversation_id: int, channel: str,
                address: str) -> str | None:
    """What we last said to the customer on the conversation's channel (not to a seller)."""
    return connection.scalar(
        select(MESSAGES.c.body).where(MESSAGES.c.conversation_id == conversation_id,
                                      MESSAGES.c.direction == "out",
                                      MESSAGES.c.channel == channel,
                                      MESSAGES.c.recipient == address)
        .order_by(MESSAGES.c.id.desc()).limit(1))


def is_opted_out(connection: Connection, phone: str) -> bool:
    return connection.scalar(_OPTED_OUT, {"phone": phone}) is not None


def opted_out_among(connection: Connection, phones: Sequence[str]) -> set[str]:
    if not phones:
        return set()
    return set(connection.scalars(select(OPT_OUTS.c.phone).where(
        OPT_OUTS.c.phone.in_(list(phones)))))


def mark_undeliverable(connection: Connection, address: str, report_message_id: int,
                       now: datetime) -> None:
    connection.execute(delete(UNDELIVERABLE).where(UNDELIVERABLE.c.address == address))
    connection.execute(insert(UNDELIVERABLE), {"address": address, "reported_at": now,
                                               "report_message_id": report_message_id})


def clear_undeliverable(connection: Connection, address: str) -> None:
    connection.execute(delete(UNDELIVERABLE).where(UNDELIVERABLE.c.address == address))


def undeliverable_among(connection: Connection, addresses: Sequence[str]) -> set[str]:
    if not addresses:
        return set()
    return set(connection.scalars(select(UNDELIVERABLE.c.address).where(
        UNDELIVERABLE.c.address.in_(list(addresses)))))


def opt_out(connection: Connection, phone: str, now: datetime) -> None:
    connection.execute(insert(OPT_OUTS), {"phone": phone, "opted_out_at": now})


def opt_in(connection: Connection, phone: str) -> None:
    connection.execute(delete(OPT_OUTS).where(OPT_OUTS.c.phone == phone))


def open_handoff(connection: Connection, conversation_id: int, reason: str, customer_text: str,
                 now: datetime) -> None:
    """Put the conversation in the support leads' queue (once: an open hand-off stays)."""
    already = connection.scalar(select(HANDOFFS.c.id).where(
        HANDOFFS.c.conversation_id == conversation_id, HANDOFFS.c.closed_at.is_(None)))
    if already is None:
        connection.execute(insert(HANDOFFS), {
            "conversation_id": conversation_id, "reason": reason,
            "customer_text": customer_text, "created_at": now})


def transcript(connection: Connection, conversation_id: int) -> tuple[list[Row], list[Row]]:
    """The conversation's messages and the decisions taken, each in the order they came."""
    messages = connection.execute(select(MESSAGES).where(
        MESSAGES.c.conversation_id == conversation_id).order_by(MESSAGES.c.id)).all()
    decisions = connection.execute(select(DECISIONS).where(
        DECISIONS.c.conversation_id == conversation_id).order_by(DECISIONS.c.id)).all()
    return list(messages), list(decisions)


def open_handoffs(connection: Connection, limit: int) -> list[Row]:
    """The leads' queue: conversations a person should take, oldest first."""
    return list(connection.execute(select(HANDOFFS).where(HANDOFFS.c.closed_at.is_(None))
                                   .order_by(HANDOFFS.c.created_at).limit(limit)))


def insert_note(connection: Connection, conversation_id: int, user_id: int, body: str,
                now: datetime) -> None:
    connection.execute(insert(NOTES), {"conversation_id": conversation_id, "user_id": user_id,
                                       "body": body, "created_at": now})


def notes_of(connection: Connection, conversation_id: int) -> list[Row]:
    return list(connection.execute(
        select(NOTES.c.id, NOTES.c.body, NOTES.c.created_at, USERS.c.email)
        .join(USERS, USERS.c.id == NOTES.c.user_id)
        .where(NOTES.c.conversation_id == conversation_id).order_by(NOTES.c.id)))


def close_handoffs(connection: Connection, conversation_id: int, now: datetime) -> None:
    connection.execute(update(HANDOFFS).where(HANDOFFS.c.conversation_id == conversation_id,
                                              HANDOFFS.c.closed_at.is_(None))
                       .values(closed_at=now))
