"""Product questions answered from the product detail data, never invented: an answer always
quotes the fact it rests on, and a question the data does not settle gets no answer (the
engine then asks the seller). Pure: no I/O, no clock.

How a question is answered:

1. Questions the detail data cannot settle by nature are recognised first and get no
   answer: shipping and delivery, price, returns, the seller's stock, listings and other
   variants ("does it come in other colors?"), opinions and other shoppers' experience,
   comparisons with other products, sizing advice, troubleshooting ("why", "what if").
   The question is understood (bot.product_question): its key words, the concepts it asks
   about, yes/no or wh, model names, quantities compared, the choices of "A or B?", what a
   wh-question asks for by name, the words naming the item itself ("this mannequin head").
2. Every fact of every item is a candidate (bot.product_facts): each attribute ("item weight:
   2.2 lb"), each sentence of the bullets and of the description. The title is not a
   candidate when the item has other facts; when it matches the question better than every
   fact, the question is about the product as a whole ("is this the right part for my
   model?") and is left to the seller.
3. Each candidate gets features that tie it to the question: the concept asked about
   (weight, dimensions, colour, material, voltage, capacity, age, compatibility, firmness,
   connectivity, ...) and the attribute named for it, a value in the unit asked for ("how
   tall" wants a length), the question's words in the attribute's name and value or in the
   sentence (weighted by how rare they are among the product's facts), word pairs, model
   numbers, words the fact leaves unanswered. A logistic model ranks the candidates
   (`WEIGHTS`).
4. A wh-question about a concept is answered by the attribute named for it when there is one
   (`_direct_answer`: "what kind of metal?" -> "metal type", "how deep can it go in the
   water?" -> "water resistance depth"); whether it suits an age by the age range it is made
   for (bot.product_ranges; how many can play as well); whether it comes with something,
   how many of something, whether it needs something, whether it works with a model, one
   dimension, by the fact that says so (bot.product_stated: "includes 4 jr. glow rockets",
   "batteries required: yes", "works with models: ...", '26" h x 16" w x 3" d').
5. Some facts never settle the question, however well they match (bot.product_settle): one
   that does not name the model asked about nor another of its kind ("does it fit the
   SGH-I337?"; "platform: windows 7" does settle "windows 8?"), that names neither choice of
   "A or B?" (unless it is the attribute for what they are), an attribute of another kind,
   one that does not count what "how many X" counts, that does not measure the quantity
   a "how heavy / how long" question asks for, the item's weight for the
   shipping weight, a yes/no attribute about something else ("batteries included: no" for
   "are the caps included?"), one that leaves unsaid the customer's own thing ("will it fit
   my honda civic hatchback?"), how low it goes, the dimension or the doing asked about, a
   material or colour asked, or which kind ("what kind of wood?" -> "material: wood"),
   backward compatibility, what else to use with it, whether it works with nothing else.
6. A second logistic model decides whether the chosen fact is an answer at all
   (`DECISION_WEIGHTS`, over its score, its lead over a runner-up that says something else,
   and the kind of question); it answers only above `ANSWER_THRESHOLD`, set for precision.
   Some answers need no such confidence because the fact says exactly what was asked
   (`_sure_answer`).

Both models were fitted on the tuning halves of the product-QA dev sets, never on their
reporting halves (`python -m bench.product_answers --fit`; see bot/evaluation/product_qa.py).

Spanish questions are understood for the common attributes (medidas, peso, material, color,
bateria, voltaje, tamano, capacidad, ...) by mapping their words onto English ones; the
product data itself is English.
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass

from bot.facts import ItemFacts
from bot.product_facts import (
    ALL_CONCEPT_WORDS,
    COLOR_WORDS,
    CONCEPT_ASKED,
    CONCEPT_NAME_WORDS,
    CONCEPT_TEXT_WORDS,
    MATERIAL_VALUES,
    NOT_TEXT_CUES,
    UNIT_OF,
    WEAK_TERMS,
    Fact,
    item_facts,
    sentences,
    title_words,
)
from bot.product_question import Question, not_from_product_data, parse_question
from bot.product_ranges import (
    asked_alone,
    heat_answer,
    quantities_only,
    range_answer,
    value_answer,
)
from bot.product_settle import (
    EACH,
    GENERIC_NAME_WORDS,
    MEASURED,
    PIECE_WORDS,
    does_not_settle,
    names_choice_kind,
    unsettled_by,
)
from bot.product_stated import stated_answer
from bot.product_vocabulary import convert_units

# what the rest of the bot and the evaluation use from here
__all__ = ["ProductAnswer", "Unsettled", "answer_product_question", "convert_units",
           "not_from_product_data", "rank", "sentences", "settle_product_question"]

# -- the answer -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProductAnswer:
    asin: str
    title: str
    evidence: str          # the product fact, as written in the detail data
    attribute: str | None  # the attribute's name when the fact is an attribute
    source: str = "attribute"   # "attribute" | "bullet" | "description" | "title"
    score: float = 0.0          # the calibrated confidence that the fact answers (0..1)
    conversion: str | None = None  # the fact's quantities in the other unit system

    @property
    def sentence(self) -> str:
        """What the customer reads: the fact, and its conversion when it has units."""
        return f"{self.evidence} ({self.conversion})" if self.conversion else self.evidence


# -- scoring ----------------------------------------------------------------------------------
# Each candidate fact gets a vector of features; a logistic model turns it into the chance
# that the fact answers the question. The weights were fitted on the tuning halves of the dev
# sets (bench/product_answers.py --fit) and the threshold set for precision.

FEATURES = (
    "bias", "bullet", "description", "title",
    "concept_name", "concept_value", "concept_unit", "concept_text_unit_only",
    "name_hits", "name_frac", "name_focus", "value_focus", "value_weight", "coverage",
    "focus_coverage", "focus_missed", "entity_matched", "entity_missed", "compatible_missed",
    "pairs", "text_length", "noise", "package_mismatch", "package_question_item_attribute",
    "yes_no", "yes_no_missed", "how_many_number", "other_name_better",
    "attribute_no_tie", "parts", "question_length", "no_concept", "foreign_missed",
    "attribute_concept_elsewhere", "wh_concept_attribute", "all_focus_matched",
    "counted_missed", "name_part_unasked", "asked_in_name", "concepts_named", "other_unit",
    "yes_no_value",
)


def _word_weight(word: str, idf: dict[str, float]) -> float:
    return idf.get(word, 1.0) * (0.35 if word in WEAK_TERMS else 1.0)


@dataclass(frozen=True)
class _Context:
    """What the features of one fact need to know about the item's other facts."""
    best_name_hits: int           # most question words in any attribute's name
    name_words: frozenset[str]    # the question's words an attribute's name may hold: not
                                  # those naming the item ("is the phone case silicone?")
    concept_attribute: bool       # some attribute's name is the concept asked about
    item_concept_attribute: bool  # ... and is about the item, not its package
    title_terms: frozenset[str]   # the item's title words: the question's "it"
    total_weight: float           # the question words' weights, summed


