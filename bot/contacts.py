"""What counts as a contact, defined once for the fee statement and the console's figures:
a day on which a customer wrote to the service in one conversation (by text, call or email),
counted in the marketplace's time zone. Several messages that day are one contact; automatic
mail, sellers' replies and our own messages are none."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, tzinfo


def contact_key(conversation_id: int, at: datetime, zone: tzinfo) -> tuple[int, date]:
    return conversation_id, at.astimezone(zone).date()


def contacts(messages: Iterable[tuple[int, datetime]], zone: tzinfo) -> set[tuple[int, date]]:
    """The contacts among customers' messages given as (conversation id, time)."""
    return {contact_key(conversation_id, at, zone) for conversation_id, at in messages}


def contacts_per_seller(messages: Iterable, zone: tzinfo) -> Counter:
    """Contacts per seller, from `storage.figures.customer_messages` rows (the seller of the
    conversation's order; a conversation about no order counts for nobody)."""
    seen = {(row.seller_id, *contact_key(row.conversation_id, row.created_at, zone))
            for row in messages if row.seller_id}
    return Counter(seller for seller, _, _ in seen)
