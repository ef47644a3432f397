"""Why a customer wants to send something back, from their words: a reason code of the
policy file (seller fault or the customer's own), and whether they want a replacement.
Pure; the words are data in `locales/<lang>/understanding.json` ("return_reasons",
"replacement_words")."""

from __future__ import annotations

import json
import re
from functools import cache

from bot.text import any_phrase, normalize, says
from bot.understanding import LOCALES, available_languages, without_cancellation_question

# Which reason a request's intent implies when the words do not say.
REASON_OF_INTENT = {"damaged_or_defective": "defective", "wrong_item": "wrong_item"}
REASONS = ("damaged", "defective", "wrong_item", "not_as_described", "missing_parts",
           "arrived_late", "no_longer_needed", "ordered_by_mistake", "better_price",
           "wrong_size_ordered")


@cache
def _lexicon() -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    reasons: dict[str, list[str]] = {}
    replacement: list[str] = []
    for lang in available_languages():
        raw = json.loads((LOCALES / lang / "understanding.json").read_text(encoding="utf-8"))
        for reason, phrases in raw.get("return_reasons", {}).items():
            reasons.setdefault(reason, []).extend(normalize(p) for p in phrases)
        replacement += [normalize(p) for p in raw.get("replacement_words", [])]
    return {k: tuple(v) for k, v in reasons.items()}, tuple(replacement)


def return_reason(text: str, intent: str | None = None) -> str | None:
    """The first reason (in the order of REASONS, seller's fault first) the words name, else
    what the intent implies, else None."""
    named = reasons_named(text)
    return named[0] if named else REASON_OF_INTENT.get(intent or "")


def reasons_named(text: str) -> tuple[str, ...]:
    """Every reason the words name, seller's fault first."""
    haystack = normalize(text)
    return tuple(reason for reason, pattern in _reason_patterns() if pattern.search(haystack))


@cache
def _reason_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One pattern per reason: asked of most messages, so one scan each, not one per phrase."""
    reasons, _ = _lexicon()
    return tuple((reason, any_phrase(reasons.get(reason, ()))) for reason in REASONS)


def wants_replacement(text: str) -> bool:
    haystack = normalize(text)
    return any(says(haystack, phrase) for phrase in _lexicon()[1])


def wants_it_cancelled(text: str) -> bool:
    """Whether a message that asks about a cancellation also asks for it ("can I cancel?
    please cancel it asap"), or says why, in the words of a return's reasons ("how do I
    cancel? I ordered by mistake")."""
    rest = without_cancellation_question(text)  # "is it too late to cancel?" gives no reason
    return bool(_CANCEL_WISH.search(rest) or reasons_named(rest))


_CANCEL_WISH = re.compile(r"\b(?:please|pls|plz|asap|por favor|porfa|porfavor|want to cancel|"
                          r"need to cancel|cancel it|cancel them|quiero cancelar\w*|"
                          r"necesito cancelar\w*|cancel[ae]l[oa]s?|cancel[ae]nl[oa]s?)\b")
