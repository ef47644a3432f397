"""Which of the orders offered the customer means when they describe it rather than name it:
by what happened to it ("the one that arrived", "the one that hasn't shipped", "el que no ha
llegado"), by when it was bought ("the one from October 21", "the one I ordered yesterday",
"a month ago", "el más reciente"). Pure: the words, the orders and today in; an index or None
out. The phrases are data (`order_descriptions` in each language's understanding.json)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache

from bot.entities import MONTHS, find_dates
from bot.text import any_phrase, normalize, says
from bot.understanding import available_languages, language_data


@dataclass(frozen=True)
class Offered:
    purchased_on: date
    delivered: bool | None  # None: not known
    delivered_on: date | None = None
    shipped: bool | None = None


@cache
def _phrases(kind: str) -> tuple[str, ...]:
    """The phrases of one kind in every language, longest first: a customer answering in
    a short phrase is often not recognizably in one language."""
    found = {normalize(p) for lang in available_languages()
             for p in language_data(lang).order_descriptions.get(kind, ())}
    return tuple(sorted(found, key=len, reverse=True))


@cache
def _days_ago() -> dict[str, int]:
    return {normalize(p): days for lang in available_languages()
            for p, days in language_data(lang).order_descriptions.get("days_ago", {}).items()}


def _only(matches: list[bool]) -> int | None:
    return matches.index(True) if matches.count(True) == 1 else None


# Month names that are also everyday words count only after "in", "from", "de", "en"...
_AMBIGUOUS_MONTHS = frozenset(("may", "mar", "jan", "jun", "jul", "aug", "sep", "sept", "oct",
                               "nov", "dec", "feb", "apr"))
_MONTH_WORD = re.compile(r"(?:\b(in|from|of|de|en|del)\s+)?\b(" +
                         "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b")


def _months(text: str) -> set[int]:
    return {MONTHS[name] for before, name in _MONTH_WORD.findall(text)
            if before or name not in _AMBIGUOUS_MONTHS}


def happened(text: str) -> str | None:
    """What the words say happened to the order: "not_shipped", "not_delivered",
    "delivered" (the first kind said: "hasn't arrived" before "arrived"), or None."""
    plain = normalize(text)
    return next((kind for kind in ("not_shipped", "not_delivered", "delivered")
                 if any_phrase(_phrases(kind)).search(plain)), None)


def choose_by_description(text: str, offered: list[Offered], today: date) -> int | None:
    """The one order the description fits, or None when it fits none or several."""
    plain = normalize(text)
    if not offered:
        return None
    dates = find_dates(text, today)
    months = _months(plain)
    said = happened(text)
    # (whether the description says it, which orders it fits), tried in order
    rules: list[tuple[bool, Callable[[Offered], bool]]] = [
        (bool(dates), lambda o: o.purchased_on in dates or o.delivered_on in dates),
        (bool(months), lambda o: o.purchased_on.month in months),
        (said == "not_shipped", lambda o: o.shipped is False),
        (said == "not_delivered", lambda o: o.delivered is False),
        (said == "delivered", lambda o: o.delivered is True),
    ]
    for applies, fits in rules:
        chosen = _only([fits(o) for o in offered]) if applies else None
        if chosen is not None:
            return chosen
    newest = bool(any_phrase(_phrases("newest")).search(plain))
    oldest = bool(any_phrase(_phrases("oldest")).search(plain))
    if newest != oldest:
        days = [o.purchased_on for o in offered]
        pick = max(days) if newest else min(days)
        if days.count(pick) == 1:
            return days.index(pick)
    ago = [days for phrase, days in _days_ago().items() if says(plain, phrase)]
    if ago:
        # the order bought (or delivered) nearest that many days ago, if clearly nearest
        distance = [min(abs((today - d).days - ago[0])
                        for d in (o.purchased_on, o.delivered_on) if d is not None)
                    for o in offered]
        ranked = sorted(range(len(offered)), key=distance.__getitem__)
        if len(ranked) == 1 or distance[ranked[0]] * 2 < distance[ranked[1]]:
            return ranked[0]
    return None
