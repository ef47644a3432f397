"""The marketplace policy file: the numbers and lists the pure rules read."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.fees import FeePolicy, load_fee_policy

POLICY_DIR = Path(__file__).with_name("marketplaces")


@dataclass(frozen=True)
class ReturnsPolicy:
    window: timedelta
    holiday_purchase_from: tuple[int, int]   # (month, day)
    holiday_purchase_to: tuple[int, int]
    holiday_return_until: tuple[int, int]
    category_windows: dict[str, timedelta]
    non_returnable_categories: frozenset[str]
    exempt_categories: frozenset[str]
    unsafe_to_return_categories: frozenset[str]
    seller_fault_reasons: frozenset[str]
    customer_reasons: frozenset[str]
    non_returnable_refunded_reasons: frozenset[str]
    refund_due_business_days: int
    restocking_fee_late_return: Decimal
    restocking_fee_returned_damaged_max: Decimal
    international_returnless_max: Decimal


@dataclass(frozen=True)
class VoicePolicy:
    """Phone calls: the speech recognizer's language per customer language, the words it
    should expect, and the confidence under which the caller is asked to repeat."""

    speech_languages: dict[str, str]
    hints: dict[str, str]
    min_confidence: float


@dataclass(frozen=True)
class MarketplacePolicy:
    marketplace: str
    default_language: str
    customer_languages: tuple[str, ...]
    seller_languages: tuple[str, ...]
    timezone: ZoneInfo
    currency: str
    covered_fulfillment: frozenset[str]
    enrollment_delay: timedelta
    late_after: timedelta
    recent_orders: timedelta
    case_deadline: timedelta
    case_reminder: timedelta
    max_failed_verifications: int
    fresh_topic_after: timedelta
    returns: ReturnsPolicy
    holidays_country: str
    voice: VoicePolicy
    fees: FeePolicy

    def customer_language(self, *candidates: str | None) -> str:
        """The first candidate we can answer in, else the marketplace default."""
        for tag in candidates:
            base = (tag or "").split("-")[0].lower()
            if base in self.customer_languages:
                return base
        return self.default_language

    def seller_language(self, tag: str | None) -> str:
        base = (tag or "").split("-")[0].lower()
        return base if base in self.seller_languages else self.seller_languages[0]


@cache
def load_policy(marketplace: str = "US") -> MarketplacePolicy:
    path = POLICY_DIR / f"{marketplace.upper()}.toml"
    if not path.is_file():
        raise ValueError(f"no policy file for marketplace {marketplace!r} ({path})")
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return MarketplacePolicy(
        marketplace=raw["marketplace"],
        default_language=raw["default_language"],
        customer_languages=tuple(raw["customer_languages"]),
        seller_languages=tuple(raw["seller_languages"]),
        timezone=ZoneInfo(raw["timezone"]),
        currency=raw["currency"],
        covered_fulfillment=frozenset(raw["scope"]["covered_fulfillment"]),
        enrollment_delay=timedelta(hours=raw["scope"]["enrollment_effective_after_hours"]),
        late_after=timedelta(days=raw["delivery"]["late_after_days"]),
        recent_orders=timedelta(days=raw["delivery"]["recent_order_days"]),
        case_deadline=timedelta(hours=raw["cases"]["reply_deadline_hours"]),
        case_reminder=timedelta(hours=raw["cases"]["reminder_after_hours"]),
        max_failed_verifications=raw["identity"]["max_failed_verifications_per_day"],
        fresh_topic_after=timedelta(hours=raw["dialogue"]["fresh_topic_after_hours"]),
        returns=_returns(raw["returns"]),
        holidays_country=raw["calendar"]["holidays_country"],
        voice=VoicePolicy(speech_languages=dict(raw["voice"]["speech_languages"]),
                          hints={lang: ", ".join(words)
                                 for lang, words in raw["voice"]["hints"].items()},
                          min_confidence=float(raw["voice"]["min_confidence"])),
        fees=load_fee_policy(raw["fees"]),
    )


def _month_day(value: str) -> tuple[int, int]:
    month, day = value.split("-")
    return int(month), int(day)


def _returns(raw: dict) -> ReturnsPolicy:
    return ReturnsPolicy(
        window=timedelta(days=raw["window_days"]),
        holiday_purchase_from=_month_day(raw["holiday_purchase_from"]),
        holiday_purchase_to=_month_day(raw["holiday_purchase_to"]),
        holiday_return_until=_month_day(raw["holiday_return_until"]),
        category_windows={k: timedelta(days=v) for k, v in raw["category_window_days"].items()},
        non_returnable_categories=frozenset(raw["non_returnable_categories"]),
        exempt_categories=frozenset(raw["exempt_categories"]),
        unsafe_to_return_categories=frozenset(raw["unsafe_to_return_categories"]),
        seller_fault_reasons=frozenset(raw["seller_fault_reasons"]),
        customer_reasons=frozenset(raw["customer_reasons"]),
        non_returnable_refunded_reasons=frozenset(raw["non_returnable_refunded_reasons"]),
        refund_due_business_days=raw["refund_due_business_days"],
        restocking_fee_late_return=Decimal(raw["restocking_fee_late_return"]),
        restocking_fee_returned_damaged_max=Decimal(raw["restocking_fee_returned_damaged_max"]),
        international_returnless_max=Decimal(raw["international_returnless_max"]),
    )
