"""Decision tables for the pure return rules (POLICY.md B): the return window, non-returnable,
exempt and unsafe items, replacements, international sellers, the seller's returnless rule,
who pays return shipping, refund amounts, restocking fees, refund timing and refund status.

One row per rule and per boundary; each row asserts the Decision's outcome, its reasons tuple
exactly, and the facts that matter. Days are calendar days in the marketplace time zone
(America/New_York), so every `now` below is a local time unless it says UTC. Rows marked
xfail(strict=True) assert the correct behaviour of a rule the module gets wrong today (see the
reason on each)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from bot.facts import ItemFacts, OrderFacts, SellerFacts
from bot.marketplace import load_policy
from bot.returns import (
    AWAITING_RETURN,
    CASE_EXEMPT,
    CASE_INTERNATIONAL,
    CASE_OUT_OF_POLICY,
    CASE_REPLACEMENT,
    NEEDS_REASON,
    NO_REFUND,
    NOT_DELIVERED,
    NOT_SHIPPED,
    REFUND_DUE,
    REFUND_ISSUED,
    REFUND_RETURNLESS,
    RETURN_AUTHORIZED,
    RETURN_DECLINED,
    decide_return,
    refund_due_by,
    refund_status,
    return_window,
)
from tests.tables import rows

POLICY = load_policy("US")
NY = ZoneInfo("America/New_York")
ABSENT = object()          # an expected fact the decision must not carry


def local(*args) -> datetime:
    """A moment in the marketplace time zone."""
    return datetime(*args, tzinfo=NY)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# The everyday timeline (outside the holiday purchase period): delivered Fri Jun 5 2026 at
# 10:30 local, so the 30-day window's last day is Sun Jul 5.
PURCHASED_AT = utc(2026, 6, 1, 15, 0)
SHIPPED_AT = utc(2026, 6, 2, 18, 0)
LATEST_DELIVERY = utc(2026, 6, 8, 23, 59, 59)             # Jun 8 local
DELIVERED_AT = utc(2026, 6, 5, 14, 30)                    # Jun 5 10:30 local
IN_WINDOW = local(2026, 6, 20, 12, 0)
LAST_DAY = "2026-07-05"

# Reasons as the policy file names them.
SELLER_FAULT = "returns.seller_fault"
CUSTOMER = "returns.customer_reason"
FROM_DELIVERY = "returns.window_from_delivery"
FROM_ESTIMATE = "returns.window_from_latest_estimated_delivery"
CATEGORY = "returns.category_window"
HOLIDAY = "returns.holiday_window"
WITHIN = "returns.within_window"
OUTSIDE = "returns.outside_window"
SELLER_PAYS = "returns.seller_pays_return_shipping"
CUSTOMER_PAYS = "returns.customer_return_shipping_may_be_deducted"
NON_RETURNABLE = "returns.non_returnable"
REFUNDED_WITHOUT_RETURN = "returns.non_returnable_refunded_without_return"


def seller(**overrides) -> SellerFacts:
    fields = dict(id="SELLER-US1", name="Brightside Home", language="en",
                  enrolled_at=utc(2026, 1, 5), opted_out_at=None, return_address_country="US")
    fields.update(overrides)
    return SellerFacts(**fields)


def item(**overrides) -> ItemFacts:
    fields = dict(asin="B0EXAMPLE1", title="LED Desk Lamp", category="Home", quantity=1,
                  price=Decimal("34.99"))
    fields.update(overrides)
    return ItemFacts(**fields)


def order(state: str = "delivered", **overrides) -> OrderFacts:
    """An MFN order "unshipped", "shipped" (in transit) or "delivered" (with a scan); any
    field can be overridden."""
    fields = dict(order_id="112-7654321-7654321", fulfillment="MFN", status="Unshipped",
                  purchased_at=PURCHASED_AT, currency="USD", seller=seller(), items=(item(),),
                  latest_ship_date=utc(2026, 6, 3, 23, 59, 59),
                  earliest_delivery_date=utc(2026, 6, 4), latest_delivery_date=LATEST_DELIVERY,
                  ship_postal_code="10001")
    if state in ("shipped", "delivered"):
        fields.update(status="Shipped", carrier="UPS", tracking_number="1Z999AA10123456784",
                      shipped_at=SHIPPED_AT)
    if state == "delivered":
        fields.update(status="Delivered", delivered_at=DELIVERED_AT)
    if state == "canceled":
        fields.update(status="Canceled")
    fields.update(overrides)
    return OrderFacts(**fields)


def assert_decision(decision, outcome: str, reasons: tuple[str, ...],
                    facts: dict | None = None) -> None:
    assert (decision.outcome, decision.reasons) == (outcome, reasons)
    for key, value in (facts or {}).items():
        if value is ABSENT:
            assert key not in decision.facts, key
        else:
            assert decision.facts.get(key) == value, key


def authorized(*window: str, fault: str = SELLER_FAULT) -> tuple[str, ...]:
    """The reasons of an authorized return inside the window."""
    return (*window, WITHIN, fault, SELLER_PAYS if fault == SELLER_FAULT else CUSTOMER_PAYS)


def out_of_policy(*window: str, fault: str = SELLER_FAULT) -> tuple[str, ...]:
    return (*window, OUTSIDE, fault)


# -- the window: delivery day + 30, local days, no scan, categories --------------------------

WINDOW_TABLE = [
    # id, order, item overrides, reason, now, outcome, reasons, key facts
    ("delivery-day-itself", order(), {}, "defective", DELIVERED_AT,
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY),
     {"window_starts": "2026-06-05", "window_last_day": LAST_DAY, "days_since_window_start": 0}),
    ("delivery+30-last-day-in", order(), {}, "defective", local(2026, 7, 5, 23, 59, 59),
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY),
     {"window_last_day": LAST_DAY, "days_since_window_start": 30}),
    ("delivery+31-out", order(), {}, "defective", local(2026, 7, 6, 0, 0),
     CASE_OUT_OF_POLICY, out_of_policy(FROM_DELIVERY),
     {"window_last_day": LAST_DAY, "days_since_window_start": 31}),
    # 03:30 UTC on Jul 6 is 23:30 on Jul 5 in New York: still the last day.
    ("now-next-utc-day-still-last-local-day", order(), {}, "damaged", utc(2026, 7, 6, 3, 30),
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY), {"window_last_day": LAST_DAY}),
    ("now-first-local-minute-of-day+31", order(), {}, "damaged", utc(2026, 7, 6, 4, 0),
     CASE_OUT_OF_POLICY, out_of_policy(FROM_DELIVERY), {"window_last_day": LAST_DAY}),
    # Delivered 02:00 UTC Jun 6 = 22:00 Jun 5 local: the window starts Jun 5, not Jun 6.
    ("late-utc-delivery-is-earlier-local-day-last-day-in",
     order(delivered_at=utc(2026, 6, 6, 2, 0)), {}, "wrong_item", local(2026, 7, 5, 12, 0),
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY),
     {"window_starts": "2026-06-05", "window_last_day": LAST_DAY}),
    ("late-utc-delivery-is-earlier-local-day-next-day-out",
     order(delivered_at=utc(2026, 6, 6, 2, 0)), {}, "wrong_item", local(2026, 7, 6, 12, 0),
     CASE_OUT_OF_POLICY, out_of_policy(FROM_DELIVERY),
     {"window_starts": "2026-06-05", "window_last_day": LAST_DAY}),
    # No delivery scan (status Delivered, no delivered_at): from the latest estimated date.
    ("no-scan-latest-estimate+30-in", order(delivered_at=None), {}, "no_longer_needed",
     local(2026, 7, 8, 23, 59), RETURN_AUTHORIZED, authorized(FROM_ESTIMATE, fault=CUSTOMER),
     {"window_starts": "2026-06-08", "window_last_day": "2026-07-08"}),
    ("no-scan-latest-estimate+31-out", order(delivered_at=None), {}, "no_longer_needed",
     local(2026, 7, 9, 0, 0), CASE_OUT_OF_POLICY, out_of_policy(FROM_ESTIMATE, fault=CUSTOMER),
     {"window_starts": "2026-06-08", "window_last_day": "2026-07-08"}),
    ("no-scan-estimate-late-utc-is-earlier-local-day",
     order(delivered_at=None, latest_delivery_date=utc(2026, 6, 9, 3, 59, 59)), {},
     "no_longer_needed", local(2026, 7, 9, 9, 0),
     CASE_OUT_OF_POLICY, out_of_policy(FROM_ESTIMATE, fault=CUSTOMER),
     {"window_starts": "2026-06-08", "window_last_day": "2026-07-08"}),
    ("scan-wins-over-estimate", order(latest_delivery_date=utc(2026, 6, 30, 23)), {},
     "defective", local(2026, 7, 6, 12, 0), CASE_OUT_OF_POLICY, out_of_policy(FROM_DELIVERY),
     {"window_starts": "2026-06-05", "window_last_day": LAST_DAY}),
    # Category windows: 90 days for Mattresses and Baby.
    ("mattress-day-90-in", order(), {"category": "Mattresses", "price": Decimal("499.00")},
     "not_as_described", local(2026, 9, 3, 20, 0), RETURN_AUTHORIZED,
     authorized(FROM_DELIVERY, CATEGORY), {"window_last_day": "2026-09-03"}),
    ("mattress-day-91-out", order(), {"category": "Mattresses", "price": Decimal("499.00")},
     "not_as_described", local(2026, 9, 4, 8, 0), CASE_OUT_OF_POLICY,
     out_of_policy(FROM_DELIVERY, CATEGORY), {"window_last_day": "2026-09-03"}),
    ("baby-day-90-in", order(), {"category": "Baby"}, "ordered_by_mistake",
     local(2026, 9, 3, 23, 59, 59), RETURN_AUTHORIZED,
     authorized(FROM_DELIVERY, CATEGORY, fault=CUSTOMER), {"window_last_day": "2026-09-03"}),
    ("baby-day-91-out", order(), {"category": "Baby"}, "ordered_by_mistake",
     local(2026, 9, 4, 0, 0), CASE_OUT_OF_POLICY,
     out_of_policy(FROM_DELIVERY, CATEGORY, fault=CUSTOMER), {"window_last_day": "2026-09-03"}),
    ("baby-no-scan-from-estimate", order(delivered_at=None), {"category": "Baby"},
     "ordered_by_mistake", local(2026, 9, 6, 12, 0), RETURN_AUTHORIZED,
     authorized(FROM_ESTIMATE, CATEGORY, fault=CUSTOMER), {"window_last_day": "2026-09-06"}),
    ("other-category-day-31-out", order(), {"category": "Kitchen"}, "defective",
     local(2026, 7, 6, 12, 0), CASE_OUT_OF_POLICY, out_of_policy(FROM_DELIVERY),
     {"window_last_day": LAST_DAY}),
]


@pytest.mark.parametrize("facts, item_overrides, reason, now, outcome, reasons, expected",
                         rows(WINDOW_TABLE))
def test_return_window(facts, item_overrides, reason, now, outcome, reasons, expected):
    decision = decide_return(facts, item(**item_overrides), reason, now, POLICY)
    assert_decision(decision, outcome, reasons, expected)


# -- the holiday window: purchases Nov 1 - Dec 31 (local) until Jan 31 of the next year ------

def holiday_order(purchased_at: datetime, delivered_at: datetime | None, **overrides):
    return order(purchased_at=purchased_at, shipped_at=purchased_at, delivered_at=delivered_at,
                 **overrides)


NOV4 = local(2026, 11, 4, 14, 0)
JAN31_LAST_SECOND = local(2027, 1, 31, 23, 59, 59)
FEB1_FIRST_SECOND = local(2027, 2, 1, 0, 0)

HOLIDAY_TABLE = [
    # id, order, item overrides, now, outcome, reasons, window_last_day
    ("purchased-oct31-local-no-holiday",
     holiday_order(local(2026, 10, 31, 12, 0), NOV4), {}, local(2026, 12, 5, 9, 0),
     CASE_OUT_OF_POLICY, out_of_policy(FROM_DELIVERY), "2026-12-04"),
    # 03:30 UTC on Nov 1 is still 23:30 on Oct 31 in New York (EDT until 06:00 UTC).
    ("purchased-nov1-utc-but-oct31-local-no-holiday",
     holiday_order(utc(2026, 11, 1, 3, 30), NOV4), {}, local(2026, 12, 5, 9, 0),
     CASE_OUT_OF_POLICY, out_of_policy(FROM_DELIVERY), "2026-12-04"),
    ("purchased-nov1-local-jan31-in",
     holiday_order(local(2026, 11, 1, 0, 0), NOV4), {}, JAN31_LAST_SECOND,
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY, HOLIDAY), "2027-01-31"),
    ("purchased-nov1-local-feb1-out",
     holiday_order(local(2026, 11, 1, 0, 0), NOV4), {}, FEB1_FIRST_SECOND,
     CASE_OUT_OF_POLICY, out_of_policy(FROM_DELIVERY, HOLIDAY), "2027-01-31"),
    # Dec 31 is the last day of the purchase period; same-day delivery gives a normal window
    # ending Jan 30, so the holiday window (Jan 31) is the later one.
    ("purchased-dec31-local-jan31-in",
     holiday_order(local(2026, 12, 31, 10, 0), local(2026, 12, 31, 18, 0)), {},
     JAN31_LAST_SECOND, RETURN_AUTHORIZED, authorized(FROM_DELIVERY, HOLIDAY), "2027-01-31"),
    ("purchased-dec31-local-feb1-out",
     holiday_order(local(2026, 12, 31, 10, 0), local(2026, 12, 31, 18, 0)), {},
     FEB1_FIRST_SECOND, CASE_OUT_OF_POLICY, out_of_policy(FROM_DELIVERY, HOLIDAY), "2027-01-31"),
    # 02:00 UTC on Jan 1 2027 is 21:00 on Dec 31 2026 in New York: still a holiday purchase.
    ("purchased-jan1-utc-but-dec31-local-holiday",
     holiday_order(utc(2027, 1, 1, 2, 0), utc(2027, 1, 1, 4, 30)), {},
     local(2027, 1, 31, 12, 0), RETURN_AUTHORIZED, authorized(FROM_DELIVERY, HOLIDAY),
     "2027-01-31"),
    ("purchased-jan1-local-no-holiday",
     holiday_order(local(2027, 1, 1, 9, 0), local(2027, 1, 1, 17, 0)), {},
     FEB1_FIRST_SECOND, CASE_OUT_OF_POLICY, out_of_policy(FROM_DELIVERY), "2027-01-31"),
    ("holiday-purchase-no-scan",
     holiday_order(local(2026, 11, 10, 12, 0), None,
                   latest_delivery_date=local(2026, 11, 14, 20, 0)), {},
     JAN31_LAST_SECOND, RETURN_AUTHORIZED, authorized(FROM_ESTIMATE, HOLIDAY), "2027-01-31"),
    # A holiday purchase whose normal window ends after Jan 31 keeps the later date.
    ("holiday-purchase-late-delivery-keeps-feb4",
     holiday_order(local(2026, 12, 20, 12, 0), local(2027, 1, 5, 12, 0)), {},
     local(2027, 2, 4, 23, 59, 59), RETURN_AUTHORIZED, authorized(FROM_DELIVERY), "2027-02-04"),
    ("holiday-purchase-late-delivery-feb5-out",
     holiday_order(local(2026, 12, 20, 12, 0), local(2027, 1, 5, 12, 0)), {},
     local(2027, 2, 5, 0, 0), CASE_OUT_OF_POLICY, out_of_policy(FROM_DELIVERY), "2027-02-04"),
    # Delivered Jan 1: the normal window also ends Jan 31, so the holiday rule adds nothing.
    ("holiday-window-equal-to-normal-window-not-cited",
     holiday_order(local(2026, 12, 31, 10, 0), local(2027, 1, 1, 12, 0)), {},
     JAN31_LAST_SECOND, RETURN_AUTHORIZED, authorized(FROM_DELIVERY), "2027-01-31"),
    ("holiday-mattress-keeps-90-days",
     holiday_order(local(2026, 11, 15, 12, 0), local(2026, 11, 20, 12, 0)),
     {"category": "Mattresses", "price": Decimal("899.00")}, local(2027, 2, 18, 23, 0),
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY, CATEGORY), "2027-02-18"),
    ("holiday-mattress-day-91-out",
     holiday_order(local(2026, 11, 15, 12, 0), local(2026, 11, 20, 12, 0)),
     {"category": "Mattresses", "price": Decimal("899.00")}, local(2027, 2, 19, 0, 0),
     CASE_OUT_OF_POLICY, out_of_policy(FROM_DELIVERY, CATEGORY), "2027-02-18"),
]


@pytest.mark.parametrize("facts, item_overrides, now, outcome, reasons, last_day",
                         rows(HOLIDAY_TABLE))
def test_holiday_window(facts, item_overrides, now, outcome, reasons, last_day):
    decision = decide_return(facts, item(**item_overrides), "defective", now, POLICY)
    assert_decision(decision, outcome, reasons, {"window_last_day": last_day})


def test_return_window_directly():
    window = return_window(holiday_order(local(2026, 11, 1, 0, 0), NOV4), item(), POLICY)
    assert (window.starts, window.last_day, window.reasons) == (
        date(2026, 11, 4), date(2027, 1, 31), (FROM_DELIVERY, HOLIDAY))


# -- non-returnable, exempt, unsafe and replacement ----------------------------------------

NON_RETURNABLE_TABLE = [
    # id, item overrides, reason, wants_replacement, outcome, reasons
    ("final-sale-customer-reason-declined", {"returnable": False}, "no_longer_needed", False,
     RETURN_DECLINED, (NON_RETURNABLE, CUSTOMER)),
    ("final-sale-damaged-refunded-returnless", {"returnable": False}, "damaged", False,
     REFUND_RETURNLESS, (NON_RETURNABLE, SELLER_FAULT, REFUNDED_WITHOUT_RETURN)),
    ("grocery-customer-reason-declined", {"category": "Grocery"}, "better_price", False,
     RETURN_DECLINED, (NON_RETURNABLE, CUSTOMER)),
    ("grocery-damaged-refunded-returnless", {"category": "Grocery"}, "damaged", False,
     REFUND_RETURNLESS, (NON_RETURNABLE, SELLER_FAULT, REFUNDED_WITHOUT_RETURN)),
    ("gift-card-customer-reason-declined", {"category": "Gift Cards"}, "ordered_by_mistake",
     False, RETURN_DECLINED, (NON_RETURNABLE, CUSTOMER)),
    ("gift-card-defective-refunded-returnless", {"category": "Gift Cards"}, "defective", False,
     REFUND_RETURNLESS, (NON_RETURNABLE, SELLER_FAULT, REFUNDED_WITHOUT_RETURN)),
    ("digital-customer-reason-declined", {"category": "Digital"}, "no_longer_needed", False,
     RETURN_DECLINED, (NON_RETURNABLE, CUSTOMER)),
    ("digital-wrong-item-refunded-returnless", {"category": "Digital"}, "wrong_item", False,
     REFUND_RETURNLESS, (NON_RETURNABLE, SELLER_FAULT, REFUNDED_WITHOUT_RETURN)),
    ("personalized-customer-reason-declined", {"category": "Personalized"}, "wrong_size_ordered",
     False, RETURN_DECLINED, (NON_RETURNABLE, CUSTOMER)),
    ("personalized-defective-refunded-returnless", {"category": "Personalized"}, "defective",
     False, REFUND_RETURNLESS, (NON_RETURNABLE, SELLER_FAULT, REFUNDED_WITHOUT_RETURN)),
    # Hazmat is both non-returnable and unsafe to return: a return is refused, a damaged item
    # is refunded without coming back.
    ("hazmat-customer-reason-declined", {"category": "Hazmat"}, "better_price", False,
     RETURN_DECLINED, (NON_RETURNABLE, CUSTOMER)),
    ("hazmat-damaged-refunded-returnless", {"category": "Hazmat"}, "damaged", False,
     REFUND_RETURNLESS, (NON_RETURNABLE, SELLER_FAULT, REFUNDED_WITHOUT_RETURN)),
    ("returnable-flag-does-not-override-category", {"category": "Grocery", "returnable": True},
     "no_longer_needed", False, RETURN_DECLINED, (NON_RETURNABLE, CUSTOMER)),
    # Exempt (handmade): the seller authorizes by hand, whatever the reason.
    ("handmade-customer-reason-case", {"category": "Handmade"}, "wrong_size_ordered", False,
     CASE_EXEMPT, ("returns.exempt_item_seller_authorizes", CUSTOMER)),
    ("handmade-seller-fault-case", {"category": "Handmade"}, "missing_parts", False,
     CASE_EXEMPT, ("returns.exempt_item_seller_authorizes", SELLER_FAULT)),
    # Replacement asked.
    ("replacement-seller-fault-case", {}, "defective", True,
     CASE_REPLACEMENT, (SELLER_FAULT, "returns.replacement_asked_seller_decides")),
    ("replacement-arrived-late-case", {}, "arrived_late", True,
     CASE_REPLACEMENT, (SELLER_FAULT, "returns.replacement_asked_seller_decides")),
    ("replacement-customer-reason-is-a-return", {}, "wrong_size_ordered", True,
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY, fault=CUSTOMER)),
    ("replacement-customer-reason-non-returnable-declined", {"category": "Grocery"},
     "no_longer_needed", True, RETURN_DECLINED, (NON_RETURNABLE, CUSTOMER)),
    # POLICY.md D ("damaged/defective, replacement asked: refund (returnless if
    # non-returnable ...)") has replacement cases for non-returnable items: the seller decides.
    ("replacement-damaged-non-returnable-case", {"category": "Grocery"}, "damaged", True,
     CASE_REPLACEMENT, (SELLER_FAULT, "returns.replacement_asked_seller_decides")),
]



@pytest.mark.parametrize("item_overrides, reason, wants_replacement, outcome, reasons",
                         rows(NON_RETURNABLE_TABLE))
def test_non_returnable_exempt_and_replacement(item_overrides, reason, wants_replacement,
                                               outcome, reasons):
    facts = item(**item_overrides)
    decision = decide_return(order(items=(facts,), **delivered_late(reason)), facts, reason,
                             IN_WINDOW, POLICY, wants_replacement=wants_replacement)
    assert_decision(decision, outcome, reasons,
                    {"refund_amount": "34.99", "category": facts.category,
                     "seller_fault": SELLER_FAULT in reasons})


def test_a_replacement_asked_outside_the_window_is_the_sellers_exception():
    # it had gone to the seller as a replacement, with a refund promised if they could not
    decision = decide_return(order(), item(), "defective", local(2027, 3, 1, 12, 0), POLICY,
                             wants_replacement=True)
    assert decision.outcome == CASE_OUT_OF_POLICY
    assert decision.reasons[-2:] == ("returns.outside_window", SELLER_FAULT)


def test_exempt_item_goes_to_the_seller_even_outside_the_window():
    decision = decide_return(order(), item(category="Handmade"), "no_longer_needed",
                             local(2027, 3, 1, 12, 0), POLICY)
    assert_decision(decision, CASE_EXEMPT, ("returns.exempt_item_seller_authorizes", CUSTOMER),
                    {"window_last_day": ABSENT})


def test_unsafe_category_that_is_not_non_returnable_is_refunded_without_return():
    # In US.toml Hazmat is also non-returnable, so the non-returnable rule answers first; a
    # policy with an unsafe-only category reaches the unsafe rule.
    policy = replace(POLICY, returns=replace(
        POLICY.returns, non_returnable_categories=POLICY.returns.non_returnable_categories
        - {"Hazmat"}))
    decision = decide_return(order(), item(category="Hazmat"), "damaged", IN_WINDOW, policy)
    assert_decision(decision, REFUND_RETURNLESS, ("returns.unsafe_to_return", SELLER_FAULT))


# -- international seller (no US return address) --------------------------------------------

CN = {"return_address_country": "CN", "name": "Shenzhen Gadgets", "language": "zh"}
INTL_RETURNLESS = "returns.international_at_or_below_limit"
INTL_CASE = "returns.international_above_limit"

INTERNATIONAL_TABLE = [
    # id, seller overrides, price, reason, now, outcome, reasons, key facts
    ("cn-25.00-customer-reason-returnless", CN, "25.00", "no_longer_needed", IN_WINDOW,
     REFUND_RETURNLESS, (FROM_DELIVERY, WITHIN, CUSTOMER, INTL_RETURNLESS),
     {"return_shipping_paid_by": "seller", "seller_country": "CN",
      "international_returnless_max": "25.00", "refund_amount": "25.00"}),
    ("cn-25.00-seller-fault-returnless", CN, "25.00", "damaged", IN_WINDOW,
     REFUND_RETURNLESS, (FROM_DELIVERY, WITHIN, SELLER_FAULT, INTL_RETURNLESS),
     {"return_shipping_paid_by": "seller"}),
    ("cn-25.01-customer-reason-case", CN, "25.01", "better_price", IN_WINDOW,
     CASE_INTERNATIONAL, (FROM_DELIVERY, WITHIN, CUSTOMER, INTL_CASE),
     {"return_shipping_paid_by": "seller", "refund_amount": "25.01"}),
    ("cn-25.01-seller-fault-case", CN, "25.01", "not_as_described", IN_WINDOW,
     CASE_INTERNATIONAL, (FROM_DELIVERY, WITHIN, SELLER_FAULT, INTL_CASE),
     {"return_shipping_paid_by": "seller"}),
    ("cn-last-day-in", CN, "12.00", "ordered_by_mistake", local(2026, 7, 5, 23, 59, 59),
     REFUND_RETURNLESS, (FROM_DELIVERY, WITHIN, CUSTOMER, INTL_RETURNLESS),
     {"return_shipping_paid_by": "seller", "window_last_day": LAST_DAY}),
    ("cn-outside-window-out-of-policy", CN, "12.00", "ordered_by_mistake",
     local(2026, 7, 6, 0, 0), CASE_OUT_OF_POLICY, out_of_policy(FROM_DELIVERY, fault=CUSTOMER),
     {"restocking_fee_if_accepted": "2.40"}),
    # POLICY.md B: a returnless refund "when the seller's rule covers it"; an international
    # seller whose own rule covers the price needs no case.
    ("cn-above-25-covered-by-seller-rule-returnless",
     {**CN, "returnless_refund_max": Decimal("50.00")}, "30.00", "no_longer_needed", IN_WINDOW,
     REFUND_RETURNLESS, (FROM_DELIVERY, WITHIN, CUSTOMER, "returns.international_above_limit",
                         "returns.seller_returnless_rule"),
     {"return_shipping_paid_by": "seller"}),
]



@pytest.mark.parametrize("seller_overrides, price, reason, now, outcome, reasons, expected",
                         rows(INTERNATIONAL_TABLE))
def test_international_seller(seller_overrides, price, reason, now, outcome, reasons, expected):
    facts = item(price=Decimal(price))
    decision = decide_return(order(seller=seller(**seller_overrides), items=(facts,)), facts,
                             reason, now, POLICY)
    assert_decision(decision, outcome, reasons, expected)


# -- US seller: the returnless rule, authorization, who pays, amounts, fees -----------------

RETURNLESS_RULE = "returns.seller_returnless_rule"

US_RETURN_TABLE = [
    # id, seller returnless_refund_max, price, quantity, reason, now, outcome, reasons, facts
    ("returnless-price-equal-to-max", "20.00", "20.00", 1, "no_longer_needed", IN_WINDOW,
     REFUND_RETURNLESS, (FROM_DELIVERY, WITHIN, CUSTOMER, RETURNLESS_RULE),
     {"returnless_refund_max": "20.00", "refund_amount": "20.00",
      "return_shipping_paid_by": ABSENT}),
    ("returnless-price-below-max-seller-fault", "20.00", "5.49", 2, "missing_parts", IN_WINDOW,
     REFUND_RETURNLESS, (FROM_DELIVERY, WITHIN, SELLER_FAULT, RETURNLESS_RULE),
     {"refund_amount": "10.98"}),
    ("returnless-one-cent-above-max-authorized", "20.00", "20.01", 1, "no_longer_needed",
     IN_WINDOW, RETURN_AUTHORIZED, authorized(FROM_DELIVERY, fault=CUSTOMER),
     {"returnless_refund_max": "20.00", "refund_amount": "20.01",
      "return_shipping_paid_by": "customer"}),
    ("returnless-max-0-one-cent-item-authorized", "0", "0.01", 1, "defective", IN_WINDOW,
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY), {"return_shipping_paid_by": "seller"}),
    ("returnless-max-0-never-triggers-free-item", "0", "0.00", 1, "defective", IN_WINDOW,
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY), {"return_shipping_paid_by": "seller"}),
    ("returnless-rule-does-not-apply-outside-window", "20.00", "20.00", 1, "defective",
     local(2026, 7, 6, 0, 0), CASE_OUT_OF_POLICY, out_of_policy(FROM_DELIVERY),
     {"restocking_fee_if_accepted": "4.00"}),
    # One row per reason code: seller fault -> the seller pays the return shipping.
    ("authorized-defective", "0", "34.99", 1, "defective", IN_WINDOW,
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY),
     {"return_shipping_paid_by": "seller", "refund_amount": "34.99", "seller_fault": True,
      "restocking_fee": "0.00", "refund_due_business_days": 2}),
    ("authorized-damaged", "0", "34.99", 1, "damaged", IN_WINDOW,
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY), {"return_shipping_paid_by": "seller"}),
    ("authorized-wrong-item", "0", "34.99", 1, "wrong_item", IN_WINDOW,
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY), {"return_shipping_paid_by": "seller"}),
    ("authorized-not-as-described", "0", "34.99", 1, "not_as_described", IN_WINDOW,
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY), {"return_shipping_paid_by": "seller"}),
    ("authorized-missing-parts", "0", "34.99", 1, "missing_parts", IN_WINDOW,
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY), {"return_shipping_paid_by": "seller"}),
    ("authorized-arrived-late", "0", "34.99", 1, "arrived_late", IN_WINDOW,
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY), {"return_shipping_paid_by": "seller"}),
    # Customer reasons -> return shipping may be deducted.
    ("authorized-no-longer-needed", "0", "34.99", 1, "no_longer_needed", IN_WINDOW,
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY, fault=CUSTOMER),
     {"return_shipping_paid_by": "customer", "seller_fault": False, "restocking_fee": "0.00"}),
    ("authorized-ordered-by-mistake", "0", "34.99", 1, "ordered_by_mistake", IN_WINDOW,
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY, fault=CUSTOMER),
     {"return_shipping_paid_by": "customer"}),
    ("authorized-better-price", "0", "34.99", 1, "better_price", IN_WINDOW,
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY, fault=CUSTOMER),
     {"return_shipping_paid_by": "customer"}),
    ("authorized-wrong-size-ordered", "0", "34.99", 1, "wrong_size_ordered", IN_WINDOW,
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY, fault=CUSTOMER),
     {"return_shipping_paid_by": "customer"}),
    # Refund amount: price x quantity, exact.
    ("refund-amount-price-times-quantity", "0", "19.99", 3, "defective", IN_WINDOW,
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY),
     {"refund_amount": "59.97", "item_price": "19.99", "quantity": 3}),
    ("refund-amount-no-float-drift", "0", "0.10", 3, "no_longer_needed", IN_WINDOW,
     RETURN_AUTHORIZED, authorized(FROM_DELIVERY, fault=CUSTOMER), {"refund_amount": "0.30"}),
    # Outside the window: a case, with a 20% restocking fee on the line total if accepted.
    ("out-of-window-restocking-fee-20pct", "0", "34.99", 1, "no_longer_needed",
     local(2026, 7, 6, 0, 0), CASE_OUT_OF_POLICY, out_of_policy(FROM_DELIVERY, fault=CUSTOMER),
     {"restocking_fee_if_accepted": "7.00", "refund_amount": "34.99", "seller_fault": False,
      "return_shipping_paid_by": ABSENT}),
    ("out-of-window-restocking-fee-on-line-total", "0", "19.99", 3, "arrived_late",
     local(2026, 8, 1, 12, 0), CASE_OUT_OF_POLICY, out_of_policy(FROM_DELIVERY),
     {"restocking_fee_if_accepted": "11.99", "refund_amount": "59.97", "seller_fault": True}),
    ("out-of-window-restocking-fee-exact", "0", "50.00", 2, "better_price",
     local(2026, 7, 6, 0, 0), CASE_OUT_OF_POLICY, out_of_policy(FROM_DELIVERY, fault=CUSTOMER),
     {"restocking_fee_if_accepted": "20.00"}),
]



@pytest.mark.parametrize(
    "returnless_max, price, quantity, reason, now, outcome, reasons, expected",
    rows(US_RETURN_TABLE))
def test_us_seller_return(returnless_max, price, quantity, reason, now, outcome, reasons,
                          expected):
    facts = item(price=Decimal(price), quantity=quantity)
    facts_order = order(seller=seller(returnless_refund_max=Decimal(returnless_max)),
                        items=(facts,), **delivered_late(reason))
    decision = decide_return(facts_order, facts, reason, now, POLICY)
    assert_decision(decision, outcome, reasons, expected)


def delivered_late(reason: str | None) -> dict:
    """An order delivered after its latest delivery date, for "arrived late" to hold."""
    return {"latest_delivery_date": utc(2026, 6, 4, 23, 59, 59)} if reason == "arrived_late" \
        else {}


def test_arrived_late_of_an_order_on_time_is_the_customers_reason():
    # "it arrived too late for the trip": delivered Jun 5, by its latest date, Jun 8
    facts = item()
    decision = decide_return(order(items=(facts,)), facts, "arrived_late", IN_WINDOW, POLICY)
    assert decision.reasons[0] == "returns.arrived_by_latest_delivery_date"
    assert "returns.customer_reason" in decision.reasons
    assert decision.facts["reason"] == "no_longer_needed"
    late = decide_return(order(items=(facts,), **delivered_late("arrived_late")), facts,
                         "arrived_late", IN_WINDOW, POLICY)
    assert "returns.seller_fault" in late.reasons


def test_refund_amount_is_decimal_exact():
    facts = item(price=Decimal("0.10"), quantity=3)
    decision = decide_return(order(items=(facts,)), facts, "defective", IN_WINDOW, POLICY)
    assert Decimal(decision.facts["refund_amount"]) == Decimal("0.30")
    assert decision.facts["currency"] == "USD"


# -- before a reason: not shipped, not delivered, no reason ---------------------------------

PRECONDITION_TABLE = [
    # id, order, reason, outcome, reasons
    ("not-shipped", order("unshipped"), "defective", NOT_SHIPPED,
     ("returns.not_shipped_cancel_instead",)),
    ("not-shipped-no-reason", order("unshipped"), None, NOT_SHIPPED,
     ("returns.not_shipped_cancel_instead",)),
    ("shipped-not-delivered", order("shipped"), "damaged", NOT_DELIVERED,
     ("returns.not_delivered_yet",)),
    ("shipped-not-delivered-no-reason", order("shipped"), None, NOT_DELIVERED,
     ("returns.not_delivered_yet",)),
    ("shipped-at-set-status-unshipped-not-delivered", order("unshipped", shipped_at=SHIPPED_AT),
     "damaged", NOT_DELIVERED, ("returns.not_delivered_yet",)),
    ("delivered-scan-status-shipped-needs-reason", order("shipped", delivered_at=DELIVERED_AT),
     None, NEEDS_REASON, ("returns.reason_needed",)),
    ("delivered-no-reason", order(), None, NEEDS_REASON, ("returns.reason_needed",)),
    ("delivered-no-reason-non-returnable-still-asks", order(items=(item(category="Grocery"),)),
     None, NEEDS_REASON, ("returns.reason_needed",)),
]


@pytest.mark.parametrize("facts, reason, outcome, reasons", rows(PRECONDITION_TABLE))
def test_return_preconditions(facts, reason, outcome, reasons):
    decision = decide_return(facts, facts.items[0], reason, IN_WINDOW, POLICY)
    assert_decision(decision, outcome, reasons,
                    {"reason": reason, "window_last_day": ABSENT, "seller_fault": ABSENT})


# -- coverage of the policy file's reason codes --------------------------------------------

def test_every_reason_code_appears_in_a_row():
    used = ({r[3] for r in WINDOW_TABLE} | {r[2] for r in NON_RETURNABLE_TABLE}
            | {r[3] for r in INTERNATIONAL_TABLE} | {r[4] for r in US_RETURN_TABLE})
    policy_reasons = POLICY.returns.seller_fault_reasons | POLICY.returns.customer_reasons
    assert policy_reasons <= used, policy_reasons - used
    assert POLICY.returns.seller_fault_reasons == {
        "defective", "damaged", "wrong_item", "not_as_described", "missing_parts",
        "arrived_late"}
    assert POLICY.returns.customer_reasons == {
        "no_longer_needed", "ordered_by_mistake", "better_price", "wrong_size_ordered"}


def test_every_non_returnable_category_appears_in_a_row():
    used = {r[1].get("category") for r in NON_RETURNABLE_TABLE}
    assert POLICY.returns.non_returnable_categories <= used
    assert POLICY.returns.exempt_categories <= used
    assert POLICY.returns.unsafe_to_return_categories <= used


# -- refund timing: 2 business days, weekends and US federal holidays excluded --------------

REFUND_DUE_TABLE = [
    # id, received on, due by
    ("mon-to-wed", date(2026, 11, 16), date(2026, 11, 18)),
    ("wed-before-thanksgiving-to-mon", date(2026, 11, 25), date(2026, 11, 30)),
    ("thanksgiving-day-itself-to-mon", date(2026, 11, 26), date(2026, 11, 30)),
    ("christmas-eve-to-tue", date(2026, 12, 24), date(2026, 12, 29)),
    ("fri-to-tue", date(2026, 11, 13), date(2026, 11, 17)),
    ("thu-to-mon", date(2026, 11, 19), date(2026, 11, 23)),
    ("sat-to-tue", date(2026, 11, 14), date(2026, 11, 17)),
    ("sun-to-tue", date(2026, 11, 15), date(2026, 11, 17)),
    ("tue-before-veterans-day-to-fri", date(2026, 11, 10), date(2026, 11, 13)),
    ("new-years-eve-across-the-year", date(2026, 12, 31), date(2027, 1, 5)),
    ("observed-independence-day-fri-jul3", date(2026, 7, 2), date(2026, 7, 7)),
    ("juneteenth-fri", date(2026, 6, 18), date(2026, 6, 23)),
    ("labor-day-mon", date(2026, 9, 4), date(2026, 9, 9)),
    ("columbus-day-mon", date(2026, 10, 9), date(2026, 10, 14)),
    ("mlk-day-mon", date(2027, 1, 15), date(2027, 1, 20)),
    ("observed-christmas-fri-dec24-2027", date(2027, 12, 23), date(2027, 12, 28)),
    ("observed-new-year-fri-dec31-2027-across-the-year", date(2027, 12, 30), date(2028, 1, 4)),
]


@pytest.mark.parametrize("received_on, due_by", rows(REFUND_DUE_TABLE))
def test_refund_due_by(received_on, due_by):
    assert refund_due_by(received_on, POLICY) == due_by


def test_refund_timing_comes_from_the_policy_file():
    assert POLICY.returns.refund_due_business_days == 2
    assert POLICY.holidays_country == "US"


# -- refund_status --------------------------------------------------------------------------

def record(status: str, **dates) -> SimpleNamespace:
    fields = dict(rma="RMA-0001", status=status, refund_amount=Decimal("34.99"),
                  authorized_at=None, received_at=None, refunded_at=None)
    fields.update(dates)
    return SimpleNamespace(**fields)


STATUS_NOW = local(2026, 12, 1, 12, 0)
AUTHORIZED = record("authorized", authorized_at=local(2026, 11, 20, 10, 0))
RECEIVED = record("received", authorized_at=local(2026, 11, 20, 10, 0),
                  received_at=local(2026, 11, 25, 15, 0))
REFUNDED = record("refunded", authorized_at=local(2026, 11, 20, 10, 0),
                  received_at=local(2026, 11, 25, 15, 0), refunded_at=local(2026, 11, 27, 9, 0))

REFUND_STATUS_TABLE = [
    # id, order, returns (newest first), outcome, reasons, key facts
    ("order-canceled", order("canceled", items=(item(price=Decimal("19.99"), quantity=2),)), [],
     REFUND_ISSUED, ("refund.order_canceled",), {"refund_amount": "39.98", "rma": ABSENT}),
    ("order-canceled-wins-over-records", order("canceled"), [AUTHORIZED],
     REFUND_ISSUED, ("refund.order_canceled",), {"refund_amount": "34.99", "rma": ABSENT}),
    ("refunded", order(), [REFUNDED], REFUND_ISSUED, ("refund.refunded",),
     {"rma": "RMA-0001", "refund_amount": "34.99", "refunded_on": "2026-11-27"}),
    # Refunded at 01:30 UTC Nov 28 = 20:30 Nov 27 local.
    ("refunded-late-utc-is-earlier-local-day", order(),
     [record("refunded", refunded_at=utc(2026, 11, 28, 1, 30))], REFUND_ISSUED,
     ("refund.refunded",), {"refunded_on": "2026-11-27"}),
    ("received-wed-before-thanksgiving-due-mon", order(), [RECEIVED], REFUND_DUE,
     ("refund.return_received_refund_due",),
     {"rma": "RMA-0001", "refund_amount": "34.99", "received_on": "2026-11-25",
      "due_by": "2026-11-30"}),
    ("received-christmas-eve-due-tue", order(),
     [record("received", received_at=local(2026, 12, 24, 16, 0))], REFUND_DUE,
     ("refund.return_received_refund_due",),
     {"received_on": "2026-12-24", "due_by": "2026-12-29"}),
    ("received-fri-due-tue", order(),
     [record("received", received_at=local(2026, 11, 13, 11, 0))], REFUND_DUE,
     ("refund.return_received_refund_due",),
     {"received_on": "2026-11-13", "due_by": "2026-11-17"}),
    # Received at 03:00 UTC Sat Nov 28 = 22:00 Fri Nov 27 local: due Tue Dec 1, not Wed Dec 2.
    ("received-late-utc-is-earlier-local-day", order(),
     [record("received", received_at=utc(2026, 11, 28, 3, 0))], REFUND_DUE,
     ("refund.return_received_refund_due",),
     {"received_on": "2026-11-27", "due_by": "2026-12-01"}),
    ("authorized", order(), [AUTHORIZED], AWAITING_RETURN, ("refund.awaiting_the_return",),
     {"rma": "RMA-0001", "authorized_on": "2026-11-20", "due_by": ABSENT}),
    ("newest-record-decides", order(),
     [record("received", rma="RMA-0002", received_at=local(2026, 11, 30, 9, 0)), REFUNDED],
     REFUND_DUE, ("refund.return_received_refund_due",),
     {"rma": "RMA-0002", "due_by": "2026-12-02"}),
    ("nothing-recorded", order(), [], NO_REFUND, ("refund.none_recorded",),
     {"refund_amount": ABSENT, "rma": ABSENT}),
]


@pytest.mark.parametrize("facts, returns, outcome, reasons, expected",
                         rows(REFUND_STATUS_TABLE))
def test_refund_status(facts, returns, outcome, reasons, expected):
    decision = refund_status(facts, returns, STATUS_NOW, POLICY)
    assert_decision(decision, outcome, reasons,
                    {"order_id": facts.order_id, "now": STATUS_NOW.isoformat(), **expected})
