"""Requests and problems the customer takes back: a parcel that turned up ("ya llegó", "my
neighbor just brought it over") withdraws the cases about it not coming; a request taken
back ("actually don't cancel it", "siempre no", "scratch that") withdraws the case asking
it, unless the words ask it again; a cancellation narrowed to some items replaces the one of
the whole order. The seller of each case withdrawn is told they need not act."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from sqlalchemy import Row

from bot import case_rules
from bot.case_rules import takes_back_claim, withdraws
from bot.cases import OPEN_STATUSES
from bot.claims_taken_back import CLAIMS
from bot.messages import Decision
from bot.orders import load_order
from bot.rereading import (
    ALL_OF_IT,
    ONLY_SOME,
    adds_an_item,
    punctuated_parts,
    without_correcting_words,
)
from bot.responder import ORDER_INTENTS
from bot.return_flow import SOMETHING_WRONG
from bot.return_reasons import missing_part_named, reasons_named, return_reason
from bot.returns import is_seller_fault
from bot.text import normalize
from bot.understanding import (
    CLEAR_REQUEST_CONFIDENCE,
    SMALL_TALK,
    STATED_PROBLEMS,
    IntentResult,
    about_some_items,
    choose_by_name,
    classify_intent,
    negated,
    says_every_item,
)
from storage.cases import open_cases_of_conversation

# cases a parcel that turned up makes moot; and the requests a customer can take back
PARCEL_CASES = set(case_rules.PARCEL_KINDS)
REFUSABLE = {"cancel_order": case_rules.CANCELLATION, "change_address": case_rules.ADDRESS_CHANGE}

# a request just made, taken back: "mejor no" (but "mejor no me las manden" asks it again)
_TAKEN_BACK = re.compile(r"\bmejor no\b(?!\s+(?:me|te|se|lo|la|los|las|le|les)\b)|"
                         r"\bs[ií] (?:lo|la|los|las) quier(?:o|e|en)\b|\bi (?:still|do) want (?:it|them)\b|"
                         # "siempre no", "me arrepentí, déjalas", "ya no, déjalo así"
                         # (not "siempre no las quiero, cancélalas"; "déjalo así" also
                         # leaves a cancellation asked as it is)
                         r"\bsiempre no\b(?!\s+(?:l[oa]s?|me|te|se|quiero|necesito|voy)\b)|"
                         r"\bme arrepenti\b(?!\s+de\b)|"
                         # "nah scratch that", "please disregard my previous email, I want to
                         # keep the kettle", "hold off on that", "oops sent that by mistake"
                         r"\b(?:changed my mind|scratch that|hold off|disregard|ignore (?:my|that|"
                         r"it|the|this)|(?:sent|texted|wrote) (?:that|it|this) by mistake|"
                         r"forget (?:it|that|about it)|(?:i'?ll|ill|i will|we'?ll|we will) keep "
                         r"(?:it|them)(?!\s+(?:if|until|till|when|in)\b)|(?:keep|leave) (?:it|them|"
                         r"the order)(?: as it is| as is| alone)?(?!\s+(?:at|on|with|by|in|outside|"
                         r"next|near|behind|if|until|when|for)\b)|(?:still|do) want "
                         r"(?:it|them)(?!\s+cancel)|want (?:it|them) (?:after all|still)|"
                         # "never mind the drill", "actually keep the drill", "its fine if it
                         # takes longer, but i want it"
                         r"never ?mind (?:the|my|about the|about my) \w+|(?:keep|leave) (?:the|"
                         r"my) \w+(?!\s+(?:at|on|with|by|in|outside|next|near|behind|if|until|"
                         r"when|for|address)\b)|(?:but|still|actually) i want (?:it|them)"
                         r"(?!\s+(?:cancel|to|gone|refunded|returned|back))|"
                         # "no mejor me las quedo", "no espera, mejor la quiero"
                         r"me (?:lo|la|los|las) quedo|mejor (?:lo|la|los|las) quiero)\b|"
                         # "actually no dont, i'll wait": a "don't" that ends its clause
                         r"(?:^|\b(?:actually|no|wait|oh|nah|hmm|ok)\W+)(?:don'?t|do not)"
                         r"(?: do (?:it|that))?\s*(?:[,.!;]|$)")
# "no, ya no, déjalo así", "ya no": the request no longer wanted (not "ya no lo quiero", the
# goods no longer wanted; nor "ya no, gracias", nothing more needed)
_NOT_ANY_MORE = re.compile(r"^(?!.*\b(?:gracias|thanks|thank you|thx)\b)(?:.*\bno\W+)?ya no\b"
                           r"(?=\s*(?:[,.!;]|$))")
# "no dont. i mean dont ship it", "no me la manden": the request said again, not taken back
_STILL_WANTED_STOPPED = re.compile(r"\b(?:don'?t|do not|no)\s+(?:ship|send|charge|deliver|"
                                   r"me (?:lo|la|los|las) (?:manden|envien|cobren))\b")
# a cancellation asked (again) beside words that may take one back: "changed my mind, cancel
# the bulbs too", "me arrepentí, cancélalas ya" (not "dont cancel", "no las cancelen", "my
# earlier request to cancel")
_CANCEL_VERB = re.compile(r"\b(?:cancel(?:a|e|en|ar)?(?:l[oa]s?)?|canceled|cancelled)\b")
_NEGATED_BEFORE = re.compile(r"(?:\bno|\bnot|n't|\bdont|\bnever|\brequest to)\s+(?:[\w']+\s+)?$")


# "i still want it cancelled", "I still need the cancellation"
_WANTS_IT_CANCELLED = re.compile(r"\b(?:want|need) (?:it|them|this|the order|the \w+) cancell?ed\b|"
                                 r"\b(?:want|need) (?:the|a) cancellation\b")
# the goods refused again: "i changed my mind, i dont want it", "me arrepentí, ya no las quiero"
_NOT_WANTED = re.compile(r"\b(?:don'?t|do not|no longer) (?:want|need) (?:it|them|the \w+)|"
                         r"\b(?:ya )?no (?:lo|la|los|las) (?:quiero|necesito)\b")


def _cancels_again(norm: str) -> bool:
    return any(not _NEGATED_BEFORE.search(norm[:found.start()])
               and found.group(0) not in ("canceled", "cancelled")
               for found in _CANCEL_VERB.finditer(norm)) \
        or any(not _NEGATED_BEFORE.search(norm[:found.start()])
               for found in _WANTS_IT_CANCELLED.finditer(norm)) or adds_an_item(norm) \
        or bool(_NOT_WANTED.search(norm))


# a request that replaces the one before: "cancel it instead", "mejor cancélalo"
_INSTEAD = re.compile(r"(?i)\b(?:instead|rather|en vez|en lugar|mejor|i meant|i mean|meant to|"
                      r"quise decir|quer[ií]a decir)\b(?!.*\bif (?:you )?(?:can'?t|cannot|cant|"
                      r"not possible)\b)")


# an item still not come: "the skillet still isnt", "la cobija todavia no"
_STILL_NOT_COME = re.compile(r"\b(?:still|isn'?t|hasn'?t|didn'?t|not|never|todavia|aun|falta|"
                             r"no (?:ha|me ha|llego|me llego))\b")
# the money asked for after words that may take a claim back: "i dont want to return it,
# just refund me" (a refund without the item back, not the claim taken back)
_MONEY_ASKED = re.compile(r"\b(?:refund|refunded|money|partial|discount|credit|reembolso|"
                          r"reembolsen|dinero|descuento|credito)\b")
# "never mind, where is my charger?": a topic left, maybe; nothing taken back in so many words
_BARE_NEVER_MIND = re.compile(r"^(?:(?:ok|okay|oh|ah|hmm|sorry|never ?mind|nvm|forget (?:it|that)|"
                              r"no|olvidalo|perdon|bueno)\W*)+$")


def _clearly_asks(read: IntentResult) -> bool:
    """Whether words read so clearly ask something of an order."""
    return read.confidence >= CLEAR_REQUEST_CONFIDENCE and read.intent in ORDER_INTENTS


class Withdrawals:
    """Part of `bot.dialogue.CustomerTurn` (its state, `say`, `decide`, `_respond`)."""

    def _withdraw_cases(self) -> bool:
        """The customer says the problem went away ("it arrived", "ya llegó"): the open cases
        about a parcel not come are withdrawn, and the sellers told they need not act; or
        takes back a request ("actually don't cancel it"): the case asking it is withdrawn.
        Not when the words name a problem too ("it arrived broken", "found it cheaper")."""
        refused = {kind for intent, kind in REFUSABLE.items() if negated(intent, self.text)}
        # "ya llegó?" asks whether it arrived; "ya llegó" says it did
        good_news = withdraws(self.text) \
            and return_reason(without_correcting_words(self.text)) is None \
            and "?" not in self.text and not SOMETHING_WRONG.search(normalize(self.text)) \
            and missing_part_named(self.text) is None  # "it came but one mug is missing"
        if not good_news and withdraws(self.text) \
                and is_seller_fault(return_reason(self.text), self.policy):
            # "actually it did come but it doesnt work": the case about a parcel not come is
            # moot (it had refunded on silence beside the return); the fault is handled next
            moot = self.withdraw_open_cases(lambda c: c.kind in PARCEL_CASES)
            self._remember_came(moot)
            return False
        last = (self.state.get("last") or {}).get("intent")
        # ("ya no" after "anything else?" says nothing more is needed)
        not_any_more = _NOT_ANY_MORE.search(normalize(self.text)) and not self.asked_anything_else
        if last in REFUSABLE and (good_news and self.requests[0][0] == "deny"
                                   or (_TAKEN_BACK.search(normalize(self.text)) or not_any_more)
                                   and not _STILL_WANTED_STOPPED.search(normalize(self.text))
                                   and not _cancels_again(normalize(self.text))):
            # "cancel the kettle" then "never mind" / "mejor no, olvídalo" / "ah no espera,
            # mejor no, sí los quiero": taken back (not good news about a parcel: "sí lo
            # quiero, que me lo manden" keeps a lost parcel's case)
            refused.add(REFUSABLE[last])
        asked = self.requests[0][0]
        if last in REFUSABLE and asked in REFUSABLE and _INSTEAD.search(self.text) and (
                asked != last or self._named_order_of(self.text) not in (
                    None, (self.state.get("last") or {}).get("order_id"))):
            # "change the address" then "wait, actually cancel it instead": one replaces the
            # other, and the seller is not left with both
            refused.add(REFUSABLE[last])
        if not (good_news or refused):
            return False
        kinds = (PARCEL_CASES if good_news and not refused else set()) | refused
        # a cancellation of some items of an order is a general case ("cancelen mis focos")
        kinds |= {case_rules.GENERAL} if case_rules.CANCELLATION in kinds else set()
        cases = self.withdraw_open_cases(lambda c: c.kind in kinds and (
            c.kind != case_rules.GENERAL or case_rules.cancels_part(c)))
        self._remember_came([c for c in cases if c.kind in PARCEL_CASES])
        if cases:
            # what the message asks instead ("instead of cancelling, change the address to...")
            # (not the request taken back, read again: "please ignore my earlier request to
            # cancel. Keep the order as is.")
            replaced = bool(refused) and asked in REFUSABLE and (
                REFUSABLE[asked] not in refused or bool(_INSTEAD.search(self.text)))
            self.say("case_withdrawn", order_id=cases[0].order_id,
                     taken_back=cases[0].kind in refused or (
                         cases[0].kind == case_rules.GENERAL
                         and case_rules.CANCELLATION in refused), replaced=replaced)
            return not replaced
        problem = self.requests[0][0] in STATED_PROBLEMS  # "sí llegó": the problem is gone
        if good_news and (self.confidence < CLEAR_REQUEST_CONFIDENCE or problem) \
                and not self.state.get("pending") and not self._asks_beside_good_news():
            # "ya lo encontré, estaba con el vecino" with nothing open: good news, not a
            # request (the model half reads a parcel story as a damaged item); with a
            # question pending, "I don't need it anymore" answers it
            self.say("acknowledge")
            return True
        return False

    def _take_back_then_ask(self) -> bool:
        """"never mind the skillet, cancel the kettle", "sorry, the skillet is fine, where is
        my charger?", "me equivoqué, la cobija está bien, son las cortinas las que quiero
        cancelar": what the first words take back is withdrawn, then what the rest asks is
        answered (the whole, read as one request, had done only one of them). Not a request
        asked again of the same order ("forget it, i dont want to wait, cancel it"), nor a
        reason given instead ("no espera, si funciona, solo ya no lo quiero": the return is
        decided again for it)."""
        last = self.state.get("last") or {}
        if last.get("intent") not in (*REFUSABLE, *CLAIMS):
            return False
        parts = punctuated_parts(self.text)
        # the longest clear request at the end (each part read once)
        found = next(((cut, read) for cut in range(len(parts) - 1, 0, -1)
                      for read in (classify_intent(" ".join(parts[cut:])),)
                      if _clearly_asks(read)), None)
        if found is None:
            return False
        cut, asked = found[0], found[1].intent
        head, rest = " ".join(parts[:cut]), " ".join(parts[cut:])
        # ("i dont want to return it. please cancel the return": the rest takes it back too)
        if _BARE_NEVER_MIND.match(normalize(head)) or _INSTEAD.search(head) \
                or takes_back_claim(rest) or _MONEY_ASKED.search(normalize(rest)) \
                or is_seller_fault(return_reason(head), self.policy) or reasons_named(rest) or (
                asked == last["intent"] and self._named_order_of(rest) in (None, last["order_id"])):
            return False
        whole = self.text, self.requests, self.confidence
        said = len(self.says)
        self.text, self.requests = head, [(classify_intent(head).intent, head)]
        self._take_back_claim() or self._withdraw_cases()
        # (whatever was withdrawn is said: "case_withdrawn" may come with a False)
        withdrawn = [say for say in self.says[said:]
                     if say.template in ("case_withdrawn", "claim_taken_back")]
        self.text, self.requests, self.confidence = whole
        if not withdrawn:
            del self.says[said:]  # ("acknowledge": good news with nothing open)
            return False
        self.text = rest
        self.understand()
        if self.requests[0][0] == "missing_item" and self._named_order_of(rest) in (
                None, *(say.context.get("order_id") for say in withdrawn),
                *(getattr(say.context.get("order"), "order_id", None) for say in withdrawn)):
            # "never mind, it all showed up. the skillet was at my moms": where it was, not
            # a parcel lost again
            return True
        self._handle(self.requests)
        return True

    def _named_order_of(self, text: str) -> str | None:
        """The id of the customer's recent order whose item the words name."""
        orders = self.own_orders()
        named = choose_by_name(text, [", ".join(o.item_titles) for o in orders])
        return orders[named].order_id if named is not None else None

    def _remember_came(self, cases: list[Row]) -> None:
        """The orders the customer said came, whatever the tracking says: "nvm it just
        showed up" then "but its damaged" is a return, not a parcel lost again."""
        if cases:
            self.state["came"] = sorted({*self.state.get("came", ()),
                                         *(c.order_id for c in cases)})

    def _asks_beside_good_news(self) -> bool:
        """Whether a part of the message other than its good news is a clear request:
        "cancela las cortinas, la cobija ya me llegó y está bien" (the whole, half read, had
        been acknowledged, and nothing cancelled)."""
        parts = punctuated_parts(self.text)
        others = [p for p in parts if not withdraws(p)]
        return len(others) < len(parts) and any(
            (read := classify_intent(p)).confidence >= CLEAR_REQUEST_CONFIDENCE
            and read.intent not in (*SMALL_TALK, "other") for p in others)

    def _narrowed_cancellation(self) -> bool:
        """"si pero solo los focos, las lucecitas de noche sí las quiero" right after the
        seller was asked to cancel the whole order: that case is withdrawn, and the
        cancellation of the items named asked instead (a case for the whole would cancel all
        of it, on silence too)."""
        last = self.state.get("last") or {}
        # no question (the model reads items named without one as a question about them)
        if last.get("intent") != "cancel_order" or "?" in self.text or (
                self.requests[0][0] not in ("cancel_order", "affirm", "deny", "other",
                                            "product_question")
                and self.confidence >= CLEAR_REQUEST_CONFIDENCE):
            return False
        # only some, in so many words: "si, también los focos" or "the bulbs were the main
        # reason" keep the whole cancellation
        norm = normalize(self.text)
        if not ONLY_SOME.search(norm) or ALL_OF_IT.search(norm):
            return False
        order = load_order(self.connection, last["order_id"])
        if order is None or not about_some_items(
                self.text, [item.naming_text for item in order.items],
                sum(item.quantity for item in order.items)):
            return False
        if not self.withdraw_open_cases(lambda c: c.kind == case_rules.CANCELLATION
                                        and c.order_id == order.order_id):
            return False
        self.answered_intent = "cancel_order"
        self.decide(Decision("corrected", ("dialogue.cancellation_narrowed_to_some_items",),
                             {"order_id": order.order_id}))
        self._respond("cancel_order", self.text, order)
        return True

    def withdraw_open_cases(self, chosen: Callable[[Row], bool]) -> list[Row]:
        """The customer's open cases that `chosen` picks, withdrawn by the customer (each
        seller told they need not act): of the order whose item the words name, when they
        name one of several ("never mind the skillet", with the charger's case open too)."""
        cases = [case for case in open_cases_of_conversation(self.connection, self.conversation.id,
                                                             OPEN_STATUSES) if chosen(case)]
        order_ids = sorted({case.order_id for case in cases if case.order_id})
        # (every order: "never mind, everything arrived, even the skillet")
        if len(order_ids) > 1 and not says_every_item(self.text):
            orders = [order for order in map(partial(load_order, self.connection), order_ids)
                      if order is not None]
            labels = [", ".join(o.item_titles) for o in orders]
            parts = punctuated_parts(self.text)
            # "the charger is here, the skillet still isnt": the skillet's case stays
            still = {orders[n].order_id for p in parts if _STILL_NOT_COME.search(normalize(p))
                     and (n := choose_by_name(p, labels)) is not None}
            named = choose_by_name(" ".join(p for p in parts
                                            if not _STILL_NOT_COME.search(normalize(p))), labels)
            cases = [case for case in cases if case.order_id not in still and (
                named is None or case.order_id == orders[named].order_id)]
        for case in cases:
            self.desk.withdraw(self.connection, case, self.conversation.customer_address,
                               "customer", self.now)
        return cases
