"""Sellers' relationship with the service: enrollment periods and the orders they cover
(decision tables), enrolling and opting out by CLI, API and console, the JSON API's products,
orders and shipment events, and monthly fee statements (free trial, tiers, email on the 1st)."""

import asyncio
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.app import create_app
from bot.clock import FixedClock
from bot.enrollment import Period, decide_enrollment, decide_opt_out
from bot.facts import ItemFacts, OrderFacts, SellerFacts
from bot.fees import units_billed
from bot.marketplace import load_policy
from bot.scope import check_coverage
from storage.models import FeeStatement, Order
from tests.conftest import Service

POLICY = load_policy()
HOUR = timedelta(hours=1)
T0 = datetime(2026, 9, 1, 12, tzinfo=UTC)          # enrolled
T1 = datetime(2026, 10, 1, 12, tzinfo=UTC)         # opted out
T2 = datetime(2026, 10, 20, 12, tzinfo=UTC)        # re-enrolled


def order_placed(at: datetime, periods: tuple[Period, ...], fulfillment: str = "MFN"):
    seller = SellerFacts(id="S", name="S", language="en", enrolled_at=periods[-1].enrolled_at,
                         opted_out_at=periods[-1].opted_out_at, return_address_country="US",
                         periods=periods)
    return OrderFacts(order_id="111-0000000-0000001", fulfillment=fulfillment, status="Shipped",
                      purchased_at=at, currency="USD", seller=seller,
                      items=(ItemFacts(asin="B0", title="x", category="", quantity=1,
                                       price=Decimal("1")),))


HISTORY = (Period(T0, T0, T1), Period(T2, T2, None))


@pytest.mark.parametrize(("placed", "outcome", "reason"), [
    (T0 + HOUR - timedelta(seconds=1), "out_of_scope", "scope.placed_before_enrollment"),
    (T0 + HOUR, "covered", "scope.mfn_enrolled"),
    (T1 - timedelta(seconds=1), "covered", "scope.mfn_enrolled"),
    (T1, "out_of_scope", "scope.placed_after_opt_out"),
    (T2 + HOUR - timedelta(seconds=1), "out_of_scope", "scope.placed_after_opt_out"),
    (T2 + HOUR, "covered", "scope.mfn_enrolled"),
    (T2 + timedelta(days=400), "covered", "scope.mfn_enrolled"),
])
def test_coverage_follows_every_enrollment_period(placed, outcome, reason):
    decision = check_coverage(order_placed(placed, HISTORY), POLICY)
    assert (decision.outcome, decision.reasons) == (outcome, (reason,))


def test_fba_is_never_covered():
    decision = check_coverage(order_placed(T0 + timedelta(days=2), HISTORY, "AFN"), POLICY)
    assert decision.reasons == ("scope.fba",)


@pytest.mark.parametrize(("plan", "health", "terms", "periods", "outcome", "reasons"), [
    ("professional", "good", True, (), "enrolled", ("enrollment.first_enrollment",)),
    ("professional", "good", True, (Period(T0, T0, T1),), "enrolled",
     ("enrollment.re_enrolled",)),
    ("individual", "good", True, (), "enrollment_refused",
     ("enrollment.needs_professional_plan",)),
    ("professional", "at_risk", False, (), "enrollment_refused",
     ("enrollment.needs_good_standing", "enrollment.terms_not_accepted")),
    ("professional", "good", True, (Period(T0, T0, None),), "enrollment_refused",
     ("enrollment.already_enrolled",)),
])
def test_who_may_enroll(plan, health, terms, periods, outcome, reasons):
    decision = decide_enrollment(plan, health, periods, terms, T2, HOUR)
    assert (decision.outcome, decision.reasons) == (outcome, reasons)
    assert decide_opt_out((), T2).reasons == ("enrollment.not_enrolled",)


TRIAL_END = T0 + timedelta(days=30)


@pytest.mark.parametrize(("shipped_at", "in_trial"), [
    (TRIAL_END - timedelta(seconds=1), 2), (TRIAL_END, 0), (TRIAL_END + timedelta(days=1), 0)])
def test_units_shipped_in_the_free_trial_are_not_billed(shipped_at, in_trial):
    shipments = [(T0 + HOUR, shipped_at, 2), (T0 - timedelta(days=3), shipped_at, 5)]
    covered = lambda placed: any(p.covers(placed, HOUR) for p in HISTORY)  # noqa: E731
    assert units_billed(shipments, covered, TRIAL_END) == (2, in_trial)


