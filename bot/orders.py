"""Reading orders as OrderFacts, the one view of an order the core works with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from bot.facts import OrderFacts, orders_from_rows
from bot.messages import Channel
from storage import orders as order_store


def load_order(connection: Connection, order_id: str) -> OrderFacts | None:
    found = orders_from_rows(order_store.order_rows(connection, [order_id]))
    return found[0] if found else None


def load_orders(connection: Connection, order_ids: list[str]) -> list[OrderFacts]:
    """These orders, newest first (unknown IDs are left out)."""
    return orders_from_rows(order_store.order_rows(connection, order_ids))


def recent_orders(connection: Connection, channel: Channel, address: str,
                  since: datetime) -> list[OrderFacts]:
    """The orders of the buyer with this phone (SMS, voice) or email address, newest first."""
    if channel is Channel.EMAIL:
        rows = order_store.recent_order_rows(connection, email=address, since=since)
    else:
        rows = order_store.recent_order_rows(connection, phone=address, since=since)
    return orders_from_rows(rows)
