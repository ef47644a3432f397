"""What a question asks for that only a fact saying it answers, whatever else the fact
shares with it: a figure of its own ("how much ram?" is not answered by "technology ddr4"), a
colour's name, an age, the weight an item bears rather than its own (or the other way round),
the state a figure is of ("maximum size", "when shipped"), whether batteries come with the
item. Each is a predicate of `bot.product_settle.UNSETTLING_RULES`, named as the rule."""

from __future__ import annotations

import re

from bot.product_facts import COLOR_WORDS, Fact, term
from bot.product_question import Question

# the weight a thing bears, asked; and a fact that tells one
_ASKS_WEIGHT_LIMIT = re.compile(r"(?i)\bweight (?:limit|capacity|max|maximum|rating)|\b(?:max|"
                                r"maximum) (?:weight|load)|\bhow much weight\b|\bhow (?:heavy|"
                                r"much) (?:a|of a|can|will|does)\b.*\b(?:hold|support|carry|bear|"
                                r"take)|\bpeso m[aá]ximo\b|\bcu[aá]nto peso (?:aguanta|soporta|"
                                r"resiste)")
_TELLS_A_LIMIT = re.compile(r"(?i)\b(?:limit|limits|max|maximum|capacity|up to|hold|holds|"
                            r"support|supports|supporting|load|bear|bears|rated|recommend\w*|"
                            r"carr(?:y|ies)|withstand\w*|m[aá]ximo|soporta|aguanta|hasta)\b")
_ASKS_AGE = re.compile(r"(?i)\b(?:what|which) ages?\b|\bhow old\b|\bage (?:range|group|limit)|"
                      r"\bqu[eé] edad\b|\bpara (?:qu[eé]|cu[aá]l) edad")
_AN_AGE_IN_WORDS = re.compile(r"(?i)\ball ages\b|\badults?\b|\btoddlers?\b|\binfants?\b|"
                              r"\bnewborns?\b|\bteens?\b|\bteenagers?\b|\bpreschool\w*|"
                              r"\bgrown-?ups?\b|\bseniors?\b")
# whether batteries come with the item, asked; and a fact that says so (or that none is needed)
_ASKS_BATTERIES_COME = re.compile(
    r"(?i)\bbatter(?:y|ies|ys|yes)\b[\w\s]{0,12}\b(?:includ\w*|come with it|come with this)|"
    r"\b(?:includ\w*|comes? with|come with)\b(?: the| any| its)? batter(?:y|ies|ys|yes)\b|"
    r"\b(?:vienen?|incluye\w*|trae)\b(?: las| los| con)? (?:pilas|baterias?)\b|"
    r"\b(?:pilas|baterias?) incluid\w*")
_SAYS_BATTERIES_COME = re.compile(r"(?i)\bincluded?\b|\bincludes\b|\bincluding\b|\bcomes? with\b|"
                                  r"\bwith (?:\w+ )?batter|\brequired\b|\bnot needed\b|"
                                  r"\bno batter|\bbuilt-in\b|\bincluid|\bsold separately\b|"
                                  r"\bse venden? por separado")
# the measures a state changes, and the states a figure may be of
_MEASURED_STATES = frozenset(("dimensions", "weight", "storage"))
_STATE_SAID = re.compile(r"(?i)\b(?:(?:maximum|max|minimum|min) (?:size|weight|memory|ram|storage|"
                         r"capacity)|when shipped|as shipped|at shipping|shipped at|"
                         r"(?:tama[nñ]o|peso|memoria) m[aá]xim[oa])\b")
# the item's own weight asked
_ASKS_OWN_WEIGHT = re.compile(r"(?i)\bhow (?:much|heavy) (?:does|do|is|are) (?:it|they|this|these|"
                              r"the \w+)(?: \w+)? weighs?\b|\bhow heavy\b|\bwhat(?: is|'s|s) the "
                              r"(?:\w+ )?weight\b|\bcu[aá]nto pesa")
# the questions only a figure answers (not "how big?", which "size: queen" answers)
_ASKS_A_FIGURE = re.compile(r"(?i)\bhow (?:many|much|long|tall|wide|heavy|deep|thick|high)\b|"
                            r"\bcu[aá]nt[oa]s?\b")
