"""A customer who wants to send something back, or has a damaged, defective, wrong or
incomplete item: the conversation asks only for what is missing (which item, why), applies
the return rules (`bot.returns`) and carries out the outcome: a return authorized with its
RMA, a refund without a return, a case with the seller, or a refusal with the reason."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy import Row

from bot import case_rules, returns
from bot.facts import ItemFacts, OrderFacts
from bot.messages import Channel, Decision
from bot.product_facts import said_not_included
from bot.rereading import (
    PRAISED,
    THE_OTHER,
    adds_an_item,
    asks_how_to_send_back,
    contrasted_parts,
    starts_a_question,
    without_praise,
)
from bot.return_reasons import (
    EMPTY_BOX,
    PAPERWORK,
    REASON_OF_INTENT,
    damaged_by_customer,
    denies_a_fault_only,
    missing_part_named,
    packaging_damaged_only,
    reasons_named,
    return_reason,
    wants_replacement,
    without_lateness,
)
from bot.text import normalize, words
from bot.understanding import (
    CLEAR_REQUEST_CONFIDENCE,
    SAID_FINE,
    asks_what_to_do,
    choose_by_name,
    choose_option,
    classify_intent,
    each_named,
    naming_words,
    negated,
    refuses_a_refund,
    says_every_item,
    wants_a_refund,
    waves_off,
)
from storage.returns import attachments_of, flag_at_risk, returns_for_order

if TYPE_CHECKING:
    from bot.dialogue import CustomerTurn

RETURN_INTENTS = {"return_request", "damaged_or_defective", "wrong_item"}

# Which case each outcome opens with the seller.
CASE_OF_OUTCOME = {
    returns.CASE_OUT_OF_POLICY: case_rules.RETURN_OUT_OF_POLICY,
    returns.CASE_EXEMPT: case_rules.RETURN_EXEMPT,
    returns.CASE_INTERNATIONAL: case_rules.INTERNATIONAL_RETURN,
    returns.CASE_REPLACEMENT: case_rules.REPLACEMENT,
}
# The reasons the customer is offered, numbered, when they did not say why.
ASKED_REASONS = ("damaged", "defective", "wrong_item", "missing_parts", "no_longer_needed",
                 "wrong_size_ordered", "ordered_by_mistake")
# Outcomes that say where the whole order stands (not shipped, on its way, canceled).
ORDER_OUTCOMES = {returns.NOT_SHIPPED, returns.NOT_DELIVERED, returns.ORDER_CANCELED}
# Reasons worth a photo for the seller.
PHOTO_REASONS = {"damaged", "defective", "wrong_item", "not_as_described", "missing_parts"}


# a number of units: "one mug", "1 mug", "una taza", "two of the mugs"
_A_COUNT = re.compile(r"\b(?:one|1|two|2|three|3|una|uno|dos|tres)\b")


# units said of a fault: "one of the mugs arrived chipped", "una de las tazas", "1 of 2"
_UNITS_TOLD = re.compile(r"\b(one|1|una|uno|two|2|dos)\s+(?:of|de)\s+(?:the|my|las|los|mis|"
                         r"\d)\b|\b(one|1|una|uno)\s+(?!of\b|de\b)[a-z]+\s+(?:is|was|came|arrived|"
                         r"has|had|llego|vino|esta|estaba|tiene|broken|cracked|chipped|damaged|"
                         r"shattered|dented|rot[oa]|quebrad[oa]|estrellad[oa]|despostillad[oa])\b")
# "1 broken 1 fine", "one has a crack in the handle, the other one is fine": one unit, when
# another is said fine (not "one is chipped and the other one too")
_ONE_TOLD = re.compile(r"\b(?:one|1|una|uno)\s+(?:broken|cracked|chipped|damaged|shattered|"
                       r"rot[oa]|quebrad[oa]|estrellad[oa]|has|had|is|was|came|arrived|broke|"
                       r"llego|vino|tiene|esta)\b")
_ANOTHER_FINE = re.compile(r"\b(?:(?:one|1|una|uno|(?:the )?other(?: one)?|la otra|el otro)\s+(?:is |was |"
                           r"looks |seems |came |arrived |esta |llego |vino )?(?:fine|ok|okay|good|"
                           r"perfect[oa]?|bien|intact[oa]?))\b")
# every unit after all: "the other one has a crack", "quiero devolver las dos", "both"
_EVERY_UNIT = re.compile(r"\b(?:both|all of them|all \d|whole order|the other (?:one )?(?:has|is|was|"
                         r"came|arrived|got)(?! (?:fine|ok|okay|good|great|perfect))|las dos|los dos|"
                         r"ambas|ambos|todas|todos|la otra tambien|el otro tambien|the other too|"
                         r"the other one too|the other one as well|the other as well)\b")
_UNIT_NUMBERS = {"one": 1, "1": 1, "una": 1, "uno": 1, "two": 2, "2": 2, "dos": 2}


def units_told(text: str, item: ItemFacts) -> int | None:
    """How many of an item ordered several times a fault is told of, when fewer than all
    ("one of the mugs arrived chipped, the other one is fine": one), else None."""
    norm = normalize(text)
    if item.quantity < 2 or _EVERY_UNIT.search(norm):
        return None
    found = _UNITS_TOLD.search(norm)
    units = _UNIT_NUMBERS[next(g for g in found.groups() if g)] if found \
        else 1 if _ONE_TOLD.search(norm) and _ANOTHER_FINE.search(norm) else None
    return units if units and units < item.quantity else None


# only some units, said alone ("no just one mug", "solo una", "one of them")
_JUST_UNITS = re.compile(r"\b(?:just|only|solo|nomas|nada mas)\s+(one|1|una|uno|two|2|dos)\b|"
                         r"\b(one|1|una|uno|two|2|dos)\s+(?:of (?:them|the \w+)|de (?:ellas|ellos|"
                         r"las|los)|nada mas|nomas)\b")


def units_said(text: str, item: ItemFacts) -> int | None:
    """How many of an item ordered several times the words say, when fewer than all and
    said so (the fault told with them, or "just one", "solo una")."""
    told = units_told(text, item)
    if told is not None or item.quantity < 2:
        return told
    found = _JUST_UNITS.search(normalize(text))
    units = _UNIT_NUMBERS[next(g for g in found.groups() if g)] if found else None
    return units if units and units < item.quantity else None


def _some_units(text: str, item: ItemFacts) -> bool:
    """Whether the words count units of an item ordered several times ("one mug", "1 of 2")."""
    return item.quantity > 1 and bool(_A_COUNT.search(normalize(text)))


def is_missing_parts(text: str, order: OrderFacts | None = None) -> bool:
    """A delivered order with parts missing is a return problem, not a lost parcel; but "it
    says delivered but the charger is missing", of a charger, is the item itself (the name
    before a title's first comma is what the item is: a drill kit's charger is a part)."""
    part = missing_part_named(text)
    if part is None and EMPTY_BOX.search(normalize(text)):
        return False  # "the box came empty": the item never came
    if return_reason(text) != "missing_parts" and (part is None or order is None):
        return False
    if part is None or order is None:
        return True
    # "manchego missing" of a cheese sampler names a part, whatever the reasons' words; "falta
    # la tabla" names the board itself (by its head noun: "jar scraper" is no jar)
    said = naming_words(part.split()[-1])
    named = _items_it_names(said, order)
    if named and _more_pieces_than_units(normalize(text), named):
        return True  # "one of the 4 cheeses was missing" of one cheese sampler: a piece of it
    return bool(said) and not named


# "one of the 4 cheeses", "only 3 in the box": a count of pieces
_PIECES = re.compile(r"\b(?:one|1|two|2) of the (\d+)\b|\bonly (\d+) (?:in the box|came|"
                     r"arrived)\b|\b(?:una|uno|1) de (?:los|las) (\d+)\b")


def _more_pieces_than_units(norm: str, named: list[ItemFacts]) -> bool:
    """Whether the words count more pieces than the units ordered of the item named."""
    counts = [int(n) for found in _PIECES.finditer(norm) for n in found.groups() if n]
    return bool(counts) and max(counts) > sum(item.quantity for item in named)


def _items_it_names(said: set[str], order: OrderFacts) -> list[ItemFacts]:
    """The items that words name by what they are: the name before a title's first comma."""
    return [item for item in order.items if said & naming_words(item.title.split(",")[0])]


