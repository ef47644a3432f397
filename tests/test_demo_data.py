"""The bundled demo data set: format v1, consistent, and covering every situation it claims."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.demo_data import DEMO_BUYERS, HOLIDAY_ORDER_ID, build_demo_dataset

ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
ORDER_ID = re.compile(r"^\d{3}-\d{7}-\d{7}$")
E164 = re.compile(r"^\+[1-9]\d{7,14}$")
ASIN = re.compile(r"^B0[0-9A-Z]{8}$")
EMAIL = re.compile(r"^[a-z0-9.]+@example\.(com|net)$")
TRACKING = {
    "UPS": re.compile(r"^1Z[0-9A-Z]{16}$"),
    "USPS": re.compile(r"^9[2-5]\d{20}$"),
    "FedEx": re.compile(r"^\d{12}$"),
    "Yanwen": re.compile(r"^[A-Z]{2}\d{9}[A-Z]{2}$"),
    "4PX": re.compile(r"^4PX\d{13}CN$"),
}
CATEGORIES = {"Home", "Lighting", "Kitchen", "Electronics", "Baby", "Mattresses", "Grocery",
              "Gift Cards", "Handmade", "Apparel", "Tools"}
SELLER_KEYS = {"id", "name", "email", "language", "enrolled_at", "opted_out_at",
               "return_address_country", "returnless_refund_max", "timezone", "addresses"}
ORDER_KEYS = {"order_id", "seller_id", "fulfillment", "purchased_at", "buyer", "ship_to",
              "items", "status", "latest_ship_date", "earliest_delivery_date",
              "latest_delivery_date", "shipment", "note"}
ENROLLMENT_DELAY = timedelta(hours=1)
LATE_AFTER = timedelta(days=3)

# Mid-year, January (holiday window in force), the last day of a year, a leap day, today.
NOWS = [
    datetime(2026, 7, 4, 15, 30, 12, tzinfo=UTC),
    datetime(2027, 1, 15, 9, 0, 0, tzinfo=UTC),
    datetime(2027, 12, 31, 23, 59, 59, tzinfo=UTC),
    datetime(2028, 2, 29, 0, 0, 0, tzinfo=UTC),
    datetime.now(UTC).replace(microsecond=0),
]


def ts(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture(params=NOWS, ids=lambda now: now.date().isoformat())
def now(request: pytest.FixtureRequest) -> datetime:
    return request.param


@pytest.fixture
def data(now: datetime) -> dict:
    return build_demo_dataset(now)


def by_id(data: dict) -> tuple[dict, dict, dict]:
    return ({s["id"]: s for s in data["sellers"]}, {p["asin"]: p for p in data["products"]},
            {o["order_id"]: o for o in data["orders"]})


def buyer_orders(data: dict, phone: str) -> list[dict]:
    return [o for o in data["orders"] if o["buyer"]["phone"] == phone]


def in_transit(order: dict, now: datetime) -> bool:
    return (order["status"] == "Shipped" and order["shipment"]["delivered_at"] is None
            and now <= ts(order["latest_delivery_date"]))


def covered(order: dict, seller: dict) -> bool:
    purchased = ts(order["purchased_at"])
    opted_out = ts(seller["opted_out_at"])
    return (order["fulfillment"] == "MFN"
            and purchased >= ts(seller["enrolled_at"]) + ENROLLMENT_DELAY
            and (opted_out is None or purchased < opted_out))


# --- format ----------------------------------------------------------------------------------

def test_json_serializable_and_round_trips(data: dict) -> None:
    text = json.dumps(data, ensure_ascii=False)
    assert json.loads(text) == data


def test_top_level_shape(data: dict) -> None:
    assert set(data) == {"marketplace", "sellers", "products", "orders"}
    assert data["marketplace"] == "US"
    assert 18 <= len(data["products"]) <= 26
    assert 28 <= len(data["orders"]) <= 34


def test_every_datetime_is_iso_utc_z(data: dict) -> None:
    seen = 0

    def walk(value: object, key: str = "") -> None:
        nonlocal seen
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif key.endswith(("_at", "_date")) and value is not None:
            assert isinstance(value, str) and ISO_Z.match(value), (key, value)
            seen += 1

    walk(data)
    assert seen > 100


def test_ids_are_unique(data: dict) -> None:
    for kind, key in (("sellers", "id"), ("products", "asin"), ("orders", "order_id")):
        ids = [row[key] for row in data[kind]]
        assert len(ids) == len(set(ids)), kind
    skus = [(p["seller_id"], p["sku"]) for p in data["products"]]
    assert len(skus) == len(set(skus))
    tracking = [o["shipment"]["tracking_number"] for o in data["orders"] if o["shipment"]]
    assert len(tracking) == len(set(tracking))


def test_sellers(data: dict) -> None:
    sellers, _, _ = by_id(data)
    assert set(sellers) == {"SELLER-US1", "SELLER-CN1", "SELLER-OUT", "SELLER-NEW"}
    for seller in sellers.values():
        assert set(seller) == SELLER_KEYS
        assert seller["language"] in ("en", "zh")
        assert isinstance(seller["addresses"], list)
        assert round(seller["returnless_refund_max"], 2) == seller["returnless_refund_max"]
    us1, cn1 = sellers["SELLER-US1"], sellers["SELLER-CN1"]
    assert (us1["language"], us1["timezone"], us1["return_address_country"]) == (
        "en", "America/Chicago", "US")
    assert us1["email"] == "ops@brightside.example"
    assert us1["addresses"] == ["returns@brightside.example"]
    assert us1["returnless_refund_max"] == 10.00
    assert (cn1["language"], cn1["timezone"], cn1["return_address_country"]) == (
        "zh", "Asia/Shanghai", "CN")
    assert cn1["email"] == "kefu@mingdeng.example"
    assert sellers["SELLER-OUT"]["opted_out_at"] is not None
    assert all(s["opted_out_at"] is None for k, s in sellers.items() if k != "SELLER-OUT")


def test_products(data: dict) -> None:
    sellers, _, _ = by_id(data)
    for product in data["products"]:
        assert ASIN.match(product["asin"]), product["asin"]
        assert product["seller_id"] in sellers
        assert product["category"] in CATEGORIES
        assert 3 <= len(product["bullets"]) <= 5
        assert len(product["description"]) > 40
        assert product["attributes"] and all(
            isinstance(v, str) for v in product["attributes"].values())
        assert product["currency"] == "USD"
        assert product["price"] > 0 and round(product["price"], 2) == product["price"]
        assert isinstance(product["returnable"], bool)
    per_seller = Counter(p["seller_id"] for p in data["products"])
    assert per_seller["SELLER-US1"] + per_seller["SELLER-CN1"] >= 0.75 * len(data["products"])
    assert {p["category"] for p in data["products"] if p["seller_id"] == "SELLER-CN1"} == {
        "Lighting"}
    assert {p["category"] for p in data["products"]} == CATEGORIES
    not_returnable = {p["category"] for p in data["products"] if not p["returnable"]}
    assert {"Grocery", "Gift Cards", "Handmade"} <= not_returnable


def test_orders_reference_products_of_their_seller(data: dict) -> None:
    sellers, products, _ = by_id(data)
    for order in data["orders"]:
        assert order["seller_id"] in sellers
        assert order["items"]
        for item in order["items"]:
            assert products[item["asin"]]["seller_id"] == order["seller_id"], order["order_id"]
            assert item["quantity"] >= 1
            assert item["price"] == products[item["asin"]]["price"]


def test_order_fields(data: dict) -> None:
    for order in data["orders"]:
        assert set(order) == ORDER_KEYS
        assert ORDER_ID.match(order["order_id"]), order["order_id"]
        assert order["fulfillment"] in ("MFN", "AFN", "SFP")
        assert order["status"] in ("Pending", "Unshipped", "Shipped", "Delivered", "Canceled")
        assert set(order["buyer"]) == {"name", "email", "phone", "language"}
        assert E164.match(order["buyer"]["phone"]), order["buyer"]["phone"]
        assert EMAIL.match(order["buyer"]["email"]), order["buyer"]["email"]
        assert order["buyer"]["language"] in ("en", "es")
        assert order["ship_to"]["country"] == "US"
        assert re.fullmatch(r"\d{5}", order["ship_to"]["postal_code"])
        assert isinstance(order["note"], str) and order["note"]


def test_order_dates_and_shipments_are_consistent(data: dict, now: datetime) -> None:
    for order in data["orders"]:
        oid = order["order_id"]
        purchased = ts(order["purchased_at"])
        assert purchased < now, oid
        assert (purchased < ts(order["latest_ship_date"]) <= ts(order["earliest_delivery_date"])
                <= ts(order["latest_delivery_date"])), oid
        shipment = order["shipment"]
        if order["status"] in ("Pending", "Unshipped", "Canceled"):
            assert shipment is None, oid
            continue
        assert TRACKING[shipment["carrier"]].match(shipment["tracking_number"]), oid
        shipped = ts(shipment["shipped_at"])
        assert purchased < shipped < now, oid
        delivered = ts(shipment["delivered_at"])
        if order["status"] == "Shipped":
            assert delivered is None, oid
        else:
            assert shipped < delivered <= now, oid


def test_ups_tracking_numbers_have_valid_check_digits(data: dict) -> None:
    def check(body: str) -> str:
        total = 0
        for i, c in enumerate(body):
            value = int(c) if c.isdigit() else (ord(c) - 63) % 10
            total += value * 2 if i % 2 else value
        return str((10 - total % 10) % 10)

    assert check("999AA1012345678") == "4"  # UPS's published example 1Z999AA10123456784
    for order in data["orders"]:
        if order["shipment"] and order["shipment"]["carrier"] == "UPS":
            number = order["shipment"]["tracking_number"]
            assert number[-1] == check(number[2:-1]), number


def test_buyers_are_consistent_and_a_third_spanish(data: dict) -> None:
    identities: dict[str, set] = defaultdict(set)
    for order in data["orders"]:
        b = order["buyer"]
        identities[b["phone"]].add(
            (b["name"], b["email"], b["language"], order["ship_to"]["postal_code"]))
    assert all(len(v) == 1 for v in identities.values())
    emails = [next(iter(v))[1] for v in identities.values()]
    assert len(emails) == len(set(emails))
    languages = Counter(next(iter(v))[2] for v in identities.values())
    assert 0.25 <= languages["es"] / len(identities) <= 0.45
    assert sum(1 for v in Counter(o["buyer"]["phone"] for o in data["orders"]).values()
               if v >= 2) >= 5


def test_demo_buyers_exist(data: dict) -> None:
    phones = {o["buyer"]["phone"] for o in data["orders"]}
    emails = {o["buyer"]["email"] for o in data["orders"]}
    for key, description in DEMO_BUYERS.items():
        assert key in phones or key in emails, key
        assert description


# --- the situations of POLICY.md A, B and C ----------------------------------------------------

def test_named_buyers(data: dict, now: datetime) -> None:
    ana = buyer_orders(data, "+15555550101")
    assert len(ana) == 1 and in_transit(ana[0], now)
    assert ana[0]["buyer"]["email"] == "ana.diaz@example.com"
    assert ana[0]["buyer"]["language"] == "es"

    james = buyer_orders(data, "+15555550102")
    assert len(james) == 3
    assert {o["buyer"]["language"] for o in james} == {"en"}
    assert len({o["items"][0]["asin"] for o in james}) == 3
    assert all(now - ts(o["purchased_at"]) < timedelta(days=30) for o in james)

    emily = buyer_orders(data, "+15555550103")
    assert len(emily) == 1 and in_transit(emily[0], now)
    assert emily[0]["buyer"]["language"] == "en"


def test_every_status_and_fulfillment(data: dict) -> None:
    statuses = Counter(o["status"] for o in data["orders"])
    assert set(statuses) == {"Pending", "Unshipped", "Shipped", "Delivered", "Canceled"}
    assert statuses["Delivered"] >= 10 and statuses["Shipped"] >= 5
    fulfillment = Counter(o["fulfillment"] for o in data["orders"])
    assert fulfillment["AFN"] >= 1 and fulfillment["SFP"] >= 1
    assert fulfillment["MFN"] >= 25
    assert any(len(o["items"]) == 2 for o in data["orders"])


def test_delivery_situations(data: dict, now: datetime) -> None:
    mfn = [o for o in data["orders"] if o["fulfillment"] == "MFN"]
    unshipped = [o for o in mfn if o["status"] == "Unshipped"]
    assert any(now <= ts(o["latest_ship_date"]) for o in unshipped)
    assert any(now > ts(o["latest_ship_date"]) for o in unshipped)
    assert sum(in_transit(o, now) for o in mfn) >= 3
    shipped = [o for o in mfn if o["status"] == "Shipped"]
    # not delivered more than 3 days past the latest delivery date: a not-received case
    assert any(now > ts(o["latest_delivery_date"]) + LATE_AFTER for o in shipped)
    # late, but still inside the 3-day grace
    assert any(ts(o["latest_delivery_date"]) < now <= ts(o["latest_delivery_date"]) + LATE_AFTER
               for o in shipped)
    # recently delivered per tracking (the customer may say it is missing)
    assert any(o["status"] == "Delivered"
               and now - ts(o["shipment"]["delivered_at"]) <= timedelta(days=3) for o in mfn)
    canceled = [o for o in data["orders"] if o["status"] == "Canceled"]
    assert canceled and all(o["shipment"] is None for o in canceled)


def delivered_days_ago(data: dict, now: datetime) -> dict[int, list[dict]]:
    result: dict[int, list[dict]] = defaultdict(list)
    for order in data["orders"]:
        if order["status"] == "Delivered":
            age = now - ts(order["shipment"]["delivered_at"])
            if age % timedelta(days=1) == timedelta(0):
                result[age.days].append(order)
    return result


def test_return_window_situations(data: dict, now: datetime) -> None:
    _, products, _ = by_id(data)
    exact = delivered_days_ago(data, now)
    assert {10, 31, 45, 60} <= set(exact)
    mattress = [o for o in exact[60]
                if products[o["items"][0]["asin"]]["category"] == "Mattresses"]
    assert len(mattress) == 1

    delivered = [o for o in data["orders"]
                 if o["status"] == "Delivered" and o["fulfillment"] == "MFN"]

    def recent_with(predicate) -> bool:
        return any(now - ts(o["shipment"]["delivered_at"]) <= timedelta(days=30)
                   and any(predicate(products[i["asin"]]) for i in o["items"])
                   for o in delivered)

    assert recent_with(lambda p: p["category"] == "Grocery" and not p["returnable"])
    assert recent_with(lambda p: p["category"] == "Gift Cards" and not p["returnable"])
    assert recent_with(lambda p: p["category"] == "Handmade" and not p["returnable"])
    assert recent_with(lambda p: p["category"] == "Handmade" and p["returnable"])
    assert recent_with(lambda p: p["seller_id"] == "SELLER-US1" and p["price"] <= 10.00)
    assert any(products[o["items"][0]["asin"]]["category"] == "Baby"
               and timedelta(days=30) < now - ts(o["shipment"]["delivered_at"])
               <= timedelta(days=90) for o in delivered)


def test_chinese_seller_without_us_return_address(data: dict, now: datetime) -> None:
    recent = [o for o in data["orders"]
              if o["seller_id"] == "SELLER-CN1" and o["status"] == "Delivered"
              and now - ts(o["shipment"]["delivered_at"]) <= timedelta(days=30)]
    prices = [sum(i["price"] * i["quantity"] for i in o["items"]) for o in recent]
    assert any(p > 25 for p in prices)
    assert any(p <= 25 for p in prices)
    assert 25.00 in prices  # the boundary itself
    carriers = {o["shipment"]["carrier"] for o in data["orders"]
                if o["seller_id"] == "SELLER-CN1" and o["shipment"]}
    assert carriers <= {"Yanwen", "4PX"} and carriers


def test_holiday_season_order(data: dict, now: datetime) -> None:
    sellers, _, orders = by_id(data)
    order = orders[HOLIDAY_ORDER_ID]
    purchased = ts(order["purchased_at"])
    delivered = ts(order["shipment"]["delivered_at"])
    assert purchased.year == now.year - 1 and purchased.month in (11, 12)
    assert order["status"] == "Delivered" and delivered < now
    assert covered(order, sellers[order["seller_id"]])
    if now.month == 1:  # delivered > 30 days ago, yet still inside the holiday window
        assert now - delivered > timedelta(days=30)
        assert now < datetime(now.year, 2, 1, tzinfo=UTC)


def test_scope_situations(data: dict, now: datetime) -> None:
    sellers, _, _ = by_id(data)
    out = sellers["SELLER-OUT"]
    out_orders = [o for o in data["orders"] if o["seller_id"] == "SELLER-OUT"]
    assert sorted(covered(o, out) for o in out_orders) == [False, True]
    assert any(ts(o["purchased_at"]) < ts(out["opted_out_at"]) for o in out_orders)
    assert any(ts(o["purchased_at"]) >= ts(out["opted_out_at"]) for o in out_orders)
    assert now - ts(out["opted_out_at"]) == timedelta(days=20)

    new = sellers["SELLER-NEW"]
    enrolled = ts(new["enrolled_at"])
    assert now - enrolled == timedelta(days=2)
    new_orders = [o for o in data["orders"] if o["seller_id"] == "SELLER-NEW"]
    assert any(enrolled <= ts(o["purchased_at"]) < enrolled + ENROLLMENT_DELAY
               for o in new_orders)
    assert any(ts(o["purchased_at"]) == enrolled + ENROLLMENT_DELAY and covered(o, new)
               for o in new_orders)

    # everything else that is MFN is covered
    for order in data["orders"]:
        if order["seller_id"] in ("SELLER-US1", "SELLER-CN1"):
            assert covered(order, sellers[order["seller_id"]]) == (
                order["fulfillment"] == "MFN"), order["order_id"]


# --- relative dates ------------------------------------------------------------------------------

def _flatten(value: object, path: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{path}/{k}"))
        return out
    if isinstance(value, list):
        # orders, sellers and products are keyed by id so that a path names the same thing
        out = {}
        for i, v in enumerate(value):
            key = (v.get("order_id") or v.get("asin") or v.get("id")) if isinstance(v, dict) else i
            out.update(_flatten(v, f"{path}/{key}"))
        return out
    return {path: value}


@pytest.mark.parametrize("delta", [timedelta(days=1), timedelta(days=187, hours=7, seconds=13),
                                   -timedelta(days=400, minutes=1)])
def test_dates_shift_with_now(delta: timedelta) -> None:
    base = datetime(2026, 8, 17, 10, 20, 30, tzinfo=UTC)
    first = _flatten(build_demo_dataset(base))
    second = _flatten(build_demo_dataset(base + delta))
    assert first.keys() == second.keys()
    shifted = 0
    for path, a in first.items():
        b = second[path]
        if isinstance(a, str) and ISO_Z.match(a):
            if path.startswith(f"/orders/{HOLIDAY_ORDER_ID}/"):
                continue  # anchored to the calendar by design
            assert ts(b) - ts(a) == delta, path
            shifted += 1
        else:
            assert a == b, path
    assert shifted > 100


def test_pure_and_deterministic() -> None:
    now = datetime(2026, 3, 9, 12, 0, 0, tzinfo=UTC)
    baseline = build_demo_dataset(now)
    assert build_demo_dataset(now) == baseline
    mutated = build_demo_dataset(now)  # callers may modify the result freely
    mutated["products"][0]["bullets"].append("mutated")
    mutated["products"][0]["attributes"]["mutated"] = "yes"
    mutated["sellers"][0]["addresses"].append("mutated@example.com")
    assert build_demo_dataset(now) == baseline
    eastern = now.astimezone(timezone(timedelta(hours=-5)))
    assert build_demo_dataset(eastern) == build_demo_dataset(now)
    assert build_demo_dataset(now.replace(microsecond=654321)) == build_demo_dataset(now)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        build_demo_dataset(datetime(2026, 3, 9, 12, 0, 0))
