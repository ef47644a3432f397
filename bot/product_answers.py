"""Product questions answered from the product detail data, never invented: an answer always
quotes the fact it rests on, and a question the data does not settle gets no answer (the
engine then asks the seller). Pure: no I/O, no clock.

How a question is answered:

1. Questions the detail data cannot settle by nature are recognised first and get no
   answer: shipping and delivery, price, returns, the seller's stock and listings, opinions
   and other shoppers' experience, comparisons with other products or variants, sizing advice,
   troubleshooting ("why", "what if", "stopped working").
2. Every fact of every item is a candidate: each attribute ("item weight: 2.2 lb"), each
   sentence of the bullets and of the description. The title is not a candidate when the
   item has other facts; when it matches the question better than every fact, the question
   is about the product as a whole ("is this the right part for my model?") and is left to
   the seller.
3. Each candidate gets features that tie it to the question: the concept asked about
   (weight, dimensions, colour, material, voltage, capacity, age, compatibility, ...) and the
   attribute named for it, a value in the unit asked for ("how tall" wants a length), the
   question's words in the attribute's name and value or in the sentence (weighted by how rare
   they are among the product's facts), word pairs, model numbers, words the fact leaves
   unanswered. A logistic model ranks the candidates (`WEIGHTS`).
4. A second logistic model decides whether the best candidate is an answer at all
   (`DECISION_WEIGHTS`, over its score, its lead over a runner-up that says something else,
   and the kind of question); it answers only above `ANSWER_THRESHOLD`, set for precision.
   Two kinds of answer need no such confidence because the fact says exactly what was asked
   (`_sure_answer`); and a yes/no or compatibility question naming a model ("does it fit the
   SGH-I337?") is never answered by a fact that does not name it.

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
from functools import lru_cache

from bot.facts import ItemFacts
from bot.product_vocabulary import (
    CONCEPTS,
    DURATION,
    HOW_MANY,
    JUNK_VALUES,
    NOISE_ATTRIBUTES,
    NOT_FROM_DATA,
    PACKAGE_ATTRIBUTE,
    PACKAGE_WORDS,
    SPANISH,
    SPANISH_MARKERS,
    SPANISH_WH,
    STOPWORDS,
    WEAK_WORDS,
    YES_NO_START,
    convert_units,
    split_token,
    stem,
    tokens,
    words_of,
    wordset,
)
from bot.text import normalize

# -- facts ------------------------------------------------------------------------------------

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


# Words that name the same thing: a question's "how wide" meets an attribute's "width".
CANONICAL = {
    "wide": "width", "tall": "height", "long": "length", "deep": "depth", "thick": "thickness",
    "heavy": "weight", "weigh": "weight", "big": "size",
    "dimension": "dimension", "colour": "color", "waterproof": "water", "proof": "water",
    "resistant": "resist", "resistance": "resist", "rechargable": "rechargeable",
    "cord": "cable", "charger": "charge", "charging": "charge",
    "assemble": "assembly", "assembled": "assembly", "diam": "diameter", "qty": "quantity",
    "lightweight": "weight", "inch": "inch", "lb": "pound", "kg": "kilogram", "oz": "ounce",
    "instructions": "instruction", "manufactured": "manufacturer", "manufacture": "manufacturer",
    "made": "made", "fit": "fit", "fitting": "fit", "battery": "battery",
    "minimum": "min", "maximum": "max", "limit": "max", "wi": "wifi", "fi": "wifi",
}


@lru_cache(maxsize=65536)
def term(token: str) -> str:
    """The word a token is matched by: stemmed, then its canonical synonym."""
    s = stem(token)
    return CANONICAL.get(s, s)


@dataclass(frozen=True)
class _Fact:
    source: str
    text: str                      # as written (for attributes: "name: value")
    attribute: str | None
    value: str                     # the value (attributes) or the text
    name_terms: frozenset[str]     # attribute name words
    value_terms: frozenset[str]    # value words (attributes) or all words (text)
    terms: tuple[str, ...]         # all words, in order
    raw: frozenset[str]            # the tokens as written ("5s", "gf652")
    term_set: frozenset[str]
    name_concepts: frozenset[str]  # concepts of the attribute name
    value_concepts: frozenset[str]  # concepts named or measured in the value / text
    package: bool                  # about the package or shipping, not the item
    noise: bool                    # an attribute that never answers by itself
    numbers: frozenset[str]


_SENTENCE_SPLIT = re.compile(r"(?:\.{2,}|(?<=[a-z0-9)\]][.!?;])\s+(?=[a-z0-9\"(])|\s*[\n\r\u2022]+\s*"
                             r"|\s+-\s+(?=[a-z]))", re.I)


def sentences(text: str) -> list[str]:
    """The sentences of a bullet or description, whitespace tidied."""
    parts = (" ".join(p.split()).strip(" -*\u2022") for p in _SENTENCE_SPLIT.split(text or ""))
    return [p for p in parts if len(p) > 2]


_CONCEPT_WORDS = {c.name: frozenset(term(w) for w in c.asked_by | c.attribute_words)
                  for c in CONCEPTS}
_CONCEPT_NAME_WORDS = {c.name: frozenset(term(w) for w in c.attribute_words) for c in CONCEPTS}
_CONCEPT_ASKED = {c.name: frozenset(term(w) for w in c.asked_by) for c in CONCEPTS}
_ALL_CONCEPT_WORDS = frozenset(w for ws in _CONCEPT_WORDS.values() for w in ws)
# In a sentence, these words say nothing about the concept by themselves ("works great").
_NOT_TEXT_CUES = frozenset(term(w) for w in (
    "work", "fit", "model", "version", "come", "box", "make", "number", "old", "year", "high",
    "large", "small", "short", "big", "size", "made", "power", "cell", "make", "light", "clear",
    "black", "white", "red", "blue", "green", "gold", "silver", "hold", "cup", "pack", "piece"))
_CONCEPT_TEXT_WORDS = {c: ws - _NOT_TEXT_CUES for c, ws in _CONCEPT_WORDS.items()}
_COLOR_WORDS = _CONCEPT_ASKED["color"]


def _index(words_by_concept: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    """word -> the concepts it names."""
    index: dict[str, set[str]] = {}
    for concept, words in words_by_concept.items():
        for word in words:
            index.setdefault(word, set()).add(concept)
    return {word: frozenset(concepts) for word, concepts in index.items()}


_NAME_CONCEPTS_OF = _index(_CONCEPT_NAME_WORDS)
_TEXT_CONCEPTS_OF = _index(_CONCEPT_TEXT_WORDS)
# every concept's unit in one pattern: a value's units in one pass
_ANY_UNIT = re.compile("|".join(f"(?P<{c.name}>{c.value_unit.pattern})" for c in CONCEPTS
                                if c.value_unit), re.I)


def _concepts_in(terms: frozenset[str], index: dict[str, frozenset[str]]) -> set[str]:
    found: set[str] = set()
    for word in terms:
        if word in index:
            found |= index[word]
    return found


def _terms(token_list: list[str]) -> list[str]:
    return [term(p) for t in token_list for p in ((t,) if t.isalpha() else split_token(t))]


def _make_fact(source: str, text: str, attribute: str | None = None,
               value: str | None = None) -> _Fact:
    value = (text if value is None else value).replace('\\"', '"')
    name_tokens = tokens(attribute) if attribute else []
    value_tokens = tokens(value)
    name_list, value_list = _terms(name_tokens), _terms(value_tokens)
    name_terms, value_terms = frozenset(name_list), frozenset(value_list)
    terms = tuple(name_list + value_list)
    key = attribute.lower().replace(" ", "_") if attribute else ""
    package = bool(attribute and PACKAGE_ATTRIBUTE.search(key))
    noise = key in NOISE_ATTRIBUTES
    name_concepts = frozenset(_concepts_in(name_terms, _NAME_CONCEPTS_OF))
    # an attribute's value names concepts by its sub-keys ("band: material steel; width 21
    # mm"); a sentence by any of the concept's words
    value_concepts = _concepts_in(value_terms,
                                  _NAME_CONCEPTS_OF if attribute else _TEXT_CONCEPTS_OF)
    if any(ch.isdigit() for ch in value):
        for match in _ANY_UNIT.finditer(value):
            value_concepts.add(match.lastgroup or "")
    return _Fact(source, text, attribute, value, name_terms, value_terms, terms,
                 frozenset(name_tokens + value_tokens), frozenset(terms), name_concepts,
                 frozenset(value_concepts), package, noise,
                 frozenset(t for t in terms if t[0].isdigit()))


@lru_cache(maxsize=512)
def _facts(item: ItemFacts) -> tuple[tuple[_Fact, ...], dict[str, float]]:
    facts: list[_Fact] = []
    for name, value in item.attributes:
        if str(value).strip().lower() not in JUNK_VALUES:
            facts.append(_make_fact("attribute", f"{name}: {value}", name, str(value)))
    seen: set[str] = set()
    for bullet in item.bullets:
        for sentence in sentences(bullet):
            if sentence.lower() not in seen:
                seen.add(sentence.lower())
                facts.append(_make_fact("bullet", sentence))
    for sentence in sentences(item.description):
        if sentence.lower() not in seen:
            seen.add(sentence.lower())
            facts.append(_make_fact("description", sentence))
    if item.title:
        facts.append(_make_fact("title", item.title))
    # how rare each word is among this product's facts
    df: dict[str, int] = {}
    for fact in facts:
        for s in fact.term_set:
            df[s] = df.get(s, 0) + 1
    n = len(facts)
    idf = {s: math.log(1 + (n - d + 0.5) / (d + 0.5)) for s, d in df.items()}
    return tuple(facts), idf


# -- the question -----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Question:
    text: str
    content: tuple[str, ...]        # content words (terms), in order
    content_set: frozenset[str]
    focus: frozenset[str]           # content words that are neither concept nor weak words
    entities: frozenset[str]        # tokens with digits ("sgh-1337", "5s", "220v", "15.6")
    codes: frozenset[str]           # of those, the ones that are not quantities: model names
    concepts: frozenset[str]
    yes_no: bool
    how_many: bool
    package: bool
    numbers: frozenset[str]
    parts: int                      # how many questions in one ("...? and ...?")
    counted: str | None             # what "how many ..." counts


_UNIT_WORDS = wordset("""
in inch inches cm mm m ft feet foot lb lbs pound pounds oz ounce ounces kg g gram grams gallon
gallons gal l liter liters litre litres ml qt quart quarts cup cups v volt volts w watt watts
mah ah amp amps a hz ghz mhz gb tb mb year years yr yrs month months mo mos week weeks day days
hour hours hr hrs minute minutes min mins second seconds pack packs pc pcs piece pieces count ct
x by degree degrees f c mph psi db mp megapixel megapixels people person persons player players
""")
_QUANTITY_TOKEN = re.compile(r"\d+(?:[.,]\d+)?(?:" + "|".join(sorted(_UNIT_WORDS, key=len,
                                                                     reverse=True)) + r")")


def _question(text: str) -> _Question:
    norm = normalize(text)
    raw = words_of(norm)
    spanish = bool(SPANISH_MARKERS.intersection(raw)) and any(w in SPANISH for w in raw)
    words_en: list[str] = []
    for w in raw:
        if spanish and w in SPANISH:
            words_en.extend(SPANISH[w].split())
        else:
            words_en.append(w)
    content = tuple(term(w) for w in words_en
                    if w not in STOPWORDS and (len(w) > 1 or w.isdigit()))
    content_set = frozenset(content)
    concepts = {c for c, ws in _CONCEPT_ASKED.items() if content_set & ws}
    q = " ".join(words_en)
    if re.search(r"\bmade (of|from|out of|with)\b|\bwhat is it made\b", q):
        concepts.add("material")
    if re.search(r"\bmade in\b|\bwhere\b.*\b(made|manufactured|produced|from)\b", q):
        concepts.add("origin")
        concepts.discard("material")
    if re.search(r"\bhow (much|many)\b.*\bhold\b", q):
        concepts.add("capacity")
    if re.search(r"\bhow long (is|are)\b|\bhow long\s*\??$", q):
        concepts.add("dimensions")
    if re.search(r"\b(come|comes|came) with\b|\bin the box\b", q):
        concepts.add("included")
    if re.search(r"\b(people|persons|kids|children|players)\b.*\bplay\b|\bplay(ed)? with\b.*"
                 r"\b(people|persons|players)\b", q):
        concepts.add("players")
    if re.search(r"\bhow many\b", q) and not concepts & {
            "battery", "players", "pages", "voltage", "power", "weight", "dimensions",
            "capacity", "age"}:
        concepts.add("count")
    if DURATION.search(q):
        concepts.discard("dimensions")
        concepts.add("duration")
    counted = re.search(r"\bhow many ([a-z]+)", q)
    counted_term = term(counted.group(1)) if counted else None
    focus = frozenset(w for w in content_set
                      if w not in _ALL_CONCEPT_WORDS and w not in WEAK_WORDS)
    raw_tokens = tokens(norm)
    entities = frozenset(t for t in raw_tokens if any(ch.isdigit() for ch in t))
    codes = frozenset(
        t for i, t in enumerate(raw_tokens)
        if any(ch.isdigit() for ch in t) and not _QUANTITY_TOKEN.fullmatch(t)
        and not (t.replace(".", "").replace(",", "").isdigit()
                 and i + 1 < len(raw_tokens) and raw_tokens[i + 1] in _UNIT_WORDS))
    opening = norm.lstrip("\u00bf\u00a1 ")
    yes_no = bool(YES_NO_START.search(opening)) or (
        spanish and bool(raw) and raw[0] not in SPANISH_WH and opening.endswith("?"))
    parts = len([p for p in re.split(r"\?+", norm) if len(tokens(p)) >= 2]) or 1
    return _Question(
        text=norm, content=content, content_set=content_set, focus=focus, entities=entities,
        codes=codes,
        concepts=frozenset(concepts), yes_no=yes_no, how_many=bool(HOW_MANY.search(q)),
        package=bool(PACKAGE_WORDS & set(raw)),
        numbers=frozenset(w for w in content if w[0].isdigit()), parts=parts,
        counted=counted_term if counted_term and counted_term not in STOPWORDS else None)


def not_from_product_data(question: str) -> bool:
    """True for questions the detail data cannot settle by nature: shipping, price,
    returns, the seller's stock, opinions, comparisons, sizing advice, troubleshooting."""
    norm = normalize(question)
    return any(p.search(norm) for p in NOT_FROM_DATA)


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
    "counted_missed", "name_part_unasked",
)


