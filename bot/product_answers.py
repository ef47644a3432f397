"""Product questions answered from the product detail data, never invented: an answer always
quotes the fact it rests on, and a question the data does not settle gets no answer (the
engine then asks the seller). Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.facts import ItemFacts
from bot.understanding import words

# Question words that point at an attribute name customers rarely type verbatim.
ATTRIBUTE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "wattage": ("watt", "watts", "wattage", "power", "vatios", "potencia"),
    "voltage": ("volt", "volts", "voltage", "voltaje"),
    "weight": ("weigh", "weighs", "weight", "heavy", "pesa", "peso"),
    # Not "long": "how long does shipping take?" is about time, not size.
    "dimensions": ("big", "size", "dimensions", "wide", "tall", "high", "mide",
                   "medidas", "dimensiones", "tamano"),
    "color": ("color", "colour", "colors", "colours"),
    "material": ("material", "made", "materials"),
    "capacity": ("capacity", "hold", "holds", "capacidad"),
    "battery life": ("battery", "bateria", "charge"),
    "warranty": ("warranty", "guarantee", "garantia"),
}
# Question words that point at a value by its unit when the attribute name differs
# ("how many watts?" finds "output power: 65 W").
UNIT_HINTS: tuple[tuple[frozenset[str], re.Pattern[str]], ...] = tuple(
    (frozenset(hints), re.compile(pattern)) for hints, pattern in (
        (("watt", "watts", "wattage", "power", "vatios", "potencia"), r"\d\s*W\b"),
        (("volt", "volts", "voltage", "voltaje"), r"\d\s*V\b"),
        (("weigh", "weighs", "weight", "heavy", "pesa", "peso"), r"\d\s*(lb|oz|kg|g)\b"),
    ))
_STOP = {"the", "this", "that", "does", "what", "with", "have", "has", "for", "and", "are",
         "can", "how", "much", "many", "its", "it's", "will", "you", "your", "item", "product",
         "is", "it", "de", "la", "el", "que", "es", "tiene", "una", "uno", "los", "las"}


@dataclass(frozen=True)
class ProductAnswer:
    asin: str
    title: str
    evidence: str          # the product fact, as written in the detail data
    attribute: str | None  # the attribute's name when the fact is an attribute


def _content_words(text: str) -> set[str]:
    return {w for w in words(text) if len(w) > 2 and w not in _STOP}


def answer_product_question(question: str, items: tuple[ItemFacts, ...]) -> ProductAnswer | None:
    asked = set(words(question))
    content = _content_words(question)
    best: tuple[int, ProductAnswer] | None = None
    for item in items:
        for name, value in item.attributes:
            name_words = set(words(name))
            hints = set(ATTRIBUTE_SYNONYMS.get(name.lower(), ())) | name_words
            score = 0
            if asked & hints:
                score = 10 + len(asked & name_words)
            elif any(asked & unit_words and unit.search(value) for unit_words, unit in UNIT_HINTS):
                score = 8
            if score and (best is None or score > best[0]):
                best = (score, ProductAnswer(item.asin, item.title, f"{name}: {value}", name))
        for bullet in item.bullets:
            overlap = len(content & _content_words(bullet))
            if overlap >= 2 and (best is None or overlap > best[0]):
                best = (overlap, ProductAnswer(item.asin, item.title, bullet, None))
    return best[1] if best else None
