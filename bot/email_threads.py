"""Which conversation an email belongs to. Our Message-IDs carry the conversation they were
written in (`<...c42@mail domain>`), so a reply is matched first by the IDs in its In-Reply-To
and References, then by any stored message it refers to (the customer's own earlier mail), and
as a last resort, for clients that break the chain, by an order ID in its subject. Every match
must belong to the sender: a guessed ID never opens someone else's conversation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from email.utils import make_msgid

from sqlalchemy import Connection, Row

from bot.identifiers import find_order_ids
from storage.conversations import (
    conversation,
    conversation_for_order,
    conversation_of_messages,
)


def conversation_message_id(conversation_id: int, domain: str) -> str:
    return make_msgid(idstring=f"c{conversation_id}", domain=domain)


def case_message_id(case_id: int, domain: str) -> str:
    """Seller mail is matched by its case address instead (case+<token>@), not by this tag."""
    return make_msgid(idstring=f"case{case_id}", domain=domain)


def tagged_conversation_ids(references: Sequence[str], domain: str) -> list[int]:
    """Conversation IDs carried by our own Message-IDs among these, newest reference first."""
    tagged = re.compile(rf"<[^<>@\s]*\.c(\d+)@{re.escape(domain)}>", re.IGNORECASE)
    found = [int(m.group(1)) for m in map(tagged.fullmatch, reversed(references)) if m]
    return list(dict.fromkeys(found))


def email_conversation(connection: Connection, sender: str, references: Sequence[str],
                       subject: str | None, domain: str) -> Row | None:
    for conversation_id in tagged_conversation_ids(references, domain):
        found = conversation(connection, conversation_id)
        if found is not None and found.channel == "email" and found.customer_address == sender:
            return found
    if references:
        found = conversation_of_messages(connection, references, sender)
        if found is not None:
            return found
    for order_id in find_order_ids(subject or ""):
        found = conversation_for_order(connection, "email", sender, order_id)
        if found is not None:
            return found
    return None
