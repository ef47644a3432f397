"""Seller forwards: a registered seller who forwards a customer's email to the support address
hands that customer to us. This module reads who the customer is and which of the seller's
orders they mean, and finds or opens the customer's conversation about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Row

from bot.facts import OrderFacts, SellerFacts, seller_from_row
from bot.identifiers import find_order_ids
from bot.messages import Channel, InboundMessage
from bot.orders import load_order, recent_orders
from storage.conversations import (
    conversation,
    conversation_for_order,
    create_conversation,
    latest_conversation,
    save_conversation,
)
from storage.orders import seller_with_address


@dataclass(frozen=True)
class SellerForward:
    seller: SellerFacts
    customer: str             # the forwarded original's sender
    order: OrderFacts | None  # the seller's order the customer means, if we can tell


def read_forward(connection: Connection, inbound: InboundMessage,
                 since: datetime) -> SellerForward | None:
    """The forward, when a registered seller sent it and the original shows its sender."""
    original = inbound.forwarded
    if original is None or "@" not in original.sender:
        return None
    row = seller_with_address(connection, inbound.sender)
    if row is None:
        return None
    seller = seller_from_row(row)
    customer = original.sender.lower()
    if customer in seller.registered_addresses():
        return None  # the seller forwarding their own mail is not a customer's question
    return SellerForward(seller, customer, _order_meant(connection, seller, inbound, since))


def _order_meant(connection: Connection, seller: SellerFacts, inbound: InboundMessage,
                 since: datetime) -> OrderFacts | None:
    """An order of this seller named in the original or the seller's note, else the
    customer's one recent order with this seller."""
    original = inbound.forwarded
    for text in (original.text, original.subject, inbound.text, inbound.subject):
        for order_id in find_order_ids(text or ""):
            order = load_order(connection, order_id)
            if order is not None and order.seller.id == seller.id:
                return order
    # Otherwise only an only order is certain; among several the dialogue asks or goes by
    # the item the customer names.
    theirs = [order for order in recent_orders(connection, Channel.EMAIL,
                                               original.sender.lower(), since)
              if order.seller.id == seller.id]
    return theirs[0] if len(theirs) == 1 else None


def forwarded_conversation(connection: Connection, forward: SellerForward,
                           now: datetime) -> Row:
    """The customer's email conversation about the order, opened if there is none."""
    channel = Channel.EMAIL.value
    found = None
    if forward.order is not None:
        found = conversation_for_order(connection, channel, forward.customer,
                                       forward.order.order_id)
    else:
        found = latest_conversation(connection, channel, forward.customer)
    if found is None:
        found = create_conversation(connection, channel, forward.customer, now)
    if forward.order is not None and found.order_id != forward.order.order_id:
        save_conversation(connection, found.id, order_id=forward.order.order_id,
                          updated_at=now)
        found = conversation(connection, found.id)
    return found
