"""Sellers, products and orders: the reads the engine makes on every turn, the one change it
makes to an order (cancellation), and the upserts of a data set load. Statements are built
once; each function takes the transaction's Connection and returns plain rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, case, func, insert, select, update

from storage.models import Order, OrderItem, Product, Seller

SELLERS = Seller.__table__
PRODUCTS = Product.__table__
ORDERS = Order.__table__
ITEMS = OrderItem.__table__

# One row per order item, with its product and the order's seller; the caller groups them.
_ORDER_ROWS = (
    select(
        ORDERS,
        ITEMS.c.position, ITEMS.c.asin, ITEMS.c.quantity, ITEMS.c.price.label("item_price"),
        PRODUCTS.c.title, PRODUCTS.c.sku, PRODUCTS.c.category, PRODUCTS.c.bullets,
        PRODUCTS.c.description, PRODUCTS.c.attributes, PRODUCTS.c.returnable,
        PRODUCTS.c.currency,
        SELLERS.c.name.label("seller_name"), SELLERS.c.email.label("seller_email"),
        SELLERS.c.addresses.label("seller_addresses"),
        SELLERS.c.language.label("seller_language"),
        SELLERS.c.timezone.label("seller_timezone"),
        SELLERS.c.enrolled_at.label("seller_enrolled_at"),
        SELLERS.c.opted_out_at.label("seller_opted_out_at"),
        SELLERS.c.enrollment_history.label("seller_enrollment_history"),
        SELLERS.c.return_address_country.label("seller_return_address_country"),
        SELLERS.c.returnless_refund_max.label("seller_returnless_refund_max"),
    )
    .join(ITEMS, ITEMS.c.order_id == ORDERS.c.order_id)
    .join(PRODUCTS, PRODUCTS.c.asin == ITEMS.c.asin)
    .join(SELLERS, SELLERS.c.id == ORDERS.c.seller_id)
)
_BY_ID = _ORDER_ROWS.where(ORDERS.c.order_id.in_(bindparam("ids", expanding=True))).order_by(
    ORDERS.c.purchased_at.desc(), ORDERS.c.order_id, ITEMS.c.position)
_BY_PHONE = _ORDER_ROWS.where(
    ORDERS.c.buyer_phone == bindparam("address"), ORDERS.c.purchased_at >= bindparam("since"),
).order_by(ORDERS.c.purchased_at.desc(), ORDERS.c.order_id, ITEMS.c.position)
_BY_EMAIL = _ORDER_ROWS.where(
    ORDERS.c.buyer_email == bindparam("address"), ORDERS.c.purchased_at >= bindparam("since"),
).order_by(ORDERS.c.purchased_at.desc(), ORDERS.c.order_id, ITEMS.c.position)
_SET_STATUS = update(ORDERS).where(ORDERS.c.order_id == bindparam("id")).values(
    status=bindparam("status"))


def order_rows(connection: Connection, order_ids: Sequence[str]) -> list[Row]:
    if not order_ids:
        return []
    return list(connection.execute(_BY_ID, {"ids": list(order_ids)}))


def recent_order_rows(connection: Connection, *, phone: str | None = None,
                      email: str | None = None, since: datetime) -> list[Row]:
    """A buyer's orders since a time, newest first; emails are stored lower-cased and phones
    in E.164, so plain equality uses the index."""
    if email is not None:
        return list(connection.execute(_BY_EMAIL, {"address": email.lower(), "since": since}))
    return list(connection.execute(_BY_PHONE, {"address": phone, "since": since}))


def order_ids_by_tracking(connection: Connection, tracking_number: str) -> list[str]:
    return list(connection.scalars(select(ORDERS.c.order_id).where(
        ORDERS.c.tracking_number == tracking_number)))


def set_order_status(connection: Connection, order_id: str, status: str) -> None:
    connection.execute(_SET_STATUS, {"id": order_id, "status": status})


def seller_with_address(connection: Connection, address: str) -> Row | None:
    """The seller who registered this address as its main or an additional one. Additional
    addresses are a JSON list, so they are read in Python; sellers are few and this is only
    asked for forwarded mail."""
    address = address.lower()
    found = connection.execute(
        select(SELLERS).where(func.lower(SELLERS.c.email) == address)).first()
    if found is not None:
        return found
    for row in connection.execute(select(SELLERS)):
        if address in {a.lower() for a in row.addresses or ()}:
            return row
    return None


def count_sellers(connection: Connection) -> int:
    return connection.scalar(select(func.count()).select_from(SELLERS))


# -- data set loads ------------------------------------------------------------------------

def _upsert(connection: Connection, table, key: str, values: Mapping[str, Any]) -> None:
    exists = connection.scalar(select(table.c[key]).where(table.c[key] == values[key]))
    if exists is None:
        connection.execute(insert(table), dict(values))
    else:
        connection.execute(update(table).where(table.c[key] == values[key]), dict(values))


def upsert_seller(connection: Connection, values: Mapping[str, Any]) -> None:
    _upsert(connection, SELLERS, "id", values)


def upsert_product(connection: Connection, values: Mapping[str, Any]) -> None:
    _upsert(connection, PRODUCTS, "asin", values)


def product_price(connection: Connection, asin: str):
    """The product's price, or None when the product is unknown."""
    return connection.scalar(select(PRODUCTS.c.price).where(PRODUCTS.c.asin == asin))


def upsert_order(connection: Connection, values: Mapping[str, Any],
                 items: Sequence[Mapping[str, Any]]) -> None:
    """The order and exactly these items (replacing any it had)."""
    _upsert(connection, ORDERS, "order_id", values)
    connection.execute(ITEMS.delete().where(ITEMS.c.order_id == values["order_id"]))
    connection.execute(insert(ITEMS), [dict(item, order_id=values["order_id"]) for item in items])


def seller_row(connection: Connection, seller_id: str) -> Row | None:
    return connection.execute(select(SELLERS).where(SELLERS.c.id == seller_id)).first()


def record_seller_shipment(connection: Connection, order_id: str, tracking_number: str,
                           now: datetime) -> None:
    """A seller said they shipped the order with this tracking number: later answers give it.
    An order already marked shipped keeps its carrier and shipping time."""
    connection.execute(update(ORDERS).where(ORDERS.c.order_id == order_id).values(
        tracking_number=tracking_number,
        shipped_at=func.coalesce(ORDERS.c.shipped_at, now),
        status=case((ORDERS.c.status.in_(("Unshipped", "Pending")), "Shipped"),
                    else_=ORDERS.c.status)))


def product_owner(connection: Connection, asin: str) -> str | None:
    return connection.scalar(select(PRODUCTS.c.seller_id).where(PRODUCTS.c.asin == asin))


def order_owner(connection: Connection, order_id: str) -> str | None:
    return connection.scalar(select(ORDERS.c.seller_id).where(ORDERS.c.order_id == order_id))


def update_order(connection: Connection, order_id: str, **values: Any) -> None:
    connection.execute(update(ORDERS).where(ORDERS.c.order_id == order_id).values(**values))
