"""Plain, immutable views of orders and sellers: what the pure rules and the templates see."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from bot.enrollment import Period, periods_from


@dataclass(frozen=True)
class ItemFacts:
    asin: str
    title: str
    category: str
    quantity: int
    price: Decimal
    bullets: tuple[str, ...] = ()
    description: str = ""
    attributes: tuple[tuple[str, str], ...] = ()
    returnable: bool = True
    sku: str = ""

    @property
    def naming_text(self) -> str:
        """What a customer may call the item by: its title and attribute values ("the
        green one": "color: sage green")."""
        return " ".join((self.title, *(value for _, value in self.attributes)))


@dataclass(frozen=True)
class SellerFacts:
    id: str
    name: str
    language: str
    enrolled_at: datetime | None
    opted_out_at: datetime | None
    return_address_country: str
    email: str = ""
    addresses: tuple[str, ...] = ()
    timezone: str | None = None
    returnless_refund_max: Decimal = Decimal("0")
    periods: tuple[Period, ...] = ()

    def enrollment_periods(self) -> tuple[Period, ...]:
        return self.periods or periods_from(None, self.enrolled_at, self.opted_out_at)

    def registered_addresses(self) -> set[str]:
        return {a.lower() for a in (self.email, *self.addresses) if a}


@dataclass(frozen=True)
class OrderFacts:
    order_id: str
    fulfillment: str
    status: str
    purchased_at: datetime
    currency: str
    seller: SellerFacts
    items: tuple[ItemFacts, ...]
    latest_ship_date: datetime | None = None
    earliest_delivery_date: datetime | None = None
    latest_delivery_date: datetime | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    ship_postal_code: str = ""
    buyer_email: str | None = None
    buyer_phone: str | None = None
    buyer_language: str | None = None

    @property
    def shipped(self) -> bool:
        return self.status in ("Shipped", "Delivered") or self.shipped_at is not None

    @property
    def delivered(self) -> bool:
        return self.status == "Delivered" or self.delivered_at is not None

    @property
    def item_titles(self) -> list[str]:
        return [item.title for item in self.items]

    @property
    def total(self) -> Decimal:
        return sum((item.price * item.quantity for item in self.items), Decimal("0"))

    def with_status(self, status: str) -> OrderFacts:
        return dataclasses.replace(self, status=status)

    def dates(self) -> dict[str, Any]:
        """The order's dates as ISO strings, for a Decision's facts."""
        names = ("purchased_at", "latest_ship_date", "earliest_delivery_date",
                 "latest_delivery_date", "shipped_at", "delivered_at")
        return {n: getattr(self, n).isoformat() for n in names if getattr(self, n) is not None}


def seller_from_row(row: Any) -> SellerFacts:
    """A `sellers` table row as SellerFacts."""
    return SellerFacts(
        id=row.id, name=row.name, language=row.language, enrolled_at=row.enrolled_at,
        opted_out_at=row.opted_out_at, return_address_country=row.return_address_country,
        email=row.email, addresses=tuple(row.addresses or ()), timezone=row.timezone,
        returnless_refund_max=row.returnless_refund_max,
        periods=periods_from(row.enrollment_history))


def orders_from_rows(rows: Iterable[Any]) -> list[OrderFacts]:
    """Group `storage.orders` rows (one per order item, in order) into orders."""
    grouped: dict[str, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.order_id, []).append(row)
    return [_order(order_rows) for order_rows in grouped.values()]


def _order(rows: list[Any]) -> OrderFacts:
    first = rows[0]
    return OrderFacts(
        order_id=first.order_id,
        fulfillment=first.fulfillment,
        status=first.status,
        purchased_at=first.purchased_at,
        currency=first.currency,
        seller=SellerFacts(
            id=first.seller_id, name=first.seller_name, language=first.seller_language,
            enrolled_at=first.seller_enrolled_at, opted_out_at=first.seller_opted_out_at,
            return_address_country=first.seller_return_address_country,
            email=first.seller_email, addresses=tuple(first.seller_addresses or ()),
            timezone=first.seller_timezone,
            returnless_refund_max=first.seller_returnless_refund_max,
            periods=periods_from(first.seller_enrollment_history),
        ),
        items=tuple(
            ItemFacts(
                asin=row.asin, title=row.title, category=row.category, quantity=row.quantity,
                price=row.item_price, bullets=tuple(row.bullets or ()),
                description=row.description or "",
                attributes=tuple((str(k), str(v)) for k, v in (row.attributes or {}).items()),
                returnable=row.returnable, sku=row.sku,
            )
            for row in rows
        ),
        latest_ship_date=first.latest_ship_date,
        earliest_delivery_date=first.earliest_delivery_date,
        latest_delivery_date=first.latest_delivery_date,
        carrier=first.carrier,
        tracking_number=first.tracking_number,
        shipped_at=first.shipped_at,
        delivered_at=first.delivered_at,
        ship_postal_code=first.ship_postal_code,
        buyer_email=first.buyer_email,
        buyer_phone=first.buyer_phone,
        buyer_language=first.buyer_language,
    )
