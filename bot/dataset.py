"""Data set format v1 (DESIGN.md section 5): validation and an idempotent upsert by id."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Connection

from bot.enrollment import periods_from
from bot.identifiers import to_e164
from storage import orders as store
from storage.db import Database

FULFILLMENT = {"MFN", "AFN", "SFP"}
STATUSES = {"Pending", "Unshipped", "Shipped", "Delivered", "Canceled"}
ORDER_ID = re.compile(r"\d{3}-\d{7}-\d{7}")


class DatasetError(ValueError):
    """A data set that cannot be loaded; the message names the record and the field."""


@dataclass(frozen=True)
class LoadReport:
    sellers: int
    products: int
    orders: int


def _when(value: Any, where: str, *, required: bool = False) -> datetime | None:
    if value in (None, ""):
        if required:
            raise DatasetError(f"{where}: missing date")
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise DatasetError(f"{where}: {value!r} is not an ISO 8601 date") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _money(value: Any, where: str) -> Decimal:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError):
        raise DatasetError(f"{where}: {value!r} is not an amount") from None


def _need(record: dict, key: str, where: str) -> Any:
    if key not in record or record[key] in (None, ""):
        raise DatasetError(f"{where}: missing {key!r}")
    return record[key]


async def load_dataset(db: Database, data: dict) -> LoadReport:
    """Upsert sellers, products and orders in one transaction: all or nothing."""
    if not isinstance(data, dict):
        raise DatasetError("a data set is a JSON object with sellers, products and orders")
    return await db.run(lambda connection: _load(connection, data))


def _load(connection: Connection, data: dict) -> LoadReport:
    sellers = data.get("sellers", [])
    products = data.get("products", [])
    orders = data.get("orders", [])
    for raw in sellers:
        store.upsert_seller(connection, _seller(raw))
    for raw in products:
        store.upsert_product(connection, product_values(raw))
    for raw in orders:
        values, items = order_values(connection, raw)
        store.upsert_order(connection, values, items)
    return LoadReport(len(sellers), len(products), len(orders))


def _seller(raw: dict) -> dict:
    where = f"seller {raw.get('id', '?')}"
    enrolled_at = _when(raw.get("enrolled_at"), f"{where} enrolled_at")
    opted_out_at = _when(raw.get("opted_out_at"), f"{where} opted_out_at")
    return {
        "id": _need(raw, "id", where),
        "name": _need(raw, "name", where),
        "email": _need(raw, "email", where).lower(),
        "addresses": [a.lower() for a in raw.get("addresses", [])],
        "language": raw.get("language") or "en",
        "timezone": raw.get("timezone"),
        "enrolled_at": enrolled_at,
        "opted_out_at": opted_out_at,
        "enrollment_history": [p.as_json() for p in periods_from(None, enrolled_at,
                                                                  opted_out_at)],
        "return_address_country": (raw.get("return_address_country") or "US").upper(),
        "returnless_refund_max": _money(raw.get("returnless_refund_max", 0), where),
    }


def product_values(raw: dict) -> dict:
    """A product of format v1 as table values (DatasetError says what is wrong)."""
    where = f"product {raw.get('asin', '?')}"
    return {
        "asin": _need(raw, "asin", where),
        "seller_id": _need(raw, "seller_id", where),
        "sku": raw.get("sku") or "",
        "title": _need(raw, "title", where),
        "category": raw.get("category") or "",
        "bullets": list(raw.get("bullets") or []),
        "description": raw.get("description") or "",
        "attributes": dict(raw.get("attributes") or {}),
        "price": _money(_need(raw, "price", where), f"{where} price"),
        "currency": raw.get("currency") or "USD",
        "returnable": bool(raw.get("returnable", True)),
    }


def order_values(connection: Connection, raw: dict) -> tuple[dict, list[dict]]:
    """An order of format v1 as table values and item rows (DatasetError says what is wrong)."""
    where = f"order {raw.get('order_id', '?')}"
    order_id = _need(raw, "order_id", where)
    if not ORDER_ID.fullmatch(order_id):
        raise DatasetError(f"{where}: order_id must look like 123-1234567-1234567")
    if raw.get("fulfillment") not in FULFILLMENT:
        raise DatasetError(f"{where}: fulfillment must be one of {sorted(FULFILLMENT)}")
    if raw.get("status") not in STATUSES:
        raise DatasetError(f"{where}: status must be one of {sorted(STATUSES)}")
    buyer = raw.get("buyer") or {}
    phone = buyer.get("phone")
    if phone and to_e164(phone) is None:
        raise DatasetError(f"{where}: buyer phone {phone!r} is not a phone number")
    ship_to = raw.get("ship_to") or {}
    shipment = raw.get("shipment") or {}
    values = {
        "order_id": order_id,
        "seller_id": _need(raw, "seller_id", where),
        "fulfillment": raw["fulfillment"],
        "purchased_at": _when(raw.get("purchased_at"), f"{where} purchased_at", required=True),
        "buyer_name": buyer.get("name") or "",
        "buyer_email": (buyer.get("email") or "").lower() or None,
        "buyer_phone": to_e164(phone) if phone else None,
        "buyer_language": buyer.get("language"),
        "ship_postal_code": str(ship_to.get("postal_code") or ""),
        "ship_country": (ship_to.get("country") or "US").upper(),
        "status": raw["status"],
        "carrier": shipment.get("carrier"),
        "tracking_number": shipment.get("tracking_number"),
        "shipped_at": _when(shipment.get("shipped_at"), f"{where} shipped_at"),
        "delivered_at": _when(shipment.get("delivered_at"), f"{where} delivered_at"),
    }
    # The marketplace's promise: every answer about the order states it.
    for name in ("latest_ship_date", "earliest_delivery_date", "latest_delivery_date"):
        values[name] = _when(raw.get(name), f"{where} {name}", required=True)
    items = raw.get("items") or []
    if not items:
        raise DatasetError(f"{where}: an order needs at least one item")
    rows = []
    for position, item in enumerate(items):
        asin = _need(item, "asin", f"{where} item {position}")
        price = store.product_price(connection, asin)
        if price is None:
            raise DatasetError(f"{where}: item {asin} is not a known product")
        rows.append({"position": position, "asin": asin, "quantity": int(item.get("quantity", 1)),
                     "price": _money(item.get("price", price), where)})
    return values, rows
