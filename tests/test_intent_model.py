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

