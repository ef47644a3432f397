"""Importing a seller report (`csba import orders|listings FILE --seller ID`): the records of
`bot.reports` written in batches through the upserts of `storage.orders`, the count of rows
loaded and skipped with their reasons, and the command line with its progress bar.

Transactions: each batch is one transaction. An order is written with all its items or not
at all: `bot.reports` only yields complete orders, and the checks against the catalog happen
before anything is written. If the database still refuses a batch (a value PostgreSQL finds
too long, say), the batch is rolled back and written again one record per transaction, so one
bad record costs only itself. A file-level problem (`ReportError`: a missing column, an
unknown seller) is found before the first write: nothing is loaded.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO, TextIO

from sqlalchemy import Connection, select
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError

from bot.reports import (
    KINDS,
    NEW_ORDER,
    ORDERS,
    TITLES,
    Known,
    ListingRecord,
    OrderRecord,
    ReportError,
    ReportFile,
    RowError,
    records,
    resolve_listing,
    resolve_order,
)
from bot.settings import Settings
from storage import orders as store
from storage.db import Database

BATCH = 500  # records per transaction
PROGRESS_STEP = 1 << 20  # bytes between calls of the progress callback
# Rows skipped by design rather than for a fault of the file: they do not fail the command.
EXPECTED = {"item canceled", "not a marketplace order", NEW_ORDER}
KEEP_ERRORS = 100  # row errors kept for the report; the rest are only counted

Record = OrderRecord | ListingRecord
# What the database says about a record's values. Anything else (a lock, a lost connection)
# stops the import: the batches written so far stay, and importing the file again is safe.
REFUSALS = (IntegrityError, DataError)
Writer = Callable[[Connection, str, Sequence[Record]], "_Written"]


@dataclass
class ImportReport:
    """What an import did: every data row is either loaded or skipped with a reason."""

    kind: str
    loaded: int = 0  # orders or products written
    loaded_rows: int = 0
    skipped_rows: int = 0
    reasons: Counter[str] = field(default_factory=Counter)  # skipped rows by kind of error
    errors: list[RowError] = field(default_factory=list)  # the first KEEP_ERRORS
    fallback_lines: int = 0  # lines read as Windows-1252
    first_fallback_lines: list[int] = field(default_factory=list)
    bytes_read: int = 0

    @property
    def rows(self) -> int:
        return self.loaded_rows + self.skipped_rows

    @property
    def faulty_rows(self) -> int:
        """Skipped rows that need the seller's attention (not canceled items and the like)."""
        return self.skipped_rows - sum(self.reasons[kind] for kind in EXPECTED)

    def skip(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.skipped_rows += 1
            self.reasons[error.kind] += 1
            if len(self.errors) < KEEP_ERRORS:
                self.errors.append(error)


@dataclass
class _Written:
    records: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)


async def import_report(db: Database, kind: str, fileobj: BinaryIO, seller_id: str,
                        progress: Callable[[int], None] | None = None, *,
                        new_orders: bool = False, batch_size: int = BATCH) -> ImportReport:
    """Import one report file (opened in binary mode) for one seller. Raises `ReportError`,
    before writing anything, when the file or the seller cannot be imported at all.
    `new_orders`: also create seller-fulfilled orders the service does not have yet, without
    promised dates (see `bot.reports.resolve_order`)."""
    report_file = ReportFile(fileobj, kind)
    if await db.run(lambda connection: store.seller_row(connection, seller_id)) is None:
        raise ReportError(f"seller {seller_id!r} is not known (load it first with csba load)")
    write = partial(_write_orders, new_orders=new_orders) if kind == ORDERS else _write_listings
    result = ImportReport(kind)
    batch: list[Record] = []
    shown = 0
    for record in records(report_file):
        if isinstance(record, RowError):
            result.skip([record])
        else:
            batch.append(record)
        if len(batch) >= batch_size:
            await _write(db, write, seller_id, batch, result)
            batch = []
        if progress is not None and report_file.bytes_read - shown >= PROGRESS_STEP:
            shown = report_file.bytes_read
            progress(shown)
    await _write(db, write, seller_id, batch, result)
    result.errors.sort(key=lambda error: error.line)  # grouping delays some errors a little
    result.bytes_read = report_file.bytes_read
    result.fallback_lines = report_file.fallback_lines
    result.first_fallback_lines = list(report_file.first_fallback_lines)
    if progress is not None:
        progress(report_file.bytes_read)
    return result


