"""Questions a fact settles by stating what was asked, whatever the answer: whether it comes
with something, by a fact listing what it includes ("does it come with olaf?" -> "included
components: ..., olaf the snowman figure"; "lock not included"); how many of something, by
a fact counting it ("how many rockets?" -> "includes a launcher and 4 jr. glow rockets");
whether it needs something, by the yes/no attribute about it ("does it work with
batteries?" -> "batteries required: yes"); whether it works with a model, by the list of the
models it works with ("windows 8?" -> "platform: windows xp, windows 7"); one dimension, by
the sentence giving it ("how deep?" -> '26" h x 16" w x 3" d'). Nothing else may be asked. Pure: used by
bot.product_answers."""

from __future__ import annotations

import re

from bot.facts import ItemFacts
from bot.product_facts import WEAK_TERMS, Fact, term, title_words
from bot.product_question import Question
from bot.product_settle import (
    ASKS_INCLUDED,
    ASKS_REQUIRED,
    BOOLEAN_GLUE,
    boolean_other_kind,
    dimensions_asked,
    dimensions_given,
)
from bot.product_vocabulary import STOPWORDS, words_of

Ranked = list[tuple[float, ItemFacts, Fact, list[float]]]


def stated_answer(q: Question, ranked: Ranked) -> tuple[ItemFacts, Fact] | None:
    """The best-ranked fact that states what the question asks, if any."""
    if q.parts > 1 or q.alternatives:
        return None  # "does it come with X? and how big is it?": one answer is not enough
    return _included_answer(q, ranked) or _count_answer(q, ranked) \
        or _boolean_answer(q, ranked) or _models_answer(q, ranked) or _dimension_answer(q, ranked)


# "does it come with X", "is X included", "does it include X", "did you get X", "will X come
# with it": X is what the question asks about
_INCLUDED = (
    re.compile(r"\b(?:come|comes|came|ship|ships|shipped) with (?:it |this )?(.+)"),
    re.compile(r"\b(?:is|are) (?:there )?(.+?) (?:included|in the box|in the package)\b"),
    re.compile(r"\b(?:include|includes|included|contain|contains) (.+)"),
    re.compile(r"\bdid (?:you|yours|it|they) (?:get|receive) (.+)"),
    re.compile(r"\b([a-z]+(?: [a-z]+)?) (?:will|would) (?:come|be included) with\b"),
)
# where the thing asked about ends: "slides to view with the microscope" asks for slides
_OBJECT_END = re.compile(r"[?.!,;:(]| (?:to|for|so|if|that|which|when|because|or|in order)\b")
# what says a fact lists the contents ("set includes: ...", "comes with ...", "batteries not
# included", "sold separately")
_INCLUSION_CUES = frozenset(term(w) for w in (
    "include", "included", "includes", "including", "come", "comes", "contain", "contains",
    "separately", "supplied", "provided", "box", "kit"))
# words of a question about what comes that ask nothing themselves
_INCLUDED_GLUE = frozenset(term(w) for w in (
    "sure", "also", "already", "package", "purchase", "order", "box", "actually", "receive",
    "get", "comes", "come"))


def _included_object(q: Question) -> frozenset[str]:
    for pattern in _INCLUDED:
        match = pattern.search(q.text)
        if match:
            phrase = _OBJECT_END.split(match.group(1), maxsplit=1)[0]
            words = frozenset(term(w) for w in words_of(phrase)
                              if w not in STOPWORDS and len(w) > 1) - WEAK_TERMS - q.item
            if words - _INCLUDED_GLUE:  # "will boots come with this?": not "this"
                return words - _INCLUDED_GLUE
    return frozenset()


def _included_answer(q: Question, ranked: Ranked) -> tuple[ItemFacts, Fact] | None:
    """Whether it comes with X, by the best-ranked fact that names X among what it includes
    or leaves out; nothing else asked."""
    if not q.yes_no:
        return None
    wanted = _included_object(q)
    if not wanted:
        return None  # "does it come with everything?": nothing named
    for _, item, fact, _ in ranked:
        if fact.noise or fact.package or not wanted <= fact.term_set:
            continue
        listed = "included" in fact.name_concepts if fact.source == "attribute" \
            else _listed(fact.terms, wanted)
        if not listed:
            continue
        other = q.focus - wanted - fact.term_set - title_words(item.title) - _INCLUDED_GLUE
        return None if other - _purpose_words(q) else (item, fact)
    return None


# what the thing is said of between the cue and it: "includes a guide to experiments using
# the microscope, and tips for preparing slides" does not include slides
_NOT_LISTED = frozenset(term(w) for w in ("for", "to", "using", "use", "about", "on", "how",
                                           "when", "if", "like", "into", "onto", "from"))
# the cues that may follow the thing: "lock not included", "adapter sold separately"
_CUES_AFTER = frozenset(term(w) for w in ("included", "separately", "supplied", "provided"))


def _listed(terms: tuple[str, ...], wanted: frozenset[str]) -> bool:
    """Whether the sentence names the thing among what it includes or leaves out: after an
    inclusion cue ("set includes: red jacket, riding boots"), or just before one ("lock not
    included"), with nothing between that makes it something else's."""
    at = [i for i, w in enumerate(terms) if w in wanted]
    if not at:
        return False
    first, last = at[0], at[-1]
    for i, word in enumerate(terms):
        if word not in _INCLUSION_CUES:
            continue
        if i < first and not _NOT_LISTED.intersection(terms[i + 1:first]):
            return True
        if word in _CUES_AFTER and last < i <= last + 4 \
                and not _NOT_LISTED.intersection(terms[last + 1:i]):
            return True
    return False


