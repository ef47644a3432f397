"""Facts that cannot settle a question, however well they match it: one that does not name
the model asked about, that names neither choice of "A or B?", that does not count what
"how many X" counts or measure what "how heavy" asks, an attribute of another kind ("street
date" for the expiration date), a yes/no attribute about something else; one that leaves
unsaid what the question turns on: the customer's own thing ("my honda civic hatchback"),
how low it goes, the dimension asked, a distance to something else, the doing asked about,
a material or colour, which kind, backward compatibility, what else to use with it, whether
it works with nothing else. Pure: used by bot.product_answers."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.product_asked import (
    age_not_given,
    batteries_taken_for_included,
    color_for_material,
    color_unsaid,
    figure_not_given,
    limit_for_own_weight,
    other_state_measured,
    own_weight_for_limit,
    tells_a_limit,
)
from bot.product_facts import (
    ALL_CONCEPT_WORDS,
    COLOR_WORDS,
    CONCEPT_ASKED,
    WEAK_TERMS,
    Fact,
    term,
)
from bot.product_question import LOW_SETTING, Question
from bot.product_vocabulary import STOPWORDS
from bot.understanding import item_noun

# Words of attribute names that do not name a part of the product ("item weight", "output
# power"); any other word does ("cord length", "band color"), and then the question should
# mention that part.
GENERIC_NAME_WORDS = frozenset(term(w) for w in (
    "item", "product", "unit", "number", "total", "overall", "net", "gross", "type", "style",
    "description", "value", "assembled", "outside", "external", "standard", "nominal", "rated",
    "max", "min", "output", "input", "actual", "approximate", "approx", "of", "the", "per",
    "recommended", "recommendation", "range", "level", "included", "includes", "is",
    "maximum", "minimum", "specification", "specs", "spec", "general", "main", "primary"))

# The words of a yes/no attribute's name that only say how it holds ("batteries included",
# "is dishwasher safe", "includes remote"): the rest of the name is what it is about.
BOOLEAN_GLUE = frozenset(term(w) for w in (
    "is", "has", "have", "include", "included", "includes", "require", "required", "requires",
    "contain", "contains", "support", "supports", "with", "can", "be", "item", "product"))


# the name of an item's own weight ("item weight", "net weight"): not a weight it can bear
_WEIGHT_NAME = frozenset((term("weight"),))


# what an item may or may not be, which a value says only by naming it: "is the height
# adjustable?" is not settled by "height: 65 inches", "are they organic cotton?" by
# "material: 100% cotton"
_QUALITIES = frozenset(term(w) for w in (
    "adjustable", "removable", "detachable", "replaceable", "foldable", "collapsible",
    "organic", "recycled", "bleed", "fade", "refillable", "reversible", "expandable",
    "stackable", "retractable", "extendable", "interchangeable", "washable", "float",
    "floats", "buoyant", "rechargeable", "dimmable", "programmable", "insulated", "lockable",
    "breathable"))


# (of two things or more: "can the kettle boil 2 liters at the same time?" asks its capacity)
_TOGETHER = re.compile(r"(?i)\b(?:both|and|two (?:devices|phones|things)|multiple|several|"
                       r"ambos|dos (?:cosas|aparatos|telefonos))\b.*\b(?:at the same time|"
                       r"simultaneously|a la vez|al mismo tiempo)\b|"
                       r"\bboth (?:get|charge|work|run|at)\b")
_TOGETHER_SAID = re.compile(r"(?i)\b(?:both|share|shared|shares|simultaneous\w*|same time|"
                            r"together|two|dual|multiple|each|at once|a la vez|ambos|comparten)\b")
_COMPARED = re.compile(r"(?i)\b(?:half|twice|a third) the (?:size|weight) of\b|"
                       r"\b(?:smaller|larger|bigger|lighter|heavier|thinner|faster) than\b|"
                       r"\bcompared (?:to|with)\b")
_COMPARED_ASKED = re.compile(r"(?i)\b(?:than|compared?|size|big|bigger|small|smaller|large|"
                             r"heavy|heavier|light|lighter|weigh\w*|thin|fast\w*|compact|"
                             r"tamano|grande|chico|pequeno|pesa\w*)\b")
_TEMPERATURE = term("temperature")
_TEMPERATURE_SAID = re.compile(r"(?i)°|\bdegrees?\b|\d\s?(?:f|c|k)\b|\btemperature|\bgrados\b")
_ELECTRICAL_FIGURE = re.compile(r"(?i)\d\s*(?:w|watts?|v|volts?|a|amps?|mah|vatios|voltios)\b")
# a figure, in digits or in words ("a two player game", "dual voltage")
_DIGIT = re.compile(r"(?i)\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                    r"dozen|single|double|dual|twice|uno|una|dos|tres|cuatro|cinco|doble)\b")
# the allergen statement of a food label: "Contains milk.", "May contain tree nuts."
_ALLERGEN_STATEMENT = re.compile(r"\s*(?:may )?contains?:?\s+(?:milk|eggs?|wheat|soy|peanuts?|"
                                 r"tree nuts?|nuts|fish|shellfish|sesame|gluten)\b", re.I)
_CONTAIN = frozenset(term(w) for w in ("contain", "contains", "may"))

# what a product has several of, which no measure counts: "how many brightness levels?"
_MODES = frozenset(term(w) for w in ("level", "levels", "mode", "modes", "setting", "settings",
                                     "speed", "speeds", "option", "options", "function",
                                     "functions", "port", "ports"))

# what the whole of a set of pieces weighs or measures, and the title words of such a set
_SET_MEASURES = frozenset(("weight", "dimensions"))
# (and of the attribute that counts them: "count: 4", "panels: 2")
PIECE_WORDS = frozenset(term(w) for w in ("set", "pieces", "pcs", "pack", "pairs", "panels",
                                          "count", "quantity", "number", "units", "sampler",
                                          "assortment", "kit", "bundle"))
# a temperature something keeps for a time: "how long does it stay cold?"
_STATES = frozenset(term(w) for w in ("cold", "hot", "warm", "cool", "frozen"))

# one of several pieces, in a question ("each", "cada") or in a fact ("per panel")
EACH = re.compile(r"\b(?:each|cada|apiece|per|individual(?:ly)?)\b")

# the quantities a "how ..." question asks for by name; "how much does it hold?" may count
# rounds or cards as well as litres, and "how old" is often answered in words
MEASURED = frozenset(("weight", "dimensions", "duration", "voltage", "power", "load"))


def _unmeasured(q: Question, fact: Fact) -> bool:
    """A wh-question about a quantity ("how heavy?", "how long does it last?") that the fact
    does not measure: it neither is the attribute named for it nor gives a value in its unit
    ("lightweight design" does not say how heavy), nor does the size of the models it fits.
    And how long it runs is not how long it charges or dries."""
    if q.yes_no:
        return False
    measured = q.concepts & MEASURED
    # what an attribute naming the models it fits measures is those models ("compatible phone
    # models: iphone xs max case (6.5")" is the phone's screen, not the case)
    units = frozenset() if "compatible" in fact.name_concepts - q.concepts \
        else fact.unit_concepts
    if measured and not measured & (fact.name_concepts | units):
        return True
    return "duration" in q.concepts and bool(fact.term_set & _TIMED - q.content_set)


# what else a time can measure: how long it charges, dries or heats up is not how long it lasts
_TIMED = frozenset(term(w) for w in ("charge", "dry", "cure", "heat", "cook", "assemble",
                                      "install", "ship", "deliver", "warm"))


# what a yes/no attribute's name says of its subject, and the question's verbs that ask it:
# "batteries required" answers "does it work with / need batteries?", "batteries included"
# answers "does it come with batteries?"; neither answers the other
_REQUIRED = frozenset(term(w) for w in ("require", "required", "requires"))
_INCLUDED = frozenset(term(w) for w in ("include", "included", "includes"))
ASKS_REQUIRED = frozenset(term(w) for w in (
    "require", "required", "requires", "need", "needs", "needed", "use", "uses", "run", "runs",
    "work", "works", "operate", "operates", "powered", "take", "takes"))
ASKS_INCLUDED = frozenset(term(w) for w in ("include", "included", "includes", "come", "comes",
                                            "came"))


def boolean_other_kind(q: Question, fact: Fact, strict: bool = False) -> bool:
    """A yes/no attribute saying whether something is required, for a question whether it
    comes with it, or the other way round. `strict`: also when the question asks neither
    ("does it have replaceable batteries?")."""
    if fact.source != "attribute" or fact.value not in ("yes", "no"):
        return False
    asks_included = bool(q.content_set & ASKS_INCLUDED) or "included" in q.concepts
    asks_required = bool(q.content_set & ASKS_REQUIRED)
    if fact.name_terms & _REQUIRED:
        return asks_included or strict and not asks_required
    if fact.name_terms & _INCLUDED:
        return asks_required and not asks_included or strict and not asks_included
    return False


def _boolean_off_topic(q: Question, fact: Fact) -> bool:
    """A yes/no attribute about something the question does not mention: "batteries
    included: no" does not say whether the keyboard's caps are included."""
    return fact.source == "attribute" and fact.value in ("yes", "no") and bool(
        fact.name_terms - BOOLEAN_GLUE - q.content_set)


