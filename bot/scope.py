"""Scope of the service (POLICY.md A): which orders the service answers for."""

from __future__ import annotations

from bot.facts import OrderFacts
from bot.marketplace import MarketplacePolicy
from bot.messages import Decision

COVERED = "covered"
OUT_OF_SCOPE = "out_of_scope"


def check_coverage(order: OrderFacts, policy: MarketplacePolicy) -> Decision:
    """Covered: fulfilled by the seller, placed while one of the seller's enrollment periods
    was in effect (from an hour after enrolling until the opt-out)."""
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
    periods = seller.enrollment_periods()
    if not periods:
        return Decision(OUT_OF_SCOPE, ("scope.seller_not_enrolled",), facts)
    delay = policy.enrollment_delay
    covering = next((p for p in periods if p.covers(order.purchased_at, delay)), None)
    if covering is not None:
        facts["enrollment_effective_at"] = (covering.enrolled_at + delay).isoformat()
        return Decision(COVERED, ("scope.mfn_enrolled",), facts)
    # Not covered: placed after the last period that had taken effect, or before the first.
    started = [p for p in periods if p.enrolled_at + delay <= order.purchased_at]
    if started:
        facts["opted_out_at"] = started[-1].opted_out_at.isoformat()
        return Decision(OUT_OF_SCOPE, ("scope.placed_after_opt_out",), facts)
    facts["enrollment_effective_at"] = (periods[0].enrolled_at + delay).isoformat()
    return Decision(OUT_OF_SCOPE, ("scope.placed_before_enrollment",), facts)
