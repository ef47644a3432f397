"""Understanding what customers type: identifiers (POLICY.md G), masking of card numbers
(POLICY.md F), language, intent, SMS keywords, option choice and product answers. Pure
functions, no service. Rows marked xfail(strict=True) assert the correct behaviour of something
the module gets wrong today (see the reason on each)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.facts import ItemFacts
from bot.identifiers import find_order_ids, find_postal_code, same_postal_code, to_e164
from bot.product_answers import answer_product_question
from bot.redaction import mask_card_numbers
from bot.understanding import (
    choose_option,
    detect_intent,
    detect_language,
    language_data,
    sms_keyword,
)
from tests.tables import rows

# -- identifiers: order IDs ---------------------------------------------------------------

ORDER_ID = "112-1234567-1234567"

ORDER_ID_TABLE = [
    ("dashes", "112-1234567-1234567", [ORDER_ID]),
    ("spaces", "112 1234567 1234567", [ORDER_ID]),
    ("dots", "112.1234567.1234567", [ORDER_ID]),
    ("hash", "#112-1234567-1234567", [ORDER_ID]),
    ("no-separators", "11212345671234567", [ORDER_ID]),
    ("hash-no-separators-in-sentence", "my order #11212345671234567 hasn't come", [ORDER_ID]),
    ("mixed-separators", "112-1234567 1234567", [ORDER_ID]),
    ("trailing-punctuation", "Order: 112-1234567-1234567.", [ORDER_ID]),
    ("two-orders", "112-1234567-1234567 and 113 7654321 7654321",
     [ORDER_ID, "113-7654321-7654321"]),
    ("too-few-digits", "12-1234567-1234567", []),
    ("too-many-digits-in-front", "1112-1234567-1234567", []),
    ("too-many-digits-at-end", "112-1234567-12345678", []),
    ("eighteen-digits", "112123456712345678", []),
    ("no-digits", "where is my order", []),
]


@pytest.mark.parametrize("text, expected", rows(ORDER_ID_TABLE))
def test_find_order_ids(text, expected):
    assert find_order_ids(text) == expected


POSTAL_TABLE = [
    ("five-digits", "94107", "94107"),
    ("zip-plus-4", "94107-1234", "94107"),
    ("in-sentence", "my zip is 02134 thanks", "02134"),
    ("zip-plus-4-in-sentence", "zip code 94107-1234, thanks", "94107"),
    ("beside-an-order-id", "order 112-1234567-1234567 zip 94107", "94107"),
    ("order-id-alone-is-not-a-zip", "order 11212345671234567", None),
    ("four-digits", "1234", None),
    ("six-digits", "941071", None),
    ("nine-digits-unseparated", "941071234", None),
    ("no-digits", "no zip here", None),
]


@pytest.mark.parametrize("text, expected", rows(POSTAL_TABLE))
def test_find_postal_code(text, expected):
    assert find_postal_code(text) == expected


@pytest.mark.parametrize("given, on_file, expected", [
    pytest.param("94107", "94107", True, id="same"),
    pytest.param("94107", "94107-1234", True, id="five-vs-zip+4-on-file"),
    pytest.param("94107-1234", "94107", True, id="zip+4-given"),
    pytest.param("94107 1234", "941071234", True, id="spaces-and-no-separator"),
    pytest.param("94108", "94107-1234", False, id="different"),
    pytest.param("", "", False, id="empty-never-matches"),
])
def test_same_postal_code(given, on_file, expected):
    assert same_postal_code(given, on_file) is expected


PHONE_TABLE = [
    ("us-national-formatted", "(555) 555-0101", "+15555550101"),
    ("e164", "+15555550101", "+15555550101"),
    ("dots", "555.555.0101", "+15555550101"),
    ("leading-1", "1-555-555-0101", "+15555550101"),
    ("international", "+44 20 7946 0958", "+442079460958"),
    ("junk", "junk", None),
    ("empty", "", None),
    ("too-short", "123", None),
    ("seven-digit-local-only", "555-0101", None),
]

@pytest.mark.parametrize("number, expected", rows(PHONE_TABLE))
def test_to_e164(number, expected):
    assert to_e164(number) == expected


# -- redaction ----------------------------------------------------------------------------

LUHN_VALID_ORDER_DIGITS = "11212345671234565"   # 17 digits, passes the Luhn check

CARD_TABLE = [
    ("16-digits-with-spaces", "card 4111 1111 1111 1111 exp 12/27",
     "card [card ending 1111] exp 12/27"),
    ("16-digits-plain", "4111111111111111", "[card ending 1111]"),
    ("16-digits-dashes", "my card is 4111-1111-1111-1111.", "my card is [card ending 1111]."),
    ("15-digit-amex", "3782 822463 10005", "[card ending 0005]"),
    ("13-digits", "4222222222222", "[card ending 2222]"),
    ("19-digits", "4000 0000 0000 0000 006", "[card ending 0006]"),
    ("two-cards", "4111111111111111 or 5500 0000 0000 0004",
     "[card ending 1111] or [card ending 0004]"),
    ("luhn-invalid-left-alone", "card 4111 1111 1111 1112 exp", "card 4111 1111 1111 1112 exp"),
    ("17-digit-order-id-left-alone", f"order {LUHN_VALID_ORDER_DIGITS}",
     f"order {LUHN_VALID_ORDER_DIGITS}"),
    ("dashed-order-id-left-alone", "order 112-1234567-1234565", "order 112-1234567-1234565"),
    ("phone-number-left-alone", "call 5555550101", "call 5555550101"),
    ("short-luhn-valid-left-alone", "ref 79927398713", "ref 79927398713"),
]


@pytest.mark.parametrize("text, expected", rows(CARD_TABLE))
def test_mask_card_numbers(text, expected):
    assert mask_card_numbers(text) == expected


def test_the_order_id_row_really_is_luhn_valid():
    digits = LUHN_VALID_ORDER_DIGITS
    total = sum(int(d) if i % 2 == 0 else sum(divmod(int(d) * 2, 10))
                for i, d in enumerate(reversed(digits)))
    assert len(digits) == 17 and total % 10 == 0


# -- language -----------------------------------------------------------------------------

LANGUAGE_TABLE = [
    ("english", "Where is my order?", "en"),
    ("english-sentence", "Hello, I want to cancel my order", "en"),
    ("spanish-accents", "¿Dónde está mi pedido?", "es"),
    ("spanish-no-accents", "donde esta mi pedido por favor", "es"),
    ("spanish-sentence", "Quiero cancelar mi pedido", "es"),
    ("chinese", "我的订单在哪里", "zh"),
    ("japanese", "注文はどこですか", "ja"),
    ("korean", "주문은 어디에 있나요", "ko"),
    ("too-short-ok", "ok", None),
    ("digits-only", "12345", None),
    ("order-id-only", "112-1234567-1234567", None),
    ("empty", "", None),
    ("punctuation", "?!", None),
    ("neutral-no", "no", None),
]

@pytest.mark.parametrize("text, expected", rows(LANGUAGE_TABLE))
def test_detect_language(text, expected):
    assert detect_language(text) == expected


# -- intent -------------------------------------------------------------------------------

INTENT_TABLE = [
    # id, text, lang, intent
    ("en-order_status", "Where is my order?", "en", "order_status"),
    ("en-order_status-curly-apostrophe", "Where\u2019s my package", "en", "order_status"),
    ("en-not_received", "I never received my package", "en", "not_received"),
    ("en-not_received-says-delivered", "It says delivered but I never got it", "en",
     "not_received"),
    ("en-cancel_order", "Please cancel my order", "en", "cancel_order"),
    ("en-change_address", "I need to change the shipping address", "en", "change_address"),
    ("en-return_request", "I want to return this", "en", "return_request"),
    ("en-damaged_or_defective", "The lamp arrived broken", "en", "damaged_or_defective"),
    ("en-wrong_item", "You sent me the wrong item", "en", "wrong_item"),
    ("en-product_question", "Does it come with batteries?", "en", "product_question"),
    ("en-product_question-question-mark-fallback", "Waterproof?", "en", "product_question"),
    ("en-human_agent", "I want to talk to a real person", "en", "human_agent"),
    ("en-greeting", "Hello", "en", "greeting"),
    ("en-thanks", "Thank you!", "en", "thanks"),
    ("en-help", "help", "en", "help"),
    ("en-affirm", "yes", "en", "affirm"),
    ("en-deny", "no", "en", "deny"),
    ("en-specific-beats-greeting", "Hi, where is my order?", "en", "order_status"),
    ("en-defect-beats-refund", "The charger stopped working, I want a refund", "en",
     "damaged_or_defective"),
    ("en-other", "asdf qwerty", "en", "other"),
    ("en-no-thanks-is-deny", "No thanks", "en", "deny"),
    ("es-order_status", "¿Dónde está mi pedido?", "es", "order_status"),
    ("es-order_status-no-accents", "donde esta mi pedido", "es", "order_status"),
    ("es-not_received", "Nunca llegó mi paquete", "es", "not_received"),
    ("es-cancel_order", "Quiero cancelar mi pedido", "es", "cancel_order"),
    ("es-change_address", "Necesito cambiar la dirección de envío", "es", "change_address"),
    ("es-return_request", "Quiero devolver el producto", "es", "return_request"),
    ("es-damaged_or_defective", "La lámpara llegó rota", "es", "damaged_or_defective"),
    ("es-wrong_item", "Me enviaron un artículo equivocado", "es", "wrong_item"),
    ("es-product_question", "¿Es compatible con iPhone?", "es", "product_question"),
    ("es-human_agent", "Quiero hablar con un humano", "es", "human_agent"),
    ("es-greeting", "Hola", "es", "greeting"),
    ("es-thanks", "Muchas gracias", "es", "thanks"),
    ("es-help", "ayuda", "es", "help"),
    ("es-affirm", "sí", "es", "affirm"),
    ("es-affirm-no-accent", "si", "es", "affirm"),
    ("es-deny", "no", "es", "deny"),
    ("es-english-phrases-also-count", "cancel please", "es", "cancel_order"),
    ("es-no-gracias-is-deny", "No gracias", "es", "deny"),
]

@pytest.mark.parametrize("text, lang, intent", rows(INTENT_TABLE))
def test_detect_intent(text, lang, intent):
    assert detect_intent(text, lang) == intent


@pytest.mark.parametrize("lang", ["en", "es"])
def test_intent_table_covers_every_intent_in_the_understanding_data(lang):
    tested = {intent for _, _, row_lang, intent in INTENT_TABLE if row_lang == lang}
    assert set(language_data(lang).intents) <= tested


# -- SMS keywords -------------------------------------------------------------------------

SMS_TABLE = [
    ("STOP", "STOP", "stop"),
    ("stop-with-period", "stop.", "stop"),
    ("stop-padded-exclaimed", "  Stop!  ", "stop"),
    ("stop-please-is-a-message", "Stop please", None),
    ("unsubscribe", "UNSUBSCRIBE", "stop"),
    ("START", "START", "start"),
    ("HELP", "HELP", "help"),
    ("info", "info", "help"),
    ("es-parar", "parar", "stop"),
    ("es-Parar-period", "Parar.", "stop"),
    ("es-ayuda", "AYUDA", "help"),
    ("es-alta", "alta", "start"),
    ("sentence", "Where is my order", None),
]


@pytest.mark.parametrize("text, keyword", rows(SMS_TABLE))
def test_sms_keyword(text, keyword):
    assert sms_keyword(text) == keyword


# -- choosing an option -------------------------------------------------------------------

LABELS = ["Desk lamp (order 112-1234567-1234567)",
          "USB-C charger (order 113-7654321-7654321)",
          "Yoga mat (order 114-1111111-2222222)"]

CHOICE_TABLE = [
    # id, text, lang, index
    ("number", "2", "en", 1),
    ("hash-number", "#3", "en", 2),
    ("number-in-words", "option 1 please", "en", 0),
    ("number-out-of-range", "4", "en", None),
    ("zero", "0", "en", None),
    ("en-first", "the first", "en", 0),
    ("en-second", "second", "en", 1),
    ("en-2nd", "2nd", "en", 1),
    ("en-third", "third please", "en", 2),
    ("en-the-last-one", "the last one", "en", 2),
    ("en-the-second-one", "the second one", "en", 1),
    ("es-segundo", "el segundo", "es", 1),
    ("es-primera", "la primera", "es", 0),
    ("es-ultimo", "el último", "es", 2),
    ("es-ultima-no-accent", "la ultima", "es", 2),
    ("es-tres", "tres", "es", 2),
    ("product-word", "the lamp", "en", 0),
    ("product-word-hyphenated-label", "the charger", "en", 1),
    ("product-words", "the yoga mat please", "en", 2),
    ("ambiguous-two-products", "lamp or charger", "en", None),
    ("nothing-matches", "something else", "en", None),
]

@pytest.mark.parametrize("text, lang, index", rows(CHOICE_TABLE))
def test_choose_option(text, lang, index):
    assert choose_option(text, LABELS, lang) == index


def test_choose_option_same_word_in_two_labels_is_ambiguous():
    assert choose_option("the lamp", ["Desk lamp", "Floor lamp"], "en") is None


# -- product answers ----------------------------------------------------------------------

LAMP = ItemFacts(
    asin="B0LAMP0001", title="Brightline LED Desk Lamp", category="Home", quantity=1,
    price=Decimal("39.99"),
    bullets=("Dimmable LED with five brightness levels", "USB charging port in the base",
             "Aluminum arm adjusts 180 degrees"),
    attributes=(("wattage", "12 W"), ("color", "Silver"), ("weight", "1.8 lb")))
MAT = ItemFacts(
    asin="B0MAT00001", title="Yoga Mat", category="Sports", quantity=1, price=Decimal("25.00"),
    bullets=("Non-slip surface for hot yoga",),
    attributes=(("material", "TPE"), ("dimensions", "72 x 24 in")))
ITEMS = (LAMP, MAT)

PRODUCT_TABLE = [
    # id, question, (asin, evidence, attribute) or None
    ("synonym-watts", "How many watts is it?", ("B0LAMP0001", "wattage: 12 W", "wattage")),
    ("synonym-power", "how much power does it use", ("B0LAMP0001", "wattage: 12 W", "wattage")),
    ("synonym-es-vatios", "¿Cuántos vatios tiene?", ("B0LAMP0001", "wattage: 12 W", "wattage")),
    ("synonym-heavy", "How heavy is it?", ("B0LAMP0001", "weight: 1.8 lb", "weight")),
    ("attribute-name", "What color is it?", ("B0LAMP0001", "color: Silver", "color")),
    ("synonym-made", "What is it made of?", ("B0MAT00001", "material: TPE", "material")),
    ("synonym-big", "How big is it?", ("B0MAT00001", "dimensions: 72 x 24 in", "dimensions")),
    ("bullet-overlap", "Does the base have a USB charging port?",
     ("B0LAMP0001", "USB charging port in the base", None)),
    ("bullet-overlap-other-item", "Is the mat non-slip?",
     ("B0MAT00001", "Non-slip surface for hot yoga", None)),
    ("nothing-settles-it", "Is it waterproof?", None),
    ("no-content", "tell me", None),
    ("duration-is-not-a-dimension", "How long does shipping take?", None),
]

@pytest.mark.parametrize("question, expected", rows(PRODUCT_TABLE))
def test_answer_product_question(question, expected):
    answer = answer_product_question(question, ITEMS)
    got = None if answer is None else (answer.asin, answer.evidence, answer.attribute)
    assert got == expected


CHARGER = ItemFacts(
    asin="B0CHARGER1", title="65W USB-C Charger", category="Electronics", quantity=1,
    price=Decimal("29.99"), attributes=(("output power", "65 W"), ("input", "100-240 V"),
                                        ("net", "4.2 oz")))


@pytest.mark.parametrize("question, evidence", [
    pytest.param("How many watts?", "output power: 65 W", id="watts-by-unit"),
    pytest.param("What voltage does it take?", "input: 100-240 V", id="volts-by-unit"),
    pytest.param("How much does it weigh?", "net: 4.2 oz", id="weight-by-unit"),
    pytest.param("Is it blue?", None, id="no-unit-no-answer"),
])
def test_answer_product_question_by_unit(question, evidence):
    answer = answer_product_question(question, (CHARGER,))
    assert (answer.evidence if answer else None) == evidence


def test_product_answer_quotes_the_item_title():
    answer = answer_product_question("How many watts is it?", ITEMS)
    assert answer is not None and answer.title == "Brightline LED Desk Lamp"


def test_no_items_no_answer():
    assert answer_product_question("How many watts is it?", ()) is None
