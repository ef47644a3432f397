"""The rows behind the console's figures: customers' messages, conversations with what
happened in them, cases, shipped units and orders at risk, for a time window."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Row, and_, exists, func, select

from storage.models import (
    Case,
    CaseEvent,
    Conversation,
    Handoff,
    Message,
    Order,
    OrderItem,
)

CONVERSATIONS = Conversation.__table__
MESSAGES = Message.__table__
CASES = Case.__table__
EVENTS = CaseEvent.__table__
HANDOFFS = Handoff.__table__
ORDERS = Order.__table__
ITEMS = OrderItem.__table__
CUSTOMER_CHANNELS = ("sms", "voice", "email")


def customer_messages(connection: Connection, since: datetime, until: datetime, *,
                      seller_id: str | None = None) -> list[Row]:
    """Customers' own messages (not automatic, not a seller's reply to a case), with their
    conversation's channel, language and order's seller (only this seller's, if given)."""
    query = (
        select(MESSAGES.c.conversation_id, MESSAGES.c.created_at, CONVERSATIONS.c.channel,
               CONVERSATIONS.c.language, ORDERS.c.seller_id)
        .join(CONVERSATIONS, CONVERSATIONS.c.id == MESSAGES.c.conversation_id)
        .outerjoin(ORDERS, ORDERS.c.order_id == CONVERSATIONS.c.order_id)
        .where(MESSAGES.c.direction == "in", MESSAGES.c.case_id.is_(None),
               MESSAGES.c.automatic.is_(False),
               MESSAGES.c.channel.in_(CUSTOMER_CHANNELS),
               MESSAGES.c.created_at >= since, MESSAGES.c.created_at < until))
    if seller_id is not None:
        query = query.where(ORDERS.c.seller_id == seller_id)
    return list(connection.execute(query))


def conversations_with_help(connection: Connection, since: datetime,
                            until: datetime) -> list[Row]:
    """Conversations active in the window, each with whether a seller case or a person
    (hand-off, take-over) was needed."""
    c = CONVERSATIONS.c
    return list(connection.execute(select(
        c.id, c.created_at,
        exists().where(CASES.c.conversation_id == c.id).label("had_case"),
        (exists().where(HANDOFFS.c.conversation_id == c.id)
         | c.taken_over_by.is_not(None)).label("had_person"))
        .where(c.updated_at >= since, c.created_at < until)))


def cases_in_window(connection: Connection, since: datetime, until: datetime) -> list[Row]:
    """Cases opened in the window, with when the seller's answer closed them (if it did)."""
    answered = (select(EVENTS.c.case_id, func.min(EVENTS.c.created_at).label("answered_at"))
                .where(EVENTS.c.kind == "answered").group_by(EVENTS.c.case_id).subquery())
    return list(connection.execute(
        select(CASES.c.id, CASES.c.seller_id, CASES.c.status, CASES.c.opened_at,
               answered.c.answered_at)
        .outerjoin(answered, answered.c.case_id == CASES.c.id)
        .where(CASES.c.opened_at >= since, CASES.c.opened_at < until)))


def mfn_units_shipped(connection: Connection, since: datetime, until: datetime, *,
                      seller_id: str | None = None) -> dict[str, int]:
    """Seller-fulfilled units shipped in the window, per seller (FBA never counts)."""
    query = (select(ORDERS.c.seller_id, func.sum(ITEMS.c.quantity))
             .join(ITEMS, ITEMS.c.order_id == ORDERS.c.order_id)
             .where(ORDERS.c.fulfillment == "MFN", ORDERS.c.shipped_at >= since,
                    ORDERS.c.shipped_at < until)
             .group_by(ORDERS.c.seller_id))
    if seller_id is not None:
        query = query.where(ORDERS.c.seller_id == seller_id)
    rows = connection.execute(query)
    return {seller: int(units or 0) for seller, units in rows}


def orders_at_risk(connection: Connection, late_before: datetime) -> list[Row]:
    """Orders that may end in a guarantee claim: not delivered and past their latest delivery
    date by the grace the policy gives (`late_before`), or flagged in a conversation."""
    flagged = select(CONVERSATIONS.c.order_id).where(CONVERSATIONS.c.at_risk.is_not(None),
                                                     CONVERSATIONS.c.order_id.is_not(None))
    return list(connection.execute(
        select(ORDERS.c.order_id, ORDERS.c.seller_id, ORDERS.c.status,
               ORDERS.c.latest_delivery_date)
        .where(ORDERS.c.fulfillment == "MFN",
               (and_(ORDERS.c.delivered_at.is_(None), ORDERS.c.status.in_(("Shipped",
                                                                              "Unshipped")),
                     ORDERS.c.latest_delivery_date < late_before))
               | ORDERS.c.order_id.in_(flagged))
        .order_by(ORDERS.c.latest_delivery_date)))


def mfn_shipments(connection: Connection, seller_id: str, since: datetime,
                  until: datetime) -> list[Row]:
    """The seller's MFN orders shipped in the window, with their units."""
    return list(connection.execute(
        select(ORDERS.c.order_id, ORDERS.c.purchased_at, ORDERS.c.shipped_at,
               func.sum(ITEMS.c.quantity).label("units"))
        .join(ITEMS, ITEMS.c.order_id == ORDERS.c.order_id)
        .where(ORDERS.c.seller_id == seller_id, ORDERS.c.fulfillment == "MFN",
               ORDERS.c.shipped_at >= since, ORDERS.c.shipped_at < until)
        .group_by(ORDERS.c.order_id, ORDERS.c.purchased_at, ORDERS.c.shipped_at)))
