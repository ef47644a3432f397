"""Which offered order a description fits (bot.order_choice): a table of answers to "which
one do you mean?" against three orders, newest first, as they are offered."""

from datetime import date

import pytest

from bot.order_choice import Offered, choose_by_description

TODAY = date(2026, 11, 27)
ORDERS = [
    Offered(date(2026, 11, 26), delivered=False, shipped=False),               # kettle
    Offered(date(2026, 11, 12), delivered=False, shipped=True),                # charger
    Offered(date(2026, 10, 21), delivered=True, delivered_on=date(2026, 10, 27),
            shipped=True),                                                     # blanket
]

TABLE = [
    ("the one that arrived", 2),
    ("the one I already got", 2),
    ("the one that hasn't shipped yet", 0),
    ("el que no se ha enviado", 0),
    ("el que me llegó", 2),
    ("the one that hasn't arrived", None),   # two have not
    ("the one I never received", None),      # not "received": two have not
    ("it never showed up", None),            # not "showed up": two have not
    ("the newest", 0),
    ("el más reciente", 0),
    ("the oldest one", 2),
    ("the one I ordered yesterday", 0),
    ("the one from November 12", 1),
    ("the one from October", 2),
    ("el de octubre", 2),
    ("the one from November", None),         # two are
    ("the one I ordered a month ago", 2),
    ("the one from two weeks ago", 1),
    ("may I ask about the first", None),     # "may" is not the month; ordinals are elsewhere
    ("something else", None),
]


@pytest.mark.parametrize("text, index", TABLE, ids=[t for t, _ in TABLE])
def test_choose_by_description(text, index):
    assert choose_by_description(text, ORDERS, TODAY) == index


def test_an_order_whose_state_is_not_known_is_not_guessed():
    unknown = [Offered(date(2026, 11, 26), None), Offered(date(2026, 11, 12), None)]
    assert choose_by_description("the one that arrived", unknown, TODAY) is None
