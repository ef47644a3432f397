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


def features(text: str) -> list[str]:
    """The n-gram features of a message, shared by training and inference."""
    words = _TOKEN.findall(_DIGITS.sub("0", normalize(text)))
    found = [f"w:{w}" for w in words]
    found += [f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    for word in words:
        padded = f" {word} "
        for n in (3, 4, 5):
            found += [f"c:{padded[i:i + n]}" for i in range(len(padded) - n + 1)]
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

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> IntentModel:
        with np.load(path, allow_pickle=False) as data:
            terms = [str(t) for t in data["vocabulary"]]
            return cls({t: i for i, t in enumerate(terms)}, data["idf"].astype(np.float32),
                       data["coef"].astype(np.float32), data["intercept"].astype(np.float32),
                       [str(c) for c in data["classes"]])

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Indices and weights of the message's known features (tf-idf, L2-normalized)."""
        counts: dict[int, int] = {}
        for feature in features(text):
            index = self.vocabulary.get(feature)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        indices = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32,
                                            count=len(counts)))) * self.idf[indices]
        return indices, weights / np.linalg.norm(weights)

    def scores(self, text: str) -> list[IntentScore]:
        """Every intent with its probability, most likely first."""
        indices, weights = self.vector(text)
        logits = self.intercept + self.coef[:, indices] @ weights
        exp = np.exp(logits - logits.max())
        probabilities = exp / exp.sum()
        order = np.argsort(-probabilities)
        return [IntentScore(self.classes[i], float(probabilities[i])) for i in order]


@cache
def shipped_model() -> IntentModel:
    return IntentModel.load()
