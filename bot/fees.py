"""Fees as data (POLICY.md E): contacts per unit and the tier it puts a seller in. Pure; the
numbers come from the policy file. What counts as a contact is `bot.contacts`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class FeeTier:
    max_cpu: Decimal | None   # None: no upper bound
    rate: Decimal


@dataclass(frozen=True)
class FeePolicy:
    months: int
    min_units: int
    default_rate: Decimal
    free_trial_days: int
    currency: str
    tiers: tuple[FeeTier, ...]


@dataclass(frozen=True)
class FeeRate:
    """A seller's rate per shipped MFN unit, with the CPU it came from and the rule."""

    contacts: int
    units: int
    cpu: Decimal | None
    rate: Decimal
    rule: str


def load_fee_policy(raw: dict) -> FeePolicy:
    return FeePolicy(
        months=int(raw["months"]), min_units=int(raw["min_units"]),
        default_rate=Decimal(raw["default_rate"]), free_trial_days=int(raw["free_trial_days"]),
        currency=raw["currency"],
        tiers=tuple(FeeTier(Decimal(t["max_cpu"]) if "max_cpu" in t else None,
                            Decimal(t["rate"])) for t in raw["tiers"]))


def fee_rate(contacts: int, units: int, policy: FeePolicy) -> FeeRate:
    """CPU = contacts / units; the first tier whose max_cpu it does not exceed (exactly 5 %
    is the 5 % tier). Too few units to know: the default rate."""
    if units < policy.min_units:
        return FeeRate(contacts, units, None, policy.default_rate, "fees.cpu_unknown_default")
    cpu = Decimal(contacts) / Decimal(units)
    for index, tier in enumerate(policy.tiers):
        if tier.max_cpu is None or cpu <= tier.max_cpu:
            return FeeRate(contacts, units, cpu, tier.rate, f"fees.tier_{index + 1}")
    raise ValueError("the policy's last tier must have no max_cpu")


@dataclass(frozen=True)
class Statement:
    """A seller's fees for one month: the tier set on the 1st from the previous months' CPU,
    applied to the MFN units of covered orders shipped in the month after the free trial."""

    seller_id: str
    month: str                    # YYYY-MM
    rate: FeeRate
    units_shipped: int            # covered MFN units shipped in the month
    units_in_trial: int
    currency: str

    @property
    def billable_units(self) -> int:
        return self.units_shipped - self.units_in_trial

    @property
    def amount(self) -> Decimal:
        return (self.rate.rate * self.billable_units).quantize(Decimal("0.01"))

    def as_dict(self) -> dict:
        return {"seller_id": self.seller_id, "month": self.month, "currency": self.currency,
                "units_shipped": self.units_shipped, "units_in_trial": self.units_in_trial,
                "billable_units": self.billable_units,
                "contacts_previous_months": self.rate.contacts,
                "units_previous_months": self.rate.units,
                "contacts_per_unit": None if self.rate.cpu is None else str(self.rate.cpu),
                "rate_per_unit": str(self.rate.rate), "rule": self.rate.rule,
                "amount": str(self.amount)}


def units_billed(shipments, covered, trial_ends) -> tuple[int, int]:
    """(covered units shipped, of which in the free trial) from (purchased_at, shipped_at,
    units) rows; `covered(purchased_at)` says whether the order fell in an enrollment."""
    shipped = in_trial = 0
    for purchased_at, shipped_at, units in shipments:
        if not covered(purchased_at):
            continue
        shipped += units
        if trial_ends is not None and shipped_at < trial_ends:
            in_trial += units
    return shipped, in_trial
