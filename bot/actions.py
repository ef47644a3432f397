"""What the service does on a seller's behalf: authorize a return (or withdraw it), refund,
cancel. An interface, so that a marketplace API adapter can be plugged in; the default
records each action and tells the seller by email."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import Connection

from bot.facts import OrderFacts
from bot.outgoing import Outgoing
from storage.returns import insert_action

AUTHORIZE_RETURN = "authorize_return"
REFUND = "refund"
CANCEL = "cancel"
WITHDRAW_RETURN = "withdraw_return"


class SellerActions(Protocol):
    def take(self, connection: Connection, kind: str, order: OrderFacts, now: datetime, *,
             amount: Decimal | None = None, conversation_id: int | None = None,
             case_id: int | None = None, notify: bool = True, **details: Any) -> None:
        """Act for the seller; `notify=False` when the seller is told in another email."""


class RecordingActions:
    """Records the action and notifies the seller; the marketplace itself is not called."""

    def __init__(self, outgoing: Outgoing) -> None:
        self.outgoing = outgoing

    def take(self, connection: Connection, kind: str, order: OrderFacts, now: datetime, *,
             amount: Decimal | None = None, conversation_id: int | None = None,
             case_id: int | None = None, notify: bool = True, **details: Any) -> None:
        insert_action(connection, kind=kind, order_id=order.order_id, seller_id=order.seller.id,
                      amount=amount, currency=order.currency if amount is not None else None,
                      details=details, conversation_id=conversation_id, case_id=case_id,
                      created_at=now)
        if notify and conversation_id is not None:
            self.outgoing.notify_seller(connection, conversation_id, order, "action_taken", now,
                                        kind=kind, amount=amount, details=details)