def _features(q: Question, fact: Fact, weight: dict[str, float], ctx: _Context) -> list[float]:
    """`weight`: each question word's weight among this item's facts."""
    content = q.content_set
    terms = fact.term_set
    matched = content & terms
    total = ctx.total_weight
    got = sum(weight[w] for w in matched)
    is_attr = fact.source == "attribute"
    name_hits = len(ctx.name_words & fact.name_terms)
    name_focus = len(q.focus & fact.name_terms)
    value_matched = (content & fact.value_terms) - fact.name_terms if is_attr else matched
    value_weight = sum(min(weight[w], 2.5) for w in value_matched)
    concept_name = bool(q.concepts & fact.name_concepts)
    concept_value = bool(q.concepts & fact.value_concepts)
    unit_concepts = {c for c in q.concepts if UNIT_OF.get(c) is not None
                     and UNIT_OF[c].search(fact.value)}
    concept_words = {c for c in q.concepts if terms & CONCEPT_TEXT_WORDS[c]}
    # the question's words that name the item itself ("is the speaker waterproof?") are in
    # its title; a fact need not repeat them
    focus = q.focus - ctx.title_terms if fact.source != "title" else q.focus
    focus_hits = len(focus & terms)
    focus_missed = len(focus) - focus_hits
    entity_hits = len(q.entities & fact.raw)
    pairs = sum(1 for a, b in zip(q.content, q.content[1:], strict=False)
                if a in terms and b in terms)
    return [
        1.0,
        float(fact.source == "bullet"),
        float(fact.source == "description"),
        float(fact.source == "title"),
        float(concept_name),
        float(concept_value and not concept_name),
        float(bool(unit_concepts)),
        float(not is_attr and bool(unit_concepts) and not concept_words),
        float(min(name_hits, 3)),
        name_hits / len(fact.name_terms) if fact.name_terms else 0.0,
        float(min(name_focus, 2)),
        float(min(len(q.focus & fact.value_terms), 3)) if is_attr else 0.0,
        min(value_weight, 8.0),
        got / total,
        focus_hits / len(focus) if focus else 1.0,
        float(min(focus_missed, 4)),
        float(min(entity_hits, 2)),
        float(min(len(q.entities) - entity_hits, 2)),
        float("compatible" in q.concepts and focus_missed > 0),
        float(min(pairs, 4)),
        0.0 if is_attr else math.log1p(len(fact.terms)),
        float(fact.noise),
        # the package's weight answers "how heavy is it?" only when nothing else does
        float(fact.package and not q.package
              and (ctx.item_concept_attribute or not concept_name)),
        float(q.package and is_attr and concept_name and not fact.package),
        float(q.yes_no),
        float(q.yes_no and focus_missed > 0),
        float(q.how_many and bool(fact.numbers)),
        float(ctx.best_name_hits > name_hits and is_attr),
        float(is_attr and not (concept_name or concept_value or name_hits or value_matched)),
        float(min(q.parts, 3) - 1),
        float(min(len(q.content), 12)) / 4.0,
        float(not q.concepts),
        float(min(len(q.focus - terms - ctx.title_terms), 3)),
        float(ctx.concept_attribute and not (is_attr and concept_name)),
        float(is_attr and concept_name and not q.yes_no and not (q.focus - terms - ctx.title_terms)),
        float(bool(focus) and focus_missed == 0),
        float(q.counted is not None and q.counted not in terms and not concept_name),
        float(is_attr and bool(fact.name_terms - GENERIC_NAME_WORDS - ALL_CONCEPT_WORDS
                                - q.content_set)),
        float(is_attr and bool(q.asked & fact.name_terms)),
        float(min(len(q.concepts & fact.name_concepts), 2)),
        # a value measured in another unit than what is asked ("how many?" -> "0.2 kg")
        float(bool(fact.unit_concepts) and bool(q.concepts)
              and not fact.unit_concepts & q.concepts
              and (is_attr or q.concepts != {"count"})),
        # "yes" or "no" answers "is it ...?", never "what ...?" or "how ...?"
        float(is_attr and not q.yes_no and fact.value in ("yes", "no")),
    ]