def _word_weight(word: str, idf: dict[str, float]) -> float:
    return idf.get(word, 1.0) * (0.35 if word in WEAK_WORDS else 1.0)


@dataclass(frozen=True)
class _Context:
    """What the features of one fact need to know about the item's other facts."""
    best_name_hits: int           # most question words in any attribute's name
    concept_attribute: bool       # some attribute's name is the concept asked about
    title_terms: frozenset[str]   # the item's title words: the question's "it"
    total_weight: float           # the question words' weights, summed


def _features(q: _Question, fact: _Fact, weight: dict[str, float], ctx: _Context) -> list[float]:
    """`weight`: each question word's weight among this item's facts."""
    content = q.content_set
    terms = fact.term_set
    matched = content & terms
    total = ctx.total_weight
    got = sum(weight[w] for w in matched)
    is_attr = fact.source == "attribute"
    name_hits = len(content & fact.name_terms)
    name_focus = len(q.focus & fact.name_terms)
    value_matched = (content & fact.value_terms) - fact.name_terms if is_attr else matched
    value_weight = sum(min(weight[w], 2.5) for w in value_matched)
    concept_name = bool(q.concepts & fact.name_concepts)
    concept_value = bool(q.concepts & fact.value_concepts)
    unit_concepts = {c for c in q.concepts if _UNIT_OF.get(c) is not None
                     and _UNIT_OF[c].search(fact.value)}
    concept_words = {c for c in q.concepts if terms & _CONCEPT_TEXT_WORDS[c]}
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
        float(fact.package and not q.package),
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
        float(is_attr and bool(fact.name_terms - _GENERIC_NAME_WORDS - _ALL_CONCEPT_WORDS
                                - q.content_set)),
    ]


