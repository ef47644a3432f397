"""Does the service slow down as its data grows? Two measures, each against the same measure
on small data in the same run (the small case is the baseline of the large one).

turns: the latency of one SMS turn, "Where is my order?", through the conversation engine
  in-process (`ConversationEngine.handle`, as the webhook calls it, without HTTP: the HTTP part
  does not depend on the data, and leaving it out makes the data's share visible), on SQLite.
  Two databases are built (schema by `Database.upgrade()`, the demo data, two measured
  buyers, then filler sellers' orders bulk-inserted with executemany up to --orders in all:
  1,000 and 1,000,000 by default, with 1 to 2 items each and a product per 100 orders). Both
  measured buyers have the same three orders in both databases (one shipped and in transit,
  two delivered 200 and 400 days ago); one has an SMS conversation of --messages[0] (10)
  prior messages, the other of --messages[1] (10,000; every inbound message with its
  decision). That makes four cells: small/small is the baseline of the other three. Turns go
  round the cells in turn (after --warmup rounds) and each turn's writes (two messages, one
  decision) are deleted after it, untimed, so every turn sees the same data.

sweep: one pass of the deadline sweeper (`bot.sweeper.sweep` with the real CaseDesk, built as
  `csba sweep` builds it) over --cases open cases (1,000 as the baseline and 1,000,000), of
  which --due (10) are due: half past their deadline (resolved on silence), half due a
  reminder. The due cases are opened by real turns ("Does it come in a gift box?") and get
  their times set; the other open cases are copies of one of them bulk-inserted (new tokens and
  times). --passes passes are timed, each at its own `now` one minute apart with its own due
  cases, then --idle-passes with nothing due. --distribution says how the open cases' times
  spread: `spread` (default) as a steady state with a 24-hour deadline: opened evenly over the
  last day, so about half have passed their 12-hour reminder (and were reminded); `fresh`:
  all opened in the last 12 hours, none reminded yet. --backends sqlite postgresql runs it on
  both (PostgreSQL: a database created for the run on --postgres, ANALYZEd after the bulk load
  as autovacuum would, dropped afterwards).

    cd /work/main && .venv/bin/python -m bench.scale                       # both, full size
    .venv/bin/python -m bench.scale --part sweep --backends sqlite postgresql
    .venv/bin/python -m bench.scale --orders 1000 20000 --messages 10 500 --cases 1000 20000 \\
        --turns 100                                                        # quick

The last line of output is JSON with the figures, the large/small ratios and the targets:
turn latency within 20 % (p50), a sweeper pass under 100 ms with the large number of cases.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import math
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.sms_turns import (
    OUR_NUMBER,
    bench_dataset,
    bench_order,
    bench_phone,
    done_with,
    service_settings,
)

QUESTION = "Where is my order?"
CASE_QUESTION = "Does it come in a gift box?"  # a product question the details do not answer
MEASURED = ("+15557000001", "+15557000002")  # short conversation, long conversation
TURN_TARGET = 1.20
SWEEP_TARGET_MS = 100.0
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime in SQLite (naive UTC)
CHUNK = 50_000


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def _sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def _engine(db, url: str, clock=None):
    """The engine as `csba chat` / `csba sweep` build it."""
    from bot.clock import SystemClock
    from bot.engine import ConversationEngine
    from bot.marketplace import load_policy
    from bot.templating import Templates

    settings = service_settings(Path("/unused")).with_overrides(db_url=url)
    return ConversationEngine(db, clock or SystemClock(), settings,
                              load_policy(settings.marketplace), Templates())


def _sms(phone: str, text: str, now: datetime):
    from bot.messages import Channel, InboundMessage

    return InboundMessage(channel=Channel.SMS, sender=phone, recipient=OUR_NUMBER, text=text,
                          external_id=f"SM{uuid.uuid4().hex}", received_at=now)


def _settle_memory() -> None:
    """What the service does once started (bot.app._settle_memory)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)


# == turns ==================================================================================