Rule = Callable[[Question, Fact, frozenset[str]], bool]

# Why a fact cannot settle the question, however well it matches it, as (name, test) in the
# order they are tried. The name of the first that holds goes with the case the question
# opens (its decision's reasons), so a lead reading the transcript sees why the data did
# not settle it. The tests take the item's title words, which name the item itself.
UNSETTLING_RULES: tuple[tuple[str, Rule], ...] = (
    # "does it fit the sgh-1337?": a fact that does not name the model
    ("model_not_named", lambda q, fact, _: (q.yes_no or "compatible" in q.concepts)
     and bool(q.missed_codes(fact))),
    # "how many photos does it hold?": a fact that does not count photos
    # (a concept's attribute counts in its unit: "how many watts?" -> "wattage: 9 W"; but not
    # its modes: "how many brightness levels?" is not "brightness: 1000 lm")
    ("count_of_something_else", lambda q, fact, _: q.counted in q.focus
     # "how many degrees?" asks a temperature, which a fact in degrees gives
     and not (q.counted in _MEASURED_IN and _DEGREES.search(fact.text))
     and q.counted not in fact.term_set
     and (q.counted in _MODES or not (q.concepts - {"count"}) & fact.name_concepts)),
    # "how many ml of vinegar do I use to descale it?": an amount of something the fact does
    # not name (not "capacity: 1.5 L")
    ("amount_of_something_else", lambda q, fact, title: _amount_of_something_else(q, fact, title)),
    # "what is the shipping weight?": the item's own weight
    ("item_for_package", lambda q, fact, _: q.package and fact.source == "attribute"
     and not fact.package and bool(q.concepts & fact.name_concepts)),
    # "what's the length of this wig?": not the box's (its weight is mostly the item's, and
    # is what shoppers are told when nothing else is given)
    ("package_for_item", lambda q, fact, _: not q.package and fact.package
     and "dimensions" in q.concepts & fact.name_concepts),
    # "how tall are the wheels?": not the whole item's dimensions
    ("part_not_measured", lambda q, fact, title: _part_not_measured(q, fact, title)),
    # "how tall is the counter?" of a play kitchen: not '26"h x 36"l x 16"w assembled'
    ("part_not_in_sentence", lambda q, fact, title: _part_not_in_sentence(q, fact, title)),
    # "are they real linen?": not "color: natural linen", a colour's name
    ("color_for_material", lambda q, fact, _: color_for_material(q, fact)),
    # "what color is the kettle lid?", "how much does the base weigh?": not the whole item's
    ("part_not_described", lambda q, fact, title: _part_not_described(q, fact, title)),
    # "how do you change songs?": a way of doing, which a catalogue value never tells
    ("procedure_from_attribute", lambda q, fact, _: q.procedure and fact.source == "attribute"),
    # "is it shiny or brushed?": a fact that names neither
    ("neither_choice_named", lambda q, fact, _: bool(q.alternatives)
     and not q.alternatives & fact.term_set and not names_choice_kind(q, fact)),
    # "what is the expiration date?": not the "street date"
    ("other_kind_named", lambda q, fact, _: _other_kind_named(q, fact)),
    # "is this just a single package?": not the package's dimensions
    ("measure_not_asked", lambda q, fact, _: _measure_not_asked(q, fact)),
    # "are batteries included?": not "num batteries: 4 aa", how many it takes
    ("batteries_taken_for_included", lambda q, fact, _: batteries_taken_for_included(q, fact)),
    # "does it come with batteries?": not "batteries required: no"
    ("required_for_included", lambda q, fact, _: q.yes_no and boolean_other_kind(q, fact)),
    # "will it fit my honda civic hatchback?": only a fact naming the customer's thing
    ("own_thing_not_named", lambda q, fact, title: bool(q.own) and "compatible" in q.concepts
     and q.own_unnamed(fact, title)),
    # "does it read as low as 2 volts?": not "measures voltage to 600 v"
    ("upper_end_only", lambda q, fact, _: q.lower_end and _upper_end_only(fact)),
    # "what is the width of the cubbies?": not 'each cubby is 11" h'
    ("other_dimension", lambda q, fact, _: _other_dimension(q, fact)),
    # "how far does it hang below the waist?": not the item's own dimensions
    ("distance_unmeasured", lambda q, fact, _: _distance_unmeasured(q, fact)),
    # "is it possible to fold the legs?": not "leg style: tapered"
    ("action_unsaid", lambda q, fact, _: _action_unsaid(q, fact)),
    # "is the frame oak?": not "frame style: modern"
    ("kind_unsaid", lambda q, fact, _: _kind_unsaid(q, fact)),
    # "how do i clean the filter?": a sentence that does not speak of cleaning
    ("way_unsaid", lambda q, fact, _: _way_unsaid(q, fact)),
    # "what kind of wood?": not "material: wood"
    ("kind_restated", lambda q, fact, _: _kind_restated(q, fact)),
    # "is it backward compatible with the xbox one?": not "platform: xbox 360", which says
    # what it is made for, not what else plays it
    ("backward_unsaid", lambda q, fact, _: q.backward and _BACKWARD not in fact.term_set),
    # "what paint can i use with it?": not "color: clear", which says what it is
    ("other_product_unsaid", lambda q, fact, _: q.other_product and fact.source == "attribute"
     and "compatible" not in fact.name_concepts),
    # "does it only support windows 7?": not "operating system: windows 7"
    ("exclusive_unsaid", lambda q, fact, _: _exclusive_unsaid(q, fact)),
    # "are the caps included?": not "batteries included: no"
    ("boolean_off_topic", lambda q, fact, _: _boolean_off_topic(q, fact)),
    # "how heavy is it?": a fact that does not measure it
    ("unmeasured", lambda q, fact, _: _unmeasured(q, fact)),
    # "what age is it for?": a fact that gives no age ("all the tools kids need")
    ("age_not_given", lambda q, fact, _: age_not_given(q, fact)),
    # "how many hdmi ports?": not "hardware interface: usb, hdmi"; "how much ram?": not "ram
    # memory: technology ddr4" (a figure inside a model name counts nothing)
    ("figure_not_given", lambda q, fact, _: figure_not_given(q, fact)),
    # "how much weight can it support?", "does it support fast charging?": not the item's own
    # "weight: 4 oz"
    ("own_weight_for_load", lambda q, fact, _: "load" in q.concepts
     and fact.source == "attribute" and fact.name_terms - GENERIC_NAME_WORDS <= _WEIGHT_NAME),
    # "whats the weight limit per kid?": not "overall weight 28 lbs.", the item's own
    ("own_weight_for_limit", lambda q, fact, _: own_weight_for_limit(q, fact)),
    # "how much does the trike weigh?": not "maximum weight capacity 49 lbs", what it bears
    ("limit_for_own_weight", lambda q, fact, _: limit_for_own_weight(q, fact)),
    # "how much ram?": not "ram memory: maximum size 8 gb"; "how tall will it get?": not
    # "size: 3-4ft when shipped" (a figure of another state than the one asked)
    ("other_state_measured", lambda q, fact, _: other_state_measured(q, fact)),
    # "is the height adjustable?": not "height: 65 inches", which does not say it
    # (but "batteries required: no" settles "does it have replaceable batteries?": none)
    ("quality_unsaid", lambda q, fact, _: q.yes_no and fact.source == "attribute"
     and fact.value != "no" and bool(q.content_set & _QUALITIES - fact.term_set)),
    # "how much does each spatula weigh?": not "weight: 0.6 lb", which is the whole set's
    # (a single mug's weight, a bulb's wattage are each one's)
    ("each_unsaid", lambda q, fact, title: fact.source == "attribute"
     and bool(q.concepts & _SET_MEASURES) and bool(title & PIECE_WORDS)
     and bool(EACH.search(q.text)) and not EACH.search(fact.text)),
    # "how bright is it on low?": not "brightness: 1000 lm", the figure on high; "how long
    # does it last on high?": not "battery life: 10 hours", the one on low (a rated power or
    # brightness is the most it gives: "how much power at max?" -> "output power: 65 W")
    ("setting_unsaid", lambda q, fact, _: bool(q.setting) and not q.setting & fact.term_set
     and (q.setting == LOW_SETTING or "duration" in q.concepts)),
    # "which cheeses come in the box?", "¿la bolsa viene cerrada?": not "Contains milk.", an
    # allergen statement, which answers what it names ("does it have milk?") or allergens
    ("allergen_statement", lambda q, fact, _: bool(_ALLERGEN_STATEMENT.match(fact.value))
     and "allergen" not in q.concepts and not q.content_set & fact.term_set - _CONTAIN),
    # "how long does it stay cold?": not "best within 14 days", which is not about the cold
    ("state_unsaid", lambda q, fact, _: "duration" in q.concepts
     and bool(q.content_set & _STATES - fact.term_set)),
    # "can i put a 100 w bulb in it?", "will it take 220v?": not "works with LED bulbs", a
    # sentence with no figure (an electrical rating is a matter of safety)
    ("figure_unsaid", lambda q, fact, _: q.yes_no and bool(_ELECTRICAL_FIGURE.search(q.text))
     and fact.source in ("bullet", "description") and not _DIGIT.search(fact.text)),
    # "can the charger charge my laptop?": not "about half the size of a standard laptop
    # charger", which names the laptop only to compare the item with another thing
    ("comparison_for_use", lambda q, fact, _: fact.source in ("bullet", "description")
     and bool(_COMPARED.search(fact.text)) and not _COMPARED_ASKED.search(q.text)),
    # "what temperature does the water boil at?": not "Boils 1.5 liters in about 5 minutes"
    ("temperature_unmeasured", lambda q, fact, _: not q.yes_no
     and _TEMPERATURE in q.content_set and not _TEMPERATURE_SAID.search(fact.text)),
    # "if i charge my laptop and phone at the same time do they both get 65w?": not "65 W
    # from one USB-C port", which says nothing of two at once
    ("together_unsaid", lambda q, fact, _: not q.how_many
     and fact.source in ("bullet", "description") and bool(_TOGETHER.search(q.text))
     and not _TOGETHER_SAID.search(fact.text)),
    # "does the desk lamp have a spot to charge my phone?": not "A slim desk lamp for study
    # and office.", which shares only the words naming the item with it
    ("only_the_item_named", lambda q, fact, title: _only_the_item_named(q, fact, title)),
    # "and on the drill?" (going on from another question): nothing asked but the item,
    # which no sentence about the item answers
    ("nothing_asked", lambda q, fact, title: bool(title) and bool(_GOING_ON.match(q.text))
     and not q.yes_no and not q.concepts and not q.asked and not q.procedure
     and bool(q.content_set) and q.content_set - WEAK_TERMS <= title | q.item),
    # "does the cheese contain nuts?": not "Contains milk." (what one allergen list leaves
    # out is no promise about cross-contact; a matter of safety)
    ("allergen_unsaid", lambda q, fact, _: "allergen" in q.concepts
     and bool(q.content_set & _ALLERGENS) and not q.content_set & _ALLERGENS & fact.term_set),
    # "how long does a battery last?" is not "charging time: 1 hour", "how long does it take
    # to charge?" not "a full charge gives 8-10 hours of light", and "to charge my phone" not
    # how long the speaker takes to charge
    ("charge_or_run_time_mixed", lambda q, fact, _: _charge_or_run_time_mixed(q, fact)),
    # "can the string lights charge by USB?": not "a full charge in direct sun gives 8-10
    # hours of light", which does not name the means asked about
    ("means_unsaid", lambda q, fact, _: _means_unsaid(q, fact)),
    # "how long is the spout?": not "cord length: 30 inches", the measure of another part
    ("other_part_measured", lambda q, fact, title: _other_part_measured(q, fact, title)),
    # "how many ounces is the mug?": fluid ounces it holds as likely as what it weighs
    ("ounces_held_or_weighed", lambda q, fact, _: bool(_OUNCES_ASKED.search(q.text))
     and not _WEIGHT_ASKED.search(q.text) and "weight" in fact.name_concepts),
    # "how many watts does the USB-A port give?": not "65 W from one USB-C port"
    ("other_port_named", lambda q, fact, _: _other_port_named(q, fact)),
    # "are they stain resistant?": not "heat resistance: 600 °F"; "is it safe for the
    # microwave?": not "oven safe: 500 °F"
    ("other_qualifier", lambda q, fact, _: _other_qualifier(q, fact)),
    # "how long on high?", "how long does the candle last?": a time, not "dimensions: ..."
    ("length_for_time", lambda q, fact, _: bool(_TIME_ASKED.search(q.text))
     and "dimensions" in fact.name_concepts | fact.unit_concepts),
    # "how long can the speaker stay underwater?": not "battery life: 10 hours"; "how long
    # can the cheese sit out?": not "best within 14 days", kept cold
    ("condition_of_time_unsaid", lambda q, fact, _: _condition_of_time_unsaid(q, fact)),
    # "how many hours does the candle last?": not "burn for 2-3 hours the first time"
    ("first_time_only", lambda q, fact, _: "duration" in q.concepts
     and bool(_ASKS_RUN_TIME.search(q.text)) and bool(_FIRST_TIME.search(fact.text))
     and not _FIRST_TIME_ASKED.search(q.text)),
    # "how deep is the skillet?": not "diameter: 10 inches"
    ("diameter_for_depth", lambda q, fact, _: bool(_DEPTH_ASKED.search(q.text))
     and _DIAMETER in fact.name_terms),
    # "how many lumens do the night lights give?": not "count: 2", the pieces in the pack
    # (only of a thing another concept names: "how many come in the pack?" is the count)
    ("pack_count_for_other", lambda q, fact, title: bool(q.counted)
     and q.counted in _COUNTED_ELSEWHERE
     and fact.source == "attribute" and fact.name_terms <= PIECE_WORDS
     and q.counted not in fact.term_set | title | PIECE_WORDS),
    # "does the kettle keep water warm?": not a sentence that says nothing of warm
    ("kept_state_unsaid", lambda q, fact, _: bool(found := _KEPT_STATE.search(q.text))
     and term(found.group(1)) not in fact.term_set),
    # "what port does the speaker charge with?": not "charging time: 2.5 hours"
    ("asked_thing_unsaid", lambda q, fact, _: _asked_thing_unsaid(q, fact)),
    # "el cargador es de 100w?": not "100-240 V input", the same number of another unit
    ("number_of_another_unit", lambda q, fact, _: _number_of_another_unit(q.text, fact.text)),
    # "what color is the engraving?": not "enter the engraving text at checkout"; "what color
    # is it?": not "cool colors make leaving notes more fun", nor 'color: 17.3"'
    ("color_unsaid", lambda q, fact, _: color_unsaid(q, fact)),
    # "how many 12 inch balloons will it fill?": not '30 or 50, 9" latex balloons'
    ("other_figure_of_the_unit", lambda q, fact, _: _other_figure_of_the_unit(q, fact)),
    # "how many watts does each port give?": not "output power: 65 W", the ports' together
    ("per_port_unsaid", lambda q, fact, _: bool(_PER_PORT.search(q.text))
     and not _PER_PORT_SAID.search(fact.text)),
    # "does the drill include a charger?": not "carrying case included"
    ("included_thing_unsaid", lambda q, fact, _: _included_thing_unsaid(q, fact)),
    # "what is the bluetooth range?": not "bluetooth: 5.3", a version, which is no distance
    ("range_unmeasured", lambda q, fact, _: not q.yes_no and bool(_RANGE_ASKED.search(q.text))
     and not _DISTANCE_SAID.search(fact.text)),
)