def said_fine_of(text: str, item: ItemFacts, order: OrderFacts) -> bool:
    """Whether a part of the message says the item itself is fine ("the skillet inside is
    fine"; not "the box was fine", "the spatulas are fine" beside a chipped mug, nor "the
    skillet arrived with fine scratches")."""
    labels = [each.naming_text for each in order.items]
    for part in contrasted_parts(text):
        norm = normalize(part)
        if (SAID_FINE.search(norm) or PRAISED.search(norm)) and not _NOT_FINE.search(norm) \
                and not reasons_named(part):
            named = choose_by_name(part, labels)
            if named is not None and order.items[named].asin == item.asin:
                return True
    return False


# "it didn't come perfect", "no llegó bien": no praise
_NOT_FINE = re.compile(r"\b(?:not|no|didn'?t|didnt|never|isn'?t|wasn'?t)\b")


def missing_from_the_box(text: str, order: OrderFacts) -> tuple[ItemFacts, int | None] | None:
    """The item of a delivered order of several that did not come in the box, and how many
    of its units when only some ("one mug is missing, i paid for 2": the mug, 1; "the
    package came but the spatulas werent in it": the spatulas, all; "en la caja solo venían
    las espátulas": the mugs). None when the whole order, or a part of an item, is missing."""
    if len(order.items) < 2 and order.items[0].quantity < 2:
        return None
    part = missing_part_named(text)
    if part is not None:
        found = _items_it_names(naming_words(part.split()[-1]), order)
        if len(found) != 1:
            return None
        item = found[0]
    else:
        named = choose_by_name(text, [item.naming_text for item in order.items])
        if named is None or not ReturnFlow.only_came(text, order, named):
            return None
        item = order.items[named]
        if not _some_units(text, item):
            # what came is all of that item: the missing item is the other one
            return (order.items[1 - named], None) if len(order.items) == 2 else None
    return item, (1 if _some_units(text, item) else None)


