"""Carrying out what was decided about money and goods: a return authorized (with its RMA)
or withdrawn, a refund without a return, a cancellation. Each is recorded (returns table)
and taken on the seller's behalf through `bot.actions` - the one place for all of them,
whether a conversation or a case decided it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Row

from bot.actions import AUTHORIZE_RETURN, CANCEL, REFUND, WITHDRAW_RETURN, SellerActions
from bot.facts import ItemFacts, OrderFacts
from storage.orders import set_order_status
from storage.returns import WITHDRAWN, insert_return, new_rma, update_return


class Ledger:
    def __init__(self, actions: SellerActions) -> None:
        self.actions = actions

    def authorize_return(self, connection: Connection, order: OrderFacts, item: ItemFacts,
                         reason: str, payer: str, now: datetime, *, conversation_id: int,
                         case_id: int | None = None, notify: bool = True) -> Row:
        record = insert_return(
            connection, rma=new_rma(connection, now), order_id=order.order_id, asin=item.asin,
            quantity=item.quantity, reason=reason, outcome="return_authorized",
            status="authorized", refund_amount=item.price * item.quantity,
            currency=order.currency, return_shipping_paid_by=payer,
            conversation_id=conversation_id, case_id=case_id, authorized_at=now)
        self.actions.take(connection, AUTHORIZE_RETURN, order, now,
                          amount=record.refund_amount, conversation_id=conversation_id,
                          case_id=case_id, notify=notify, rma=record.rma, asin=item.asin,
                          title=item.title, reason=reason, return_shipping_paid_by=payer)
        return record

    def withdraw_return(self, connection: Connection, order: OrderFacts, record: Row,
                        now: datetime, *, conversation_id: int) -> None:
        """A return authorized and not yet sent, taken back by the customer ("sorry, the mug
        is fine"): no label is needed, and no refund is due."""
        update_return(connection, record.id, status=WITHDRAWN)
        self.actions.take(connection, WITHDRAW_RETURN, order, now, amount=record.refund_amount,
                          conversation_id=conversation_id, rma=record.rma, asin=record.asin,
                          title=next((i.title for i in order.items if i.asin == record.asin), ""))

    def refund_without_return(self, connection: Connection, order: OrderFacts,
                              item: ItemFacts | None, reason: str, now: datetime, *,
                              conversation_id: int, case_id: int | None = None,
                              notify: bool = True) -> Row:
        """A refund the customer keeps the goods for: one item, or the whole order."""
        amount = item.price * item.quantity if item else order.total
        record = insert_return(
            connection, rma=new_rma(connection, now), order_id=order.order_id,
            asin=item.asin if item else "*", quantity=item.quantity if item else 0,
            reason=reason, outcome="refund_returnless", status="refunded", refund_amount=amount,
            currency=order.currency, return_shipping_paid_by=None,
            conversation_id=conversation_id, case_id=case_id, refunded_at=now)
        self.actions.take(connection, REFUND, order, now, amount=amount,
                          conversation_id=conversation_id, case_id=case_id, notify=notify,
                          rma=record.rma, asin=record.asin, reason=reason, returnless=True)
        return record

    def cancel(self, connection: Connection, order: OrderFacts, now: datetime, *,
               conversation_id: int, case_id: int | None = None, notify: bool = True
               ) -> OrderFacts:
        set_order_status(connection, order.order_id, "Canceled")
        self.actions.take(connection, CANCEL, order, now, amount=order.total,
                          conversation_id=conversation_id, case_id=case_id, notify=notify)
        return order.with_status("Canceled")
