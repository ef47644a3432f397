"""Delivery problems (POLICY.md C): what to tell a customer about an order, and when to
ask the seller instead. Pure: order facts and `now` in, a Decision out."""

from __future__ import annotations

from datetime import datetime

from bot.facts import OrderFacts
from bot.marketplace import MarketplacePolicy
from bot.messages import Decision

# Outcomes the engine turns into answers or cases.
NOT_YET_SHIPPED = "not_yet_shipped"
CASE_NOT_SHIPPED = "case_not_shipped"
IN_TRANSIT = "in_transit"
CASE_NOT_RECEIVED = "case_not_received"
DELIVERED = "delivered"
CANCELED = "canceled"
CASE_CANCELLATION = "case_cancellation"
RETURN_AFTER_DELIVERY = "return_after_delivery"
RETURN_OFFERED = "return_offered"
CANCELLATION_POSSIBLE = "cancellation_possible"
CASE_ADDRESS_CHANGE = "case_address_change"
ADDRESS_CHANGE_REFUSED = "address_change_refused"


def _facts(order: OrderFacts, now: datetime) -> dict:
    return {"order_id": order.order_id, "status": order.status, "now": now.isoformat(),
            **order.dates()}


def assess_order_status(order: OrderFacts, now: datetime, policy: MarketplacePolicy) -> Decision:
    facts = _facts(order, now)
    if order.status == "Canceled":
        return Decision(CANCELED, ("delivery.order_canceled",), facts)
    if order.status == "Delivered" or order.delivered_at is not None:
        return Decision(DELIVERED, ("delivery.delivered",), facts)
    if not order.shipped:
        if order.latest_ship_date is not None and now > order.latest_ship_date:
            return Decision(CASE_NOT_SHIPPED, ("delivery.not_shipped_past_ship_by",), facts)
        return Decision(NOT_YET_SHIPPED, ("delivery.not_shipped_before_ship_by",), facts)
    if order.latest_delivery_date is not None:
        claim_point = order.latest_delivery_date + policy.late_after
        facts["late_claim_point"] = claim_point.isoformat()
        if now > claim_point:
            return Decision(CASE_NOT_RECEIVED, ("delivery.late_past_claim_point",), facts)
        if now > order.latest_delivery_date:
            return Decision(IN_TRANSIT, ("delivery.in_transit_late",), facts)
    return Decision(IN_TRANSIT, ("delivery.in_transit_on_time",), facts)


def assess_cancellation(order: OrderFacts, now: datetime, *, only_asked: bool = False) -> Decision:
    """`only_asked`: the customer asked whether it can be cancelled ("can I still cancel
    it?"): an order not shipped is offered the cancellation, not yet asked of the seller."""
    facts = _facts(order, now)
    if order.status == "Canceled":
        return Decision(CANCELED, ("cancellation.already_canceled",), facts)
    if order.delivered:
        # too late to cancel, but what the customer wants is a return: offered, not started,
        # since a return authorizes an RMA and "cancel" did not say why
        return Decision(RETURN_OFFERED, ("cancellation.delivered_offer_return",), facts)
    if order.shipped:
        return Decision(RETURN_AFTER_DELIVERY, ("cancellation.shipped_return_after_delivery",),
                        facts)
    if only_asked:
        return Decision(CANCELLATION_POSSIBLE, ("cancellation.unshipped_asked_whether",), facts)
    return Decision(CASE_CANCELLATION, ("cancellation.unshipped_ask_seller",), facts)


def assess_address_change(order: OrderFacts, now: datetime) -> Decision:
    facts = _facts(order, now)
    if order.status == "Canceled":
        return Decision(CANCELED, ("address_change.order_canceled",), facts)
    if order.delivered:  # nothing for the carrier to redirect: where it was delivered
        return Decision(DELIVERED, ("address_change.already_delivered",), facts)
    if order.shipped:
        return Decision(ADDRESS_CHANGE_REFUSED, ("address_change.shipped_refused",), facts)
    return Decision(CASE_ADDRESS_CHANGE, ("address_change.unshipped_ask_seller",), facts)


CASE_DELIVERED_MISSING = "case_delivered_missing"


def assess_not_received(order: OrderFacts, now: datetime, policy: MarketplacePolicy) -> Decision:
    """A customer says the parcel never came: delivered-but-missing goes to the seller."""
    if order.status == "Delivered" or order.delivered_at is not None:
        return Decision(CASE_DELIVERED_MISSING, ("delivery.delivered_but_not_received",),
                        _facts(order, now))
    return assess_order_status(order, now, policy)