_PURPOSE = re.compile(r"\bto ([a-z]+(?: [a-z]+)*?)(?=[?.!,;]|$)")


def _purpose_words(q: Question) -> frozenset[str]:
    """The words of "... to view with the microscope": what the thing is for, which the list
    of contents need not repeat."""
    return frozenset(term(w) for m in _PURPOSE.finditer(q.text) for w in m.group(1).split())


_IN_PACKAGE = re.compile(r"\bhow many (?:comes? |are |do you get )?(?:in|per|inside) (?:the |a |an |"
                         r"each |one )?(?:package|box|pack|packet|bag|set)\b")
_PACK_COUNT = re.compile(r"\b\d+[- ]?(?:pack|pk|count|ct)\b|\b(?:pack|set|box|bag|case) of \d+\b",
                         re.I)
_NUMBER = re.compile(r"^\d+$")


def _count_answer(q: Question, ranked: Ranked) -> tuple[ItemFacts, Fact] | None:
    """How many X, by the best-ranked fact that gives a number of X; how many come in the
    package, by one giving the pack's count ("a 4-pack of dive toys"); nothing else asked."""
    if not q.how_many:
        return None
    if q.counted in (None, term("come")) and _IN_PACKAGE.search(q.text) and not q.focus:
        return next(((item, fact) for _, item, fact, _ in ranked
                     if not fact.noise and not fact.package and _PACK_COUNT.search(fact.value)),
                    None)
    if q.counted is None or q.counted in WEAK_TERMS - {term("piece")}:
        return None
    for _, item, fact, _ in ranked:
        if fact.noise or fact.package or q.counted not in fact.term_set:
            continue
        if not _counts_word(fact.terms, q.counted):
            continue
        other = q.focus - {q.counted} - fact.term_set - title_words(item.title) - _INCLUDED_GLUE
        return None if other else (item, fact)
    return None


def _counts_word(terms: tuple[str, ...], counted: str) -> bool:
    """A number, then at most three words, then the counted word ("4 jr. glow stomp
    rockets", "62pc")."""
    for i, word in enumerate(terms):
        if word == counted and any(_NUMBER.match(w) for w in terms[max(0, i - 4):i]):
            return True
    return False


def _boolean_answer(q: Question, ranked: Ranked) -> tuple[ItemFacts, Fact] | None:
    """A yes/no question about exactly what a yes/no attribute is about ("does it work with
    batteries?" -> "batteries required: yes"): the best-ranked one whose subject the
    question names, asked with a verb of its kind, and nothing else asked."""
    if not q.yes_no:
        return None
    for _, item, fact, _ in ranked:
        if fact.source != "attribute" or fact.value not in ("yes", "no") or fact.noise:
            continue
        subject = fact.name_terms - BOOLEAN_GLUE
        if not subject or not subject <= q.content_set:
            continue
        if boolean_other_kind(q, fact, strict=True):
            return None
        other = q.focus - subject - title_words(item.title) - ASKS_REQUIRED - ASKS_INCLUDED
        return None if other else (item, fact)
    return None


# a sentence that lists the models the item works with: "works with models: ...",
# "compatible with: ...", "fits the following models"
_MODEL_LIST = re.compile(r"\b(?:(?:works?|compatible|for use) with|fits?)(?: the)?(?: following)?"
                         r" models?\b|\bcompatible (?:models?|devices?)\b", re.I)


# the verbs asking whether it works with something
_WORKS_WITH = frozenset(term(w) for w in (
    "work", "works", "fit", "fits", "compatible", "compatibility", "run", "runs", "support",
    "supports", "operate", "operates"))


def _models_answer(q: Question, ranked: Ranked) -> tuple[ItemFacts, Fact] | None:
    """Whether it works with a model ("will it work with windows 8?", "does it fit the
    du943?"; not "does it include windows 8?"), by the best-ranked fact listing the models
    it works with, when it names that model or others of its kind: an attribute named for
    them ("platform", "operating system", "compatible devices") or a sentence saying it
    lists them. Nothing else asked ("i have an att samsung, will it work on my phone?" asks
    about the carrier too)."""
    if not q.yes_no or not q.codes or not q.content_set & _WORKS_WITH or q.own:
        return None  # "does it include windows 8?" asks what comes with it
    for _, item, fact, _ in ranked:
        if fact.noise or fact.package:
            continue
        lists = "compatible" in fact.name_concepts if fact.source == "attribute" \
            else bool(_MODEL_LIST.search(fact.value))
        if not lists or q.missed_codes(fact):
            continue
        # the pieces of a model name ("du943pwkt0": du, 943, pwkt) are the model
        other = {w for w in q.focus - fact.term_set - title_words(item.title)
                 if not any(w in code for code in q.codes)}
        return None if other else (item, fact)
    return None


def _dimension_answer(q: Question, ranked: Ranked) -> tuple[ItemFacts, Fact] | None:
    """One dimension asked by name ("how deep is it?", "what is the width?"), by the
    best-ranked sentence giving that dimension with a length ('26.5" h x 16" w x 3.25" d'),
    though a better-ranked one gives others; the thing measured named in it or in the title
    (without a title the thing may be the item itself)."""
    asked = dimensions_asked(q)
    if len(asked) != 1 or "dimensions" not in q.concepts:
        return None  # "how long does the battery last?" asks for a time
    for _, item, fact, _ in ranked:
        if fact.source == "attribute" or fact.noise or "dimensions" not in fact.unit_concepts:
            continue
        if not asked <= dimensions_given(fact):
            continue
        title = title_words(item.title)
        return None if title and q.focus - fact.term_set - title else (item, fact)
    return None