# units a "how many" asks a measure in, not a number of things
_MEASURED_IN = frozenset(term(w) for w in ("degree", "degrees", "celsius", "fahrenheit"))
_DEGREES = re.compile(r"\d\s*(?:\u00b0|degrees?\b)")


_ALLERGENS = frozenset(term(w) for w in (
    "nut", "nuts", "peanut", "peanuts", "gluten", "wheat", "soy", "egg", "eggs", "fish",
    "shellfish", "sesame", "dairy", "milk", "lactose", "almond", "almonds", "tree"))
_ANY_LIQUID = frozenset(("water", "liquid", "fluid", "coffee", "tea", "milk"))
_AMOUNT_OF = re.compile(r"\bhow (?:many|much) (?:[a-z]+ )?of (?:the |my )?([a-z]+)")


# how far a signal or a beam reaches
_RANGE_ASKED = re.compile(r"\b(?:(?:bluetooth|wireless|wifi|signal|remote|transmission|"
                          r"connection|effective|working) range|how far (?:away )?(?:can|does|"
                          r"will|do)|alcance)\b")
_DISTANCE_SAID = re.compile(r"(?i)\d\s*(?:ft|feet|foot|m|meters?|metres?|yards?|yds?|mi|"
                            r"miles?|km|metros?)\b|\branges?\b|\balcance\b")
