"""Importing an All Orders report of up to a million rows: time, rows/s and peak memory.

For each size (rows), an All Orders report is written to disk, streamed (orders of 1 to 3 item
rows with the report's 31 columns, 5 % fulfilled by Amazon, 10 % pending without prices, a few
canceled items), then read three ways, each in a fresh process so that its peak RSS is its own:

* csv: the bare baseline, the standard library's csv reader over the file (UTF-8, tabs),
  counting rows;
* parse: `bot.reports` alone (decoding, validation, grouping into orders), no database;
* import: `bot.report_import.import_report` (with `new_orders`, as `csba import orders
  --new-orders`: every order is new here) into a fresh SQLite database with the service's
  schema and a catalog of --products products of one seller (a format v1 data set), checked
  afterwards (orders and items stored = the report's).

Peak memory is the process's ru_maxrss; `--tracemalloc` also traces Python allocations (slow:
use it with small sizes). Memory is flat when the peak does not grow with the size.

    cd /work/main && .venv/bin/python -m bench.import_orders              # 100k, 300k, 1M rows
    .venv/bin/python -m bench.import_orders --sizes 20000 --tracemalloc

The last line of output is JSON with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SELLER = "SELLER-BENCH"
HEADER = [
    "amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
    "fulfillment-channel", "sales-channel", "order-channel", "ship-service-level", "product-name",
    "sku", "asin", "item-status", "quantity", "currency", "item-price", "item-tax",
    "shipping-price", "shipping-tax", "gift-wrap-price", "gift-wrap-tax",
    "item-promotion-discount", "ship-promotion-discount", "ship-city", "ship-state",
    "ship-postal-code", "ship-country", "promotion-ids", "is-business-order",
    "purchase-order-number", "price-designation",
]
STATUSES = [("Shipped", 50), ("Shipped - Delivered to Buyer", 20), ("Unshipped", 10),
            ("Pending", 10), ("Cancelled", 5), ("Shipped - Out for Delivery", 5)]
PACIFIC = timezone(timedelta(hours=-8))
START = datetime(2026, 1, 1, tzinfo=PACIFIC)
MODES = ("csv", "parse", "import")


def asin(n: int) -> str:
    return f"B0BENCH{n:03d}"


def generate(path: Path, rows: int, products: int, seed: int = 7) -> int:
    """Write the report, one order at a time; returns the number of orders."""
    rng = random.Random(seed)
    statuses = [status for status, weight in STATUSES for _ in range(weight)]
    written = orders = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\t".join(HEADER) + "\n")
        while written < rows:
            orders += 1
            size = min(rng.choice((1, 1, 1, 1, 1, 1, 2, 2, 2, 3)), rows - written)
            out.writelines(_order_rows(rng, orders, size, statuses, products))
            written += size
    return orders


def _order_rows(rng: random.Random, n: int, size: int, statuses: list[str],
                products: int) -> list[str]:
    status = rng.choice(statuses)
    channel = "Amazon" if rng.random() < 0.05 else "Merchant"
    bought = (START + timedelta(seconds=n * 17)).isoformat()
    zip_code = f"{rng.randint(1000, 99999):05d}"
    lines = []
    for item in range(size):
        product = rng.randrange(products)
        quantity = rng.choice((1, 1, 1, 2))
        item_status = "Cancelled" if status == "Cancelled" or (item and rng.random() < 0.03) \
            else "Unshipped" if status in ("Pending", "Unshipped") else "Shipped"
        price = "" if status == "Pending" else f"{quantity * (10 + product % 90) + 0.99:.2f}"
        lines.append("\t".join((
            f"111-{n // 10_000_000:07d}-{n % 10_000_000:07d}", "", bought, bought, status,
            channel, "Amazon.com", "", "Standard",
            f"Brightside product {product} – 12\" model, {rng.choice(('red', 'blue', 'café'))}",
            f"BSH-{product:04d}", asin(product), item_status, str(quantity), "USD", price,
            "0.00" if price else "", "0.00" if price else "", "0.00" if price else "", "", "",
            "", "", "SEATTLE", "WA", zip_code, "US", "", "false", "", "")) + "\n")
    return lines


# -- the three runs, each in its own process ------------------------------------------------

def run_csv(path: Path) -> dict:
    rows = 0
    with path.open(encoding="utf-8", newline="") as text:
        reader = csv.reader(text, delimiter="\t")
        next(reader)
        for _ in reader:
            rows += 1
    return {"rows": rows}


def run_parse(path: Path) -> dict:
    from bot.reports import ORDERS, OrderRecord, ReportFile, records

    orders = rows = errors = 0
    with path.open("rb") as fileobj:
        for record in records(ReportFile(fileobj, ORDERS)):
            if isinstance(record, OrderRecord):
                orders += 1
                rows += len(record.lines) + len(record.dropped)
            else:
                errors += 1
    return {"orders": orders, "rows": rows + errors, "row_errors": errors}


def run_import(path: Path, products: int) -> dict:
    return asyncio.run(_import(path, products))


async def _import(path: Path, products: int) -> dict:
    from sqlalchemy import func, select

    from bot.dataset import load_dataset
    from bot.report_import import import_report
    from storage.db import Database
    from storage.models import Order, OrderItem

    db_path = path.with_suffix(".sqlite3")
    db = Database(f"sqlite+aiosqlite:///{db_path}")
    await db.upgrade()
    await load_dataset(db, catalog(products))
    started = time.perf_counter()
    with path.open("rb") as fileobj:
        report = await import_report(db, "orders", fileobj, SELLER, new_orders=True)
    seconds = time.perf_counter() - started
    stored = await db.run(lambda c: (c.scalar(select(func.count()).select_from(Order.__table__)),
                                     c.scalar(select(func.count()).select_from(OrderItem.__table__))))
    await db.close()
    assert stored == (report.loaded, report.loaded_rows), (stored, report)
    return {"seconds": seconds, "orders": report.loaded, "rows": report.rows,
            "loaded_rows": report.loaded_rows, "skipped_rows": report.skipped_rows,
            "skipped": dict(report.reasons), "db_mb": db_path.stat().st_size / 2**20}


def catalog(products: int) -> dict:
    return {
        "sellers": [{"id": SELLER, "name": "Bench Seller", "email": "bench@example.com",
                     "enrolled_at": "2025-01-01T00:00:00Z"}],
        "products": [{"asin": asin(n), "seller_id": SELLER, "sku": f"BSH-{n:04d}",
                      "title": f"Brightside product {n}", "price": 10 + n % 90 + 0.99}
                     for n in range(products)],
    }


def child(args: argparse.Namespace) -> None:
    """One run in this process; prints its figures as JSON."""
    if args.child != "csv":
        # Imported before the clock starts: loading modules is not the run's work.
        import bot.report_import  # noqa: F401

    if args.tracemalloc:
        import tracemalloc
        tracemalloc.start()
    started = time.perf_counter()
    if args.child == "csv":
        figures = run_csv(args.file)
    elif args.child == "parse":
        figures = run_parse(args.file)
    else:
        figures = run_import(args.file, args.products)
    figures.setdefault("seconds", time.perf_counter() - started)
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.tracemalloc:
        figures["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    print(json.dumps(figures))


def measure(mode: str, path: Path, args: argparse.Namespace) -> dict:
    command = [sys.executable, "-m", "bench.import_orders", "--child", mode, "--file", str(path),
               "--products", str(args.products)] + (["--tracemalloc"] if args.tracemalloc else [])
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


# -- the benchmark ----------------------------------------------------------------------------

def bench(args: argparse.Namespace) -> dict:
    workdir = Path(args.dir or tempfile.mkdtemp(prefix="bench-import-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = {}
    print(f"{'rows':>10} {'run':>7} {'seconds':>9} {'rows/s':>10} {'peak RSS MB':>12} "
          f"{'x csv':>7}" + (f" {'tracemalloc MB':>15}" if args.tracemalloc else ""))
    try:
        for size in args.sizes:
            path = workdir / f"all-orders-{size}.txt"
            orders = generate(path, size, args.products)
            runs = {mode: measure(mode, path, args) for mode in MODES}
            runs["file"] = {"mb": path.stat().st_size / 2**20, "orders": orders}
            results[size] = runs
            for mode in MODES:
                _print_row(size, mode, runs[mode], runs["csv"]["seconds"], args.tracemalloc)
            if not args.keep:
                path.unlink()
                path.with_suffix(".sqlite3").unlink(missing_ok=True)
    finally:
        if not args.keep and not args.dir:
            shutil.rmtree(workdir, ignore_errors=True)
    return summary(results)


def _print_row(size: int, mode: str, run: dict, baseline: float, traced: bool) -> None:
    line = (f"{size:>10,} {mode:>7} {run['seconds']:>9.2f} {size / run['seconds']:>10,.0f} "
            f"{run['peak_rss_mb']:>12.1f} {run['seconds'] / baseline:>7.1f}")
    if traced:
        line += f" {run.get('tracemalloc_peak_mb', 0):>15.1f}"
    print(line, flush=True)


def summary(results: dict) -> dict:
    sizes = sorted(results)
    small, large = results[sizes[0]], results[sizes[-1]]
    return {
        "sizes": {str(size): {mode: {key: value for key, value in results[size][mode].items()
                                     if key != "skipped"} for mode in (*MODES, "file")}
                  for size in sizes},
        "import_rows_per_s": {str(size): round(size / results[size]["import"]["seconds"])
                              for size in sizes},
        "ratio_import_to_csv": {str(size): round(results[size]["import"]["seconds"]
                                                 / results[size]["csv"]["seconds"], 1)
                                for size in sizes},
        "ratio_parse_to_csv": {str(size): round(results[size]["parse"]["seconds"]
                                                / results[size]["csv"]["seconds"], 1)
                               for size in sizes},
        "import_peak_rss_growth_mb": round(large["import"]["peak_rss_mb"]
                                           - small["import"]["peak_rss_mb"], 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_orders", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000],
                        help="report rows per run (default 100000 300000 1000000)")
    parser.add_argument("--products", type=int, default=500, help="catalog size (default 500)")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also trace Python allocations (several times slower)")
    parser.add_argument("--dir", help="where to write the reports (default a temp directory)")
    parser.add_argument("--keep", action="store_true", help="keep the reports and databases")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return 0
    print(json.dumps(bench(args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
