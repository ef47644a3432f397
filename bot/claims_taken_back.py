"""A problem the customer told and then took back ("sorry wrong chat, my cheese is fine",
"perdón, me equivoqué, la taza está bien") or told again as their own reason ("no, rota no,
no me gustó"): the seller's case about it is withdrawn, a return not yet sent is withdrawn,
and a refund already paid goes to the support leads (money paid out is not the service's to
claw back; a person decides). A reason corrected is then decided again under the policy."""

from __future__ import annotations

import re

from sqlalchemy import Row

from bot import case_rules
from bot.case_rules import says_it_works, takes_back_claim
from bot.cases import OPEN_STATUSES
from bot.facts import OrderFacts
from bot.messages import Decision
from bot.orders import load_order
from bot.return_flow import RETURN_INTENTS, SOMETHING_WRONG
from bot.return_reasons import denies_a_fault, reasons_named, return_reason, wants_replacement
from bot.returns import is_seller_fault
from bot.text import normalize
from bot.understanding import SAID_FINE, choose_by_name
from storage.cases import open_cases_of_conversation
from storage.conversations import open_handoff
from storage.returns import returns_for_order

# the requests that tell a problem with goods received, or a parcel not come
CLAIMS = RETURN_INTENTS | {"missing_item"}
# the cases such a problem opens ("never got the blanket" then "perdón, me equivoqué, la
# cobija está bien": the parcel is no longer missing either)
_CLAIM_CASES = {*case_rules.RETURN_KINDS, case_rules.GENERAL, *case_rules.PARCEL_KINDS}


# the item not to be sent back: "i dont want to send it back", "no quiero devolverla"
_NOT_SENDING_IT_BACK = re.compile(
    r"\b(?:don'?t|do not|no) (?:want|need|quiero|necesito) (?:to )?(?:return|send (?:it|them) "
    r"back|devolver\w*|regresar\w*)|\bnot (?:returning|sending) (?:it|them)|\bwithout returning")
# the words of a correction: "actually it was damaged", "wait, it came broken", "correction:"
_CORRECTING = re.compile(r"\b(?:actually|wait|sorry|correction|i meant|i mean|forgot to say|"
                         r"en realidad|perdon|me equivoque|quise decir|de hecho)\b")