_BY_MEANS = re.compile(r"\b(?:charg\w*|power\w*|run|runs|connect\w*|carga\w*|recarga\w*)\s+"
                       r"(?:by|via|through|over|using|off|from|con|por|mediante)\s+"
                       r"(?:a |an |the |un |una |el |la )?([a-z][a-z0-9]*)")


# "can i charge the solar lights with usb?": the means after what is charged, which a
# sentence must name ("Solar panel charges by day" does not)
_MEANS_AFTER = re.compile(r"\b(?:charg\w*|power\w*|carga\w*|recarga\w*)\s+(?:it|them|this|these|"
                          r"those|the|my|el|la|los|las)\s+(?:[a-z]+\s+){0,2}?(?:with|using|via|"
                          r"through|over|from|off|con|por|mediante)\s+(?:a |an |the |un |una |"
                          r"el |la )?([a-z][a-z0-9]*)")


def _means_unsaid(q: Question, fact: Fact) -> bool:
    found = q.yes_no and (_BY_MEANS.search(q.text) or fact.source != "attribute"
                          and _MEANS_AFTER.search(q.text))
    if not found or found.group(1) in STOPWORDS:
        return False
    return term(found.group(1)) not in fact.term_set


def _amount_of_something_else(q: Question, fact: Fact, title_terms: frozenset[str]) -> bool:
    found = _AMOUNT_OF.search(q.text)
    if not found or found.group(1) in STOPWORDS or found.group(1) in _ANY_LIQUID:
        return False  # ("how many gallons of water does it hold?" asks what it holds)
    thing = term(found.group(1))
    return thing not in fact.term_set and thing not in title_terms


# Rules held only when answering, not when the decision model is fitted (bench's `choose`):
# they would take questions out of its tuning rows and change the fit.
ANSWERING_RULES: tuple[tuple[str, Rule], ...] = (
    # "whats the warranty on the mattress?": not "Unbox on the bed frame, cut the plastic and
    # let the mattress breathe.", which shares only the item's name and says no warranty
    ("concept_unsaid", lambda q, fact, title: _concept_unsaid(q, fact, title)),
)


def unsettled_by(q: Question, fact: Fact, title_terms: frozenset[str] = frozenset(),
                 answering: bool = False) -> str | None:
    """The name of the first rule by which the fact cannot settle the question, or None
    when none holds. `title_terms`: the words of the item's title; `answering`: the
    `ANSWERING_RULES` as well."""
    for name, holds in UNSETTLING_RULES + (ANSWERING_RULES if answering else ()):
        if holds(q, fact, title_terms):
            return name
    return None


def does_not_settle(q: Question, fact: Fact, title_terms: frozenset[str] = frozenset()) -> bool:
    """Whether any of the rules holds."""
    return unsettled_by(q, fact, title_terms) is not None


# the parts that are hardly ever the item itself (a band, a screen, a case may be)
_ONLY_PARTS = frozenset(term(w) for w in (
    "lid", "handle", "spout", "cord", "knob", "hinge", "buckle", "clasp", "zipper", "straw",
    "mouthpiece", "nozzle", "leg", "legs", "drawer", "button", "switch", "sole", "insole",
    "laces", "tapa", "mango", "asa", "hebilla", "cierre", "bisagra", "perilla", "suela"))
# the parts a title may list beside the item ("Arc Floor Lamp, Marble Base, Linen Drum
# Shade"): named in a question, they are still a part, not the item
PART_NOUNS = frozenset(term(w) for w in (
    "shade", "base", "lid", "handle", "spout", "cord", "cable", "strap", "cover", "arm",
    "switch", "socket", "panel", "wire", "blade", "frame", "leg", "legs", "cap", "nozzle",
    "button", "screen", "band", "wheel", "wheels", "shelf", "drawer", "pantalla", "base",
    "tapa", "mango", "asa", "cable", "correa", "funda", "brazo", "interruptor", "buckle",
    "clasp", "zipper", "hinge", "knob", "straw", "mouthpiece", "sole", "insole", "laces",
    "hebilla", "cierre", "bisagra", "perilla", "popote", "suela"))