# fitted weights (bench/product_answers.py --fit), in the order of FEATURES
WEIGHTS = (
    -1.916,  # bias
    0.47,  # bullet
    0.735,  # description
    0.0,  # title
    0.0,  # concept_name
    1.629,  # concept_value
    0.218,  # concept_unit
    0.777,  # concept_text_unit_only
    -0.526,  # name_hits
    0.653,  # name_frac
    2.291,  # name_focus
    0.0,  # value_focus
    0.0,  # value_weight
    1.732,  # coverage
    0.288,  # focus_coverage
    0.0,  # focus_missed
    0.0,  # entity_matched
    -0.218,  # entity_missed
    0.0,  # compatible_missed
    0.486,  # pairs
    -0.054,  # text_length
    -2.003,  # noise
    -3.464,  # package_mismatch
    0.0,  # package_question_item_attribute
    0.106,  # yes_no
    0.0,  # yes_no_missed
    0.824,  # how_many_number
    -1.232,  # other_name_better
    -0.755,  # attribute_no_tie
    0.426,  # parts
    -0.349,  # question_length
    0.049,  # no_concept
    0.0,  # foreign_missed
    -0.737,  # attribute_concept_elsewhere
    0.928,  # wh_concept_attribute
    0.0,  # all_focus_matched
    -0.06,  # counted_missed
    -0.498,  # name_part_unasked
    0.237,  # asked_in_name
    1.901,  # concepts_named
    -0.855,  # other_unit
    -3.675,  # yes_no_value
)


