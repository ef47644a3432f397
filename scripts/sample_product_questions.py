"""Take real shoppers' product questions from the product-question files as training
utterances of the `product_question` intent.

    .venv/bin/python scripts/sample_product_questions.py ../shared/eval/*pqa*_en.dev.jsonl
    .venv/bin/python scripts/train_intents.py

Writes locales/en/intents.product_questions.train.jsonl. Only the "tune" half of each file
(bot.evaluation.product_qa.half, the half the product answerer is fitted on) is drawn from,
and a question also asked in a "report" half is left out, so the report halves stay a fair
measure of how often the engine reads a real product question as one (`--measure`).
Questions about what is not the item (shipping, price, stock, returns, the seller, buying)
are pre-order matters in our labels and are left out. The files are CDLA-Sharing-1.0
(../shared/README.md), and so is what this writes."""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.evaluation.product_qa import half  # noqa: E402
from bot.text import normalize  # noqa: E402

OUTPUT = ROOT / "locales" / "en" / "intents.product_questions.train.jsonl"
PER_FILE = 60  # 100 drew unknown words in other requests to product_question too
MIN_WORDS, MAX_WORDS = 3, 30

# What our labels call pre_order (or return_request, refund_status): not the item itself.
NOT_THE_ITEM = re.compile(
    r"\b(ship|ships|shipping|shipped|deliver\w*|arriv\w*|price\w*|cost|costs|cheap\w*|"
    r"expensive|discount\w*|coupon|deal|sale|refund\w*|return\w*|exchange|warranty claim|"
    r"seller|vendor|store|stock|restock|buy|bought|purchas\w*|order\w*|checkout|available|"
    r"availability|listing|amazon|prime|in stores?|do you (have|sell|carry|make|offer))\b")


def questions(path: Path) -> list[tuple[str, str, str]]:
    """(id, half, question) of every record."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            found.append((record["id"], half(record["id"]), " ".join(record["question"].split())))
    return found


def usable(question: str) -> bool:
    norm = normalize(question)
    return MIN_WORDS <= len(norm.split()) <= MAX_WORDS and not NOT_THE_ITEM.search(norm)


def sample(paths: list[Path], per_file: int) -> list[dict[str, str]]:
    """Up to `per_file` usable tune-half questions of each file, in the order of the SHA-1 of
    their ids (stable, and blind to what they say)."""
    every = {path: questions(path) for path in paths}
    reported = {normalize(q) for found in every.values() for _, h, q in found if h == "report"}
    taken: set[str] = set()
    chosen = []
    for found in every.values():
        candidates = sorted(
            ((hashlib.sha1(i.encode()).hexdigest(), i, q) for i, h, q in found
             if h == "tune" and usable(q) and normalize(q) not in reported))
        count = 0
        for _, record_id, question in candidates:
            if count == per_file or normalize(question) in taken:
                continue
            taken.add(normalize(question))
            chosen.append({"text": question, "intent": "product_question", "source": record_id})
            count += 1
    return chosen


def measure(paths: list[Path]) -> None:
    """How often the engine's first request for a report-half question about the item (as
    `usable` has it) is product_question."""
    from bot.understanding import detect_intents

    for path in paths:
        found = [q for _, h, q in questions(path) if h == "report" and usable(q)]
        read = Counter(detect_intents(q, "en")[0][0] for q in found)
        print(json.dumps({"file": path.name, "report_half_questions": len(found),
                          "read_as_product_question": round(
                              read["product_question"] / max(len(found), 1), 3),
                          "most_common": read.most_common(6)}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--per-file", type=int, default=PER_FILE)
    parser.add_argument("--measure", action="store_true",
                        help="print how the shipped model reads the report halves; write nothing")
    args = parser.parse_args(argv)
    if args.measure:
        measure(args.files)
        return 0
    chosen = sample(args.files, args.per_file)
    OUTPUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chosen),
                      encoding="utf-8")
    print(f"{len(chosen)} questions -> {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
