"""Masking of secrets customers type (POLICY.md F) before anything is stored."""

from __future__ import annotations

import re

_CARD_CANDIDATE = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")


def _luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def mask_card_numbers(text: str) -> str:
    """Replace Luhn-valid 13-19 digit runs with a mask keeping the last four digits."""
    def mask(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        # 17 digits is an order ID typed without dashes (POLICY.md G), not a card.
        if not 13 <= len(digits) <= 19 or len(digits) == 17 or not _luhn_valid(digits):
            return match.group(0)
        return "[card ending " + digits[-4:] + "]"
    return _CARD_CANDIDATE.sub(mask, text)
