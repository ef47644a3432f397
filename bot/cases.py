"""Seller cases: opening them, taking the seller's emailed reply, reminding, and resolving on
silence. The rules are in `bot.case_rules`; this module does the reading and writing."""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row

from bot import case_rules, returns
from bot.facts import ItemFacts, OrderFacts
from bot.journal import log_case_event, record_decision
from bot.ledger import Ledger
from bot.marketplace import MarketplacePolicy
from bot.messages import Decision, InboundMessage
from bot.orders import load_order
from bot.outgoing import EmailThread, Outgoing, Say
from bot.understanding import detect_language
from storage import cases as case_store
from storage.conversations import (
    conversation,
    last_inbound_message,
    save_conversation,
    update_message,
)
from storage.orders import record_seller_shipment
from storage.returns import attachments_of, returns_for_order

log = logging.getLogger(__name__)

OPEN = "waiting_on_seller"
AWAITING_TRANSLATION = "awaiting_translation"
ANSWERED = "answered"
RESOLVED_ON_SILENCE = "resolved_on_silence"
WITHDRAWN = "withdrawn"
OPEN_STATUSES = (OPEN, AWAITING_TRANSLATION)
# What a case email carries in attachments at most (relays commonly refuse over 10-25 MB).
MAX_ATTACHED_BYTES = 10 * 1024 * 1024
# A case ends answered, resolved on silence or withdrawn; its closed_at is then set.
CLOSED_STATUSES = (ANSWERED, RESOLVED_ON_SILENCE, WITHDRAWN)

