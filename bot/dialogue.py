"""One customer turn: who is asking, what they want (one or several requests), which order
they mean, and what the conversation is waiting for. The conversation's state (a JSON dict)
carries the question we asked, the order in focus, the last request (for corrections), offers
made, and the identity verified today. What is done about each request is `bot.responder`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row

from bot import case_rules
from bot.address_corrections import AddressCorrections
from bot.cases import OPEN_STATUSES, CaseDesk
from bot.claims_taken_back import CLAIMS, ClaimsTakenBack
from bot.facts import OrderFacts
from bot.identifiers import find_order_ids, find_tracking_numbers, names_an_address
from bot.journal import record_decision
from bot.marketplace import MarketplacePolicy
from bot.messages import Decision
from bot.order_choice import happened
from bot.order_finding import OrderFinding
from bot.orders import load_order
from bot.outgoing import Say
from bot.pending_answers import PendingAnswers
from bot.product_question import names_nothing_asked
from bot.product_vocabulary import YES_NO_START
from bot.rereading import (
    CORRECTION_STARTS,
    PRAISED,
    THE_OTHER,
    UNSURE,
    about_each_item,
    adds_an_item,
    asks_a_question,
    asks_how_to_send_back,
    asks_nothing,
    asks_to_buy,
    each_action,
    each_question,
    only_if_not,
    only_not_needed,
    problem_told_beside,
    read_problem_again,
    starts_a_question,
)
from bot.responder import ORDER_INTENTS, Responder
from bot.return_flow import RETURN_INTENTS, WANTS_IT_BACK
from bot.return_reasons import return_reason, wants_replacement
from bot.text import normalize, words
from bot.understanding import (
    CLEAR_REQUEST_CONFIDENCE,
    SMALL_TALK,
    STATED_PROBLEMS,
    asked_language,
    asks,
    asks_again,
    asks_what_to_do,
    asks_whether_to_cancel,
    choose_by_name,
    classify_intent,
    detect_intents,
    detect_language,
    goods_asked_about,
    goods_named,
    negated,
    only_asks_language,
    refuses_a_refund,
    says_not_found,
    without_faults_denied,
)
from bot.withdrawals import PARCEL_CASES, REFUSABLE, Withdrawals
from storage.cases import open_cases_of_conversation
from storage.conversations import last_answer, save_conversation, update_message

# The conversation state's mark that our last words asked "is there anything else?".
ASKED_ANYTHING_ELSE = "asked_anything_else"

# what "and the charger?" asks again, and "in Spanish please" answers again in Spanish:
# answers, not actions (a cancellation of the other order too?)
_ASKED_AGAIN = ("order_status", "refund_status", "product_question")
# questions asked of each item named ("where are my kettle and my charger?")
_ASKED_ABOUT_EACH = ("order_status", "refund_status")
# requests that may name one action for each of two orders ("cancel the bulbs and return the
# lantern")
_ACTIONS = ("cancel_order", "return_request")
# what "the kettle too" asks of another item besides the questions: the request itself
_DONE_TO_ANOTHER_TOO = (*sorted(RETURN_INTENTS), "cancel_order", "missing_item")


def _with_its_return(requests: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A return asked for beside a problem, naming no other goods, is the problem's own
    ("skillet came cracked. i want them to exchange it": the exchange of the skillet, one
    request, not a second return asking why)."""
    problem = next((i for i, (intent, _) in enumerate(requests) if intent in STATED_PROBLEMS),
                   None)
    if problem is None:
        return requests
    # "can I return the mug? both handles are chipped": the mug's problem, one request
    told = goods_named(requests[problem][1])
    theirs = [i for i, (intent, text) in enumerate(requests) if intent == "return_request"
              and ((named := goods_named(text)) is None or told is None
                   or named[1] & told[1])]
    if not theirs:
        return requests
    said = " ".join(requests[i][1] for i in [problem, *theirs])
    return [(intent, said) if i == problem else (intent, text)
            for i, (intent, text) in enumerate(requests) if i not in theirs]


def _asked_of_the_item(intent: str, piece: str) -> str:
    """What one item's part of a question asks: "has the charger shipped, and is the kettle
    cordless?" asks the kettle a product question (read, on its own, a little less surely
    than a request of its own needs). A name ("and my skillet", "¿y la lámpara de
    campamento?") asks what the rest does."""
    if len(words(piece)) < 3 or not starts_a_question(piece):
        return intent
    own = classify_intent(piece).intent
    return own if own in (*_ASKED_ABOUT_EACH, "product_question") else intent


