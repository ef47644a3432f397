"""Questions settled by what the product is made for, whatever the answer: whether it suits an
age by the age range ("is it good for a 4 year old?" -> "ages 3 and up"), whether so many can
play by the players it is for ("can six people play?" -> "2 to 4 players"), whether it can be
used outdoors by where it is for ("can it fly outdoors?" -> "for use indoors only"), whether
it works on a voltage by the range it takes ("does it work with 220v?" -> "input voltage:
100-240 V"). The fact answers yes or no, whichever was asked. Pure: used by bot.product_answers."""

from __future__ import annotations

import re

from bot.facts import ItemFacts
from bot.product_facts import Fact, term, title_words
from bot.product_question import Question

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
