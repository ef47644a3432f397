"""Questions settled by what the product is made for, whatever the answer: whether it suits an
age by the age range ("is it good for a 4 year old?" -> "ages 3 and up"), whether so many can
play by the players it is for ("can six people play?" -> "2 to 4 players"), whether it can be
used outdoors by where it is for ("can it fly outdoors?" -> "for use indoors only"), whether
it works on a voltage by the range it takes ("does it work with 220v?" -> "input voltage:
100-240 V"). The fact answers yes or no, whichever was asked. Pure: used by bot.product_answers."""

from __future__ import annotations

import re

from bot.facts import ItemFacts
from bot.product_facts import COLOR_WORDS, MATERIAL_VALUES, Fact, item_facts, term, title_words
from bot.product_question import Question, main_question, parse_question
from bot.product_settle import PART_NOUNS

Ranked = list[tuple[float, ItemFacts, Fact, list[float]]]


def range_answer(q: Question, ranked: Ranked) -> tuple[ItemFacts, Fact] | None:
    """The fact giving the range the question asks about, if any."""
    return _age_answer(q, ranked) or _players_answer(q, ranked) or _setting_answer(q, ranked) \
        or _voltage_answer(q, ranked)


# the words of an age range ("recommended for children 6 years and older", "ages 3+")
_AGE_CUES = frozenset(term(w) for w in (
    "age", "ages", "old", "older", "child", "children", "kid", "kids", "toddler", "baby",
    "infant", "teen", "adult", "recommend", "recommended", "boy", "girl", "above", "up"))
# what a question about an age says besides the age ("is this too young for my 2.5 year old?")
_AGE_QUESTION_WORDS = frozenset(term(w) for w in (
    "young", "old", "older", "younger", "good", "okay", "ok", "suitable", "appropriate",
    "right", "safe", "fine", "yr", "yrs", "boy", "girl", "son", "daughter", "grandson",
    "granddaughter", "toddler", "baby", "infant", "teen", "teenager", "adult", "preschooler"))
_AGE_GROUPS = frozenset(term(w) for w in (
    "toddler", "infant", "baby", "teen", "teenager", "adult", "preschooler"))


def _age_answer(q: Question, ranked: Ranked) -> tuple[ItemFacts, Fact] | None:
    """Whether the item suits an age ("is it good for a 4 year old?", "is this for
    toddlers?") is settled by the age range it is made for: the best-ranked fact giving one
    ("age range: 3 years and up", "recommended for children 6 years of age and older")."""
    if not q.yes_no or "age" not in q.concepts or q.alternatives:
        return None
    if not (q.numbers or q.content_set & _AGE_GROUPS):
        return None
    for _, item, fact, _ in ranked:
        if "age" not in fact.unit_concepts or fact.noise or fact.package:
            continue
        if fact.source == "attribute" and "age" not in fact.name_concepts:
            continue
        if fact.source != "attribute" and not fact.term_set & _AGE_CUES:
            continue
        # nothing else asked ("... and can you change her clothes?")
        other = q.focus - fact.term_set - title_words(item.title) - _AGE_QUESTION_WORDS
        if any(not w[0].isdigit() for w in other) or q.parts > 1:
            return None
        return item, fact
    return None



# what a question about the players says besides their number ("can you play it with only
# two people?", "how many players can play this board game?")
_PLAYERS_QUESTION_WORDS = frozenset(term(w) for w in (
    "play", "played", "playing", "people", "person", "persons", "player", "players", "only",
    "just", "at", "once", "time", "same", "together", "game", "need", "needed", "required",
    "require", "minimum", "maximum", "min", "max", "number"))


