"""Product questions answered from the product detail data (bot/product_answers.py) and the
`csba evaluate product-qa` scoring (bot/evaluation/product_qa.py). Pure functions, no service."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bench.product_answers import DEFAULT_FILES, fit_models
from bot import product_answers as pa
from bot.evaluation.common import read_jsonl
from bot.evaluation.product_qa import (
    Tally,
    evaluate,
    half,
    matches_reference,
    parse_attribute,
)
from bot.facts import ItemFacts
from bot.product_answers import (
    Unsettled,
    answer_product_question,
    convert_units,
    sentences,
    settle_product_question,
)
from bot.product_facts import term
from bot.product_question import parse_question

KETTLE = ItemFacts(
    asin="B0KETTLE01", title="Hamilton Beach Electric Tea Kettle, 1.7 Liter, Stainless Steel",
    category="Kitchen", quantity=1, price=Decimal("34.99"),
    bullets=("Fast boiling: 1500 watts boil water faster than a microwave or stovetop",
             "Auto shutoff and boil-dry protection for safety",
             "Cordless kettle lifts off the 360 degree base for easy filling and pouring",
             "Hidden heating element; no plastic touches the water inside the kettle",
             "Removable, washable mesh filter"),
    description="The stainless steel kettle holds up to 1.7 liters. The water window lets you "
                "see how much water is inside. Backed by a 1 year limited warranty.",
    attributes=(("capacity", "1.7 L"), ("wattage", "1500 W"), ("voltage", "120 V"),
                ("material", "stainless steel"), ("color", "silver"),
                ("item weight", "2.2 lb"), ("item dimensions", "9 x 6.5 x 10 inches"),
                ("cord length", "30 inches")))
BACKPACK = ItemFacts(
    asin="B0PACK0001", title="Travel Laptop Backpack, Water Resistant, Fits 15.6 Inch Laptop",
    category="Luggage", quantity=1, price=Decimal("39.99"),
    bullets=("Laptop compartment fits up to 15.6 inch laptops and a 10 inch tablet",
             "USB charging port on the side (power bank not included)",
             "Made of water resistant polyester fabric with metal zippers",
             "Luggage strap slides over the handle of a suitcase"),
    attributes=(("item dimensions", "18 x 12 x 8 inches"), ("item weight", "1.9 pounds"),
                ("material", "polyester"), ("color", "black"), ("capacity", "35 liters")))
CASE = ItemFacts(
    asin="B0CASE0001", title="Slim Silicone Phone Case", category="Electronics", quantity=1,
    price=Decimal("12.99"),
    bullets=("Compatible with iPhone 13 and iPhone 13 Pro only",
             "Supports wireless charging without removing the case"),
    attributes=(("compatible phone models", "iphone 13, iphone 13 pro"), ("material", "silicone"),
                ("color", "navy blue")))
ORDER = (KETTLE, BACKPACK, CASE)


def _item(asin, title="", bullets=(), description="", attributes=()):
    return ItemFacts(asin=asin, title=title, category="", quantity=1, price=Decimal("10"),
                     bullets=tuple(bullets), description=description,
                     attributes=tuple(attributes))


# products with the attributes and sentences of catalogue data; some have no title, as the
# evaluation sets' products
SHIRT = _item("B0SHIRT001", "Men's Oxford Shirt", attributes=(
    ("collar style", "button down collar"), ("material", "cotton"), ("color", "white")))
RING = _item("B0RING0001", "Halo Ring", attributes=(
    ("material", "rose gold, cubic zirconia"), ("metal type", "rose-gold-plated brass")))
WATCH = _item("B0WATCH001", "Diver Watch", attributes=(
    ("item dimensions", "1.5 x 1.5 x 0.5 inches"), ("water resistance depth", "330 feet"),
    ("band material", "silicone")))
HOSE = _item("B0HOSE0001", "Garden Hose", attributes=(
    ("hose length", "15 feet"), ("material", "rubber")))
MANNEQUIN = _item("B0HEAD0001", attributes=(
    ("item dimensions", "3 x 2 x 11 inches (L x W x H)"), ("material", "foam")))
DISPLAY = _item("B0DISP0001", description="The assembled figurine display case measures 18 x "
                "7.75 x 7.75 inches. Dust-free acrylic.")
DOLL = _item("B0DOLL0001", bullets=("100% made in Spain, with a warm pink blanket",))
POOL_FLOAT = _item("B0FLOA0001", bullets=("Integrated headrest and cup holder",
                                          "Supports most adults up to 300 pounds"))
BLANKET = _item("B0BLNK0001", "Throw blanket", attributes=(
    ("item package weight", "1.9 pounds"), ("color", "gray")))
BACKSPLASH = _item("B0SPLA0001", "Peel and stick backsplash tile", bullets=(
    "Stainless steel finish", "Easy to install over existing tile"))
ALBUM = _item("B0ALBU0001", "Wedding album", bullets=(
    "Each scrapbook includes 10 pages and is post bound for easy expansion",))
GAMEPAD = _item("B0PAD00001", "Game controller", bullets=(
    "The long-lasting rechargeable battery fully charges in under 4 hours",))
PILLOW = _item("B0PILL0001", "Travel pillow", bullets=(
    "Lightweight design for travel", "Machine washable cover"))
KEYBOARD = _item("B0KEYB0001", "Keyboard", attributes=(
    ("batteries included", "no"), ("keyboard description", "us"),
    ("connectivity technology", "usb")))
MUG = _item("B0MUG00001", "Travel mug", attributes=(
    ("item weight", "0.6 pounds"), ("capacity", "15 fluid ounces")))


# -- answered: (id, items, question, (asin, evidence, source, conversion)) -----------------------

ANSWERED = [
    # attributes, with the value converted to the other unit system
    ("weight-lb-kg", (KETTLE,), "How much does it weigh?",
     ("B0KETTLE01", "item weight: 2.2 lb", "attribute", "1.0 kg")),
    ("heavy-pounds-kg", (BACKPACK,), "How heavy is it?",
     ("B0PACK0001", "item weight: 1.9 pounds", "attribute", "0.9 kg")),
    ("dimensions-in-cm", (KETTLE,), "What are the dimensions?",
     ("B0KETTLE01", "item dimensions: 9 x 6.5 x 10 inches", "attribute", "22.9 x 16.5 x 25.4 cm")),
    ("how-big", (BACKPACK,), "How big is it?",
     ("B0PACK0001", "item dimensions: 18 x 12 x 8 inches", "attribute", "45.7 x 30.5 x 20.3 cm")),
    ("capacity-l-floz", (KETTLE,), "What is the capacity?",
     ("B0KETTLE01", "capacity: 1.7 L", "attribute", "57.5 fl oz")),
    ("capacity-liters-gallons", (BACKPACK,), "What is the capacity?",
     ("B0PACK0001", "capacity: 35 liters", "attribute", "9.2 gal")),
    ("wattage", (KETTLE,), "What's the wattage?", ("B0KETTLE01", "wattage: 1500 W", "attribute", None)),
    ("voltage", (KETTLE,), "What voltage does it use?",
     ("B0KETTLE01", "voltage: 120 V", "attribute", None)),
    ("colour-spelling", (CASE,), "What colour is it?",
     ("B0CASE0001", "color: navy blue", "attribute", None)),
    ("made-of", (BACKPACK,), "What is it made of?",
     ("B0PACK0001", "material: polyester", "attribute", None)),
    ("part-named-in-attribute", (KETTLE,), "How long is the cord?",
     ("B0KETTLE01", "cord length: 30 inches", "attribute", "76.2 cm")),
    ("model-named", (CASE,), "Will it fit the iPhone 13 Pro?",
     ("B0CASE0001", "compatible phone models: iphone 13, iphone 13 pro", "attribute", None)),
    # the list of the models it fits settles another of their kind: not among them
    ("other-model", (CASE,), "Does it fit the iPhone 12?",
     ("B0CASE0001", "compatible phone models: iphone 13, iphone 13 pro", "attribute", None)),
    # yes/no questions settled by a bullet or a description sentence
    ("yes-no-bullet", (BACKPACK,), "Is it water resistant?",
     ("B0PACK0001", "Made of water resistant polyester fabric with metal zippers", "bullet", None)),
    ("yes-no-bullet-negative", (BACKPACK,), "Does it come with a power bank?",
     ("B0PACK0001", "USB charging port on the side (power bank not included)", "bullet", None)),
    ("yes-no-bullet-one-word", (KETTLE,), "Is it cordless?",
     ("B0KETTLE01", "Cordless kettle lifts off the 360 degree base for easy filling and pouring",
      "bullet", None)),
    ("yes-no-bullet-part", (KETTLE,), "Is the filter removable?",
     ("B0KETTLE01", "Removable, washable mesh filter", "bullet", None)),
    ("yes-no-bullet-clause", (KETTLE,), "Does any plastic touch the water?",
     ("B0KETTLE01", "no plastic touches the water inside the kettle", "bullet", None)),
    ("description-sentence", (KETTLE,), "Is there a warranty?",
     ("B0KETTLE01", "Backed by a 1 year limited warranty.", "description", None)),
    ("quantity-in-bullet", (BACKPACK,), "Will my 15.6 inch laptop fit?",
     ("B0PACK0001", "Laptop compartment fits up to 15.6 inch laptops and a 10 inch tablet",
      "bullet", "39.6 cm; 25.4 cm")),
    # an order of several items: the item the question names
    ("order-names-backpack", ORDER, "How heavy is the backpack?",
     ("B0PACK0001", "item weight: 1.9 pounds", "attribute", "0.9 kg")),
    ("order-names-case", ORDER, "What colour is the phone case?",
     ("B0CASE0001", "color: navy blue", "attribute", None)),
    ("order-names-kettle", ORDER, "How many watts is the kettle?",
     ("B0KETTLE01", "wattage: 1500 W", "attribute", None)),
    ("order-names-backpack-yes-no", ORDER, "Is the backpack waterproof?",
     ("B0PACK0001", "Made of water resistant polyester fabric with metal zippers", "bullet", None)),
    ("order-yes-no-value", ORDER, "Is the phone case silicone?",
     ("B0CASE0001", "material: silicone", "attribute", None)),
    ("yes-no-value-of-attribute", (CASE,), "Is it blue?",
     ("B0CASE0001", "color: navy blue", "attribute", None)),
    # the attribute named for what a wh-question asks by name, or for most of its concepts
    ("named-attribute", (SHIRT,), "What kind of collar does this shirt have?",
     ("B0SHIRT001", "collar style: button down collar", "attribute", None)),
    ("asked-word-over-concept", (RING,), "What kind of metal is it?",
     ("B0RING0001", "metal type: rose-gold-plated brass", "attribute", None)),
    ("two-concepts-named", (WATCH,), "How deep can I go in the water with it?",
     ("B0WATCH001", "water resistance depth: 330 feet", "attribute", "100.6 m")),
    # a number compared is a quantity, not a model's name
    ("compared-number", (HOSE,), "Is the hose length over 16?",
     ("B0HOSE0001", "hose length: 15 feet", "attribute", "4.6 m")),
    # "this mannequin head" names the item: a fact need not repeat it
    ("item-named-in-question", (MANNEQUIN,), "What is the height of this mannequin head?",
     ("B0HEAD0001", "item dimensions: 3 x 2 x 11 inches (L x W x H)", "attribute",
      "7.6 x 5.1 x 27.9 cm")),
    # sentences of a description-only product that say what was asked
    ("sentence-measures", (DISPLAY,), "What are the dimensions?",
     ("B0DISP0001", "The assembled figurine display case measures 18 x 7.75 x 7.75 inches.",
      "description", "45.7 x 19.7 x 19.7 cm")),
    ("sentence-origin", (DOLL,), "Where is this doll made?",
     ("B0DOLL0001", "100% made in Spain, with a warm pink blanket", "bullet", None)),
    ("sentence-weight-limit", (POOL_FLOAT,), "What is the weight limit?",
     ("B0FLOA0001", "Supports most adults up to 300 pounds", "bullet", "136.1 kg")),
    # "A or B?" answered by the fact that names one of them
    ("alternative-named", (KETTLE,), "Is it made of steel or plastic?",
     ("B0KETTLE01", "material: stainless steel", "attribute", None)),
    # the package's weight when the item's own is not given
    ("package-weight-only", (BLANKET,), "How much does it weigh?",
     ("B0BLNK0001", "item package weight: 1.9 pounds", "attribute", "0.9 kg")),
    ("es-lavadora", (PILLOW,), "¿Se puede lavar en lavadora?",
     ("B0PILL0001", "Machine washable cover", "bullet", None)),
    # said in passing while correcting which item: read through
    ("correction-i-mean", (KETTLE,), "the kettle I mean, what is the capacity?",
     ("B0KETTLE01", "capacity: 1.7 L", "attribute", "57.5 fl oz")),
    ("correction-sorry", (KETTLE,), "sorry, the kettle. what's the wattage?",
     ("B0KETTLE01", "wattage: 1500 W", "attribute", None)),
]

SPANISH = [
    ("es-peso", "¿Cuánto pesa?", "item weight: 2.2 lb", "1.0 kg"),
    ("es-medidas", "¿Cuáles son las medidas?", "item dimensions: 9 x 6.5 x 10 inches",
     "22.9 x 16.5 x 25.4 cm"),
    ("es-tamano", "¿Qué tamaño tiene?", "item dimensions: 9 x 6.5 x 10 inches",
     "22.9 x 16.5 x 25.4 cm"),
    ("es-material", "¿De qué material es?", "material: stainless steel", None),
    ("es-color", "¿De qué color es?", "color: silver", None),
    ("es-voltaje", "¿Qué voltaje usa?", "voltage: 120 V", None),
    ("es-capacidad", "¿Cuál es la capacidad?", "capacity: 1.7 L", "57.5 fl oz"),
    ("es-garantia", "¿Tiene garantía?", "Backed by a 1 year limited warranty.", None),
]

UNANSWERED = [
    # the product data cannot settle these by nature
    ("shipping", (KETTLE,), "How long does shipping take?", "not_from_product_data"),
    ("delivery-es", (KETTLE,), "¿Cuándo llega mi pedido?", "not_from_product_data"),
    ("price", (KETTLE,), "How much is it?", "not_from_product_data"),
    ("price-es", (KETTLE,), "¿Cuánto cuesta?", "not_from_product_data"),
    ("return", (KETTLE,), "Can I return it if I don't like it?", "not_from_product_data"),
    ("opinion", (KETTLE,), "Is it any good?", "not_from_product_data"),
    ("worth", (KETTLE,), "Is it worth the money?", "not_from_product_data"),
    ("comparison", (KETTLE,), "Is it better than a stovetop kettle?", "not_from_product_data"),
    ("difference", (KETTLE,), "What's the difference between this and the 1.0 L model?",
     "not_from_product_data"),
    ("seller-stock", (KETTLE,), "Do you have it in black?", "not_from_product_data"),
    ("troubleshooting", (KETTLE,), "Why is it leaking?", "not_from_product_data"),
    ("sizing-advice", (BACKPACK,), "I'm 6 feet tall, should I get the large one?",
     "not_from_product_data"),
    # the data does not say
    ("not-in-data", (KETTLE,), "Is it dishwasher safe?", "low_confidence"),
    ("whistle", (KETTLE,), "Does it whistle?", "low_confidence"),
    ("variants", (SHIRT,), "Does it come in other colors?", "not_from_product_data"),
    # facts that match but do not settle the question
    ("alternative-neither", (BACKSPLASH,), "Is the backsplash shiny or brushed?",
     "no_fact_matches"),
    ("counts-something-else", (ALBUM,), "How many photos does it hold?", "count_of_something_else"),
    ("charge-time-not-run-time", (GAMEPAD,), "How long does the battery last?", "unmeasured"),
    ("not-measured", (PILLOW,), "How heavy is it?", "unmeasured"),
    ("yes-no-attribute-about-else", (KEYBOARD,), "Are the keycaps included?", "boolean_off_topic"),
    ("item-weight-not-shipping-weight", (MUG,), "What is the shipping weight?", "item_for_package"),
    # nothing to answer
    ("greeting", (KETTLE,), "hello", "no_fact_matches"),
    ("punctuation", (KETTLE,), "???", "no_fact_matches"),
    ("nonsense", (KETTLE,), "asdf qwerty zxcv", "low_confidence"),
    ("empty", (KETTLE,), "", "no_fact_matches"),
    ("no-items", (), "How much does it weigh?", "no_fact_matches"),
]


@pytest.mark.parametrize("items, question, expected",
                         [pytest.param(i, q, e, id=name) for name, i, q, e in ANSWERED])
def test_answered(items, question, expected):
    answer = answer_product_question(question, items)
    assert answer is not None
    assert (answer.asin, answer.evidence, answer.source, answer.conversion) == expected
    assert answer.title in {item.title for item in items}
    assert answer.attribute == (answer.evidence.split(": ", 1)[0]
                                if answer.source == "attribute" else None)
    assert 0.0 < answer.score <= 1.0


@pytest.mark.parametrize("question, evidence, conversion",
                         [pytest.param(q, e, c, id=name) for name, q, e, c in SPANISH])
def test_spanish_questions(question, evidence, conversion):
    answer = answer_product_question(question, (KETTLE,))
    assert answer is not None
    assert (answer.evidence, answer.conversion) == (evidence, conversion)


# Spanish questions that name the item in Spanish ("la bocina", "las tazas"), against English
# details; and without the words the parser first knew Spanish by ("trae cable?").
SPANISH_ITEMS = [
    ("es-trae", (PILLOW,), "trae funda lavable?", "Machine washable cover"),
    ("es-item-noun", (MUG,), "cuanto le cabe a la taza", "capacity: 15 fluid ounces"),
    ("es-item-noun-weight", (BACKPACK,), "cuanto pesa la mochila", "item weight: 1.9 pounds"),
    ("es-how-long", (GAMEPAD,), "¿cuánto tiempo tarda en cargarse?",
     "The long-lasting rechargeable battery fully charges in under 4 hours"),
]


@pytest.mark.parametrize("items, question, evidence",
                         [pytest.param(i, q, e, id=name) for name, i, q, e in SPANISH_ITEMS])
def test_spanish_questions_naming_the_item(items, question, evidence):
    answer = answer_product_question(question, items)
    assert answer is not None and answer.evidence == evidence


@pytest.mark.parametrize("items, question, reason",
                         [pytest.param(i, q, r, id=name) for name, i, q, r in UNANSWERED])
def test_abstains(items, question, reason):
    assert answer_product_question(question, items) is None
    assert settle_product_question(question, items) == Unsettled(reason)


def test_sentence_carries_the_conversion():
    answer = answer_product_question("How much does it weigh?", (KETTLE,))
    assert answer is not None and answer.sentence == "item weight: 2.2 lb (1.0 kg)"
    answer = answer_product_question("What color is it?", (KETTLE,))
    assert answer is not None and answer.sentence == "color: silver"


# -- understanding the question ------------------------------------------------------------------

@pytest.mark.parametrize("question, field, expected", [
    ("what is the height of this mannequin head?", "item", {"mannequin", "head"}),
    ("does this mouse have a laser?", "item", {"mouse"}),
    ("does this fold for storage?", "item", set()),          # "fold" is what it does
    ("is this dishwasher safe?", "item", set()),             # asks whether it is
    ("is this made of wood or plastic?", "alternatives", {"wood", "plastic"}),
    ("is this a disney doll or a mattel doll?", "alternatives", {"disney", "mattel"}),
    ("is it waterproof or not?", "alternatives", set()),
    ("what kind of collar does it have?", "asked", {"collar"}),
    ("does it fit the sgh-i337?", "codes", {"i337"}),     # model names, as written
    ("will it fit windows 8?", "codes", {"8"}),
    ("is the hose over 16?", "codes", set()),                # compared: a quantity
    ("can it hold cards in 8 different compartments?", "codes", set()),  # counts
])
def test_question_understanding(question, field, expected):
    q = parse_question(question)
    want = expected if field == "codes" else {term(w) for w in expected}
    assert getattr(q, field) == frozenset(want)


@pytest.mark.parametrize("a, b", [("sizes", "size"), ("required", "require"),
                                  ("charged", "charging"), ("manufactured", "manufacturer"),
                                  ("lenses", "lens"), ("colour", "color")])
def test_word_forms_meet(a, b):
    assert term(a) == term(b)


# -- unit conversion ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("12 x 8 x 4 inches", "30.5 x 20.3 x 10.2 cm"),
    ('12" x 8" x 4"', "30.5 x 20.3 x 10.2 cm"),
    ("30 x 20 x 10 cm", "11.8 x 7.9 x 3.9 in"),
    ("2.2 lb", "1.0 kg"),
    ("13 pounds", "5.9 kg"),
    ("1 kg", "2.2 lb"),
    ("8 oz", "226.8 g"),
    ("500 grams", "1.1 lb"),
    ("1.5 L", "50.7 fl oz"),
    ("12 fl oz", "354.9 ml"),
    ("1 gallon", "3.8 L"),
    ("6 ft", "1.8 m"),
    ("21 millimeters", "0.8 in"),
    ("fits 10-12 inch tablets", "25.4 - 30.5 cm"),
    ("8 1/2 x 11 inches", "21.6 x 27.9 cm"),
    ("bakes at 350 degrees F", "176.7 \u00b0C"),
    ("240 pages", None),
    ("1500 W", None),
    ("stainless steel", None),
])
def test_convert_units(text, expected):
    assert convert_units(text) == expected


@pytest.mark.parametrize("value, about, expected", [
    # an ounce of what a mug or a bottle holds is a fluid ounce
    ("12 oz", "capacity Handmade Stoneware Coffee Mug, 12 oz", "354.9 ml"),
    ("32 oz", " Trailhead Insulated Stainless Steel Water Bottle, 32 oz", "946.4 ml"),
    ("Holds 32 oz of water", "", "946.4 ml"),
    # unless a weight is meant
    ("14 oz", "weight Handmade Stoneware Coffee Mug", "396.9 g"),
    ("8 oz", "weight Maple & Pine Hand-Poured Soy Candle, 8 oz Amber Jar", "226.8 g"),
    # a unit of torque is neither a length nor a weight
    ("400 in-lb", "torque", None),
    ("50 ft-lbs of torque", "", None),
    ("max torque 400 in\u00b7lb, 1500 rpm", "", None),
])
def test_convert_units_by_what_is_measured(value, about, expected):
    assert convert_units(value, about) == expected


def test_sentences_split_bullets_and_descriptions():
    assert sentences("Holds 1.7 liters. Auto shutoff..Boil-dry protection\n• BPA free") == [
        "Holds 1.7 liters.", "Auto shutoff", "Boil-dry protection", "BPA free"]


# -- attribute texts of the evaluation data -----------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("item_weight:  { unit:pounds, normalized_value:{ unit:pounds, value:13. }, value:13. }",
     ("item_weight", "13 pounds")),
    ("item_dimensions:  { width:{ unit:inches, normalized_value:{ unit:inches, value:42. }, "
     "value:42. }, length:{ unit:inches, normalized_value:{ unit:inches, value:28. }, value:28. }, "
     "height:{ unit:inches, normalized_value:{ unit:inches, value:11. }, value:11. } }",
     ("item_dimensions", "28 x 42 x 11 inches (L x W x H)")),
    ('color:  { standardized_values:[ "brown" ], value:"coyote" }', ("color", "coyote")),
    ('compatible_devices:  { value:"iphone 5" }; { value:"ipod touch 6" }',
     ("compatible_devices", "iphone 5, ipod touch 6")),
    ("batteries_included:  { value:false }", ("batteries_included", "no")),
    ("water_resistance_level:  { value:not_water_resistant }",
     ("water_resistance_level", "not water resistant")),
    ("num_batteries:  { quantity:4, type:aa }", ("num_batteries", "4 aa")),
    ('band:  { material:[ { value:"stainless steel" } ], width:[ { unit:millimeters, value:21 } ] }',
     ("band", "material stainless steel; width 21 millimeters")),
    ('size:  { value:"13|" x 13|" x 13|"" }', ("size", '13" x 13" x 13"')),
    ("capacity:  { unit:liters, value:770. }", ("capacity", "770 liters")),
])
def test_parse_attribute(text, expected):
    assert parse_attribute(text) == expected


def test_reference_answer_match():
    assert matches_reference("black", "No. The item's color value is black.")
    assert not matches_reference("no", "No, it does not.")
    assert not matches_reference("240 pages, latch closure.", "It comes with a charger.")


# -- the evaluation -----------------------------------------------------------------------------

def _epqa(record_id, question, evidence, answer=None):
    return {"id": record_id, "question": question, "answer": answer, "title": "Tea Kettle",
            "asin": "B0TEST", "label_scheme": "2=fully answers, 1=helpful not full, 0=irrelevant",
            "evidence": [{"source": s, "text": t, "label": label} for s, t, label in evidence]}


RECORDS = [
    # answered from an attribute labelled 2: correct
    _epqa("t:1", "How much does it weigh?", [
        ("attribute", "item_weight:  { unit:pounds, normalized_value:{ unit:pounds, value:2.2 }, "
                      "value:2.2 }", 2),
        ("bullet", "Boils water fast", 0),
        ("cqa", "it weighs about two pounds Question: how heavy?", 2)]),
    # answered from a bullet labelled 1 (helpful, not full): not correct under ePQA's scheme
    _epqa("t:2", "Is it cordless?", [
        ("bullet", "Cordless kettle lifts off its base", 1),
        ("attribute", "color:  { value:\"silver\" }", 0)]),
    # only a review says it: not answerable from the product data, and not answered
    _epqa("t:3", "Is it loud when it boils?", [
        ("review", "it is very loud", 2),
        ("bullet", "Boils water fast", 0)]),
    # a shipping question: never answered
    _epqa("t:4", "When will it ship?", [("bullet", "Ships in a gift box", 0)]),
    # hetPQA's 0/1 scheme, a description sentence labelled 1
    {"id": "h:5", "question": "Is there a warranty?", "answer": None,
     "label_scheme": "1=relevant (answers), 0=not",
     "evidence": [{"source": "Desc", "text": "Backed by a 1 year limited warranty.", "label": 1},
                  {"source": "CQA", "text": "yes two years", "label": 1}]},
    # semiPQA: attribute lines in product_text, the relevant ones listed
    {"id": "s:6", "question": "What color is it?", "answer": None,
     "product_text": 'color:  { value:"navy blue" }\nbrand:  { value:"acme" }',
     "relevant_attributes": ['color:  { value:"navy blue" }']},
]


def test_evaluate_counts_precision_and_coverage():
    result = evaluate(RECORDS)
    predictions = {p["id"]: p for p in result.predictions}
    assert [p["id"] for p in result.predictions] == [r["id"] for r in RECORDS]
    assert all(set(p) == {"id", "predicted", "evidence", "abstained"} for p in result.predictions)

    assert predictions["t:1"]["evidence"] == "item weight: 2.2 pounds"
    assert predictions["t:1"]["predicted"] == "item weight: 2.2 pounds (1.0 kg)"
    assert predictions["t:2"]["evidence"] == "Cordless kettle lifts off its base"
    assert predictions["t:3"]["abstained"] and predictions["t:3"]["predicted"] is None
    assert predictions["t:4"]["abstained"] and predictions["t:4"]["evidence"] is None
    assert predictions["h:5"]["evidence"] == "Backed by a 1 year limited warranty."
    assert predictions["s:6"]["evidence"] == "color: navy blue"

    # answerable: t:1, h:5, s:6 (t:2 has only a label-1 item, t:3 only a review, t:4 nothing)
    # answered: t:1, t:2, h:5, s:6; correct: t:1, h:5, s:6
    headline = result.headline
    assert (headline["records"], headline["answerable"], headline["answered"],
            headline["correct"]) == (6, 3, 4, 3)
    assert headline["precision"] == pytest.approx(0.75)
    assert headline["coverage"] == pytest.approx(1.0)
    assert headline["recall"] == pytest.approx(1.0)
    assert headline["coverage_all"] == pytest.approx(4 / 6, abs=1e-4)
    halves = headline["tune_half"]["records"], headline["report_half"]["records"]
    assert sum(halves) == 6
    assert any(line.startswith("TOTAL all") for line in result.lines)


def test_coverage_is_answered_over_answerable_and_recall_correct_over_answerable():
    tally = Tally()
    # (answerable, answered, correct)
    for row in [(True, True, True), (True, True, False), (True, False, False),
                (True, False, False), (False, True, False), (False, False, False)]:
        tally.add(*row)
    figures = tally.figures()
    assert figures["precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert figures["coverage"] == pytest.approx(2 / 4)      # answered among the answerable
    assert figures["recall"] == pytest.approx(1 / 4)        # correct among the answerable
    assert figures["coverage_all"] == pytest.approx(3 / 6)  # answered among all
    assert (figures["answered"], figures["correct"], figures["answerable"],
            figures["records"]) == (3, 1, 4, 6)


def test_headline_has_each_set_when_a_file_mixes_sets():
    headline = evaluate(RECORDS).headline
    assert set(headline["sets"]) == {"t", "h", "s"}
    assert headline["sets"]["t"]["all"]["records"] == 4
    assert sum(s["all"]["records"] for s in headline["sets"].values()) == headline["records"]


def test_reference_answer_counts_as_correct():
    record = _epqa("t:7", "What color is it?", [("attribute", 'color:  { value:"silver" }', 0)],
                   answer="The kettle's color is silver.")
    assert evaluate([record]).headline["correct"] == 1


def test_halves_are_stable_and_split():
    assert half("epqa:dev:31") == half("epqa:dev:31")
    parts = {half(f"x:{i}") for i in range(20)}
    assert parts == {"tune", "report"}


@pytest.mark.skipif(not all(p.exists() for p in DEFAULT_FILES),
                    reason="the product-QA dev files are not at ../shared/eval")
def test_the_shipped_weights_are_what_the_fit_makes_of_the_dev_files():
    """`python -m bench.product_answers --fit` rebuilds WEIGHTS and DECISION_WEIGHTS."""
    records = [r for path in DEFAULT_FILES for r in read_jsonl(path)]
    weights, decision_weights, _ = fit_models(records)
    assert (weights, decision_weights) == (pa.WEIGHTS, pa.DECISION_WEIGHTS)