def _part_not_measured(q: Question, fact: Fact, title_terms: frozenset[str]) -> bool:
    """A question about the size of something the title does not name (a part: "how tall
    are the wheels?") and the item's overall dimensions, which do not name it either. Without
    a title the thing may be the item itself ("how tall is the figure?"), so nothing is
    said."""
    if not title_terms or fact.source != "attribute" or "dimensions" not in q.concepts:
        return False
    if "dimensions" not in fact.name_concepts:
        return False
    if not fact.name_terms & _DIMENSION_NAMES:
        # "how big is the shade?" of an "Arc Floor Lamp, ..., Linen Drum Shade": not
        # "height: 65 inches", the lamp's
        return bool(fact.name_terms & _MEASURE_NAMES
                    and q.focus & title_terms & PART_NOUNS - fact.term_set)
    return bool(q.focus - fact.term_set - (title_terms - PART_NOUNS))


_DIMENSION_NAMES = frozenset(term(w) for w in ("dimension", "dimensions"))
_MEASURE_NAMES = frozenset(term(w) for w in ("height", "width", "length", "depth"))


_ASKS_RUN_TIME = re.compile(r"\b(?:last|lasts|run|runs|runtime|play|playtime|dura|duran)\b")
_ASKS_CHARGE_TIME = re.compile(r"\b(?:to (?:fully )?charge|charging|recharge|en cargar|cargarse|"
                               r"en recargar)\b")
_CHARGING_FACT = re.compile(r"(?i)\bcharg(?:ing time|e takes|es in|ed in)|full charge takes|"
                            r"charge fully")
_RUNNING_FACT = re.compile(r"(?i)\b(?:battery life|playtime|runtime|run time|gives \d|hours of "
                           r"(?:light|play|use)|on (?:low|high))\b")


def _charge_or_run_time_mixed(q: Question, fact: Fact) -> bool:
    if "duration" not in q.concepts:
        return False
    charge = bool(_ASKS_CHARGE_TIME.search(q.text))
    if charge and _ASKS_RUN_TIME.search(q.text):
        return False  # both asked ("¿cuánto tarda en cargarse y cuánto dura?")
    if charge and q.own and not set(q.own) & {w for w in fact.terms}:
        return True  # the customer's own thing charged ("charge my phone with it")
    if charge:
        return bool(_RUNNING_FACT.search(fact.text)) and not _CHARGING_FACT.search(fact.text)
    return bool(_ASKS_RUN_TIME.search(q.text)) and bool(_CHARGING_FACT.search(fact.text)) \
        and not _RUNNING_FACT.search(fact.text)


def _part_not_described(q: Question, fact: Fact, title_terms: frozenset[str]) -> bool:
    """A question about the weight or colour of something the title does not name (a part:
    "the lid", "the strap") and the item's own weight or colour, which does not name it."""
    asked = q.concepts & fact.name_concepts & _WHOLE_ITEM_CONCEPTS
    if fact.source != "attribute" or fact.package or not asked:
        return False
    if _INSIDE.search(q.text) and not _INSIDE.search(fact.text):
        # "what color is the inside of the mug?", "is the inside blue too?": not the mug's
        return True
    if "color" in asked and not (_COLOR_OF.search(q.text) or q.alternatives & COLOR_WORDS):
        asked -= {"color"}  # ("does this have jelly colors?" names no part)
        if not asked:
            return False
    if not title_terms:
        # the thing may be the item itself ("is the bottle steel?"), unless it is a part
        # ("is the lid stainless steel?": not "material: stainless-steel", the bottle's)
        return bool({term(w) for w in _things_named(q, english=True)} & _ONLY_PARTS
                    - fact.term_set)
    concept_words = frozenset().union(*(CONCEPT_ASKED[c] for c in asked))
    unsaid = fact.term_set | (title_terms - PART_NOUNS) | concept_words | WEAK_TERMS \
        | _THE_WHOLE
    if asked == {"material"}:
        # "is the lid stainless steel?": only a part named so ("compatible material: wood"
        # answers "will it stick to wood?")
        # (not the item itself in another language: "¿la cobija es de algodón?")
        return any(not {term(n) for n in item_noun(w)} & title_terms
                   for w in _things_named(q) - unsaid)
    # (the part may be named by a word of another concept: "what color is the light?")
    return bool((q.focus | _things_named(q) & ALL_CONCEPT_WORDS) - unsaid)


def _part_not_in_sentence(q: Question, fact: Fact, title_terms: frozenset[str]) -> bool:
    """A wh-question about the size or weight of something the title does not name (a part:
    "the counter", "the handle") and a sentence that measures without naming it: the whole
    item's figures. Without a title the thing may be the item itself."""
    if not title_terms or q.yes_no or fact.source not in ("bullet", "description") \
            or not q.concepts & _SIZE_OR_WEIGHT:
        return False
    return bool(_things_named(q, english=True) - fact.term_set - title_terms - WEAK_TERMS
                - _THE_WHOLE - ALL_CONCEPT_WORDS)


_SIZE_OR_WEIGHT = frozenset(("dimensions", "weight"))


def _other_part_measured(q: Question, fact: Fact, title_terms: frozenset[str]) -> bool:
    """A question about a part the fact does not name ("the spout") and an attribute
    named for another part ("cord length")."""
    if fact.source != "attribute" or "dimensions" not in q.concepts & fact.name_concepts:
        return False
    parts = fact.name_terms - GENERIC_NAME_WORDS - ALL_CONCEPT_WORDS - WEAK_TERMS
    if not parts or parts & q.content_set:
        return False
    # (English words only: "¿de qué tamaño es el mandril?" names the chuck in a word the
    # catalogue's English does not have)
    named = _things_named(q, english=True)
    if q.yes_no and q.numbers and not named - title_terms - WEAK_TERMS - _THE_WHOLE:
        return True  # "is the kettle 30 inches tall?": not "cord length: 30 inches"
    return bool(q.focus & named - fact.term_set - title_terms - WEAK_TERMS - _THE_WHOLE)


def _things_named(q: Question, english: bool = False) -> set[str]:
    return {term(m.group(2)) for m in _THE_THING.finditer(q.text)
            if not english or m.group(1) in ("the", "its")}


_OUNCES_ASKED = re.compile(r"\b(?:ounces?|oz|onzas?)\b")
_WEIGHT_ASKED = re.compile(r"\b(?:weigh\w*|heavy|heavier|weight|pesa\w*|peso)\b")


# what a resistance or a safety is of: "heat resistance", "stain resistant", "oven safe",
# "safe for the microwave", "dishwasher-safe"
_QUALIFIED = re.compile(r"\b([a-z]+)[ -](?:resistant|resistance|resist|proof|safe|rated)\b|"
                        r"\b(?:safe|resistant|ok|okay) (?:for|in|on|with|to use in|to use on) "
                        r"(?:the |a |an )?([a-z]+)")
_NOT_QUALIFIERS = frozenset(("it", "is", "are", "they", "be", "this", "that", "and", "also",
                             "very", "too", "fully", "completely", "food", "use", "using"))


def _qualifiers(text: str) -> set[str]:
    return {term(w) for m in _QUALIFIED.finditer(text.lower()) for w in m.groups()
            if w and w not in _NOT_QUALIFIERS}


def _other_qualifier(q: Question, fact: Fact) -> bool:
    asked = _qualifiers(q.text)
    said = _qualifiers(fact.text) if asked else set()
    return bool(said) and not asked & said and not asked & fact.term_set


