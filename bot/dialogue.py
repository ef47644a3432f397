"""One customer turn: who is asking, what they want (one or several requests), which order
they mean, and what the conversation is waiting for. The conversation's state (a JSON dict)
carries the question we asked, the order in focus, the last request (for corrections), offers
made, and the identity verified today. What is done about each request is `bot.responder`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row

from bot import case_rules
from bot.case_rules import withdraws
from bot.cases import OPEN_STATUSES, CaseDesk
from bot.facts import OrderFacts
from bot.identifiers import (
    find_order_ids,
    find_postal_code,
    find_tracking_numbers,
    gives_whole_address,
    names_an_address,
    same_postal_code,
)
from bot.journal import record_decision
from bot.marketplace import MarketplacePolicy
from bot.messages import Channel, Decision
from bot.order_choice import Offered, choose_by_description, happened
from bot.orders import load_order, load_orders, recent_orders
from bot.outgoing import Say
from bot.responder import ORDER_INTENTS, Responder
from bot.return_flow import ASKED_REASONS, RETURN_INTENTS, ReturnFlow
from bot.return_reasons import reasons_named, return_reason, wants_replacement
from bot.returns import local_day
from bot.text import words
from bot.understanding import (
    CLEAR_REQUEST_CONFIDENCE,
    SMALL_TALK,
    STATED_PROBLEMS,
    STATED_REQUEST_CONFIDENCE,
    asked_language,
    asks,
    asks_again,
    asks_whether_to_cancel,
    choose_by_name,
    choose_option,
    classify_intent,
    detect_intents,
    detect_language,
    goods_asked_about,
    goods_named,
    names_something,
    naming_words,
    negated,
    only_asks_language,
    only_names,
    runner_up,
    says_not_found,
)
from storage.cases import open_cases_of_conversation
from storage.conversations import last_answer, save_conversation, update_message
from storage.orders import order_ids_by_tracking
from storage.returns import returns_for_order

# The conversation state's mark that our last words asked "is there anything else?".
ASKED_ANYTHING_ELSE = "asked_anything_else"

# Words that start a correction ("no, the lamp"; "not that one, the kettle"; "no, la lámpara").
_THE_OTHER = re.compile(r"\b(?:the other|another|otro|otra|el otro|la otra)\b", re.IGNORECASE)
# "and the charger?", "what about the skillet?", "y la tetera?": the same question again
_ALSO = re.compile(r"(?i)^(?:(?:and|also|what about|how about|y|qu[eé] tal|¿y|¿qu[eé] tal|"
                   r"so)\b[\s,]*)+")
# what "and the charger?" asks again; not an action (a cancellation of the other order too?)
_ASKED_AGAIN = ("order_status", "refund_status", "product_question")
# what can answer "which item?" or "why?" of a return, whatever else the model reads in it
_RETURN_ANSWERS = RETURN_INTENTS | {"missing_item", "refund_status"}
# what "in Spanish please" answers again in Spanish: answers, not actions
_ANSWERED_AGAIN = _ASKED_AGAIN
# cases a parcel that turned up makes moot; and the requests a customer can take back
_PARCEL_CASES = {case_rules.NOT_RECEIVED, case_rules.DELIVERED_MISSING, case_rules.NOT_SHIPPED}
_REFUSABLE = {"cancel_order": case_rules.CANCELLATION, "change_address": case_rules.ADDRESS_CHANGE}
# a yes that the model reads as thanks or a request for a person: "sí, gracias", "porfavor"
_YES_FIRST = re.compile(r"(?i)^\s*(?:yes|yeah|yep|y|sure|s[ií]|claro|dale|[oó]rale|[aá]ndale|"
                        r"please|por ?favor|that would be great|sounds good|go ahead|do it|"
                        r"please do)\b(?![\s,]*(?:no|not)\b)")
# "no, the skillet is fine", "not the charger though, keep that", "no the charger too":
# what is kept or added, not a correction
_KEPT_OR_ADDED = re.compile(r"(?i)\b(?:fine|ok|okay|good|keep|too|also|as well|though|touch|"
                            r"est[aá] bien|est[aá]n bien|tambi[eé]n|bien)\b")
# a request that replaces the one before: "cancel it instead", "mejor cancélalo"
_INSTEAD = re.compile(r"(?i)\b(?:instead|rather|en vez|en lugar|mejor)\b")
_CORRECTION_STARTS = ("no ", "no,", "not ", "nope", "wrong", "ese no", "esa no", "la otra",
                      "el otro", "i meant", "i mean", "me referia", "me refería", "oops",
                      "sorry i meant", "sorry, i meant", "perdon, me refer", "perdón, me refer",
                      "me equivoqu")


def _each_question(text: str) -> list[tuple[str, str]]:
    """A product question of several questions ("how big is it? and what is it made of?"),
    one request each; what is said before a question goes with it."""
    pieces = [p for p in re.split(r"(?<=\?)\s+", text.strip()) if p]
    if sum(p.endswith("?") and len(words(p)) >= 3 for p in pieces) < 2:
        return [("product_question", text)]
    questions: list[str] = []
    said = ""
    for piece in pieces:
        if piece.endswith("?") and len(words(piece)) >= 3:
            questions.append(f"{said} {piece}".strip())
            said = ""
        else:
            said = f"{said} {piece}".strip()
    if said:
        questions[-1] = f"{questions[-1]} {said}"
    return [("product_question", q) for q in questions]


@dataclass
class TurnResult:
    says: list[Say] = field(default_factory=list)
    language: str = "en"


class CustomerTurn:
    def __init__(self, connection: Connection, desk: CaseDesk, policy: MarketplacePolicy,
                 conversation: Row, text: str, now: datetime, *,
                 subject: str | None = None) -> None:
        self.connection = connection
        self.desk = desk
        self.policy = policy
        self.conversation = conversation
        self.text = text
        self.subject = subject or ""
        self.now = now
        self.named_order: OrderFacts | None = None  # the order a bare item name names
        self.item_hint: str | None = None  # "and the mug?": the item the last question is now about
        self.state: dict[str, Any] = dict(conversation.state or {})
        self.says: list[Say] = []
        self.message_id: int | None = None
        self.language = policy.default_language
        self.requests: list[tuple[str, str]] = []
        self.confidence = 0.0
        self.answered_intent = "other"  # what the turn turned out to be about
        self.focus_order_id: str | None = conversation.order_id
        self.unsupported_language: str | None = None
        self.asked_anything_else = False
        self.asked_again: tuple[str, str] | None = None  # ("repeat" or "explain", our words)
        self.language_only = False  # "en español por favor", and nothing else
        self.accepting = False  # a yes to what we offered is being carried out
        self._own: list[OrderFacts] | None = None
        self._every: list[OrderFacts] | None = None

    @property
    def responder(self) -> Responder:
        # Made at each use, not kept: a kept one would refer back to this turn, and a
        # reference cycle left by every turn made the garbage collector stop the event loop
        # for 10-17 ms twice a second under load (the SMS benchmark's p99).
        return Responder(self)

    # -- entry points ------------------------------------------------------------------

    def understand(self) -> tuple[str, str, float]:
        """The language to answer in, the main intent and its confidence; writes nothing."""
        asked = asked_language(self.text)
        if asked in self.policy.customer_languages:
            self.state["asked_language"] = asked  # kept until asked for another
        self.language = self._language()
        if asked in self.policy.customer_languages and only_asks_language(self.text):
            # "en español por favor": the last answer again in it, or what we can do
            # ("where is my package? en español por favor" asks where it is, in Spanish)
            self.requests, self.confidence = [("greeting", self.text)], 1.0
            self.language_only = True
            return self.language, "greeting", 1.0
        self.asked_again = self._asked_again()
        if self.asked_again:
            self.requests, self.confidence = [("other", self.text)], 1.0
            return self.language, "other", 1.0
        found = detect_intents(self.text, self.language)
        self.requests = [(intent, clause) for intent, clause, _ in found]
        self.confidence = found[0][2]
        if self.requests[0][0] in ("deny", "other") and says_not_found(self.text):
            # "no lo encuentro" / "I can't find it" with nothing offered: a parcel not there
            self.requests = [("missing_item", self.text)]
        if len(self.requests) > 1:
            # "The skillet arrived but I can't use it. I want to return it.": a parcel said to
            # have arrived is no missing parcel, whatever the model reads in the clause
            self.requests = [r for r in self.requests
                             if r[0] != "missing_item" or happened(r[1]) != "delivered"] \
                or self.requests
        if self.requests[0][0] == "deny" and asks_whether_to_cancel(self.text):
            # "I just want to know if it can still be cancelled, don't cancel it": asked
            # about, which only offers it
            self.requests = [("cancel_order", self.text)]
        if len(self.requests) == 1:
            self.requests = [(self._problem_read_again(*self.requests[0]), self.text)]
        if any(intent == "product_question" for intent, _ in self.requests):
            # "is the blanket machine washable? will it shrink?": each question answered
            self.requests = [request for intent, text in self.requests
                             for request in (_each_question(text) if intent == "product_question"
                                             else [(intent, text)])]
        named = self._only_an_item()
        if named is not None:
            # "the charger", "and the charger?", "y la tetera?": the last question, or where
            # it is, about that order (the model reads a bare product name as anything)
            last = {} if self._topic_is_stale() else self.state.get("last") or {}
            again = last.get("intent") if last.get("intent") in _ASKED_AGAIN else "order_status"
            if again == "product_question":
                # "is the mug dishwasher safe?" then "what about the spatulas?"
                self.requests, self.item_hint = [(again, last["text"])], self.text
            else:
                self.requests = [(again, self.text)]
            self.confidence = 1.0
            self.named_order = named
        if self._mostly_a_number() and (self.confidence < CLEAR_REQUEST_CONFIDENCE
                                        or self.requests[0][0] in SMALL_TALK):
            # An order or tracking number on its own asks where the order is; with a few
            # words that clearly ask something else ("quiero cancelar el pedido 112-..."),
            # it is that request's order.
            self.requests = [("order_status", self.text)]
        return self.language, self.requests[0][0], self.confidence

    def run(self, message_id: int, *, vouched: OrderFacts | None = None) -> TurnResult:
        """Answer the stored message, recording every decision against it. A `vouched` order
        is one the seller tied to this customer (a forwarded email): a fresh topic about it,
        with no identity question."""
        self.message_id = message_id
        intent = self.requests[0][0]
        self.answered_intent = intent
        self._forget_stale_topic()
        # whether our last words asked "anything else?" (acknowledge; the call's anything_else)
        self.asked_anything_else = bool(self.state.pop(ASKED_ANYTHING_ELSE, False))
        self.state.pop("said_again", None)
        if self.unsupported_language:
            self.decide(Decision("language_unsupported", ("language.detected_unsupported",),
                                 {"detected": self.unsupported_language}))
            self.state["unsupported_language"] = self.unsupported_language
            self.say("language_unsupported")
        if vouched is not None:
            for key in ("pending", "offer", "last", "return"):
                self.state.pop(key, None)
            verified = self._verified_today() | {vouched.order_id}
            self.state["verified"] = {"date": self._today(), "order_ids": sorted(verified)}
            self._handle(self.requests, vouched)
        elif self.asked_again:
            self._say_again(*self.asked_again)
        elif self.language_only and self._answer_again_in_language():
            pass
        elif not (self._withdraw_cases() or self._accept_offer(intent)
                  or self._continue_pending(intent) or self._correction(intent)):
            self._handle(self.requests)
        if intent != "other":  # only unclear messages in a row make a case (responder)
            self.state.pop("unclear", None)
            self.state.pop("unclear_text", None)
        self.state["last_activity_at"] = self.now.isoformat()
        if self.says and self.says[-1].template in ("acknowledge", "what_else"):
            self.state[ASKED_ANYTHING_ELSE] = True
        save_conversation(self.connection, self.conversation.id, state=self.state,
                          language=self.language, order_id=self.focus_order_id,
                          updated_at=self.now)
        if self.answered_intent != intent:
            update_message(self.connection, message_id, intent=self.answered_intent)
        return TurnResult(self.says, self.language)

    # -- language and topic ------------------------------------------------------------

    def _language(self) -> str:
        asked = self.state.get("asked_language")
        if asked in self.policy.customer_languages:
            return asked
        detected = detect_language(self.text)
        if detected and detected not in self.policy.customer_languages:
            self.unsupported_language, detected = detected, None
        buyer_language = None
        if not self.conversation.language:
            orders = self._own_orders()
            buyer_language = orders[0].buyer_language if orders else None
        return self.policy.customer_language(detected, self.conversation.language,
                                             buyer_language)

    def _asked_again(self) -> tuple[str, str] | None:
        """("repeat" or "explain", what we last said) when the customer asks for our last
        answer again ("what?", "can you say that again?", "what does that mean?") in the
        same topic. Not by email, where the answer stays on the page above."""
        kind = asks_again(self.text)
        if kind is None or self.conversation.channel == "email" or self._topic_is_stale():
            return None
        # asked again after a repeat: the answer itself, not our words around it
        said = self.state.get("said_again") or last_answer(
            self.connection, self.conversation.id, self.conversation.channel,
            self.conversation.customer_address)
        return (kind, said) if said else None

    def _answer_again_in_language(self) -> bool:
        """"en español por favor" right after an answer about an order (where it is, a
        refund, a product question): that answer again, in the language asked for. Not an
        action (a second cancellation), nor while we wait for an answer (then the question
        is asked again in it)."""
        last = self.state.get("last") or {}
        offer = self.state.get("offer") or {}
        if offer.get("text"):
            # "can I cancel the curtains?" / "en español por favor": the offer again, in it
            last = {"intent": offer["intent"], "text": offer["text"],
                    "order_id": offer["order_id"]}
        elif self.state.get("pending") or last.get("intent") not in _ANSWERED_AGAIN:
            return False
        order = load_order(self.connection, last["order_id"])
        if order is None:
            return False
        self.answered_intent = last["intent"]
        self.decide(Decision("answered_in_language", ("language.customer_asked",),
                             {"language": self.language}))
        self._respond(last["intent"], last["text"], order)
        return True

    def _say_again(self, kind: str, said: str) -> None:
        """Our last answer again, with what it waited for (the question asked, the offer
        made, "anything else?") still waiting."""
        self.decide(Decision("answer_repeated", (f"dialogue.asked_to_{kind}",), {}))
        self.state["said_again"] = said
        if self.asked_anything_else:
            self.state[ASKED_ANYTHING_ELSE] = True
        self.say("repeat", kind=kind, said=said)

    def _withdraw_cases(self) -> bool:
        """The customer says the problem went away ("it arrived", "ya llegó"): the open cases
        about a parcel not come are withdrawn, and the sellers told they need not act; or
        takes back a request ("actually don't cancel it"): the case asking it is withdrawn.
        Not when the words name a problem too ("it arrived broken", "found it cheaper")."""
        refused = {kind for intent, kind in _REFUSABLE.items() if negated(intent, self.text)}
        # "ya llegó?" asks whether it arrived; "ya llegó" says it did
        good_news = withdraws(self.text) and return_reason(self.text) is None \
            and "?" not in self.text
        last = (self.state.get("last") or {}).get("intent")
        if good_news and last in _REFUSABLE and self.requests[0][0] == "deny":
            # "cancel the kettle" then "never mind" / "mejor no, olvídalo": taken back
            refused.add(_REFUSABLE[last])
        asked = self.requests[0][0]
        if last in _REFUSABLE and asked in _REFUSABLE and asked != last \
                and _INSTEAD.search(self.text):
            # "change the address" then "wait, actually cancel it instead": one replaces the
            # other, and the seller is not left with both
            refused.add(_REFUSABLE[last])
        if not (good_news or refused):
            return False
        kinds = (_PARCEL_CASES if good_news and not refused else set()) | refused
        cases = [c for c in open_cases_of_conversation(self.connection, self.conversation.id,
                                                       OPEN_STATUSES) if c.kind in kinds]
        for case in cases:
            self.desk.withdraw(self.connection, case, self.conversation.customer_address,
                               "customer", self.now)
        if cases:
            # what the message asks instead ("instead of cancelling, change the address to...")
            replaced = bool(refused) and asked in _REFUSABLE
            self.say("case_withdrawn", order_id=cases[0].order_id,
                     taken_back=cases[0].kind in refused, replaced=replaced)
            return not replaced
        problem = self.requests[0][0] in STATED_PROBLEMS  # "sí llegó": the problem is gone
        if good_news and (self.confidence < CLEAR_REQUEST_CONFIDENCE or problem) \
                and not self.state.get("pending"):
            # "ya lo encontré, estaba con el vecino" with nothing open: good news, not a
            # request (the model half reads a parcel story as a damaged item); with a
            # question pending, "I don't need it anymore" answers it
            self.say("acknowledge")
            return True
        return False

    def _forget_stale_topic(self) -> None:
        """After a long pause a new message starts a fresh topic (identity checks stay)."""
        if self._topic_is_stale():
            for key in ("pending", "offer", "focus", "last", "return", "unclear",
                        "unclear_text"):
                self.state.pop(key, None)
            self.focus_order_id = None

    def _topic_is_stale(self) -> bool:
        last = self.state.get("last_activity_at")
        return bool(last) and self.now - datetime.fromisoformat(last) > \
            self.policy.fresh_topic_after

    # -- handling requests -------------------------------------------------------------

    def _handle(self, requests: list[tuple[str, str]], order: OrderFacts | None = None) -> None:
        """Answer each request in turn; stop when a question has to be asked first (which
        order, the ZIP code), keeping the rest for when the customer answers."""
        for index, (intent, text) in enumerate(requests):
            if intent not in ORDER_INTENTS:
                self.responder.respond_without_order(intent, text, order or self._known_order())
                continue
            if intent == "product_question" and order is None and (
                    self._not_ordered(text, goods_asked_about(text), question=True)
                    or self._about_goods_for_sale(requests[:index], text)):
                continue
            if intent != "product_question" and order is None and self.named_order is None \
                    and not self._mentioned_order_ids() \
                    and self._not_ordered(text, goods_named(text), question=False):
                continue
            chosen = order or self._which_order(requests[index:])
            if chosen is None:
                return
            self._respond(intent, text, chosen)

    def _respond(self, intent: str, text: str, order: OrderFacts) -> None:
        self.state["focus"] = self.focus_order_id = order.order_id
        self.state["last"] = {"intent": intent, "text": text, "order_id": order.order_id}
        self.responder.respond(intent, text, order)

    def _accept_offer(self, intent: str) -> bool:
        """A yes (or the offered request itself) to what we offered: a cancellation after the
        seller stayed silent (carried out at once), asking the seller to cancel (a return of
        an order not shipped), a return (a cancellation of a delivered order), or a missing
        parcel ("I can't find it" after we said it was delivered)."""
        offer = self.state.pop("offer", None)
        if not offer:
            return False
        offered = offer.get("intent", "cancel_order")
        if offered == "missing_item":
            # not a yes ("ok thanks" is no missing parcel), but saying it is not there; "no,
            # the skillet" is a correction, whatever the model reads in it
            accepted = says_not_found(self.text) or (
                intent == offered and not self.text.strip().lower().startswith(_CORRECTION_STARTS))
        else:
            # the offered request said again is a yes; asked about again, it is no answer
            accepted = intent == "affirm" or bool(_YES_FIRST.match(self.text)) or (
                intent == offered and not asks_whether_to_cancel(self.text))
        if not accepted:
            return False
        order = load_order(self.connection, offer["order_id"])
        if order is None:
            return False
        self.answered_intent = offered
        self.accepting = True
        if offer.get("case_id"):
            self.responder.cancel_after_offer(order, offer["case_id"])
        else:
            asked = offer.get("text")  # "can I still cancel it?" / "yes": the seller reads both
            self._respond(offered, f"{asked}\n{self.text}" if asked else self.text, order)
        return True

    def _continue_pending(self, intent: str) -> bool:
        """An answer to the question we asked; a new request drops the question."""
        pending = self.state.get("pending")
        if not pending:
            return False
        awaiting = pending["awaiting"]
        waiting = [tuple(r) for r in pending["requests"]]
        explicit_order = find_order_ids(self.text)
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
            if index is not None:
                self.state.pop("pending")
                order = load_order(self.connection, pending["options"][index]["order_id"])
                self.answered_intent = waiting[0][0]
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
        elif awaiting == "return_reason" and self._names_another_item(pending):
            if self._return_item_corrected(pending):
                return True
            self.state.pop("pending")  # another order's item: the correction (below)
            self.state.pop("return", None)
            return False
        elif awaiting in ("item_choice", "return_reason") and not explicit_order \
                and not (intent not in _RETURN_ANSWERS and self._changes_subject(intent, waiting)):
            if self._continue_return(pending, waiting):
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
        if intent == "deny" and not explicit_order and not (
                self.text.strip().lower().startswith(_CORRECTION_STARTS)
                and self._names_one_of_theirs()):
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
        unclear = intent in ("other", "affirm", "deny", "greeting") \
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
            if awaiting == "return_reason" and pending.get("answers"):
                self._return_reason_to_seller(pending, waiting)
            else:
                pending["answers"] = [*pending.get("answers", []), self.text]
                self._ask_again(pending)
            return True
        self.state.pop("pending")  # the customer changed the subject
        return False

    def _corrects(self) -> bool:
        """Whether a message that starts like a correction corrects: not when it keeps or adds
        an item ("no, the skillet is fine", "the charger too") or reports a problem ("wrong
        item, the box had a kettle in it")."""
        return not (_KEPT_OR_ADDED.search(self.text) or reasons_named(self.text))

    def _names_another_item(self, pending: dict) -> bool:
        """"no, perdón, las espátulas" while we ask why the mug goes back: a correction
        naming another of the customer's items (its "me equivoqué" is no reason)."""
        if not self.text.strip().lower().startswith(_CORRECTION_STARTS) or not self._corrects():
            return False
        labels = [", ".join(o.item_titles) for o in self._every_order()]
        named = choose_by_name(self.text, labels)
        if named is None:
            return False
        order = self._every_order()[named]
        if order.order_id != pending["order_id"]:
            return True
        item = choose_by_name(self.text, [i.naming_text for i in order.items])
        asin = (self.state.get("return") or {}).get("asin")
        return item is not None and order.items[item].asin != asin

    def _return_item_corrected(self, pending: dict) -> bool:
        """The return is of the item of the same order named now: asked why, for it."""
        order = load_order(self.connection, pending["order_id"])
        item = choose_by_name(self.text, [i.naming_text for i in order.items]) if order else None
        if item is None:
            return False
        known = {k: v for k, v in (self.state.get("return") or {}).items() if k != "reason"}
        known["asin"] = order.items[item].asin
        self.state["return"] = known
        self.decide(Decision("corrected", ("dialogue.customer_named_another_item",),
                             {"order_id": order.order_id, "asin": known["asin"]}))
        self.say("ask_return_reason", title=order.items[item].title, reasons=ASKED_REASONS)
        return True

    def _changes_subject(self, intent: str, waiting: list) -> bool:
        """"where is my drill?" while we ask which order a question about the mattress is
        about: a new request, not the answer, though it names one of the orders."""
        return (intent in ORDER_INTENTS and intent != waiting[0][0]
                and self.confidence >= STATED_REQUEST_CONFIDENCE and len(words(self.text)) >= 3)

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
            index = choose_option(self.text, [o.get("naming", o["label"]) for o in options],
                                  self.language)
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

    def _only_an_item(self) -> OrderFacts | None:
        """The customer's order whose item the message only names ("the charger?"), when no
        question of ours is pending (then it answers that): a recent one, else an older one
        ("and the skillet?" about last year's skillet)."""
        if self.state.get("pending") or len(self.text) > 60 or not names_something(self.text):
            return None
        text = re.sub(_ALSO, "", self.text.strip(), count=1)
        for orders in (self._own_orders(), self._every_order()[len(self._own_orders()):]):
            found = [o for o in orders if only_names(text, ", ".join(o.item_titles))]
            if found:
                return found[0] if len(found) == 1 else None
        return None

    def _problem_read_again(self, intent: str, text: str) -> str:
        """The request, read again where the model reads a problem it has few words for, or
        a problem in any parcel story:
        - "the cheese was spoiled", "mi botella gotea" (nothing, or a parcel not come): an
          item damaged or not working; "el impermeable me queda grande": a return;
        - "no me llegó la sartén", read as damaged: a parcel that never came;
        - "¿el taladro ya llegó?", "has my blanket arrived?": where it is;
        - "¿de qué color es la taza?", read as a wrong item: a product question, when the
          model's next guess is one.
        Not a "no" ("no, it's not broken"), nor when a part is missing."""
        if intent not in STATED_PROBLEMS and intent != "other":
            return intent
        named = set(reasons_named(text))
        said = happened(text)
        if intent in ("other", "missing_item") and named and "missing_parts" not in named \
                and said not in ("not_shipped", "not_delivered") \
                and (intent == "missing_item" or names_something(text)):
            return "damaged_or_defective" if named & {"damaged", "defective"} \
                else "return_request"
        if intent not in STATED_PROBLEMS or named:
            return intent
        if said == "not_delivered":
            return "missing_item"
        if said == "delivered" and "?" in text and not says_not_found(text):
            return "order_status"
        if intent == "wrong_item" and said is None and asks(text) \
                and runner_up(text).intent == "product_question":
            return "product_question"
        return intent

    def _mostly_a_number(self) -> bool:
        """An order or tracking number with at most a few words around it ("it's #112...")."""
        numbers = find_order_ids(self.text) or find_tracking_numbers(self.text)
        if not numbers:
            return False
        rest = re.sub(r"[\d#\-\s.]{8,}|[A-Z0-9]{10,}", " ", self.text)
        return len(re.findall(r"[^\W\d_]+", rest)) <= 4

    def _correction(self, intent: str) -> bool:
        """ "No, the lamp": the last request again, about the order the customer names now."""
        last = self.state.get("last")
        lowered = self.text.strip().lower()
        if not last or not (intent == "deny" or lowered.startswith(_CORRECTION_STARTS)) \
                or not self._corrects():
            return False
        every = self._every_order()
        if last["intent"] == "product_question":
            # "no, the spatulas" / "oops I meant the skillet": the question, of the item named
            # now, in this order or another (an older one too)
            named = choose_by_name(self.text, [", ".join(o.item_titles) for o in every])
            if named is not None:
                self.answered_intent, self.item_hint = last["intent"], self.text
                self.decide(Decision("corrected", ("dialogue.customer_named_another_item",),
                                     {"from": last["order_id"], "to": every[named].order_id}))
                self._respond(last["intent"], last["text"], every[named])
                return True
        candidates = [o for o in every if o.order_id != last["order_id"]]
        labels = [", ".join(o.item_titles) for o in candidates]
        named = choose_by_name(self.text, labels)
        if named is None and candidates and _THE_OTHER.search(self.text):
            if len(candidates) > 1:  # "no, the other one" of three: which other?
                self.answered_intent = last["intent"]
                self._ask_which_order(candidates, labels, [[last["intent"], last["text"]]],
                                      again=True)
                return True
            named = 0
        if named is None:
            return False
        self.answered_intent = last["intent"]
        self.decide(Decision("corrected", ("dialogue.customer_named_another_order",),
                             {"from": last["order_id"], "to": candidates[named].order_id}))
        if last["intent"] in _REFUSABLE:
            # "cancel the drill" then "no wait, the charger": the drill stays as it is
            for case in open_cases_of_conversation(self.connection, self.conversation.id,
                                                   OPEN_STATUSES):
                if case.kind == _REFUSABLE[last["intent"]] and case.order_id == last["order_id"]:
                    self.desk.withdraw(self.connection, case,
                                       self.conversation.customer_address, "customer", self.now)
                    self.say("case_withdrawn", order_id=case.order_id, taken_back=True)
        self._respond(last["intent"], last["text"], candidates[named])
        return True

    def _described(self, orders: list[OrderFacts]) -> int | None:
        """Which of these orders the message describes ("the one that arrived", "el de
        octubre"), when it fits one."""
        offered = [Offered(local_day(o.purchased_at, self.policy), o.delivered,
                           o.delivered_at and local_day(o.delivered_at, self.policy), o.shipped)
                   for o in orders]
        return choose_by_description(self.text, offered, local_day(self.now, self.policy))

    def _ask_again(self, pending: dict) -> None:
        awaiting = pending["awaiting"]
        if awaiting == "order_choice":
            self.say("choose_order", options=pending["options"], again=True)
        elif awaiting == "item_choice":
            self.say("choose_item", options=pending["options"])
        elif awaiting == "return_reason":
            self.say("ask_return_reason", title=None, reasons=ASKED_REASONS)
        elif awaiting == "postal_code":
            self.say("ask_postal_code", order_id=pending["order_id"], again=True)
        elif awaiting == "new_address":
            self.say("ask_new_address", order_id=pending["order_id"],
                     partial=bool(pending.get("partial")))
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
        if self._own is None:
            self._own = recent_orders(self.connection, Channel(self.conversation.channel),
                                      self.conversation.customer_address,
                                      self.now - self.policy.recent_orders)
        return self._own

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

    # -- finding the order ---------------------------------------------------------------

    def _mentioned_order_ids(self) -> list[str]:
        """Order IDs in the message, the orders of a tracking number in it, or the order IDs
        of an email's subject."""
        mentioned = find_order_ids(self.text)
        if mentioned:
            return mentioned
        for number in find_tracking_numbers(self.text):
            found = order_ids_by_tracking(self.connection, number)
            if found:
                return found
        # "Order 112-... arrived broken" as the subject and only the story in the body; in a
        # conversation already about an order, a reply's subject says nothing new.
        return [] if self.focus_order_id else find_order_ids(self.subject)

    def _known_order(self) -> OrderFacts | None:
        """The order the conversation is about, when that needs no question: the focus, or
        the customer's only recent order."""
        own = self._own_orders()
        for order in own:
            if order.order_id == self.state.get("focus"):
                return order
        return own[0] if len(own) == 1 else None

    def _which_order(self, requests: list[tuple[str, str]]) -> OrderFacts | None:
        """The order these requests are about, or None after asking the customer."""
        mentioned = self._mentioned_order_ids()
        if mentioned:
            return self._mentioned_order(mentioned[0], requests)
        if self.named_order is not None:
            return self.named_order
        own = self._own_orders()
        known = {o.order_id for o in own}
        candidates = own + load_orders(self.connection, sorted(self._verified_today() - known))
        older = self._named_older_order(candidates, requests[0][1])
        if older is not None:
            return older
        if not candidates:
            self.state["pending"] = {"awaiting": "order_id", "requests": requests}
            self.say("ask_order_id", again=False)
            return None
        if len(candidates) == 1:
            return candidates[0]
        labels = [", ".join(o.item_titles) for o in candidates]
        # the request's own words first: in "cancel the curtains. and can the blanket go in
        # the dryer?" the cancellation is about the curtains
        named = choose_by_name(requests[0][1], labels)
        if named is None:
            # "cancel the kettle please. also the skillet came rusty": the sentence that asks
            # it names the order
            named = self._named_by_the_asking_sentence(requests[0], labels)
        if named is None:
            # "my drill is late. Where is it?": "it" is what the sentence before names
            before = self.text[:max(self.text.find(requests[0][1]), 0)]
            sentences = [p for p in re.split(r"(?<=[.!?])\s+", before) if p.strip()]
            named = choose_by_name(sentences[-1], labels) if sentences else None
        if named is None:
            named = choose_by_name(self.text, labels)
        if named is None:
            # "it arrived broken" right after asking about the charger: the charger, not the
            # one order a description of it would fit
            for order in candidates:
                if order.order_id == self.state.get("focus"):
                    return order
        if named is None and requests[0][0] != "refund_status":
            # "I never received my refund" describes the refund, not which order
            named = self._described(candidates)
        if named is not None:
            return candidates[named]
        if requests[0][0] == "refund_status":
            # only asks: the one order a refund can be about needs no question
            refundable = [o for o in candidates if o.status == "Canceled"
                          or returns_for_order(self.connection, o.order_id)]
            if len(refundable) == 1:
                return refundable[0]
        self._ask_which_order(candidates, labels, requests, again=False)
        return None

    def _not_ordered(self, text: str, asked: tuple[str, frozenset[str]] | None, *,
                     question: bool) -> bool:
        """A request about goods none of the customer's orders holds ("what color is the
        kettle?", "the toaster arrived broken" from a buyer of a charger): answered from
        their order, it would be about another item. Told what their orders hold instead.
        `asked`: the goods named (`goods_asked_about` for a product question, whose other
        goods may be the customer's own; `goods_named` for the rest)."""
        if asked is None:
            return False
        said, names = asked
        orders = self._every_order()
        orders = orders + load_orders(self.connection, sorted(
            self._verified_today() - {o.order_id for o in orders}))
        labels = [", ".join(o.item_titles) for o in orders]
        if not orders or any(names & naming_words(label) for label in labels) \
                or choose_by_name(text, labels) is not None:
            return False
        outcome = "product_not_ordered" if question else "goods_not_ordered"
        self.decide(Decision(outcome, ("dialogue.goods_not_in_customer_orders",),
                             {"named": said, "order_ids": [o.order_id for o in orders]}))
        self.say("not_ordered", named=said, orders=orders[:3], question=question)
        return True

    def _names_one_of_theirs(self) -> bool:
        """Whether the message names one of the customer's items, or "the other one"."""
        labels = [", ".join(o.item_titles) for o in self._every_order()]
        return bool(_THE_OTHER.search(self.text)) or choose_by_name(self.text, labels) is not None

    def _about_goods_for_sale(self, before: list[tuple[str, str]], text: str) -> bool:
        """"do you sell a kettle? how big is it?": after a question before buying, a product
        question naming none of the customer's items is about the goods for sale, which the
        redirection answered; from their order's product it would be about another item."""
        if not any(intent == "pre_order" for intent, _ in before):
            return False
        labels = [", ".join(o.item_titles) for o in self._every_order()]
        if choose_by_name(text, labels) is not None:
            return False
        self.decide(Decision("redirected_to_seller", ("scope.pre_order_followed_by_its_question",),
                             {"question": text}))
        return True

    def _every_order(self) -> list[OrderFacts]:
        """All the customer's orders, the recent ones first."""
        if self._every is None:
            every = recent_orders(self.connection, Channel(self.conversation.channel),
                                  self.conversation.customer_address,
                                  datetime.min.replace(tzinfo=UTC))
            listed = {o.order_id for o in self._own_orders()}
            self._every = self._own_orders() + [o for o in every if o.order_id not in listed]
        return self._every

    @staticmethod
    def _named_by_the_asking_sentence(request: tuple[str, str], labels: list[str]) -> int | None:
        intent, text = request
        sentences = [p for p in re.split(r"(?<=[.!?])\s+", text) if p.strip()]
        if len(sentences) < 2:
            return None
        for sentence in sentences:
            if classify_intent(sentence).intent == intent:
                return choose_by_name(sentence, labels)
        return None

    def _ask_which_order(self, candidates: list[OrderFacts], labels: list[str],
                         requests: list, *, again: bool) -> None:
        """The numbered question naming the orders' items, the requests kept for the answer."""
        options = [{"order_id": o.order_id, "label": label,
                    "purchased_at": o.purchased_at.isoformat()}
                   for o, label in zip(candidates[:5], labels, strict=False)]
        self.state["pending"] = {"awaiting": "order_choice", "options": options,
                                 "requests": requests}
        self.say("choose_order", options=options, again=again)

    def _named_older_order(self, candidates: list[OrderFacts], said: str) -> OrderFacts | None:
        """The customer's order from before the recent ones whose item the message names
        alone ("is the skillet dishwasher safe?" about last year's skillet, with a spatula
        set bought last week): answering from the recent order would answer about the
        wrong product."""
        if not names_something(said):  # "where is my order?": no query for older orders
            return None
        listed = {o.order_id for o in candidates}
        older = [o for o in self._every_order() if o.order_id not in listed]
        if not older:
            return None
        orders = candidates + older
        named = choose_by_name(said, [", ".join(o.item_titles) for o in orders])
        return orders[named] if named is not None and named >= len(candidates) else None

    def _mentioned_order(self, order_id: str, requests: list[tuple[str, str]]) -> OrderFacts | None:
        order = load_order(self.connection, order_id)
        if order is None:
            self.decide(Decision("order_not_found", ("identity.unknown_order_id",),
                                 {"order_id": order_id}))
            self.say("order_not_found", order_id=order_id)
            return None
        if self._owns(order) or order.order_id in self._verified_today():
            return order
        if self._failures_today() >= self.policy.max_failed_verifications:
            self.say("verification_locked")
            return None
        pending = {"awaiting": "postal_code", "order_id": order.order_id, "requests": requests}
        self.state["pending"] = pending
        postal = find_postal_code(self.text)
        if postal:
            self._verify_postal_code(pending, postal)
        else:
            self.say("ask_postal_code", order_id=order.order_id, again=False)
        return None

    # -- recording ---------------------------------------------------------------------------

    def say(self, template: str, **context: Any) -> None:
        self.says.append(Say(template, context))

    def decide(self, decision: Decision) -> None:
        record_decision(self.connection, decision, self.now,
                        conversation_id=self.conversation.id, message_id=self.message_id)
