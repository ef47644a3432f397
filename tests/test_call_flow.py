"""The decisions of a phone call's steps (bot.call_flow), as a table: what each gather's
speech or digits amount to, with the rules that decided it, and the state of the next gather;
and the text a caller hears (bot.spoken)."""

import pytest

from bot.call_flow import (
    BadCallState,
    CallState,
    CallStep,
    Heard,
    after,
    next_step,
    no_match,
    number_to_read,
)
from bot.spoken import for_the_ear

LANGS = ("en", "es")
MENU = CallState("en", "menu", 0, None, 1)
TALK = CallState("en", "talk", 0, None, 5)
CONFIRM = CallState("en", "confirm", 0, "112-9034521-4418830", 6)


def decide(state, speech="", confidence=None, digits=""):
    step = next_step(state, Heard(speech, confidence, digits), min_confidence=0.45,
                     languages=LANGS)
    return step.action, step.reasons, step.language, step.text, step.tries


@pytest.mark.parametrize(("state", "heard", "expected"), [
    (MENU, {}, ("reprompt", ("voice.no_input",), "en", "", 1)),
    (CallState("en", "talk", 2, None, 3), {},
     ("give_up", ("voice.no_input", "voice.reprompt_limit"), "en", "", 2)),
    (MENU, {"speech": "where is my order", "confidence": 0.2},
     ("reprompt", ("voice.low_confidence",), "en", "", 1)),
    (MENU, {"speech": "where is my order", "confidence": 0.45},
     ("answer", ("voice.heard",), "en", "where is my order", 0)),
    (MENU, {"digits": "2"}, ("switch_language", ("voice.keypad_language",), "es", "", 0)),
    (TALK, {"digits": "2"}, ("answer", ("voice.keypad_choice",), "en", "2", 0)),
    (TALK, {"speech": "en español por favor", "confidence": 0.8},
     ("switch_language", ("voice.spoken_language",), "es", "", 0)),
    (CallState("es", "talk", 0, None, 2), {"speech": "English", "confidence": 0.8},
     ("switch_language", ("voice.spoken_language",), "en", "", 0)),
    (TALK, {"digits": "11290345214418830"},
     ("read_back", ("voice.order_id_typed",), "en", "112-9034521-4418830", 0)),
    (TALK, {"digits": "11290345214418830#"},
     ("read_back", ("voice.order_id_typed",), "en", "112-9034521-4418830", 0)),
    (TALK, {"digits": "60614"}, ("read_back", ("voice.postal_code_typed",), "en", "60614", 0)),
    (TALK, {"digits": "1234"}, ("reprompt", ("voice.keypad_not_understood",), "en", "", 1)),
    (TALK, {"digits": "*9"}, ("reprompt", ("voice.keypad_not_understood",), "en", "", 1)),
    (TALK, {"speech": "my zip is 60614", "confidence": 0.9},
     ("read_back", ("voice.number_heard",), "en", "my zip is 60614", 0)),
    (CONFIRM, {"speech": "Yes.", "confidence": 0.9},
     ("answer", ("voice.number_confirmed",), "en", "112-9034521-4418830", 0)),
    (CONFIRM, {"speech": "sí", "confidence": 0.9},
     ("answer", ("voice.number_confirmed",), "en", "112-9034521-4418830", 0)),
    (CONFIRM, {"digits": "1"},
     ("answer", ("voice.number_confirmed",), "en", "112-9034521-4418830", 0)),
    (CONFIRM, {"digits": "2"}, ("reprompt", ("voice.number_rejected",), "en", "", 1)),
    (CONFIRM, {"speech": "no, that's wrong", "confidence": 0.9},
     ("reprompt", ("voice.number_rejected",), "en", "", 1)),
    (CONFIRM, {"speech": "what?", "confidence": 0.9},
     ("reprompt", ("voice.confirmation_unclear",), "en", "", 1)),
    (CONFIRM, {"digits": "60614"},
     ("read_back", ("voice.postal_code_typed",), "en", "60614", 0)),
])
def test_each_gather_is_decided_by_a_named_rule(state, heard, expected):
    assert decide(state, **heard) == expected


def test_an_answer_the_engine_did_not_understand_counts_like_silence():
    first = CallStep("answer", "en", ("voice.heard",), text="blah", tries=0)
    assert no_match(first).action == "reprompt" and no_match(first).tries == 1
    last = CallStep("answer", "en", ("voice.heard",), text="blah", tries=2)
    assert (no_match(last).action, no_match(last).reasons) == (
        "give_up", ("voice.no_match", "voice.reprompt_limit"))


def test_the_next_gather_keeps_what_it_must():
    greet = CallStep("greet", "en", ("voice.incoming_call",))
    assert after(greet, CallState("en", "menu", 0, None, 0), "en", hang_up=False,
                 held=None) == CallState("en", "menu", 0, None, 1)
    unclear = CallStep("reprompt", "en", ("voice.confirmation_unclear",), tries=1)
    assert after(unclear, CONFIRM, "en", hang_up=False, held=None) == CallState(
        "en", "confirm", 1, "112-9034521-4418830", 7)
    rejected = CallStep("reprompt", "en", ("voice.number_rejected",), tries=1)
    assert after(rejected, CONFIRM, "en", hang_up=False, held=None) == CallState(
        "en", "talk", 1, None, 7)
    answered = CallStep("answer", "en", ("voice.heard",), text="x", tries=2)
    assert after(answered, TALK, "es", hang_up=False, held=None) == CallState(
        "es", "talk", 0, None, 6)
    assert after(answered, TALK, "en", hang_up=True, held=None) is None