def _candidates(q: Question, items: tuple[ItemFacts, ...]):
    """(item, fact, features) for every fact of every item."""
    out = []
    for item in items:
        facts, idf = item_facts(item)
        # the words naming the item say little: every fact is about it
        weight = {w: _word_weight(w, idf) * (0.35 if w in q.item else 1.0)
                  for w in q.content_set}
        title_terms = title_words(item.title)
        name_words = q.content_set - title_terms - q.item
        ctx = _Context(
            name_words=name_words,
            best_name_hits=max((len(name_words & f.name_terms) for f in facts
                                if f.source == "attribute"), default=0),
            concept_attribute=any(q.concepts & f.name_concepts for f in facts
                                  if f.source == "attribute" and not f.noise),
            item_concept_attribute=any(q.concepts & f.name_concepts for f in facts
                                       if f.source == "attribute" and not f.noise
                                       and not f.package),
            title_terms=title_terms,
            total_weight=sum(weight.values()) or 1.0)
        for fact in facts:
            out.append((item, fact, _features(q, fact, weight, ctx)))
    return out


def _probability(features: list[float], weights: tuple[float, ...]) -> float:
    if len(features) != len(weights):
        raise ValueError("features and weights differ in length")
    return _sigmoid(sum(map(operator.mul, weights, features)))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


# The decision: given the ranked candidates, is the best one an answer? A second logistic
# model over the best candidate, its lead over the runner-up and the kind of question.
LONE_RIVAL = 0.25
# A title that matches the question better than every fact leaves it to the seller, unless
# the best fact is itself this likely to answer, or is about the concept asked.
TITLE_OVERRULED = 0.6
DECISION_FEATURES = (
    "bias", "top_logit", "margin", "strong_rivals", "yes_no", "question_length",
    "no_concept", "top_attribute_concept", "top_text", "top_title", "focus_count",
    "foreign_missed", "focus_coverage", "entity_missed", "direct_hit", "named_hit",
    "top_coverage", "top_pairs", "yes_no_value", "alternative_named", "concept_unit",
)


def _decision_features(q: Question, ranked: list[tuple[float, ItemFacts, Fact, list[float]]]
                       ) -> list[float]:
    p1, _, top, f = ranked[0]
    # the runner-up that says something else (an attribute and a bullet giving the same
    # quantity agree; they are not rivals)
    rival = next((p for p, _, fact, _ in ranked[1:] if fact.text != top.text
                  and not (top.numbers and fact.numbers & top.numbers)), 0.0)
    # a product with a single fact has no runner-up; the lead is then over a typical one, not
    # unbounded (a lone fact is no surer for being alone)
    rival = max(rival, LONE_RIVAL)
    named = dict(zip(FEATURES, f, strict=True))
    return [
        1.0,
        _logit(p1),
        min(_logit(p1) - _logit(rival), 6.0),
        float(min(sum(1 for p, _, fact, _ in ranked[1:] if p > 0.5
                      and not (top.numbers and fact.numbers & top.numbers)), 3)),
        float(q.yes_no),
        float(min(len(q.content), 12)) / 4.0,
        float(not q.concepts),
        float(top.source == "attribute" and named["concept_name"] > 0),
        float(top.source in ("bullet", "description")),
        float(top.source == "title"),
        float(min(len(q.focus), 6)),
        named["foreign_missed"],
        named["focus_coverage"],
        named["entity_missed"],
        float(_direct_hit(q, top, named)),
        float(_named_hit(q, top, named)),
        named["coverage"],
        min(named["pairs"], 3.0),
        # "is it silicone?" -> "material: silicone": the value asked about is the value
        float(q.yes_no and top.source == "attribute" and named["value_focus"] > 0),
        float(bool(q.alternatives & top.term_set)),
        named["concept_unit"],
    ]