# -- through the real entry points ------------------------------------------------------

async def test_enroll_opt_out_and_show_from_the_command_line(service):
    refused = service.cli("sellers", "enroll", "SELLER-OUT")
    assert refused.returncode == 1
    assert json.loads(refused.stdout)["reasons"] == ["enrollment.terms_not_accepted"]
    enrolled = service.cli("sellers", "enroll", "SELLER-OUT", "--accept-terms")
    assert json.loads(enrolled.stdout)["outcome"] == "enrolled"
    again = service.cli("sellers", "enroll", "SELLER-OUT", "--accept-terms")
    assert json.loads(again.stdout)["reasons"] == ["enrollment.already_enrolled"]
    shown = json.loads(service.cli("sellers", "show", "SELLER-OUT").stdout)
    assert shown["enrolled"] is True and len(shown["periods"]) == 2
    assert shown["periods"][0]["opted_out_at"] is not None
    out = service.cli("sellers", "opt-out", "SELLER-OUT")
    assert json.loads(out.stdout)["outcome"] == "opted_out"
    assert service.cli("sellers", "show", "NOPE").stderr.strip() == \
        "csba sellers: no seller 'NOPE'"


async def api(service, method: str, path: str, key: str | None, body=None):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    response = await service.client.request(method, f"/api/v1{path}", json=body,
                                            headers=headers)
    return response.status, await response.json()


async def test_the_api_keeps_answers_current_for_the_keys_seller_only(service):
    key = service.cli("sellers", "api-key", "SELLER-US1").stdout.strip()
    other = service.cli("sellers", "api-key", "SELLER-CN1").stdout.strip()
    assert key.startswith("csba_")
    assert (await api(service, "GET", "/enrollment", None))[0] == 401
    assert await api(service, "GET", "/enrollment", "csba_nope") == (
        401, {"error": "unknown or revoked API key"})
    status, body = await api(service, "GET", "/enrollment", key)
    assert status == 200 and body["seller_id"] == "SELLER-US1" and body["enrolled"]

    # a shipment event: the next answer gives the tracking number
    drill = "113-5521907-2049386"
    assert (await api(service, "POST", f"/orders/{drill}/shipment", key, {"carrier": "UPS"}))[0] \
        == 400
    status, body = await api(service, "POST", f"/orders/{drill}/shipment", key,
                             {"carrier": "UPS", "tracking_number": "1Z8E47V10311112222"})
    assert status == 200 and body["status"] == "Shipped"
    [answer] = await service.sms("+15555550106", "where is my drill?")
    assert "UPS, tracking number 1Z8E47V10311112222" in answer
    assert (await api(service, "POST", f"/orders/{drill}/delivery", other))[0] == 404
    assert (await api(service, "POST", f"/orders/{drill}/delivery", key, {}))[0] == 200
    assert (await service.scalar(select(Order.status).where(Order.order_id == drill))) == \
        "Delivered"

    # products and orders upserted with the v1 validation, all or nothing
    product = {"asin": "B0NEWLAMP1", "title": "Brightside Reading Lamp", "price": 19.99,
               "bullets": ["LED"], "attributes": {"color": "white"}}
    order = {"order_id": "111-1234567-7654321", "fulfillment": "MFN", "status": "Unshipped",
             "purchased_at": "2026-11-26T10:00:00Z", "latest_ship_date": "2026-11-28T23:59:59Z",
             "earliest_delivery_date": "2026-12-01T00:00:00Z",
             "latest_delivery_date": "2026-12-04T23:59:59Z",
             "buyer": {"name": "Pat", "phone": "+15555550177"},
             "ship_to": {"postal_code": "10001"}, "items": [{"asin": "B0NEWLAMP1"}]}
    assert await api(service, "PUT", "/products", key, {"products": [product]}) == (
        200, {"upserted": 1})
    assert await api(service, "PUT", "/products", other, {"products": [product]}) == (
        400, {"error": "product B0NEWLAMP1 belongs to another seller"})
    bad = {**order, "order_id": "111-1234567-7654322", "status": "Lost"}
    status, body = await api(service, "PUT", "/orders", key, {"orders": [order, bad]})
    assert status == 400 and "status must be one of" in body["error"]
    assert await service.scalar(select(Order).where(
        Order.order_id == "111-1234567-7654321")) is None          # nothing half-loaded
    assert await api(service, "PUT", "/orders", key, {"orders": [order]}) == (
        200, {"upserted": 1})
    [answer] = await service.sms("+15555550177", "where is my order?")
    assert "111-1234567-7654321 (Brightside Reading Lamp) hasn't shipped yet" in answer
    assert await api(service, "PUT", "/orders", key, {"order": []}) == (
        400, {"error": 'send {"orders": [...]}'})

    # enrollment by API: opting out leaves new orders to the seller
    assert await api(service, "DELETE", "/enrollment", key) == (
        200, {"outcome": "opted_out", "reasons": ["enrollment.opted_out"]})
    assert (await api(service, "DELETE", "/enrollment", key))[0] == 409
    assert (await api(service, "POST", "/enrollment", key, {}))[1]["reasons"] == [
        "enrollment.terms_not_accepted"]
    assert (await api(service, "POST", "/enrollment", key, {"accept_terms": True}))[0] == 200


