"""Business days: Monday to Friday, except the public holidays of the marketplace's country
(the `holidays` package). Pure."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year))


def is_business_day(day: date, country: str) -> bool:
    return day.weekday() < 5 and day not in _holidays(country, day.year)


def add_business_days(start: date, count: int, country: str) -> date:
    """The date `count` business days after `start` (the day of `start` does not count)."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_business_day(day, country):
            count -= 1
    return day
