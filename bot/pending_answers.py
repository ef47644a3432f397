"""The answer to the question a turn asked (which order, which item, why the return, the
ZIP code, the new address): taken, asked again, corrected, or left for a new request."""

from __future__ import annotations

import re

from bot import case_rules
from bot.case_rules import takes_back_claim
from bot.facts import ItemFacts, OrderFacts
from bot.identifiers import (
    find_order_ids,
    find_postal_code,
    gives_whole_address,
    names_an_address,
    same_postal_code,
)
from bot.messages import Decision
from bot.orders import load_order, load_orders
from bot.rereading import (
    ALL_OF_IT,
    CORRECTION_STARTS,
    KEPT_OR_ADDED,
    ONLY_SOME,
    UNSURE,
    adds_an_item,
    asks_a_question,
    asks_how_to_send_back,
    item_switched_to,
)
from bot.responder import ORDER_INTENTS
from bot.return_flow import ASKED_REASONS, RETURN_INTENTS, ReturnFlow, units_said
from bot.return_reasons import reasons_named, wants_replacement
from bot.returns import is_seller_fault
from bot.text import normalize, words
from bot.understanding import (
    CLEAR_REQUEST_CONFIDENCE,
    STATED_REQUEST_CONFIDENCE,
    about_some_items,
    choose_by_name,
    choose_option,
    each_named,
    naming_words,
    negated,
    says_every_item,
    set_aside_choice,
    sets_some_aside,
)

# requests that "both" / "los dos" asks of every order offered
_OF_EACH_ORDER = ("cancel_order", "order_status", "refund_status")
# what can answer "which item?" or "why?" of a return, whatever else the model reads in it
_RETURN_ANSWERS = RETURN_INTENTS | {"missing_item", "refund_status"}


# an answer that sets one of the orders offered aside: "not the kettle" (not "no the drill", a
# correction said without its comma on a call)
_NOT_THAT = re.compile(r"\s*(?:no,?\s+)?not\s+(?:the|that|my)\b")
# an answer that describes one of the orders offered: "the one i got", "el que ya llegó"
_DESCRIBES_ONE = re.compile(r"\s*(?:not )?(?:the one|that one|the order|el que|la que|el de|"
                            r"la de|el pedido que|el pedido de)\b")


# a correction that asks only about the item meant now ("quiero saber de las cortinas", "i
# wanted to know about the curtains"): where it is
_ONLY_ASKS_ABOUT = re.compile(r"\b(?:(?:quiero|queria|quisiera|necesito) saber (?:de|sobre|que "
                              r"pasa con)|i (?:want|wanted|need|needed) to know about|"
                              r"(?:i was )?asking about|(?:que|como) (?:pasa|paso|va|van) con)\b")


