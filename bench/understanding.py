"""Per-message understanding time: language detection, intent classification (every clause
of the message) and the entity finders, as the engine runs them on each customer message,
against a bare baseline measured in the same run (normalizing the text, which every step
does first).

    .venv/bin/python -m bench.understanding [--repeat 5]

Messages: the Bitext dev utterances and our Spanish test set (when present), else a built-in
sample. Prints median and p99 microseconds per message and the ratio to the baseline, then a
JSON line."""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from bot.identifiers import find_amounts, find_order_ids, find_postal_code, find_tracking_numbers
from bot.intent_model import shipped_model
from bot.text import normalize
from bot.understanding import detect_intents, detect_language

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT.parent / "shared" / "eval" / "bitext_cs_intents_en.dev.jsonl",
           ROOT / "eval" / "intents_es.jsonl"]
SAMPLE = ["Where is my order 112-1234567-1234567?", "quiero devolver la lampara, llego rota",
          "I want to talk to a real person", "does it come with batteries? and when will it ship"]


def messages() -> list[str]:
    found = []
    for path in SOURCES:
        if path.is_file():
            found += [json.loads(line)["text"] for line in path.read_text().splitlines() if line]
    return found or SAMPLE * 100


def understand(text: str) -> None:
    lang = detect_language(text) or "en"
    detect_intents(text, lang)
    find_order_ids(text)
    find_tracking_numbers(text)
    find_postal_code(text)
    find_amounts(text)


def timings(work, texts: list[str], repeat: int) -> list[float]:
    result = []
    for _ in range(repeat):
        for text in texts:
            started = time.perf_counter()
            work(text)
            result.append((time.perf_counter() - started) * 1e6)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    texts = messages()
    shipped_model()  # loading the model is start-up work, not per message
    understand(texts[0])
    baseline = timings(normalize, texts, args.repeat)
    measured = timings(understand, texts, args.repeat)
    figures = {}
    for name, values in (("baseline", baseline), ("understanding", measured)):
        values.sort()
        figures[name] = {"median_us": round(statistics.median(values), 1),
                         "p99_us": round(values[int(len(values) * 0.99) - 1], 1)}
    figures["ratio_median"] = round(figures["understanding"]["median_us"]
                                    / figures["baseline"]["median_us"], 1)
    figures["messages"] = len(texts)
    print(f"{len(texts)} messages x {args.repeat}")
    for name in ("baseline", "understanding"):
        print(f"{name:14} median {figures[name]['median_us']:8.1f} us   "
              f"p99 {figures[name]['p99_us']:8.1f} us")
    print(f"understanding/baseline median: {figures['ratio_median']}x")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