def measured_dataset(now: datetime) -> dict:
    """`csba load` format v1: the measured buyers, three orders each, the same for both."""
    orders = []
    for b, phone in enumerate(MEASURED):
        for k, days in enumerate((2, 200, 400)):
            purchased = now - timedelta(days=days, hours=3)
            n = 10 * b + k
            orders.append(bench_order(
                f"118-{7000000 + n:07d}-{2000000 + n:07d}", f"Measured Buyer {b}",
                f"measured{b}@example.com", phone, purchased, f"7853{n:08d}",
                None if k == 0 else purchased + timedelta(days=5)))
    return {"marketplace": "US", "sellers": [], "products": [], "orders": orders}


def fill_orders(raw: sqlite3.Connection, count: int, now: datetime, seed: int) -> None:
    """`count` more orders (1 to 2 items each, a product per 100 orders, about three orders
    per buyer, purchased over the last two years) with executemany, in one transaction."""
    rng = random.Random(seed)
    sellers = [row[0] for row in raw.execute("SELECT id FROM sellers ORDER BY id")]
    n_products = max(10, count // 100)
    products = [(f"B9{j:08d}", sellers[j % len(sellers)]) for j in range(n_products)]
    raw.execute("BEGIN")
    raw.executemany(
        "INSERT INTO products (asin, seller_id, sku, title, category, bullets, description, "
        "attributes, price, currency, returnable) VALUES (?, ?, ?, ?, 'Home', '[]', '', '{}', ?, "
        "'USD', 1)",
        [(asin, seller, f"SKU-{asin}", f"Filler product {asin}", 10 + j % 90 + 0.99)
         for j, (asin, seller) in enumerate(products)])
    order_sql = (
        "INSERT INTO orders (order_id, seller_id, fulfillment, purchased_at, buyer_name, "
        "buyer_email, buyer_phone, buyer_language, ship_postal_code, ship_country, status, "
        "latest_ship_date, earliest_delivery_date, latest_delivery_date, carrier, tracking_number, "
        "shipped_at, delivered_at) VALUES (?, ?, 'MFN', ?, ?, ?, ?, 'en', '10001', 'US', ?, ?, ?, "
        "?, 'UPS', ?, ?, ?)")
    item_sql = "INSERT INTO order_items (order_id, position, asin, quantity, price) VALUES (?, ?, ?, 1, ?)"

    def fmt(t: datetime) -> str:
        return t.strftime(SQLITE_TIME)

    base = now.astimezone(UTC).replace(tzinfo=None)
    for start in range(0, count, CHUNK):
        orders, items = [], []
        for i in range(start, min(count, start + CHUNK)):
            asin, seller = products[rng.randrange(n_products)]
            order_id = f"9{i % 100:02d}-{i:07d}-{rng.randrange(10_000_000):07d}"
            buyer = i // 3
            purchased = base - timedelta(seconds=rng.randrange(730 * 86400))
            delivered = purchased + timedelta(days=5)
            done = delivered < base
            orders.append((order_id, seller, fmt(purchased), f"Filler Buyer {buyer}",
                           f"buyer{buyer}@filler.example.com", f"+1559{buyer:07d}",
                           "Delivered" if done else "Shipped",
                           fmt(purchased + timedelta(days=2)), fmt(purchased + timedelta(days=4)),
                           fmt(purchased + timedelta(days=7)), f"1Z{i:016d}",
                           fmt(purchased + timedelta(days=1)), fmt(delivered) if done else None))
            items.append((order_id, 0, asin, 19.99))
            if i % 3 == 0:
                items.append((order_id, 1, products[(i * 7) % n_products][0], 9.99))
        raw.executemany(order_sql, orders)
        raw.executemany(item_sql, items)
    raw.execute("COMMIT")


def fill_conversation(raw: sqlite3.Connection, phone: str, total: int, now: datetime) -> int:
    """Copies of the conversation's real turn (inbound message, answer, decision) until it
    holds `total` - 2 messages, dated over the last 60 days; the caller's real turn after
    this makes `total`. Returns the conversation's id."""
    conversation_id = raw.execute("SELECT id FROM conversations WHERE channel = 'sms' AND "
                                  "customer_address = ?", (phone,)).fetchone()[0]
    cursor = raw.execute("SELECT * FROM messages WHERE conversation_id = ? ORDER BY id",
                         (conversation_id,))
    columns = [d[0] for d in cursor.description]
    have = cursor.fetchall()
    inbound = dict(zip(columns, next(r for r in have if r[columns.index("direction")] == "in"),
                       strict=True))
    answer = dict(zip(columns, next(r for r in have if r[columns.index("direction")] == "out"),
                      strict=True))
    cursor = raw.execute("SELECT * FROM decisions WHERE message_id = ?", (inbound["id"],))
    decision_columns = [d[0] for d in cursor.description]
    decision = dict(zip(decision_columns, cursor.fetchone(), strict=True))
    pairs = max(0, (total - 2 - len(have)) // 2)
    if not pairs:
        return conversation_id
    base = now.astimezone(UTC).replace(tzinfo=None) - timedelta(days=60)
    step = timedelta(days=60) / (pairs + 1)
    message_sql = (f"INSERT INTO messages ({', '.join(c for c in columns if c != 'id')}) "
                   f"VALUES ({', '.join('?' for c in columns if c != 'id')})")
    decision_sql = (f"INSERT INTO decisions ({', '.join(c for c in decision_columns if c != 'id')}) "
                    f"VALUES ({', '.join('?' for c in decision_columns if c != 'id')})")
    raw.execute("BEGIN")
    for k in range(pairs):
        at = (base + step * (k + 1)).strftime(SQLITE_TIME)
        in_row = dict(inbound, external_id=f"SMprior{conversation_id}x{k:08d}", created_at=at)
        out_row = dict(answer, created_at=at)
        message_id = raw.execute(message_sql, [in_row[c] for c in columns if c != "id"]).lastrowid
        raw.execute(message_sql, [out_row[c] for c in columns if c != "id"])
        raw.execute(decision_sql, [dict(decision, message_id=message_id, created_at=at)[c]
                                   for c in decision_columns if c != "id"])
    raw.execute("COMMIT")
    return conversation_id


async def build_turns_db(path: Path, orders: int, messages: tuple[int, int], seed: int) -> None:
    from bot.app import load_demo_if_empty
    from bot.clock import SystemClock
    from bot.dataset import load_dataset
    from storage.db import Database

    url = _sqlite_url(path)
    db = Database(url)
    clock = SystemClock()
    try:
        await db.upgrade()
        await load_demo_if_empty(db, clock)
        await load_dataset(db, measured_dataset(clock.now()))
        engine = _engine(db, url, clock)
        for phone in MEASURED:  # opens the conversation
            await engine.handle(_sms(phone, QUESTION, clock.now()))
    finally:
        await db.close()
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        raw.execute("PRAGMA synchronous=NORMAL")
        existing = raw.execute("SELECT count(*) FROM orders").fetchone()[0]
        fill_orders(raw, max(0, orders - existing), clock.now(), seed)
        for phone, total in zip(MEASURED, messages, strict=True):
            fill_conversation(raw, phone, total, clock.now())
    finally:
        raw.close()
    db = Database(url)
    try:  # the last real turn: the conversations' newest messages are real ones
        engine = _engine(db, url, clock)
        for phone in MEASURED:
            await engine.handle(_sms(phone, QUESTION, clock.now()))
    finally:
        await db.close()


@dataclass
class TurnDb:
    label: str
    path: Path
    db: object = None
    engine: object = None
    marks: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Cell:
    name: str
    store: TurnDb
    phone: str
    latencies: list[float] = field(default_factory=list)
    wrong: int = 0
    sample: str = ""

    def summary(self) -> dict:
        return {f"p{q}_ms": round(_pct(self.latencies, q) * 1000, 3) for q in (50, 90, 99)} | {
            "mean_ms": round(sum(self.latencies) / len(self.latencies) * 1000, 3),
            "turns": len(self.latencies), "wrong_answers": self.wrong}


def _facts(raw: sqlite3.Connection) -> dict:
    orders = raw.execute("SELECT count(*) FROM orders").fetchone()[0]
    sizes = {phone: raw.execute(
        "SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id "
        "WHERE c.channel = 'sms' AND c.customer_address = ?", (phone,)).fetchone()[0]
        for phone in MEASURED}
    return {"orders": orders, "messages": sizes}


def _table_counts(raw: sqlite3.Connection) -> dict[str, int]:
    names = [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                       "name NOT LIKE 'messages_fts%' AND name NOT LIKE 'sqlite_%'")]
    return {n: raw.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


async def run_turns(args: argparse.Namespace, workdir: Path) -> dict:
    from bot.clock import SystemClock
    from storage.db import Database

    small_n, large_n = args.orders
    stores = []
    for label, n in (("small", small_n), ("large", large_n)):
        path = workdir / f"turns-{n}-orders-{args.messages[0]}-{args.messages[1]}-msgs.sqlite3"
        if path.exists():
            print(f"turns: reusing {path}")
        else:
            t0 = time.perf_counter()
            await build_turns_db(path, n, tuple(args.messages), args.seed)
            print(f"turns: built {path.name} in {time.perf_counter() - t0:.1f} s "
                  f"({path.stat().st_size / 1e6:.0f} MB)", flush=True)
        stores.append(TurnDb(label, path))
    clock = SystemClock()
    facts = {}
    for store in stores:
        raw = sqlite3.connect(store.path)
        facts[store.label] = _facts(raw)
        store.counts = _table_counts(raw)
        store.marks = {t: raw.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0]
                       for t in ("messages", "decisions")}
        raw.close()
        url = _sqlite_url(store.path)
        store.db = Database(url)
        store.engine = _engine(store.db, url, clock)
        print(f"turns: {store.label} database: {facts[store.label]['orders']:,} orders; measured "
              f"conversations of {', '.join(f'{v:,}' for v in facts[store.label]['messages'].values())} "
              "messages")
    cells = [Cell(f"{s.label} orders, {size} conversation", s, phone)
             for s in stores for phone, size in zip(MEASURED, ("short", "long"), strict=True)]
    expected = "is on its way"

    async def cleanup(store: TurnDb) -> None:
        def work(connection) -> None:
            connection.exec_driver_sql("DELETE FROM decisions WHERE id > ?", (store.marks["decisions"],))
            connection.exec_driver_sql("DELETE FROM messages WHERE id > ?", (store.marks["messages"],))
        await store.db.run(work)

    _settle_memory()
    try:
        rounds = args.warmup + args.turns
        for r in range(rounds):
            shift = r % len(cells)
            for cell in cells[shift:] + cells[:shift]:
                inbound = _sms(cell.phone, QUESTION, clock.now())
                t0 = time.perf_counter()
                replies = await cell.store.engine.handle(inbound)
                elapsed = time.perf_counter() - t0
                await cleanup(cell.store)
                if r < args.warmup:
                    continue
                cell.latencies.append(elapsed)
                body = replies[0].body if replies else ""
                if expected not in body or "118-" not in body:
                    cell.wrong += 1
                cell.sample = cell.sample or body
    finally:
        for store in stores:
            await store.db.close()
    for store in stores:  # every turn's writes were undone: the data stayed the same
        raw = sqlite3.connect(store.path)
        grew = {t: (store.counts[t], n) for t, n in _table_counts(raw).items() if n != store.counts[t]}
        raw.close()
        if grew:
            print(f"turns: WARNING {store.label} database changed during the run: {grew}")

    base = cells[0]
    print(f"\nturn latency, ConversationEngine.handle in-process on SQLite, {args.turns} turns per cell "
          f"after {args.warmup} warm-up rounds, cells taken in turn")
    head = (f"{'':<34}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'p50 ratio':>11}{'p90 ratio':>11}"
            f"{'p99 ratio':>11}")
    print(head)
    print("-" * len(head))
    out_cells, ratios = {}, {}
    for cell in cells:
        s = cell.summary()
        out_cells[cell.name] = s
        r = {q: _ratio(s[f"{q}_ms"], base.summary()[f"{q}_ms"]) for q in ("p50", "p90", "p99")}
        if cell is not base:
            ratios[cell.name] = r
        print(f"{cell.name:<34}{s['p50_ms']:>9.3f}{s['p90_ms']:>9.3f}{s['p99_ms']:>9.3f}"
              f"{r['p50']:>10.3f}x{r['p90']:>10.3f}x{r['p99']:>10.3f}x")
    wrong = sum(c.wrong for c in cells)
    print(f"answers: {sum(len(c.latencies) for c in cells) - wrong} of "
          f"{sum(len(c.latencies) for c in cells)} give the in-transit order; sample: {base.sample}")
    met = {name: r["p50"] is not None and r["p50"] <= TURN_TARGET for name, r in ratios.items()}
    for name, ok in met.items():
        print(f"target: {name} p50 within 20 % of '{base.name}': {ratios[name]['p50']}x "
              f"{'MET' if ok else 'MISSED'}")
    return {"facts": facts, "cells": out_cells, "ratios_to_small": ratios,
            "targets": {"p50_within_20pct": met}, "wrong_answers": wrong}


# == sweep ==================================================================================

CASE_COLUMNS = ("token", "kind", "status", "conversation_id", "order_id", "seller_id",
                "customer_channel", "customer_address", "customer_language", "customer_text",
                "details", "opened_at", "reminder_at", "deadline_at", "reminded_at", "closed_at",
                "seller_message_id")


def _filler_times(n: int, t0: datetime, passes: int, distribution: str):
    """(opened, reminder, deadline, reminded) for n open cases, none of them due at any pass
    (t0 + k minutes, k < passes) or idle pass (t0 + passes minutes + 30 s): deadlines after
    the last pass, and reminders either passed and sent before t0 or after the last pass."""
    day, half = timedelta(hours=24), timedelta(hours=12)
    guard = timedelta(minutes=passes + 1)
    if distribution == "fresh":
        spans = [(t0 - half + guard, t0)]
    else:  # opened over the last day, but not so that a reminder falls among the passes
        spans = [(t0 - day + guard, t0 - half), (t0 - half + guard, t0)]
    lengths = [(b - a).total_seconds() for a, b in spans]
    total = sum(lengths)
    stride = next(p for p in (7919, 104729, 1299709) if math.gcd(p, n) == 1) if n > 1 else 1
    for i in range(n):
        position = ((i * stride) % n + 0.5) / n * total  # a spread-out, shuffled order
        for (a, _), length in zip(spans, lengths, strict=True):
            if position < length:
                opened = a + timedelta(seconds=position)
                break
            position -= length
        reminder = opened + half
        yield opened, reminder, opened + day, reminder if reminder <= t0 else None


# What this benchmark suggests for the sweeper's reminder query (not in the service's schema):
# with --proposed-index it is created after the bulk load, to measure the difference.
PROPOSED_INDEX = ("CREATE INDEX bench_cases_reminder_pending ON cases (status, reminder_at) "
                  "WHERE reminded_at IS NULL")


async def build_sweep_db(url: str, open_cases: int, due: int, passes: int, distribution: str,
                         is_pg: bool, proposed_index: bool = False) -> datetime:
    """The database; returns t0, the time of the first pass."""
    from sqlalchemy import select

    from bot.app import load_demo_if_empty
    from bot.cases import OPEN
    from bot.clock import SystemClock
    from bot.dataset import load_dataset
    from storage.cases import CASES, update_case
    from storage.db import Database

    db = Database(url)
    clock = SystemClock()
    opened_by_turns = due * passes
    try:
        await db.upgrade()
        await load_demo_if_empty(db, clock)
        await load_dataset(db, bench_dataset(clock.now(), opened_by_turns))
        engine = _engine(db, url, clock)
        for i in range(opened_by_turns):
            await engine.handle(_sms(bench_phone(i), CASE_QUESTION, clock.now()))
        cases = await db.run(lambda c: c.execute(select(CASES).order_by(CASES.c.id)).all())
        if len(cases) != opened_by_turns or any(c.status != OPEN for c in cases):
            raise RuntimeError(f"expected {opened_by_turns} open cases, got "
                               f"{[(c.id, c.status) for c in cases]}")
        t0 = clock.now().replace(microsecond=0) + timedelta(seconds=5)
        second, day, half = timedelta(seconds=1), timedelta(hours=24), timedelta(hours=12)

        def set_times(connection) -> None:
            for k, case in enumerate(cases):
                at = t0 + timedelta(minutes=k // due)
                if k % due < due // 2 or due == 1:  # past its deadline at pass k // due
                    opened = at - day - second
                    update_case(connection, case.id, opened_at=opened, reminder_at=opened + half,
                                reminded_at=opened + half, deadline_at=at - second)
                else:                               # due its reminder at pass k // due
                    opened = at - half - second
                    update_case(connection, case.id, opened_at=opened, reminder_at=at - second,
                                deadline_at=opened + day)
        await db.run(set_times)
        template = cases[0]._asdict()
    finally:
        await db.close()
    filler = max(0, open_cases - opened_by_turns)
    rows = ((f"z{i:019d}", *(template[c] for c in CASE_COLUMNS[1:11]), opened, reminder, deadline,
             reminded, None, None)
            for i, (opened, reminder, deadline, reminded) in enumerate(
                _filler_times(filler, t0, passes, distribution)))
    if is_pg:
        await _copy_cases_pg(url, rows, proposed_index)
    else:
        _insert_cases_sqlite(url, rows, proposed_index)
    return t0


def _insert_cases_sqlite(url: str, rows, proposed_index: bool) -> None:
    raw = sqlite3.connect(url.split("///", 1)[1], isolation_level=None)
    raw.execute("PRAGMA synchronous=NORMAL")
    sql = (f"INSERT INTO cases ({', '.join(CASE_COLUMNS)}) "
           f"VALUES ({', '.join('?' for _ in CASE_COLUMNS)})")

    def fmt(t):
        return None if t is None else t.astimezone(UTC).replace(tzinfo=None).strftime(SQLITE_TIME)

    raw.execute("BEGIN")
    batch = []
    for row in rows:
        batch.append((*row[:10], json.dumps(row[10]), *(fmt(t) for t in row[11:16]), row[16]))
        if len(batch) == CHUNK:
            raw.executemany(sql, batch)
            batch.clear()
    raw.executemany(sql, batch)
    raw.execute("COMMIT")
    if proposed_index:
        raw.execute(PROPOSED_INDEX)
    raw.close()


async def _copy_cases_pg(url: str, rows, proposed_index: bool) -> None:
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        batch = []
        for row in rows:
            batch.append((*row[:10], json.dumps(row[10]), *row[11:]))
            if len(batch) == CHUNK:
                await connection.copy_records_to_table("cases", records=batch, columns=CASE_COLUMNS)
                batch.clear()
        if batch:
            await connection.copy_records_to_table("cases", records=batch, columns=CASE_COLUMNS)
        if proposed_index:
            await connection.execute(PROPOSED_INDEX)
        await connection.execute("ANALYZE cases")  # what autovacuum does after a big load
    finally:
        await connection.close()


SWEEP_QUERIES = {
    "overdue": "SELECT id FROM cases WHERE status = {p1} AND deadline_at <= {p2} ORDER BY deadline_at",
    "reminders": "SELECT id FROM cases WHERE status = {p1} AND reminder_at <= {p2} AND deadline_at > {p2} "
                 "AND reminded_at IS NULL ORDER BY reminder_at",
}


async def explain(url: str, is_pg: bool, now: datetime) -> dict[str, str]:
    """The plans of the sweeper's two queries (storage.cases.cases_due), and their row counts."""
    from bot.cases import OPEN

    plans = {}
    if is_pg:
        import asyncpg

        connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            for name, sql in SWEEP_QUERIES.items():
                rows = await connection.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql.format(p1="$1", p2="$2"),
                                              OPEN, now)
                plans[name] = "\n".join(r[0] for r in rows)
        finally:
            await connection.close()
        return plans
    raw = sqlite3.connect(url.split("///", 1)[1])
    at = now.astimezone(UTC).replace(tzinfo=None).strftime(SQLITE_TIME)
    for name, sql in SWEEP_QUERIES.items():
        q = sql.format(p1="?", p2="?")
        params = (OPEN, at) if name == "overdue" else (OPEN, at, at)
        plan = "; ".join(r[3] for r in raw.execute("EXPLAIN QUERY PLAN " + q, params))
        t = time.perf_counter()
        found = len(raw.execute(q, params).fetchall())
        plans[name] = f"{plan} -> {found} rows in {(time.perf_counter() - t) * 1000:.1f} ms"
    raw.close()
    return plans


@dataclass
class SweepRun:
    label: str
    cases: int
    url: str
    is_pg: bool
    t0: datetime | None = None
    due_ms: list[float] = field(default_factory=list)
    idle_ms: list[float] = field(default_factory=list)
    handled: list[tuple[int, int]] = field(default_factory=list)
    plans: dict[str, str] = field(default_factory=dict)

    @property
    def warm(self) -> list[float]:
        """The due passes after the first: the first in a process pays one-off costs
        (templates and statements compiled on first use)."""
        return self.due_ms[1:] or self.due_ms

    def summary(self) -> dict:
        return {"open_cases": self.cases,
                "due_pass_ms": {"first": round(self.due_ms[0], 2),
                                "median_after_first": round(_pct(self.warm, 50), 2),
                                "min": round(min(self.warm), 2), "max": round(max(self.warm), 2),
                                "all": [round(v, 2) for v in self.due_ms]},
                "idle_pass_ms": {"median": round(_pct(self.idle_ms, 50), 2),
                                 "min": round(min(self.idle_ms), 2), "max": round(max(self.idle_ms), 2)},
                "handled_per_pass": self.handled, "plans": self.plans}


async def run_sweep(args: argparse.Namespace, workdir: Path, backend: str) -> dict:
    from bot.sweeper import sweep
    from storage.db import Database

    is_pg = backend == "postgresql"
    runs: list[SweepRun] = []
    created: list[str] = []
    try:
        for label, n in zip(("small", "large"), args.cases, strict=True):
            if is_pg:
                from bench.workers import create_database
                url = await create_database(args.postgres)
                created.append(url)
            else:
                url = _sqlite_url(workdir / f"sweep-{n}.sqlite3")
            t = time.perf_counter()
            run = SweepRun(label, n, url, is_pg)
            run.t0 = await build_sweep_db(url, n, args.due, args.passes, args.distribution, is_pg,
                                          args.proposed_index)
            print(f"sweep/{backend}: built {n:,} open cases ({args.distribution}) in "
                  f"{time.perf_counter() - t:.1f} s", flush=True)
            runs.append(run)
        handles = []
        for run in runs:
            db = Database(run.url)
            handles.append((run, db, _engine(db, run.url).desk))
        _settle_memory()
        for run, _, _ in handles:
            run.plans = await explain(run.url, is_pg, run.t0)
        try:
            for run, db, desk in handles:  # untimed, nothing due: opens the connection pool
                await sweep(db, desk, run.t0 - timedelta(seconds=30))
            for k in range(args.passes):  # the two sizes in turn, each pass with its own due cases
                for run, db, desk in handles:
                    now = run.t0 + timedelta(minutes=k)
                    t = time.perf_counter()
                    report = await sweep(db, desk, now)
                    run.due_ms.append((time.perf_counter() - t) * 1000)
                    run.handled.append((len(report.resolved), len(report.reminded)))
            for _ in range(args.idle_passes):
                for run, db, desk in handles:
                    now = run.t0 + timedelta(minutes=args.passes, seconds=30)
                    t = time.perf_counter()
                    report = await sweep(db, desk, now)
                    run.idle_ms.append((time.perf_counter() - t) * 1000)
                    if report.resolved or report.reminded:
                        print(f"sweep/{backend}: WARNING an idle pass handled cases: {report}")
        finally:
            for _, db, _ in handles:
                await db.close()
    finally:
        if is_pg and not args.keep:
            from bench.workers import drop_database
            for url in created:
                await drop_database(args.postgres, url)
    small, large = runs
    expect = (args.due // 2 if args.due > 1 else 1, args.due - (args.due // 2 if args.due > 1 else 1))
    print(f"\nsweeper pass (bot.sweeper.sweep, real CaseDesk) on {backend}, {args.distribution} "
          f"open cases{' WITH THE PROPOSED INDEX' if args.proposed_index else ''}; "
          f"{args.passes} passes with {args.due} due each "
          f"(resolved, reminded) = {expect}, then {args.idle_passes} with none due")
    print("due: passes with cases due, the first (cold) apart; idle: nothing due; ms")
    head = (f"{'':<22}{'first':>8}{'due p50':>9}{'min':>8}{'max':>8}{'idle p50':>10}{'min':>8}"
            f"{'max':>8}{'ratio due':>11}{'ratio idle':>11}")
    print(head)
    print("-" * len(head))
    for run in runs:
        rd = _ratio(_pct(run.warm, 50), _pct(small.warm, 50))
        ri = _ratio(_pct(run.idle_ms, 50), _pct(small.idle_ms, 50))
        print(f"{f'{run.cases:,} open cases':<22}{run.due_ms[0]:>8.2f}{_pct(run.warm, 50):>9.2f}"
              f"{min(run.warm):>8.2f}{max(run.warm):>8.2f}{_pct(run.idle_ms, 50):>10.2f}"
              f"{min(run.idle_ms):>8.2f}{max(run.idle_ms):>8.2f}{rd:>10.2f}x{ri:>10.2f}x")
    for run in runs:
        wrong = [h for h in run.handled if h != expect]
        if wrong:
            print(f"WARNING {run.cases:,}: passes handled {run.handled}, expected {expect} each")
        for name, plan in run.plans.items():
            print(f"plan, {run.cases:,} cases, {name}:\n    " + plan.replace("\n", "\n    "))
    median = _pct(large.warm, 50)
    met = median < SWEEP_TARGET_MS
    print(f"target: a pass over {large.cases:,} open cases with {args.due} due under "
          f"{SWEEP_TARGET_MS:g} ms: median {median:.1f} ms (max {max(large.warm):.1f}, first pass "
          f"{large.due_ms[0]:.1f}) {'MET' if met else 'MISSED'}; with none due: "
          f"{_pct(large.idle_ms, 50):.1f} ms")
    return {"backend": backend, "distribution": args.distribution, "due": args.due,
            "proposed_index": args.proposed_index,
            "small": small.summary(), "large": large.summary(),
            "ratio_due_pass": _ratio(_pct(large.warm, 50), _pct(small.warm, 50)),
            "ratio_idle_pass": _ratio(_pct(large.idle_ms, 50), _pct(small.idle_ms, 50)),
            "targets": {"pass_under_100ms": met}}


# == main ===================================================================================

async def run(args: argparse.Namespace) -> dict:
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="csba-bench-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    out: dict = {}
    try:
        if args.part in ("turns", "both"):
            out["turns"] = await run_turns(args, workdir)
        if args.part in ("sweep", "both"):
            out["sweep"] = {}
            for backend in args.backends:
                for old in workdir.glob("sweep-*.sqlite3*"):  # never reused: passes change it
                    old.unlink()
                out["sweep"][backend] = await run_sweep(args, workdir, backend)
        return out
    finally:
        done_with(workdir, bool(args.workdir or args.keep))


def main(argv: list[str] | None = None) -> int:
    from bench.workers import DEFAULT_POSTGRES

    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=["both", "turns", "sweep"], default="both")
    parser.add_argument("--orders", type=int, nargs=2, default=[1_000, 1_000_000],
                        metavar=("SMALL", "LARGE"), help="orders in all (1000 1000000)")
    parser.add_argument("--messages", type=int, nargs=2, default=[10, 10_000],
                        metavar=("SHORT", "LONG"), help="messages in the measured conversations "
                                                        "(10 10000)")
    parser.add_argument("--turns", type=int, default=400, help="measured turns per cell (400)")
    parser.add_argument("--warmup", type=int, default=20, help="warm-up rounds (20)")
    parser.add_argument("--cases", type=int, nargs=2, default=[1_000, 1_000_000],
                        metavar=("SMALL", "LARGE"), help="open cases (1000 1000000)")
    parser.add_argument("--due", type=int, default=10, help="cases due at each pass (10)")
    parser.add_argument("--passes", type=int, default=5, help="passes with cases due (5)")
    parser.add_argument("--idle-passes", type=int, default=10, help="passes with none due (10)")
    parser.add_argument("--distribution", choices=["spread", "fresh"], default="spread")
    parser.add_argument("--proposed-index", action="store_true",
                        help="sweep: also create the index this benchmark proposes (partial, "
                             "status and reminder_at where reminded_at is null)")
    parser.add_argument("--backends", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite"])
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES,
                        help=f"where PostgreSQL databases are created ({DEFAULT_POSTGRES})")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workdir", help="build (or reuse) the turns databases here, and keep them")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and databases")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    out = asyncio.run(run(args))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
