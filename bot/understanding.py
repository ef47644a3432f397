"""Understanding a customer's message: language, intents (one per request in the message),
SMS keywords and which item or order they mean. Pure; the per-language data lives under
`locales/<lang>/` (understanding.json, intents.train.jsonl for the model), so a new language
is a matter of data."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.intent_model import shipped_model
from bot.text import normalize, words

LOCALES = Path(__file__).resolve().parent.parent / "locales"

INTENTS = (
    "order_status", "return_request", "refund_status", "cancel_order", "change_address",
    "damaged_or_defective", "wrong_item", "missing_item", "product_question", "invoice_request",
    "customization", "pre_order", "human_agent", "complaint", "greeting", "thanks", "goodbye",
    "affirm", "deny", "other",
)
SMALL_TALK = {"greeting", "thanks", "goodbye", "affirm", "deny", "other"}
# Below this probability the model's best guess is not trusted: the message is "other".
MIN_CONFIDENCE = 0.2
_WORD = re.compile(r"[\w']+", re.UNICODE)


@dataclass(frozen=True)
class LanguageData:
    lang: str
    stopwords: frozenset[str]
    ordinals: dict[str, int]
    sms_keywords: dict[str, frozenset[str]]
    closings: frozenset[str]


@cache
def language_data(lang: str) -> LanguageData:
    raw = json.loads((LOCALES / lang / "understanding.json").read_text(encoding="utf-8"))
    return LanguageData(
        lang=lang,
        stopwords=frozenset(raw.get("stopwords", ())),
        ordinals={normalize(k): v for k, v in raw.get("ordinals", {}).items()},
        sms_keywords={k: frozenset(v) for k, v in raw.get("sms_keywords", {}).items()},
        closings=frozenset(normalize(c) for c in raw.get("closings", ())),
    )


@cache
def available_languages() -> tuple[str, ...]:
    return tuple(sorted(p.parent.name for p in LOCALES.glob("*/understanding.json")))


def detect_language(text: str) -> str | None:
    """A BCP 47 base tag, or None when the text is too short or neutral to tell."""
    if re.search(r"[\u3040-\u30ff]", text):
        return "ja"
    if re.search(r"[\u4e00-\u9fff]", text):
        return "zh"
    if re.search(r"[\uac00-\ud7af]", text):
        return "ko"
    tokens = set(_WORD.findall(text.lower()))
    scores: dict[str, float] = {}
    for lang in available_languages():
        data = language_data(lang)
        if data.stopwords:
            scores[lang] = len(tokens & data.stopwords)
    if re.search(r"[ñ¿¡áéíóú]", text.lower()):
        scores["es"] = scores.get("es", 0) + 1.5
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    best, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    return best if score >= 1 and score > runner_up else None


def _phrase_spans(haystack: str, phrase: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", haystack)]


@dataclass(frozen=True)
class IntentResult:
    intent: str
    confidence: float
    abstained: bool  # no intent was likely enough: the message counts as "other"


def classify_intent(text: str, lang: str = "en") -> IntentResult:
    """The intent of one message (or clause) by the shipped model (bot.intent_model); below
    MIN_CONFIDENCE the answer is "other". The model is multilingual: `lang` is for callers
    that know it, not needed here."""
    best = shipped_model().best(text)
    if best.probability < MIN_CONFIDENCE:
        return IntentResult("other", best.probability, True)
    return IntentResult(best.intent, best.probability, False)


_CLAUSE_BREAK = re.compile(r"(?<=[?!.])\s+|\s*[;\n]+\s*|,?\s+(?:and also|and|also|plus|y también|"
                           r"y además|también|y|además)\s+(?=(?:can|could|is|are|do|does|"
                           r"where|when|what|how|i|please|puede|puedo|quiero|donde|dónde|"
                           r"cuando|cuándo|como|cómo|me|necesito)\b)", re.IGNORECASE)


def clauses(text: str) -> list[str]:
    """A message split where a new question or request starts ("where is it? and can I change
    the address"); short fragments stay with the clause before them."""
    parts = [p.strip() for p in _CLAUSE_BREAK.split(text) if p and p.strip()]
    merged: list[str] = []
    for part in parts:
        if merged and len(part.split()) < 3:
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged or [text]


SECOND_REQUEST_CONFIDENCE = 0.5


def without_closing(text: str, lang: str) -> str:
    """The message without its closing ("Thanks,\nAna Díaz"): the name under a closing would
    read as a request of its own. Only a closing in the last lines, with at most three short
    lines (a name, a title) under it, and something above it."""
    lines = text.rstrip().split("\n")
    closings = language_data(lang).closings | language_data("en").closings
    for index in range(len(lines) - 1, max(0, len(lines) - 5), -1):
        if normalize(lines[index]).strip(" ,.!-") in closings:
            under = [line for line in lines[index + 1:] if line.strip()]
            if len(under) <= 3 and all(len(line.split()) <= 5 for line in under):
                return "\n".join(lines[:index]).strip() or text
            return text
    return text


def detect_intents(text: str, lang: str = "en") -> list[tuple[str, str, float]]:
    """(intent, clause, confidence) for each distinct request in the message, in order.
    Small talk (greetings, thanks) only counts when there is nothing else."""
    text = without_closing(text, lang)
    parts = clauses(text)
    if len(parts) == 1:
        whole = classify_intent(text, lang)
        return [(whole.intent, text, whole.confidence)]
    found: dict[str, tuple[str, str, float]] = {}
    for part in parts:
        result = classify_intent(part, lang)
        if not result.abstained and result.intent not in found:
            found[result.intent] = (result.intent, part, result.confidence)
    requests = [f for f in found.values() if f[0] not in SMALL_TALK]
    # A second request has to be clear: the story around a question ("I ordered it two days
    # ago") reads as some intent with a low confidence.
    requests = requests[:1] + [f for f in requests[1:] if f[2] >= SECOND_REQUEST_CONFIDENCE]
    if requests:
        return requests
    whole = classify_intent(text, lang)
    return [(whole.intent, text, whole.confidence)]


def detect_intent(text: str, lang: str = "en") -> str:
    return classify_intent(text, lang).intent


def sms_keyword(text: str) -> str | None:
    """STOP / START / HELP when the whole message is one of the carrier keywords."""
    word = normalize(text).strip(" .!")
    for lang in available_languages():
        for keyword, variants in language_data(lang).sms_keywords.items():
            if word in variants:
                return keyword
    return None


def choose_option(text: str, labels: list[str], lang: str) -> int | None:
    """Which of the offered options the customer picked: a number, an ordinal, or words of
    its label ("the lamp"). Returns an index into `labels`, or None."""
    haystack = normalize(text)
    number = re.fullmatch(r"\D*(\d{1,2})\D*", haystack)
    if number and 1 <= int(number.group(1)) <= len(labels):
        return int(number.group(1)) - 1
    mentioned = []  # (where, -length, position): the earliest ordinal, the longest on a tie
    for candidate in dict.fromkeys((lang, "en")):
        for word, position in language_data(candidate).ordinals.items():
            mentioned += [(start, start - end, position)
                          for start, end in _phrase_spans(haystack, word)]
    for _, _, position in sorted(mentioned):
        index = len(labels) - 1 if position == -1 else position - 1
        if 0 <= index < len(labels):
            return index
    return choose_by_name(text, labels)


def choose_by_name(text: str, labels: list[str]) -> int | None:
    """The one label that shares the most words with the text ("the kettle"), or None."""
    tokens = {w for w in words(text) if len(w) > 2}
    scores = [len(tokens & {w for w in words(label) if len(w) > 2}) for label in labels]
    best = max(scores, default=0)
    if best and scores.count(best) == 1:
        return scores.index(best)
    return None