# words that agree, anywhere in a reply to an offer: "its broken, just take care of it",
# "fine lets do that"
_AGREES = re.compile(r"\b(?:yes|yeah|yea|yep|ok|okay|(?<!not )sure|fine|go ahead|do it|do that|"
                     r"take care of it|dale|hazlo|hagalo|adelante|orale|andale|por favor|"
                     r"please)\b")
# the words without which a half-sure reading of these is no request: a person asked for,
# a goodbye
_SAID_IN_SO_MANY_WORDS = {
    "human_agent": re.compile(r"\b(?:agent|agente|person|persona|human|humano|representative|rep|"
                              r"someone|somebody|alguien|operator|operador\w*|manager|"
                              r"supervisor|asesor\w*|call me|llamenme|talk|speak|hablar|real|"
                              r"live|staff|team|customer service|servicio)\b"),
    "goodbye": re.compile(r"\b(?:bye|goodbye|adios|ciao|chao|later|luego|that'?s all|thats it|"
                          r"eso es todo|nada mas|hasta|see you|have a good|buen dia|"
                          r"buenas noches|take care|cuidate)\b"),
}
# a yes that the model reads as thanks or a request for a person: "sí, gracias", "porfavor"
# ("y" alone is a texted yes; "y cuándo llegan?" is Spanish "and")
_YES_FIRST = re.compile(r"(?i)^\s*(?:(?:yes|yeah|yea|yep|sure|s[ií]|claro|dale|[oó]rale|[aá]ndale|"
                        r"please|por ?favor|that would be great|sounds good|go ahead|do it|"
                        r"please do)\b(?![\s,]*(?:no|not)\b)|y\s*[.!]*\s*$)")
# a question whether it was done, which is no yes to doing it: "did they cancel the night
# lights?" (the whole order had been cancelled), "¿ya lo cancelaron?"
_ASKS_WHAT_HAPPENED = re.compile(r"^\W*(?:did|has|have|was|were|ya (?:se )?(?:lo|la|los|las)? ?"
                                 r"cancelaron|se cancel[oó]|lo cancelaron)\b")


# how much comes back: "how much will i get back", "is it the full 32.99?", "cuanto me van a
# dar", "cuánto me devuelven"
_HOW_MUCH_BACK = re.compile(r"\b(?:how much (?:will|do|would|did) i (?:get|be refunded|receive)|"
                            r"how much (?:is|will be) (?:the|my) refund|how much (?:money )?"
                            r"(?:back|do i get)|is it (?:the )?full|full refund\?|cu[aá]nto me "
                            r"(?:van a )?(?:dar|devolver|devuelven|reembolsan|regresan)|de cu[aá]nto "
                            r"(?:es|ser[aá]) (?:el|mi) reembolso)")
# what happens next with the request just made: "how long does that usually take", "so what
# do i do", "any update?", "¿cuánto tarda eso?", "¿y ahora qué?", "¿ya contestó el vendedor?"
_ASKS_WHAT_NEXT = re.compile(r"^\W*(?:(?:so|ok|okay|and|y|pues|entonces|hi|hey|hello|hola)\W+)*"
                             r"(?:how long (?:does|will|"
                             r"would) (?:that|it|this) (?:usually |normally )?take|what happens "
                             r"(?:now|next)|(?:so )?what (?:do|should|can) i do(?: now| then)?|what "
                             r"now|cu[aá]nto (?:tiempo )?(?:tarda|se tarda|tardan)(?: eso| en eso)?|"
                             r"qu[eé] (?:hago|sigue)(?: ahora)?|y ahora qu[eé]|any (?:updates?|news)|"
                             r"(?:alguna )?novedad(?:es)?|(?:ya )?(?:contest[oó]|respondi[oó]) el "
                             r"vendedor|did the seller (?:answer|reply|respond)"
                             r"(?: (?:to )?(?:me|my question))?(?: yet)?|(?:has|have) "
                             r"(?:the seller|they) (?:gotten|got) back(?: to (?:you|me|us))?"
                             r"(?: yet)?|did (?:you|u) hear (?:back )?from (?:the seller|them)(?: yet)?|"
                             r"what are my options|"
                             # "y la etiqueta de envio cuando?" after a return
                             r"(?:(?:and|y) )?(?:(?:where|when) (?:is|do i get|will i get) )?(?:the|my|"
                             r"la|mi) (?:return |shipping )?(?:label|etiqueta)(?: de (?:envio|"
                             r"devolucion))?(?: (?:cuando|para cuando))?|"
                             # "could you please look into it?" after the claim
                             r"(?:(?:can|could|would) you |please |pls )*(?:look into|check(?: on)?"
                             r"|follow up on) (?:it|that|this)(?: (?:please|pls|for me))?|"
                             r"(?:q|que) puedo hacer)\W*$")
