"""What counts as a contact, defined once for the fee statement and the console's figures:
a day on which a customer wrote to the service in one conversation (by text, call or email),
counted in the marketplace's time zone. Several messages that day are one contact; automatic
mail, sellers' replies and our own messages are none."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, tzinfo


def contact_key(conversation_id: int, at: datetime, zone: tzinfo) -> tuple[int, date]:
    return conversation_id, at.astimezone(zone).date()


def contacts(messages: Iterable[tuple[int, datetime]], zone: tzinfo) -> set[tuple[int, date]]:
    """The contacts among customers' messages given as (conversation id, time)."""
    return {contact_key(conversation_id, at, zone) for conversation_id, at in messages}