_UNIT_OF = {c.name: c.value_unit for c in CONCEPTS}
# Words of attribute names that do not name a part of the product ("item weight", "output
# power"); any other word does ("cord length", "band color"), and then the question should
# mention that part.
_GENERIC_NAME_WORDS = frozenset(term(w) for w in (
    "item", "product", "unit", "number", "total", "overall", "net", "gross", "type", "style",
    "description", "value", "assembled", "outside", "external", "standard", "nominal", "rated",
    "max", "min", "output", "input", "actual", "approximate", "approx", "of", "the", "per",
    "recommended", "recommendation", "range", "level", "included", "includes", "is",
    "maximum", "minimum", "specification", "specs", "spec", "general", "main", "primary"))

# fitted weights (bench/product_answers.py --fit), in the order of FEATURES
WEIGHTS = (
    -1.25,  # bias
    0.08,  # bullet
    0.37,  # description
    0.0,  # title
    1.151,  # concept_name
    1.542,  # concept_value
    0.241,  # concept_unit
    0.567,  # concept_text_unit_only
    -0.436,  # name_hits
    0.768,  # name_frac
    0.705,  # name_focus
    0.0,  # value_focus
    0.0,  # value_weight
    1.424,  # coverage
    0.0,  # focus_coverage
    0.0,  # focus_missed
    0.0,  # entity_matched
    -0.249,  # entity_missed
    0.0,  # compatible_missed
    0.544,  # pairs
    -0.089,  # text_length
    -3.059,  # noise
    -2.029,  # package_mismatch
    -0.512,  # package_question_item_attribute
    0.134,  # yes_no
    0.0,  # yes_no_missed
    0.744,  # how_many_number
    -0.718,  # other_name_better
    -1.437,  # attribute_no_tie
    0.208,  # parts
    -0.386,  # question_length
    -0.085,  # no_concept
    0.0,  # foreign_missed
    -0.749,  # attribute_concept_elsewhere
    0.509,  # wh_concept_attribute
    0.35,  # all_focus_matched
    0.0,  # counted_missed
    -0.182,  # name_part_unasked
)