async def _write(db: Database, write: Writer, seller_id: str, batch: Sequence[Record],
                 result: ImportReport) -> None:
    if not batch:
        return
    try:
        written = [await db.run(lambda connection: write(connection, seller_id, batch))]
    except REFUSALS:
        written = [await _write_one(db, write, seller_id, record) for record in batch]
    for part in written:
        result.loaded += part.records
        result.loaded_rows += part.rows
        result.skip(part.errors)


async def _write_one(db: Database, write: Writer, seller_id: str, record: Record) -> _Written:
    try:
        return await db.run(lambda connection: write(connection, seller_id, [record]))
    except REFUSALS as exc:
        # The driver's first line says which value it refused; the rest is SQL and noise.
        reason = f"the database refused it: {_first_line(exc)}"
        dropped = record.dropped if isinstance(record, OrderRecord) else []
        return _Written(errors=[*dropped, *(RowError(line, "refused by the database", reason)
                                           for line in record.line_numbers)])


def _first_line(exc: SQLAlchemyError) -> str:
    return (str(getattr(exc, "orig", None) or exc).splitlines() or [type(exc).__name__])[0]


def _write_orders(connection: Connection, seller_id: str, batch: Sequence[OrderRecord], *,
                  new_orders: bool) -> _Written:
    products = _products(connection, {line.asin for record in batch for line in record.lines})
    orders = _orders(connection, [record.order_id for record in batch])
    written = _Written()
    for record in batch:
        written.errors.extend(record.dropped)
        resolved = resolve_order(record, seller_id, products, orders, new_orders=new_orders)
        if isinstance(resolved, list):
            written.errors.extend(resolved)
            continue
        store.upsert_order(connection, *resolved)
        written.records += 1
        written.rows += len(record.lines)
    return written


def _write_listings(connection: Connection, seller_id: str,
                    batch: Sequence[ListingRecord]) -> _Written:
    products = _products(connection, {record.asin for record in batch})
    written = _Written()
    for record in batch:
        values = resolve_listing(record, seller_id, products)
        if isinstance(values, RowError):
            written.errors.append(values)
            continue
        store.upsert_product(connection, values)
        # A later row of the same ASIN in this batch sees this one as stored.
        price = values["price"] if "price" in values else products[record.asin].price
        products[record.asin] = Known(seller_id, price=price)
        written.records += 1
        written.rows += 1
    return written


# -- reads for the checks -------------------------------------------------------------------
# These two belong in storage/orders.py (as `product_owners` and `order_owners`); they are here
# only until that module can be changed. One query per chunk of a batch, not one per row.

_CHUNK = 500  # bound parameters per IN (...), well under SQLite's limit


def _products(connection: Connection, asins: Iterable[str]) -> dict[str, Known]:
    table = store.PRODUCTS
    found = {}
    for chunk in _chunks(sorted(asins)):
        for row in connection.execute(select(table.c.asin, table.c.seller_id, table.c.price)
                                      .where(table.c.asin.in_(chunk))):
            found[row.asin] = Known(row.seller_id, price=row.price)
    return found


def _orders(connection: Connection, order_ids: Sequence[str]) -> dict[str, Known]:
    table = store.ORDERS
    found = {}
    for chunk in _chunks(order_ids):
        for row in connection.execute(select(table.c.order_id, table.c.seller_id, table.c.status)
                                      .where(table.c.order_id.in_(chunk))):
            found[row.order_id] = Known(row.seller_id, status=row.status)
    return found


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


# -- command line -----------------------------------------------------------------------------

SHOW_ERRORS = 20