_TIME_ASKED = re.compile(r"\bhow long (?:(?:does|do|will|can|would|did) (?:it|they|the \w+(?: \w+)?"
                         r"|this|these) (?:last|run|stay|keep|burn|play|take|work|stay on)|"
                         r"on (?:high|low|max|min)|(?:to|will it take)|before)\b|"
                         r"\bcuanto (?:tiempo|dura|duran)\b")
# a condition a time holds in, which only a fact naming it settles
_TIME_CONDITION = re.compile(r"\b(?:underwater|under water|submerged|in the water|sit out|sits out|"
                             r"left out|out of the (?:fridge|refrigerator)|unrefrigerated|"
                             r"at room temperature|room temp|in the sun|in the car|"
                             r"fuera del (?:refri|refrigerador)|bajo el agua|sumergid[oa])\b")


def _condition_of_time_unsaid(q: Question, fact: Fact) -> bool:
    found = _TIME_CONDITION.search(q.text)
    if not found:
        return False
    said = set(found.group(0).split()) - {"the", "of", "at", "in", "out", "del", "el", "la"}
    return not {term(w) for w in said} & fact.term_set


_FIRST_TIME = re.compile(r"(?i)\b(?:the first time|first use|before each|each time|the first "
                         r"(?:burn|charge|wash))\b")
_FIRST_TIME_ASKED = re.compile(r"\b(?:first|each|every|primera|cada)\b")
_DEPTH_ASKED = re.compile(r"\b(?:how deep|depth|how tall are the sides|how high are the sides|"
                          r"que tan profund[oa]|profundidad)\b")
_DIAMETER = term("diameter")
_KEPT_STATE = re.compile(r"\bkeeps? (?:\w+ ){0,2}(warm|cold|hot|cool|fresh|frozen)\b")


# the thing a yes/no question asks whether the item comes with: "does it include a charger?",
# "is a remote included?" (English only: a Spanish question's words are matched through
# their English terms, which this does not see)
_INCLUDED_THING = re.compile(
    r"\b(?:includes?|including|comes? with|came with|ships? with)\s+"
    r"(?:(?:a|an|the|any|its|their)\s+)*([a-z]+(?: [a-z]+){0,2})|"
    r"\b(?:is|are) (?:a |an |the |any )?([a-z]+(?: [a-z]+)?) included\b")
# "do the trains come with this set?": the thing is the subject
_INCLUDED_SUBJECT = re.compile(
    r"\b(?:do|does|will|would|did) (?:the |a |an |any )?([a-z]+(?: [a-z]+)?) come with "
    r"(?:this|these|that|it)\b")
# a list of what comes in the box, which answers "no" by leaving a thing out
_CLOSED_LIST = frozenset(term(w) for w in ("component", "components", "contents", "box"))


def _included_thing_unsaid(q: Question, fact: Fact) -> bool:
    """No word of what the question asks the item to come with ("a physical viewfinder",
    "the little laundry basket") in the fact, unless the fact lists what comes in the box."""
    text = q.text.lower()
    found = q.yes_no and (_INCLUDED_SUBJECT.search(text) or _INCLUDED_THING.search(text))
    if not found or fact.name_terms & _CLOSED_LIST:
        return False
    said = (found.group(1) or found.group(2) or "").split()
    if said and said[0] in ("this", "these", "that", "it", "them"):
        return False
    thing = [w for w in said if w not in STOPWORDS]
    if thing and fact.source in ("bullet", "description") \
            and not _SAYS_WHAT_COMES.search(fact.text):
        # "does it come with megatron?": not "your optimus prime figures will battle your
        # megatron", which only names it
        return True
    return bool(thing) and not any(term(w) in fact.term_set for w in thing)


# a sentence that says what comes with the item
_SAYS_WHAT_COMES = re.compile(r"(?i)\b(?:includ\w*|comes? with|came with|ships? with|with|"
                              r"contains?|set of|pack of|kit|pieces?|pcs|in the box|bundle\w*|"
                              r"accessor\w*|plus|featur\w*|has|have|everything|\d+|two|three|"
                              r"four|five|six|pair|incluye\w*|viene con|trae|con)\b")


# the part a wh-question asks for by name: "what port ...", "which cable ...", "what kind of
# battery ..."
_ASKED_PART = re.compile(r"^(?:what|which)(?: kind of| type of| sort of| size)? (port|ports|"
                         r"cable|cord|plug|adapter|charger|battery|batteries|bulb|bulbs|socket|"
                         r"connector|outlet|screw|screws)\b")


def _asked_thing_unsaid(q: Question, fact: Fact) -> bool:
    found = _ASKED_PART.match(q.text.lower())
    return bool(found) and term(found.group(1)) not in fact.term_set


# what another concept names, counted ("lumens", "leds"), not the pieces of a pack ("how many
# come in it?")
_COUNTED_ELSEWHERE = ALL_CONCEPT_WORDS - CONCEPT_ASKED["included"] - CONCEPT_ASKED["count"]


# the kinds of plug and port, which differ in what they give and take
_PORT_KIND = re.compile(r"(?i)\b(?:usb[- ]?(?:a|c)|micro[- ]?usb|mini[- ]?usb|lightning|"
                        r"thunderbolt|hdmi|aux|3\.5 ?mm|usb(?= (?:port|outlet|socket|plug)))\b")


def _port_kinds(text: str) -> set[str]:
    return {re.sub(r"[- ]", "", k.lower()) for k in _PORT_KIND.findall(text)}


# what a unit measures, by its written forms
_UNIT_KINDS = {kind: forms for kind, forms in (
    ("power", ("w", "watt", "watts", "vatios", "watios")),
    ("voltage", ("v", "volt", "volts", "voltios", "vac", "vdc")),
    ("current", ("a", "amp", "amps", "amperes", "amperios")),
    ("charge", ("mah", "ah")),
    ("length", ("in", "inch", "inches", "cm", "mm", "ft", "feet", "foot", "pulgadas", "m")),
    ("weight", ("lb", "lbs", "pounds", "kg", "g", "grams", "libras", "kilos")),
    ("light", ("lm", "lumens", "lumenes")),
    ("time", ("h", "hr", "hrs", "hours", "horas", "min", "minutes", "minutos")))}
_KIND_OF_UNIT = {form: kind for kind, forms in _UNIT_KINDS.items() for form in forms}
# a number and its unit, or the last number of a range and its unit ("100-240 V")
_MEASURE = re.compile(r"(?i)(\d+(?:\.\d+)?)(?:\s*(?:-|to|a)\s*(\d+(?:\.\d+)?))?\s*"
                      r"([a-z]+)\b")


def _measures(text: str) -> dict[str, set[str]]:
    """number -> the kinds of unit it is written with."""
    found: dict[str, set[str]] = {}
    for first, last, unit in _MEASURE.findall(text):
        kind = _KIND_OF_UNIT.get(unit.lower())
        if kind is not None:
            for number in filter(None, (first, last)):
                found.setdefault(number, set()).add(kind)
    for number in _INCH_MARKED.findall(text):
        found.setdefault(number, set()).add("length")
    return found


_INCH_MARKED = re.compile(r"(\d+(?:\.\d+)?)\s*(?:\"|''|\u201d|\u2033)")


def _other_figure_of_the_unit(q: Question, fact: Fact) -> bool:
    """A wh-question under a condition with a figure ("how many 12 inch balloons will it
    fill?") and a fact that gives other figures of that unit only ('30 or 50, 9" latex
    balloons'): it speaks of another size. (A yes/no question is answered by the other
    figure: "is it 12 inches?" -> "9 inches".)"""
    if q.yes_no or tells_a_limit(fact.text):
        return False  # (a limit answers for every figure under it: "can hold up to 50 lb")
    asked, said = _measures(q.text), _measures(fact.text)
    return any(number not in said and any(kinds & other for other in said.values())
               for number, kinds in asked.items())