# "only the spatulas came", "solo venían las espátulas": what came, in a report of what did not
_CAME = (r"(?:came|arrived|got|had|received|venia|venian|vino|llego|llegaron|traia|recibi)")
_ONLY_CAME = re.compile(rf"\b(?:only|just|solo|nomas|nada mas)\b(?:\W+\w+){{0,4}}?\W+{_CAME}\b"
                        rf"(?:\W+\w+){{1,3}}|\b(?:only|just|solo|nomas)\b(?:\W+\w+){{1,3}}\W+"
                        rf"{_CAME}\b|\b{_CAME}\W+(?:only|just|solo|nomas)\b(?:\W+\w+){{1,3}}")


# part of the money asked for, not all of it: the seller decides how much ("the cheddar
# smelled off, the others are fine. can i get like a partial refund")
_PART_OF_THE_MONEY = re.compile(r"\b(?:partial (?:refund|credit)|some (?:of my )?money back|"
                                r"a discount|some kind of discount|reembolso parcial|"
                                r"parte del dinero|parte de mi dinero|un descuento|"
                                r"devolucion parcial)\b")


# a problem told without saying what it is: "something is wrong with my cheese", "tengo un
# problema con lo que me llegó" (not a defect: asked what is wrong, never refunded as one)
SOMETHING_WRONG = re.compile(r"\b(?:something(?:'s| is)? (?:wrong|off|not right)|"
                             r"(?<!not )(?<!no )(?:a|an|some) (?:problem|issue)s?|not right|"
                             r"algo (?:esta |anda |salio )?mal|(?:un|algun) problema|"
                             r"no esta bien)\b")


# not part of the money: "a full refund, not a partial refund or a discount", "a discount on
# my next order"
_ALL_OF_THE_MONEY = re.compile(r"\b(?:full|whole|entire|total|completo|todo mi)\b.{0,12}"
                               r"\b(?:refund|reembolso|money|dinero)\b|"
                               r"\b(?:reembolso|dinero) (?:total|completo)\b")
