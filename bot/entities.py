"""The things a customer's message names: order IDs, tracking numbers, postal codes, amounts
and dates (in English or Spanish, absolute or relative to today). Pure: the text and `today`
in, plain values out; stored with the message."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from bot.identifiers import find_amounts, find_order_ids, find_postal_code, find_tracking_numbers
from bot.text import normalize

MONTHS = {
    "jan": 1, "january": 1, "enero": 1, "feb": 2, "february": 2, "febrero": 2, "mar": 3,
    "march": 3, "marzo": 3, "apr": 4, "april": 4, "abril": 4, "may": 5, "mayo": 5, "jun": 6,
    "june": 6, "junio": 6, "jul": 7, "july": 7, "julio": 7, "aug": 8, "august": 8, "agosto": 8,
    "sep": 9, "sept": 9, "september": 9, "septiembre": 9, "setiembre": 9, "oct": 10,
    "october": 10, "octubre": 10, "nov": 11, "november": 11, "noviembre": 11, "dec": 12,
    "december": 12, "diciembre": 12,
}
WEEKDAYS = {
    "monday": 0, "lunes": 0, "tuesday": 1, "martes": 1, "wednesday": 2, "miercoles": 2,
    "thursday": 3, "jueves": 3, "friday": 4, "viernes": 4, "saturday": 5, "sabado": 5,
    "sunday": 6, "domingo": 6,
}
RELATIVE_DAYS = {"today": 0, "hoy": 0, "yesterday": -1, "ayer": -1, "tomorrow": 1,
                 "manana": 1, "anteayer": -2, "antier": -2}

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH_DAY = re.compile(rf"\b({_MONTH})\.? (\d{{1,2}})(?:st|nd|rd|th)?(?:,? (\d{{4}}))?\b")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}}) (?:de )?({_MONTH})(?:,? (?:de )?(\d{{4}}))?\b")
_NUMERIC = re.compile(r"(?<![\d/-])(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?(?![\d/])")
_WORD = re.compile(r"[a-z]+")


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _nearest_past_year(month: int, day: int, today: date) -> date | None:
    """A date without a year is the most recent one: customers talk about what happened."""
    found = _safe(today.year, month, day)
    if found is not None and found > today + timedelta(days=30):
        found = _safe(today.year - 1, month, day)
    return found


def find_dates(text: str, today: date, *, month_first: bool = True) -> list[date]:
    """Dates the message names. `month_first` reads 11/20 as November 20 (US); Spanish
    readers write the day first (20/11)."""
    plain = normalize(text)
    found: list[date] = []
    for month_name, day, year in _MONTH_DAY.findall(plain):
        value = (_safe(int(year), MONTHS[month_name], int(day)) if year
                 else _nearest_past_year(MONTHS[month_name], int(day), today))
        found.append(value)
    for day, month_name, year in _DAY_MONTH.findall(plain):
        value = (_safe(int(year), MONTHS[month_name], int(day)) if year
                 else _nearest_past_year(MONTHS[month_name], int(day), today))
        found.append(value)
    for first, second, year in _NUMERIC.findall(plain):
        month, day = (int(first), int(second)) if month_first else (int(second), int(first))
        if year:
            full = int(year) + (2000 if len(year) == 2 else 0)
            found.append(_safe(full, month, day))
        else:
            found.append(_nearest_past_year(month, day, today))
    for word in _WORD.findall(plain):
        if word in RELATIVE_DAYS:
            found.append(today + timedelta(days=RELATIVE_DAYS[word]))
        elif word in WEEKDAYS:
            back = (today.weekday() - WEEKDAYS[word]) % 7 or 7
            found.append(today - timedelta(days=back))
    return [d for d in dict.fromkeys(found) if d is not None]


def extract(text: str, today: date, lang: str = "en") -> dict[str, Any]:
    """Every entity the message names, by kind; kinds with nothing are left out."""
    found = {
        "order_ids": find_order_ids(text),
        "tracking_numbers": find_tracking_numbers(text),
        "postal_codes": [code] if (code := find_postal_code(text)) else [],
        "amounts": find_amounts(text),
        "dates": [d.isoformat() for d in find_dates(text, today, month_first=lang != "es")],
    }
    return {kind: values for kind, values in found.items() if values}