def _direct_hit(q: Question, fact: Fact, named: dict[str, float]) -> bool:
    """A wh-question about a concept ("what colour", "how heavy") met by the attribute named
    for it, with a value in the asked unit, and nothing else asked about."""
    if q.yes_no or fact.source != "attribute" or not named["concept_name"] or fact.noise:
        return False
    if named["yes_no_value"]:  # "what kind of battery?" is not "batteries included: yes"
        return False
    if fact.package != q.package:  # "how heavy is it?" is not about the box, and vice versa
        return False
    asked = q.concepts & fact.name_concepts
    if any(UNIT_OF.get(c) is not None for c in asked) and not named["concept_unit"]:
        return False
    # a quantity the question mentions ("the weight of the 18in bike") describes the item; a
    # model's name must be met
    return not named["foreign_missed"] and not q.missed_codes(fact)


DECISION_WEIGHTS = (
    1.993,  # bias
    0.713,  # top_logit
    0.508,  # margin
    0.0,  # strong_rivals
    -0.739,  # yes_no
    -1.486,  # question_length
    -1.29,  # no_concept
    -1.084,  # top_attribute_concept
    -0.954,  # top_text
    0.0,  # top_title
    0.344,  # focus_count
    0.0,  # foreign_missed
    0.0,  # focus_coverage
    0.0,  # entity_missed
    0.112,  # direct_hit
    0.0,  # named_hit
    1.156,  # top_coverage
    2.135,  # top_pairs
    0.122,  # yes_no_value
    3.147,  # alternative_named
    0.0,  # concept_unit
)
ANSWER_THRESHOLD = 0.65


def rank(question: str, items: tuple[ItemFacts, ...], weights: tuple[float, ...] | None = None
         ) -> tuple[Question, list[tuple[float, ItemFacts, Fact, list[float]]]] | None:
    """The question understood and every candidate fact, best first. None when the question
    is not one for the product data, or when an item's title matches it better than every
    fact of the item: the question is then about the product as a whole (is it the right
    part, does it fit my model), which the title alone cannot settle and the details do not
    address."""
    if not items or not question or not question.strip() or not_from_product_data(question):
        return None
    q = parse_question(question)
    if not q.content and not q.concepts:
        return None
    weights = weights or WEIGHTS
    items = _named_items(q, items)
    scored = [(_probability(f, weights), item, fact, f) for item, fact, f in _candidates(q, items)]
    ranked = [r for r in scored if r[2].source != "title"] or scored
    if not ranked:
        return None
    title_p = max((r[0] for r in scored if r[2].source == "title" and r not in ranked),
                  default=0.0)
    ranked.sort(key=lambda r: -r[0])
    if title_p > ranked[0][0] and ranked[0][0] < TITLE_OVERRULED:
        named = dict(zip(FEATURES, ranked[0][3], strict=True))
        # unless the best fact is about the very concept asked ("is the phone case
        # silicone?" -> "material: silicone")
        if not (named["concept_name"] or named["concept_value"]) or named["focus_missed"]:
            return None
    return q, ranked


def _named_items(q: Question, items: tuple[ItemFacts, ...]) -> tuple[ItemFacts, ...]:
    """The item the question names by its title's words ("is the backpack waterproof?"),
    else every item."""
    if len(items) > 1:
        named = [len(q.content_set & title_words(item.title)) for item in items]
        if max(named) and named.count(max(named)) == 1:
            return (items[named.index(max(named))],)
    return items


def _direct_answer(q: Question, ranked: list[tuple[float, ItemFacts, Fact, list[float]]]
                   ) -> tuple[ItemFacts, Fact] | None:
    """The attribute named for what a wh-question asks about: the one named with the asked
    word ("what kind of metal?" -> "metal type", not "material"), else the one named for
    the most of the concepts asked ("how deep can it go in the water?" -> "water resistance
    depth", not "item dimensions"), else the best-ranked."""
    if q.yes_no or not (q.concepts or q.asked):
        return None
    best, best_key = None, None
    # never over an attribute ranked first whose name holds more of the question's words
    # ("how many hard disk interfaces?": "hard disk: interface ...", not "hardware interface")
    top = ranked[0][2]
    top_name_hits = len((q.content_set - q.item) & top.name_terms) \
        if top.source == "attribute" else 0
    for i, (_, item, fact, features) in enumerate(ranked):
        if fact.source != "attribute":
            continue
        named = dict(zip(FEATURES, features, strict=True))
        counts_it = _counts_it(q, fact, item)
        if not (_direct_hit(q, fact, named) or _named_hit(q, fact, named) or counts_it):
            continue
        if i and len((q.content_set - q.item) & fact.name_terms) < top_name_hits:
            continue
        # an attribute named for a part the question does not mention ("cord length" for
        # "how long is it?") comes after one that is not
        key = (named["asked_in_name"], counts_it, named["concepts_named"],
               not named["name_part_unasked"], -i)
        if best_key is None or key > best_key:
            best, best_key = (item, fact), key
    return best