_NOT_PART = re.compile(r"\b(?:not|no|ni|nor|instead of|rather than|en vez de|"
                       r"(?:don'?t|do not|no) (?:want|need|quiero|necesito)|"
                       r"not (?:looking for|asking for|after))\s+"
                       r"(?:a |an |un |una |el )?(?:partial|discount|descuento|reembolso parcial)|"
                       r"(?:discount|descuento)\s+(?:on|for|code|para|en)\b")


def asks_part_of_the_money(text: str) -> bool:
    """Whether the words ask for part of the money back, not all of it ("can i get like a
    partial refund"; not "a full refund, not a partial refund or a discount")."""
    norm = normalize(text)
    return bool(_PART_OF_THE_MONEY.search(norm)) and not _NOT_PART.search(norm) \
        and not _ALL_OF_THE_MONEY.search(norm)


# a return asked for with the problem: "no carga, ¿qué hago? lo quiero devolver"
WANTS_IT_BACK = re.compile(r"\b(?:return(?! policy)|send (?:it|them|the \w+) back|refund|replace|"
                           r"replacement|money back|mi dinero|"
                            r"devolver\w*|regresar\w*|reembolso|cambiar\w*|ya no l[oa]s? quiero|"
                            r"don'?t want (?:it|them))\b")


def _implied_by(intent: str, text: str) -> str | None:
    """The intent whose reason the words imply when they name none ("it stopped working"
    is defective), if the model is clear about it: at 0.3, "will the charger charge my
    laptop?" would be a defective item with the seller paying for its return."""
    read = classify_intent(text)
    clear = read.intent == intent and read.confidence >= CLEAR_REQUEST_CONFIDENCE
    return intent if clear else None


# the rules by which a problem of the box, not of the item, gets a return offered
ITEM_SAID_FINE = "return.item_said_fine"
PACKAGING_DAMAGED_ONLY = "return.only_the_packaging_damaged"


# the customer's own reasons, said when asked why ("no era lo que esperaba", "not what i
# expected"); beside a fault told ("not what i expected, it stopped holding its shape") the
# fault is the reason, so they are read only as an answer
_SOFT_REASONS = re.compile(r"\b(?:not what i (?:expected|was expecting|thought)|(?:isnt|isn'?t|"
                           r"wasnt|wasn'?t) what i expected|not as expected|not comfortable|"
                           r"uncomfortable|no (?:era|es) lo que (?:esperaba|pensaba)|"
                           r"no me convenc(?:e|io)|no es comod[oa]|incomod[oa]|no puedo dormir|"
                           # "its just not right for me", "no es para mi"
                           r"not (?:right )?for (?:me|us)|(?:doesn'?t|doesnt) suit (?:me|us)|"
                           r"no es para (?:mi|nosotros))\b|"
                           # "xq si", "porque sí": no reason but the customer's (said alone;
                           # "xq si no llega..." is "because if")
                           r"^\W*(?:xq|pq|x ?q|porque|por que) si\W*$")


