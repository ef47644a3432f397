"""Product questions settled by what a fact states or what the product is made for, whatever
the answer (bot/product_settle.py, bot/product_ranges.py, bot/product_stated.py). Pure
functions, no service."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.demo_data import build_demo_dataset
from bot.product_answers import (
    Unsettled,
    answer_product_question,
    not_from_product_data,
    rank,
    sentences,
    settle_product_question,
)
from bot.product_facts import make_fact, term
from bot.product_question import parse_question
from bot.product_settle import does_not_settle
from bot.product_stated import stated_answer
from tests.test_product_answers import _item

# -- yes/no questions settled by a fact of the same kind ---------------------------------------

MOUSE = _item("B0MOUSE001", "Gaming Mouse with LED Light",
              bullets=("Ergonomic shape for right and left handed users",),
              attributes=(("platform", "windows xp, windows vista, windows 7"),
                          ("color", "black"), ("item weight", "0.3 pounds"),
                          ("street date", "2019-04-08"), ("brand", "e-blue")))
PLUSH = _item("B0PLUSH001", "Cuddly Plush Bear",
              bullets=("This cuddly pal is recommended for children ages 6-36 months",
                       "Surface washable"))


def test_another_version_of_the_asked_model_settles_it():
    # the list of supported systems answers "windows 8?" (it is not among them)
    answer = answer_product_question("Will it work with windows 8?", (MOUSE,))
    assert answer is not None and answer.attribute == "platform"
    # a fact naming nothing of that kind does not
    assert answer_product_question("Will it work with the sgh-1337?", (MOUSE,)) is None


def test_code_families_are_the_words_around_the_model():
    q = parse_question("Is this the 2014 model?")
    assert dict(q.code_families) == {"2014": frozenset({term("model")})}
    assert dict(parse_question("Will this ram work with ddr4?").code_families)["ddr4"] == \
        frozenset({"ddr"})


def test_age_question_is_settled_by_the_age_range():
    answer = answer_product_question("Is this too young for my 2.5 year old?", (PLUSH,))
    assert answer is not None and "6-36 months" in answer.evidence
    # something else asked besides the age: left to the seller
    assert answer_product_question("Is it good for a 2 year old and is it washable in a "
                                   "machine with bleach?", (PLUSH,)) is None


def test_attribute_of_another_kind_does_not_answer():
    assert answer_product_question("What is the expiration date?", (MOUSE,)) is None


def test_made_by_asks_for_the_maker():
    q = parse_question("Is this made by e-blue?")
    assert "brand" in q.concepts and "material" not in q.concepts


def test_how_to_questions_are_not_answered_by_a_catalogue_value():
    assert parse_question("How do you change songs with the headphone buttons?").procedure
    assert not parse_question("How do they fit?").procedure
    # "how do you connect it?" is answered by how it connects
    assert not parse_question("How do you connect it?").procedure
    headset = _item("B0HEADSET1", "Wireless Headset", attributes=(("headphones jack", "usb"),
                                                                  ("color", "black")))
    assert answer_product_question("How do you change songs using the headphone buttons?",
                                   (headset,)) is None


def test_choice_settled_by_the_attribute_named_for_it():
    shirt = _item("B0SHIRT001", "Kids T-Shirt", attributes=(("target gender", "unisex"),
                                                            ("material", "cotton")))
    answer = answer_product_question("Is it for boys or girls?", (shirt,))
    assert answer is not None and answer.attribute == "target gender"


def test_how_long_is_the_warranty_asks_for_a_time():
    assert "dimensions" not in parse_question("Warranty how long?").concepts


def test_number_words_count_in_age_and_players_questions():
    q = parse_question("Is this kit suitable for nine year olds?")
    assert "9" in q.numbers
    kit = _item("B0KIT00001", "Science Kit", bullets=("Recommended for ages 8 years and up",
                                                       "Includes 20 experiments"))
    answer = answer_product_question("Is this kit suitable for nine year olds?", (kit,))
    assert answer is not None and "ages 8" in answer.evidence
    # "one" still names nothing countable in "this one"
    assert "1" not in parse_question("Is this one waterproof?").numbers


def test_players_question_is_settled_by_the_players_it_is_for():
    game = _item("B0GAME0001", "Treasure Hunt Board Game",
                 bullets=("This 2 to 4 player game is a fun treasure hunt for families",
                          "Includes a board, 4 pawns and 40 cards"))
    answer = answer_product_question("Can you play with six people?", (game,))
    assert answer is not None and "2 to 4 player" in answer.evidence
    counted = _item("B0GAME0002", "Card Game", attributes=(("number of players", "2-6"),
                                                           ("color", "red")))
    answer = answer_product_question("How many players can play?", (counted,))
    assert answer is not None and answer.attribute == "number of players"
    # something else asked besides the number: left to the seller
    assert answer_product_question("Can six people play it on a plane?", (game,)) is None


def test_indoor_outdoor_question_is_settled_by_where_it_is_for():
    heli = _item("B0HELI0001", "Mini RC Helicopter",
                 bullets=("For use indoors only due to infrared control.",
                          "Charges in 30 minutes by USB"))
    answer = answer_product_question("Can you fly it outdoors?", (heli,))
    assert answer is not None and "indoors only" in answer.evidence
    assert answer_product_question("Can you fly it outdoors at night?", (heli,)) is None


def test_question_wrappers_and_misspellings():
    q = parse_question("Hi. Does anyone know if this works with batteries?")
    assert q.yes_no and "anyon" not in q.content_set
    assert not parse_question("Can you tell me the dimensions of the box?").yes_no
    assert parse_question("Dose it require glue?").yes_no
    assert "material" in parse_question("What are the balls made out of?").concepts
    assert "out" not in parse_question("What are the balls made out of?").focus
    assert term("heigth") == term("height") and term("flight") == term("fly")
    # "card stock" is paper, not the seller's stock; "do you know what ..." asks what
    assert not not_from_product_data("Can these be used on card stock?")
    assert not not_from_product_data("Do you know what the weight capacity is?")
    assert not_from_product_data("Do you have it in stock?")


def test_measure_does_not_settle_a_question_about_something_else():
    boxed = _item("B0BOX00001", "Vitamin Gummies", attributes=(
        ("item package dimensions", "10 x 9 x 8 inches"), ("total eaches", "6")))
    assert answer_product_question("Is this just a single package?", (boxed,)) is None or \
        answer_product_question("Is this just a single package?", (boxed,)).attribute \
        != "item package dimensions"


def test_what_comes_with_it_is_settled_by_the_list_of_contents():
    kit = _item("B0KIT00002", "Microscope Kit", bullets=(
        "The accessory kit includes 5 plain slides, cover glass and forceps",
        "Includes a guide to experiments, with tips for preparing specimens"))
    answer = answer_product_question("Did you get slides to view with the microscope?", (kit,))
    assert answer is not None and "5 plain slides" in answer.evidence
    chest = _item("B0CHEST001", "Toy Chest", bullets=("Lockable latch; lock not included",))
    answer = answer_product_question("Is the lock included?", (chest,))
    assert answer is not None and "lock not included" in answer.evidence
    # named, but not as something it includes ("tips for preparing specimens"); or not all
    for question in ("Does it come with specimens?", "Does it come with slides and a lamp?"):
        q, ranked = rank(question, (kit,))
        assert stated_answer(q, ranked) is None


def test_how_many_is_settled_by_a_count_of_what_is_asked():
    rockets = _item("B0ROCKET01", "Stomp Rocket Launcher", bullets=(
        "Includes a stomp launcher and 4 jr. glow stomp rockets.",))
    answer = answer_product_question("How many rockets are included?", (rockets,))
    assert answer is not None and "4 jr. glow stomp rockets" in answer.evidence
    toys = _item("B0DIVE0001", "Dive Toys", bullets=("A 4-pack of torpedo-shaped dive toys",))
    assert answer_product_question("How many come in the package?", (toys,)) is not None
    assert term("pc") == term("piece")
    assert answer_product_question("How many darts are included?", (rockets,)) is None


def test_yes_no_attribute_answers_what_it_is_about():
    car = _item("B0PUSHCAR1", "Push Car", attributes=(("batteries required", "no"),
                                                      ("color", "red")))
    answer = answer_product_question("Does it work only with batteries?", (car,))
    assert answer is not None and answer.attribute == "batteries required"
    # whether batteries come with it is not whether it needs them
    assert answer_product_question("Does it come with batteries?", (car,)) is None


def test_voltage_question_is_settled_by_the_range_it_takes():
    charger = _item("B0CHARGE01", "65 W USB-C Charger",
                    bullets=("A travel charger with over-voltage protection",),
                    attributes=(("input voltage", "100-240 V"), ("color", "white")))
    for asked in ("Does the charger work with 220v?", "el cargador sirve para 220v?",
                  "can i use it in europe on 230 volts?", "is it 110v?"):
        answer = answer_product_question(asked, (charger,))
        assert answer is not None and answer.attribute == "input voltage", asked
    # something else asked beside the voltage is not settled by the range
    assert answer_product_question("will it charge my laptop on 220v?", (charger,)) is None


def test_a_figure_given_for_each_setting_is_said_whole():
    lantern = _item("B0LANTERN1", "Rechargeable LED Camping Lantern",
                    bullets=("Built-in 4400 mAh battery: 10 hours on low, 4 hours on high",),
                    attributes=(("battery life", "10 hours"),))
    for asked in ("how long does the battery last?", "cuantas horas dura la bateria?"):
        answer = answer_product_question(asked, (lantern,))
        assert answer is not None and "4 hours on high" in answer.evidence, asked


def test_quantities_and_age_ranges_in_words():
    q = parse_question('Is it suitable for a 7 1/2 year old, 38" tall?')
    assert "7.5" in q.numbers and not q.codes
    assert not parse_question("Is it the right size for a 10 to 12 year old?").codes
    trike = _item("B0TRIKE001", "Tricycle", bullets=("Perfect for kids aged two to four",))
    answer = answer_product_question("Is this big enough for a 6 year old?", (trike,))
    assert answer is not None and "aged two to four" in answer.evidence
    assert "assembly" in parse_question("Do you have to put this together?").concepts
    assert not not_from_product_data("About how long does this game take to play?")
    assert sentences("Has 4 jr. rockets. Fun.") == ["Has 4 jr. rockets.", "Fun."]


# -- what a fact measures ---------------------------------------------------------------------

def test_the_box_does_not_measure_the_item():
    wig = _item("B0WIG00001", attributes=(
        ("item package dimensions", "10.4 x 8.3 x 1.2 inches (L x W x H)"),
        ("color", "black"), ("material", "synthetic")))
    assert answer_product_question("What's the length of this wig?", (wig,)) is None
    answer = answer_product_question("What are the package dimensions?", (wig,))
    assert answer is not None and answer.attribute == "item package dimensions"


def test_the_models_it_fits_do_not_measure_the_item():
    case = _item("B0CASE0001", attributes=(
        ("compatible phone models", 'cute iphone xs max case (6.5") 2018 release'),
        ("color", "pink"), ("brand", "acme")))
    assert answer_product_question("What is the case measured in?", (case,)) is None


def test_the_whole_items_dimensions_do_not_measure_a_part_the_title_does_not_name():
    cart = _item("B0CART0001", "Kids Push Cart", attributes=(
        ("item dimensions", "13 x 17.2 x 35 inches (L x W x H)"), ("color", "red")))
    assert answer_product_question("How tall are the wheels?", (cart,)) is None
    answer = answer_product_question("How tall is the cart?", (cart,))
    assert answer is not None and answer.attribute == "item dimensions"
    # without a title the thing asked about may be the item itself
    figure = _item("B0FIGURE01", attributes=cart.attributes)
    answer = answer_product_question("How tall is the figure?", (figure,))
    assert answer is not None and answer.attribute == "item dimensions"


def test_where_it_is_for_settles_where_its_named_subject_can_be_used():
    heli = _item("B0HELI0001", bullets=("For use indoors only due to infrared control.",
                                        "Gyro for stable flight"))
    answer = answer_product_question("Can the helicopter be used outside?", (heli,))
    assert answer is not None and "indoors only" in answer.evidence
    # something else asked of it is not settled
    assert answer_product_question("Can the helicopter batteries be charged outside?",
                                   (heli,)) is None


# -- what the question asks that the fact leaves unsaid ----------------------------------------

def test_a_numbered_designation_is_not_a_count():
    drill = _item("B0DRIL0001", "Hand Drill Kit",
                  bullets=("Includes a hand drill, 3 bits and a spool of wire",))
    assert parse_question("Does it include a #3 bit?").marked == frozenset({"3"})
    assert answer_product_question("Does it include a #3 bit?", (drill,)) is None
    marked = _item("B0DRIL0002", "Hand Drill Kit",
                   bullets=("Includes a hand drill, a #3 bit and a #5 bit",))
    answer = answer_product_question("Does it include a #3 bit?", (marked,))
    assert answer is not None and "#3 bit" in answer.evidence


def test_the_customers_own_thing_must_be_named():
    mat = _item("B0MAT00001", "Car Floor Mat", bullets=("Fits honda civic sedans and coupes",
                                                        "Made of odorless rubber"))
    assert parse_question("Will it fit my 2012 Honda Civic?").own == ("2012", "honda", "civic")
    assert answer_product_question("Will it fit my Honda Civic hatchback?", (mat,)) is None
    answer = answer_product_question("Will it fit my Honda Civic sedan?", (mat,))
    assert answer is not None and "civic sedans" in answer.evidence
    # the place it should fit is the customer's as well
    assert parse_question("Will it fit in my cup holder?").own == ("cup", "holder")
    gauge = _item("B0GAUG0001", "Tire Pressure Gauge",
                  bullets=("Compact size fits in any glove box", "Reads 5 to 99 psi"))
    answer = answer_product_question("Will it fit in the glove box?", (gauge,))
    assert answer is not None and "glove box" in answer.evidence
    assert answer_product_question("Will it fit in the tool box?", (gauge,)) is None


def test_how_high_it_goes_does_not_say_how_low():
    meter = _item("B0METR0001", "Digital Multimeter",
                  bullets=("Measures dc voltage to 600 v", "Backlit display"))
    assert parse_question("Will it read as low as 2 volts?").lower_end
    assert answer_product_question("Does it measure dc voltage as low as 2 v?", (meter,)) is None
    ranged = _item("B0METR0002", "Digital Multimeter",
                   bullets=("Measures dc voltage from 0.1 v to 600 v", "Backlit display"))
    answer = answer_product_question("Does it measure dc voltage as low as 2 v?", (ranged,))
    assert answer is not None and "0.1 v" in answer.evidence


def test_one_dimension_asked_is_not_given_by_another():
    shelf = _item("B0SHLF0001", "Cube Storage Shelf",
                  bullets=('Each cubby is 11" h', "Sturdy particle board"))
    assert answer_product_question("What is the width of the cubbies?", (shelf,)) is None
    both = _item("B0SHLF0002", "Cube Storage Shelf",
                 bullets=('Each cubby is 11" w x 11" h', "Sturdy particle board"))
    answer = answer_product_question("What is the width of the cubbies?", (both,))
    assert answer is not None and '11" w' in answer.evidence


def test_the_items_dimensions_do_not_measure_a_distance_to_something_else():
    scarf = _item("B0SCRF0001", attributes=(("item dimensions", "60 x 10 x 0.2 inches"),
                                            ("material", "acrylic")))
    assert answer_product_question("How many inches does it hang below the waist?",
                                   (scarf,)) is None
    answer = answer_product_question("How many inches long is it?", (scarf,))
    assert answer is not None and answer.attribute == "item dimensions"


def test_an_attribute_met_by_its_name_does_not_say_what_can_be_done():
    desk = _item("B0DESK0001", attributes=(("leg style", "tapered"), ("color", "walnut")))
    assert answer_product_question("Is it possible to fold the legs?", (desk,)) is None
    folding = _item("B0DESK0002", attributes=(("leg style", "folding"), ("color", "walnut")))
    answer = answer_product_question("Is it possible to fold the legs?", (folding,))
    assert answer is not None and answer.attribute == "leg style"


def test_a_material_or_colour_is_settled_only_by_a_fact_of_its_kind():
    frame = _item("B0FRAM0001", attributes=(("frame style", "modern"), ("size", "8 x 10")))
    assert answer_product_question("Is the frame oak?", (frame,)) is None
    oak = _item("B0FRAM0002", attributes=(("frame material", "oak"), ("size", "8 x 10")))
    answer = answer_product_question("Is the frame oak?", (oak,))
    assert answer is not None and answer.attribute == "frame material"


def test_how_to_do_it_is_told_only_by_a_sentence_naming_the_doing():
    fan = _item("B0FAN00001", "Tower Fan", bullets=("Washable dust filter at the back",
                                                    "Three speeds"))
    assert answer_product_question("How do I clean the filter?", (fan,)) is None
    told = _item("B0FAN00002", "Tower Fan", bullets=(
        "Clean the filter by rinsing it under running water", "Three speeds"))
    answer = answer_product_question("How do I clean the filter?", (told,))
    assert answer is not None and "rinsing" in answer.evidence


def test_what_kind_is_not_answered_by_the_kind_itself():
    table = _item("B0TABL0001", attributes=(("material", "wood"), ("color", "brown")))
    assert answer_product_question("What kind of wood is it?", (table,)) is None
    oak = _item("B0TABL0002", attributes=(("material", "solid oak wood"), ("color", "brown")))
    answer = answer_product_question("What kind of wood is it?", (oak,))
    assert answer is not None and answer.attribute == "material"


def test_whether_it_works_with_a_model_is_settled_by_the_list_of_models():
    rack = _item("B0RACK0001", "Dish Rack for Dishwasher",
                 bullets=("Works with models: ab120xt0, ab140xt0", "Coated wire resists rust"))
    answer = answer_product_question("Will it work with ab990zz0?", (rack,))
    assert answer is not None and "ab120xt0" in answer.evidence
    # something else asked besides the model: not by the list alone
    q, ranked = rank("I have a verizon ab990zz0, will it work on my phone?", (rack,))
    assert stated_answer(q, ranked) is None
    # a sentence naming a model without listing what it works with
    plain = _item("B0RACK0002", "Dish Rack for Dishwasher",
                  bullets=("Model ab120xt0 has a stainless basket", "Coated wire resists rust"))
    q, ranked = rank("Will it work with ab990zz0?", (plain,))
    assert stated_answer(q, ranked) is None
    # "does it include windows 8?" asks what comes with it, not what it works with
    laptop = _item("B0LAPT0001", "Laptop", attributes=(("operating system", "windows 10 home"),
                                                        ("ram", "8 gb")))
    q, ranked = rank("Does it include windows 8?", (laptop,))
    assert stated_answer(q, ranked) is None


def test_one_dimension_asked_is_given_by_the_sentence_naming_it():
    shelf = _item("B0SHLF0003", "Wall Display Shelves", bullets=(
        'Space between the rows is 2" h', 'Dimensions: 26" h x 16" w x 3.5" d'))
    answer = answer_product_question("What is the depth of the shelves?", (shelf,))
    assert answer is not None and '3.5" d' in answer.evidence
    # a part neither the sentence nor the title names: not by the whole item's depth
    cabinet = _item("B0CABN0001", "Wall Display Cabinet", bullets=(
        'Space between the rows is 2" h', 'Dimensions: 26" h x 16" w x 3.5" d'))
    q, ranked = rank("What is the depth of the drawer?", (cabinet,))
    assert stated_answer(q, ranked) is None
    # the size in general is not one dimension, nor is a time
    q, ranked = rank("How big are the shelves?", (shelf,))
    assert stated_answer(q, ranked) is None
    lamp = _item("B0LAMP0001", "Camping Lantern", bullets=(
        'Measures 10" l x 4" w', "Rechargeable battery lasts 8 hours"))
    q, ranked = rank("How long does the battery last?", (lamp,))
    assert stated_answer(q, ranked) is None


def test_backward_compatibility_is_settled_only_by_a_fact_saying_so():
    game = _item("B0GAME0001", "Racing Game", attributes=(("platform", "xbox 360"),
                                                          ("esrb rating", "everyone")))
    assert parse_question("Is it backwards-compatible with the xbox one?").backward
    assert answer_product_question("Is it backward compatible with the xbox one?",
                                   (game,)) is None
    told = _item("B0GAME0002", "Racing Game", bullets=(
        "Backward compatible with the xbox one", "Twelve tracks"),
        attributes=(("platform", "xbox 360"),))
    answer = answer_product_question("Is it backward compatible with the xbox one?", (told,))
    assert answer is not None and "backward compatible" in answer.evidence.lower()


def test_what_to_use_with_it_is_not_settled_by_what_it_is():
    film = _item("B0FILM0001", attributes=(("color", "clear"), ("material", "polyester"),
                                           ("paint finish", "glossy")))
    assert parse_question("What kind of paint can I use with this?").other_product
    assert answer_product_question("What kind of paint can I use with this?", (film,)) is None
    q, ranked = rank("What kind of paint can I use with this?", (film,))
    assert all(does_not_settle(q, fact) for _, _, fact, _ in ranked
               if fact.source == "attribute")
    # an attribute naming what it works with may say it
    listed = _item("B0FILM0002", attributes=(("compatible material", "acrylic paint, alcohol ink"),
                                             ("color", "clear")))
    q, ranked = rank("What kind of paint can I use with this?", (listed,))
    assert not does_not_settle(q, ranked[0][2])


def test_one_entry_does_not_say_it_works_with_nothing_else():
    suite = _item("B0SOFT0001", "Office Suite", attributes=(("operating system", "windows 7"),
                                                            ("format", "dvd")))
    assert parse_question("Does it only support windows 7?").only
    assert answer_product_question("Does it only support windows 7?", (suite,)) is None
    q = parse_question("Does it only support windows 7?")
    # a list of several says it does not; "only" in the fact says it does
    several = rank("Does it only support windows 7?", (_item(
        "B0SOFT0002", "Office Suite", attributes=(("operating system", "windows 7, windows 10"),
                                                  ("format", "dvd"))),))[1][0][2]
    assert not does_not_settle(q, several)
    told = rank("Does it only support windows 7?", (_item(
        "B0SOFT0003", "Office Suite", bullets=("Runs on windows 7 only",),
        attributes=(("format", "dvd"),)),))[1][0][2]
    assert not does_not_settle(q, told)
    # a yes/no attribute answers "only with batteries?" outright
    clock = _item("B0CLCK0001", "Wall Clock", attributes=(("batteries required", "no"),))
    answer = answer_product_question("Does it work only with batteries?", (clock,))
    assert answer is not None and answer.attribute == "batteries required"


# -- facts that name the item but not what is asked (27 Nov: the demo catalogue's questions) --

def _demo_item(name: str):
    """A product of the demo catalogue, as the engine reads it from the orders."""
    product = next(p for p in build_demo_dataset(datetime(2026, 11, 27, tzinfo=UTC))["products"]
                   if name in p["title"])
    return _item(product["asin"], product["title"], product["bullets"], product["description"],
                 tuple(product["attributes"].items()))


def test_a_sentence_naming_only_the_item_does_not_answer():
    # each had been answered with the description's first sentence, which names the item
    cases = [("Desk Lamp", "Does the desk lamp have a spot to charge my phone?"),
             ("Desk Lamp", "la lampara de escritorio tiene donde cargar el celular?"),
             ("A19", "Do the bulbs work with a dimmer?"),
             ("A19", "Can the bulbs be controlled from my phone?"),
             ("Night Light", "Do the night lights come on by themselves?"),
             ("Night Light", "las luces de noche se prenden solas?")]
    for name, question in cases:
        settled = settle_product_question(question, (_demo_item(name),))
        assert isinstance(settled, Unsettled), (question, settled)
        assert settled.reason == "only_the_item_named", question
    assert parse_question("Does the desk lamp have a spot to charge my phone?").subject == \
        frozenset({term("desk"), term("lamp")})
    # a sentence with what is asked still answers; and one that denies it ("no expiration
    # date") rather than the description's first sentence
    answer = answer_product_question("How many hours do the bulbs last?", (_demo_item("A19"),))
    assert answer is not None and answer.evidence == "Rated 15,000 hours"
    # "dan" (give) says nothing of its own: it had ranked the description's first sentence
    answer = answer_product_question("cuantos lumenes dan los focos", (_demo_item("A19"),))
    assert answer is not None and answer.evidence == "brightness: 800 lm"
    for question in ("Does the gift card expire?", "la tarjeta de regalo se vence?"):
        answer = answer_product_question(question, (_demo_item("Gift Card"),))
        assert answer is not None and answer.evidence == "No expiration date and no fees"


def test_the_items_own_weight_is_no_weight_it_bears():
    charger = _demo_item("GaN Charger")
    for question in ("How much weight can it support?", "Does it support Samsung super fast "
                     "charging?"):
        settled = settle_product_question(question, (charger,))
        assert isinstance(settled, Unsettled) and settled.reason == "own_weight_for_load"
    assert answer_product_question("How heavy is it?", (charger,)).attribute == "weight"


def test_a_quality_the_value_does_not_name_is_not_settled():
    lamp, swaddles = _demo_item("Arc Floor Lamp"), _demo_item("Muslin Swaddle")
    for item, question in ((lamp, "Is the height adjustable?"),
                           (lamp, "¿se le puede ajustar la altura?"),
                           (swaddles, "Are they organic cotton?"),
                           (swaddles, "Do they bleed color in the first wash?")):
        settled = settle_product_question(question, (item,))
        assert isinstance(settled, Unsettled) and settled.reason == "quality_unsaid", question
    assert answer_product_question("How tall is it?", (lamp,)).attribute == "height"


def test_a_question_about_a_setting_is_settled_by_the_figure_for_that_setting():
    lantern = _demo_item("Camping Lantern")
    # the figure said again under the setting asked: quoted there, not "battery life: 10 hours"
    for question in ("How long does the battery last on high?", "how many hours on low?",
                     "how long does the battery last on max?", "¿cuánto dura la batería en alto?",
                     "cuanto dura la bateria al maximo?", "cuanto dura en bajo?"):
        answer = answer_product_question(question, (lantern,))
        assert answer is not None, question
        assert answer.evidence == "Built-in 4400 mAh battery: 10 hours on low, 4 hours on high"
    answer = answer_product_question("how bright is it on high?", (lantern,))
    assert answer is not None and answer.evidence.startswith("1000 lumens on high")
    # nothing gives the brightness on low: "brightness: 1000 lm" is the figure on high
    settled = settle_product_question("how bright is it on low?", (lantern,))
    assert isinstance(settled, Unsettled) and settled.reason == "setting_unsaid"
    # without a setting, the figure of each setting (the attribute gives the best case
    # only); "how high" is still a height
    answer = answer_product_question("how long does the battery last?", (lantern,))
    assert answer is not None and "4 hours on high" in answer.evidence
    assert "dimensions" in parse_question("how high is it?").concepts
    assert "dimensions" not in parse_question("how bright is it on high?").concepts
    assert not parse_question("can I keep it on a high shelf?").setting


def test_spanish_how_long_questions_ask_for_a_time_not_yes_or_no():
    bottle = _demo_item("Water Bottle")
    answer = answer_product_question("cuanto tiempo mantiene el agua fria el termo?", (bottle,))
    assert answer is not None and answer.evidence.startswith("Double-wall vacuum insulation")
    for question in ("¿cuánto dura la batería?", "cuanto tiempo aguanta la bateria",
                     "¿cuánto tiempo tarda en cargar?"):
        parsed = parse_question(question)
        assert "duration" in parsed.concepts and not parsed.yes_no, question
    assert parse_question("¿la batería dura más en bajo?").yes_no


def test_a_sentence_denying_what_the_question_adds_is_quoted():
    bulbs = _demo_item("A19")
    for question in ("can I use the bulbs in an enclosed ceiling fixture?",
                     "can I use them in an enclosed fixture?",
                     "los focos sirven para una lampara cerrada?"):
        answer = answer_product_question(question, (bulbs,))
        assert answer is not None and answer.evidence == \
            "not for use in fully enclosed fixtures.", question
    answer = answer_product_question("are they ok for a ceiling fixture?", (bulbs,))
    assert answer is not None and answer.evidence.startswith("Everyday A19 bulbs")
    # a denial about something else the question says in passing is not quoted
    answer = answer_product_question(
        "Does the electric kettle turn off by itself when the water boils?",
        (_demo_item("Electric Kettle"),))
    assert answer is not None and "turns off" in answer.evidence


def test_one_piece_of_a_set_is_measured_only_by_a_fact_saying_each():
    spatulas = _demo_item("Spatula Set")
    for question in ("how much does each spatula weigh?", "cuanto pesa cada espatula?"):
        settled = settle_product_question(question, (spatulas,))
        assert isinstance(settled, Unsettled) and settled.reason == "each_unsaid", question
    answer = answer_product_question("how much does the set weigh?", (spatulas,))
    assert answer is not None and answer.evidence == "weight: 0.6 lb"
    # a fact saying "each" or "per" answers, the sentence rather than the attribute
    swaddles = _demo_item("Muslin Swaddle")
    for question in ("how big is each blanket?", "de que tamaño es cada una?"):
        answer = answer_product_question(question, (swaddles,))
        assert answer is not None, question
        assert answer.evidence == "Three 100% cotton muslin blankets, 47 x 47 inches each"
    answer = answer_product_question("cuanto mide cada cortina?", (_demo_item("Curtains"),))
    assert answer is not None and answer.evidence.endswith("per panel")


def test_how_long_it_stays_cold_or_lit_is_the_products_own():
    bottle = _demo_item("Water Bottle")
    answer = answer_product_question("how long does it stay cold?", (bottle,))
    assert answer is not None and answer.evidence.startswith("Double-wall vacuum insulation")
    assert not_from_product_data("how long does it take to arrive?")
    assert not not_from_product_data("how long do they stay lit at night?")


def test_how_many_of_the_item_is_its_count():
    bulbs, curtains = _demo_item("A19"), _demo_item("Curtains")
    # "bulbs" evokes light: the brightness had answered how many bulbs come in the pack
    for question in ("how many bulbs come in the package?", "cuantos focos vienen en el paquete?",
                     "how many bulbs?"):
        answer = answer_product_question(question, (bulbs,))
        assert answer is not None and answer.evidence == "count: 4", question
    answer = answer_product_question("how many lumens?", (bulbs,))
    assert answer is not None and answer.evidence == "brightness: 800 lm"
    # the attribute named for what is counted
    answer = answer_product_question("how many panels?", (curtains,))
    assert answer is not None and answer.evidence == "panels: 2"


def test_misfires_of_the_new_rules_found_by_a_second_look():
    """What a round of questions aimed at the rules above found them doing wrong (27 Nov)."""
    def settled(name, question):
        return settle_product_question(question, (_demo_item(name),))

    # a rated figure is the most it gives: "at max" needs no sentence naming it
    assert settled("GaN Charger", "how much power at max?").evidence == "output power: 65 W"
    # "each" of a single item, or a figure that is each one's (a bulb's wattage)
    assert settled("Kettle", "how much does each kettle weigh?").evidence.startswith("weight")
    assert settled("A19", "how many watts does each bulb use?").evidence == "wattage: 9 W"
    # a count of modes is no measure of the concept they are of
    assert settled("Camping Lantern", "¿cuántos niveles de brillo tiene?") == \
        Unsettled("count_of_something_else")
    # how long it stays cold, by a fact about the cold
    assert settled("Cheese", "how long does it stay cold?") == Unsettled("state_unsaid")
    # an allergen statement answers what it names, not what comes in the box
    assert settled("Cheese", "Which cheeses come in the box?") == Unsettled("allergen_statement")
    assert settled("Cheese", "¿la bolsa viene cerrada?") == Unsettled("allergen_statement")
    assert settled("Cheese", "does it have milk?").evidence == "Contains milk."
    # "cerrada" is an enclosed fixture only as a lamp: a box "viene cerrada" is sealed
    assert isinstance(settled("A19", "¿la caja viene cerrada?"), Unsettled)
    # "¿cuánto tarda en hervir?" asks for a time, no dimension
    assert settled("Kettle", "¿cuánto tarda en hervir?").evidence.startswith("Boils 1.5 liters")


def test_how_to_do_something_is_not_told_by_a_spec():
    # "bluetooth: 5.3" had answered how to reset a speaker that would not connect
    settled = settle_product_question("How do I reset it? It won't connect to my phone",
                                      (_demo_item("Speaker"),))
    assert settled == Unsettled("way_unsaid")
    # an attribute named for what the verb asks about does say it
    network = _item("B0NETW0001", "Network card",
                    attributes=(("connectivity technology", "ethernet"),))
    answer = answer_product_question("how do you connect with this?", (network,))
    assert answer is not None and answer.evidence == "connectivity technology: ethernet"


def test_wrong_answers_found_by_use_on_the_demo_catalogue():
    """A helper's 207 questions about the demo catalogue (27 Nov, second session) found
    sentences quoted that did not answer; each now goes to the seller, and the fact that
    does answer still does."""
    def settled(name, question):
        return settle_product_question(question, (_demo_item(name),))

    # the item named after "can i put/use the ...", and a sentence sharing only its name
    assert settled("Water Bottle", "can I put the water bottle in the dishwasher?") == \
        Unsettled("only_the_item_named")
    assert settled("Desk Lamp", "can I use the desk lamp adapter in Europe?") == \
        Unsettled("only_the_item_named")
    # an electrical figure asked about, and a sentence with none (a matter of safety)
    for question in ("can I use a 100 W bulb in the lamp?",
                     "¿le puedo poner un foco de 100 W a la lámpara?"):
        assert settled("Arc Floor Lamp", question) == Unsettled("figure_unsaid"), question
    # two devices at the same time, and a sentence about one port
    assert settled("GaN Charger", "if I plug my laptop and phone into the charger at the same "
                                  "time do they both get 65W?") == Unsettled("together_unsaid")
    # a comparison with a laptop charger does not say it charges a laptop
    assert settled("GaN Charger", "can the charger charge my laptop?") == \
        Unsettled("comparison_for_use")
    # a temperature, and a fact that gives none
    assert settled("Kettle", "what temp does the water boil at?") == \
        Unsettled("temperature_unmeasured")
    assert settled("Desk Lamp", "wat color temps does the lamp have").evidence == \
        "color temperature: 3000-6500 K"
    # floating is not being waterproof; a way of getting a result is no spec
    assert settled("Speaker", "does it float in water") == Unsettled("quality_unsaid")
    assert settled("Candle", "how do I get the candle to burn evenly?") == \
        Unsettled("procedure_from_attribute")
    assert settled("Speaker", "is it waterproof?").evidence == "water resistance: IPX7"


def test_two_things_at_the_same_time_only_of_two_things():
    # "2 liters at the same time" asks the kettle's capacity, which its details give: no
    # rule of two things at once holds (since the weights' refit of 27 Nov its confidence is
    # below the threshold, and the seller is asked)
    settled = settle_product_question("can the kettle boil 2 liters at the same time?",
                                      (_demo_item("Kettle"),))
    assert settled == Unsettled("low_confidence") or settled.evidence.startswith(
        "Boils 1.5 liters")
    assert does_not_settle(parse_question("can the kettle boil 2 liters at the same time?"),
                           make_fact("bullet", "Boils 1.5 liters (6 cups) of water in about "
                                     "5 minutes with a 1500 W element")) is False


def test_a_sentence_introducing_the_item_tells_neither_where_nor_how():
    # each had been answered with the description's first sentence
    for name, question in (("Candle", "Where is the candle made?"),
                           ("Arc Floor Lamp", "¿Cómo se prende la lámpara?"),
                           ("Muslin", "¿Cómo lavo las mantas de muselina?")):
        settled = settle_product_question(question, (_demo_item(name),))
        assert settled == Unsettled("only_the_item_named"), question
    # but a sentence naming a place tells where the item is from, and one saying what it is
    # for where to use it
    for name, question, evidence in (
            ("Cheese", "where is the cheese from?",
             "A cheese board in a box from small Wisconsin and Spanish creameries."),
            ("Desk Lamp", "where can I use the desk lamp?",
             "A slim desk lamp for study and office.")):
        answer = answer_product_question(question, (_demo_item(name),))
        assert answer is not None and answer.evidence == evidence, question
    # a sentence that names what is asked still answers
    answer = answer_product_question("como se prende, tiene apagador?",
                                     (_demo_item("Arc Floor Lamp"),))
    assert answer is not None and answer.evidence == "Foot switch on the cord"
    # what the item is asked to hold is no word of "Wide mouth fits ice cubes and most water
    # filters" (the bottle's details say "not for carbonated drinks" elsewhere)
    assert settle_product_question("Can I put soda in the water bottle?",
                                   (_demo_item("Water Bottle"),)) == Unsettled("only_the_item_named")
    # "consume" asks for power: the night light's wattage, not its first sentence
    answer = answer_product_question("¿Cuánto consume la luz de noche?",
                                     (_demo_item("Night Light"),))
    assert answer is not None and answer.evidence == "wattage: 0.5 W"


def test_the_unit_an_answer_is_wanted_in_is_answered_by_the_conversion():
    # each had gone to the seller: the unit's word matched no fact, or was counted
    for name, question, evidence, conversion in (
            ("String Lights", "how long are the string lights in meters?", "length: 33 ft",
             "10.1 m"),
            ("Skillet", "how many degrees can the skillet take in the oven in celsius?",
             "oven safe: 500 °F", "260.0 °C"),
            ("Skillet", "a cuantos grados aguanta el sarten en el horno", "oven safe: 500 °F",
             "260.0 °C"),
            ("Mug", "how many ml is the mug", "capacity: 12 oz", "354.9 ml")):
        answer = answer_product_question(question, (_demo_item(name),))
        assert answer is not None and (answer.evidence, answer.conversion) == (
            evidence, conversion), question


def test_an_amount_of_something_else_or_degrees_without_a_temperature_are_not_answered():
    # each had been answered with a figure of something else
    for name, question in (("Kettle", "how many ml of vinegar do I use to descale the kettle"),
                           ("Spatula Set", "how many ml of batter can the spoon spatula hold"),
                           ("Kettle", "how many degrees does the kettle heat the water to"),
                           ("A19", "¿de cuántos grados kelvin son los focos?")):
        assert isinstance(settle_product_question(question, (_demo_item(name),)), Unsettled), \
            question
    # what it holds, asked as so much water, is its capacity
    answer = answer_product_question("how many cups of water does it hold",
                                     (_demo_item("Kettle"),))
    assert answer is not None and "1.5 liters (6 cups)" in answer.evidence


def test_a_part_is_not_described_by_the_whole_items_weight_or_colour():
    # each had been answered with the whole item's weight or colour
    for name, question in (("Kettle", "what color is the kettle lid?"),
                           ("Kettle", "how much does the kettle base weigh?"),
                           ("Water Bottle", "how heavy is the lid?"),
                           ("Speaker", "what color is the strap?"),
                           ("Arc Floor Lamp", "¿De qué color es la pantalla de la lámpara?")):
        assert settle_product_question(question, (_demo_item(name),)) == \
            Unsettled("part_not_described"), question
    answer = answer_product_question("how much does the kettle weigh?", (_demo_item("Kettle"),))
    assert answer is not None and answer.evidence == "weight: 2.6 lb"


def test_how_long_it_lasts_is_not_how_long_it_charges():
    # each had been answered with the other figure, or the item's own charge for a phone's
    for name, question in (("Drill", "how long does a drill battery last on one charge?"),
                           ("Speaker", "how long does it take to charge my phone with the speaker?"),
                           ("String Lights", "how long does it take to fully charge the string lights?")):
        assert settle_product_question(question, (_demo_item(name),)) == \
            Unsettled("charge_or_run_time_mixed"), question
    for name, question, evidence in (("Speaker", "how long does the battery last",
                                      "battery life: 10 hours"),
                                     ("Speaker", "how long does it take to charge",
                                      "charging time: 2.5 hours")):
        answer = answer_product_question(question, (_demo_item(name),))
        assert answer is not None and answer.evidence == evidence, question


def test_a_sentence_introducing_the_item_answers_nothing_else_asked_of_it():
    # each had been answered with the item's first sentence
    for name, question in (("Gift Card", "what is the PIN for the gift card?"),
                           ("Skillet", "who makes the skillet?"),
                           ("Night Light", "¿Se puede regular la luz nocturna?")):
        assert settle_product_question(question, (_demo_item(name),)) == \
            Unsettled("only_the_item_named"), question
    # one naming a place still tells where it is made
    answer = answer_product_question("where is the mug made?", (_demo_item("Mug"),))
    assert answer is not None and "Chicago" in answer.evidence


def test_an_allergen_the_list_does_not_name_is_for_the_seller():
    # "Contains milk." had answered "does the cheese contain nuts?"
    cheese = (_demo_item("Cheese"),)
    assert settle_product_question("does the cheese contain nuts?", cheese) == \
        Unsettled("allergen_unsaid")
    answer = answer_product_question("does it contain milk?", cheese)
    assert answer is not None and "milk" in answer.evidence.lower()



def test_another_part_port_or_means_a_version_for_a_range_or_ounces_are_not_answers():
    # each had been answered with a fact about something else
    for name, question, rule in (
            ("Drill", "does the drill have a light?", None),  # "light remodeling"
            ("String Lights", "can the string lights charge by USB?", "means_unsaid"),
            ("String Lights", "se pueden cargar por usb?", "means_unsaid"),
            ("Speaker", "what is the bluetooth range?", "range_unmeasured"),
            ("Speaker", "¿cuál es el alcance del bluetooth?", "range_unmeasured"),
            ("Charger", "how many watts does the USB-A port give?", "other_port_named"),
            ("Kettle", "how long is the spout?", "other_part_measured"),
            ("Kettle", "what color is the light?", "part_not_described"),
            ("Water Bottle", "how many ounces is it", "ounces_held_or_weighed")):
        settled = settle_product_question(question, (_demo_item(name),))
        assert isinstance(settled, Unsettled) and settled.reason == (rule or settled.reason), \
            (question, settled)
    # what does name them still answers
    for name, question, evidence in (
            ("Drill", "does it have a work light?", "LED work light and belt clip;"),
            ("String Lights", "do they charge by solar?", "Solar panel charges by day;"),
            ("Kettle", "how long is the cord?", "cord length: 30 inches"),
            ("Speaker", "can it charge by usb-c?", "full charge in 2.5 hours over USB-C"),
            ("Mug", "how many ounces does the mug weigh", "weight: 0.9 lb")):
        answer = answer_product_question(question, (_demo_item(name),))
        assert answer is not None and answer.evidence == evidence, (question, answer)


def test_another_qualifier_condition_or_measure_of_time_are_not_answers():
    # each had been answered with a fact about something else (the demo catalogue)
    for name, question, rule in (
            ("Spatula Set", "are they stain resistant", "other_qualifier"),
            ("Skillet", "is the skillet safe for the microwave", "other_qualifier"),
            ("Skillet", "is the skillet safe on the grill", "other_qualifier"),
            ("Lantern", "how long on high", "length_for_time"),
            ("Speaker", "how long can the speaker stay underwater", "condition_of_time_unsaid"),
            ("Cheese", "how long can the cheese sit out", "condition_of_time_unsaid"),
            ("Candle", "how many hours does the candle last", "first_time_only"),
            ("Skillet", "how deep is the skillet", "diameter_for_depth"),
            ("Night Light", "how many lumens do the night lights give", "pack_count_for_other"),
            ("Kettle", "does the kettle keep water warm", "kept_state_unsaid"),
            ("Speaker", "what port does the speaker charge with", "asked_thing_unsaid"),
            ("Kettle", "is the lid stainless steel", "part_not_described"),
            # not "carrying case included"
            ("Drill", "does the drill include a charger?", "included_thing_unsaid"),
            # not "wattage: 9 W", the lamp's; nor the mug's own colour
            ("Desk Lamp", "how many watts is the usb port on the desk lamp?", "other_port_named"),
            ("Mug", "what color is the inside of the mug?", "part_not_described"),
            # the ports share the 65 W
            ("Charger", "cuantos watts da cada puerto", "per_port_unsaid"),
            # not "enter the engraving text at checkout", "100-240 V input", "cord length: 30
            # inches"
            ("Cutting Board", "what color is the engraving", "color_unsaid"),
            ("Kettle", "is the kettle 30 inches tall", "other_part_measured"),
            # parts the title lists beside the lamp: not the lamp's colour or height
            ("Floor Lamp", "is the shade white or beige", "part_not_described"),
            ("Floor Lamp", "what color is the base", "part_not_described"),
            ("Floor Lamp", "how big is the shade", "part_not_measured")):
        assert settle_product_question(question, (_demo_item(name),)) == Unsettled(rule), \
            question
    # what does say it still answers
    for name, question, evidence in (
            ("Skillet", "is the skillet oven safe", "oven safe: 500 °F"),
            ("Cheese", "how long do the cheeses last in the fridge", "best within 14 days"),
            ("Kettle", "what is the kettle made of", "material: 304 stainless steel"),
            ("Throw Blanket", "la cobija es de algodon?", "material: 100% cotton"),
            # a pack's count counts its pieces; a Spanish part is no other part
            ("Swaddle", "how many do you get in the pack", "count: 3"),
            ("Drill", "que tamaño tiene el mandril del taladro?", "chuck size: 1/2 inch"),
            # the thing asked for is in the fact
            ("Drill", "does it come with a case?", "carrying case included"),
            ("Floor Lamp", "how tall is the lamp", "height: 65 inches"),
            ("Floor Lamp", "is it black or white", "color: black"),
            # a dimmer, in Spanish
            ("Light Bulbs", "los focos sirven con dimmer?", "dimmable: no")):
        answer = answer_product_question(question, (_demo_item(name),))
        assert answer is not None and answer.evidence == evidence, (question, answer)


# -- wrong answers found by asking catalogue products, each left to the seller now -------------

LAPTOP = _item("B0LAPTOP01", "15.6 inch Laptop", attributes=(
    ("ram memory", "technology ddr4"), ("hardware interface", "usb, hdmi"),
    ("color", '15.6" (39.6 cm)')))
PLAY_KITCHEN = _item("B0KITCHEN1", "Wooden Play Kitchen with Fridge", bullets=(
    '26"h x 36"l x 16"w assembled', "Cool colors make pretend cooking more fun",
    "Lots of fun for all the tools kids need to play"))
BOUNCE_HOUSE = _item("B0BOUNCE01", "Inflatable Bounce House", bullets=(
    "Overall weight 28 lbs.", "Sturdy vinyl walls"))
PHONE = _item("B0PHONE001", "Unlocked Smartphone", attributes=(
    ("cellular technology", "4g hspa+"), ("item weight", "5 ounces"),
    ("batteries included", "yes")))
ACTION_FIGURES = _item("B0FIGURES1", "Transforming Robot Figure 2-Pack", description=(
    "Your Optimus Prime and Sentinel Prime figures will battle your Megatron and Soundwave "
    "figures. Features 2 figures, each 8 inches tall."))
TABLET = _item("B0TABLET01", attributes=(("ram memory", "maximum size 16 gb"),))
REMOTE_CAR = _item("B0RCCAR001", attributes=(("num batteries", "4 aa"),))
TRIKE = _item("B0TRIKE001", bullets=("Maximum weight capacity 49 lbs",))
PLANT = _item("B0PLANT001", attributes=(("size", "3-4ft when shipped"),))
CUSHION_COVERS = _item("B0COVERS01", attributes=(("color", "natural linen"),))
LUNCH_BAG = _item("B0LUNCH001", attributes=(("color", "blue"),))
BALLOON_TANK = _item("B0BALLOON1", "Helium Tank", bullets=(
    'Fills about 30 9" latex balloons',))
BOTTLE = _item("B0BOTTLE01", attributes=(("material", "stainless-steel"), ("color", "cloud")))
WATCH_BAND = _item("B0BAND0001", attributes=(("material", "leather"), ("color", "white")))
DIFFRACTION_FILM = _item("B0FILM0001", "Diffraction Grating Film", bullets=(
    "This sheet is sized 6\" wide by 5' long",))


def test_wrong_answers_found_in_use_go_to_the_seller():
    for item, question, rule in (
            # a figure inside a model name counts nothing; a list of ports counts none
            (LAPTOP, "how much ram does it have", "figure_not_given"),
            (LAPTOP, "how many hdmi ports", "figure_not_given"),
            # a colour attribute whose value is a size names no colour
            (LAPTOP, "what color is it", "color_unsaid"),
            # the whole kitchen's height, not the counter's; "cool colors" names none
            (PLAY_KITCHEN, "how tall is the counter", "part_not_in_sentence"),
            (PLAY_KITCHEN, "what color is it", "color_unsaid"),
            (PLAY_KITCHEN, "what age is it for", "age_not_given"),
            # the bounce house's own weight is not what it bears
            (BOUNCE_HOUSE, "whats the weight limit per kid", "own_weight_for_limit"),
            # a width and a length are not a thickness
            (DIFFRACTION_FILM, "how thick is the film", "other_dimension"),
            # the tank's count is of 9" balloons
            (BALLOON_TANK, "how many 12 inch balloons will it fill", "other_figure_of_the_unit"),
            # a sentence that only names the thing does not say it comes with the item
            (ACTION_FIGURES, "does it come with megatron", "included_thing_unsaid"),
            # batteries included say nothing of recharging them
            (PHONE, "is the battery rechargeable", "quality_unsaid"),
            # how many batteries it takes is not whether they come with it
            (REMOTE_CAR, "are batteries included", "batteries_taken_for_included"),
            # what a trike bears is not what it weighs; the most memory it takes is not what
            # it has; a plant's size when shipped is not how tall it grows
            (TRIKE, "how much does the trike weigh", "limit_for_own_weight"),
            (TABLET, "how much ram", "other_state_measured"),
            (PLANT, "how tall will it get", "other_state_measured"),
            # a colour's name is no material; the inside is not the whole bag's colour
            (CUSHION_COVERS, "are they real linen", "color_for_material"),
            (LUNCH_BAG, "is the inside blue too", "part_not_described"),
            # without a title, a lid is still a part: not the bottle's material
            (BOTTLE, "is the lid stainless steel", "part_not_described")):
        settled = settle_product_question(question, (item,))
        assert settled == Unsettled(rule), (question, settled)
    # what does say it still answers: a weight bearing a limit, a thickness given as a height,
    # a network's generation without a conversion to grams
    SANDBOX = _item("B0SANDBOX1", "Kids Sandbox", bullets=("Holds up to 150 lbs of sand",))
    answer = answer_product_question("what is the max weight it can hold", (SANDBOX,))
    assert answer is not None and "150 lbs" in answer.evidence
    MATTRESS = _item("B0MATTRES1", "Memory Foam Mattress", bullets=('Queen size, 12" h',))
    answer = answer_product_question("how thick is the mattress", (MATTRESS,))
    assert answer is not None and answer.evidence == 'Queen size, 12" h'
    # a sentence that counts what comes does say it
    assert not does_not_settle(parse_question("does this come with balls?"), make_fact(
        "bullet", "Features 8 lively songs, fun sound effects, and 5 colorful balls"))
    # a limit answers for every figure under it
    SWING = _item("B0SWING001", "Toddler Swing", bullets=("Can hold up to 50 pounds",))
    answer = answer_product_question("she weighs 36 pounds, how much can it hold?", (SWING,))
    assert answer is not None and "50 pounds" in answer.evidence
    # without a title, a band may be the item itself
    answer = answer_product_question("what is the band made of", (WATCH_BAND,))
    assert answer is not None and answer.evidence == "material: leather"
    answer = answer_product_question("is it 4g", (PHONE,))
    assert answer is not None and answer.conversion is None, answer


def test_a_value_asked_is_settled_by_the_attribute_of_its_kind():
    # a yes/no question naming a material, colour, size or figure is settled by the item's
    # own value of that kind, whichever the answer (the demo catalogue, 28 Nov)
    for name, question, evidence in (
            ("Throw Blanket", "is the blanket wool? my son is allergic to wool",
             "material: 100% cotton"),
            ("Throw Blanket", "la manta es de poliester?", "material: 100% cotton"),
            ("Cutting Board", "la tabla es de maple?", "material: black walnut"),
            ("Floor Lamp", "la lampara de pie es blanca?", "color: black"),
            ("Mattress", "is the mattress a king? cant remember what i ordered", "size: Queen"),
            ("Mug", "is the mug 16 oz?", "capacity: 12 oz"),
            ("Desk Lamp", "is the desk lamp 9w? i thought i ordered the brighter one",
             "wattage: 9 W"),
            ("Charger", "el cargador es de 100w?", "output power: 65 W"),
            ("Lantern", "la lampara de camping es de 2000 lumenes?", "brightness: 1000 lm"),
            ("A19", "los focos son luz blanca fria? tipo 5000k", "color temperature: 2700 K"),
            ("Kettle", "is the kettle ok for 220v? im moving to spain in jan", "voltage: 120 V"),
            ("Night Light", "la luz de noche sirve en 220v? es para mi mama en peru",
             "voltage: 120 V"),
            ("Throw Blanket", "la manta es de 50x60? pense que habia pedido una mas grande",
             "dimensions: 50 x 60 inches")):
        settled = settle_product_question(question, (_demo_item(name),))
        assert getattr(settled, "evidence", None) == evidence, (question, settled)
    # not what it works on, nor a part, nor a value another fact says, nor a class of
    # values, nor two attributes of the unit, nor something else asked beside it
    sofa = _item("B0SOFA0001", "Loveseat Sofa", bullets=("Cotton blend cushion covers",),
                 attributes=(("material", "polyester"), ("color", "gray")))
    glue = _item("B0GLUE0001", "Patch Adhesive Kit", attributes=(("fabric type", "adhesive"),))
    mug = _item("B0MUG00001", "Travel Mug", attributes=(("capacity", "12 oz"),
                                                        ("weight", "10 oz"),
                                                        ("material", "stainless steel")))
    for item, question in (
            (glue, "does it work on polyester?"),
            (sofa, "are the legs black?"),
            (mug, "is it 16 oz?"),
            (mug, "is it steel and does it keep coffee hot?"),
            (_demo_item("Floor Lamp"), "is the shade white?"),
            (_demo_item("Drill"), "does the drill work on 220v?"),
            (_demo_item("Swaddle"), "is this for small children?")):
        settled = settle_product_question(question, (item,))
        assert getattr(settled, "evidence", None) in (None,), (question, settled)
    # (the sentence saying cotton answers, not the material)
    settled = settle_product_question("is it cotton?", (sofa,))
    assert getattr(settled, "evidence", None) != "material: polyester", settled


def test_a_sentence_saying_nothing_of_what_is_asked_does_not_answer_it():
    # each had been answered with a sentence about the item (use-test of 28 Nov)
    for name, question, rule in (
            ("Mattress", "whats the warranty on the mattress", "concept_unsaid"),
            ("Drill", "and on the drill?", "nothing_asked"),
            ("Solar", "can i charge the solar lights with usb if its cloudy", "means_unsaid")):
        settled = settle_product_question(question, (_demo_item(name),))
        assert settled == Unsettled(rule), (question, settled)
    # a sentence naming the means, or the concept, still answers
    for name, question, evidence in (
            ("Lantern", "can i charge the lantern with usb-c",
             "Charges over USB-C and doubles as a power bank for phones"),
            ("Speaker", "how long does the speaker battery last", "battery life: 10 hours")):
        settled = settle_product_question(question, (_demo_item(name),))
        assert getattr(settled, "evidence", None) == evidence, (question, settled)


def test_the_heat_it_takes_is_the_attribute_of_its_heat():
    # "600 °F" converted (about 315 °C); the skillet's oven figure only for the oven
    for name, question, evidence in (
            ("Spatula", "what temp can the spatulas take in celsius", "heat resistance: 600 °F"),
            ("Spatula", "how hot can the spatulas get", "heat resistance: 600 °F"),
            ("Spatula", "que temperatura aguantan las espatulas", "heat resistance: 600 °F"),
            ("Skillet", "how hot can the skillet go in the oven", "oven safe: 500 °F"),
            # (a misspelt "piscina")
            ("Speaker", "se puede meter a la pisina?",
             "IPX7 waterproof: survives a drop in the pool (up to 1 m for 30 minutes)")):
        settled = settle_product_question(question, (_demo_item(name),))
        assert getattr(settled, "evidence", None) == evidence, (question, settled)
    assert "°C" in (settle_product_question("what temp can the spatulas take in celsius",
                                            (_demo_item("Spatula"),)).conversion or "")
    for name, question in (("Skillet", "how hot can the skillet get"),
                           ("Kettle", "what temp does the kettle heat to"),
                           ("Spatula", "how hot can the spatulas get in the dishwasher")):
        settled = settle_product_question(question, (_demo_item(name),))
        assert getattr(settled, "evidence", None) is None, (question, settled)
