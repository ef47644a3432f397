"""The intent classifier: a linear model over word and character n-grams, trained by
`scripts/train_intents.py` from the labelled utterances in `locales/<lang>/intents.train.jsonl`
and shipped as `locales/intent_model.npz`. Inference is pure and needs only numpy.

Character n-grams inside words make it robust to the typos customers make ("cancfel",
"deloivery"); word bigrams keep short phrases ("no thanks", "where is"). Accents are removed
and digit runs collapsed, so "dónde" and "donde", and any order number, look the same."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from bot.text import normalize

MODEL_PATH = Path(__file__).resolve().parent.parent / "locales" / "intent_model.npz"
_TOKEN = re.compile(r"[a-z0-9']+")
_DIGITS = re.compile(r"\d+")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(_DIGITS.sub("0", normalize(text)))


def word_features(word: str) -> list[str]:
    """The features of one word: itself and its character 3- to 5-grams."""
    padded = f" {word} "
    found = [f"w:{word}"]
    for n in (3, 4, 5):
        found += [f"c:{padded[i:i + n]}" for i in range(len(padded) - n + 1)]
    return found


def features(text: str) -> list[str]:
    """The n-gram features of a message, shared by training and inference."""
    words = tokens(text)
    found = [f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    for word in words:
        found += word_features(word)
    return found


@dataclass(frozen=True)
class IntentScore:
    intent: str
    probability: float


class IntentModel:
    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, coef: np.ndarray,
                 intercept: np.ndarray, classes: list[str]) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.coef = coef
        self.intercept = intercept
        self.classes = classes
        self._words: dict[str, tuple[int, ...]] = {}

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> IntentModel:
        with np.load(path, allow_pickle=False) as data:
            terms = [str(t) for t in data["vocabulary"]]
            return cls({t: i for i, t in enumerate(terms)}, data["idf"].astype(np.float32),
                       data["coef"].astype(np.float32), data["intercept"].astype(np.float32),
                       [str(c) for c in data["classes"]])

    def _word_indices(self, word: str) -> tuple[int, ...]:
        # Customers use the same few hundred words: their feature indices are worth keeping.
        found = self._words.get(word)
        if found is None:
            if len(self._words) > 100_000:
                self._words.clear()
            found = tuple(i for f in word_features(word) if (i := self.vocabulary.get(f)) is not None)
            self._words[word] = found
        return found

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Indices and weights of the message's known features (tf-idf, L2-normalized); the
        same features as `features(text)`, looked up word by word."""
        words = tokens(text)
        counts: dict[int, int] = {}
        for a, b in zip(words, words[1:], strict=False):
            index = self.vocabulary.get(f"b:{a}_{b}")
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        for word in words:
            for index in self._word_indices(word):
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        indices = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32,
                                            count=len(counts)))) * self.idf[indices]
        return indices, weights / np.linalg.norm(weights)

    def probabilities(self, text: str) -> np.ndarray:
        indices, weights = self.vector(text)
        logits = self.intercept + self.coef[:, indices] @ weights
        exp = np.exp(logits - logits.max())
        return exp / exp.sum()

    def best(self, text: str) -> IntentScore:
        probabilities = self.probabilities(text)
        top = int(probabilities.argmax())
        return IntentScore(self.classes[top], float(probabilities[top]))

    def scores(self, text: str) -> list[IntentScore]:
        """Every intent with its probability, most likely first."""
        probabilities = self.probabilities(text)
        return [IntentScore(self.classes[i], float(probabilities[i]))
                for i in np.argsort(-probabilities)]


@cache
def shipped_model() -> IntentModel:
    return IntentModel.load()
