"""Which of the customer's orders a turn is about: an order number said, an item named (in a
recent order or an older one, by another name of the same goods), the order in focus, or the
question "which one?"; and goods named that none of their orders holds."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.facts import OrderFacts
from bot.identifiers import find_order_ids, find_postal_code, find_tracking_numbers
from bot.messages import Channel, Decision
from bot.order_choice import Offered, choose_by_description
from bot.orders import load_order, load_orders, recent_orders
from bot.rereading import (
    ALSO,
    THE_OTHER,
    named_as_the_object,
    named_as_the_subject,
    named_by_the_asking_sentence,
    without_praise,
)
from bot.returns import local_day
from bot.text import normalize, words
from bot.understanding import (
    choose_by_name,
    names_several,
    names_something,
    naming_words,
    only_names,
)
from storage.orders import order_ids_by_tracking
from storage.returns import returns_for_order

# the words beside item names in a list of them: "both mugs AND the spatula set pls"
_ONLY_ITEMS_FILLERS = frozenset((
    "the", "my", "a", "and", "both", "all", "of", "them", "too", "also", "plus", "pls", "plz",
    "please", "just", "only", "set", "x", "el", "la", "los", "las", "mi", "mis", "y", "e",
    "ambos", "ambas", "todo", "todos", "todas", "tambien", "porfa", "por", "favor", "one",
    "two", "una", "uno", "dos"))


class OrderFinding:
    """Part of `bot.dialogue.CustomerTurn` (its state, `say`, `decide`, identity checks)."""

    def own_orders(self) -> list[OrderFacts]:
        """The customer's recent orders (by their phone or email)."""
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
        """The order the conversation is about, when that needs no question: one of theirs
        the message names by number or by item ("an invoice for order 112-..."), the focus,
        or the customer's only recent order."""
        own = self.own_orders()
        mentioned = self._mentioned_order_ids()
        for order in own:
            if order.order_id in mentioned:
                return order
        named = choose_by_name(self.text, [", ".join(o.item_titles) for o in own]) \
            if len(own) > 1 else None
        if named is not None:
            return own[named]
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
        candidates = self._and_verified_today(self.own_orders())
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
        # what is cancelled or returned first ("quiero cancelar las cortinas y saber donde
        # esta la cobija"), then the request's own words: in "cancel the curtains. and can the
        # blanket go in the dryer?" the cancellation is about the curtains
        named = named_as_the_object(requests[0][1], labels) \
            if requests[0][0] in ("cancel_order", "return_request") else None
        if requests[0][0] == "product_question":
            # "los focos sirven para una lámpara cerrada?": about the bulbs
            named = named_as_the_subject(requests[0][1], labels)
        if named is None:
            # "las mantas están bien, pero la tabla llegó rota": the board
            named = choose_by_name(without_praise(requests[0][1]), labels)
        if named is None:
            # "cancel the drill, and the charger still hasnt come": the charger's order, not
            # the drill kit "..., 2 Batteries and Charger" (the name before a title's first
            # comma is what the item is)
            named = choose_by_name(requests[0][1], [", ".join(t.split(",")[0] for t in o.item_titles)
                                                    for o in candidates])
        if named is None:
            # "cancel the kettle please. also the skillet came rusty": the sentence that asks
            # it names the order
            named = named_by_the_asking_sentence(requests[0], labels)
        if named is None:
            # "my drill is late. Where is it?": "it" is what the sentence before names
            before = self.text[:max(self.text.find(requests[0][1]), 0)]
            sentences = [p for p in re.split(r"(?<=[.!?])\s+", before) if p.strip()]
            named = choose_by_name(sentences[-1], labels) if sentences else None
        if named is None:
            named = choose_by_name(self.text, labels)
        if named is None and names_several(requests[0][1], labels):
            # "I ordered a kettle and a charger and nothing arrived": which of them, not the
            # order in focus or the one a description fits
            self._ask_which_order(candidates, labels, requests, again=False)
            return None
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
        if requests[0][0] == "change_address":
            # "me equivoqué en la dirección": the one order not shipped is the one whose
            # address can still change, when the others have come (it had been asked, and
            # asked again after the address); one on its way may be the one meant
            unshipped = [o for o in candidates if not o.shipped and o.status != "Canceled"]
            if len(unshipped) == 1 and all(o.delivered or o.status == "Canceled"
                                           for o in candidates if o is not unshipped[0]):
                return unshipped[0]
        if requests[0][0] == "refund_status":
            # only asks: the one order a refund can be about needs no question
            refundable = [o for o in candidates if o.status == "Canceled"
                          or returns_for_order(self.connection, o.order_id)]
            if len(refundable) == 1:
                return refundable[0]
        self._ask_which_order(candidates, labels, requests, again=False)
        return None

    def _and_verified_today(self, orders: list[OrderFacts]) -> list[OrderFacts]:
        """These orders and the others the customer proved today (order number and ZIP)."""
        known = {o.order_id for o in orders}
        return orders + load_orders(self.connection, sorted(self._verified_today() - known))

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
        orders = self._and_verified_today(self._every_order())
        labels = [", ".join(o.item_titles) for o in orders]
        # (the goods word itself must name one: "is the lantern waterproof?" does not name
        # a "Waterproof" speaker, nor "the kettle stainless steel?" a stainless steel bottle)
        if not orders or any(names & naming_words(label) for label in labels) \
                or choose_by_name(said, labels) is not None:
            return False
        outcome = "product_not_ordered" if question else "goods_not_ordered"
        self.decide(Decision(outcome, ("dialogue.goods_not_in_customer_orders",),
                             {"named": said, "order_ids": [o.order_id for o in orders]}))
        self.say("not_ordered", named=said, orders=orders[:3], question=question)
        return True

    def _names_one_of_theirs(self) -> bool:
        """Whether the message names one of the customer's items, or "the other one"."""
        labels = [", ".join(o.item_titles) for o in self._every_order()]
        return bool(THE_OTHER.search(self.text)) or choose_by_name(self.text, labels) is not None

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
            listed = {o.order_id for o in self.own_orders()}
            self._every = self.own_orders() + [o for o in every if o.order_id not in listed]
        return self._every

    def _ask_which_order(self, candidates: list[OrderFacts], labels: list[str],
                         requests: list, *, again: bool) -> None:
        """The numbered question naming the orders' items, the requests kept for the answer."""
        # each item of an order shown: "1) LED A19 Light Bulbs + Plug-in LED Night Light"
        options = [{"order_id": o.order_id, "label": label, "titles": list(o.item_titles),
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

    def _described(self, orders: list[OrderFacts]) -> int | None:
        """Which of these orders the message describes ("the one that arrived", "el de
        octubre"), when it fits one."""
        offered = [Offered(local_day(o.purchased_at, self.policy), o.delivered,
                           o.delivered_at and local_day(o.delivered_at, self.policy), o.shipped)
                   for o in orders]
        return choose_by_description(self.text, offered, local_day(self.now, self.policy))

    def _only_items_of(self, order_id: str) -> bool:
        """Whether the message only names items of the order, with words saying all of them
        ("both mugs AND the spatula set pls"), and asks nothing."""
        order = load_order(self.connection, order_id)
        if order is None or "?" in self.text or len(self.text) > 80:
            return False
        naming = [naming_words(item.naming_text) for item in order.items]
        said = [w for w in words(normalize(self.text)) if w not in _ONLY_ITEMS_FILLERS]
        return bool(said) and any(naming_words(w) for w in said) and all(
            any(naming_words(w) & each for each in naming) or w.isdigit() for w in said)

    def _only_an_item(self) -> OrderFacts | None:
        """The customer's order whose item the message only names ("the charger?"), when no
        question of ours is pending (then it answers that): a recent one, else an older one
        ("and the skillet?" about last year's skillet)."""
        if self.state.get("pending") or len(self.text) > 60 or not names_something(self.text):
            return None
        text = re.sub(ALSO, "", self.text.strip(), count=1)
        recent = self.own_orders()
        for other_names in (False, True):  # the item's own words first, then other names
            for orders in (recent, self._every_order()[len(recent):]):
                found = [o for o in orders
                         if only_names(text, ", ".join(o.item_titles), other_names=other_names)]
                if len(found) > 1:
                    # "the charger": the charger's order, not the drill kit "..., 2 Batteries
                    # and Charger": the name before a title's first comma is what it is
                    found = [o for o in found if any(
                        only_names(text, title.split(",")[0], other_names=other_names)
                        for title in o.item_titles)] or found
                if found:
                    return found[0] if len(found) == 1 else None
        return None