@lru_cache(maxsize=512)
def _title_terms(title: str) -> frozenset[str]:
    return frozenset(term(t) for t in words_of(title))


def _candidates(q: _Question, items: tuple[ItemFacts, ...]):
    """(item, fact, features) for every fact of every item."""
    out = []
    for item in items:
        facts, idf = _facts(item)
        weight = {w: _word_weight(w, idf) for w in q.content_set}
        ctx = _Context(
            best_name_hits=max((len(q.content_set & f.name_terms) for f in facts
                                if f.source == "attribute"), default=0),
            concept_attribute=any(q.concepts & f.name_concepts for f in facts
                                  if f.source == "attribute" and not f.noise),
            title_terms=_title_terms(item.title),
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
    "foreign_missed", "focus_coverage", "entity_missed", "direct_hit",
)


def _decision_features(q: _Question, ranked: list[tuple[float, ItemFacts, _Fact, list[float]]]
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
    ]


def _direct_hit(q: _Question, fact: _Fact, named: dict[str, float]) -> bool:
    """A wh-question about a concept ("what colour", "how heavy") met by the attribute named
    for it, with a value in the asked unit, and nothing else asked about."""
    if q.yes_no or fact.source != "attribute" or not named["concept_name"] or fact.noise:
        return False
    if fact.package and not q.package:
        return False
    asked = q.concepts & fact.name_concepts
    if any(_UNIT_OF.get(c) is not None for c in asked) and not named["concept_unit"]:
        return False
    return not named["foreign_missed"] and not named["entity_missed"]


