"""Console users, their signed-in sessions and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from storage.models import AuditEvent, Seller, User, WebSession

USERS = User.__table__
SESSIONS = WebSession.__table__
AUDIT = AuditEvent.__table__
SELLERS = Seller.__table__


def insert_user(connection: Connection, **values: Any) -> int:
    """A new user (IntegrityError if the email is taken)."""
    return connection.execute(insert(USERS), values).inserted_primary_key[0]


def update_user(connection: Connection, user_id: int, **values: Any) -> None:
    connection.execute(update(USERS).where(USERS.c.id == user_id), values)


def user_by_email(connection: Connection, email: str) -> Row | None:
    return connection.execute(select(USERS).where(USERS.c.email == email.lower())).first()


def all_users(connection: Connection) -> list[Row]:
    return list(connection.execute(select(USERS).order_by(USERS.c.id)))


def insert_session(connection: Connection, **values: Any) -> None:
    connection.execute(insert(SESSIONS), values)


def session_user(connection: Connection, token_hash: str, now: datetime) -> Row | None:
    """The session and its user, if the session is current and the user not disabled."""
    return connection.execute(
        select(SESSIONS.c.token_hash, SESSIONS.c.csrf_token, SESSIONS.c.expires_at,
               USERS.c.id, USERS.c.email, USERS.c.name, USERS.c.role, USERS.c.seller_id,
               SELLERS.c.language.label("seller_language"))
        .join(USERS, USERS.c.id == SESSIONS.c.user_id)
        .outerjoin(SELLERS, SELLERS.c.id == USERS.c.seller_id)
        .where(SESSIONS.c.token_hash == token_hash, SESSIONS.c.expires_at > now,
               USERS.c.disabled_at.is_(None))).first()


def delete_session(connection: Connection, token_hash: str) -> None:
    connection.execute(delete(SESSIONS).where(SESSIONS.c.token_hash == token_hash))


def audit(connection: Connection, user_id: int | None, action: str, target: str | None,
          now: datetime, **details: Any) -> None:
    connection.execute(insert(AUDIT), {"user_id": user_id, "action": action, "target": target,
                                       "details": details, "created_at": now})


def recent_audit(connection: Connection, limit: int = 200) -> list[Row]:
    return list(connection.execute(
        select(AUDIT.c.id, AUDIT.c.action, AUDIT.c.target, AUDIT.c.details, AUDIT.c.created_at,
               USERS.c.email)
        .outerjoin(USERS, USERS.c.id == AUDIT.c.user_id)
        .order_by(AUDIT.c.id.desc()).limit(limit)))