def _players_answer(q: Question, ranked: Ranked) -> tuple[ItemFacts, Fact] | None:
    """How many can play ("can you play with six people?", "how many players?") is settled by
    the players it is for: the best-ranked fact giving them ("for 2 to 4 players")."""
    if "players" not in q.concepts or q.alternatives or q.parts > 1:
        return None
    if not (q.how_many or q.yes_no and q.numbers):
        return None
    for _, item, fact, _ in ranked:
        if "players" not in fact.unit_concepts or fact.noise or fact.package:
            continue
        other = q.focus - fact.term_set - title_words(item.title) - _PLAYERS_QUESTION_WORDS
        if any(not w[0].isdigit() for w in other):
            return None  # something else asked ("is it fun with two?")
        return item, fact
    return None


_SETTINGS = frozenset(term(w) for w in ("indoor", "outdoor", "outside", "inside"))
# what a question about where it is used says besides where ("can you fly it outdoors?")
_USE_WORDS = frozenset(term(w) for w in (
    "use", "used", "play", "played", "fly", "flown", "ride", "work", "left", "leave", "kept",
    "keep", "stay", "put", "set", "also", "only"))


def _setting_answer(q: Question, ranked: Ranked) -> tuple[ItemFacts, Fact] | None:
    """Whether it can be used outdoors (or indoors) is settled by the best-ranked fact saying
    where it is for ("for use indoors only", "can be used indoors or out"); nothing else
    asked."""
    if not q.yes_no or not q.content_set & _SETTINGS or q.parts > 1 or q.alternatives:
        return None
    for _, item, fact, _ in ranked:
        if not fact.term_set & {term("indoor"), term("outdoor")} or fact.noise or fact.package:
            continue
        other = q.focus - fact.term_set - title_words(item.title) - _USE_WORDS - _SETTINGS \
            - _subject(q)
        return None if other else (item, fact)
    return None


_VOLTS_ASKED = re.compile(r"\b\d+(?:\.\d+)?\s*(?:v|volts?|voltios?|vac|vdc)\b", re.I)
_VOLTAGE_RANGE = re.compile(r"\b\d+(?:\.\d+)?\s*(?:v|volts?|vac)?\s*(?:-|–|~|to)\s*"
                            r"\d+(?:\.\d+)?\s*(?:v|volts?|vac)\b", re.I)
# what a question about a voltage says besides it ("can i use it in europe on 230 volts?",
# "¿el cargador sirve para 220v?")
_VOLTAGE_QUESTION_WORDS = frozenset(term(w) for w in (
    "work", "works", "use", "used", "run", "plug", "plugged", "outlet", "socket", "wall",
    "power", "powered", "support", "supports", "handle", "volt", "volts", "voltage", "travel",
    "europe", "european", "uk", "mexico", "country", "countries", "abroad", "international",
    "also", "only", "sirve", "funciona", "usar", "enchufe", "voltaje"))


def _voltage_answer(q: Question, ranked: Ranked) -> tuple[ItemFacts, Fact] | None:
    """Whether it works on a voltage ("does it work with 220v?") is settled by the range of
    voltages it takes: the best-ranked fact giving one ("input voltage: 100-240 V")."""
    if not q.yes_no or q.alternatives or q.parts > 1 or len(_VOLTS_ASKED.findall(q.text)) != 1:
        return None
    for _, item, fact, _ in ranked[:3]:
        if not _VOLTAGE_RANGE.search(fact.text) or fact.noise or fact.package:
            continue
        other = q.focus - fact.term_set - title_words(item.title) - _VOLTAGE_QUESTION_WORDS
        if any(not w[0].isdigit() for w in other):
            return None  # something else asked ("does it work with 220v in my car?")
        return item, fact
    return None


# "can the helicopter be used outside?": where the item is for is where its parts are, so
# the thing the question is about (named before the verb) need not be in the fact
_SUBJECT = re.compile(r"^(?:can|could|will|would|should|is|are|does|do) (?:the|this|these|"
                      r"those|my|your) ([a-z]+) (?:be|go|stay|work|fly|ride)\b")