DECISION_WEIGHTS = (
    0.223,  # bias
    0.733,  # top_logit
    0.242,  # margin
    -0.321,  # strong_rivals
    -0.024,  # yes_no
    0.305,  # question_length
    0.073,  # no_concept
    -0.315,  # top_attribute_concept
    -0.436,  # top_text
    0.0,  # top_title
    -0.099,  # focus_count
    0.0,  # foreign_missed
    0.373,  # focus_coverage
    0.0,  # entity_missed
    0.308,  # direct_hit
)
ANSWER_THRESHOLD = 0.65


def rank(question: str, items: tuple[ItemFacts, ...], weights: tuple[float, ...] | None = None
         ) -> tuple[_Question, list[tuple[float, ItemFacts, _Fact, list[float]]]] | None:
    """The question understood and every candidate fact, best first. None when the question
    is not one for the product data, or when an item's title matches it better than every
    fact of the item: the question is then about the product as a whole (is it the right
    part, does it fit my model), which the title alone cannot settle and the details do not
    address."""
    if not items or not question or not question.strip() or not_from_product_data(question):
        return None
    q = _question(question)
    if not q.content:
        return None
    weights = weights or WEIGHTS
    if len(items) > 1:  # "is the backpack waterproof?": the item the question names
        named = [len(q.content_set & _title_terms(item.title)) for item in items]
        if max(named) and named.count(max(named)) == 1:
            items = (items[named.index(max(named))],)
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