def _counts_it(q: Question, fact: Fact, item: ItemFacts) -> bool:
    """A how-many question met by the attribute named for what it counts ("how many
    panels?" -> "panels: 2"), or by the count of the item it names ("how many bulbs come in
    the pack?" -> "count: 4", not "brightness: 800 lm"; "how many lumens?" asks that)."""
    if not q.how_many or q.counted is None or fact.source != "attribute" or fact.noise \
            or not _A_COUNT.fullmatch(fact.value):
        return False
    return q.counted in fact.name_terms or (
        bool(fact.name_terms & PIECE_WORDS) and q.counted in title_words(item.title))


# a value that counts ("4", "3 pieces", "2 x 2.0 Ah lithium-ion"): not "yes", not "1000 lm"
_A_COUNT = re.compile(r"\s*\d+\s*(?:(?:pieces?|pcs|pairs?|packs?|count|ct|units?)\s*|x\s.*)?", re.I)


def _named_hit(q: Question, fact: Fact, named: dict[str, float]) -> bool:
    """A wh-question naming what it asks for ("what kind of collar ...?") met by the
    attribute of that name ("collar style: button down collar"), and nothing else asked."""
    if q.yes_no or not named["asked_in_name"] or fact.noise or named["yes_no_value"]:
        return False
    if fact.package != q.package:
        return False
    return not named["foreign_missed"] and not q.missed_codes(fact)


def _all_key_words(q: Question, fact: Fact, item: ItemFacts) -> bool:
    """Every word of a yes/no question that says what it asks (its focus and the concept
    words: "is it waterproof?", "can it be used in a pond?") is in the sentence; the words
    naming the item need not be."""
    key = q.content_set - WEAK_TERMS - q.item - title_words(item.title)
    return bool(key) and key <= fact.term_set


def _measured_sentence(q: Question, fact: Fact, named: dict[str, float]) -> bool:
    """A wh-question about a quantity ("what are the width and depth?") met by a sentence
    that names it and gives it in its unit ("the case measures 18" x 7.75" x 7.75""); about
    where it is made, met by a sentence saying where ("100% made in spain"); about its
    material, met by a sentence naming one ("nonwoven polyester aprons"). And nothing else
    asked."""
    if q.yes_no or fact.source not in ("bullet", "description") or q.missed_codes(fact):
        return False
    if named["foreign_missed"]:
        return False
    if "origin" in q.concepts and "origin" in fact.value_concepts:
        return True
    if "material" in q.concepts and fact.term_set & MATERIAL_VALUES:
        return True
    return any(c in fact.unit_concepts and fact.term_set & CONCEPT_TEXT_WORDS[c]
               for c in q.concepts & MEASURED)