def _subject(q: Question) -> frozenset[str]:
    match = _SUBJECT.search(q.text)
    return frozenset((term(match.group(1)),)) if match else frozenset()


# -- a value asked about, settled by the item's own ----------------------------------------
# "is the blanket wool?" -> "material: 100% cotton"; "¿la lámpara es blanca?" -> "color:
# black"; "is the mug 16 oz?" -> "capacity: 12 oz"; "is the mattress a king?" -> "size:
# Queen": the attribute giving the item's value of that kind answers yes or no, whichever.

# the values of a kind, and the attribute named for it
_VALUE_KINDS = (
    (MATERIAL_VALUES, frozenset(term(w) for w in ("material", "fabric"))),
    (COLOR_WORDS - {term("color"), term("clear"), term("transparent")},
     frozenset((term("color"), term("colour")))),
    (frozenset(term(w) for w in ("twin", "queen", "king", "xs", "xl", "xxl")),
     frozenset((term("size"),))),
)
# the values that name a class of others ("is it metal?" -> "material: steel"), which the
# attribute settles only by what the customer knows of them
_CLASSES = frozenset(term(w) for w in ("metal", "wood", "plastic", "fabric", "foam"))
# the concepts a question about a value of a kind may name beside it
_KIND_CONCEPTS = (frozenset(("material", "allergen")), frozenset(("color", "light")),
                  frozenset(("dimensions", "fit")))
_FAMILY_CONCEPTS = {
    "power": frozenset(("power", "light")), "light": frozenset(("light",)),
    "kelvin": frozenset(("color", "light")), "charge": frozenset(("battery", "power")),
    "ounces": frozenset(("capacity", "weight")), "mass": frozenset(("weight",)),
    "litres": frozenset(("capacity",)),
    "voltage": frozenset(("voltage", "power", "compatible")),
    "area": frozenset(("dimensions", "fit"))}
# a question saying what the item is ("is it wool?", "¿es de maple?", "does it come in
# black?"), not what it works on or with ("does it work on polyester?")
_IS_IT = re.compile(r"^\W*(?:is|are|was|es|son|esta|estan|(?:el|la|los|las|mi|mis|este|esta|"
                    r"estos|estas)(?: [a-z]+){1,4}? (?:es|son|esta|estan)|(?P<come>do(?:es)? "
                    r"(?:it|they|this|these|the [a-z]+(?: [a-z]+)?) come in))\b")
# a number in a unit, by the kind the unit measures (lengths are left out: an item has many)
_UNIT_FAMILIES = (
    ("power", r"w|watts?|vatios?|watios?"),
    ("light", r"lm|lumens?|lumenes"),
    ("kelvin", r"k|kelvin"),
    ("charge", r"mah"),
    ("ounces", r"oz|ounces?|onzas?|fl\.? ?oz"),
    ("mass", r"lbs?|pounds?|kg|kilos?|kilograms?|libras?"),
    ("litres", r"l|liters?|litres?|litros?"),
    ("voltage", r"v|volts?|voltios?"),
)
_QUANTITY = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)?)\s*(?:" + "|".join(
    f"(?P<{kind}>{forms})" for kind, forms in _UNIT_FAMILIES) + r")(?![a-z0-9])", re.I)
_AREA = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:x|by|por)\s*(\d+(?:\.\d+)?)(?![\d.])", re.I)
# what a question about a value says besides it ("is it real wool?", "is the charger ok for
# 220v?", "¿los focos son luz blanca fría? tipo 5000k")
_VALUE_QUESTION_WORDS = frozenset(term(w) for w in (
    "ok", "okay", "fine", "real", "really", "actually", "exactly", "true", "pure", "solid",
    "genuine", "100", "made", "kind", "type", "tipo", "size", "sized", "rated", "wattage",
    "watt", "watts", "power", "lumen", "lumens", "bright", "brightness", "light", "color",
    "colour", "temperature", "warm", "cool", "cold", "white", "daylight", "soft", "tone",
    "capacity", "hold", "holds", "big", "weigh", "weighs", "weight", "heavy", "voltage",
    "volt", "volts", "work", "works", "use", "used", "run", "plug", "outlet", "charge",
    "battery", "mah"))