def _number_of_another_unit(question: str, fact: str) -> bool:
    """A number asked in one unit that the fact gives only in another ("100w?" and "100-240
    V input")."""
    asked = _measures(question)
    said = _measures(fact)
    return any(number in said and not kinds & said[number] for number, kinds in asked.items())


# a port's own share asked ("each port", "cada puerto"), which only a fact of one port or of
# their sharing says
_PER_PORT = re.compile(r"(?i)\b(?:each|every|per|cada|por)\s+(?:usb\s+)?(?:port|outlet|socket|"
                       r"puerto|salida|enchufe)\b")
_PER_PORT_SAID = re.compile(r"(?i)\b(?:each|per|one|single|share|shared|shares|cada|un|uno)\s+"
                            r"(?:\w+\s+){0,2}?(?:port|ports|outlet|puerto)|\bshare\b")


def _same_port(asked: set[str], said: set[str]) -> bool:
    """A port of a kind said ("the usb port" is any of "usb-a", "usb-c")."""
    return any(a == b or a == "usb" and b.startswith("usb") for a in asked for b in said)


def _other_port_named(q: Question, fact: Fact) -> bool:
    """A port asked about and a fact of another port, or the whole item's power ("how many
    watts from the usb a port?": not "output power: 65 W", which the ports share)."""
    asked = _port_kinds(q.text)
    if not asked:
        return False
    said = _port_kinds(fact.text)
    if not said:
        return fact.source == "attribute" and "power" in fact.name_concepts | fact.unit_concepts
    return not _same_port(asked, said)


# a thing the question names: "the spout", "la tapa"
_THE_THING = re.compile(r"\b(the|its|el|la|los|las|su|sus) ([a-z]+)")


_WHOLE_ITEM_CONCEPTS = frozenset(("weight", "color", "material"))
# "the kettle body", "the speaker itself": the whole item
_THE_WHOLE = frozenset(term(w) for w in ("body", "itself", "overall", "main", "outside",
                                         "exterior", "unit", "whole", "total", "cuerpo"))
# the inside of the item, which its colour or material need not describe
_INSIDE = re.compile(r"(?i)\b(?:inside|interior|inner|lining|liner|por dentro|adentro)\b")
_COLOR_OF = re.compile(r"\b(?:what colou?r (?:is|are)|de que color (?:es|son))\b")


def _measure_not_asked(q: Question, fact: Fact) -> bool:
    """A yes/no question about no quantity, and an attribute that measures one and says
    nothing the question asks about ("is this a single package?" -> "item package dimensions:
    10 x 9 x 8 inches"): its name matching is not enough ("tire: aspect ratio 70 mm; tire
    type atv" does answer "are these tires for atv?")."""
    if not q.yes_no or fact.source != "attribute" or not fact.unit_concepts:
        return False
    if q.focus & fact.value_terms:
        return False
    if q.concepts & (fact.unit_concepts | fact.name_concepts | fact.value_concepts):
        return False
    # "is this 20 inches?" compares a quantity even when it names no concept
    return not q.numbers


def names_choice_kind(q: Question, fact: Fact) -> bool:
    """The attribute named for what the choices of "A or B?" are ("wood or plastic?" ->
    "material: metal", "boy or girl?" -> "target gender: unisex"): its value settles the
    choice even when it is neither."""
    if fact.source != "attribute" or fact.noise or fact.package != q.package:
        return False
    return any(q.alternatives & CONCEPT_ASKED[c] for c in fact.name_concepts)


def _other_kind_named(q: Question, fact: Fact) -> bool:
    """A wh-question naming what it asks for with a qualifier ("the expiration date") and an
    attribute named for another kind of it ("street date"): each has a word the other
    lacks."""
    if q.yes_no or fact.source != "attribute" or len(q.asked) < 2 or q.package and fact.package:
        return False
    return bool(q.asked - fact.term_set - WEAK_TERMS) and bool(q.asked & fact.name_terms) \
        and bool(fact.name_terms - GENERIC_NAME_WORDS - q.content_set)


# how high it goes: "measures voltage to 600 v", "max. 20 lb"; and a range that gives the low
# end as well ("0.1 v to 600 v", "from 2 lb")
_UPPER_END = re.compile(r"\b(?:to|max\.?|maximum(?: of)?)\s*\d", re.I)
_LOW_END = re.compile(r"\d\s*(?:[a-z]+\s*)?(?:-|to|\u2013)\s*\d|\b(?:from|min\.?|minimum)\s*\d",
                      re.I)


def _upper_end_only(fact: Fact) -> bool:
    """A fact that says how high the item goes and not how low: it does not settle a
    question of how low ("as low as 2 volts")."""
    return bool(_UPPER_END.search(fact.value)) and not _LOW_END.search(fact.value)


# each dimension, by its word and by the letter that marks a measure ('11" w x 11" h')
_DIMENSIONS = {term(w): letter for w, letter in (
    ("height", "h"), ("width", "w"), ("depth", "d"), ("length", "l"), ("thickness", "t"))}
# a thickness may be given as a height or a depth (a mattress's, a board's)
_THICKNESS_GIVEN_AS = frozenset("thd")
_LETTER_MARK = re.compile(r"\d\s*(?:\"|''|\u201d|\u2033|in\b|inch(?:es)?\b|cm\b|mm\b)?\s*"
                          r"([hwdl])\b", re.I)
_GENERAL_SIZE = frozenset(term(w) for w in ("size", "dimension", "dimensions", "big", "measure",
                                             "measurement", "measurements", "large", "small"))


def dimensions_asked(q: Question) -> frozenset[str]:
    """The dimensions a wh-question asks for by name ("how deep?": d), none when it asks the
    size in general ("how big?", "what are the dimensions?")."""
    # "¿cuánto tarda en hervir?" ("how long does it take") asks for a time
    if q.yes_no or q.content_set & _GENERAL_SIZE or "duration" in q.concepts:
        return frozenset()
    return frozenset(_DIMENSIONS[w] for w in q.content_set if w in _DIMENSIONS)


def dimensions_given(fact: Fact) -> frozenset[str]:
    """The dimensions a sentence gives, by name or by letter ('11" h', "30 inches high")."""
    given = {_DIMENSIONS[w] for w in fact.term_set if w in _DIMENSIONS}
    given |= {m.group(1).lower() for m in _LETTER_MARK.finditer(fact.value)}
    return frozenset(given)


def _other_dimension(q: Question, fact: Fact) -> bool:
    """A question asking for one dimension by name ("how deep?", "what is the width?") and a
    sentence that measures only others."""
    if fact.source == "attribute":
        return False
    asked = dimensions_asked(q)
    given = dimensions_given(fact) if asked else frozenset()
    if "t" in asked:
        asked |= _THICKNESS_GIVEN_AS
    return bool(given) and not asked & given


# "below the waist", "off the ground", "from the wall": a distance to something else
_REFERENCE = re.compile(r"\b(?:below|above|past|beyond|from|off|between|under|over) "
                        r"(?:the |my |your |a |an )?([a-z]+)")


def _distance_unmeasured(q: Question, fact: Fact) -> bool:
    """A question about a distance to something else ("how far does it hang below the
    waist?", "how high off the ground?") and the item's own dimensions, which do not name
    that other thing."""
    if q.yes_no or "dimensions" not in q.concepts or fact.source != "attribute":
        return False
    if "dimensions" not in fact.name_concepts:
        return False
    refs = {term(m.group(1)) for m in _REFERENCE.finditer(q.text)
            if m.group(1) not in STOPWORDS} - WEAK_TERMS - _OWN_EXTENT
    return bool(refs - fact.term_set)