def _direct_answer(q: _Question, ranked: list[tuple[float, ItemFacts, _Fact, list[float]]]
                   ) -> tuple[ItemFacts, _Fact] | None:
    """The best-ranked attribute named for the concept a wh-question asks about."""
    if q.yes_no or not q.concepts:
        return None
    for _, item, fact, features in ranked:
        if fact.source != "attribute":
            continue
        named = dict(zip(FEATURES, features, strict=True))
        if _direct_hit(q, fact, named) and not named["name_part_unasked"]:
            return item, fact
    return None


def _sure_answer(q: _Question, ranked: list[tuple[float, ItemFacts, _Fact, list[float]]]
                 ) -> tuple[ItemFacts, _Fact] | None:
    """Answers that need no calibrated confidence, because the fact says exactly what was
    asked: a wh-question about a concept met by the attribute named for it ("how heavy is
    it?" -> "item weight: 2.2 lb"); a yes/no question whose every specific word is in the
    best-ranked sentence ("is it cordless?" -> "Cordless kettle lifts off ..."); a yes/no
    question about a value of the attribute named for its concept ("is it silicone?" ->
    "material: silicone")."""
    direct = _direct_answer(q, ranked)
    if direct is not None:
        return direct
    _, item, fact, features = ranked[0]
    named = dict(zip(FEATURES, features, strict=True))
    if not q.yes_no or named["entity_missed"]:
        return None
    if fact.source in ("bullet", "description") and q.focus and named["all_focus_matched"]:
        return item, fact
    if fact.source == "attribute" and named["concept_name"] and not named["focus_missed"]:
        # "is it silicone?" -> "material: silicone": the value asked about is the value
        asked = q.content_set & frozenset().union(
            *(_CONCEPT_ASKED[c] - _CONCEPT_NAME_WORDS[c] for c in q.concepts & fact.name_concepts))
        asked -= _NOT_TEXT_CUES - _COLOR_WORDS
        if asked and asked <= fact.value_terms:
            return item, fact
    return None


def answer_product_question(question: str, items: tuple[ItemFacts, ...]) -> ProductAnswer | None:
    """The fact that answers the question, or None when the product data does not settle it
    (the engine then opens a case with the seller)."""
    found = rank(question, items)
    if found is None:
        return None
    q, ranked = found
    confidence = _probability(_decision_features(q, ranked), DECISION_WEIGHTS)
    _, item, fact, _ = ranked[0]
    direct = _direct_answer(q, ranked)
    if direct is not None:  # the attribute named for what was asked says it most plainly
        item, fact = direct
    if (q.yes_no or "compatible" in q.concepts) and q.codes - fact.raw:
        # "does it fit the sgh-1337?": a fact that does not name the model does not settle it
        return None
    if confidence < ANSWER_THRESHOLD:
        sure = _sure_answer(q, ranked)
        if sure is None:
            return None
        item, fact = sure
        confidence = max(confidence, ANSWER_THRESHOLD)
    return ProductAnswer(item.asin, item.title, fact.text, fact.attribute, fact.source,
                         round(confidence, 4), convert_units(fact.value))
