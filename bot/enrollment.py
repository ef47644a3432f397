"""Sellers' enrollment (POLICY.md A) as data: the periods a seller was enrolled, which orders
they cover, and whether a seller may enroll or opt out now. Pure: values in, Decision out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.messages import Decision

ENROLLED = "enrolled"
OPTED_OUT = "opted_out"


@dataclass(frozen=True)
class Period:
    enrolled_at: datetime
    terms_accepted_at: datetime | None
    opted_out_at: datetime | None = None

    def covers(self, moment: datetime, delay: timedelta) -> bool:
        """An order placed at `moment` falls in this period once it took effect."""
        return self.enrolled_at + delay <= moment and (
            self.opted_out_at is None or moment < self.opted_out_at)

    def as_json(self) -> dict[str, Any]:
        return {"enrolled_at": self.enrolled_at.isoformat(),
                "terms_accepted_at": self.terms_accepted_at.isoformat()
                if self.terms_accepted_at else None,
                "opted_out_at": self.opted_out_at.isoformat() if self.opted_out_at else None}


def periods_from(history: list[dict] | None, enrolled_at: datetime | None = None,
                 opted_out_at: datetime | None = None) -> tuple[Period, ...]:
    """The stored history; a seller with none but an enrolled_at has that one period."""
    def when(value):
        return datetime.fromisoformat(value) if value else None
    if history:
        return tuple(Period(when(p["enrolled_at"]), when(p.get("terms_accepted_at")),
                            when(p.get("opted_out_at"))) for p in history)
    if enrolled_at is None:
        return ()
    ended = opted_out_at if opted_out_at is not None and opted_out_at > enrolled_at else None
    return (Period(enrolled_at, enrolled_at, ended),)


def current(periods: tuple[Period, ...]) -> Period | None:
    """The open period, if the seller is enrolled now."""
    return periods[-1] if periods and periods[-1].opted_out_at is None else None


def decide_enrollment(plan: str, account_health: str, periods: tuple[Period, ...],
                      terms_accepted: bool, now: datetime, delay: timedelta) -> Decision:
    facts = {"plan": plan, "account_health": account_health, "now": now.isoformat(),
             "effective_at": (now + delay).isoformat()}
    reasons = []
    if plan != "professional":
        reasons.append("enrollment.needs_professional_plan")
    if account_health != "good":
        reasons.append("enrollment.needs_good_standing")
    if not terms_accepted:
        reasons.append("enrollment.terms_not_accepted")
    if current(periods) is not None:
        reasons.append("enrollment.already_enrolled")
    if reasons:
        return Decision("enrollment_refused", tuple(reasons), facts)
    rule = "enrollment.re_enrolled" if periods else "enrollment.first_enrollment"
    return Decision(ENROLLED, (rule,), facts)


def decide_opt_out(periods: tuple[Period, ...], now: datetime) -> Decision:
    if current(periods) is None:
        return Decision("opt_out_refused", ("enrollment.not_enrolled",), {"now": now.isoformat()})
    return Decision(OPTED_OUT, ("enrollment.opted_out",), {"now": now.isoformat()})


def trial_ends(periods: tuple[Period, ...], trial: timedelta) -> datetime | None:
    """The free trial runs from the first enrollment."""
    return periods[0].enrolled_at + trial if periods else None
