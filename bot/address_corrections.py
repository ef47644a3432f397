"""A correction to the new address after the seller was asked to change it ("sorry i meant
apt 5", "actually send it to 55 Elm St, Springfield IL 62704"): passed on in the open case's
thread, where the seller reads the first request (not "I've already asked the seller")."""

from __future__ import annotations

from bot import case_rules
from bot.cases import OPEN_STATUSES
from bot.identifiers import corrects_an_address
from bot.messages import Decision
from bot.orders import load_order
from bot.understanding import CLEAR_REQUEST_CONFIDENCE
from storage.cases import open_cases_of_conversation

# what the model may read in a bare piece of an address
_READ_IN_AN_ADDRESS = ("change_address", "other", "affirm", "deny", "greeting", "thanks")


class AddressCorrections:
    """Part of `bot.dialogue.CustomerTurn` (its state, `say`, `decide`, `desk`)."""

    def _correct_the_address_asked(self) -> bool:
        last = self.state.get("last") or {}
        if last.get("intent") != "change_address" or "?" in self.text \
                or not corrects_an_address(self.text) or (
                    self.requests[0][0] not in _READ_IN_AN_ADDRESS
                    and self.confidence >= CLEAR_REQUEST_CONFIDENCE):
            return False
        case = next((c for c in open_cases_of_conversation(
            self.connection, self.conversation.id, OPEN_STATUSES)
            if c.kind == case_rules.ADDRESS_CHANGE and c.order_id == last.get("order_id")), None)
        order = load_order(self.connection, case.order_id) if case is not None else None
        if order is None:
            return False
        self.desk.add_detail(self.connection, case, order, self.text, self.now)
        self.answered_intent = "change_address"
        self.decide(Decision("address_correction_passed_on",
                             ("address_change.correction_added_to_open_case",),
                             {"order_id": order.order_id, "case_id": case.id}))
        self.say("address_corrected", order_id=order.order_id, deadline=case.deadline_at)
        return True
