"""Returns and refunds (POLICY.md B) as rules: whether and how an item may come back, who pays
for it, what is refunded and by when. Pure: the order, the item, the reason, the policy and
`now` in; a Decision out, whose reasons name every rule that fired and whose facts hold what
they saw. Amounts are Decimal, in the order's currency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from bot.business_days import add_business_days
from bot.facts import ItemFacts, OrderFacts
from bot.marketplace import MarketplacePolicy
from bot.messages import Decision

RETURN_AUTHORIZED = "return_authorized"
REFUND_RETURNLESS = "refund_returnless"
RETURN_DECLINED = "return_declined"
CASE_OUT_OF_POLICY = "case_return_out_of_policy"
CASE_EXEMPT = "case_return_exempt"
CASE_INTERNATIONAL = "case_international_return"
CASE_REPLACEMENT = "case_replacement"
NOT_DELIVERED = "return_after_delivery"
NOT_SHIPPED = "return_not_shipped"
ORDER_CANCELED = "return_order_canceled"
NEEDS_REASON = "return_needs_reason"


@dataclass(frozen=True)
class ReturnWindow:
    starts: date          # delivery, or the latest estimated delivery date without a scan
    last_day: date        # the last day a return may be started
    reasons: tuple[str, ...]


def local_day(moment: datetime, policy: MarketplacePolicy) -> date:
    return moment.astimezone(policy.timezone).date()


def return_window(order: OrderFacts, item: ItemFacts, policy: MarketplacePolicy) -> ReturnWindow:
    rules = policy.returns
    if order.delivered_at is not None:
        starts, reasons = local_day(order.delivered_at, policy), ["returns.window_from_delivery"]
    else:
        starts = local_day(order.latest_delivery_date or order.purchased_at, policy)
        reasons = ["returns.window_from_latest_estimated_delivery"]
    window = rules.category_windows.get(item.category)
    if window is not None:
        reasons.append("returns.category_window")
    last_day = starts + (window or rules.window)
    purchased = local_day(order.purchased_at, policy)
    holiday_from = date(purchased.year, *rules.holiday_purchase_from)
    holiday_to = date(purchased.year, *rules.holiday_purchase_to)
    if holiday_from <= purchased <= holiday_to:
        holiday_last = date(purchased.year + 1, *rules.holiday_return_until)
        if holiday_last > last_day:
            last_day = holiday_last
            reasons.append("returns.holiday_window")
    return ReturnWindow(starts, last_day, tuple(reasons))


def _seller_rule_covers(item: ItemFacts, seller) -> bool:
    """The seller refunds items up to this price without a return (0: no such rule)."""
    return seller.returnless_refund_max > 0 and item.price <= seller.returnless_refund_max


def is_seller_fault(reason: str | None, policy: MarketplacePolicy) -> bool:
    return reason in policy.returns.seller_fault_reasons


def decide_return(order: OrderFacts, item: ItemFacts, reason: str | None, now: datetime,
                  policy: MarketplacePolicy, *, wants_replacement: bool = False) -> Decision:
    """What happens to a request to send `item` back (or have it refunded) for `reason`."""
    if reason == "arrived_late" and arrived_on_time(order):
        # "it arrived too late for the trip": by its latest delivery date it was on time, so
        # the reason is the customer's, not a late delivery the seller answers for
        decision = _decide_return(order, item, "no_longer_needed", now, policy,
                                  wants_replacement=wants_replacement)
        return Decision(decision.outcome,
                        ("returns.arrived_by_latest_delivery_date", *decision.reasons),
                        decision.facts)
    return _decide_return(order, item, reason, now, policy, wants_replacement=wants_replacement)


def _days_past_latest_delivery(order: OrderFacts) -> int | None:
    """Days from the latest delivery date to the delivery (0 or less: on time), or None."""
    if order.delivered_at is None or order.latest_delivery_date is None:
        return None
    return (order.delivered_at.date() - order.latest_delivery_date.date()).days


def arrived_on_time(order: OrderFacts) -> bool:
    """Whether the order was delivered by its latest delivery date."""
    days = _days_past_latest_delivery(order)
    return days is not None and days <= 0


def arrived_late(order: OrderFacts) -> bool:
    """Whether the order was delivered after its latest delivery date."""
    days = _days_past_latest_delivery(order)
    return days is not None and days > 0


def _decide_return(order: OrderFacts, item: ItemFacts, reason: str | None, now: datetime,
                   policy: MarketplacePolicy, *, wants_replacement: bool = False) -> Decision:
    rules = policy.returns
    seller = order.seller
    line_total = item.price * item.quantity
    facts: dict = {
        "order_id": order.order_id, "asin": item.asin, "category": item.category,
        "reason": reason, "item_price": str(item.price), "quantity": item.quantity,
        "refund_amount": str(line_total), "currency": order.currency, "now": now.isoformat(),
    }
    if order.status == "Canceled":
        return Decision(ORDER_CANCELED, ("returns.order_canceled",), facts)
    if not order.shipped:
        return Decision(NOT_SHIPPED, ("returns.not_shipped_cancel_instead",), facts)
    if not order.delivered and order.status != "Delivered":
        return Decision(NOT_DELIVERED, ("returns.not_delivered_yet",), facts)
    if reason is None:
        return Decision(NEEDS_REASON, ("returns.reason_needed",), facts)
    seller_fault = is_seller_fault(reason, policy)
    fault = "returns.seller_fault" if seller_fault else "returns.customer_reason"
    facts["seller_fault"] = seller_fault
    window = return_window(order, item, policy)
    today = local_day(now, policy)
    if wants_replacement and seller_fault and today <= window.last_day:
        # (past the window it is the seller's exception to grant, below, replacement or not)
        return Decision(CASE_REPLACEMENT, (fault, "returns.replacement_asked_seller_decides"),
                        facts)
    non_returnable = not item.returnable or item.category in rules.non_returnable_categories
    if non_returnable:
        if reason in rules.non_returnable_refunded_reasons:
            return Decision(REFUND_RETURNLESS, ("returns.non_returnable", fault,
                                                "returns.non_returnable_refunded_without_return"),
                            facts)
        return Decision(RETURN_DECLINED, ("returns.non_returnable", fault), facts)
    if item.category in rules.unsafe_to_return_categories:
        return Decision(REFUND_RETURNLESS, ("returns.unsafe_to_return", fault), facts)
    if item.category in rules.exempt_categories:
        return Decision(CASE_EXEMPT, ("returns.exempt_item_seller_authorizes", fault), facts)
    facts.update(window_starts=window.starts.isoformat(), window_last_day=window.last_day.isoformat(),
                 days_since_window_start=(today - window.starts).days)
    if today > window.last_day:
        facts["restocking_fee_if_accepted"] = str(
            (line_total * rules.restocking_fee_late_return).quantize(Decimal("0.01")))
        return Decision(CASE_OUT_OF_POLICY, (*window.reasons, "returns.outside_window", fault),
                        facts)
    in_window = (*window.reasons, "returns.within_window", fault)
    if seller.return_address_country != policy.marketplace:
        facts.update(seller_country=seller.return_address_country,
                     international_returnless_max=str(rules.international_returnless_max),
                     return_shipping_paid_by="seller")
        if item.price <= rules.international_returnless_max:
            return Decision(REFUND_RETURNLESS, (*in_window, "returns.international_at_or_below_limit"),
                            facts)
        if _seller_rule_covers(item, seller):
            facts["returnless_refund_max"] = str(seller.returnless_refund_max)
            return Decision(REFUND_RETURNLESS, (*in_window, "returns.international_above_limit",
                                                "returns.seller_returnless_rule"), facts)
        return Decision(CASE_INTERNATIONAL, (*in_window, "returns.international_above_limit"),
                        facts)
    facts["returnless_refund_max"] = str(seller.returnless_refund_max)
    if _seller_rule_covers(item, seller):
        return Decision(REFUND_RETURNLESS, (*in_window, "returns.seller_returnless_rule"), facts)
    payer = "seller" if seller_fault else "customer"
    facts.update(return_shipping_paid_by=payer, refund_due_business_days=rules.refund_due_business_days,
                 restocking_fee="0.00")
    shipping_rule = ("returns.seller_pays_return_shipping" if seller_fault
                     else "returns.customer_return_shipping_may_be_deducted")
    return Decision(RETURN_AUTHORIZED, (*in_window, shipping_rule), facts)


def returned_in_full(item: ItemFacts, returns: list) -> bool:
    """Whether the order's returns (rows with asin and quantity) cover every unit of the
    item, or the whole order was refunded: a second return or claim for it would pay
    twice."""
    # ("*": the whole order refunded, a parcel not come among them)
    return any(r.asin == "*" for r in returns) \
        or sum(r.quantity for r in returns if r.asin == item.asin) >= item.quantity


def refund_due_by(received_on: date, policy: MarketplacePolicy) -> date:
    """The seller refunds within N business days of receiving the return."""
    return add_business_days(received_on, policy.returns.refund_due_business_days,
                             policy.holidays_country)


REFUND_ISSUED = "refund_issued"
REFUND_DUE = "refund_due"
AWAITING_RETURN = "awaiting_return"
NO_REFUND = "no_refund_found"


def refund_status(order: OrderFacts, returns: list, now: datetime,
                  policy: MarketplacePolicy) -> Decision:
    """Where the customer's refund stands, from the order and its returns (newest first),
    each with status ("authorized", "received", "refunded"), refund_amount and the dates."""
    facts: dict = {"order_id": order.order_id, "now": now.isoformat()}
    if order.status == "Canceled":
        facts["refund_amount"] = str(order.total)
        return Decision(REFUND_ISSUED, ("refund.order_canceled",), facts)
    for record in returns:
        facts.update(rma=record.rma, refund_amount=str(record.refund_amount))
        if record.status == "refunded":
            facts["refunded_on"] = local_day(record.refunded_at, policy).isoformat()
            return Decision(REFUND_ISSUED, ("refund.refunded",), facts)
        if record.status == "received":
            received = local_day(record.received_at, policy)
            facts.update(received_on=received.isoformat(),
                         due_by=refund_due_by(received, policy).isoformat())
            return Decision(REFUND_DUE, ("refund.return_received_refund_due",), facts)
        if record.status == "authorized":
            facts["authorized_on"] = local_day(record.authorized_at, policy).isoformat()
            return Decision(AWAITING_RETURN, ("refund.awaiting_the_return",), facts)
    return Decision(NO_REFUND, ("refund.none_recorded",), facts)
