"""Decision tables for the pure rules (POLICY.md A, C, D): scope, delivery problems and seller
cases. One row per rule and per boundary; each row asserts the Decision's outcome and its
reasons tuple exactly. Rows marked xfail(strict=True) assert the correct behaviour of a rule the
module gets wrong today (see the reason on each)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bot import case_rules
from bot.case_rules import (
    ACCEPTED_ANSWERS,
    ADDRESS_CHANGE,
    CANCELLATION,
    DECISION_WORDS,
    DELIVERED_MISSING,
    GENERAL,
    KINDS,
    NOT_RECEIVED,
    NOT_SHIPPED,
    PRODUCT_QUESTION,
    SellerAnswer,
    decide_on_answer,
    decide_on_silence,
    read_seller_reply,
)
from bot.delivery import (
    assess_address_change,
    assess_cancellation,
    assess_not_received,
    assess_order_status,
)
from bot.facts import ItemFacts, OrderFacts, SellerFacts
from bot.marketplace import load_policy
from bot.return_reasons import return_reason
from bot.scope import check_coverage
from tests.tables import rows

POLICY = load_policy("US")
SECOND = timedelta(seconds=1)

# The timeline every row is built on (UTC).
ENROLLED_AT = datetime(2026, 9, 1, 0, 0, tzinfo=UTC)
EFFECTIVE_AT = ENROLLED_AT + timedelta(hours=1)          # POLICY.md A: 1 hour after enrolling
OPTED_OUT_AT = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
PURCHASED_AT = datetime(2026, 11, 20, 15, 4, tzinfo=UTC)
LATEST_SHIP = datetime(2026, 11, 22, 23, 59, 59, tzinfo=UTC)
SHIPPED_AT = datetime(2026, 11, 21, 18, 0, tzinfo=UTC)
EARLIEST_DELIVERY = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
LATEST_DELIVERY = datetime(2026, 11, 28, 23, 59, 59, tzinfo=UTC)
CLAIM_POINT = LATEST_DELIVERY + timedelta(days=3)        # POLICY.md C: 3 days past latest delivery
DELIVERED_AT = datetime(2026, 11, 26, 14, 30, tzinfo=UTC)

TRACKING_UPS = "1Z999AA10123456784"
TRACKING_YANWEN = "YT2412345678901234"


def seller(**overrides) -> SellerFacts:
    fields = dict(id="SELLER-US1", name="Brightside Home", language="en",
                  enrolled_at=ENROLLED_AT, opted_out_at=None, return_address_country="US")
    fields.update(overrides)
    return SellerFacts(**fields)


def item(**overrides) -> ItemFacts:
    fields = dict(asin="B0EXAMPLE1", title="LED Desk Lamp", category="Home", quantity=1,
                  price=Decimal("24.99"))
    fields.update(overrides)
    return ItemFacts(**fields)


def order(state: str = "shipped", **overrides) -> OrderFacts:
    """An MFN order in one of the states "unshipped", "shipped" (in transit), "delivered" or
    "canceled"; any field can be overridden."""
    fields = dict(order_id="112-1234567-1234567", fulfillment="MFN", status="Unshipped",
                  purchased_at=PURCHASED_AT, currency="USD", seller=seller(), items=(item(),),
                  latest_ship_date=LATEST_SHIP, earliest_delivery_date=EARLIEST_DELIVERY,
                  latest_delivery_date=LATEST_DELIVERY, ship_postal_code="94107")
    if state in ("shipped", "delivered"):
        fields.update(status="Shipped", carrier="UPS", tracking_number=TRACKING_UPS,
                      shipped_at=SHIPPED_AT)
    if state == "delivered":
        fields.update(status="Delivered", delivered_at=DELIVERED_AT)
    if state == "canceled":
        fields.update(status="Canceled")
    fields.update(overrides)
    return OrderFacts(**fields)


def assert_decision(decision, outcome: str, reasons: tuple[str, ...]) -> None:
    assert (decision.outcome, decision.reasons) == (outcome, reasons)



# -- A. scope.check_coverage ---------------------------------------------------------------

SCOPE_TABLE = [
    # id, fulfillment, purchased_at, seller overrides, outcome, reasons
    ("mfn-enrolled", "MFN", PURCHASED_AT, {}, "covered", ("scope.mfn_enrolled",)),
    ("afn-fba", "AFN", PURCHASED_AT, {}, "out_of_scope", ("scope.fba",)),
    ("sfp", "SFP", PURCHASED_AT, {}, "out_of_scope", ("scope.seller_fulfilled_prime",)),
    ("other-fulfillment", "MCF", PURCHASED_AT, {}, "out_of_scope",
     ("scope.fulfillment_not_covered",)),
    ("lowercase-mfn-is-not-mfn", "mfn", PURCHASED_AT, {}, "out_of_scope",
     ("scope.fulfillment_not_covered",)),
    ("afn-checked-before-enrollment", "AFN", PURCHASED_AT, {"enrolled_at": None}, "out_of_scope",
     ("scope.fba",)),
    ("seller-never-enrolled", "MFN", PURCHASED_AT, {"enrolled_at": None}, "out_of_scope",
     ("scope.seller_not_enrolled",)),
    ("placed-at-enrollment-itself", "MFN", ENROLLED_AT, {}, "out_of_scope",
     ("scope.placed_before_enrollment",)),
    ("placed-1s-before-enrollment+1h", "MFN", EFFECTIVE_AT - SECOND, {}, "out_of_scope",
     ("scope.placed_before_enrollment",)),
    ("placed-exactly-at-enrollment+1h", "MFN", EFFECTIVE_AT, {}, "covered",
     ("scope.mfn_enrolled",)),
    ("placed-1s-before-opt-out", "MFN", OPTED_OUT_AT - SECOND, {"opted_out_at": OPTED_OUT_AT},
     "covered", ("scope.mfn_enrolled",)),
    ("placed-exactly-at-opt-out", "MFN", OPTED_OUT_AT, {"opted_out_at": OPTED_OUT_AT},
     "out_of_scope", ("scope.placed_after_opt_out",)),
    ("placed-after-opt-out", "MFN", PURCHASED_AT, {"opted_out_at": OPTED_OUT_AT},
     "out_of_scope", ("scope.placed_after_opt_out",)),
    ("re-enrolled-after-opt-out", "MFN", PURCHASED_AT,
     {"opted_out_at": OPTED_OUT_AT, "enrolled_at": OPTED_OUT_AT + timedelta(days=5)},
     "covered", ("scope.mfn_enrolled",)),
]

@pytest.mark.parametrize(
    "fulfillment, purchased_at, seller_overrides, outcome, reasons",
    rows(SCOPE_TABLE))
def test_check_coverage(fulfillment, purchased_at, seller_overrides, outcome, reasons):
    facts = order("unshipped", fulfillment=fulfillment, purchased_at=purchased_at,
                  seller=seller(**seller_overrides))
    assert_decision(check_coverage(facts, POLICY), outcome, reasons)


def test_check_coverage_records_the_effective_enrollment_time():
    decision = check_coverage(order("unshipped", purchased_at=EFFECTIVE_AT), POLICY)
    assert decision.facts["enrollment_effective_at"] == EFFECTIVE_AT.isoformat()
    assert decision.facts["purchased_at"] == EFFECTIVE_AT.isoformat()


def test_enrollment_delay_comes_from_the_policy_file():
    assert POLICY.enrollment_delay == timedelta(hours=1)
    assert POLICY.late_after == timedelta(days=3)
    assert POLICY.covered_fulfillment == frozenset({"MFN"})


# -- C. delivery.assess_order_status -----------------------------------------------------

ORDER_STATUS_TABLE = [
    # id, order, now, outcome, reasons
    ("canceled", order("canceled"), PURCHASED_AT + timedelta(days=1),
     "canceled", ("delivery.order_canceled",)),
    ("canceled-wins-over-late-ship-date", order("canceled"), LATEST_SHIP + timedelta(days=5),
     "canceled", ("delivery.order_canceled",)),
    ("delivered", order("delivered"), DELIVERED_AT + timedelta(hours=1),
     "delivered", ("delivery.delivered",)),
    ("delivered-scan-while-status-still-shipped",
     order("shipped", delivered_at=DELIVERED_AT), DELIVERED_AT + timedelta(hours=1),
     "delivered", ("delivery.delivered",)),
    ("unshipped-well-before-ship-by", order("unshipped"), PURCHASED_AT + timedelta(hours=1),
     "not_yet_shipped", ("delivery.not_shipped_before_ship_by",)),
    ("unshipped-1s-before-ship-by", order("unshipped"), LATEST_SHIP - SECOND,
     "not_yet_shipped", ("delivery.not_shipped_before_ship_by",)),
    ("unshipped-exactly-at-ship-by", order("unshipped"), LATEST_SHIP,
     "not_yet_shipped", ("delivery.not_shipped_before_ship_by",)),
    ("unshipped-1s-after-ship-by", order("unshipped"), LATEST_SHIP + SECOND,
     "case_not_shipped", ("delivery.not_shipped_past_ship_by",)),
    ("unshipped-without-ship-by-date", order("unshipped", latest_ship_date=None),
     LATEST_SHIP + timedelta(days=30),
     "not_yet_shipped", ("delivery.not_shipped_before_ship_by",)),
    ("shipped-at-set-counts-as-shipped", order("unshipped", shipped_at=SHIPPED_AT),
     LATEST_SHIP + SECOND, "in_transit", ("delivery.in_transit_on_time",)),
    ("in-transit-on-time", order("shipped"), EARLIEST_DELIVERY,
     "in_transit", ("delivery.in_transit_on_time",)),
    ("in-transit-exactly-at-latest-delivery", order("shipped"), LATEST_DELIVERY,
     "in_transit", ("delivery.in_transit_on_time",)),
    ("in-transit-1s-after-latest-delivery", order("shipped"), LATEST_DELIVERY + SECOND,
     "in_transit", ("delivery.in_transit_late",)),
    ("late-1s-before-claim-point", order("shipped"), CLAIM_POINT - SECOND,
     "in_transit", ("delivery.in_transit_late",)),
    # The rule is `now > claim_point`: exactly at +3 days is not yet a case.
    ("late-exactly-at-claim-point", order("shipped"), CLAIM_POINT,
     "in_transit", ("delivery.in_transit_late",)),
    ("late-1s-after-claim-point", order("shipped"), CLAIM_POINT + SECOND,
     "case_not_received", ("delivery.late_past_claim_point",)),
    ("in-transit-without-delivery-window", order("shipped", latest_delivery_date=None),
     CLAIM_POINT + timedelta(days=30), "in_transit", ("delivery.in_transit_on_time",)),
]


@pytest.mark.parametrize("facts, now, outcome, reasons",
                         rows(ORDER_STATUS_TABLE))
def test_assess_order_status(facts, now, outcome, reasons):
    assert_decision(assess_order_status(facts, now, POLICY), outcome, reasons)


def test_assess_order_status_records_the_claim_point():
    decision = assess_order_status(order("shipped"), CLAIM_POINT, POLICY)
    assert decision.facts["late_claim_point"] == CLAIM_POINT.isoformat()
    assert decision.facts["now"] == CLAIM_POINT.isoformat()
    assert decision.facts["latest_delivery_date"] == LATEST_DELIVERY.isoformat()


# -- C. cancellation, address change, not received ----------------------------------------

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)

CANCELLATION_TABLE = [
    ("unshipped", order("unshipped"), "case_cancellation", ("cancellation.unshipped_ask_seller",)),
    ("unshipped-past-ship-by", order("unshipped", latest_ship_date=NOW - timedelta(days=2)),
     "case_cancellation", ("cancellation.unshipped_ask_seller",)),
    ("shipped", order("shipped"), "return_after_delivery",
     ("cancellation.shipped_return_after_delivery",)),
    ("delivered", order("delivered"), "return_offered", ("cancellation.delivered_offer_return",)),
    ("canceled", order("canceled"), "canceled", ("cancellation.already_canceled",)),
]


@pytest.mark.parametrize("facts, outcome, reasons",
                         rows(CANCELLATION_TABLE))
def test_assess_cancellation(facts, outcome, reasons):
    assert_decision(assess_cancellation(facts, NOW), outcome, reasons)


ADDRESS_CHANGE_TABLE = [
    ("unshipped", order("unshipped"), "case_address_change",
     ("address_change.unshipped_ask_seller",)),
    ("shipped", order("shipped"), "address_change_refused", ("address_change.shipped_refused",)),
    # nothing for a carrier to redirect: where it was delivered (and "can't find it?")
    ("delivered", order("delivered"), "delivered", ("address_change.already_delivered",)),
    ("canceled", order("canceled"), "canceled", ("address_change.order_canceled",)),
]


@pytest.mark.parametrize("facts, outcome, reasons",
                         rows(ADDRESS_CHANGE_TABLE))
def test_assess_address_change(facts, outcome, reasons):
    assert_decision(assess_address_change(facts, NOW), outcome, reasons)


NOT_RECEIVED_TABLE = [
    ("delivered-but-missing", order("delivered"), NOW,
     "case_delivered_missing", ("delivery.delivered_but_not_received",)),
    ("delivered-scan-status-shipped", order("shipped", delivered_at=DELIVERED_AT), NOW,
     "case_delivered_missing", ("delivery.delivered_but_not_received",)),
    ("in-transit-on-time", order("shipped"), LATEST_DELIVERY - timedelta(days=1),
     "in_transit", ("delivery.in_transit_on_time",)),
    ("in-transit-late", order("shipped"), LATEST_DELIVERY + timedelta(days=1),
     "in_transit", ("delivery.in_transit_late",)),
    ("in-transit-exactly-at-claim-point", order("shipped"), CLAIM_POINT,
     "in_transit", ("delivery.in_transit_late",)),
    ("in-transit-past-claim-point", order("shipped"), CLAIM_POINT + SECOND,
     "case_not_received", ("delivery.late_past_claim_point",)),
    ("unshipped-past-ship-by", order("unshipped"), LATEST_SHIP + SECOND,
     "case_not_shipped", ("delivery.not_shipped_past_ship_by",)),
]


@pytest.mark.parametrize("facts, now, outcome, reasons",
                         rows(NOT_RECEIVED_TABLE))
def test_assess_not_received(facts, now, outcome, reasons):
    assert_decision(assess_not_received(facts, now, POLICY), outcome, reasons)


# -- D. case_rules.read_seller_reply ------------------------------------------------------

SELLER_REPLY_TABLE = [
    # id, text, decision, tracking number
    ("en-approve", "Approve", "approve", None),
    ("en-approved-sentence", "Approved, please go ahead.", "approve", None),
    ("en-agree", "We agree to cancel it.", "approve", None),
    ("en-yes", "Yes", "approve", None),
    ("en-decline", "Decline - the parcel is already packed.", "decline", None),
    ("en-reject", "We reject this request.", "decline", None),
    ("en-refuse", "I refuse.", "decline", None),
    ("en-refund", "Please refund the customer.", "refund", None),
    ("en-refunded", "Refunded today.", "refund", None),
    ("en-replace", "We will send a replacement.", "replace", None),
    ("en-resend", "We'll resend it tomorrow.", "replace", None),
    ("en-shipped-with-ups-tracking", f"Shipped today with UPS {TRACKING_UPS}", "shipped",
     TRACKING_UPS),
    ("en-shipped-without-tracking", "It was shipped yesterday.", "shipped", None),
    ("en-tracking-word-and-number", f"here is the tracking number {TRACKING_UPS}", "shipped",
     TRACKING_UPS),
    ("en-first-word-wins", "Refund it, do not replace.", "refund", None),
    ("zh-approve", "同意", "approve", None),
    ("zh-approve-sentence", "同意取消订单。", "approve", None),
    ("zh-decline", "拒绝", "decline", None),
    ("zh-disagree-is-decline", "不同意", "decline", None),
    ("zh-disagree-refund-is-decline", "不同意退款", "decline", None),
    ("zh-refund", "退款", "refund", None),
    ("zh-refunded", "已退款给客户", "refund", None),
    ("zh-replace", "补发", "replace", None),
    ("zh-replace-sentence", "我们会补发一个新的", "replace", None),
    ("zh-shipped-with-yanwen-number", f"已发货，运单号 {TRACKING_YANWEN}", "shipped",
     TRACKING_YANWEN),
    ("zh-shipped-with-ups-number", f"已发货 运单号：{TRACKING_UPS}", "shipped", TRACKING_UPS),
    ("zh-waybill-number-only", f"运单号：{TRACKING_YANWEN}", "shipped", TRACKING_YANWEN),
    ("zh-shipped-without-number", "已发货", "shipped", None),
    ("en-free-text", "The lamp is 12 watts and comes with a bulb.", None, None),
    ("zh-free-text", "这个灯是十二瓦的，带灯泡。", None, None),
    ("zh-question-is-not-approval", "可以吗", None, None),
    ("zh-question-mark-is-not-approval", "可以吗？", None, None),
    ("number-without-tracking-word", f"Order note {TRACKING_YANWEN}", None, TRACKING_YANWEN),
    ("en-negated-approve", "We do not approve this cancellation.", "decline", None),
    ("en-dont-agree", "I don't agree.", "decline", None),
    ("zh-cannot-refund", "不能退款", "decline", None),
    ("en-capitalised-tracking", f"Tracking: {TRACKING_UPS}", "shipped", TRACKING_UPS),
    ("en-yes-shipped-with-tracking", f"Yes, it shipped today, tracking {TRACKING_UPS}",
     "shipped", TRACKING_UPS),
]

@pytest.mark.parametrize(
    "text, decision, tracking",
    rows(SELLER_REPLY_TABLE))
def test_read_seller_reply(text, decision, tracking):
    answer = read_seller_reply(text)
    assert (answer.decision, answer.tracking_number) == (decision, tracking)


def test_read_seller_reply_keeps_the_visible_text_stripped():
    assert read_seller_reply("  同意\n\n").text == "同意"


def test_every_decision_word_is_read_on_its_own():
    for decision, vocabulary in DECISION_WORDS.items():
        for word in vocabulary:
            assert read_seller_reply(word).decision == decision, word


# -- D. case_rules.decide_on_answer -------------------------------------------------------

_DECISIONS = ("approve", "decline", "refund", "replace", "shipped", None)
FREE = "seller_answered"

# Expected outcome for (kind, decision word) with a tracking number present; "free" means the
# answer is relayed as free text.
ANSWER_TABLE: dict[str, dict[str | None, tuple[str, str]]] = {
    PRODUCT_QUESTION: {d: (FREE, "free_text_relayed") for d in _DECISIONS},
    GENERAL: {d: (FREE, "free_text_relayed") for d in _DECISIONS},
    CANCELLATION: {
        "approve": ("canceled_refunded", "seller_approve"),
        "refund": ("canceled_refunded", "seller_refund"),
        "decline": ("cancellation_declined", "seller_decline"),
        "shipped": ("seller_shipped", "seller_shipped"),
        "replace": (FREE, "free_text_relayed"),
        None: (FREE, "free_text_relayed"),
    },
    ADDRESS_CHANGE: {
        "approve": ("address_changed", "seller_approve"),
        "decline": ("address_change_declined", "seller_decline"),
        "shipped": ("seller_shipped", "seller_shipped"),
        "refund": (FREE, "free_text_relayed"),
        "replace": (FREE, "free_text_relayed"),
        None: (FREE, "free_text_relayed"),
    },
    NOT_SHIPPED: {
        "shipped": ("seller_shipped", "seller_shipped"),
        "approve": ("canceled_refunded", "seller_approve"),
        "refund": ("canceled_refunded", "seller_refund"),
        "decline": (FREE, "seller_decline"),
        "replace": (FREE, "free_text_relayed"),
        None: (FREE, "free_text_relayed"),
    },
    NOT_RECEIVED: {
        "refund": ("refund_returnless", "seller_refund"),
        "approve": ("refund_returnless", "seller_approve"),
        "replace": ("replacement_sent", "seller_replace"),
        "shipped": ("seller_shipped", "seller_shipped"),
        "decline": (FREE, "seller_decline"),
        None: (FREE, "free_text_relayed"),
    },
    DELIVERED_MISSING: {
        "refund": ("refund_returnless", "seller_refund"),
        "approve": ("refund_returnless", "seller_approve"),
        "replace": ("replacement_sent", "seller_replace"),
        "decline": (FREE, "seller_decline"),
        "shipped": (FREE, "free_text_relayed"),
        None: (FREE, "free_text_relayed"),
    },
    **{kind: {
        "approve": ("return_authorized", "seller_approve"),
        "refund": ("refund_returnless", "seller_refund"),
        "replace": ("replacement_sent", "seller_replace"),
        "decline": ("return_declined", "seller_decline"),
        "shipped": (FREE, "free_text_relayed"),
        None: (FREE, "free_text_relayed"),
    } for kind in (case_rules.RETURN_OUT_OF_POLICY, case_rules.RETURN_EXEMPT)},
    case_rules.INTERNATIONAL_RETURN: {
        "approve": ("return_authorized", "seller_approve"),
        "refund": ("refund_returnless", "seller_refund"),
        "replace": ("replacement_sent", "seller_replace"),
        "decline": (FREE, "free_text_relayed"),
        "shipped": (FREE, "free_text_relayed"),
        None: (FREE, "free_text_relayed"),
    },
    case_rules.REPLACEMENT: {
        "replace": ("replacement_sent", "seller_replace"),
        "approve": ("replacement_sent", "seller_approve"),
        "refund": ("refund_returnless", "seller_refund"),
        "decline": (FREE, "free_text_relayed"),
        "shipped": (FREE, "free_text_relayed"),
        None: (FREE, "free_text_relayed"),
    },
}

ANSWER_ROWS = [
    pytest.param(kind, decision, TRACKING_UPS, outcome, (f"case.{kind}.{reason}",),
                 id=f"{kind}-{decision or 'free_text'}")
    for kind, rows in ANSWER_TABLE.items() for decision, (outcome, reason) in rows.items()
] + [
    # "shipped" without a tracking number is not a shipped answer: it is relayed.
    pytest.param(kind, "shipped", None, FREE, (f"case.{kind}.free_text_relayed",),
                 id=f"{kind}-shipped-without-tracking")
    for kind in KINDS
]


@pytest.mark.parametrize("kind, decision, tracking, outcome, reasons", ANSWER_ROWS)
def test_decide_on_answer(kind, decision, tracking, outcome, reasons):
    answer = SellerAnswer(decision=decision, tracking_number=tracking, text="(the reply)")
    decision_ = decide_on_answer(kind, answer)
    assert_decision(decision_, outcome, reasons)
    assert decision_.facts == {"kind": kind, "decision_word": decision,
                               "tracking_number": tracking}


def test_answer_table_covers_every_kind_and_accepted_answer():
    assert set(ANSWER_TABLE) == set(KINDS) == set(ACCEPTED_ANSWERS)
    for kind, accepted in ACCEPTED_ANSWERS.items():
        assert set(accepted) <= set(ANSWER_TABLE[kind]), kind
        assert set(ANSWER_TABLE[kind]) == set(_DECISIONS), kind


def test_unknown_kind_answer_is_relayed():
    answer = SellerAnswer("approve", None, "ok")
    assert_decision(decide_on_answer("no_such_kind", answer), FREE,
                    ("case.no_such_kind.free_text_relayed",))


@pytest.mark.parametrize("text, kind, outcome, reasons", [
    pytest.param(f"已发货，运单号 {TRACKING_YANWEN}", NOT_SHIPPED, "seller_shipped",
                 ("case.not_shipped.seller_shipped",), id="zh-shipped-not-shipped-case"),
    pytest.param("已发货", NOT_SHIPPED, FREE, ("case.not_shipped.free_text_relayed",),
                 id="zh-shipped-without-number-relayed"),
    pytest.param("不同意", CANCELLATION, "cancellation_declined",
                 ("case.cancellation.seller_decline",), id="zh-disagree-declines-cancellation"),
    pytest.param("可以吗", CANCELLATION, FREE, ("case.cancellation.free_text_relayed",),
                 id="zh-question-relayed"),
    pytest.param("补发", DELIVERED_MISSING, "replacement_sent",
                 ("case.delivered_missing.seller_replace",), id="zh-replace-missing"),
])
def test_seller_reply_end_to_end(text, kind, outcome, reasons):
    assert_decision(decide_on_answer(kind, read_seller_reply(text)), outcome, reasons)


# -- D. case_rules.decide_on_silence ------------------------------------------------------

BASE = "case.deadline_passed_without_reply"
SILENCE_TABLE = {
    # kind: {order state: (outcome, rule)}
    NOT_RECEIVED: {
        "delivered": ("refund_returnless", "silence.not_received.full_refund"),
        "shipped": ("refund_returnless", "silence.not_received.full_refund"),
        "unshipped": ("refund_returnless", "silence.not_received.full_refund"),
    },
    DELIVERED_MISSING: {
        "delivered": ("refund_returnless", "silence.delivered_missing.full_refund"),
        "shipped": ("refund_returnless", "silence.delivered_missing.full_refund"),
        "unshipped": ("refund_returnless", "silence.delivered_missing.full_refund"),
    },
    CANCELLATION: {
        "unshipped": ("canceled_refunded", "silence.cancellation.cancel_and_refund"),
        "shipped": ("return_after_delivery", "silence.cancellation.shipped_meanwhile"),
        "delivered": ("return_after_delivery", "silence.cancellation.shipped_meanwhile"),
    },
    ADDRESS_CHANGE: {
        "unshipped": ("cancellation_offered", "silence.address_change.offer_cancellation"),
        "shipped": ("no_answer", "silence.address_change.shipped_meanwhile"),
        "delivered": ("no_answer", "silence.address_change.shipped_meanwhile"),
    },
    NOT_SHIPPED: {
        "unshipped": ("cancellation_offered", "silence.not_shipped.offer_cancellation"),
        "shipped": ("no_answer", "silence.not_shipped.shipped_meanwhile"),
        "delivered": ("no_answer", "silence.not_shipped.shipped_meanwhile"),
    },
    PRODUCT_QUESTION: {
        "delivered": ("free_return_authorized", "silence.product_question.free_return"),
        "unshipped": ("cancellation_offered", "silence.product_question.offer_cancellation"),
        "shipped": ("no_answer", "silence.product_question.no_answer_notice"),
    },
    GENERAL: {
        "delivered": ("free_return_authorized", "silence.general.free_return"),
        "unshipped": ("cancellation_offered", "silence.general.offer_cancellation"),
        "shipped": ("no_answer", "silence.general.no_answer_notice"),
    },
}


@pytest.mark.parametrize("kind, state, outcome, reasons", [
    pytest.param(kind, state, outcome, (BASE, rule), id=f"{kind}-{state}")
    for kind, rows in SILENCE_TABLE.items() for state, (outcome, rule) in rows.items()
])
def test_decide_on_silence(kind, state, outcome, reasons):
    deadline = NOW + timedelta(hours=24)
    assert_decision(decide_on_silence(kind, order(state), deadline), outcome, reasons)


# Return cases: the outcome depends on what the case's details say about the item.
RETURN_SILENCE_TABLE = [
    (case_rules.RETURN_OUT_OF_POLICY, {"seller_fault": True}, "return_authorized",
     "silence.return_out_of_policy.seller_fault_authorized"),
    (case_rules.RETURN_OUT_OF_POLICY, {"seller_fault": False}, "return_declined",
     "silence.return_out_of_policy.declined_policy_reason"),
    (case_rules.RETURN_EXEMPT, {"seller_fault": True}, "return_authorized",
     "silence.return_exempt.seller_fault_authorized"),
    (case_rules.RETURN_EXEMPT, {"seller_fault": False}, "return_declined",
     "silence.return_exempt.declined_policy_reason"),
    (case_rules.INTERNATIONAL_RETURN, {}, "refund_returnless",
     "silence.international_return.refund"),
    (case_rules.REPLACEMENT, {"returnless": True}, "refund_returnless",
     "silence.replacement.refund_returnless"),
    (case_rules.REPLACEMENT, {"returnless": False}, "return_authorized",
     "silence.replacement.refund_with_free_return"),
]


@pytest.mark.parametrize("kind, details, outcome, rule", [
    pytest.param(*row, id=f"{row[0]}-{row[3].rsplit('.', 1)[1]}") for row in RETURN_SILENCE_TABLE])
def test_decide_on_silence_for_returns(kind, details, outcome, rule):
    assert_decision(decide_on_silence(kind, order("delivered"), NOW, details), outcome,
                    (BASE, rule))


def test_silence_table_covers_every_kind():
    covered = set(SILENCE_TABLE) | {row[0] for row in RETURN_SILENCE_TABLE}
    assert covered == set(KINDS) == set(case_rules.KINDS)


def test_silence_on_a_delivered_scan_with_status_shipped_counts_as_delivered():
    facts = replace(order("shipped"), delivered_at=DELIVERED_AT)
    assert_decision(decide_on_silence(PRODUCT_QUESTION, facts, NOW), "free_return_authorized",
                    (BASE, "silence.product_question.free_return"))


def test_silence_pays_nothing_again_for_goods_refunded_or_returned():
    delivered = order("delivered")
    every = frozenset(item.asin for item in delivered.items)
    for kind, details, settled in (
            (NOT_RECEIVED, {}, frozenset({"*"})),
            (PRODUCT_QUESTION, {}, every),
            (case_rules.RETURN_EXEMPT, {"seller_fault": True,
                                        "asin": delivered.items[0].asin},
             frozenset({delivered.items[0].asin}))):
        assert_decision(decide_on_silence(kind, delivered, NOW, details, settled), "no_answer",
                        (BASE, f"silence.{kind}.already_refunded_or_returned"))
    # what is not yet refunded still is
    assert decide_on_silence(NOT_RECEIVED, delivered, NOW, {}, frozenset()).outcome \
        == "refund_returnless"


@pytest.mark.parametrize("text, asked, same", [
    ("how long is it again?", "how long is it?", True),
    ("Does it work with a MacBook Air?", "hey, quick question. does it work with a macbook air?",
     True),
    ("and how long is the cable?", "does it work with a macbook air?", False),
    ("is the cover made in the USA?", "Does it come in a gift box?\n\nhow long is the cable?",
     False),
    ("how long is the cable?", "Does it come in a gift box?\n\nhow long is the cable?", True),
    ("¿viene en caja de regalo otra vez?", "¿Viene en caja de regalo?", True),
])
def test_a_product_question_asked_again_is_the_same_question(text, asked, same):
    assert case_rules.same_question(text, asked) is same


@pytest.mark.parametrize("text, intent, reason", [
    ("I want to return the skillet, it has a crack", "return_request", "damaged"),
    ("the mug is chipped", "return_request", "damaged"),
    ("the pan arrived rusty", "return_request", "damaged"),
    ("the lamp doesn't turn on", "return_request", "defective"),
    ("the headphones have no sound", "return_request", "defective"),
    ("I got the wrong color", "return_request", "wrong_item"),
    ("it's too small", "return_request", "wrong_size_ordered"),
    ("changed my mind", "return_request", "no_longer_needed"),
    ("el plato llegó despostillado", "return_request", "damaged"),
    ("la bocina no suena", "return_request", "defective"),
    ("ya no lo necesito", "return_request", "no_longer_needed"),
    ("it came apart", "damaged_or_defective", "defective"),   # what the intent implies
    ("I want to send it back", "return_request", None),
    ("the box came without the lid for one of the mugs", "missing_item", "missing_parts"),
    ("the set didn't come with the charger", "return_request", "missing_parts"),
    ("la caja vino sin la tapa", "missing_item", "missing_parts"),
    ("can I return it without the original box?", "return_request", None),
    ("my wife already bought one", "return_request", "no_longer_needed"),
    ("the mattress is too firm", "return_request", "no_longer_needed"),
    ("one of the mugs has a chip in it", "damaged_or_defective", "damaged"),
    ("me arrepentí de la compra", "return_request", "no_longer_needed"),
    ("es muy pesado", "return_request", "no_longer_needed"),
    ("me queda grande", "return_request", "wrong_size_ordered"),
    ("me faltan tazas, solo llegó una", "missing_item", "missing_parts"),
    ("the lamp is missing the power adapter", "missing_item", "missing_parts"),
    ("the mug box was missing one mug, I only got 1 of 2", "missing_item", "missing_parts"),
    ("the spatulas were missing from the box", "missing_item", "missing_parts"),
])
def test_return_reason_from_the_customers_words(text, intent, reason):
    assert return_reason(text, intent) == reason
