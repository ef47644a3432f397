"""Scope of the service (POLICY.md A): which orders the service answers for."""

from __future__ import annotations

from bot.facts import OrderFacts
from bot.marketplace import MarketplacePolicy
from bot.messages import Decision

COVERED = "covered"
OUT_OF_SCOPE = "out_of_scope"


def check_coverage(order: OrderFacts, policy: MarketplacePolicy) -> Decision:
    """Covered: fulfilled by the seller, placed while the seller's enrollment was in effect."""
    seller = order.seller
    facts = {
        "order_id": order.order_id,
        "fulfillment": order.fulfillment,
        "purchased_at": order.purchased_at.isoformat(),
        "enrolled_at": seller.enrolled_at.isoformat() if seller.enrolled_at else None,
        "opted_out_at": seller.opted_out_at.isoformat() if seller.opted_out_at else None,
    }
    if order.fulfillment not in policy.covered_fulfillment:
        reason = "scope.fba" if order.fulfillment == "AFN" else "scope.seller_fulfilled_prime"
        if order.fulfillment not in ("AFN", "SFP"):
            reason = "scope.fulfillment_not_covered"
        return Decision(OUT_OF_SCOPE, (reason,), facts)
    if seller.enrolled_at is None:
        return Decision(OUT_OF_SCOPE, ("scope.seller_not_enrolled",), facts)
    effective = seller.enrolled_at + policy.enrollment_delay
    facts["enrollment_effective_at"] = effective.isoformat()
    if order.purchased_at < effective:
        return Decision(OUT_OF_SCOPE, ("scope.placed_before_enrollment",), facts)
    # An opt-out older than the current enrollment was undone by re-enrolling.
    opted_out = seller.opted_out_at is not None and seller.opted_out_at > seller.enrolled_at
    if opted_out and order.purchased_at >= seller.opted_out_at:
        return Decision(OUT_OF_SCOPE, ("scope.placed_after_opt_out",), facts)
    return Decision(COVERED, ("scope.mfn_enrolled",), facts)
