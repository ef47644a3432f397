"""The shipped intent model is the one its training data makes."""

from pathlib import Path

import numpy as np

from bot.intent_model import MODEL_PATH, IntentModel, features
from bot.understanding import INTENTS

ROOT = Path(__file__).resolve().parent.parent


def test_the_shipped_model_was_trained_on_the_current_data():
    from scripts.train_intents import data_digest, training_files

    with np.load(MODEL_PATH) as shipped:
        assert str(shipped["data_sha256"]) == data_digest(training_files()), (
            "the training data changed: run .venv/bin/python scripts/train_intents.py")


def test_the_model_knows_every_intent_and_nothing_else():
    assert sorted(IntentModel.load().classes) == sorted(INTENTS)


def test_features_ignore_accents_case_and_the_digits_of_numbers():
    assert features("¿DÓNDE está 112-1234567-1234567?") == features("donde esta 999-0000000-1")



def test_the_word_by_word_vector_is_the_features_vector():
    model = IntentModel.load()
    text = "Where's my ordr 112-1234567-1234567?? quiero DEVOLVER la lámpara"
    indices, weights = model.vector(text)
    counts: dict[int, int] = {}
    for feature in features(text):
        if feature in model.vocabulary:
            counts[model.vocabulary[feature]] = counts.get(model.vocabulary[feature], 0) + 1
    assert dict(zip(indices.tolist(), [1] * len(indices), strict=True)).keys() == counts.keys()
    expected = (1 + np.log(np.array(list(counts.values()), dtype=np.float32))) * \
        model.idf[np.array(list(counts.keys()))]
    expected /= np.linalg.norm(expected)
    assert np.allclose(sorted(weights), sorted(expected))