class ClaimsTakenBack:
    """Part of `bot.dialogue.CustomerTurn` (its state, `say`, `decide`, `withdraw_open_cases`,
    `_remember_came`, `_respond`)."""

    def _take_back_claim(self) -> bool:
        """Undo what the last problem told made, when the customer takes it back: only what
        this conversation made for that order (or the item named), and not when the words
        tell a fault again ("the box is fine but the mug is broken"; "me equivoqué" names the
        customer's own reason, no fault). A fault denied beside a reason of the customer's
        own is a reason corrected, and so is a fault told in a correction of a return for
        the customer's own reason: the return is decided again for it."""
        # the problem told last, even with questions since ("any update on my refund?")
        last = self.state.get("last") or {}
        if last.get("intent") not in CLAIMS:
            last = self.state.get("claim") or {}
        if last.get("intent") not in CLAIMS:
            return False
        if self._replacement_instead(last):
            return True
        norm = normalize(self.text)
        fault = is_seller_fault(return_reason(self.text), self.policy)
        # "i just dont want it" then "actually it was damaged when it came": a fault now (not
        # "actually the box got a bit damaged, bottle is fine")
        correcting = fault and bool(_CORRECTING.search(norm)) and not SAID_FINE.search(norm)
        # ("me equivoqué", "my mistake" apologize: no reason of ordering by mistake)
        named = set(reasons_named(self.text)) - {"ordered_by_mistake"}
        own_reason = bool(named) and not any(is_seller_fault(r, self.policy) for r in named)
        says_so = takes_back_claim(self.text)
        denied = denies_a_fault(self.text) or says_it_works(self.text)
        if not (correcting or own_reason and (denied or says_so) or says_so and not fault):
            return False  # (most turns after a problem: no order looked up)
        order = load_order(self.connection, last["order_id"])
        if order is None:
            return False
        to_fault = correcting and self._returned_for_own_reason(order.order_id)
        if SOMETHING_WRONG.search(norm) and not to_fault:
            return False
        # the item the claim is about said fine, not another ("one of my mugs came chipped"
        # then "no just the one mug, the spatulas are fine")
        claimed = self._claimed_items(order) if says_so else set()
        taken_back = says_so and takes_back_claim(
            self.text, [i.naming_text for i in order.items if not claimed or i.asin in claimed])
        corrected = to_fault or own_reason and (denied or taken_back)
        if not corrected and (not taken_back or fault):
            return False
        undone = self._undo_claim(order)
        if undone is None:
            return False
        cases, withdrawn, paid = undone
        self.answered_intent = last["intent"]
        self.decide(Decision("reason_corrected" if corrected else "claim_taken_back", (
            "dialogue.reason_corrected_to_a_fault" if to_fault
            else "dialogue.reason_corrected_to_customers_own" if corrected
            else "dialogue.claim_taken_back",
            *(("case.withdrawn.customer",) if cases else ()),
            *(("returns.withdrawn_before_sent",) if withdrawn else ()),
            *(("refund.already_paid_to_leads_queue",) if paid else ())),
            {"order_id": order.order_id, "cases": [c.id for c in cases],
             "withdrawn": [r.rma for r in withdrawn], "paid": [r.rma for r in paid]}))
        asked = {(self.state.get("return") or {}).get("asin"), *(r.asin for r in withdrawn),
                 *((c.details or {}).get("asin") for c in cases)}
        for key in ("last", "claim", "return", "offer", "pending"):
            self.state.pop(key, None)
        if corrected and not paid:
            # decided again, for the reason the customer gives now
            item = next((i for i in order.items if i.asin in asked), None)
            said = f"{item.title}\n{self.text}" if item is not None else self.text
            # (the return was asked before: carried out, not offered again, whatever the
            # words of the correction: "de hecho no funciona bien, se calienta")
            self.accepting = True
            self._respond("return_request", said, order)
            return True
        self.say("claim_taken_back", order=order, cases=len(cases),
                 withdrawn=[r.rma for r in withdrawn],
                 paid=[(r.rma, r.refund_amount) for r in paid])
        return True

    def _replacement_instead(self, last: dict) -> bool:
        """"the lamp is missing the adapter" then "no i dont want to send it back, i just
        need the adapter mailed to me": the same fault, another remedy. What the claim made
        is withdrawn and the seller asked to send the part or a new one (the return case
        had stayed, refunded on silence). Not once a refund is paid."""
        if not (wants_replacement(self.text) and _NOT_SENDING_IT_BACK.search(normalize(self.text))):
            return False
        order = load_order(self.connection, last["order_id"])
        made = [] if order is None else [
            r for r in returns_for_order(self.connection, order.order_id)
            if r.conversation_id == self.conversation.id]
        if order is None or any(r.status != "authorized" for r in made):
            return False
        undone = self._undo_claim(order)
        if undone is None:
            return False
        cases, withdrawn, _ = undone
        told = [((c.details or {}).get("asin"), (c.details or {}).get("reason")) for c in cases] \
            + [(r.asin, r.reason) for r in withdrawn]
        asin, reason = next(((a, r) for a, r in told if a and is_seller_fault(r, self.policy)),
                            (None, None))
        item = next((i for i in order.items if i.asin == asin), None)
        if item is None:
            return False
        self.decide(Decision("remedy_changed", (
            "dialogue.replacement_instead_of_return",
            *(("case.withdrawn.customer",) if cases else ()),
            *(("returns.withdrawn_before_sent",) if withdrawn else ())),
            {"order_id": order.order_id, "cases": [c.id for c in cases],
             "withdrawn": [r.rma for r in withdrawn]}))
        for key in ("last", "claim", "offer", "pending"):
            self.state.pop(key, None)
        self.state["return"] = {"order_id": order.order_id, "asin": item.asin, "reason": reason,
                                "replacement": True}
        self.accepting = True
        self._respond("return_request", f"{item.title}\n{self.text}", order)
        return True

    def _claimed_items(self, order: OrderFacts) -> set[str]:
        """The items this conversation's open cases and returns of the order are about."""
        cases = [c for c in open_cases_of_conversation(self.connection, self.conversation.id,
                                                        OPEN_STATUSES)
                 if c.order_id == order.order_id and c.kind in _CLAIM_CASES]
        return {a for a in ((c.details or {}).get("asin") for c in cases) if a} | {
            r.asin for r in returns_for_order(self.connection, order.order_id)
            if r.conversation_id == self.conversation.id and r.asin != "*"}

    def _returned_for_own_reason(self, order_id: str) -> bool:
        """Whether this conversation authorized a return of the order for the customer's own
        reason, not yet sent."""
        made = [r for r in returns_for_order(self.connection, order_id)
                if r.conversation_id == self.conversation.id]
        return bool(made) and all(r.status == "authorized"
                                  and not is_seller_fault(r.reason, self.policy) for r in made)

    def _undo_claim(self, order: OrderFacts) -> tuple[list[Row], list[Row], list[Row]] | None:
        """What this conversation made for the order (or the item the words name): its open
        cases withdrawn, its returns not yet sent withdrawn (the seller told), and its
        returns paid, put before the leads. None when it made nothing."""
        named = choose_by_name(self.text, [item.naming_text for item in order.items])
        asins = {order.items[named].asin} if named is not None \
            else {item.asin for item in order.items}
        made = [r for r in returns_for_order(self.connection, order.order_id)
                if r.conversation_id == self.conversation.id and r.asin in asins | {"*"}]
        open_cases = [case for case in open_cases_of_conversation(
            self.connection, self.conversation.id, OPEN_STATUSES) if case.order_id == order.order_id
            and case.kind in _CLAIM_CASES and not case_rules.cancels_part(case)]
        if not (made or open_cases):
            return None
        chosen = {case.id for case in open_cases}
        cases = self.withdraw_open_cases(lambda c: c.id in chosen)
        self._remember_came([c for c in cases if c.kind in case_rules.PARCEL_KINDS])
        withdrawn = [r for r in made if r.status == "authorized"]
        for record in withdrawn:
            self.desk.ledger.withdraw_return(self.connection, order, record, self.now,
                                             conversation_id=self.conversation.id)
        paid = [r for r in made if r.status != "authorized"]
        if paid:
            open_handoff(self.connection, self.conversation.id, "claim_taken_back", self.text,
                         self.now)
        return cases, withdrawn, paid
