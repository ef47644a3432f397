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


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Phone numbers as customers write them: +1 (555) 555-0101, 555.555.0101, 5555550101; order
# IDs (3-7-7 digits) and ZIP codes are left alone.
_PHONE = re.compile(r"(?<![\w-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{3}\)|\d{3})[ .-]?\d{3}[ .-]?\d{4}"
                    r"(?![\w-])")


def without_contact_details(text: str) -> str:
    """The customer's words as a seller may read them: email addresses and phone numbers
    replaced (the marketplace keeps buyers' contact details from sellers)."""
    return _PHONE.sub("[phone number]", _EMAIL.sub("[email address]", text))
