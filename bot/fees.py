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