def value_answer(q: Question, items: tuple[ItemFacts, ...]) -> tuple[ItemFacts, Fact] | None:
    """The attribute giving the item's value of the kind a yes/no question names one of
    ("is it wool?": the material), whether or not it is that value. Only of one item, with
    the question asking nothing else; a statement after it about the customer is not asked
    ("is it wool? my son is allergic to wool")."""
    asked = asked_alone(q)
    if not asked.yes_no or asked.alternatives or asked.parts > 1 or len(items) != 1:
        return None
    item = items[0]
    found = _valued_attribute(asked, item)
    if found is None:
        return None
    fact, said, concepts = found
    # what it is, not what it works on ("does it work on polyester?"); a voltage is what it
    # works on ("does it work on 220v?")
    is_it = _IS_IT.search(asked.text)
    if "voltage" not in concepts and not is_it:
        return None
    if is_it and is_it.group("come"):
        concepts |= {"included"}  # "does it come in black?"
    if asked.concepts - concepts:
        return None  # something else asked ("is this for small children?")
    title = title_words(item.title)
    # the words naming the item (a part is not the item: "is the lid black?")
    named = asked.subject if asked.subject & title else frozenset()
    other = asked.focus - fact.term_set - title - named - said - _VALUE_QUESTION_WORDS
    # (a part the title lists is still a part: "Arc Floor Lamp, ..., Linen Drum Shade")
    if other or asked.subject & PART_NOUNS:
        return None
    return item, fact


# a few words after the question that only add to it ("... blanca fría? tipo 5000k")
_ADDED = re.compile(r"^([^?]+)\?+\s*((?:\S+\s*){1,3})$")


def asked_alone(q: Question) -> Question:
    """The question without a statement after it about the customer ("is it wool? my son is
    allergic to wool"), or with a few words after it read as part of it ("¿son luz blanca
    fría? tipo 5000k"); else the question itself."""
    head = main_question(q.text)
    if head:
        return parse_question(head)
    added = _ADDED.match(q.text)
    if q.parts == 2 and added and not _ASKS.match(added.group(2)):
        return parse_question(f"{added.group(1)} {added.group(2).strip(' .!')}?")
    return q


_ASKS = re.compile(r"(?:and|also|y|o|or|is|are|does|do|can|what|how|que|cual|cuanto|como|se)\b")



def _valued_attribute(q: Question, item: ItemFacts
                      ) -> tuple[Fact, frozenset[str], frozenset[str]] | None:
    """The item's one attribute of the kind of the value the question names, the words
    naming that value, and the concepts a question about it may name."""
    facts = [f for f in item_facts(item)[0]
             if f.source == "attribute" and not f.noise and not f.package]
    quantities = list(_QUANTITY.finditer(q.text))
    areas = list(_AREA.finditer(q.text))
    if len(quantities) + len(areas) > 1:
        return None
    if not quantities and not areas:
        return _kind_valued(q, facts, item)
    if areas:
        kind = [f for f in facts if _AREA.search(f.value)]
        numbers = set(areas[0].groups())
        family = "area"
    else:
        family = quantities[0].lastgroup or ""
        kind = [f for f in facts if any(m.lastgroup == family for m in _QUANTITY.finditer(f.value))]
        numbers = {quantities[0].group(1)}
        if family == "voltage" and not (kind and _mains(quantities[0].group(1))
                                        and all(_mains(m.group(1)) for m in
                                                _QUANTITY.finditer(kind[0].value)
                                                if m.lastgroup == "voltage")):
            return None  # a battery's or an adapter's volts settle nothing of a wall outlet
    if len(kind) != 1:
        return None
    token_numbers = {t for t in q.focus if t[0].isdigit()}
    return kind[0], frozenset(token_numbers | {term(n) for n in numbers}), \
        _FAMILY_CONCEPTS[family]


