"""Console search latency over a million stored messages on SQLite.

Builds (or reuses, --db) a SQLite database with the service's schema (all migrations, so the
FTS5 index and its triggers are the real ones), fills it with --messages customer and service
messages over --conversations conversations (real customer sentences from the Bitext
development file in ../shared/eval, with order numbers and names varied), then times the
console's search, `storage.search.find_conversations`, for a set of queries, and, in the same
run, the bare FTS5 MATCH on the same words returning every matching rowid (the baseline: what
any search of the index must read): p50/p95 per query and the ratio.

    cd /work/main && .venv/bin/python -m bench.search                 # 1,000,000 messages
    .venv/bin/python -m bench.search --messages 100000 --runs 50

The last line of output is JSON with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.db import Database
from storage.search import ConversationFilter, find_conversations, search_terms

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval" / "bitext_cs_intents_en.dev.jsonl"
START = datetime(2026, 8, 1, tzinfo=UTC)
QUERIES = [
    ("a common word", "order", {}),
    ("a rarer word", "invoice", {}),
    ("two words", "cancel purchase", {}),
    ("a name", "lindqvist", {}),
    ("a word and filters", "refund", {"channel": "sms", "language": "en"}),
    ("no match", "zeppelin", {}),
]
NAMES = ["smith", "garcia", "nguyen", "kim", "lindqvist", "okafor", "rossi", "müller"]


def sentences() -> list[str]:
    if EVAL.exists():
        return [json.loads(line)["text"] for line in EVAL.read_text().splitlines() if line]
    return ["where is my order", "I want to cancel my purchase", "how do I get a refund",
            "my invoice is wrong", "the package arrived damaged"]


def fill(path: Path, messages: int, conversations: int, seed: int) -> None:
    """Insert conversations and messages straight into the tables (the FTS triggers run)."""
    rng = random.Random(seed)
    texts = sentences()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    now = START.isoformat(sep=" ")
    db.executemany(
        "INSERT INTO conversations (id, channel, customer_address, language, state, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, '{}', ?, ?)",
        ((i, rng.choice(("sms", "sms", "email", "voice")), f"+1555{i:07d}",
          rng.choice(("en", "en", "en", "es")), now,
          (START + timedelta(minutes=i)).isoformat(sep=" "))
         for i in range(1, conversations + 1)))
    batch = []
    started = time.perf_counter()
    for n in range(1, messages + 1):
        conversation = rng.randint(1, conversations)
        text = rng.choice(texts)
        if rng.random() < 0.05:
            text += f" -- {rng.choice(NAMES)}"
        batch.append((n, conversation, "in" if n % 2 else "out", "sms", "+15550000000",
                      "+15005550006", text, f"SM{n:032d}",
                      (START + timedelta(seconds=n * 7)).isoformat(sep=" ")))
        if len(batch) == 50_000:
            _insert(db, batch)
            batch = []
            print(f"  {n:,} messages ({time.perf_counter() - started:.0f} s)", flush=True)
    if batch:
        _insert(db, batch)
    db.commit()
    db.execute("INSERT INTO messages_fts(messages_fts) VALUES ('optimize')")
    db.commit()
    db.close()


def _insert(db: sqlite3.Connection, batch: list[tuple]) -> None:
    db.executemany(
        "INSERT INTO messages (id, conversation_id, direction, channel, sender, recipient, "
        "body, external_id, automatic, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
        batch)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def measure(path: Path, runs: int) -> list[dict]:
    database = Database(f"sqlite+aiosqlite:///{path}")
    bare = sqlite3.connect(path)
    results = []
    try:
        for label, text, filters in QUERIES:
            wanted = ConversationFilter(text=text, **filters)
            fts = " ".join(f'"{t}"' for t in search_terms(text))
            service_ms, bare_ms, found = [], [], 0
            for _ in range(runs):
                t0 = time.perf_counter()
                rows = await database.run(lambda c, w=wanted: find_conversations(
                    c, w, ("waiting_on_seller",), limit=50))
                service_ms.append((time.perf_counter() - t0) * 1000)
                found = len(rows)
                t0 = time.perf_counter()
                bare.execute("SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?",
                             (fts,)).fetchall()
                bare_ms.append((time.perf_counter() - t0) * 1000)
            results.append({
                "query": label, "text": text, "filters": filters, "conversations_found": found,
                "p50_ms": round(statistics.median(service_ms), 2),
                "p95_ms": round(percentile(service_ms, 95), 2),
                "bare_fts_p50_ms": round(statistics.median(bare_ms), 3),
                "ratio_p50": round(statistics.median(service_ms) / statistics.median(bare_ms),
                                   1)})
    finally:
        bare.close()
        await database.close()
    return results


async def run(args: argparse.Namespace) -> dict:
    path = Path(args.db) if args.db else Path(tempfile.mkdtemp(prefix="csba-search-")) / \
        "search.sqlite3"
    fresh = not path.exists()
    if fresh:
        database = Database(f"sqlite+aiosqlite:///{path}")
        await database.upgrade()
        await database.close()
        print(f"filling {path} with {args.messages:,} messages over "
              f"{args.conversations:,} conversations ...", flush=True)
        started = time.perf_counter()
        fill(path, args.messages, args.conversations, args.seed)
        print(f"filled in {time.perf_counter() - started:.0f} s "
              f"({path.stat().st_size / 1e6:.0f} MB)", flush=True)
    count = sqlite3.connect(path).execute("SELECT count(*) FROM messages").fetchone()[0]
    results = await measure(path, args.runs)
    print(f"\n{count:,} messages; {args.runs} runs per query; the service's search "
          "(find_conversations, 50 conversations) against a bare FTS5 MATCH "
          "(every matching rowid)")
    print(f"{'query':<22}{'found':>7}{'p50 ms':>9}{'p95 ms':>9}{'bare p50':>10}{'ratio':>8}")
    for r in results:
        print(f"{r['query']:<22}{r['conversations_found']:>7}{r['p50_ms']:>9.2f}"
              f"{r['p95_ms']:>9.2f}{r['bare_fts_p50_ms']:>10.3f}{r['ratio_p50']:>7.1f}x")
    return {"messages": count, "runs": args.runs, "queries": results}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--conversations", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", help="reuse (or create) this SQLite file")
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(run(args))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