def add_import_parser(subparsers) -> None:
    """`csba import orders|listings FILE --seller ID [--db URL]`."""
    command = subparsers.add_parser(
        "import", help="import a seller report: All Orders (orders) or All Listings (listings)",
        description="Import the marketplace's tab-separated All Orders or All Listings report "
                    "for one seller. Rows that cannot be loaded are skipped and reported with "
                    "their line numbers; an order is loaded with all its items or not at all.")
    command.add_argument("kind", choices=KINDS, help="orders: All Orders; listings: All Listings")
    command.add_argument("file", type=Path)
    command.add_argument("--seller", required=True, help="the seller's ID (the report's owner)")
    command.add_argument("--db")
    command.add_argument("--errors", type=int, default=SHOW_ERRORS, metavar="N",
                         help=f"row errors to print (default {SHOW_ERRORS})")
    command.add_argument("--new-orders", action="store_true",
                         help="also create seller-fulfilled orders the service does not have "
                              "yet; the report has no promised ship and delivery dates, so "
                              "answers about them lack the promise (by default such orders "
                              "are skipped: add them with csba load or the API)")
    command.add_argument("--no-progress", action="store_true",
                         help="no progress bar (it is shown only when stderr is a terminal)")


async def import_command(settings: Settings, args: argparse.Namespace) -> int:
    """Exit status: 0 every row loaded or skipped by design (canceled items, multi-channel
    orders), 1 some rows skipped for a fault, 2 the import failed (nothing loaded, or a
    database error part way)."""
    try:
        fileobj = args.file.open("rb")
    except OSError as exc:
        print(f"csba import: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    bar = None
    if sys.stderr.isatty() and not args.no_progress:
        bar = ProgressBar(args.file.stat().st_size, sys.stderr)
    db = Database(settings.db_url)
    try:
        await db.upgrade()
        with fileobj:
            report = await import_report(db, args.kind, fileobj, args.seller, progress=bar,
                                         new_orders=args.new_orders)
    except ReportError as exc:
        print(f"csba import: {args.file}: {exc} (nothing was loaded)", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        print(f"csba import: {args.file}: database error: {_first_line(exc)} (the batches "
              f"written before it stay; importing the file again is safe)", file=sys.stderr)
        return 2
    finally:
        if bar is not None:
            bar.close()
        await db.close()
    print("\n".join(summary(report, args.file, args.seller, show=args.errors)))
    return 1 if report.faulty_rows else 0


def summary(report: ImportReport, path: Path, seller_id: str, *, show: int = SHOW_ERRORS) -> list[str]:
    what = "order" if report.kind == ORDERS else "product"
    lines = [f"imported {_count(report.loaded, what)} from {path} ({TITLES[report.kind]} report, "
             f"seller {seller_id}): {_count(report.loaded_rows, 'row')} loaded, "
             f"{_count(report.skipped_rows, 'row')} skipped"]
    if report.reasons:
        ranked = sorted(report.reasons.items(), key=lambda pair: (-pair[1], pair[0]))
        lines.append("skipped rows by reason: " + ", ".join(f"{kind} {n}" for kind, n in ranked))
    shown = report.errors[:max(show, 0)]
    if shown:
        lines.append(f"first {len(shown)} of {report.skipped_rows} skipped rows:")
        lines.extend(f"  {error}" for error in shown)
    if report.fallback_lines:
        first = ", ".join(map(str, report.first_fallback_lines))
        more = ", ..." if report.fallback_lines > len(report.first_fallback_lines) else ""
        lines.append(f"{_count(report.fallback_lines, 'line')} not UTF-8, read as Windows-1252 "
                     f"(line {first}{more}): check the accented letters")
    return lines


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


class ProgressBar:
    """A one-line text bar by bytes read, redrawn at most ten times a second."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO, clock: Callable[[], float] = time.monotonic):
        self.total, self.stream, self.clock = max(total, 1), stream, clock
        self.started = clock()
        self.drawn_at: float | None = None

    def __call__(self, done: int) -> None:
        now = self.clock()
        if self.drawn_at is not None and now - self.drawn_at < 0.1 and done < self.total:
            return
        self.drawn_at = now
        share = min(done / self.total, 1.0)
        filled = int(share * self.WIDTH)
        rate = done / max(now - self.started, 1e-6) / 1e6
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:4.0%} "
                          f"{done / 1e6:,.1f} of {self.total / 1e6:,.1f} MB, {rate:,.1f} MB/s")
        self.stream.flush()

    def close(self) -> None:
        if self.drawn_at is not None:
            self.stream.write("\n")
            self.stream.flush()