async def test_a_seller_enrolls_and_reads_the_fee_statement_in_the_console(service):
    await service.sign_in("seller", seller="SELLER-OUT")
    page = await (await service.client.get("/console/account")).text()
    assert "Not enrolled." in page
    csrf = await service.csrf("/console/account")
    refused = await service.client.post("/console/account/enroll", data={"csrf": csrf})
    assert (refused.status, await refused.text()) == (
        409, "not done: enrollment.terms_not_accepted")
    done = await service.client.post("/console/account/enroll", allow_redirects=False,
                                     data={"csrf": csrf, "accept_terms": "yes"})
    assert done.status == 303
    page = await (await service.client.get("/console/account?month=2026-11")).text()
    # in the seller's own time zone (Denver)
    assert "Enrolled: orders placed from Nov 26, 2026, 9:00\u202fAM MST are covered." in page
    export = await service.client.get("/console/account/fees.csv?month=2026-11")
    header, values = (line.split(",") for line in (await export.text()).strip().splitlines())
    assert dict(zip(header, values, strict=True))["seller_id"] == "SELLER-OUT"
    # a seller reads only their own account, whatever the query says
    other = await service.client.get("/console/account?seller=SELLER-US1")
    assert "SELLER-OUT" in await other.text()


async def test_fee_statement_from_the_command_line(service):
    result = service.cli("fees", "statement", "--seller", "SELLER-US1", "--month", "2026-11",
                         "--csv")
    assert result.returncode == 0, result.stderr
    header, values = (line.split(",") for line in result.stdout.strip().splitlines())
    row = dict(zip(header, values, strict=True))
    assert row["seller_id"] == "SELLER-US1" and row["month"] == "2026-11"
    units, billable = int(row["units_shipped"]), int(row["billable_units"])
    assert units >= billable >= 0
    assert Decimal(row["amount"]) == (Decimal(row["rate_per_unit"]) * billable).quantize(
        Decimal("0.01"))
    assert row["rule"] == "fees.cpu_unknown_default"   # a handful of demo units: too few
    bad = service.cli("fees", "statement", "--seller", "SELLER-US1", "--month", "11/2026")
    assert bad.stderr.strip() == "csba fees: a month is YYYY-MM: '11/2026'"


async def test_statements_are_emailed_on_the_first_once(aiohttp_client, settings, twilio_fake,
                                                        mail_sink):
    first = FixedClock(datetime(2026, 12, 1, 15, tzinfo=UTC))
    fast = settings.with_overrides(outbox_poll_seconds=0.02)
    client = await aiohttp_client(create_app(fast, clock=first, demo=True, background=True))
    service = Service(client, fast, first, twilio_fake, mail_sink)
    for _ in range(200):
        if len(await service.scalars(select(FeeStatement))) and mail_sink.to(
                "ops@brightside.example"):
            break
        await asyncio.sleep(0.02)
    statements = await service.scalars(select(FeeStatement))
    assert {s.month for s in statements} == {"2026-11"}
    assert "SELLER-US1" in {s.seller_id for s in statements}
    [email] = [m for m in mail_sink.to("ops@brightside.example")
               if m["Subject"] == "Your fee statement for 2026-11"]
    assert "Your fee for 2026-11 is $" in email.get_body(("plain",)).get_content()
    again = service.cli("fees", "notify", "--month", "2026-11")
    assert json.loads(again.stdout) == {"month": "2026-11", "sent": []}