# a refund asked if the parcel does not come: "if it doesnt come by monday i want a refund",
# "si no llega para el viernes quiero mi dinero"
_REFUND_IF_NOT_COME = re.compile(
    r"\bif (?:it|they|my \w+|the \w+) (?:doesn'?t|doesnt|does not|don'?t|dont|isn'?t|isnt|"
    r"won'?t|wont|hasn'?t|hasnt|is not|not) (?:\w+ )?(?:come|arrive|get here|show up|here|"
    r"arrived|come in|delivered)\b|\bsi no (?:me )?(?:llega|llegan|ha llegado)\b")
# words of the parcel or of sending it back: a question with them is no product question
# ("is the drill coming today", "how do i even ship the mugs back")
_OF_THE_PARCEL_OR_RETURN = re.compile(
    r"\b(?:coming|arriv\w*|deliver\w*|ship\w*|send\w* (?:it |them )?back|sent back|return\w*|"
    r"track\w*|refund\w*|cancel\w*|llega\w*|entreg\w*|devol\w*|devuelv\w*|regres\w*|"
    r"rastre\w*|reembols\w*)\b")
_SENDING_BACK = re.compile(r"\b(?:(?:ship|send|mail)\w* (?:it |them |the \w+ )?back|return\w*|"
                           r"devol\w*|devuelv\w*|regres\w*)\b")
_WHERE_IT_IS = re.compile(r"\b(?:coming|arriv\w*|deliver\w*|track\w*|ship(?:ped|ping|s)?|"
                          r"llega\w*|entreg\w*|rastre\w*)\b")


def _asked_of_an_order(text: str) -> str | None:
    """What a question read as one before buying asks of an order named: its return, or
    where it is."""
    norm = normalize(text)
    return "return_request" if _SENDING_BACK.search(norm) \
        else "order_status" if _WHERE_IT_IS.search(norm) else None


# a cancellation asked if the order has not shipped: "if my kettle hasnt shipped yet cancel it",
# "si no la han mandado todavia cancelenla"
_CANCEL_IF_NOT_SHIPPED = re.compile(
    r"\bif (?:it|they|my \w+|the \w+)(?: order)? (?:hasn'?t|hasnt|has not|haven'?t|havent|"
    r"have not|didn'?t|didnt|isn'?t|isnt|is not|wasn'?t|not) (?:yet )?(?:been )?(?:shipped|"
    r"gone out|left|sent|ship)(?: out)?(?: yet)?\W+(?:then |just |please |pls |go ahead and )*"
    r"cancel|\bsi (?:no|todavia no|aun no) (?:l[oa]s? )?(?:han|ha) (?:mandado|enviado|salido)"
    r"(?: todavia| aun)?\W+(?:entonces |mejor )?cancel")
# asks only to look into what was just said: "can you check?", "please look into it"
_ONLY_ASKS_TO_CHECK = re.compile(r"^\W*(?:(?:can|could|would) (?:you|u) |please |pls |plz )*(?:check|"
                                 r"look into|check on|look at) ?(?:it|that|this|on it)?(?: (?:please|"
                                 r"pls|for me|asap))*\W*$|^\W*(?:pueden|puede|podrian|me pueden) "
                                 r"(?:revisar|checar)(?:lo|la)?(?: por favor| x fa)?\W*$")
# the reason for a question, told after it
_BECAUSE = re.compile(r"^\W*(?:xq|porque|por que|pq|because|cause|cuz|bc|since|ya que)\b")
# not sure what was ordered: "cant remember what i ordered", "i thought i ordered blue", "no me
# acuerdo cual pedi", "creo que pedi la azul"
_UNSURE_WHAT_WAS_ORDERED = re.compile(
    r"^\W*(?:(?:and|but|y|pero|cause|because|porque|xq|pq)\s+)?(?:i\s+)?(?:(?:can'?t|cannot|don'?t|"
    r"do not|dont)\s+(?:remember|recall)|(?:not sure|unsure|forgot|olvide)\s+(?:what|which|if)|"
    r"i\s+(?:thought|think)\s+i\s+(?:ordered|bought|got|picked)|no\s+me\s+acuerdo|no\s+recuerdo|"
    r"(?:creo|pense)\s+que\s+(?:pedi|compre|ordene))\b")
# the requests whose answer says what comes next
_SAYS_WHAT_NEXT = ("order_status", "cancel_order", "change_address", "missing_item",
                   "product_question", *sorted(RETURN_INTENTS))
# words about the parcel, not the item: "y si no me llega?"
_OF_THE_PARCEL = re.compile(r"\b(?:lleg\w*|arriv\w*|deliver\w*|ship\w*|envi[oaó]\w*|entreg\w*|"
                            r"track\w*|rastre\w*|come|comes|came|get here)\b")
