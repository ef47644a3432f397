"""Understanding a customer's message: language, intent, SMS keywords and which item or order
they mean. Pure; the per-language data lives in `locales/<lang>/understanding.json`, so a new
language is a matter of data."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).resolve().parent.parent / "locales"

# When several intents match, the more specific problem wins over the general question.
INTENT_PRIORITY = (
    "human_agent", "cancel_order", "change_address", "not_received", "damaged_or_defective",
    "wrong_item", "return_request", "order_status", "product_question", "thanks", "help",
    "greeting", "affirm", "deny",
)
_WORD = re.compile(r"[\w']+", re.UNICODE)


@dataclass(frozen=True)
class LanguageData:
    lang: str
    stopwords: frozenset[str]
    intents: dict[str, tuple[str, ...]]
    ordinals: dict[str, int]
    sms_keywords: dict[str, frozenset[str]]


@cache
def language_data(lang: str) -> LanguageData:
    raw = json.loads((LOCALES / lang / "understanding.json").read_text(encoding="utf-8"))
    return LanguageData(
        lang=lang,
        stopwords=frozenset(raw.get("stopwords", ())),
        intents={k: tuple(normalize(p) for p in v) for k, v in raw.get("intents", {}).items()},
        ordinals={normalize(k): v for k, v in raw.get("ordinals", {}).items()},
        sms_keywords={k: frozenset(v) for k, v in raw.get("sms_keywords", {}).items()},
    )


@cache
def available_languages() -> tuple[str, ...]:
    return tuple(sorted(p.parent.name for p in LOCALES.glob("*/understanding.json")))


def normalize(text: str) -> str:
    """Lower case, accents removed, curly apostrophes straightened, spaces collapsed."""
    text = text.replace("\u2019", "'").lower()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def words(text: str) -> list[str]:
    return _WORD.findall(normalize(text))


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


@cache
def _intent_matcher(langs: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, frozenset[str]]]:
    """One pattern for every intent phrase of these languages, longest first, so that a
    phrase inside a longer one never matches on its own ("no thanks" is not thanks)."""
    intents_of: dict[str, set[str]] = {}
    for lang in langs:
        for intent, phrases in language_data(lang).intents.items():
            for phrase in phrases:
                intents_of.setdefault(phrase, set()).add(intent)
    ordered = sorted(intents_of, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)")
    return pattern, {phrase: frozenset(i) for phrase, i in intents_of.items()}


def detect_intents(text: str, lang: str) -> list[str]:
    """Every intent whose phrases occur in the text, most specific first."""
    haystack = normalize(text)
    pattern, intents_of = _intent_matcher(tuple(dict.fromkeys((lang, "en"))))
    found = {intent for match in pattern.finditer(haystack) for intent in intents_of[match.group(0)]}
    if not found and haystack.endswith("?"):
        found.add("product_question")
    return [i for i in INTENT_PRIORITY if i in found]


def detect_intent(text: str, lang: str) -> str:
    intents = detect_intents(text, lang)
    return intents[0] if intents else "other"


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