class CaseDesk:
    def __init__(self, outgoing: Outgoing, policy: MarketplacePolicy, ledger: Ledger) -> None:
        self.outgoing = outgoing
        self.policy = policy
        self.ledger = ledger

    def find_open(self, connection: Connection, order_id: str, kind: str) -> Row | None:
        return case_store.open_case_for(connection, order_id, kind, OPEN_STATUSES)

    def open(self, connection: Connection, conversation: Any, order: OrderFacts, kind: str,
             customer_text: str, now: datetime, *, language: str,
             details: dict | None = None) -> Row:
        """Open a case (or return the one already open for this order and question)."""
        existing = self.find_open(connection, order.order_id, kind)
        if existing is not None:
            return existing
        case = case_store.insert_case(
            connection, token=secrets.token_hex(10), kind=kind, status=OPEN,
            conversation_id=conversation.id, order_id=order.order_id, seller_id=order.seller.id,
            customer_channel=conversation.channel, customer_address=conversation.customer_address,
            customer_language=language, customer_text=customer_text, details=details or {},
            opened_at=now, reminder_at=now + self.policy.case_reminder,
            deadline_at=now + self.policy.case_deadline,
        )
        log_case_event(connection, case.id, "opened", "service", now, customer_text, kind=kind)
        self._ask_seller(connection, case, order, now, reminder=False)
        log.info("case %s opened (%s) for order %s", case.id, kind, order.order_id)
        return case

    def add_question(self, connection: Connection, case: Row, order: OrderFacts, text: str,
                     now: datetime) -> bool:
        """Another question of the customer's for an open product-question case: added to
        what the customer wrote and sent to the seller in the case's thread, so one answer
        covers both and the deadline stays. False when the case already holds it."""
        if case.kind != case_rules.PRODUCT_QUESTION or case_rules.same_question(
                text, case.customer_text):
            return False
        case_store.update_case(connection, case.id,
                               customer_text=f"{case.customer_text}\n\n{text}")
        log_case_event(connection, case.id, "question_added", case.customer_address, now, text)
        self._ask_seller(connection, case_store.case_by_id(connection, case.id), order, now,
                         reminder=False, added_question=True)
        return True

    def add_detail(self, connection: Connection, case: Row, order: OrderFacts, text: str,
                   now: datetime) -> None:
        """What the customer adds to an open case ("sorry i meant apt 5", "tracking hasnt
        moved since nov 16 in chicago"): added to what they wrote and sent to the seller in
        the case's thread; the deadline stays."""
        case_store.update_case(connection, case.id,
                               customer_text=f"{case.customer_text}\n\n{text}")
        log_case_event(connection, case.id, "detail_added", case.customer_address, now, text)
        self._ask_seller(connection, case_store.case_by_id(connection, case.id), order, now,
                         reminder=False, added_detail=True)

    def count_units(self, connection: Connection, case: Row, order: OrderFacts, units: int,
                    text: str, now: datetime) -> None:
        """A return case of some units of an item, of more now ("también la otra taza"): the
        units the seller's silence returns, and the words, added."""
        details = dict(case.details or {})
        ordered = next((i.quantity for i in order.items if i.asin == details.get("asin")), units)
        if units >= ordered:
            details.pop("units", None)
        else:
            details["units"] = units
        case_store.update_case(connection, case.id, details=details)
        self.add_detail(connection, case_store.case_by_id(connection, case.id), order, text, now)

    def receive_reply(self, connection: Connection, case: Row, inbound: InboundMessage,
                      message_id: int, now: datetime) -> None:
        """A seller's email to the case address: logged always, acted on only when it comes
        from a registered address of the case's seller (then as `take_answer`)."""
        order = load_order(connection, case.order_id)
        seller = order.seller
        update_message(connection, message_id, case_id=case.id,
                       conversation_id=case.conversation_id)
        sender = inbound.sender.lower()
        if inbound.automatic:
            log_case_event(connection, case.id, "automatic_reply_ignored", sender, now,
                           inbound.text)
            return
        if sender not in seller.registered_addresses():
            log_case_event(connection, case.id, "reply_not_accepted", sender, now, inbound.text,
                           reason="unregistered_address")
            self.outgoing.to_seller(connection, case, seller, "reply_not_accepted", now,
                                    order=order, unregistered=sender)
            return
        self.take_answer(connection, case, order, inbound.text, sender, message_id, now)

    def take_answer(self, connection: Connection, case: Row, order: OrderFacts, text: str,
                    actor: str, message_id: int | None, now: datetime) -> None:
        """The seller's answer, by email or from the case page: acted on while the case is
        open. One that comes after the deadline, before the sweeper got to the case, finds
        the customer's promised resolution applied first and is only recorded."""
        seller = order.seller
        if case.status == OPEN and now >= case.deadline_at:
            self.resolve_on_silence(connection, case, now)
            log_case_event(connection, case.id, "reply_after_deadline", actor, now, text)
            self.outgoing.to_seller(connection, case, seller, "case_closed", now, order=order,
                                    late=True)
            return
        if case.status == ANSWERED and self._replacement_tracking(connection, case, order, text,
                                                                  actor, now):
            return
        if case.status not in OPEN_STATUSES:
            log_case_event(connection, case.id, "reply_after_close", actor, now, text)
            self.outgoing.to_seller(connection, case, seller, "case_closed", now, order=order,
                                    late=False)
            return
        log_case_event(connection, case.id, "seller_reply", actor, now, text)
        answer = case_rules.read_seller_reply(text)
        decision = case_rules.decide_on_answer(case.kind, answer)
        written_in = detect_language(answer.text)
        note = case_rules.note_beside_decision(answer) if decision.outcome != "seller_answered" \
            else None
        if note and written_in and written_in != case.customer_language:
            log_case_event(connection, case.id, "note_not_relayed", "service", now, note,
                           reason="written_in_another_language", written_in=written_in)
            note = None
        if (decision.outcome == "seller_answered" and written_in
                and written_in != case.customer_language):
            case_store.update_case(connection, case.id, status=AWAITING_TRANSLATION)
            held = Decision("held_for_translation",
                            (*decision.reasons, "case.free_text_in_other_language"),
                            {**decision.facts, "written_in": written_in,
                             "customer_language": case.customer_language})
            record_decision(connection, held, now, conversation_id=case.conversation_id,
                            case_id=case.id, message_id=message_id)
            log_case_event(connection, case.id, "held_for_translation", "service", now)
            return
        self._conclude(connection, case, order, decision, now, status=ANSWERED,
                       seller_text=answer.text, message_id=message_id, note=note, actor=actor)

    def _replacement_tracking(self, connection: Connection, case: Row, order: OrderFacts,
                              text: str, actor: str, now: datetime) -> bool:
        """After a replacement was promised, the closing email asked the seller for its
        tracking number: a later reply with one goes to the customer."""
        tracking = case_rules.read_seller_reply(text).tracking_number
        if not tracking or case_store.case_outcome(connection, case.id) != "replacement_sent":
            return False
        log_case_event(connection, case.id, "replacement_tracking", actor, now, text,
                       tracking_number=tracking)
        say = Say("case_update", {"case": case, "order": order, "outcome": "replacement_shipped",
                                  "seller_text": None, "note": None, "tracking_number": tracking,
                                  "rma": None, "item": self._item(case, order)})
        self.outgoing.to_customer(connection, conversation(connection, case.conversation_id),
                                  [say], case.customer_language, now,
                                  thread=self._customer_thread(connection, case), case=case)
        return True

    def translate(self, connection: Connection, case: Row, translation: str, actor: str,
                  now: datetime) -> None:
        """A support lead's translation of a held answer goes to the customer."""
        if case.status != AWAITING_TRANSLATION:
            raise ValueError(f"case {case.id} holds no answer for translation")
        order = load_order(connection, case.order_id)
        log_case_event(connection, case.id, "translated", actor, now, translation)
        decision = Decision("seller_answered", ("case.seller_free_text", "case.translated"),
                            {"translated_by": actor})
        self._conclude(connection, case, order, decision, now, status=ANSWERED,
                       seller_text=translation, actor=actor)

    def withdraw(self, connection: Connection, case: Row, actor: str, reason: str,
                 now: datetime) -> None:
        """The customer's problem went away (or a lead closed the case): nothing is done on
        the seller's behalf, and the seller is told they need not act."""
        order = load_order(connection, case.order_id)
        case_store.update_case(connection, case.id, status=WITHDRAWN, closed_at=now)
        record_decision(connection, Decision("case_withdrawn", (f"case.withdrawn.{reason}",),
                                             {"by": actor}), now,
                        conversation_id=case.conversation_id, case_id=case.id)
        log_case_event(connection, case.id, WITHDRAWN, actor, now, reason=reason)
        self.outgoing.to_seller(connection, case, order.seller, "case_withdrawn", now,
                                order=order, reason=reason)

    def remind(self, connection: Connection, case: Row, now: datetime) -> None:
        order = load_order(connection, case.order_id)
        case_store.update_case(connection, case.id, reminded_at=now)
        log_case_event(connection, case.id, "reminder_sent", "sweeper", now)
        self._ask_seller(connection, case, order, now, reminder=True)

    def _ask_seller(self, connection: Connection, case: Row, order: OrderFacts, now: datetime,
                    *, reminder: bool, added_question: bool = False,
                    added_detail: bool = False) -> None:
        """The case email: the customer's photos and files attached, up to
        MAX_ATTACHED_BYTES in all (the rest are listed and open on the case page)."""
        attachments = attachments_of(connection, case.conversation_id)
        attach, total = [], 0
        for kept in attachments:
            if kept.url is None and kept.size and total + kept.size <= MAX_ATTACHED_BYTES:
                attach.append(kept.id)
                total += kept.size
        # which item of the order goes back, and how many of it ("1 mug chipped, other is fine")
        returned = self._item(case, order) if case.kind in case_rules.RETURN_KINDS else None
        self.outgoing.to_seller(connection, case, order.seller, "case_request", now,
                                order=order, reminder=reminder, attachments=attachments,
                                attach=tuple(attach), added_question=added_question,
                                added_detail=added_detail, returned=returned)

    def resolve_on_silence(self, connection: Connection, case: Row, now: datetime) -> Decision:
        order = load_order(connection, case.order_id)
        recorded = returns_for_order(connection, order.order_id)
        settled = frozenset({r.asin for r in recorded if r.asin == "*"}
                            | {item.asin for item in order.items
                               if returns.returned_in_full(item, recorded)})
        decision = case_rules.decide_on_silence(case.kind, order, now, case.details, settled)
        self._conclude(connection, case, order, decision, now, status=RESOLVED_ON_SILENCE)
        return decision

    def tell_seller_offer_accepted(self, connection: Connection, case_id: int,
                                   order: OrderFacts, now: datetime) -> None:
        """The customer took the cancellation offered when the seller stayed silent."""
        case = case_store.case_by_id(connection, case_id)
        log_case_event(connection, case.id, "offer_accepted", case.customer_address, now,
                       outcome="canceled_refunded")
        self.outgoing.to_seller(connection, case, order.seller, "case_resolved", now,
                                order=order, outcome="canceled_refunded", on_silence=False,
                                offer_accepted=True)

    def _conclude(self, connection: Connection, case: Row, order: OrderFacts,
                  decision: Decision, now: datetime, *, status: str,
                  seller_text: str | None = None, message_id: int | None = None,
                  note: str | None = None, actor: str = "sweeper") -> None:
        """Carry out the outcome, tell the customer on their channel and the seller by email."""
        rma = self._carry_out(connection, case, order, decision, now)
        if decision.outcome == "canceled_refunded":
            order = order.with_status("Canceled")
        case_store.update_case(connection, case.id, status=status, closed_at=now)
        record_decision(connection, decision, now, conversation_id=case.conversation_id,
                        case_id=case.id, message_id=message_id)
        log_case_event(connection, case.id, status, actor, now,
                       outcome=decision.outcome, reasons=list(decision.reasons))
        customer = conversation(connection, case.conversation_id)
        if decision.outcome == "cancellation_offered":
            save_conversation(connection, customer.id, state={
                **customer.state, "last_activity_at": now.isoformat(),
                "offer": {"intent": "cancel_order", "order_id": order.order_id,
                          "case_id": case.id}})
        say = Say("case_update", {
            "case": case, "order": order, "outcome": decision.outcome,
            "seller_text": seller_text if decision.outcome == "seller_answered" else None,
            "note": note,
            "tracking_number": decision.facts.get("tracking_number"),
            "rma": rma, "item": self._item(case, order),
        })
        self.outgoing.to_customer(connection, customer, [say], case.customer_language, now,
                                  thread=self._customer_thread(connection, case), case=case)
        self.outgoing.to_seller(connection, case, order.seller, "case_resolved", now,
                                order=order, outcome=decision.outcome,
                                on_silence=status == RESOLVED_ON_SILENCE, offer_accepted=False)

    @staticmethod
    def _item(case: Row, order: OrderFacts) -> ItemFacts | None:
        """The item a return case is about (its details name it), as many of its units as
        the case is about ("one mug of two missing": one)."""
        details = case.details or {}
        item = next((item for item in order.items if item.asin == details.get("asin")), None)
        return replace(item, quantity=details["units"]) if item and details.get("units") else item

    def _carry_out(self, connection: Connection, case: Row, order: OrderFacts,
                   decision: Decision, now: datetime) -> str | None:
        """Refund, authorize the return or cancel on the seller's behalf; the seller hears of
        it in the case's closing email. Returns the RMA of a return or refund."""
        ids = {"conversation_id": case.conversation_id, "case_id": case.id, "notify": False}
        item = self._item(case, order)
        reason = (case.details or {}).get("reason") or case.kind
        outcome = decision.outcome
        if outcome == "canceled_refunded" and order.status != "Canceled":
            self.ledger.cancel(connection, order, now, **ids)
        elif outcome == "seller_shipped" and decision.facts.get("tracking_number"):
            record_seller_shipment(connection, order.order_id,
                                   decision.facts["tracking_number"], now)
        elif outcome == "refund_returnless":
            return self.ledger.refund_without_return(connection, order, item, reason, now,
                                                     **ids).rma
        elif outcome in ("return_authorized", "free_return_authorized"):
            records = [self.ledger.authorize_return(connection, order, returned, reason,
                                                    "seller", now, **ids)
                       for returned in ([item] if item else order.items)]
            return records[0].rma
        return None

    def _customer_thread(self, connection: Connection, case: Row) -> EmailThread | None:
        """Email news threads onto the customer's last message in the conversation."""
        if case.customer_channel != "email":
            return None
        last = last_inbound_message(connection, case.conversation_id)
        if last is None or not last.external_id:
            return None
        return EmailThread(last.external_id, (), last.subject)