# the start of a question that goes on from the one before: "y si lo dejo ...?", "and what if
# ...?", "o en el microondas?"
_GOES_ON = re.compile(r"^\W*(?:y|and|or|o|what if|and if|y si|pero si|but if|entonces|then)\b")


@dataclass
class TurnResult:
    says: list[Say] = field(default_factory=list)
    language: str = "en"


class CustomerTurn(OrderFinding, PendingAnswers, ClaimsTakenBack, AddressCorrections,
                   Withdrawals):
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
        self.chasing = False  # "any update?": the request before is asked about again
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
        found = problem_told_beside(detect_intents(self.text, self.language), self.language,
                                    self.text)
        if asked in self.policy.customer_languages and len(found) > 1:
            # "thanks, can you talk to me in spanish? and cancel it": the clause asking for the
            # language asks for no person (the model half reads one in it)
            found = [f for f in found if not (asked_language(f[1]) and only_asks_language(f[1]))] \
                or found
        self.requests = [(intent, clause) for intent, clause, _ in found]
        self.confidence = found[0][2]
        if self.requests[0][0] in ("deny", "other") and says_not_found(self.text):
            # "no lo encuentro" / "I can't find it" with nothing offered: a parcel not there
            self.requests = [("missing_item", self.text)]
        if len(self.requests) > 1:
            # "The skillet arrived but I can't use it. I want to return it.": a parcel said to
            # have arrived is no missing parcel, whatever the model reads in the clause
            # (nor is "the charger got here today, way late." a question where it is)
            self.requests = [r for r in self.requests
                             if r[0] not in ("missing_item", "order_status")
                             or happened(r[1]) != "delivered" or "?" in r[1]] \
                or self.requests
        # "if my kettle hasnt shipped yet cancel it, otherwise ...": a cancellation, asked
        # on a condition the order's state settles (the model reads a status question)
        self.requests = [("cancel_order", t) if i == "order_status"
                         and _CANCEL_IF_NOT_SHIPPED.search(normalize(t)) else (i, t)
                         for i, t in self.requests]
        if self.requests[0][0] == "deny" and asks_whether_to_cancel(self.text):
            # "I just want to know if it can still be cancelled, don't cancel it": asked
            # about, which only offers it
            self.requests = [("cancel_order", self.text)]
        if self.requests[0][0] in _SAID_IN_SO_MANY_WORDS and len(self.requests) == 1 \
                and self.confidence < CLEAR_REQUEST_CONFIDENCE \
                and not _SAID_IN_SO_MANY_WORDS[self.requests[0][0]].search(normalize(self.text)):
            # "actually", "well": the model half reads a person asked for, or a goodbye, in a
            # word that says neither (the conversation had gone to the leads, or ended)
            self.requests = [("other", self.text)]
        if len(self.requests) == 1:
            # the whole message, but a fault it denies ("nothing is broken, are the spatulas
            # dishwasher safe?"), or the request of another item than one it refuses ("dont
            # cancel the kettle, cancel the charger")
            intent, clause = self.requests[0]
            told = clause if negated(intent, self.text) and not negated(intent, clause) \
                else without_faults_denied(self.text)
            again = "return_request" if only_not_needed(intent, self.text) \
                else read_problem_again(intent, clause)
            self.requests = [(again, told)]
        else:
            # "has the lantern arrived? when will the bulbs ship?": each clause read again (the
            # model read the first as a defect, and a refund followed)
            self.requests = [(read_problem_again(intent, text), text)
                             for intent, text in self.requests]
            if any(intent in STATED_PROBLEMS for intent, _ in self.requests):
                # "The lantern won't turn on. What should I do?": the question is about the
                # problem (its return is offered), not one for the seller
                self.requests = [r for r in self.requests if r[0] in STATED_PROBLEMS
                                 or not asks_what_to_do(r[1]) or len(words(r[1])) > 6]
                self.requests = _with_its_return(self.requests)
        # "if it doesnt come by monday i want a refund": when a claim can be made, which the
        # order's status says (it had been "once it arrives you can return it")
        # (once: "my speaker hasnt arrived. if it doesnt come by monday ..." asks it already)
        asked_where = any(i == "order_status" for i, _ in self.requests)
        self.requests = [("order_status", t) if (i in RETURN_INTENTS or i == "refund_status")
                         and _REFUND_IF_NOT_COME.search(normalize(t)) else (i, t)
                         for i, t in self.requests
                         if not (asked_where and (i in RETURN_INTENTS or i == "refund_status")
                                 and _REFUND_IF_NOT_COME.search(normalize(t)))] \
            or self.requests
        if len(self.requests) > 1:
            # "where is my charger? the kettle can wait": a clause the model reads as a product
            # question that asks nothing is said in passing, not a question for the seller
            self.requests = [r for r in self.requests
                             if r[0] != "product_question"
                             or not (asks_nothing(r[1]) or names_nothing_asked(r[1]))] \
                or self.requests
        if len(self.requests) > 1:
            # "the cheese was great, no problems at all. when does the socks order come?": an
            # item praised is no problem told, whatever the model reads in "problems"
            self.requests = [r for r in self.requests if r[0] not in STATED_PROBLEMS
                             or not PRAISED.search(normalize(r[1])) or return_reason(r[1])] \
                or self.requests
        if len(self.requests) > 1:
            # "my charger never arrived. can you check?": what the request before asks, said
            # again (it had got a second answer); "el cargador ya llegó? xq si no me voy de
            # viaje sin él": why it is asked, read as the same request
            self.requests = [r for n, r in enumerate(self.requests)
                             if not _ONLY_ASKS_TO_CHECK.match(normalize(r[1]))
                             and not (n and r[0] in (self.requests[n - 1][0], "missing_item")
                                      and self.requests[n - 1][0] in ("missing_item",
                                                                      "order_status")
                                      and _BECAUSE.match(normalize(r[1])))] or self.requests
        if len(self.requests) > 1 and any(i == "change_address" for i, _ in self.requests):
            # "me pueden cambiar la dirección de las cortinas? es 88 calle hidalgo, phoenix az
            # 85001": the address goes with its request (read alone, it had been a product
            # question for the seller, and the address asked again)
            given = [t for i, t in self.requests if i != "change_address" and names_an_address(t)]
            if given:
                self.requests = [(i, "\n".join([t, *given]) if i == "change_address" else t)
                                 for i, t in self.requests if t not in given]
        if len(self.requests) > 1 and any(i == "product_question" for i, _ in self.requests):
            # "el cargador trae cable? xq no venía nada en la caja": why it is asked, which
            # the answer settles (not a parcel come empty, refunded on silence)
            self.requests = [r for r in self.requests if r[0] != "missing_item"
                             or not _BECAUSE.match(normalize(r[1]))] or self.requests
            # "is the mattress a king? cant remember what i ordered": why it is asked, no
            # wrong item (a yes to the return offered had returned it at the seller's cost)
            self.requests = [r for r in self.requests if r[0] not in STATED_PROBLEMS
                             or not _UNSURE_WHAT_WAS_ORDERED.search(normalize(r[1]))] \
                or self.requests
        self._questions_of_items_ordered()
        if any(intent == "product_question" for intent, _ in self.requests):
            # "is the blanket machine washable? will it shrink?": each question answered
            self.requests = [request for intent, text in self.requests
                             for request in (each_question(text) if intent == "product_question"
                                             else [(intent, text)])]
        self._read_against_what_came_before()
        return self.language, self.requests[0][0], self.confidence

    def _questions_of_items_ordered(self) -> None:
        """Questions about an item the customer ordered that the model reads as something
        else: a greeting, or a question before buying."""
        if len(self.requests) == 1 and self.requests[0][0] in ("greeting", "other") \
                and self.confidence < CLEAR_REQUEST_CONFIDENCE and "?" in self.text \
                and YES_NO_START.match(normalize(self.requests[0][1].split(",")[-1]).strip()) \
                and not asks_to_buy(self.text) and not _OF_THE_PARCEL_OR_RETURN.search(
                    normalize(self.text)) and self._named_order_of(self.text) is not None:
            # "hey going to london next month, can i use my charger there?": a question about
            # an item ordered (it had been a greeting; not "is the drill coming today")
            self.requests = [("product_question", self.text)]
        if any(intent == "pre_order" for intent, _ in self.requests):
            # "kettle holds how much in oz?" of a kettle ordered: a question about it, not one
            # before buying (it had been sent to the product page)
            # (nor "que base tienen" after "los focos son dimeables?")
            before = {} if self._topic_is_stale() else self.state.get("last") or {}
            self.requests = [self._asked_before_buying(t, before) if i == "pre_order" else (i, t)
                             for i, t in self.requests]

    def _asked_before_buying(self, text: str, before: dict) -> tuple[str, str]:
        """A question the model reads as one before buying, read again: of an item ordered,
        where it is or its return ("is the drill coming today", "how do i even ship the mugs
        back"), else a question about it; going on from a product question, one too."""
        ordered = self._named_order_of(text) is not None
        if ordered and (asked := _asked_of_an_order(text)):
            return asked, text
        if asks_a_question(text) and not asks_to_buy(text) \
                and not _OF_THE_PARCEL_OR_RETURN.search(normalize(text)) \
                and (ordered or before.get("intent") == "product_question"):
            return "product_question", text
        return "pre_order", text

    def _read_against_what_came_before(self) -> None:
        """The message read with the conversation before it: a chase of the last request
        ("any update?"), a question going on from a product question, the items of a return
        said again, an item named alone, an order number alone."""
        if len(self.requests) == 1 and self._asks_what_comes_back():
            # "how much will i get back" after a return: where its refund stands (it had been
            # "questions before buying are answered by the seller")
            self.requests = [("refund_status", self.text)]
        last = {} if self._topic_is_stale() else self.state.get("last") or {}
        if last.get("intent") not in _SAYS_WHAT_NEXT and not self._topic_is_stale():
            # "one of my mugs came chipped", "has the seller got back to you yet?" (no refund
            # of it), "any update?": the claim, kept through the questions after it
            last = self.state.get("claim") or last
        # (the words first: the open cases are looked up only for a chase)
        if len(self.requests) == 1 and last.get("intent") in _SAYS_WHAT_NEXT \
                and (_ASKS_WHAT_NEXT.match(normalize(self.text))
                     or asks_how_to_send_back(self.text)) \
                and (last["intent"] != "product_question" or self._asked_the_seller()):
            # "cancel the kettle" then "how long does that usually take": where that request
            # stands, with its deadline (it had gone to the seller as a product question)
            self.requests = [(last["intent"], last["text"])]
            self.chasing = True
        if len(self.requests) == 1 and self._follows_a_product_question():
            # "el cargador se puede dejar conectado toda la noche?" then "y si lo dejo en el
            # carro cerrado?": the model half reads a parcel left somewhere (a claim followed)
            self.requests = [("product_question", self.text)]
        if len(self.requests) == 1 and self.requests[0][0] == "product_question" \
                and last.get("intent") in RETURN_INTENTS and self._only_items_of(last["order_id"]):
            # "return the spatulas and both mugs" then "both mugs AND the spatula set pls":
            # the return again, of these (it had gone to the seller as a product question)
            self.requests = [(last["intent"], f"{last['text']}\n{self.text}")]
        named = self._only_an_item()
        if named is not None:
            # "the charger", "and the charger?", "y la tetera?": the last question, or where
            # it is, about that order (the model reads a bare product name as anything)
            last = {} if self._topic_is_stale() else self.state.get("last") or {}
            again = last.get("intent") if last.get("intent") in _ASKED_AGAIN else "order_status"
            if last.get("intent") in _DONE_TO_ANOTHER_TOO and adds_an_item(self.text):
                # "the mug arrived chipped" then "actually the spatulas too": the same request,
                # of the item named now, the first message read with it for its reason
                self.requests = [(last["intent"], f"{last['text']}\n{self.text}")]
                self.item_hint = self.text
            elif again == "product_question":
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

    def _asks_what_comes_back(self) -> bool:
        """A question how much a return just asked brings back."""
        last = {} if self._topic_is_stale() else self.state.get("last") or {}
        return last.get("intent") in (*RETURN_INTENTS, "missing_item") \
            and bool(_HOW_MUCH_BACK.search(normalize(self.text))) and not find_order_ids(self.text)

    def _asked_the_seller(self) -> bool:
        """Whether a product question of this conversation waits on the seller (asked about
        again, "did the seller answer?"; an answer given is not repeated for "any update?")."""
        return any(case.kind == case_rules.PRODUCT_QUESTION
                   for case in open_cases_of_conversation(self.connection, self.conversation.id,
                                                          OPEN_STATUSES))

    def _follows_a_product_question(self) -> bool:
        """A question that goes on from the product question before ("y si ...?", "y en
        qué color vienen", "and what if ...?"), which the model reads unsurely as something
        else."""
        last = {} if self._topic_is_stale() else self.state.get("last") or {}
        intent = self.requests[0][0]
        return last.get("intent") == "product_question" and intent != "product_question" \
            and self.confidence < CLEAR_REQUEST_CONFIDENCE \
            and ("?" in self.text or starts_a_question(self.text)) \
            and bool(_GOES_ON.match(normalize(self.text))) and not find_order_ids(self.text) \
            and not _OF_THE_PARCEL.search(normalize(self.text))

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
        elif not (self._take_back_then_ask() or self._narrowed_cancellation()
                  or self._take_back_claim()
                  or self._correct_the_address_asked() or self._withdraw_cases()
                  or self._accept_offer(intent) or self._continue_pending(intent)
                  or self._correction(intent)):
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
            orders = self.own_orders()
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
        elif self.state.get("pending") or last.get("intent") not in _ASKED_AGAIN:
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

    def _forget_stale_topic(self) -> None:
        """After a long pause a new message starts a fresh topic (identity checks stay)."""
        if self._topic_is_stale():
            for key in ("pending", "offer", "focus", "last", "claim", "return", "unclear",
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
        if order is None:
            requests = self._one_per_item(requests)
        said_of_the_last = len(self.says)
        for index, (intent, text) in enumerate(requests):
            if index and only_if_not(text) and any(
                    s.template == "case_opened" and s.context.get("kind") != "product_question"
                    for s in self.says[said_of_the_last:]):
                # (after a question sent to the seller, "si no mejor la cancelo" is read: "is
                # the speaker waterproof? if not i'll cancel" waits on no request)
                # "change the address? if not just cancel": the seller is asked the first, and
                # the customer is told when it cannot be done (then asks the second)
                self.decide(Decision("kept_for_if_not", ("dialogue.asked_only_if_not",),
                                     {"intent": intent}))
                if intent in ("cancel_order", "change_address", "return_request",
                              "refund_status"):
                    # (not "si no, me voy de viaje sin él": no request, whatever it reads as)
                    self.say("only_if_not", intent=intent)
                continue
            said_of_the_last = len(self.says)
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

    def _one_per_item(self, requests: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """"Where are my kettle and my charger?": a question about each order named; "cancel
        the bulbs and return the lantern": each action asked. "cancel the kettle but keep the
        charger" is no request of each."""
        if self.named_order is not None \
                or not any(i in (*_ASKED_ABOUT_EACH, *_ACTIONS) for i, _ in requests):
            return requests
        labels = [", ".join(o.item_titles) for o in self._and_verified_today(self.own_orders())]
        if len(labels) < 2 or self._mentioned_order_ids():
            return requests
        each: list[tuple[str, str]] = []
        for intent, text in requests:
            if intent in _ACTIONS and (actions := each_action(text, labels)):
                each += actions  # "cancel the bulbs and return the lantern"
                continue
            pieces = about_each_item(text, labels) if intent in _ASKED_ABOUT_EACH else []
            each += [(_asked_of_the_item(intent, piece), piece) for piece in pieces] \
                or [(intent, text)]
        return each

    def _respond(self, intent: str, text: str, order: OrderFacts) -> None:
        if intent == "cancel_order" and order.shipped \
                and _CANCEL_IF_NOT_SHIPPED.search(normalize(text)):
            # "if my charger hasnt shipped yet cancel it, otherwise ill return it": it has
            # shipped, so no cancellation is asked; where it is, and the rest of the message
            intent = "order_status"
        self.state["focus"] = self.focus_order_id = order.order_id
        self.state["last"] = {"intent": intent, "text": text, "order_id": order.order_id}
        if intent in CLAIMS:  # kept through the questions after it ("any update?")
            self.state["claim"] = self.state["last"]
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
                intent == offered and not self.text.strip().lower().startswith(CORRECTION_STARTS))
        else:
            # the offered request said again is a yes; asked about again, it is no answer;
            # more of the story of a problem, asking nothing ("already tried another outlet"
            # after a return was offered for a flickering lamp), is not asked again either
            correction = self.text.strip().lower().startswith(CORRECTION_STARTS)
            norm = normalize(self.text)
            agrees = bool(_AGREES.search(norm))
            story = offered in RETURN_INTENTS and (intent in STATED_PROBLEMS or intent == "other") \
                and not correction \
                and not asks(self.text) and not WANTS_IT_BACK.search(norm) and not agrees
            accepted = intent == "affirm" or bool(_YES_FIRST.match(self.text)) or (
                intent == offered and not story and not asks_whether_to_cancel(self.text)
                and not correction and not _ASKS_WHAT_HAPPENED.match(norm))
            # "hmm not sure" is no yes; nor "yes but I don't want a refund" (unless what they
            # want instead is a replacement, which the return flow asks the seller for)
            unsure = UNSURE.search(norm) and not agrees  # "idk yeah ok do it" agrees
            accepted = accepted and not unsure and not (
                offered in RETURN_INTENTS and refuses_a_refund(self.text)
                and not wants_replacement(self.text))
            # "no se, me pueden mandar otro nuevo?": another one, for the problem told (read
            # alone, the wish had been a wrong item, and the seller never read the fault)
            # ("no sé, ..." is no correction)
            accepted = accepted or (offered in RETURN_INTENTS and wants_replacement(self.text)
                                    and (not correction or bool(UNSURE.search(norm))))
            if not accepted and story and self._offer_again(offer):
                return True
        if not accepted:
            if offered in RETURN_INTENTS:
                self.state.pop("return", None)  # the item offered is no longer the topic
            return False
        order = load_order(self.connection, offer["order_id"])
        if order is None:
            return False
        self.answered_intent = offered
        self.accepting = True
        if offer.get("case_id"):
            self.responder.cancel_after_offer(order, offer["case_id"])
        else:
            # "can I still cancel it?" / "yes": the seller reads both
            asked = offer.get("text") or offer.get("items_said")
            self._respond(offered, f"{asked}\n{self.text}" if asked else self.text, order)
        return True

    def _offer_again(self, offer: dict) -> bool:
        """The return offered again, nothing done: the customer told more of the problem
        (it opened a return, or a case about a lost parcel, unasked)."""
        order = load_order(self.connection, offer["order_id"])
        known = self.state.get("return") or {}
        item = next((i for i in order.items if i.asin == known.get("asin")), None) \
            if order is not None else None
        if item is None:
            return False
        self.state["offer"] = offer
        self.decide(Decision("return_offered_for_problem", ("dialogue.more_of_the_story",),
                             {"order_id": order.order_id, "asin": item.asin}))
        self.say("problem_offer", title=item.title, order=order)
        return True

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
        if not last or not (intent == "deny" or lowered.startswith(CORRECTION_STARTS)) \
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
        if last["intent"] in RETURN_INTENTS and self._return_of_another_item(last):
            return True
        candidates = [o for o in every if o.order_id != last["order_id"]]
        labels = [", ".join(o.item_titles) for o in candidates]
        named = choose_by_name(self.text, labels)
        if named is None and candidates and THE_OTHER.search(self.text):
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
        if last["intent"] in REFUSABLE:
            # "cancel the drill" then "no wait, the charger": the drill stays as it is (and
            # the case the request opened, whatever its kind: "cancel my charger", late past
            # its claim point, had opened a not-received case, refunded on silence)
            for case in self.withdraw_open_cases(lambda c: c.order_id == last["order_id"] and (
                    c.kind == REFUSABLE[last["intent"]]
                    or c.kind in PARCEL_CASES and c.customer_text == last["text"])):
                self.say("case_withdrawn", order_id=case.order_id, taken_back=True)
        if last["intent"] in RETURN_INTENTS and (old := load_order(self.connection,
                                                                   last["order_id"])):
            # "return the skillet, too heavy" then "sorry no i meant the spatulas not the
            # skillet": the skillet's case (or return not yet sent) is withdrawn, and the
            # item named is the one going back (its order's items had been offered)
            cases, withdrawn, _ = self._undo_claim(old) or ([], [], [])
            if cases or withdrawn:
                self.say("case_withdrawn", order_id=old.order_id, taken_back=True,
                         replaced=True)
            self.state.pop("return", None)
            self.item_hint = self.text
        self._respond(last["intent"], last["text"], candidates[named])
        return True

    def _return_of_another_item(self, last: dict) -> bool:
        """"The mug is cracked, is that normal?" then "no, the spatula set": the same request
        about the other item of the same order; a case asked about the first is withdrawn."""
        order = load_order(self.connection, last["order_id"])
        if order is None or len(order.items) < 2:
            return False
        named = choose_by_name(self.text, [item.naming_text for item in order.items])
        if named is None:
            return False
        self.state.pop("return", None)
        for case in self.withdraw_open_cases(lambda c: c.kind in case_rules.RETURN_KINDS
                                             and c.order_id == order.order_id):
            self.say("case_withdrawn", order_id=case.order_id, taken_back=True, replaced=True)
        self.answered_intent, self.item_hint = last["intent"], self.text
        self.decide(Decision("corrected", ("dialogue.customer_named_another_item",),
                             {"order_id": order.order_id, "asin": order.items[named].asin}))
        self._respond(last["intent"], last["text"], order)
        return True

    # -- identity (POLICY.md F) ------------------------------------------------------------

    def _today(self) -> str:
        return self.now.astimezone(self.policy.timezone).date().isoformat()

    def _verified_today(self) -> set[str]:
        verified = self.state.get("verified", {})
        return set(verified.get("order_ids", [])) if verified.get("date") == self._today() else set()

    def _failures_today(self) -> int:
        failures = self.state.get("failed_verifications", {})
        return failures.get("count", 0) if failures.get("date") == self._today() else 0

    # -- finding the order ---------------------------------------------------------------

    # -- recording ---------------------------------------------------------------------------

    def say(self, template: str, **context: Any) -> None:
        self.says.append(Say(template, context))

    def decide(self, decision: Decision) -> None:
        record_decision(self.connection, decision, self.now,
                        conversation_id=self.conversation.id, message_id=self.message_id)
