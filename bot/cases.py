"""Seller cases: opening them, taking the seller's emailed reply, reminding, and resolving on
silence. The rules are in `bot.case_rules`; this module does the reading and writing."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import case_rules
from bot.facts import order_facts
from bot.journal import log_case_event, record_decision
from bot.marketplace import MarketplacePolicy
from bot.messages import Decision, InboundMessage
from bot.outgoing import EmailThread, Outgoing, Say
from bot.understanding import detect_language
from storage.models import Case, Conversation, Message, Order

log = logging.getLogger(__name__)

OPEN = "waiting_on_seller"
AWAITING_TRANSLATION = "awaiting_translation"
ANSWERED = "answered"
RESOLVED_ON_SILENCE = "resolved_on_silence"
OPEN_STATUSES = (OPEN, AWAITING_TRANSLATION)

# Outcomes that change the order itself (the service acts on the seller's behalf).
_CANCELS_ORDER = {"canceled_refunded"}


class CaseDesk:
    def __init__(self, outgoing: Outgoing, policy: MarketplacePolicy) -> None:
        self.outgoing = outgoing
        self.policy = policy

    def find_open(self, session: Session, order_id: str, kind: str) -> Case | None:
        return session.scalar(
            select(Case).where(Case.order_id == order_id, Case.kind == kind,
                               Case.status.in_(OPEN_STATUSES)).limit(1))

    def open(self, session: Session, conversation: Conversation, order: Order,
             kind: str, customer_text: str, now: datetime, *, language: str,
             details: dict | None = None) -> Case:
        """Open a case (or return the one already open for this order and question)."""
        existing = self.find_open(session, order.order_id, kind)
        if existing is not None:
            return existing
        case = Case(
            token=secrets.token_hex(10), kind=kind, status=OPEN,
            conversation_id=conversation.id, order_id=order.order_id, seller_id=order.seller_id,
            customer_channel=conversation.channel, customer_address=conversation.customer_address,
            customer_language=language, customer_text=customer_text, details=details or {},
            opened_at=now, reminder_at=now + self.policy.case_reminder,
            deadline_at=now + self.policy.case_deadline,
        )
        session.add(case)
        session.flush()
        log_case_event(session, case.id, "opened", "service", now, customer_text, kind=kind)
        self.outgoing.to_seller(session, case, order.seller, "case_request", now,
                                order=order, reminder=False)
        log.info("case %s opened (%s) for order %s", case.id, kind, order.order_id)
        return case

    def receive_reply(self, session: Session, case: Case, inbound: InboundMessage,
                      message: Message, now: datetime) -> None:
        """A seller's email to the case address: logged always, acted on only when it comes
        from a registered address of the case's seller and the case is still open."""
        order = session.get(Order, case.order_id)
        seller = order.seller
        message.case_id, message.conversation_id = case.id, case.conversation_id
        sender = inbound.sender.lower()
        if inbound.automatic:
            log_case_event(session, case.id, "automatic_reply_ignored", sender, now, inbound.text)
            return
        if sender not in seller.registered_addresses():
            log_case_event(session, case.id, "reply_not_accepted", sender, now, inbound.text,
                           reason="unregistered_address")
            self.outgoing.to_seller(session, case, seller, "reply_not_accepted", now,
                                    order=order, unregistered=sender)
            return
        if case.status not in OPEN_STATUSES:
            log_case_event(session, case.id, "reply_after_close", sender, now, inbound.text)
            self.outgoing.to_seller(session, case, seller, "case_closed", now, order=order)
            return
        log_case_event(session, case.id, "seller_reply", sender, now, inbound.text)
        answer = case_rules.read_seller_reply(inbound.text)
        decision = case_rules.decide_on_answer(case.kind, answer)
        written_in = detect_language(answer.text)
        if (decision.outcome == "seller_answered" and written_in
                and written_in != case.customer_language):
            case.status = AWAITING_TRANSLATION
            held = Decision("held_for_translation",
                            (*decision.reasons, "case.free_text_in_other_language"),
                            {**decision.facts, "written_in": written_in,
                             "customer_language": case.customer_language})
            record_decision(session, held, now, conversation_id=case.conversation_id,
                            case_id=case.id, message=message)
            log_case_event(session, case.id, "held_for_translation", "service", now)
            return
        self._conclude(session, case, order, decision, now, status=ANSWERED,
                       seller_text=answer.text, message=message)

    def remind(self, session: Session, case: Case, now: datetime) -> None:
        order = session.get(Order, case.order_id)
        case.reminded_at = now
        log_case_event(session, case.id, "reminder_sent", "sweeper", now)
        self.outgoing.to_seller(session, case, order.seller, "case_request", now,
                                order=order, reminder=True)

    def resolve_on_silence(self, session: Session, case: Case, now: datetime) -> Decision:
        order = session.get(Order, case.order_id)
        decision = case_rules.decide_on_silence(case.kind, order_facts(order), now)
        self._conclude(session, case, order, decision, now, status=RESOLVED_ON_SILENCE)
        return decision

    def tell_seller_offer_accepted(self, session: Session, case_id: int, order: Order,
                                   now: datetime) -> None:
        """The customer took the cancellation offered when the seller stayed silent."""
        case = session.get(Case, case_id)
        log_case_event(session, case.id, "offer_accepted", case.customer_address, now,
                       outcome="canceled_refunded")
        self.outgoing.to_seller(session, case, order.seller, "case_resolved", now,
                                order=order, outcome="canceled_refunded", on_silence=False,
                                offer_accepted=True)

    def _conclude(self, session: Session, case: Case, order: Order,
                  decision: Decision, now: datetime, *, status: str,
                  seller_text: str | None = None, message: Message | None = None) -> None:
        """Carry out the outcome, tell the customer on their channel and the seller by email."""
        if decision.outcome in _CANCELS_ORDER and order.status != "Canceled":
            order.status = "Canceled"
        case.status, case.closed_at = status, now
        record_decision(session, decision, now, conversation_id=case.conversation_id,
                        case_id=case.id, message=message)
        log_case_event(session, case.id, status, "seller" if seller_text else "sweeper", now,
                       outcome=decision.outcome, reasons=list(decision.reasons))
        conversation = session.get(Conversation, case.conversation_id)
        if decision.outcome == "cancellation_offered":
            conversation.state = {**conversation.state, "last_activity_at": now.isoformat(),
                                  "offer": {"order_id": order.order_id, "case_id": case.id}}
        say = Say("case_update", {
            "case": case, "order": order, "outcome": decision.outcome,
            "seller_text": seller_text if decision.outcome == "seller_answered" else None,
            "tracking_number": decision.facts.get("tracking_number"),
            "rma": f"RMA-{case.id:06d}" if decision.outcome == "free_return_authorized" else None,
        })
        self.outgoing.to_customer(session, conversation, [say], case.customer_language,
                                  now, thread=self._customer_thread(session, case),
                                  case=case)
        self.outgoing.to_seller(session, case, order.seller, "case_resolved", now,
                                order=order, outcome=decision.outcome,
                                on_silence=status == RESOLVED_ON_SILENCE,
                                offer_accepted=False)

    def _customer_thread(self, session: Session, case: Case) -> EmailThread | None:
        """Email news threads onto the customer's last message in the conversation."""
        if case.customer_channel != "email":
            return None
        last = session.scalar(
            select(Message).where(Message.conversation_id == case.conversation_id,
                                  Message.direction == "in", Message.case_id.is_(None))
            .order_by(Message.id.desc()).limit(1))
        if last is None or not last.external_id:
            return None
        return EmailThread(last.external_id, (), last.subject)

