"""The facts of a product, indexed for matching questions: each attribute ("item weight:
2.2 lb") and each sentence of the bullets and the description, with the words it is matched
by (stemmed, synonyms folded: "how wide" meets "width"), the concepts it names or measures
(weight, dimensions, material, ...), and how rare each word is among the product's facts.
Pure: used by bot.product_question and bot.product_answers."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from bot.facts import ItemFacts
from bot.product_vocabulary import (
    CONCEPTS,
    JUNK_VALUES,
    NOISE_ATTRIBUTES,
    PACKAGE_ATTRIBUTE,
    WEAK_WORDS,
    split_token,
    stem,
    tokens,
    words_of,
)
from bot.understanding import item_noun

# Words that name the same thing: a question's "how wide" meets an attribute's "width".
_SYNONYMS = {
    "wide": "width", "tall": "height", "long": "length", "deep": "depth", "thick": "thickness",
    "heavy": "weight", "weigh": "weight", "big": "size",
    "dimension": "dimension", "colour": "color", "waterproof": "water", "proof": "water",
    "resistant": "resist", "resistance": "resist", "rechargable": "rechargeable",
    "cord": "cable", "charger": "charge", "charging": "charge",
    "assemble": "assembly", "assembled": "assembly", "diam": "diameter", "qty": "quantity",
    "lightweight": "weight", "inch": "inch", "lb": "pound", "kg": "kilogram", "oz": "ounce",
    "pc": "piece", "noise": "sound", "noisy": "sound",
    "instructions": "instruction", "manufactured": "manufacturer", "manufacture": "manufacturer",
    "made": "made", "fit": "fit", "fitting": "fit", "battery": "battery",
    "minimum": "min", "maximum": "max", "limit": "max", "wi": "wifi", "fi": "wifi",
    "controller": "remote", "outdoors": "outdoor", "indoors": "indoor", "eache": "each",
    "expire": "expire", "expiration": "expire", "expiry": "expire", "washable": "wash",
    "dryer": "dry", "drier": "dry",
    "screen": "display", "monitor": "display", "flight": "fly", "flying": "fly",
    # shoppers' common misspellings of the words of measures
    "heigth": "height", "hight": "height", "lenght": "length", "widht": "width",
    "wieght": "weight", "weigth": "weight", "dimention": "dimension", "dimentions": "dimension",
}
# keyed by the stem, so that every form of a word meets its synonym
CANONICAL = {stem(word): canonical for word, canonical in _SYNONYMS.items()}


@lru_cache(maxsize=65536)
def term(token: str) -> str:
    """The word a token is matched by: stemmed, then its canonical synonym, without a final
    silent "e" ("require" and "required", "charge" and "charged" meet)."""
    s = stem(token)
    s = CANONICAL.get(s, s)
    return s[:-1] if len(s) > 4 and s[-1] == "e" and s[-2] != "e" else s


@dataclass(frozen=True)
class Fact:
    """One fact of a product, as the answerer matches it."""
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
    unit_concepts: frozenset[str] = frozenset()  # concepts measured in the value ("2 lb": weight)
    # the words that name a numbered thing: next to a number ("windows 7", "14 gauge"), the
    # letters of a model name ("ddr3": ddr), an attribute's name when its value is a number
    # ("model year: 2012"). A question about "windows 8" is settled by "windows 7".
    numbered: frozenset[str] = frozenset()


# not after a title's or a comparison's abbreviation ("4 jr. glow rockets", "mr. potato head")
_ABBREVIATIONS = "".join(rf"(?<!\b{a}\.)" for a in ("jr", "sr", "mr", "mrs", "ms", "dr", "st",
                                                      "vs", "approx", "appx"))
_SENTENCE_SPLIT = re.compile(r"(?:\.{2,}|(?<=[a-z0-9)\]][.!?;])" + _ABBREVIATIONS
                             + r"\s+(?=[a-z0-9\"(])|\s*[\n\r\u2022]+\s*|\s+-\s+(?=[a-z]))", re.I)


def sentences(text: str) -> list[str]:
    """The sentences of a bullet or description, whitespace tidied."""
    parts = (" ".join(p.split()).strip(" -*\u2022") for p in _SENTENCE_SPLIT.split(text or ""))
    return [p for p in parts if len(p) > 2]


WEAK_TERMS = frozenset(term(w) for w in WEAK_WORDS)
_CONCEPT_WORDS = {c.name: frozenset(term(w) for w in c.asked_by | c.attribute_words)
                  for c in CONCEPTS}
CONCEPT_NAME_WORDS = {c.name: frozenset(term(w) for w in c.attribute_words) for c in CONCEPTS}
CONCEPT_ASKED = {c.name: frozenset(term(w) for w in c.asked_by) for c in CONCEPTS}
ALL_CONCEPT_WORDS = frozenset(w for ws in _CONCEPT_WORDS.values() for w in ws)
# In a sentence, these words say nothing about the concept by themselves ("works great").
NOT_TEXT_CUES = frozenset(term(w) for w in (
    "work", "fit", "model", "version", "come", "box", "make", "number", "old", "year", "high",
    "large", "small", "short", "big", "size", "made", "power", "cell", "make", "light", "clear",
    "black", "white", "red", "blue", "green", "gold", "silver", "hold", "cup", "pack", "piece"))
CONCEPT_TEXT_WORDS = {c: ws - NOT_TEXT_CUES for c, ws in _CONCEPT_WORDS.items()}
COLOR_WORDS = CONCEPT_ASKED["color"]
MATERIAL_VALUES = CONCEPT_ASKED["material"] - CONCEPT_NAME_WORDS["material"] - {term("made")}


def _index(words_by_concept: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    """word -> the concepts it names."""
    index: dict[str, set[str]] = {}
    for concept, words in words_by_concept.items():
        for word in words:
            index.setdefault(word, set()).add(concept)
    return {word: frozenset(concepts) for word, concepts in index.items()}


_NAME_CONCEPTS_OF = _index(CONCEPT_NAME_WORDS)
_TEXT_CONCEPTS_OF = _index(CONCEPT_TEXT_WORDS)
# every concept's unit in one pattern: a value's units in one pass
_ANY_UNIT = re.compile("|".join(f"(?P<{c.name}>{c.value_unit.pattern})" for c in CONCEPTS
                                if c.value_unit), re.I)
# concepts measured in the same unit: a weight answers how much it bears as well
_SAME_UNIT = {c.name: frozenset(d.name for d in CONCEPTS if d.value_unit and c.value_unit
                                and d.value_unit.pattern == c.value_unit.pattern)
              for c in CONCEPTS if c.value_unit}


def _concepts_in(terms: frozenset[str], index: dict[str, frozenset[str]]) -> set[str]:
    found: set[str] = set()
    for word in terms:
        if word in index:
            found |= index[word]
    return found


def _terms(token_list: list[str]) -> list[str]:
    return [term(p) for t in token_list for p in ((t,) if t.isalpha() else split_token(t))]


# a quantity needs a number, in digits or words (the unit patterns are slow to try)
_HAS_NUMBER = re.compile(r"[\d\u00bc-\u00be]|\b(?:one|two|three|four|five|six|seven|eight|nine|"
                         r"ten|eleven|twelve)\b", re.I)
_ORIGIN_TEXT = re.compile(r"\b(made|manufactured|produced|assembled|printed|designed) in\b", re.I)
# "perfect for two players" counts as well as "2 players"
_NUMBER_WORDS = frozenset(term(w) for w in (
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "twenty", "hundred", "dozen"))


def make_fact(source: str, text: str, attribute: str | None = None,
               value: str | None = None) -> Fact:
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
    unit_concepts = frozenset(c for match in _ANY_UNIT.finditer(value)
                              for c in _SAME_UNIT.get(match.lastgroup or "", ())) \
        if _HAS_NUMBER.search(value) else frozenset()
    if "players" in name_concepts and _HAS_NUMBER.search(value):
        # "number of players: 2-4": the name says what the bare number counts
        unit_concepts |= {"players"}
    value_concepts |= unit_concepts
    if attribute is None and _ORIGIN_TEXT.search(value):
        value_concepts.add("origin")  # "100% made in spain"
    numbered = numbered_words(value_tokens)
    if attribute and any(t[0].isdigit() for t in value_tokens):
        numbered |= name_terms
    return Fact(source, text, attribute, value, name_terms, value_terms, terms,
                 frozenset(name_tokens + value_tokens), frozenset(terms), name_concepts,
                 frozenset(value_concepts), package, noise,
                 frozenset(t for t in terms if t[0].isdigit() or t in _NUMBER_WORDS),
                 unit_concepts, frozenset(numbered))


_LETTERS = re.compile(r"[a-z]+")


def numbered_words(token_list: list[str]) -> set[str]:
    """The words naming numbered things in a run of tokens: either neighbour of a number,
    and the letters of a token mixing letters and digits ("ddr3": ddr)."""
    found: set[str] = set()
    for i, token in enumerate(token_list):
        if not any(ch.isdigit() for ch in token):
            continue
        if not token[0].isdigit() or any(ch.isalpha() for ch in token):
            found.update(term(w) for w in _LETTERS.findall(token) if len(w) > 1)
        for j in (i - 1, i + 1):
            if 0 <= j < len(token_list) and token_list[j].isalpha() and len(token_list[j]) > 1:
                found.add(term(token_list[j]))
    return found


@lru_cache(maxsize=512)
def item_facts(item: ItemFacts) -> tuple[tuple[Fact, ...], dict[str, float]]:
    facts: list[Fact] = []
    for name, value in item.attributes:
        if str(value).strip().lower() not in JUNK_VALUES:
            facts.append(make_fact("attribute", f"{name}: {value}", name, str(value)))
    seen: set[str] = set()
    for bullet in item.bullets:
        for sentence in sentences(bullet):
            if sentence.lower() not in seen:
                seen.add(sentence.lower())
                facts.append(make_fact("bullet", sentence))
    for sentence in sentences(item.description):
        if sentence.lower() not in seen:
            seen.add(sentence.lower())
            facts.append(make_fact("description", sentence))
    if item.title:
        facts.append(make_fact("title", item.title))
    # how rare each word is among this product's facts
    df: dict[str, int] = {}
    for fact in facts:
        for s in fact.term_set:
            df[s] = df.get(s, 0) + 1
    n = len(facts)
    idf = {s: math.log(1 + (n - d + 0.5) / (d + 0.5)) for s, d in df.items()}
    return tuple(facts), idf


UNIT_OF = {c.name: c.value_unit for c in CONCEPTS}


@lru_cache(maxsize=512)
def title_words(title: str) -> frozenset[str]:
    """The words of an item's title: what the question's "it" is."""
    return frozenset(term(t) for t in words_of(title))


_NOT_INCLUDED = re.compile(r"(?i)\b(?:not included|sold separately|no incluid[oa]s?)\b")


def said_not_included(item: ItemFacts, part: str) -> str | None:
    """The sentence of the item's details saying the part does not come with it ("Cable not
    included.", "... (bulb not included)"), for a part the customer says is missing."""
    wanted = {stem(w) for w in (part, *item_noun(part))}
    for text in (*item.bullets, *sentences(item.description)):
        if _NOT_INCLUDED.search(text) and wanted & {stem(w) for w in re.findall(r"\w+", text.lower())}:
            return text
    return None