class ReturnFlow:
    def __init__(self, turn: CustomerTurn) -> None:
        self.turn = turn

    def handle(self, intent: str, text: str, order: OrderFacts) -> None:
        turn = self.turn
        known = turn.state.get("return") or {}
        if known.get("order_id") != order.order_id:
            known = {"order_id": order.order_id}
        item = self._item(text, order, known, intent)
        if item is None:
            return
        known["asin"] = item.asin
        # "skillet came cracked. i want them to exchange it": the wish may be a request of
        # its own in the message
        replacement = known.get("replacement") or wants_replacement(text) \
            or wants_replacement(turn.text)
        part = missing_part_named(text)
        if part in PAPERWORK and not known.get("reason"):
            # a manual or a card missing: the seller sends it (not a refund of the item)
            turn.state.pop("return", None)
            turn.decide(Decision("case_missing_paperwork", ("return.paperwork_missing",),
                                 {"order_id": order.order_id, "asin": item.asin, "part": part}))
            turn.responder.open_case(case_rules.GENERAL, order, text, details={"asin": item.asin})
            return
        left_out = said_not_included(item, part) if part else None
        if left_out and not known.get("reason") \
                and not set(reasons_named(turn.text)) - {"missing_parts"}:
            # "the charger came without a cable": its details say the cable is not included;
            # told so, not refunded as a fault (nor a lost parcel)
            turn.state.pop("return", None)
            turn.decide(Decision("part_not_included", ("return.part_not_included_by_details",),
                                 {"order_id": order.order_id, "asin": item.asin, "part": part,
                                  "evidence": left_out}))
            turn.say("product_answer", title=item.title, evidence=left_out.rstrip(" .;,:"),
                     conversion=None)
            return
        if asks_part_of_the_money(turn.text) and not self._returned_already(order, item):
            turn.state.pop("return", None)
            turn.decide(Decision("case_partial_refund", ("return.part_of_the_money_asked",),
                                 {"order_id": order.order_id, "asin": item.asin}))
            turn.responder.open_case(case_rules.GENERAL, order, text, details={"asin": item.asin})
            return
        why = self._only_offered(intent, text, replacement, order, item)
        if why and not self._returned_already(order, item):
            # "it won't charge my laptop, what do I do?" (and "no, the spatula set" after it),
            # "the box was dented, cheese is fine tho, fyi", "but I don't want to return it":
            # a return offered, not started; the customer may want help, or nothing, not
            # their money back
            turn.state["offer"] = {"intent": intent, "order_id": order.order_id, "text": text}
            if why in (ITEM_SAID_FINE, PACKAGING_DAMAGED_ONLY):
                # a yes returns a whole item: its reason is asked, not the box's damage
                turn.state["offer"] = {"intent": "return_request", "order_id": order.order_id}
            turn.state["return"] = known  # the item, for the yes
            turn.decide(Decision("return_offered_for_problem", (why,),
                                 {"order_id": order.order_id, "asin": item.asin}))
            turn.say("problem_offer", title=item.title, order=order)
            return
        # a yes to the return offered for the problem: the problem's reason, as read then
        implied = intent if turn.accepting else None if SOMETHING_WRONG.search(
            normalize(text)) else _implied_by(intent, text)
        reason = known.get("reason") or return_reason(text, implied)
        if reason == "arrived_late" and returns.arrived_on_time(order) \
                and (fault := self._fault_besides_lateness(turn.text)):
            # "the skillet arrived late and it doesnt heat evenly" of an order on time: the
            # fault told, not a lateness there was not
            reason = fault
        elif reason in turn.policy.returns.customer_reasons and returns.arrived_late(order):
            # "the charger showed up a week late, i already bought another one": a late
            # delivery is the seller's to answer for (POLICY.md B), whatever else is said
            reason = "arrived_late"
        if returns.is_seller_fault(reason, turn.policy) and damaged_by_customer(turn.text) \
                and not self._returned_already(order, item):
            # "se me cayó la linterna y ya no prende": no fault of the seller's; whether it
            # comes back, and with what restocking fee (up to 50%), is the seller's to say
            turn.state.pop("return", None)
            turn.decide(Decision("case_damaged_by_customer",
                                 ("return.customer_caused_damage",
                                  "return.seller_decides_restocking"),
                                 {"order_id": order.order_id, "asin": item.asin,
                                  "reason": reason}))
            turn.responder.open_case(case_rules.GENERAL, order, text,
                                     details={"asin": item.asin, "customer_caused": True})
            return
        units = units_told(turn.text, item) or (
            known.get("units") if known.get("asin") == item.asin else None)
        if units is not None:
            item = replace(item, quantity=units)  # only the units told of go back
        items = [item, *(i for i in order.items if i.asin in known.get("more", ()))]
        photo = False
        for index, each in enumerate(items):
            if self._returned_already(order, each, tell=True):
                continue
            decision = returns.decide_return(order, each, reason, turn.now, turn.policy,
                                             wants_replacement=replacement)
            if decision.outcome == returns.NEEDS_REASON:
                # one reason for the items still to go back ("the spatulas and the mug")
                rest = items[index:]
                # ("i want to return one of the mugs": the units, kept for the reason)
                turn.state["return"] = {**known, "asin": each.asin,
                                        "more": [i.asin for i in rest[1:]],
                                        **({"units": units} if units is not None
                                           and each.asin == item.asin else {})}
                turn.state["pending"] = {"awaiting": "return_reason",
                                         "requests": [[intent, text]],
                                         "order_id": order.order_id}
                turn.say("ask_return_reason", title=each.title,
                         titles=[i.title for i in rest], reasons=ASKED_REASONS,
                         how_asked=asks_how_to_send_back(turn.text))
                return
            turn.state.pop("return", None)
            if decision.outcome == returns.RETURN_AUTHORIZED and self._keeps_it():
                # "I don't want to return it, I just want my money back": a refund without
                # the item back is the seller's to grant (POLICY.md C), not a return label
                turn.decide(Decision("case_refund_without_return",
                                     ("return.customer_keeps_the_item",
                                      "return.seller_decides_returnless"),
                                     {"order_id": order.order_id, "asin": each.asin}))
                turn.responder.open_case(case_rules.GENERAL, order, text,
                                         details={"asin": each.asin, "returnless_asked": True})
                continue
            turn.decide(decision)
            # (the reason the decision went by: "arrived late" of an order on time is not)
            photo = self._carry_out(decision, order, each, decision.facts.get("reason") or reason,
                                    text) or photo
            if decision.outcome in ORDER_OUTCOMES:
                break  # said of the whole order, once
        turn.state.pop("return", None)
        # a photo of a problem with an item the customer has, asked once for all of them;
        # not on a call, which cannot reply with one
        if photo and turn.conversation.channel != Channel.VOICE.value \
                and not attachments_of(turn.connection, turn.conversation.id):
            turn.say("photo_request")

    def _only_offered(self, intent: str, text: str, replacement: bool, order: OrderFacts,
                      item: ItemFacts) -> str | None:
        """The rule by which a problem told gets a return offered, not carried out: the
        customer asks what to do and not for their money back, only lets us know, or refuses
        the return or refund without asking for a replacement; None to carry it out."""
        turn = self.turn
        if intent not in (*RETURN_INTENTS, "missing_item") or turn.accepting:
            return None
        # what the customer asks for outright is done: "no big deal but can I get a
        # replacement?", "fyi the skillet came rusty, I'd like a refund please", "I don't want
        # to return it, I just want my money back"
        asked = replacement or WANTS_IT_BACK.search(normalize(turn.text)) \
            and not refuses_a_refund(turn.text) or wants_a_refund(turn.text)
        if waves_off(turn.text) and not asked:
            return "return.customer_only_told_us"
        if not asked and said_fine_of(turn.text, item, order):
            # "box came crushed but the skillet inside is fine": the box's problem, told
            return ITEM_SAID_FINE
        if not asked and packaging_damaged_only(turn.text):
            # "the gift card envelope came torn": the card may be whole
            return PACKAGING_DAMAGED_ONLY
        if refuses_a_refund(turn.text) and not asked:
            return "return.customer_refused_a_refund"
        if (asks_what_to_do(text) or asks_what_to_do(turn.text)) \
                and not WANTS_IT_BACK.search(normalize(turn.text)):
            return "return.customer_asked_what_to_do"
        if "?" in turn.text and starts_a_question(turn.text) and not turn.chasing \
                and not WANTS_IT_BACK.search(normalize(turn.text)):
            # "Is the skillet chipped on purpose? the edge looks rough": asked about, not told
            return "return.customer_asked_about_it"
        return None

    @staticmethod
    def _fault_besides_lateness(text: str) -> str | None:
        """The fault the rest of the words tell, when they are clearly about one."""
        rest = without_lateness(text)
        read = classify_intent(rest) if len(words(rest)) >= 3 else None
        clear = read is not None and read.confidence >= CLEAR_REQUEST_CONFIDENCE
        return REASON_OF_INTENT.get(read.intent) if clear else None

    def _keeps_it(self) -> bool:
        """Whether the customer asks for the money back and refuses to send the item back."""
        text = self.turn.text
        return negated("return_request", text) and wants_a_refund(text)

    def _returned_already(self, order: OrderFacts, item: ItemFacts, *, tell: bool = False) -> bool:
        """Whether the item was already returned or refunded (a correction, a second "parts
        are missing"): `tell` says where that stands, never a second RMA for the same item."""
        turn = self.turn
        recorded = [r for r in returns_for_order(turn.connection, order.order_id)
                    if r.asin in (item.asin, "*")]
        if not returns.returned_in_full(item, recorded):
            return False
        if tell:
            decision = returns.refund_status(order, recorded, turn.now, turn.policy)
            turn.decide(Decision(decision.outcome, ("return.already_recorded", *decision.reasons),
                                 decision.facts))
            turn.say("refund_status", outcome=decision.outcome, order=order,
                     facts=decision.facts)
        return True

    def _more_units_of_the_case(self, kind: str, order: OrderFacts, item: ItemFacts,
                                ordered: ItemFacts) -> bool:
        """"una de las tazas llegó rota" then "también la otra taza está despostillada": the
        open case of one mug is of both now, and the seller reads the addition in its thread
        (it had stayed of one mug, the other owed)."""
        turn = self.turn
        case = self._case_of_some_units(order, (kind,))
        told = (case.details or {}) if case is not None else {}
        if told.get("asin") != item.asin \
                or not (THE_OTHER.search(turn.text) or adds_an_item(turn.text)):
            return False
        units = min(told["units"] + item.quantity, ordered.quantity) \
            if item.quantity < ordered.quantity else ordered.quantity
        turn.desk.count_units(turn.connection, case, order, units, turn.text, turn.now)
        turn.decide(Decision("case_detail_added", ("return.more_units_told",),
                             {"order_id": order.order_id, "asin": item.asin, "units": units}))
        turn.say("case_opened", kind=kind, order=order, deadline=case.deadline_at,
                 already_open=False, added_question=False, added_detail=True, details=told)
        return True

    def _case_of_some_units(self, order: OrderFacts, kinds: tuple[str, ...]) -> Row | None:
        """The order's open return case (of these kinds) of some units of an item only."""
        for kind in kinds:
            case = self.turn.desk.find_open(self.turn.connection, order.order_id, kind)
            if case is not None and (case.details or {}).get("units"):
                return case
        return None

    def _other_unit_of_a_case(self, order: OrderFacts) -> ItemFacts | None:
        """The item of the order whose open return case is of some of its units only."""
        case = self._case_of_some_units(order, case_rules.RETURN_KINDS)
        asin = case.details.get("asin") if case is not None else None
        return next((i for i in order.items if i.asin == asin), None) if asin else None

    @staticmethod
    def only_came(text: str, order: OrderFacts, named: int) -> bool:
        """Whether the words say the named item is the only one that came ("only the spatulas
        came", "solo venían las espátulas", "i only got one mug")."""
        labels = [item.naming_text for item in order.items]
        # "pedí 2 tazas y solo me llegó 1": a count of the item named before it
        return any(choose_by_name(match.group(0), labels) == named
                   or choose_by_name(match.group(0), labels) is None
                   and _A_COUNT.search(match.group(0)) is not None
                   and order.items[named].quantity > 1
                   for match in _ONLY_CAME.finditer(normalize(text)))

    def _item(self, text: str, order: OrderFacts, known: dict, intent: str) -> ItemFacts | None:
        """The item: the only one, the one named now or before, or ask which."""
        for item in order.items:
            if item.asin == known.get("asin"):
                return item
        if len(order.items) == 1:
            return order.items[0]
        labels = [item.naming_text for item in order.items]
        # "no, the spatula set"; "the mugs are great but the spatulas melted": the spatulas
        said = self.turn.item_hint or without_praise(text)
        # (of the whole message: "both arrived fine, but I want to return the spatula set")
        several = each_named(self.turn.item_hint or text, labels)
        if intent != "return_request" and not says_every_item(said):
            several = []  # "the spatulas and the mug, both arrived damaged" (not "the mug
            # arrived broken, the spatulas are missing": a problem each)
        if several:
            # "I want to return the spatulas and the mug", "both": one reason for all
            known["more"] = [order.items[i].asin for i in several[1:]]
            return order.items[several[0]]
        named = choose_by_name(said, labels)
        if named is not None and len(order.items) == 2 and self.only_came(text, order, named) \
                and not _some_units(text, order.items[named]) \
                and return_reason(text) in (None, "missing_parts"):
            # "en la caja solo venían las espátulas": the item missing is the other one (not
            # "me llegó solo una taza y rota": the item named is the one with the problem)
            return order.items[1 - named]
        if named is not None:
            return order.items[named]
        if THE_OTHER.search(text) and (other := self._other_unit_of_a_case(order)) is not None:
            return other  # "one of the mugs arrived chipped" then "the other one is cracked too"
        turn = self.turn
        turn.state["return"] = known
        turn.state["pending"] = {"awaiting": "item_choice", "order_id": order.order_id,
                                 "requests": [[intent, text]],
                                 "options": [{"asin": i.asin, "label": i.title,
                                              "naming": i.naming_text} for i in order.items]}
        turn.say("choose_item", options=turn.state["pending"]["options"])
        return None

    def _carry_out(self, decision, order: OrderFacts, item: ItemFacts, reason: str,
                   text: str) -> bool:
        """The outcome, carried out and told; whether a photo of the problem would help the
        seller (not of an item not yet shipped or delivered, nor of a return declined)."""
        turn = self.turn
        outcome = decision.outcome
        facts = decision.facts
        ledger = turn.desk.ledger
        context = {"order": order, "item": item, "outcome": outcome, "facts": facts,
                   "window_last_day": facts.get("window_last_day"),
                   "amount": item.price * item.quantity, "rma": None}
        if returns.is_seller_fault(reason, turn.policy):
            flag_at_risk(turn.connection, turn.conversation.id, "negative_feedback")
        if outcome == returns.RETURN_AUTHORIZED:
            record = ledger.authorize_return(turn.connection, order, item, reason,
                                             facts["return_shipping_paid_by"], turn.now,
                                             conversation_id=turn.conversation.id)
            context.update(rma=record.rma, payer=facts["return_shipping_paid_by"])
            turn.say("return_outcome", **context)
        elif outcome == returns.REFUND_RETURNLESS:
            record = ledger.refund_without_return(turn.connection, order, item, reason, turn.now,
                                                  conversation_id=turn.conversation.id)
            context.update(rma=record.rma, why=decision.reasons[-1])
            turn.say("return_outcome", **context)
        elif outcome in CASE_OF_OUTCOME:
            rules = turn.policy.returns
            returnless = (not item.returnable or item.category in rules.non_returnable_categories
                          or item.price <= order.seller.returnless_refund_max)
            details = {"asin": item.asin, "reason": reason, "returnless": returnless,
                       "seller_fault": returns.is_seller_fault(reason, turn.policy),
                       "window_last_day": facts.get("window_last_day")}
            ordered = next(i for i in order.items if i.asin == item.asin)
            if item.quantity < ordered.quantity:
                details["units"] = item.quantity  # on silence, only these units
            if self._more_units_of_the_case(CASE_OF_OUTCOME[outcome], order, item, ordered):
                return
            turn.responder.open_case(CASE_OF_OUTCOME[outcome], order, text, details=details)
        elif outcome == returns.NOT_SHIPPED:
            # "can i return the night lights?" / "yes" cancels the night lights, not the bulbs
            # of the same order: the yes is read with the items named
            turn.state["offer"] = {"intent": "cancel_order", "order_id": order.order_id,
                                   "items_said": text}
            turn.say("return_outcome", **context)
        else:  # declined, not delivered yet
            turn.say("return_outcome", **context)
        return reason in PHOTO_REASONS and outcome not in (returns.RETURN_DECLINED,
                                                           *ORDER_OUTCOMES)

    @staticmethod
    def reason_from_answer(text: str, lang: str) -> str | None:
        """The reason in an answer to "why are you returning it?": words, or the number of
        the listed reason."""
        reason = return_reason(text)
        if reason is not None:
            return reason
        norm = normalize(text)
        if _SOFT_REASONS.search(norm) and len(words(_SOFT_REASONS.sub(" ", norm))) <= 2 \
                or denies_a_fault_only(text):
            # (said alone: "no me convence, se calienta demasiado" tells a fault besides;
            # "no está roto" says nothing is wrong: the customer's reason)
            return "no_longer_needed"
        index = choose_option(text, [r.replace("_", " ") for r in ASKED_REASONS], lang)
        return ASKED_REASONS[index] if index is not None else None
