"""Console accounts: roles, password hashing (argon2, argon2-cffi's defaults) and the
signed-in sessions that back the console's cookie."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection

from storage.orders import seller_row
from storage.users import (
    audit,
    delete_session,
    insert_session,
    insert_user,
    session_user,
    update_user,
    user_by_email,
)

ROLES = ("lead", "admin", "seller")
SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 10
_HASHER = PasswordHasher()
# Verified when the email is unknown, so that a wrong email takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


class AccountError(ValueError):
    """A user that cannot be created as asked (the message says why)."""


@dataclass(frozen=True)
class SignedIn:
    """The user behind a request's session cookie."""

    user_id: int
    email: str
    name: str
    role: str
    seller_id: str | None
    csrf_token: str
    token_hash: str
    language: str | None = None  # a seller's: their pages are in it

    @property
    def is_seller(self) -> bool:
        return self.role == "seller"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(connection: Connection, *, email: str, password: str, role: str,
             seller_id: str | None, name: str, now: datetime) -> int:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if (role == "seller") != bool(seller_id):
        raise AccountError("a seller user needs --seller ID, and only a seller user has one")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if "@" not in email:
        raise AccountError(f"not an email address: {email!r}")
    if seller_id and seller_row(connection, seller_id) is None:
        raise AccountError(f"no seller {seller_id!r}")
    if user_by_email(connection, email) is not None:
        raise AccountError(f"a user with the email {email} exists")
    user_id = insert_user(connection, email=email.lower(), name=name, role=role,
                          seller_id=seller_id, password_hash=_HASHER.hash(password),
                          created_at=now)
    audit(connection, None, "user_added", email.lower(), now, role=role, seller_id=seller_id)
    return user_id


def sign_in(connection: Connection, email: str, password: str, now: datetime) -> str | None:
    """A new session's cookie token for the right email and password, else None."""
    user = user_by_email(connection, email.strip())
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        audit(connection, user.id if user else None, "sign_in_failed", email.strip().lower(),
              now)
        return None
    if user is None or user.disabled_at is not None:
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        update_user(connection, user.id, password_hash=_HASHER.hash(password))
    token = secrets.token_urlsafe(32)
    insert_session(connection, token_hash=hash_token(token), user_id=user.id,
                   csrf_token=secrets.token_urlsafe(24), created_at=now,
                   expires_at=now + SESSION_LIFETIME)
    audit(connection, user.id, "signed_in", user.email, now)
    return token


def signed_in(connection: Connection, token: str, now: datetime) -> SignedIn | None:
    row = session_user(connection, hash_token(token), now)
    if row is None:
        return None
    return SignedIn(row.id, row.email, row.name, row.role, row.seller_id, row.csrf_token,
                    row.token_hash, row.seller_language)


def sign_out(connection: Connection, who: SignedIn, now: datetime) -> None:
    delete_session(connection, who.token_hash)
    audit(connection, who.user_id, "signed_out", who.email, now)
