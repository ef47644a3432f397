"""What a message names, as a table; and that the engine stores it with the message."""

from datetime import date

import pytest
from sqlalchemy import select

from bot.entities import extract, find_dates
from bot.identifiers import gives_whole_address
from storage.models import Message

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize("text, lang, expected", [
    ("where is order 112-1234567-1234567", "en", {"order_ids": ["112-1234567-1234567"]}),
    ("order #112 1234567 1234567 zip 94107", "en",
     {"order_ids": ["112-1234567-1234567"], "postal_codes": ["94107"]}),
    ("tracking 1z999aa10123456784 please", "en", {"tracking_numbers": ["1Z999AA10123456784"]}),
    ("I'm waiting for a refund of $45.99", "en", {"amounts": ["45.99"]}),
    ("espero un reembolso de 30 dólares", "es", {"amounts": ["30"]}),
    ("it arrived yesterday", "en", {"dates": ["2026-11-25"]}),
    ("I ordered it on Nov 20", "en", {"dates": ["2026-11-20"]}),
    ("ordered December 28", "en", {"dates": ["2025-12-28"]}),
    ("delivered on 11/3", "en", {"dates": ["2026-11-03"]}),
    ("entregado el 3/11", "es", {"dates": ["2026-11-03"]}),
    ("lo pedí el 20 de noviembre", "es", {"dates": ["2026-11-20"]}),
    ("it came on Monday", "en", {"dates": ["2026-11-23"]}),
    ("hello", "en", {}),
])
def test_extract(text, lang, expected):
    assert extract(text, TODAY, lang) == expected


def test_impossible_dates_are_left_out():
    assert find_dates("on 2/30 and 13/45", TODAY) == []


async def test_the_engine_stores_what_a_message_names(service):
    await service.sms("+15555550102", "I ordered the kettle on Nov 25, where is it?")
    message = await service.scalar(select(Message).where(Message.direction == "in"))
    assert message.entities == {"dates": ["2026-11-25"]}
    assert message.intent == "order_status" and 0.2 < message.intent_confidence <= 1


@pytest.mark.parametrize("text, whole", [
    ("12 Oak Ave, Austin TX 78701", True),
    # a street known by the state and ZIP code after it, not by its type
    ("350 Broadway, New York NY 10013", True),
    ("1200 W Fulton Market, Chicago, IL 60607", True),
    ("change it to 350 Broadway, New York, NY 10013", True),
    ("350 Broadway", False),          # no ZIP code: asked for the rest
    # no street: a number that is no house number
    ("same building but unit 12 now, Chicago IL 60614", False),
    ("I moved 2 blocks away, still Chicago IL 60614", False),
    ("my zip is 10013", False),       # no street
    ("order 112-9034521-4418830 ny 10013", False),
])
def test_a_whole_address_has_a_street_and_a_zip_code(text, whole):
    assert gives_whole_address(text) is whole
