"""One customer turn: who is asking, about which order, what they want, and the answer.
Reads and writes through the connection it is given; the rules it applies are the pure
modules (understanding, scope, delivery, product answers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row

from bot import case_rules, delivery
from bot.cases import CaseDesk
from bot.facts import OrderFacts
from bot.identifiers import find_order_ids, find_postal_code, same_postal_code
from bot.journal import record_decision
from bot.marketplace import MarketplacePolicy
from bot.messages import Channel, Decision
from bot.orders import load_order, load_orders, recent_orders
from bot.outgoing import Say
from bot.product_answers import answer_product_question
from bot.scope import COVERED, check_coverage
from bot.understanding import choose_by_name, choose_option, detect_intents, detect_language
from storage.conversations import save_conversation, update_message
from storage.orders import set_order_status

ORDER_INTENTS = {
    "order_status", "not_received", "cancel_order", "change_address", "return_request",
    "damaged_or_defective", "wrong_item", "product_question",
}
# Intents this version hands to the seller as a general case (returns policy comes later).
GENERAL_CASE_INTENTS = {"return_request", "damaged_or_defective", "wrong_item"}

# Which case kind each delivery outcome opens.
CASE_FOR_OUTCOME = {
    delivery.CASE_NOT_SHIPPED: case_rules.NOT_SHIPPED,
    delivery.CASE_NOT_RECEIVED: case_rules.NOT_RECEIVED,
    delivery.CASE_DELIVERED_MISSING: case_rules.DELIVERED_MISSING,
    delivery.CASE_CANCELLATION: case_rules.CANCELLATION,
    delivery.CASE_ADDRESS_CHANGE: case_rules.ADDRESS_CHANGE,
}


@dataclass
class TurnResult:
    says: list[Say] = field(default_factory=list)
    language: str = "en"


class CustomerTurn:
    def __init__(self, connection: Connection, desk: CaseDesk, policy: MarketplacePolicy,
                 conversation: Row, text: str, now: datetime) -> None:
        self.connection = connection
        self.desk = desk
        self.policy = policy
        self.conversation = conversation
        self.text = text
        self.now = now
        self.state: dict[str, Any] = dict(conversation.state or {})
        self.says: list[Say] = []
        self.message_id: int | None = None
        self.language = policy.default_language
        self.intent = "other"
        self.answered_intent = "other"  # what the turn turned out to be about
        self.focus_order_id: str | None = conversation.order_id
        self.unsupported_language: str | None = None

    # -- entry points ------------------------------------------------------------------

    def understand(self) -> tuple[str, str]:
        """The language to answer in and what the customer wants; writes nothing."""
        self.language = self._language()
        intents = detect_intents(self.text, self.language)
        self.intent = intents[0] if intents else "other"
        if self.intent in ("other", "greeting") and find_order_ids(self.text):
            self.intent = "order_status"  # an order number on its own asks where the order is
        return self.language, self.intent

    def run(self, message_id: int) -> TurnResult:
        """Answer the stored message, recording every decision against it."""
        self.message_id = message_id
        lang, intent = self.language, self.intent
        self.answered_intent = intent
        self._forget_stale_topic()
        if self.unsupported_language:
            self.decide(Decision("language_unsupported", ("language.detected_unsupported",),
                                 {"detected": self.unsupported_language}))
            self.state["unsupported_language"] = self.unsupported_language
            self.say("language_unsupported")
        handled = self._continue_pending(intent, lang)
        if not handled:
            self._act(intent, self.text)
        self.state["last_activity_at"] = self.now.isoformat()
        save_conversation(self.connection, self.conversation.id, state=self.state, language=lang,
                          order_id=self.focus_order_id, updated_at=self.now)
        if self.answered_intent != intent:
            update_message(self.connection, message_id, intent=self.answered_intent)
        return TurnResult(self.says, lang)

    # -- language and topic ------------------------------------------------------------

    def _language(self) -> str:
        detected = detect_language(self.text)
        if detected and detected not in self.policy.customer_languages:
            self.unsupported_language, detected = detected, None
        buyer_language = None
        if not self.conversation.language:
            orders = self._own_orders()
            buyer_language = orders[0].buyer_language if orders else None
        return self.policy.customer_language(detected, self.conversation.language,
                                             buyer_language)

    def _forget_stale_topic(self) -> None:
        """After a long pause a new message starts a fresh topic (identity checks stay)."""
        last = self.state.get("last_activity_at")
        if last and self.now - datetime.fromisoformat(last) > self.policy.fresh_topic_after:
            for key in ("pending", "offer", "focus"):
                self.state.pop(key, None)

    # -- pending questions ---------------------------------------------------------------

    def _continue_pending(self, intent: str, lang: str) -> bool:
        offer = self.state.pop("offer", None)
        if offer and intent in ("affirm", "cancel_order"):
            order = load_order(self.connection, offer["order_id"])
            if order is not None:
                self._cancel_after_offer(order, offer["case_id"])
                return True
        pending = self.state.get("pending")
        if not pending:
            return False
        awaiting = pending["awaiting"]
        explicit_order = find_order_ids(self.text)
        if awaiting == "postal_code":
            postal = find_postal_code(self.text)
            if postal and not explicit_order:
                self._verify_postal_code(pending, postal)
                return True
        elif awaiting == "order_choice" and not explicit_order:
            labels = [o["label"] for o in pending["options"]]
            index = choose_option(self.text, labels, lang)
            if index is not None:
                self.state.pop("pending")
                order = load_order(self.connection, pending["options"][index]["order_id"])
                self.answered_intent = pending["intent"]
                self._act_on_order(pending["intent"], pending["text"], order)
                return True
        elif awaiting == "order_id" and explicit_order:
            self.state.pop("pending")
            wanted = pending["intent"] if intent in ("other", "affirm") else intent
            self.answered_intent = wanted
            self._act(wanted, f"{pending['text']}\n{self.text}")
            return True
        if intent in ("other", "affirm", "deny") and not explicit_order:
            self._ask_again(pending)
            return True
        self.state.pop("pending")  # the customer changed the subject
        return False

    def _ask_again(self, pending: dict) -> None:
        awaiting = pending["awaiting"]
        if awaiting == "order_choice":
            self.say("choose_order", options=pending["options"], again=True)
        elif awaiting == "postal_code":
            self.say("ask_postal_code", order_id=pending["order_id"], again=True)
        else:
            self.say("ask_order_id", again=True)

    # -- identity (POLICY.md F) ------------------------------------------------------------

    def _today(self) -> str:
        return self.now.astimezone(self.policy.timezone).date().isoformat()

    def _verified_today(self) -> set[str]:
        verified = self.state.get("verified", {})
        return set(verified.get("order_ids", [])) if verified.get("date") == self._today() else set()

    def _failures_today(self) -> int:
        failures = self.state.get("failed_verifications", {})
        return failures.get("count", 0) if failures.get("date") == self._today() else 0

    def _own_orders(self) -> list[OrderFacts]:
        return recent_orders(self.connection, Channel(self.conversation.channel),
                             self.conversation.customer_address,
                             self.now - self.policy.recent_orders)

    def _owns(self, order: OrderFacts) -> bool:
        address = self.conversation.customer_address.lower()
        if Channel(self.conversation.channel) is Channel.EMAIL:
            return (order.buyer_email or "").lower() == address
        return (order.buyer_phone or "") == self.conversation.customer_address

    def _verify_postal_code(self, pending: dict, postal: str) -> None:
        order = load_order(self.connection, pending["order_id"])
        facts = {"order_id": pending["order_id"], "attempt": self._failures_today() + 1}
        if order is not None and same_postal_code(postal, order.ship_postal_code):
            self.state.pop("pending")
            verified = self._verified_today() | {order.order_id}
            self.state["verified"] = {"date": self._today(), "order_ids": sorted(verified)}
            self.decide(Decision("identity_verified", ("identity.order_id_and_postal_code",), facts))
            self.answered_intent = pending["intent"]
            self._act_on_order(pending["intent"], pending["text"], order)
            return
        failures = self._failures_today() + 1
        self.state["failed_verifications"] = {"date": self._today(), "count": failures}
        self.decide(Decision("identity_not_verified", ("identity.postal_code_mismatch",), facts))
        if failures >= self.policy.max_failed_verifications:
            self.state.pop("pending")
            self.decide(Decision("identity_locked", ("identity.too_many_failures_today",), facts))
            self.say("verification_locked")
        else:
            self.say("postal_code_mismatch",
                     tries_left=self.policy.max_failed_verifications - failures)

    # -- finding the order ---------------------------------------------------------------

    def _act(self, intent: str, text: str) -> None:
        if intent not in ORDER_INTENTS:
            self._answer_without_order(intent)
            return
        order = self._which_order(intent, text)
        if order is not None:
            self._act_on_order(intent, text, order)

    def _which_order(self, intent: str, text: str) -> OrderFacts | None:
        mentioned = find_order_ids(text)
        if mentioned:
            order = load_order(self.connection, mentioned[0])
            if order is None:
                self.decide(Decision("order_not_found", ("identity.unknown_order_id",),
                                     {"order_id": mentioned[0]}))
                self.say("order_not_found", order_id=mentioned[0])
                return None
            if self._owns(order) or order.order_id in self._verified_today():
                return order
            if self._failures_today() >= self.policy.max_failed_verifications:
                self.say("verification_locked")
                return None
            pending = {"awaiting": "postal_code", "order_id": order.order_id,
                       "intent": intent, "text": text}
            postal = find_postal_code(text)
            if postal:
                self.state["pending"] = pending
                self._verify_postal_code(pending, postal)
                return None
            self.state["pending"] = pending
            self.say("ask_postal_code", order_id=order.order_id, again=False)
            return None
        own = self._own_orders()
        known = {o.order_id for o in own}
        verified = load_orders(self.connection, sorted(self._verified_today() - known))
        candidates = own + verified
        if not candidates:
            self.state["pending"] = {"awaiting": "order_id", "intent": intent, "text": text}
            self.say("ask_order_id", again=False)
            return None
        if len(candidates) == 1:
            return candidates[0]
        labels = [", ".join(o.item_titles) for o in candidates]
        named = choose_by_name(text, labels)
        if named is not None:
            return candidates[named]
        for order in candidates:
            if order.order_id == self.state.get("focus"):
                return order
        options = [{"order_id": o.order_id, "label": label,
                    "purchased_at": o.purchased_at.isoformat()}
                   for o, label in zip(candidates[:5], labels, strict=False)]
        self.state["pending"] = {"awaiting": "order_choice", "options": options,
                                 "intent": intent, "text": text}
        self.say("choose_order", options=options, again=False)
        return None

    # -- answering -------------------------------------------------------------------------

    def _answer_without_order(self, intent: str) -> None:
        if intent == "thanks":
            self.say("thanks")
        elif intent == "human_agent":
            self.state["needs_lead"] = True
            self.decide(Decision("handoff_requested", ("dialogue.customer_asked_for_person",)))
            self.say("handoff")
        elif intent in ("greeting", "help"):
            self.say("help")
        else:
            self.say("not_understood")

    def _act_on_order(self, intent: str, text: str, order: OrderFacts) -> None:
        self.state["focus"] = self.focus_order_id = order.order_id
        coverage = check_coverage(order, self.policy)
        if coverage.outcome != COVERED:
            self.decide(coverage)
            self.say("out_of_scope", reason=coverage.reasons[0], order=order)
            return
        if intent == "product_question":
            self._answer_product_question(text, order)
            return
        if intent in GENERAL_CASE_INTENTS:
            self.decide(Decision("case_opened", (f"dialogue.{intent}.seller_decides",),
                                 {"order_id": order.order_id, "intent": intent}))
            self._open_case(case_rules.GENERAL, order, text)
            return
        assess = {
            "order_status": lambda: delivery.assess_order_status(order, self.now, self.policy),
            "not_received": lambda: delivery.assess_not_received(order, self.now, self.policy),
            "cancel_order": lambda: delivery.assess_cancellation(order, self.now),
            "change_address": lambda: delivery.assess_address_change(order, self.now),
        }[intent]
        decision = assess()
        self.decide(decision)
        kind = CASE_FOR_OUTCOME.get(decision.outcome)
        if kind is None:
            self.say("order_update", outcome=decision.outcome, order=order,
                     late=decision.reasons[-1] == "delivery.in_transit_late")
        else:
            self._open_case(kind, order, text)

    def _answer_product_question(self, text: str, order: OrderFacts) -> None:
        answer = answer_product_question(text, order.items)
        if answer is None:
            self.decide(Decision("case_opened", ("product.not_settled_by_detail_data",),
                                 {"order_id": order.order_id, "question": text}))
            self._open_case(case_rules.PRODUCT_QUESTION, order, text)
            return
        reason = "product.answered_from_attribute" if answer.attribute else \
            "product.answered_from_bullet"
        self.decide(Decision("product_answered", (reason,),
                             {"asin": answer.asin, "evidence": answer.evidence}))
        self.say("product_answer", title=answer.title, evidence=answer.evidence)

    def _open_case(self, kind: str, order: OrderFacts, text: str) -> None:
        existing = self.desk.find_open(self.connection, order.order_id, kind)
        case = existing or self.desk.open(
            self.connection, self.conversation, order, kind, text, self.now,
            language=self.language)
        self.say("case_opened", kind=kind, order=order, deadline=case.deadline_at,
                 already_open=existing is not None)

    def _cancel_after_offer(self, order: OrderFacts, case_id: int) -> None:
        """The customer accepted the cancellation offered after the seller's silence."""
        self.answered_intent = "cancel_order"
        if order.shipped or order.status == "Canceled":
            decision = delivery.assess_cancellation(order, self.now)
            self.decide(decision)
            self.say("order_update", outcome=decision.outcome, order=order, late=False)
            return
        set_order_status(self.connection, order.order_id, "Canceled")
        order = order.with_status("Canceled")
        decision = Decision("canceled_refunded", ("cancellation.accepted_offer_after_silence",),
                            {"order_id": order.order_id, "case_id": case_id})
        self.decide(decision)
        self.desk.tell_seller_offer_accepted(self.connection, case_id, order, self.now)
        self.say("order_update", outcome="canceled_refunded", order=order, late=False)

    # -- recording ---------------------------------------------------------------------------

    def say(self, template: str, **context: Any) -> None:
        self.says.append(Say(template, context))

    def decide(self, decision: Decision) -> None:
        record_decision(self.connection, decision, self.now,
                        conversation_id=self.conversation.id, message_id=self.message_id)
