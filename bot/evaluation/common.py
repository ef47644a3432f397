"""What every evaluation returns, and the counting they share."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Evaluation:
    """A report for people (lines), the headline figures (the final JSON line) and one
    prediction per record in DESIGN.md's shape, for anyone to score independently."""

    lines: list[str] = field(default_factory=list)
    headline: dict[str, Any] = field(default_factory=dict)
    predictions: list[dict[str, Any]] = field(default_factory=list)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    records = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except ValueError as exc:
                    raise ValueError(f"{path}:{number}: not JSON ({exc})") from None
    return records


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def per_label(gold: list[str], predicted: list[str]) -> dict[str, dict[str, float]]:
    """Precision, recall and support of every label that occurs in either list."""
    labels = sorted(set(gold) | set(predicted))
    true_positive = Counter(g for g, p in zip(gold, predicted, strict=True) if g == p)
    gold_count, predicted_count = Counter(gold), Counter(predicted)
    return {
        label: {
            "precision": true_positive[label] / predicted_count[label] if predicted_count[label] else 0.0,
            "recall": true_positive[label] / gold_count[label] if gold_count[label] else 0.0,
            "support": gold_count[label],
        }
        for label in labels
    }


def label_table(gold: list[str], predicted: list[str]) -> list[str]:
    rows = [f"{'label':24} {'precision':>9} {'recall':>7} {'support':>8}"]
    for label, figures in per_label(gold, predicted).items():
        rows.append(f"{label:24} {figures['precision']:9.3f} {figures['recall']:7.3f} "
                    f"{figures['support']:8d}")
    return rows


def confusions(gold: list[str], predicted: list[str], top: int = 10) -> list[str]:
    """The most frequent (expected -> predicted) mistakes."""
    mistakes = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    return [f"{count:5d}  {g} -> {p}" for (g, p), count in mistakes.most_common(top)]