class PendingAnswers:
    """Part of `bot.dialogue.CustomerTurn` (its state, `say`, `decide`, `_handle`)."""

    def _continue_pending(self, intent: str) -> bool:
        """An answer to the question we asked; a new request drops the question."""
        pending = self.state.get("pending")
        if not pending:
            return False
        awaiting = pending["awaiting"]
        waiting = [tuple(r) for r in pending["requests"]]
        explicit_order = find_order_ids(self.text)
        if self.chasing and not explicit_order:
            # "what are my options", "any update?" while we wait for an answer: the question
            # again (it had offered the return asked for)
            self._ask_again(pending)
            return True
        if awaiting == "return_reason" and takes_back_claim(self.text) and not explicit_order:
            # "my mistake, theyre fine actually" while asked why: the return taken back (its
            # "my mistake" had been read as ordering by mistake)
            intent, awaiting = "deny", "taken_back"
        if awaiting == "postal_code":
            postal = find_postal_code(self.text)
            if postal and not explicit_order:
                self._verify_postal_code(pending, postal)
                return True
        elif awaiting == "order_choice" and not explicit_order \
                and not self._changes_subject(intent, waiting):
            labels = [o["label"] for o in pending["options"]]
            index = choose_option(self.text, labels, self.language)
            if index is None:
                ids = [o["order_id"] for o in pending["options"]]
                found = {o.order_id: o for o in load_orders(self.connection, ids)}
                if len(found) == len(ids):
                    index = self._described([found[i] for i in ids])
            aside = set_aside_choice(self.text, labels)
            if aside is not None and index in (None, aside):
                index = aside  # "el otro, no el de la sartén": that one set aside
            if index is not None and (_NOT_THAT.match(normalize(self.text)) or index == aside):
                # "not the kettle", "not the one i got": any order but that one; asked
                # again of the others
                del pending["options"][index]
                if len(pending["options"]) > 1:
                    self._ask_again(pending)
                    return True
                index = 0
            if index is None and says_every_item(self.text) and waiting[0][0] in _OF_EACH_ORDER \
                    and not sets_some_aside(self.text):
                # "cancelar todo" then "los dos pedidos": the request, of each order offered
                # (not "all of them, except the kettle")
                self.state.pop("pending")
                self.answered_intent = waiting[0][0]
                for option in pending["options"]:
                    order = load_order(self.connection, option["order_id"])
                    if order is not None:
                        self._handle(waiting, order)
                return True
            if index is not None:
                self.state.pop("pending")
                order = load_order(self.connection, pending["options"][index]["order_id"])
                self.answered_intent = waiting[0][0]
                norm = normalize(self.text)
                if ONLY_SOME.search(norm) and not ALL_OF_IT.search(norm) and about_some_items(
                        self.text, [item.naming_text for item in order.items]):
                    # "cancel an order" then "bueno, dos focos nada más": the bulbs, not the
                    # night lights of the same order
                    waiting = [(i, f"{t}\n{self.text}") for i, t in waiting]
                self._handle(waiting, order)
                return True
        elif awaiting == "new_address" and names_an_address(self.text):
            told = [(i, f"{t}\n{self.text}") for i, t in waiting]
            if not gives_whole_address(told[0][1]) and not pending.get("partial"):
                # "1520 SW 8th St" and the city and ZIP code in the next message: the
                # seller gets the whole address, asked for once more
                pending["partial"] = True
                pending["requests"] = [list(r) for r in told]
                self._ask_again(pending)
                return True
            self.state.pop("pending")
            order = load_order(self.connection, pending["order_id"])
            if order is not None:
                self.answered_intent = waiting[0][0]
                self._handle(told, order)
                return True
        elif awaiting == "return_reason" and asks_how_to_send_back(self.text) \
                and not explicit_order:
            # "how do i even ship a mattress back lol": how it goes back, and why is asked
            # again (no answer: the model reads a new return in it)
            self._ask_again(pending)
            return True
        elif awaiting == "return_reason" and (corrected := self._names_another_item(pending)):
            # "no, perdón, las espátulas": the return, of the item named now; not an answer
            self.state.pop("pending")
            self.state.pop("return", None)
            order, said = corrected
            self.answered_intent, self.item_hint = waiting[0][0], said
            self.decide(Decision("corrected", ("dialogue.customer_named_another_item",),
                                 {"from": pending["order_id"], "to": order.order_id}))
            if _ONLY_ASKS_ABOUT.search(normalize(said)):
                # "no la cobija no, quiero saber de las cortinas": where that order is, not
                # its return
                self.answered_intent = "order_status"
                self._respond("order_status", said, order)
                return True
            # the reason may come with it ("they are too small"), for the item meant now
            self._respond(waiting[0][0], f"{waiting[0][1]}\n{said}", order)
            return True
        elif awaiting == "return_reason" and (added := self._item_added(pending)):
            # "no wait, the mugs too": the mug goes back with the item asked about, for the
            # reason still to come (or given with it)
            known = self.state["return"]
            self.decide(Decision("item_added", ("dialogue.customer_added_an_item",),
                                 {"order_id": pending["order_id"], "asin": added.asin}))
            reason = ReturnFlow.reason_from_answer(self.text, self.language)
            if is_seller_fault(reason, self.policy):
                # "the mug too, it came chipped": the mug's problem, not the spatulas'; the
                # reason for the spatulas is still to come
                self.state["return"] = {"order_id": pending["order_id"], "asin": added.asin,
                                        "reason": reason}
                self.state.pop("pending")
                order = load_order(self.connection, pending["order_id"])
                self._handle(waiting, order)
                self.state["return"], self.state["pending"] = known, pending
                first = next(i for i in order.items if i.asin == known["asin"])
                self.say("ask_return_reason", title=first.title, reasons=ASKED_REASONS)
                return True
            known["more"] = [*known.get("more", []), added.asin]
            if not self._continue_return(pending, waiting):
                self._ask_again(pending)
            return True
        elif awaiting in ("item_choice", "return_reason") and not explicit_order \
                and not (intent not in _RETURN_ANSWERS and self._changes_subject(intent, waiting)) \
                and not negated("return_request", self.text):
            # ("nomás preguntaba, no la quiero devolver" names no reason: it withdraws, below)
            if self._continue_return(pending, waiting):
                return True
            if awaiting == "return_reason" and self._only_names_items(pending):
                # "the spatulas and the mugs", asked why they go back: which, not why (read
                # as a request, it had returned both as faulty); a second time, the seller
                # reads it. "no just one mug": how many, kept for the reason to come
                self._remember_units(pending)
                if pending.get("answers"):
                    self._return_reason_to_seller(pending, waiting)
                else:
                    pending["answers"] = [self.text]
                    self._ask_again(pending)
                return True
        elif awaiting == "order_id" and explicit_order:
            self.state.pop("pending")
            answered = self._mostly_a_number() or intent in ("other", "affirm")
            requests = waiting if answered else self.requests
            self.answered_intent = requests[0][0]
            self._handle([(i, f"{t}\n{self.text}") for i, t in requests])
            return True
        if awaiting == "order_choice" and waiting[0][0] in RETURN_INTENTS \
                and reasons_named(self.text) and not explicit_order:
            # "ya no las necesito" before saying which order: the reason, kept with the
            # request (not a "no" that withdraws it)
            pending["requests"] = [[waiting[0][0], f"{waiting[0][1]}\n{self.text}"],
                                   *[list(r) for r in waiting[1:]]]
            self._ask_again(pending)
            return True
        if intent == "deny" and not explicit_order and not UNSURE.search(normalize(self.text)) \
                and not (self.text.strip().lower().startswith(CORRECTION_STARTS)
                         and self._names_one_of_theirs() and self._corrects()):
            # "never mind", "forget it, I'll keep it", "no, mejor no": the customer withdraws
            # what we were asking about; asking again would trap them in the question ("no,
            # the lamp" is a correction)
            self.state.pop("pending")
            self.state.pop("return", None)
            self.decide(Decision("request_withdrawn", ("dialogue.customer_declined_question",),
                                 {"awaiting": pending["awaiting"]}))
            self.say("acknowledge")
            return True
        # "hi", "en español por favor" while we ask something: the question again
        unclear = intent in ("other", "affirm", "deny", "greeting", "thanks") \
            or self.confidence < CLEAR_REQUEST_CONFIDENCE
        if awaiting == "order_choice" and waiting[0][0] == "change_address" \
                and names_an_address(self.text) and not explicit_order:
            # the new address given before saying which order: kept with the request
            pending["requests"] = [[waiting[0][0], f"{waiting[0][1]}\n{self.text}"],
                                   *[list(r) for r in waiting[1:]]]
            self._ask_again(pending)
            return True
        if unclear and not explicit_order:
            # an answer we cannot read, not a new request (the model half reads "es muy
            # pesado" as a complaint): ask again, and once more for a return's reason, whose
            # answer in the customer's own words the seller reads then
            if awaiting == "return_reason":
                self._remember_units(pending)  # "no just one mug"
            if awaiting == "return_reason" and pending.get("answers"):
                self._return_reason_to_seller(pending, waiting)
            else:
                pending["answers"] = [*pending.get("answers", []), self.text]
                self._ask_again(pending)
            return True
        self.state.pop("pending")  # the customer changed the subject
        return False

    def _remember_units(self, pending: dict) -> None:
        known = self.state.get("return") or {}
        order = load_order(self.connection, pending["order_id"]) if known.get("asin") else None
        item = next((i for i in order.items if i.asin == known["asin"]), None) if order else None
        if item is not None and (units := units_said(self.text, item)) is not None:
            known["units"] = units

    def _corrects(self) -> bool:
        """Whether a message that starts like a correction corrects: not when it keeps or adds
        an item ("no, the skillet is fine", "the charger too") or reports a problem ("wrong
        item, the box had a kettle in it")."""
        return not (KEPT_OR_ADDED.search(self.text) or reasons_named(self.text))

    def _names_another_item(self, pending: dict) -> tuple[OrderFacts, str] | None:
        """"no, perdón, las espátulas" while we ask why the mug goes back: a correction
        naming another of the customer's items (its "me equivoqué" is no reason, and "they
        are too small" the reason for the item now meant: "no wait, keep them. just the
        mugs, they are too small")."""
        said = item_switched_to(self.text)
        if not self.text.strip().lower().startswith(CORRECTION_STARTS) or said is None:
            return None
        labels = [", ".join(o.item_titles) for o in self._every_order()]
        named = choose_by_name(said, labels)
        if named is None:
            return None
        order = self._every_order()[named]
        if order.order_id != pending["order_id"]:
            return order, said
        item = choose_by_name(said, [i.naming_text for i in order.items])
        asin = (self.state.get("return") or {}).get("asin")
        return (order, said) if item is not None and order.items[item].asin != asin else None

    def _item_added(self, pending: dict) -> ItemFacts | None:
        """"no wait, the mugs too" while we ask why the spatulas go back: another item of
        the same order, to go back with it."""
        if not adds_an_item(self.text):
            return None
        order = load_order(self.connection, pending["order_id"])
        known = self.state.get("return") or {}
        if order is None or "asin" not in known:
            return None
        named = choose_by_name(self.text, [i.naming_text for i in order.items])
        going = {known["asin"], *known.get("more", ())}
        return None if named is None or order.items[named].asin in going else order.items[named]

    def _changes_subject(self, intent: str, waiting: list) -> bool:
        """"where is my drill?" while we ask which order a question about the mattress is
        about: a new request, not the answer, though it names one of the orders."""
        # ("el que tiene los focos y la luz de noche" describes the order, asking nothing;
        # "the one i got" is no wrong item)
        if _DESCRIBES_ONE.match(normalize(self.text)) and "?" not in self.text:
            return False
        return (intent in ORDER_INTENTS and intent != waiting[0][0]
                and self.confidence >= STATED_REQUEST_CONFIDENCE and len(words(self.text)) >= 3
                and (intent != "product_question" or asks_a_question(self.text)))

    def _return_reason_to_seller(self, pending: dict, waiting: list) -> None:
        """The second answer to "why are you returning it?" that names no reason we know: the
        seller gets the request and both answers, and decides."""
        self.state.pop("pending")
        self.state.pop("return", None)
        order = load_order(self.connection, pending["order_id"])
        if order is None:
            self.say("not_understood")
            return
        self.answered_intent = waiting[0][0]
        self.decide(Decision("case_for_unclassified_request",
                             ("dialogue.return_reason_unclear_twice.seller_case",),
                             {"order_id": order.order_id}))
        told = "\n".join([waiting[0][1], *pending["answers"], self.text])
        self.responder.open_case(case_rules.GENERAL, order, told)

    def _continue_return(self, pending: dict, waiting: list) -> bool:
        """The item or the reason a return was waiting for."""
        known = self.state.get("return") or {}
        if pending["awaiting"] == "item_choice":
            options = pending["options"]
            labels = [o.get("naming", o["label"]) for o in options]
            index = choose_option(self.text, labels, self.language)
            several = each_named(self.text, labels) if index is None else []
            if several:  # "both", "the spatulas and the mug"
                index = several[0]
                known["more"] = [options[i]["asin"] for i in several[1:]]
            if index is None:
                return False
            known["asin"] = options[index]["asin"]
        else:
            reason = ReturnFlow.reason_from_answer(self.text, self.language)
            if reason is None:
                return False
            known["reason"] = reason
        known["replacement"] = known.get("replacement") or wants_replacement(self.text)
        self.state["return"] = known
        self.state.pop("pending")
        order = load_order(self.connection, pending["order_id"])
        if order is None:
            return False
        self.answered_intent = waiting[0][0]
        self._handle(waiting, order)
        return True

    def _only_names_items(self, pending: dict) -> bool:
        """Whether the message says nothing but names of the order's items."""
        order = load_order(self.connection, pending["order_id"])
        said = naming_words(self.text)
        return order is not None and bool(said) and "?" not in self.text \
            and said <= set().union(*(naming_words(i.naming_text) for i in order.items))

    def _ask_again(self, pending: dict) -> None:
        awaiting = pending["awaiting"]
        if awaiting == "order_choice":
            self.say("choose_order", options=pending["options"], again=True)
        elif awaiting == "item_choice":
            self.say("choose_item", options=pending["options"])
        elif awaiting == "return_reason":
            # "how do i even ship a mattress back": how, then the question it waits for
            self.say("ask_return_reason", title=None, titles=self._titles_going_back(pending),
                     reasons=ASKED_REASONS, how_asked=asks_how_to_send_back(self.text))
        elif awaiting == "postal_code":
            self.say("ask_postal_code", order_id=pending["order_id"], again=True)
        elif awaiting == "new_address":
            self.say("ask_new_address", order_id=pending["order_id"],
                     partial=bool(pending.get("partial")))
        else:
            self.say("ask_order_id", again=True)

    def _titles_going_back(self, pending: dict) -> list[str]:
        """The titles of the items a return waits for a reason for, when there are several."""
        known = self.state.get("return") or {}
        if not known.get("more"):
            return []
        order = load_order(self.connection, pending["order_id"])
        going = {known.get("asin"), *known["more"]}
        return [i.title for i in order.items if i.asin in going] if order else []

    def _verify_postal_code(self, pending: dict, postal: str) -> None:
        order = load_order(self.connection, pending["order_id"])
        facts = {"order_id": pending["order_id"], "attempt": self._failures_today() + 1}
        if order is not None and same_postal_code(postal, order.ship_postal_code):
            self.state.pop("pending")
            verified = self._verified_today() | {order.order_id}
            self.state["verified"] = {"date": self._today(), "order_ids": sorted(verified)}
            self.decide(Decision("identity_verified", ("identity.order_id_and_postal_code",), facts))
            waiting = [tuple(r) for r in pending["requests"]]
            self.answered_intent = waiting[0][0]
            self._handle(waiting, order)
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
