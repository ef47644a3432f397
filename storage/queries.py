"""Statements on the hot path of every turn, built once: constructing a select costs more
than running it on SQLite, and a prebuilt statement also keeps its cache key."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from storage.models import Conversation, Order, SmsOptOut

# The customer's latest conversation on a channel, and whether that number texted STOP.
LATEST_CONVERSATION = (
    select(Conversation, SmsOptOut.phone)
    .outerjoin(SmsOptOut, SmsOptOut.phone == Conversation.customer_address)
    .where(Conversation.channel == bindparam("channel"),
           Conversation.customer_address == bindparam("address"))
    .order_by(Conversation.id.desc())
    .limit(1)
)

# A buyer's orders since a time, newest first (items, products and seller come joined).
RECENT_ORDERS_BY_PHONE = (
    select(Order)
    .where(Order.buyer_phone == bindparam("address"), Order.purchased_at >= bindparam("since"))
    .order_by(Order.purchased_at.desc())
)
RECENT_ORDERS_BY_EMAIL = (
    select(Order)
    .where(Order.buyer_email == bindparam("address"), Order.purchased_at >= bindparam("since"))
    .order_by(Order.purchased_at.desc())
)
