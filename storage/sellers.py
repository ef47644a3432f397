"""Sellers' accounts: enrollment periods, API keys and fee statements."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from storage.models import ApiKey, FeeStatement, Seller

SELLERS = Seller.__table__
API_KEYS = ApiKey.__table__
STATEMENTS = FeeStatement.__table__


def all_sellers(connection: Connection) -> list[Row]:
    return list(connection.execute(select(SELLERS).order_by(SELLERS.c.id)))


def save_enrollment(connection: Connection, seller_id: str, history: list[dict],
                    enrolled_at: datetime | None, opted_out_at: datetime | None) -> None:
    connection.execute(update(SELLERS).where(SELLERS.c.id == seller_id).values(
        enrollment_history=history, enrolled_at=enrolled_at, opted_out_at=opted_out_at))


def insert_api_key(connection: Connection, seller_id: str, key_hash: str, prefix: str,
                   now: datetime) -> None:
    connection.execute(insert(API_KEYS), {"seller_id": seller_id, "key_hash": key_hash,
                                          "prefix": prefix, "created_at": now})


def seller_of_key(connection: Connection, key_hash: str) -> str | None:
    return connection.scalar(select(API_KEYS.c.seller_id).where(
        API_KEYS.c.key_hash == key_hash, API_KEYS.c.revoked_at.is_(None)))


def insert_statement(connection: Connection, **values: Any) -> None:
    """A statement sent (IntegrityError if this seller's month was sent before)."""
    connection.execute(insert(STATEMENTS), values)


def statement_sent(connection: Connection, seller_id: str, month: str) -> bool:
    return connection.scalar(select(STATEMENTS.c.id).where(
        STATEMENTS.c.seller_id == seller_id, STATEMENTS.c.month == month)) is not None
