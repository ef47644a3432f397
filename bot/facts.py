"""Plain, immutable views of orders and sellers: what the pure rules are allowed to see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any


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


@dataclass(frozen=True)
class SellerFacts:
    id: str
    name: str
    language: str
    enrolled_at: datetime | None
    opted_out_at: datetime | None
    return_address_country: str


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

    @property
    def shipped(self) -> bool:
        return self.status in ("Shipped", "Delivered") or self.shipped_at is not None

    @property
    def item_titles(self) -> list[str]:
        return [item.title for item in self.items]

    def dates(self) -> dict[str, Any]:
        """The order's dates as ISO strings, for a Decision's facts."""
        names = ("purchased_at", "latest_ship_date", "earliest_delivery_date",
                 "latest_delivery_date", "shipped_at", "delivered_at")
        return {n: getattr(self, n).isoformat() for n in names if getattr(self, n) is not None}


def order_facts(order: Any) -> OrderFacts:
    """Build the view from a `storage.models.Order` row (items and products loaded)."""
    seller = order.seller
    return OrderFacts(
        order_id=order.order_id,
        fulfillment=order.fulfillment,
        status=order.status,
        purchased_at=order.purchased_at,
        currency=order.items[0].product.currency if order.items else "USD",
        seller=SellerFacts(
            id=seller.id, name=seller.name, language=seller.language,
            enrolled_at=seller.enrolled_at, opted_out_at=seller.opted_out_at,
            return_address_country=seller.return_address_country,
        ),
        items=tuple(
            ItemFacts(
                asin=item.asin, title=item.product.title, category=item.product.category,
                quantity=item.quantity, price=item.price,
                bullets=tuple(item.product.bullets or ()),
                description=item.product.description or "",
                attributes=tuple((str(k), str(v)) for k, v in (item.product.attributes or {}).items()),
                returnable=item.product.returnable,
            )
            for item in order.items
        ),
        latest_ship_date=order.latest_ship_date,
        earliest_delivery_date=order.earliest_delivery_date,
        latest_delivery_date=order.latest_delivery_date,
        carrier=order.carrier,
        tracking_number=order.tracking_number,
        shipped_at=order.shipped_at,
        delivered_at=order.delivered_at,
        ship_postal_code=order.ship_postal_code,
    )
