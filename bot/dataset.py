"""Data set format v1 (DESIGN.md section 5): validation and an idempotent upsert by id."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from bot.identifiers import to_e164
from storage.db import Database
from storage.models import Order, OrderItem, Product, Seller

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
    return await db.run(lambda session: _load(session, data))


def _load(session: Session, data: dict) -> LoadReport:
    sellers = [_upsert_seller(session, s) for s in data.get("sellers", [])]
    session.flush()
    products = [_upsert_product(session, p) for p in data.get("products", [])]
    session.flush()
    orders = [_upsert_order(session, o) for o in data.get("orders", [])]
    return LoadReport(len(sellers), len(products), len(orders))


def _upsert_seller(session: Session, raw: dict) -> Seller:
    where = f"seller {raw.get('id', '?')}"
    seller = session.get(Seller, _need(raw, "id", where)) or Seller(id=raw["id"])
    seller.name = _need(raw, "name", where)
    seller.email = _need(raw, "email", where).lower()
    seller.addresses = [a.lower() for a in raw.get("addresses", [])]
    seller.language = raw.get("language") or "en"
    seller.timezone = raw.get("timezone")
    seller.enrolled_at = _when(raw.get("enrolled_at"), f"{where} enrolled_at")
    seller.opted_out_at = _when(raw.get("opted_out_at"), f"{where} opted_out_at")
    seller.return_address_country = (raw.get("return_address_country") or "US").upper()
    seller.returnless_refund_max = _money(raw.get("returnless_refund_max", 0), where)
    session.add(seller)
    return seller


def _upsert_product(session: Session, raw: dict) -> Product:
    where = f"product {raw.get('asin', '?')}"
    product = session.get(Product, _need(raw, "asin", where)) or Product(asin=raw["asin"])
    product.seller_id = _need(raw, "seller_id", where)
    product.sku = raw.get("sku") or ""
    product.title = _need(raw, "title", where)
    product.category = raw.get("category") or ""
    product.bullets = list(raw.get("bullets") or [])
    product.description = raw.get("description") or ""
    product.attributes = dict(raw.get("attributes") or {})
    product.price = _money(_need(raw, "price", where), f"{where} price")
    product.currency = raw.get("currency") or "USD"
    product.returnable = bool(raw.get("returnable", True))
    session.add(product)
    return product


def _upsert_order(session: Session, raw: dict) -> Order:
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
    shipment = raw.get("shipment") or {}
    order = session.get(Order, order_id) or Order(order_id=order_id)
    order.seller_id = _need(raw, "seller_id", where)
    order.fulfillment = raw["fulfillment"]
    order.purchased_at = _when(raw.get("purchased_at"), f"{where} purchased_at", required=True)
    order.buyer_name = buyer.get("name") or ""
    order.buyer_email = (buyer.get("email") or "").lower() or None
    order.buyer_phone = to_e164(phone) if phone else None
    order.buyer_language = buyer.get("language")
    order.ship_postal_code = str((raw.get("ship_to") or {}).get("postal_code") or "")
    order.ship_country = ((raw.get("ship_to") or {}).get("country") or "US").upper()
    order.status = raw["status"]
    for name in ("latest_ship_date", "earliest_delivery_date", "latest_delivery_date"):
        setattr(order, name, _when(raw.get(name), f"{where} {name}"))
    order.carrier = shipment.get("carrier")
    order.tracking_number = shipment.get("tracking_number")
    order.shipped_at = _when(shipment.get("shipped_at"), f"{where} shipped_at")
    order.delivered_at = _when(shipment.get("delivered_at"), f"{where} delivered_at")
    items = raw.get("items") or []
    if not items:
        raise DatasetError(f"{where}: an order needs at least one item")
    new_items = []
    for position, item in enumerate(items):
        product = session.get(Product, _need(item, "asin", f"{where} item {position}"))
        if product is None:
            raise DatasetError(f"{where}: item {item['asin']} is not a known product")
        new_items.append(OrderItem(position=position, asin=item["asin"],
                                   quantity=int(item.get("quantity", 1)),
                                   price=_money(item.get("price", product.price), where)))
    order.items = new_items
    session.add(order)
    return order