# a figure of its own, in digits or in words (not the 4 of "ddr4", the 3 of "v3"), or none
# ("sugar free", "decaffeinated")
_STANDALONE_FIGURE = re.compile(r"(?i)(?<![a-z])\d|\b(?:one|two|three|four|five|six|seven|"
                                r"eight|nine|ten|eleven|twelve|dozen|single|double|dual|twice|"
                                r"pair|half|hundreds|thousands|dozens|none|free|unlimited|"
                                r"decaffeinated|uno|una|dos|tres|cuatro|cinco|doble)\b")

# which colour, asked
_COLOR_ASKED = re.compile(r"(?i)\b(?:what|which|que|qu\u00e9) colou?r\b")


def tells_a_limit(text: str) -> bool:
    """Whether the words tell what an item bears or holds ("up to 50 lb", "capacity")."""
    return bool(_TELLS_A_LIMIT.search(text))


def figure_not_given(q: Question, fact: Fact) -> bool:
    """"how many hdmi ports?", "how much ram?": a fact with no figure of its own."""
    return not q.yes_no and bool(_ASKS_A_FIGURE.search(q.text)) and not _STANDALONE_FIGURE.search(
        fact.value if fact.source == "attribute" else fact.text)


def age_not_given(q: Question, fact: Fact) -> bool:
    """"what age is it for?": a fact that gives no age ("all the tools kids need")."""
    return not q.yes_no and bool(_ASKS_AGE.search(q.text)) \
        and "age" not in fact.unit_concepts | fact.name_concepts \
        and not _AN_AGE_IN_WORDS.search(fact.text)


def own_weight_for_limit(q: Question, fact: Fact) -> bool:
    """"whats the weight limit per kid?": not the item's own "overall weight 28 lbs."."""
    return bool(_ASKS_WEIGHT_LIMIT.search(q.text)) and not tells_a_limit(fact.text)


def limit_for_own_weight(q: Question, fact: Fact) -> bool:
    """"how much does the trike weigh?": not "maximum weight capacity 49 lbs"."""
    return bool(_ASKS_OWN_WEIGHT.search(q.text)) and not _ASKS_WEIGHT_LIMIT.search(q.text) \
        and tells_a_limit(fact.text)


def other_state_measured(q: Question, fact: Fact) -> bool:
    """"how much ram?": not "maximum size 8 gb"; "how tall will it get?": not "3-4ft when
    shipped": a figure of another state than the one asked."""
    return not q.yes_no and bool(q.concepts & _MEASURED_STATES) \
        and bool(_STATE_SAID.search(fact.text)) and not _STATE_SAID.search(q.text)


def batteries_taken_for_included(q: Question, fact: Fact) -> bool:
    """"are batteries included?": not "num batteries: 4 aa", how many it takes."""
    return bool(_ASKS_BATTERIES_COME.search(q.text)) and not _SAYS_BATTERIES_COME.search(fact.text)


def color_for_material(q: Question, fact: Fact) -> bool:
    """"are they real linen?": not "color: natural linen", a colour's name."""
    return "material" in q.concepts and fact.source == "attribute" \
        and "color" in fact.name_concepts and "material" not in fact.name_concepts


def color_unsaid(q: Question, fact: Fact) -> bool:
    """A question which colour, and a fact naming none: a sentence without a colour's name,
    another attribute without one, or a colour attribute whose value is a figure (not a
    colour temperature: "6500k - daylight")."""
    if not _COLOR_ASKED.search(q.text) or _COLOR_TEMPERATURE.search(q.text):
        return False
    # (a colour sub-field names it too: "dial: color crystal pave")
    if fact.source == "attribute" and ("color" in fact.name_concepts
                                       or term("color") in fact.value_terms):
        return bool(_DIGIT_ONLY.search(fact.value)) and not fact.value_terms & _COLOR_NAMES
    return not fact.term_set & _COLOR_NAMES


_COLOR_NAMES = COLOR_WORDS - {term("color")} | frozenset(term(w) for w in (
    "grey", "cream", "multicolor", "multicolored", "multi", "rainbow", "natural", "chrome",
    "bronze", "copper", "nickel", "espresso", "charcoal", "khaki", "olive", "teal", "turquoise",
    "maroon", "burgundy", "coral", "mint", "lavender", "violet", "aqua", "champagne", "rose",
    "blanco", "negro", "rojo", "azul", "verde", "amarillo", "gris", "rosa", "morado", "cafe",
    "dorado", "plateado", "transparente"))
_DIGIT_ONLY = re.compile(r"\d")
_COLOR_TEMPERATURE = re.compile(r"(?i)\bcolou?r temp|\btemperatura de color")