def _sure_answer(q: Question, ranked: list[tuple[float, ItemFacts, Fact, list[float]]]
                 ) -> tuple[ItemFacts, Fact] | None:
    """Answers that need no calibrated confidence, because the fact says exactly what was
    asked: a wh-question about a concept met by the attribute named for it ("how heavy is
    it?" -> "item weight: 2.2 lb") or by a sentence that measures it; a yes/no question
    whose every key word is in the best-ranked sentence ("is it cordless?" -> "Cordless
    kettle lifts off ..."); a yes/no question about a value of the attribute named for its
    concept ("is it silicone?" -> "material: silicone"), or about its choices ("wood or
    plastic?" -> "material: cotton")."""
    direct = _direct_answer(q, ranked) or range_answer(q, ranked) or stated_answer(q, ranked)
    if direct is not None:
        return direct
    _, item, fact, features = ranked[0]
    named = dict(zip(FEATURES, features, strict=True))
    if _measured_sentence(q, fact, named):
        return item, fact
    if not q.yes_no or named["entity_missed"]:
        return None
    if q.alternatives and names_choice_kind(q, fact) and not named["foreign_missed"]:
        # "is it wood or plastic?" -> "material: cotton"
        return item, fact
    if fact.source in ("bullet", "description") and _all_key_words(q, fact, item):
        return item, fact
    if fact.source == "attribute" and named["concept_name"] and not named["focus_missed"]:
        # "is it silicone?" -> "material: silicone": the value asked about is the value
        asked = q.content_set & frozenset().union(
            *(CONCEPT_ASKED[c] - CONCEPT_NAME_WORDS[c] for c in q.concepts & fact.name_concepts))
        asked -= NOT_TEXT_CUES - COLOR_WORDS
        if asked and asked <= fact.value_terms:
            return item, fact
    return None


def _candidate(q: Question, ranked: list[tuple[float, ItemFacts, Fact, list[float]]]
               ) -> tuple[ItemFacts, Fact]:
    """The fact an answer would quote: the attribute named for what was asked says it most
    plainly; else the best-ranked fact. Either gives way to a sentence that says more of
    what the question adds (`_said_more_exactly`)."""
    _, item, fact, _ = ranked[0]
    item, fact = _direct_answer(q, ranked) or range_answer(q, ranked) \
        or stated_answer(q, ranked) or (item, fact)
    return item, _said_more_exactly(q, item, fact) or fact


# a sentence that says what the item is not for ("not for use in fully enclosed fixtures")
_DENIAL = re.compile(r"\b(?:not|no|never|cannot|can't|don't|do not|avoid)\b", re.I)


# the settings a figure is given for: "10 hours on low, 4 hours on high"
_SETTING_SAID = re.compile(r"\b(?:on|in|at) (?:low|high|max|maximum|min|minimum|eco|medium|turbo|"
                           r"full|the lowest|the highest)\b", re.I)


def _said_more_exactly(q: Question, item: ItemFacts, fact: Fact) -> Fact | None:
    """A sentence of the item with a word of the question the fact leaves out, which says
    the fact again under the condition asked ("how long does the battery last on high?":
    "10 hours on low, 4 hours on high", not "battery life: 10 hours", the figure for low),
    or denies what the question adds, saying as much of the question as the fact does ("can
    I use them in an enclosed ceiling fixture?": "not for use in fully enclosed fixtures",
    not "bulbs for ... ceiling fixtures")."""
    addressed = q.concepts & (fact.name_concepts | fact.unit_concepts | fact.value_concepts)
    title = title_words(item.title)
    unsaid = q.content_set - fact.term_set - WEAK_TERMS - q.item - title \
        - frozenset().union(*(CONCEPT_ASKED[c] for c in addressed))
    unsaid = {w for w in unsaid if not w[0].isdigit()}
    if q.setting & fact.term_set:
        unsaid -= q.setting
    elif q.setting:  # "on max" is said "on high"
        unsaid |= q.setting
    # "how big is each blanket?": "47 x 47 inches each", not "dimensions: 47 x 47 inches"
    each = bool(EACH.search(q.text)) and not EACH.search(fact.text)
    if fact.source == "attribute" and fact.numbers and not q.setting:
        # "how long does the battery last?": "10 hours on low, 4 hours on high", not
        # "battery life: 10 hours", the best case given as the only one
        for other in item_facts(item)[0]:
            if other.source in ("bullet", "description") and fact.numbers < other.numbers \
                    and fact.value.lower() in other.text.lower() \
                    and len(_SETTING_SAID.findall(other.text)) > 1:
                return other
    if not unsaid and not each:
        return None
    # the question's words the fact says, beyond those naming the item
    asked = q.content_set - WEAK_TERMS - title
    said = len(asked & fact.term_set)
    for other in item_facts(item)[0]:
        if other.source not in ("bullet", "description") or other is fact:
            continue
        if each and fact.numbers and fact.numbers <= other.numbers and EACH.search(other.text):
            return other
        if not unsaid & other.term_set:
            continue
        if fact.numbers and fact.numbers <= other.numbers:
            return other
        if q.yes_no and len(asked & other.term_set) >= said and _DENIAL.search(other.text):
            return other
    return None


