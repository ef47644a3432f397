"""The leads' dashboard and the figures behind it: contacts (defined once, bot.contacts),
the automation rate, sellers' answer times, cases resolved on silence, contacts per unit and
fee tiers (POLICY.md E, at the tier boundaries), orders at risk; the page's SVG and the CSV."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.contacts import contacts
from bot.fees import fee_rate
from bot.figures import months_back
from bot.marketplace import load_policy

NEW_YORK = ZoneInfo("America/New_York")
FEES = load_policy().fees


def test_a_contact_is_a_conversation_day_in_the_marketplace_zone():
    at = lambda h: datetime(2026, 11, 26, h, tzinfo=UTC)  # noqa: E731
    # 03:00 UTC is still the 25th in New York; 15:00 and 20:00 are one contact on the 26th
    assert len(contacts([(1, at(3)), (1, at(15)), (1, at(20)), (2, at(15))], NEW_YORK)) == 3


@pytest.mark.parametrize(("contacts_", "units", "cpu", "rate", "rule"), [
    (5, 100, "0.05", "0.10", "fees.tier_1"), (6, 100, "0.06", "0.25", "fees.tier_2"),
    (15, 100, "0.15", "0.25", "fees.tier_2"), (16, 100, "0.16", "0.50", "fees.tier_3"),
    (30, 100, "0.3", "0.50", "fees.tier_3"), (31, 100, "0.31", "0.70", "fees.tier_4"),
    (0, 31, "0", "0.10", "fees.tier_1"), (3, 30, None, "0.25", "fees.cpu_unknown_default"),
])
def test_fee_tiers_at_their_boundaries(contacts_, units, cpu, rate, rule):
    fee = fee_rate(contacts_, units, FEES)
    assert (fee.cpu, fee.rate, fee.rule) == (
        None if cpu is None else Decimal(cpu), Decimal(rate), rule)


def test_the_fee_window_is_the_previous_three_calendar_months():
    assert months_back(datetime(2026, 11, 26, 15, tzinfo=UTC), 3, NEW_YORK) == (
        datetime(2026, 8, 1, tzinfo=NEW_YORK), datetime(2026, 11, 1, tzinfo=NEW_YORK))
    assert months_back(datetime(2027, 2, 1, 6, tzinfo=UTC), 3, NEW_YORK)[0] == \
        datetime(2026, 11, 1, tzinfo=NEW_YORK)


async def test_the_dashboard_draws_the_figures_and_exports_them(service):
    await service.sms("+15555550103", "Where is my order?")
    await service.sms("+15555550103", "and when will it arrive?")     # same day: 1 contact
    await service.sms("+15555550101", "¿Dónde está mi pedido?")
    await service.sms("+15555550102", "I want to talk to a person")
    await service.sms("+15555550113", "Quiero cancelar mi pedido")
    await service.sms("+15555550113", "1")
    await service.sign_in("lead")
    page = await service.client.get("/console/dashboard?days=7")
    assert page.status == 200
    html = await page.text()
    assert html.count("<svg ") == 4 and "<script" not in html
    assert "Automation rate: <strong>50 %</strong>" in html   # 2 of 4 needed a seller/person
    assert "<title>sms 2026-11-26: 4</title>" in html
    assert "<title>es 2026-11-26: 2</title>" in html
    export = await service.client.get("/console/dashboard.csv?days=7")
    rows = list(csv.reader(io.StringIO(await export.text())))
    assert ["contacts_by_channel", "sms", "2026-11-26", "4"] in rows
    assert ["conversations", "", "", "4"] in rows and ["automated_conversations", "", "", "2"] in rows
    assert ["cases_waiting_on_seller", "SELLER-CN1", "", "1"] in rows
    at_risk = int(next(r[3] for r in rows if r[0] == "orders_at_risk"))
    assert at_risk >= 2   # the demo's late orders (7 and 10 days past delivery, no scan)
    fee_rows = {r[1]: r[3] for r in rows if r[0] == "fee_per_unit"}
    assert fee_rows["SELLER-US1"] in ("0.10", "0.25", "0.50", "0.70")