# the item's own ends: "from end to end", "from top to bottom" measure the item itself
_OWN_EXTENT = frozenset(term(w) for w in ("end", "side", "top", "bottom", "edge", "tip",
                                           "corner", "front", "back", "left", "right"))


# "is it possible to fold ...", "can you swap ...", "am i able to mount ...": whether
# something can be done
_ABILITY = re.compile(r"\b(?:possible to|able to|(?:can|could) (?:i|you|we|one))"
                      r"(?: still| also| easily)? ([a-z]+)")


def _action_unsaid(q: Question, fact: Fact) -> bool:
    """A yes/no question whether something can be done and an attribute that meets it only
    by its name: its value shares no word with the question, it names no concept asked, and
    it does not name the doing ("leg style: tapered" for "can i fold the legs?")."""
    match = _ABILITY.search(q.text)
    if not q.yes_no or not match or fact.source != "attribute" or fact.value in ("yes", "no"):
        return False
    if q.content_set & fact.value_terms or term(match.group(1)) in fact.term_set:
        return False
    return not q.concepts & (fact.name_concepts | fact.value_concepts | fact.unit_concepts)


# concepts whose values are words of their own ("mahogany", "red"): a fact about them names one
_VALUE_KINDS = frozenset(("material", "color"))


def _kind_unsaid(q: Question, fact: Fact) -> bool:
    """A question about a material or a colour ("is the frame oak?", "is it red?") and an
    attribute that says nothing of any: neither named for one nor holding a word of its
    kind, nor about anything else the question asks about."""
    kinds = q.concepts & _VALUE_KINDS
    if not kinds or fact.source != "attribute":
        return False
    if q.concepts & (fact.name_concepts | fact.value_concepts | fact.unit_concepts):
        return False
    return not fact.term_set & frozenset().union(*(CONCEPT_ASKED[c] for c in kinds))


# "how do i make it fly?": the verbs that only lead to the doing asked about
_LEADING_VERBS = frozenset(term(w) for w in ("make", "get", "have", "let", "keep", "go", "do"))
_WAY = re.compile(r"\bhow (?:to|do (?:i|you|we|one)|does one|can (?:i|you|we|one)|"
                  r"would (?:i|you|we)|should (?:i|you|we)) ([a-z]+)")


def _way_unsaid(q: Question, fact: Fact) -> bool:
    """A question asking how to do something ("how do i clean the filter?") and a sentence
    or attribute that does not name the doing: it may mention the things ("washable
    filter"), not the way."""
    match = _WAY.search(q.text)
    if not match or (fact.source != "attribute" and not q.procedure):
        return False
    verb = term(match.group(1))
    if verb in _LEADING_VERBS or verb in fact.term_set:
        return False
    # an attribute named for what the verb asks about says how ("how do you connect with
    # this?" -> "connectivity technology: ethernet"); "how do I reset it? it won't connect"
    # is not told by "bluetooth: 5.3"
    return fact.source != "attribute" or not any(
        verb in CONCEPT_ASKED[c] for c in fact.name_concepts)


_BACKWARD = term("backward")
# what says a fact is exclusive ("for windows 7 only"), and what lists several
_EXCLUSIVE = frozenset(term(w) for w in ("only", "exclusively", "solely"))
_SEVERAL = re.compile(r"[,;/]| and | or | & ")


def _exclusive_unsaid(q: Question, fact: Fact) -> bool:
    """Whether it works only with something ("does it only support windows 7?") and a fact
    naming that one thing without saying "only": a list of what it works with is seldom
    complete, so one entry does not say there is no other. A fact listing several says
    "no", and so does a yes/no attribute ("batteries required: no" for "does it work only
    with batteries?")."""
    if not q.only or "compatible" not in q.concepts or fact.value in ("yes", "no"):
        return False
    return not fact.term_set & _EXCLUSIVE and not _SEVERAL.search(fact.value)


_KIND_OF = re.compile(r"\bwhat (?:kinds?|types?|sorts?) of\b")


def _kind_restated(q: Question, fact: Fact) -> bool:
    """"What kind of X?" and an attribute whose value says only X, or its own name ("what
    kind of wood?" -> "material: wood"): it does not say which kind."""
    if q.yes_no or fact.source != "attribute" or not q.asked or not _KIND_OF.search(q.text):
        return False
    return fact.value_terms <= q.asked | fact.name_terms


_HOW = re.compile(r"\W*(?:how (?:do|does|can|should|to)|como)\b")
_WHERE = re.compile(r"\W*(?:where|donde|de donde)\b")
_WHO = re.compile(r"\W*(?:who|quien)\b")
_PLACE_NAMED = re.compile(r"(?<=\s)[A-Z][a-z]+")
# a sentence that introduces the item: "A small-batch candle in a reusable amber glass jar",
# "Two night lights for halls, bathrooms and nurseries."
_INTRODUCES_IT = re.compile(r"(?i)(?:a|an|one|two|three|four)\s")


# a question going on from another ("and on the drill?", "what about the mug?", "¿y la
# tabla?")
_GOING_ON = re.compile(r"^\W*(?:and|also|what about|how about|same for|y|tambien|que tal)\b")
# the concepts a sentence tells only by naming them (a warranty is not told by how to unbox)
_NAMED_ONLY = frozenset(("warranty", "brand", "language"))


def _concept_unsaid(q: Question, fact: Fact, title_terms: frozenset[str]) -> bool:
    """A question about a warranty, a brand or a language and a sentence sharing with it only
    words of the item's title, which does not name it."""
    if not title_terms or not q.concepts & _NAMED_ONLY \
            or fact.source not in ("bullet", "description"):
        return False
    shared = (q.content_set & fact.term_set) - WEAK_TERMS
    return shared <= title_terms and not q.concepts & (fact.value_concepts | fact.unit_concepts)


def _only_the_item_named(q: Question, fact: Fact, title_terms: frozenset[str]) -> bool:
    """A sentence whose only words in common with the question are those naming the item
    (the question's subject, in the item's title: "the desk lamp"), nor does it name or
    measure what is asked: it is about the item, not about what the question asks of it."""
    # "where is the candle made?", "¿cómo se prende la lámpara?": a sentence about the item
    # tells neither where nor how (but "A sampler ... from small Wisconsin creameries" tells
    # where the cheese is from, and "A slim desk lamp for study and office" where to use it)
    asks_where_or_how = not q.yes_no and (
        bool(_HOW.match(q.text))
        or ("origin" in q.concepts and bool(_WHERE.match(q.text)) or bool(_WHO.match(q.text)))
        and not _PLACE_NAMED.search(fact.text))
    # a sentence introducing the item ("A physical gift card mailed in a greeting card.")
    # names it, whatever the question calls it: "what is the PIN for the gift card?"
    introduces = bool(_INTRODUCES_IT.match(fact.text))
    named = q.subject & title_terms or (q.content_set & title_terms if introduces
                                        else frozenset())
    if fact.source not in ("bullet", "description") or not named:
        return False
    asked = q.content_set - named - WEAK_TERMS
    shared = (q.content_set & fact.term_set) - WEAK_TERMS
    # the concepts of the words that ask ("dimmer"), not of the item's name ("bulbs": light)
    concepts = {c for c in q.concepts if CONCEPT_ASKED[c] & (q.content_set - named)}
    return (bool(asked) or asks_where_or_how and introduces) and shared <= named \
        and not concepts & (fact.value_concepts | fact.unit_concepts)