def choose(q: Question, ranked: list[tuple[float, ItemFacts, Fact, list[float]]]
           ) -> tuple[ItemFacts, Fact] | None:
    """The fact an answer would quote, or None when it cannot settle the question."""
    item, fact = _candidate(q, ranked)
    return None if does_not_settle(q, fact, title_words(item.title)) else (item, fact)


@dataclass(frozen=True)
class Unsettled:
    """Why the product data gave no answer: "not_from_product_data" (shipping, price,
    opinions...); "no_fact_matches" (nothing asked, no item, or no fact matching the question
    better than the item's title does); the name of the rule by which the best fact cannot
    settle it (bot.product_settle.UNSETTLING_RULES); or "low_confidence"."""
    reason: str


def settle_product_question(question: str, items: tuple[ItemFacts, ...],
                            weights: tuple[tuple[float, ...], tuple[float, ...]] | None = None,
                            threshold: float = ANSWER_THRESHOLD) -> ProductAnswer | Unsettled:
    """The fact that answers the question, or why the product data does not settle it
    (the engine then opens a case with the seller, the reason among its decision's).
    `weights`: (WEIGHTS, DECISION_WEIGHTS) of another fit, and `threshold`, for their
    cross-validation."""
    ranking, deciding = weights or (WEIGHTS, DECISION_WEIGHTS)
    found = rank(question, items, ranking)
    if found is None:
        if not_from_product_data(question):
            return Unsettled("not_from_product_data")
        # "is the mug 16 oz?": the title says more of the mug than any fact, but the
        # capacity settles it
        valued = _valued(parse_question(question), items) \
            if items and question and question.strip() else None
        if valued is None:
            return Unsettled("no_fact_matches")
        return _answer(*valued, threshold)
    q, ranked = found
    item, fact = _candidate(q, ranked)
    rule = unsettled_by(q, fact, title_words(item.title), answering=True)
    confidence = _probability(_decision_features(q, ranked), deciding) if rule is None else 0.0
    if confidence < threshold:
        sure = _sure_answer(q, ranked) if rule is None else None
        if sure is None or sure[1] is not fact:
            valued = _valued(q, items)
            if valued is None:
                return Unsettled(rule or "low_confidence")
            item, fact = valued
        confidence = threshold
    return _answer(item, fact, confidence)


def _answer(item: ItemFacts, fact: Fact, confidence: float) -> ProductAnswer:
    return ProductAnswer(item.asin, item.title, fact.text, fact.attribute, fact.source,
                         round(confidence, 4),
                         convert_units(fact.value, f"{fact.attribute or ''} {item.title}"))


def _valued(q: Question, items: tuple[ItemFacts, ...]) -> tuple[ItemFacts, Fact] | None:
    """The attribute giving the item's value of the kind a yes/no question names one of
    ("is it wool?" -> "material: 100% cotton"), when no rule says it does not settle the
    question (asked without the statement after it: "... my son is allergic to wool")."""
    named = _named_items(q, items)
    valued = value_answer(q, named) or heat_answer(q, named)
    if valued is None:
        return None
    asked = asked_alone(q)
    rule = unsettled_by(asked, valued[1], title_words(valued[0].title), answering=True)
    if rule == "model_not_named" and quantities_only(asked):
        rule = None  # "tipo 5000k" names a colour temperature, not a model
    return None if rule else valued


def answer_product_question(question: str, items: tuple[ItemFacts, ...],
                            weights: tuple[tuple[float, ...], tuple[float, ...]] | None = None,
                            threshold: float = ANSWER_THRESHOLD) -> ProductAnswer | None:
    """The fact that answers the question, or None (`settle_product_question` says why)."""
    settled = settle_product_question(question, items, weights, threshold)
    return settled if isinstance(settled, ProductAnswer) else None
