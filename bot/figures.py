"""The console's figures, computed from the rows of `storage.figures`: contacts per day by
channel and by language, the automation rate, sellers' response times, cases resolved on
silence, contacts per unit and fee tier per seller, and orders at risk. Pure."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from bot.contacts import contact_key, contacts_per_seller
from bot.fees import FeePolicy, FeeRate, fee_rate


@dataclass
class Figures:
    days: list[date]
    by_channel: dict[str, dict[date, int]]
    by_language: dict[str, dict[date, int]]
    conversations: int
    automated: int
    response_hours: dict[str, tuple[int, float, float]]   # seller -> (answered, median, p90)
    case_statuses: dict[str, Counter]                      # seller -> status -> cases
    fees: dict[str, FeeRate] = field(default_factory=dict)
    at_risk: list = field(default_factory=list)

    @property
    def automation_rate(self) -> float | None:
        return self.automated / self.conversations if self.conversations else None


def months_back(moment: datetime, months: int, zone: tzinfo) -> tuple[datetime, datetime]:
    """The previous `months` calendar months before the month of `moment` (the fee window:
    tiers are set on the 1st from the three months before)."""
    local = moment.astimezone(zone)
    end = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    year, month = end.year, end.month - months
    while month < 1:
        year, month = year - 1, month + 12
    return end.replace(year=year, month=month), end


def compute(messages, conversations, cases, units: dict[str, int], fee_contacts,
            at_risk, *, since: datetime, until: datetime, zone: tzinfo,
            fee_policy: FeePolicy) -> Figures:
    start, end = since.astimezone(zone).date(), (until - timedelta(seconds=1)).astimezone(
        zone).date()
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    by_channel: dict[str, dict[date, int]] = defaultdict(Counter)
    by_language: dict[str, dict[date, int]] = defaultdict(Counter)
    seen = set()
    for row in messages:
        key = contact_key(row.conversation_id, row.created_at, zone)
        if key in seen:
            continue
        seen.add(key)
        by_channel[row.channel][key[1]] += 1
        by_language[row.language or "?"][key[1]] += 1
    automated = sum(1 for c in conversations if not c.had_case and not c.had_person)
    waits: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, Counter] = defaultdict(Counter)
    for case in cases:
        statuses[case.seller_id][case.status] += 1
        if case.answered_at is not None:
            waits[case.seller_id].append((case.answered_at - case.opened_at).total_seconds()
                                         / 3600)
    response = {seller: (len(hours), statistics.median(hours), _p90(hours))
                for seller, hours in waits.items()}
    contacts_by_seller = contacts_per_seller(fee_contacts, zone)
    fees = {seller: fee_rate(contacts_by_seller.get(seller, 0), units.get(seller, 0),
                             fee_policy)
            for seller in sorted(set(units) | set(contacts_by_seller))}
    return Figures(days, dict(by_channel), dict(by_language), len(conversations), automated,
                   response, dict(statuses), fees, list(at_risk))


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