def _kind_valued(q: Question, facts: list[Fact], item: ItemFacts
                 ) -> tuple[Fact, frozenset[str], frozenset[str]] | None:
    """The attribute of the material, colour or size the question names one of."""
    for (values, names), concepts in zip(_VALUE_KINDS, _KIND_CONCEPTS, strict=True):
        said = q.content_set & values
        if not said:
            continue
        if said & _CLASSES:
            return None
        kind = [f for f in facts if f.name_terms & names and not f.name_terms & _OTHER_NAMES]
        if len(kind) != 1 or len(said) > 2:
            return None
        # no other fact may say the value asked where the attribute does not ("cotton
        # lining" beside "material: polyester")
        if not said <= kind[0].value_terms and any(
                said & f.term_set for f in item_facts(item)[0] if f is not kind[0]
                and f.source != "title"):
            return None
        return kind[0], said | names, concepts
    return None


# attributes named for something else beside the kind ("color temperature")
_OTHER_NAMES = frozenset(term(w) for w in ("temperature", "temp"))


def quantities_only(q: Question) -> bool:
    """Whether every model name read in the question is a quantity in a unit ("5000k")."""
    found = {m.group(0).replace(" ", "") for m in _QUANTITY.finditer(q.text)}
    return all(code in found for code in q.codes)


def _mains(number: str) -> bool:
    return 100 <= float(number.replace(",", ".")) <= 250


# -- the heat it takes -------------------------------------------------------------------
# "what temp can the spatulas take in celsius?", "how hot can it get?", "¿qué temperatura
# aguanta?": the attribute of the heat it is made to take ("heat resistance: 600 °F")
_HEAT_ASKED = re.compile(r"\b(?:what|which|how much|que|cual|cuanta|hasta que)\s+(?:max(?:imum)?\s+)?"
                         r"(?:temp|temps|temperature|temperatures|temperatura|heat|calor)\b|"
                         r"\bhow hot\b|\bhasta cuantos grados\b")
_HEAT_NAMES = frozenset(term(w) for w in ("heat", "temperature"))
# an oven's heat only when the oven is asked ("oven safe: 500 °F" is not how hot it can get on
# a campfire)
_OVEN = frozenset(term(w) for w in ("oven", "horno"))
_DEGREES_GIVEN = re.compile(r"\d\s*(?:\u00b0\s*[fc]?|degrees?\b)", re.I)
# what a question about the heat it takes says besides it
_HEAT_QUESTION_WORDS = frozenset(term(w) for w in (
    "temp", "temps", "temperature", "heat", "hot", "take", "handle", "withstand", "stand",
    "get", "go", "max", "maximum", "safe", "resistant", "resist", "resistance", "degree",
    "degrees", "celsius", "fahrenheit", "aguanta", "soporta", "resiste", "calor",
    "temperatura"))


def heat_answer(q: Question, items: tuple[ItemFacts, ...]) -> tuple[ItemFacts, Fact] | None:
    """The one attribute of the heat the item takes, for a question asking how much; only
    of one item, and nothing else asked (not "how hot does the water get in the oven?")."""
    if q.yes_no or q.parts > 1 or len(items) != 1 or not _HEAT_ASKED.search(q.text):
        return None
    item = items[0]
    facts = [f for f in item_facts(item)[0] if f.source == "attribute" and not f.noise
             and not f.package and f.name_terms & (_HEAT_NAMES | _OVEN & q.content_set)
             and _DEGREES_GIVEN.search(f.value)]
    if len(facts) != 1:
        return None
    other = q.content_set - title_words(item.title) - q.subject - _HEAT_QUESTION_WORDS \
        - facts[0].term_set
    return None if other else (item, facts[0])
