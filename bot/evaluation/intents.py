"""`csba evaluate intents`: the engine's intent detection scored on labelled utterances: the
first request the engine would answer (bot.understanding.detect_intents, as the dialogue
calls it), so a message's greeting, story and closing count as they do in a conversation.

Records carry `text`, `lang` and the expected intent in `bot_intent` (else `label`); rows whose
`mapping` is `approx` (the source's label only roughly matches one of ours) are scored and
reported apart from the `direct` ones."""

from __future__ import annotations

import statistics
import time
from typing import Any

from bot.evaluation.common import Evaluation, confusions, label_table
from bot.understanding import MIN_CONFIDENCE, detect_intents


def expected(record: dict[str, Any]) -> str:
    return record.get("bot_intent") or record["label"]


def evaluate(records: list[dict[str, Any]]) -> Evaluation:
    result = Evaluation()
    timings = []
    outcomes: dict[str, tuple[list[str], list[str]]] = {"direct": ([], []), "approx": ([], [])}
    abstained = 0
    for record in records:
        started = time.perf_counter()
        intent, _, confidence = detect_intents(record["text"], record.get("lang") or "en")[0]
        timings.append((time.perf_counter() - started) * 1000)
        unsure = confidence < MIN_CONFIDENCE
        abstained += unsure
        mapping = "approx" if record.get("mapping") == "approx" else "direct"
        gold, predicted = outcomes[mapping]
        gold.append(expected(record))
        predicted.append(intent)
        result.predictions.append({
            "id": record.get("id"), "predicted": intent, "evidence": None, "abstained": unsure,
        })
    figures: dict[str, Any] = {"records": len(records)}
    for mapping, (gold, predicted) in outcomes.items():
        if not gold:
            continue
        correct = sum(g == p for g, p in zip(gold, predicted, strict=True))
        figures[f"accuracy_{mapping}"] = round(correct / len(gold), 4)
        figures[f"records_{mapping}"] = len(gold)
        result.lines += [
            f"{mapping} rows: {len(gold)}, accuracy {correct / len(gold):.3f}",
            *label_table(gold, predicted),
            "most frequent confusions (expected -> predicted):",
            *confusions(gold, predicted),
            "",
        ]
    figures["coverage"] = round(1 - abstained / len(records), 4) if records else 0.0
    figures["median_ms"] = round(statistics.median(timings), 3) if timings else 0.0
    result.lines.append(
        f"coverage (answered with confidence): {figures['coverage']:.3f}; "
        f"median time per message: {figures['median_ms']:.3f} ms")
    result.headline = figures
    return result
