"""How well Spanish product questions are answered, beside the same questions in English:
the demo catalogue's products (bot/demo_data.py) and the questions of
eval/product_questions_es.{dev,test}.jsonl (eval/README.md says how they were written).

    .venv/bin/python scripts/spanish_product_questions.py eval/product_questions_es.dev.jsonl

For each language: answers given to the answerable questions, of which right (the labelled
fact, or another fact a reader would take as the same answer: `--show` lists them to judge),
and answers given to questions the data cannot settle (wrong by construction)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.demo_data import build_demo_dataset  # noqa: E402
from bot.facts import ItemFacts  # noqa: E402
from bot.product_answers import ProductAnswer, settle_product_question  # noqa: E402


def _items() -> dict[str, ItemFacts]:
    return {p["asin"]: ItemFacts(
        asin=p["asin"], title=p["title"], category=p["category"], quantity=1,
        price=Decimal(str(p["price"])), bullets=tuple(p["bullets"]),
        description=p["description"], attributes=tuple(p["attributes"].items()),
        returnable=p["returnable"], sku=p["sku"])
        for p in build_demo_dataset(datetime.now(UTC))["products"]}


def _same_fact(answer: ProductAnswer, labelled: str) -> bool:
    said = answer.evidence.strip().rstrip(".").lower()
    wanted = labelled.strip().rstrip(".").lower()
    return said == wanted or said in wanted or wanted in said


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--show", action="store_true", help="print every answer not labelled")
    args = parser.parse_args(argv)
    items = _items()
    records = [json.loads(line) for line in args.file.read_text("utf-8").splitlines() if line]
    answerable = sum(r["answer"] is not None for r in records)
    figures = {}
    for lang in ("es", "en"):
        right = other = unsettled_answered = 0
        for record in records:
            settled = settle_product_question(record[lang], (items[record["asin"]],))
            if not isinstance(settled, ProductAnswer):
                continue
            if record["answer"] is None:
                unsettled_answered += 1
                label = "ANSWERED, NOT SETTLED BY THE DATA"
            elif _same_fact(settled, record["answer"]):
                right += 1
                continue
            else:
                other += 1
                label = f"OTHER FACT (labelled: {record['answer']})"
            if args.show:
                print(f"[{lang}] {record[lang]!r} -> {settled.evidence!r}  {label}")
        figures[lang] = {"answerable": answerable, "labelled_fact": right, "other_fact": other,
                         "answered_unanswerable": unsettled_answered,
                         "unanswerable": len(records) - answerable}
    for lang, row in figures.items():
        print(f"{lang}: {row['labelled_fact']} + {row['other_fact']} answers of "
              f"{row['answerable']} answerable questions (labelled fact + another fact); "
              f"{row['answered_unanswerable']} answers to {row['unanswerable']} questions the "
              "data cannot settle")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