@pytest.mark.parametrize("query", [
    {"lang": "fr", "expect": "talk", "tries": "0", "step": "1"},
    {"lang": "en", "expect": "dance", "tries": "0", "step": "1"},
    {"lang": "en", "expect": "talk", "tries": "9", "step": "1"},
    {"lang": "en", "expect": "talk", "tries": "x", "step": "1"},
    {"lang": "en", "expect": "talk", "tries": "0"},
    {"lang": "en", "expect": "confirm", "tries": "0", "step": "1", "held": "<script>"},
])
def test_a_call_state_we_did_not_write_is_refused(query):
    with pytest.raises(BadCallState):
        CallState.from_query(query, LANGS)


def test_a_call_state_survives_its_own_query():
    assert CallState.from_query(CONFIRM.query(), LANGS) == CONFIRM


def test_numbers_are_read_back_as_the_caller_gave_them():
    assert number_to_read("where is order 112 9034521 4418830") == "112-9034521-4418830"
    assert number_to_read("60614") == "6 0 6 1 4"


@pytest.mark.parametrize(("written", "lang", "heard"), [
    ("Your order 112-9034521-4418830 (Kettle) shipped.", "en",
     "Your order 1 1 2, 9 0 3, 4 5 2 1, 4 4 1, 8 8 3 0, Kettle, shipped."),
    ("USPS tracking number 9400111746507529170346.", "en",
     "USPS tracking number 9 4 0 0, 1 1 1 7, 4 6 5 0, 7 5 2 9, 1 7 0 3, 4 6."),
    ("UPS 1Z8E47V10352601818", "en", "UPS 1 Z 8 E, 4 7 V 1, 0 3 5 2, 6 0 1 8, 1 8."),
    ("Pick one:\n\n1) Lamp & Shade (November 2, 2026)\n2) Kettle", "en",
     "Pick one: Option 1: Lamp and Shade, November 2, 2026. Option 2: Kettle."),
    ("Elija:\n1) Lámpara & Pantalla", "es", "Elija: Opción 1: Lámpara y Pantalla."),
    ("See https://example.com/returns?id=1 or write to help@example.com #1", "en",
     "See or write to 1."),
    ("A 20% fee", "en", "A 20 percent fee."),
    # units as words: a speech engine reads "L" and "fl oz" letter by letter
    ("capacity: 1.5 L (50.7 fl oz)", "en", "capacity: 1.5 liters, 50.7 fluid ounces."),
    ("dimensions: 9.1 x 6.3 x 9.8 inches (23.1 x 16.0 x 24.9 cm)", "en",
     "dimensions: 9.1 by 6.3 by 9.8 inches, 23.1 by 16.0 by 24.9 centimeters."),
    ("battery: 2 x 2.0 Ah lithium-ion", "en", "battery: 2 times 2.0 amp hours lithium-ion."),
    ("oven safe: 500 °F", "en", "oven safe: 500 degrees Fahrenheit."),
    ("size 10 in stock", "en", "size 10 in stock."),
    ("peso: 1 lb (0.5 kg)", "es", "peso: 1 libra, 0.5 kilos."),
    ("Your orders are for:\n- Kettle (Nov 2, 2026)\n- Lamp", "en",
     "Your orders are for: Kettle, Nov 2, 2026. Lamp."),
    ("return number RMA-20261127-0001.", "en",
     "return number R M A, 2 0 2 6, 1 1 2 7, 0 0 0 1."),
])
def test_text_for_the_ear_reads_numbers_in_groups_and_no_symbols(written, lang, heard):
    assert for_the_ear(written, lang) == heard


@pytest.mark.parametrize(("lang", "written", "spoken"), [
    ("en", "$79.99 · Nov 28, 2026 · Nov 27, 2026, 10:00 AM EST",
     "79.99 US dollars · November 28, 2026 · November 27, 2026, 10:00 AM Eastern Standard Time"),
    ("es", "79,99 US$ · 28 nov 2026",
     "79,99 dólares estadounidenses · 28 de noviembre de 2026"),
])
def test_dates_and_money_are_said_in_words_to_a_caller(lang, written, spoken):
    from datetime import UTC, datetime

    from bot.templating import Templates

    moment = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
    day = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    source = ("{{ 79.99|money('USD') }} · {{ day|day }}"
              + (" · {{ moment|moment }}" if lang == "en" else ""))
    template = Templates().environment(lang).from_string(source)
    context = {"day": day, "moment": moment, "tz": "America/New_York"}
    assert " ".join(template.render(**context).split()) == written.replace("\u00a0", " ")
    assert " ".join(template.render(spoken=True, **context).split()) == spoken
