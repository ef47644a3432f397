"""Train the intent classifier from the labelled utterances in the repository.

    .venv/bin/python scripts/train_intents.py          # writes locales/intent_model.npz

Reads locales/<lang>/intents.train.jsonl (every language present), adds copies with typical
typos (deterministic), and fits a multinomial logistic regression (scikit-learn) over the
features of bot.intent_model.features. The output records the SHA-256 of the training data, so
tests/test_intent_model.py can tell when the shipped model is older than its data. The same
data always gives the same model: no randomness but the seeded typo generator."""

from __future__ import annotations

import hashlib
import json
import random
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.intent_model import MODEL_PATH, features  # noqa: E402

LOCALES = ROOT / "locales"
MIN_DOCUMENT_FREQUENCY = 2
REGULARIZATION = 8.0
TYPO_COPIES = 1


def training_files() -> list[Path]:
    return sorted(LOCALES.glob("*/intents*.train.jsonl"))


def data_digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_examples(paths: list[Path]) -> list[tuple[str, str]]:
    examples = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            record = json.loads(line)
            if not record.get("text") or not record.get("intent"):
                raise SystemExit(f"{path}:{number}: needs text and intent")
            examples.append((record["text"], record["intent"]))
    return examples


def with_typo(text: str, rng: random.Random) -> str:
    """One keyboard slip: a dropped, doubled or swapped letter inside a longer word."""
    words = text.split()
    candidates = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word = words[i]
    at = rng.randrange(1, len(word) - 2)
    kind = rng.choice(("drop", "double", "swap"))
    if kind == "drop":
        word = word[:at] + word[at + 1:]
    elif kind == "double":
        word = word[:at] + word[at] + word[at:]
    else:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    words[i] = word
    return " ".join(words)


def augmented(examples: list[tuple[str, str]]) -> list[tuple[str, str]]:
    rng = random.Random(20261126)
    extra = [(with_typo(text, rng), intent) for text, intent in examples
             for _ in range(TYPO_COPIES)]
    return examples + extra


def fit(examples: list[tuple[str, str]]):
    # Training-only dependencies (the `train` extra): the service needs numpy alone.
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    docs = [features(text) for text, _ in examples]
    document_frequency = Counter(f for doc in docs for f in set(doc))
    terms = sorted(f for f, df in document_frequency.items() if df >= MIN_DOCUMENT_FREQUENCY)
    index = {t: i for i, t in enumerate(terms)}
    n = len(docs)
    idf = np.array([np.log((1 + n) / (1 + document_frequency[t])) + 1 for t in terms],
                   dtype=np.float64)
    rows, cols, values = [], [], []
    for row, doc in enumerate(docs):
        counts = Counter(index[f] for f in doc if f in index)
        if not counts:
            continue
        columns = np.array(list(counts), dtype=np.int64)
        weights = (1 + np.log(np.array(list(counts.values()), dtype=np.float64))) * idf[columns]
        weights /= np.linalg.norm(weights)
        rows += [row] * len(columns)
        cols += columns.tolist()
        values += weights.tolist()
    matrix = csr_matrix((values, (rows, cols)), shape=(n, len(terms)))
    labels = [intent for _, intent in examples]
    model = LogisticRegression(C=REGULARIZATION, max_iter=5000)
    model.fit(matrix, labels)
    return terms, idf, model


def main() -> int:
    paths = training_files()
    if not paths:
        raise SystemExit("no locales/*/intents.train.jsonl to train from")
    examples = load_examples(paths)
    terms, idf, model = fit(augmented(examples))
    np.savez_compressed(
        MODEL_PATH,
        vocabulary=np.array(terms),
        idf=idf.astype(np.float32),
        coef=model.coef_.astype(np.float16),
        intercept=model.intercept_.astype(np.float32),
        classes=np.array(model.classes_),
        data_sha256=np.array(data_digest(paths)),
    )
    counts = Counter(intent for _, intent in examples)
    print(f"trained on {len(examples)} utterances from {len(paths)} files "
          f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}); "
          f"{len(terms)} features -> {MODEL_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
