"""Sellers' accounts, the I/O around `bot.enrollment`: enrolling and opting out (each recorded
as a decision with its rules), the account summary, and API keys (shown once, kept hashed)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Connection

from bot.enrollment import (
    ENROLLED,
    OPTED_OUT,
    Period,
    current,
    decide_enrollment,
    decide_opt_out,
    periods_from,
    trial_ends,
)
from bot.journal import record_decision
from bot.marketplace import MarketplacePolicy
from bot.messages import Decision
from storage.orders import seller_row
from storage.sellers import insert_api_key, save_enrollment, seller_of_key

KEY_PREFIX = "csba_"


class UnknownSeller(LookupError):
    pass


@dataclass(frozen=True)
class Account:
    seller_id: str
    name: str
    plan: str
    account_health: str
    periods: tuple[Period, ...]
    effective_at: datetime | None     # when the current period takes (took) effect
    trial_ends_at: datetime | None
    timezone: str | None = None

    @property
    def enrolled(self) -> bool:
        return current(self.periods) is not None

    def as_json(self) -> dict:
        return {"seller_id": self.seller_id, "name": self.name, "plan": self.plan,
                "account_health": self.account_health, "enrolled": self.enrolled,
                "effective_at": self.effective_at.isoformat() if self.effective_at else None,
                "trial_ends_at": self.trial_ends_at.isoformat() if self.trial_ends_at else None,
                "periods": [p.as_json() for p in self.periods]}


def account(connection: Connection, seller_id: str, policy: MarketplacePolicy) -> Account:
    row = seller_row(connection, seller_id)
    if row is None:
        raise UnknownSeller(f"no seller {seller_id!r}")
    periods = periods_from(row.enrollment_history, row.enrolled_at, row.opted_out_at)
    open_period = current(periods)
    return Account(row.id, row.name, row.plan, row.account_health, periods,
                   open_period.enrolled_at + policy.enrollment_delay if open_period else None,
                   trial_ends(periods, timedelta(days=policy.fees.free_trial_days)),
                   row.timezone)


def enroll(connection: Connection, seller_id: str, policy: MarketplacePolicy, now: datetime,
           *, terms_accepted: bool, by: str) -> Decision:
    """Enroll (or re-enroll) the seller from now; orders count an hour later."""
    before = account(connection, seller_id, policy)
    decision = _recorded(connection, decide_enrollment(
        before.plan, before.account_health, before.periods, terms_accepted, now,
        policy.enrollment_delay), seller_id, by, now)
    if decision.outcome == ENROLLED:
        periods = (*before.periods, Period(now, now, None))
        save_enrollment(connection, seller_id, [p.as_json() for p in periods], now, None)
    return decision


def opt_out(connection: Connection, seller_id: str, policy: MarketplacePolicy, now: datetime,
            *, by: str) -> Decision:
    """End the current period now: orders placed from now on are the seller's own."""
    before = account(connection, seller_id, policy)
    decision = _recorded(connection, decide_opt_out(before.periods, now), seller_id, by, now)
    if decision.outcome == OPTED_OUT:
        last = before.periods[-1]
        periods = (*before.periods[:-1], Period(last.enrolled_at, last.terms_accepted_at, now))
        save_enrollment(connection, seller_id, [p.as_json() for p in periods],
                        last.enrolled_at, now)
    return decision


def _recorded(connection: Connection, decision: Decision, seller_id: str, by: str,
              now: datetime) -> Decision:
    """The decision with whose account it is and who asked, kept in the decisions table."""
    decision = replace(decision, facts={**decision.facts, "seller_id": seller_id, "by": by})
    record_decision(connection, decision, now)
    return decision


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_api_key(connection: Connection, seller_id: str, now: datetime) -> str:
    """A new key for the seller: returned once, only its hash is kept."""
    if seller_row(connection, seller_id) is None:
        raise UnknownSeller(f"no seller {seller_id!r}")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    insert_api_key(connection, seller_id, hash_key(key), key[:12], now)
    return key


def seller_for_key(connection: Connection, key: str) -> str | None:
    return seller_of_key(connection, hash_key(key)) if key.startswith(KEY_PREFIX) else None
