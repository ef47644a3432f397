"""The marketplace's seller reports, read as records for the service: the "All Orders" order
report (GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL) and the "All Listings" listing
report (GET_MERCHANT_LISTINGS_ALL_DATA), both tab-separated flat files with a header row.

Pure and streaming: a binary file object in, an iterator of records and `RowError`s out. No
database, no clock. Memory stays flat: one physical line at a time, plus a small window of
order groups and a fixed-size filter of finished order IDs.

Policies, decided once here:
- Encoding: each line is UTF-8 (a BOM on the first line is dropped); a line that is not UTF-8
  is decoded as Windows-1252, the encoding of older flat files and of Excel's "Text" export,
  and its line number is noted (`ReportFile.fallback_lines`); bytes that are neither (or a NUL)
  make that row a `RowError`. A UTF-16 file (Excel's "Unicode Text") is a file-level error.
- Quoting: tab-separated, quoted as Excel writes it (a field may be "..." with "" inside, and
  may then span lines). A row whose column count differs from the header's is an error naming
  its line span, which is how an unclosed quote shows.
- Required columns are checked on the header: a missing one is a `ReportError` (nothing is
  read further, so nothing is loaded).
- Grouping: the All Orders report has one row per order item and writes an order's rows
  together. Rows are grouped in a window of `window` open orders, so rows of one order a few
  orders apart are still joined; a row of an order that already left the window is a
  `RowError` ("order rows not together"), detected with a fixed-size Bloom filter so that
  memory does not grow with the file.
- The unit of an order is all-or-nothing: if any of its rows fails, every row of it is a
  `RowError` and no record is produced.
- Values: dates are ISO 8601 with a UTC offset, as the report writes them; money is Decimal;
  an empty value never blanks what the service already stores (the key is left out).
- The report has no buyer contact, shipment or promised dates: an order already stored keeps
  them, and a new seller-fulfilled order is created only on request (`resolve_order`).
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import BinaryIO

from bot.dataset import ORDER_ID

ORDERS = "orders"
LISTINGS = "listings"
KINDS = (ORDERS, LISTINGS)

# Only the columns the service maps; the reports carry more, which are ignored.
REQUIRED = {
    ORDERS: ("amazon-order-id", "purchase-date", "order-status", "fulfillment-channel", "asin",
             "quantity", "item-price", "ship-postal-code", "ship-country"),
    LISTINGS: ("seller-sku", "asin1", "item-name", "price"),
}
# Read when present.
OPTIONAL = {ORDERS: ("item-status", "sales-channel"), LISTINGS: ("item-description",)}
# A column only the other report has: used to say "this is the other report".
_SIGNATURE = {ORDERS: "amazon-order-id", LISTINGS: "asin1"}
TITLES = {ORDERS: "All Orders", LISTINGS: "All Listings"}

FULFILLMENT = {"merchant": "MFN", "amazon": "AFN", "mfn": "MFN", "afn": "AFN"}
# The report's order-status values (Seller Central and SP-API) to the service's statuses. The
# service has no "returned" status: an order shipped and then returned or lost stays Shipped.
ORDER_STATUS = {
    "pending": "Pending",
    "pending - waiting for pick up": "Unshipped",
    "unshipped": "Unshipped",
    "partiallyshipped": "Unshipped",
    "shipping": "Unshipped",
    "shipped": "Shipped",
    "shipped - picked up": "Shipped",
    "shipped - out for delivery": "Shipped",
    "shipped - returning to seller": "Shipped",
    "shipped - returned to seller": "Shipped",
    "shipped - rejected by buyer": "Shipped",
    "shipped - lost in transit": "Shipped",
    "shipped - damaged": "Shipped",
    "shipped - delivered to buyer": "Delivered",
    "delivered": "Delivered",
    "cancelled": "Canceled",
    "canceled": "Canceled",
}
# How far along an order is; Canceled is final either way (see `merged_status`).
_PROGRESS = {"Pending": 0, "Unshipped": 1, "Shipped": 2, "Delivered": 3}
ASIN = re.compile(r"[A-Z0-9]{10}")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")  # Numeric(12, 2)
NOT_MARKETPLACE = {"non-amazon"}  # multi-channel fulfillment orders: not marketplace orders
NEW_ORDER = "new order without promised dates"


class ReportError(ValueError):
    """A report that cannot be imported at all (nothing is loaded); the message says why."""


@dataclass(frozen=True)
class RowError:
    """A row that was not loaded: its physical line(s) in the file and why."""

    line: int
    kind: str  # a short fixed label, for counting: "bad date", "unknown ASIN", ...
    reason: str
    last_line: int | None = None

    @property
    def where(self) -> str:
        if self.last_line and self.last_line != self.line:
            return f"lines {self.line}-{self.last_line}"
        return f"line {self.line}"

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


class Row:
    """One data row: its fields by column name (stripped; "" when the column is absent)."""

    __slots__ = ("line", "last_line", "_values", "_index")

    def __init__(self, line: int, last_line: int, values: list[str], index: Mapping[str, int]):
        self.line, self.last_line, self._values, self._index = line, last_line, values, index

    def __getitem__(self, name: str) -> str:
        position = self._index.get(name)
        return "" if position is None else self._values[position].strip()

    def error(self, kind: str, reason: str) -> RowError:
        return RowError(self.line, kind, reason, self.last_line)


# -- reading: bytes to rows -----------------------------------------------------------------

class ReportFile:
    """A report being read: checks the header on creation (raising `ReportError`), then
    `rows()` yields a `Row` or a `RowError` per data row. `bytes_read` is for progress."""

    def __init__(self, fileobj: BinaryIO, kind: str) -> None:
        if kind not in KINDS:
            raise ReportError(f"unknown report kind {kind!r} (one of {', '.join(KINDS)})")
        self.kind = kind
        self.bytes_read = 0
        self.fallback_lines = 0  # lines decoded as Windows-1252
        self.first_fallback_lines: list[int] = []
        self._fileobj = fileobj
        self._line = 0
        self._bad: str | None = None  # why a line of the current row cannot be read
        self._reader = csv.reader(self._decoded_lines(), delimiter="\t", quotechar='"',
                                  doublequote=True)
        self.header = self._read_header()
        self.index = {name: position for position, name in enumerate(self.header)}

    def _decoded_lines(self) -> Iterator[str]:
        for raw in self._fileobj:
            self._line += 1
            self.bytes_read += len(raw)
            if self._line == 1:
                if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                    raise ReportError("the file is UTF-16 (Excel's \"Unicode Text\"); "
                                      "download the report again or save it as UTF-8")
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            yield self._decode(raw)

    def _decode(self, raw: bytes) -> str:
        if b"\x00" in raw:
            self._bad = "the line contains NUL bytes"
            return raw.replace(b"\x00", b"").decode("utf-8", "replace")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            self._bad = (f"byte 0x{raw[exc.start]:02x} (byte {exc.start + 1} of the line) is "
                         f"neither UTF-8 nor Windows-1252")
            return raw.decode("utf-8", "replace")
        self.fallback_lines += 1
        if len(self.first_fallback_lines) < 10:
            self.first_fallback_lines.append(self._line)
        return text

    def _read_header(self) -> list[str]:
        try:
            first = next(self._reader, None)
        except csv.Error as exc:
            raise ReportError(f"the header cannot be read: {exc}") from None
        if not first:
            raise ReportError("the file is empty (no header row)")
        header = [name.strip().lower() for name in first]
        missing = [name for name in REQUIRED[self.kind] if name not in header]
        if missing:
            raise ReportError(self._missing(header, missing))
        return header

    def _missing(self, header: list[str], missing: list[str]) -> str:
        message = (f"not an {TITLES[self.kind]} report: missing required column(s) "
                   f"{', '.join(missing)}")
        other = LISTINGS if self.kind == ORDERS else ORDERS
        if _SIGNATURE[other] in header:
            return f"{message}; this looks like an {TITLES[other]} report (import it as {other})"
        if len(header) == 1 and "," in header[0]:
            return f"{message}; the header has no tabs (the reports are tab-separated, not CSV)"
        return f"{message}; the header has {len(header)} column(s): {', '.join(header[:8])}" + (
            ", ..." if len(header) > 8 else "")

    def rows(self) -> Iterator[Row | RowError]:
        width = len(self.header)
        while True:
            first = self._line + 1
            self._bad = None
            try:
                values = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield RowError(first, "unreadable row", f"the row cannot be read: {exc}",
                               self._line)
                continue
            if not values:
                continue  # a blank line
            # The csv reader reads no further than the row's last line.
            row = Row(first, self._line, values, self.index)
            if self._bad is not None:
                yield row.error("bad bytes", self._bad)
            # Trailing empty fields (a tab at the end of the line) are harmless.
            elif len(values) < width or any(value.strip() for value in values[width:]):
                yield row.error("wrong number of columns", _width_reason(len(values), width, row))
            else:
                yield row


def _width_reason(found: int, width: int, row: Row) -> str:
    reason = f"the row has {found} columns, the header has {width}"
    if row.last_line != row.line:
        return f"{reason}: a quote left open joined lines {row.line}-{row.last_line} into one row"
    return f"{reason} (a tab inside a value?)"


# -- values -----------------------------------------------------------------------------------

class _Bad(ValueError):
    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind, self.reason = kind, reason


def _required(row: Row, name: str) -> str:
    value = row[name]
    if not value:
        raise _Bad("missing value", f"{name} is empty")
    return value


def _date(row: Row, name: str) -> datetime:
    value = _required(row, name)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _Bad("bad date", f"{name} {value!r} is not a valid ISO 8601 date") from None
    if parsed.tzinfo is None:
        # A time without an offset could be the seller's or UTC: hours off a return window.
        raise _Bad("bad date", f"{name} {value!r} has no UTC offset "
                               f"(the report writes e.g. 2026-11-20T15:04:00+00:00)")
    return parsed.astimezone(UTC)


def _amount(row: Row, name: str) -> Decimal | None:
    value = row[name]
    if not value:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        hint = " (the decimal separator is a dot)" if "," in value else ""
        raise _Bad("bad number", f"{name} {value!r} is not an amount{hint}") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise _Bad("bad number", f"{name} {value!r} is not an amount")
    return amount


def _quantity(row: Row, name: str) -> int:
    value = _required(row, name)
    if not (value.isascii() and value.isdigit()) or len(value) > 6:
        raise _Bad("bad number", f"{name} {value!r} is not a whole number of items")
    return int(value)


def _asin(row: Row, name: str) -> str:
    value = _required(row, name).upper()
    if not ASIN.fullmatch(value):
        raise _Bad("bad ASIN", f"{name} {value!r} is not an ASIN (10 letters and digits)")
    return value


def _short(row: Row, name: str, limit: int) -> str:
    value = row[name]
    if len(value) > limit:
        raise _Bad("value too long", f"{name} is {len(value)} characters long (at most {limit})")
    return value


# -- All Orders -------------------------------------------------------------------------------

@dataclass(frozen=True)
class OrderHead:
    """The order-level fields, repeated on each row of the order."""

    fulfillment: str
    purchased_at: datetime
    status: str
    ship_postal_code: str
    ship_country: str


@dataclass(frozen=True)
class OrderLine:
    line: int
    asin: str
    quantity: int
    total: Decimal | None  # the report's item-price: the line's price (unit price x quantity)
    canceled: bool

    @property
    def unit_price(self) -> Decimal | None:
        if self.total is None or self.quantity == 0:
            return None  # pending orders have no prices yet; canceled lines have no quantity
        return (self.total / self.quantity).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class OrderRecord:
    """An order read in full from its rows; `dropped` are its canceled item rows, left out
    while other items of the order stand."""

    order_id: str
    head: OrderHead
    lines: list[OrderLine]
    dropped: list[RowError] = field(default_factory=list)

    @property
    def line_numbers(self) -> list[int]:
        return [item.line for item in self.lines]


def _order_row(row: Row) -> tuple[OrderHead, OrderLine]:
    fulfillment = FULFILLMENT.get(_required(row, "fulfillment-channel").lower())
    if fulfillment is None:
        raise _Bad("unknown fulfillment channel",
                   f"fulfillment-channel {row['fulfillment-channel']!r} is not Merchant or Amazon")
    reported = _required(row, "order-status")
    status = ORDER_STATUS.get(reported.lower())
    if status is None:
        raise _Bad("unknown status", f"order-status {reported!r} is not one the importer knows")
    country = row["ship-country"].upper()
    if country and not (len(country) == 2 and country.isalpha()):
        raise _Bad("bad country", f"ship-country {country!r} is not a two-letter country code")
    head = OrderHead(fulfillment, _date(row, "purchase-date"), status,
                     _short(row, "ship-postal-code", 16), country)
    line = OrderLine(row.line, _asin(row, "asin"), _quantity(row, "quantity"),
                     _amount(row, "item-price"), row["item-status"].lower() in {"cancelled", "canceled"})
    return head, line


class SeenOrders:
    """The order IDs already finished, in fixed memory: a Bloom filter of 2**26 bits (8 MiB)
    with 5 hashes. It never forgets an order; the odds that it takes a new order for a seen one
    are about 2 in a million at a million orders (such a row is reported, never merged)."""

    BITS = 1 << 26
    HASHES = 5

    def __init__(self) -> None:
        self._bits = bytearray(self.BITS // 8)

    def _positions(self, key: str) -> Iterator[int]:
        digest = hashlib.blake2b(key.encode(), digest_size=4 * self.HASHES).digest()
        for start in range(0, len(digest), 4):
            yield int.from_bytes(digest[start:start + 4], "little") & (self.BITS - 1)

    def add(self, key: str) -> None:
        for position in self._positions(key):
            self._bits[position >> 3] |= 1 << (position & 7)

    def __contains__(self, key: str) -> bool:
        return all(self._bits[p >> 3] & (1 << (p & 7)) for p in self._positions(key))


@dataclass
class _Group:
    order_id: str
    head: OrderHead | None = None
    head_line: int = 0
    lines: list[OrderLine] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def order_records(report: ReportFile, window: int = 64) -> Iterator[OrderRecord | RowError]:
    """Orders grouped from their item rows (see the module's docstring on grouping)."""
    groups: OrderedDict[str, _Group] = OrderedDict()
    finished = SeenOrders()
    for row in report.rows():
        if isinstance(row, RowError):
            yield row
            continue
        channel = row["sales-channel"]
        if channel.lower() in NOT_MARKETPLACE:
            yield row.error("not a marketplace order", f"sales-channel is {channel!r}: a "
                                                       f"multi-channel fulfillment order, not a "
                                                       f"marketplace order")
            continue
        order_id = row["amazon-order-id"]
        if not ORDER_ID.fullmatch(order_id):
            yield row.error("bad order ID", f"amazon-order-id {order_id!r} is not an order ID "
                                            f"(123-1234567-1234567)")
            continue
        group = groups.get(order_id)
        if group is None:
            if order_id in finished:
                yield row.error("order rows not together", _apart(order_id, window))
                continue
            group = groups[order_id] = _Group(order_id)
        _add_row(group, row)
        if len(groups) > window:
            _, oldest = groups.popitem(last=False)
            finished.add(oldest.order_id)
            yield from _close(oldest)
    for group in groups.values():
        yield from _close(group)


def _apart(order_id: str, window: int) -> str:
    return (f"order {order_id} was already complete: its rows must be together (within "
            f"{window} orders of each other, as the report writes them); this row was not "
            f"loaded and the order was taken from its earlier rows. Put the order's rows "
            f"together and import again")


def _add_row(group: _Group, row: Row) -> None:
    try:
        head, line = _order_row(row)
    except _Bad as bad:
        group.errors.append(row.error(bad.kind, bad.reason))
        return
    if group.head is None:
        group.head, group.head_line = head, row.line
    elif head != group.head:
        differs = [name for name in OrderHead.__dataclass_fields__
                   if getattr(head, name) != getattr(group.head, name)]
        group.errors.append(row.error("order rows disagree", (
            f"order {group.order_id}: {', '.join(differs)} differ(s) from line {group.head_line}")))
        return
    group.lines.append(line)


def _close(group: _Group) -> Iterator[OrderRecord | RowError]:
    if group.errors:
        yield from group.errors
        failed = ", ".join(str(error.line) for error in group.errors)
        for line in group.lines:
            yield RowError(line.line, "order not loaded", f"order {group.order_id} was not loaded: "
                                                          f"line {failed} of the same order failed")
        return
    record = OrderRecord(group.order_id, group.head, group.lines)
    live = [line for line in group.lines if not line.canceled]
    if group.head.status != "Canceled" and live and len(live) < len(group.lines):
        record.lines = live
        record.dropped = [RowError(line.line, "item canceled", f"order {group.order_id}: this item "
                                   f"was canceled; the order keeps its other items")
                          for line in group.lines if line.canceled]
    yield record


def merged_status(stored: str | None, reported: str) -> str:
    """A report never moves an order back: it may be older than what the service learnt from
    the seller or the carrier (an order Delivered stays Delivered if the report says Shipped);
    Canceled is final."""
    if stored is None or (stored not in _PROGRESS and stored != "Canceled"):
        return reported
    if "Canceled" in (stored, reported):
        return "Canceled"
    return stored if _PROGRESS[stored] > _PROGRESS[reported] else reported


@dataclass(frozen=True)
class Known:
    """What the service already stores about a product or an order, for the checks."""

    seller_id: str
    price: Decimal | None = None  # products: the catalog price
    status: str | None = None  # orders


def resolve_order(record: OrderRecord, seller_id: str, products: Mapping[str, Known],
                  orders: Mapping[str, Known], *, new_orders: bool = False,
                  ) -> tuple[dict, list[dict]] | list[RowError]:
    """The order's values and items for `storage.orders.upsert_order`, or a `RowError` for
    each of its rows. Buyer contact, shipment and promise dates are not in the report, so
    those keys are left out: an order already stored keeps them.

    A seller-fulfilled order the service does not have yet is created only with `new_orders`:
    the report has no promised ship and delivery dates, and the service's answers about a
    seller-fulfilled order state them. Marketplace-fulfilled orders need none (the answer is
    a redirection), so they are always created."""
    known = orders.get(record.order_id)
    if known is not None and known.seller_id != seller_id:
        return [RowError(n, "other seller", f"order {record.order_id} belongs to seller "
                                            f"{known.seller_id}, not {seller_id}")
                for n in record.line_numbers]
    if known is None and record.head.fulfillment != "AFN" and not new_orders:
        return [RowError(n, NEW_ORDER, f"order {record.order_id} is not in the service yet and "
                                       f"the report has no promised dates: add it with csba "
                                       f"load or the API first (the report then updates it)")
                for n in record.line_numbers]
    problems = {line.line: _item_problem(line, seller_id, products) for line in record.lines}
    failed = {n: p for n, p in problems.items() if p is not None}
    if failed:
        where = ", ".join(map(str, failed))
        return [failed.get(n) or RowError(n, "order not loaded", f"order {record.order_id} was "
                                                                 f"not loaded: line {where} failed")
                for n in record.line_numbers]
    head = record.head
    values = {"order_id": record.order_id, "seller_id": seller_id,
              "fulfillment": head.fulfillment, "purchased_at": head.purchased_at,
              "status": merged_status(known and known.status, head.status)}
    if head.ship_postal_code:
        values["ship_postal_code"] = head.ship_postal_code
    if head.ship_country:
        values["ship_country"] = head.ship_country
    items = [{"position": position, "asin": line.asin, "quantity": line.quantity,
              "price": line.unit_price if line.unit_price is not None else products[line.asin].price}
             for position, line in enumerate(record.lines)]
    return values, items


def _item_problem(line: OrderLine, seller_id: str, products: Mapping[str, Known]) -> RowError | None:
    product = products.get(line.asin)
    if product is None:
        return RowError(line.line, "unknown ASIN", f"ASIN {line.asin} is not in the catalog "
                                                   f"(import the All Listings report first)")
    if product.seller_id != seller_id:
        return RowError(line.line, "other seller", f"ASIN {line.asin} belongs to seller "
                                                   f"{product.seller_id}, not {seller_id}")
    return None


# -- All Listings -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ListingRecord:
    line: int
    asin: str
    sku: str
    title: str
    description: str
    price: Decimal | None

    @property
    def line_numbers(self) -> list[int]:
        return [self.line]


def listing_records(report: ReportFile) -> Iterator[ListingRecord | RowError]:
    """One product per listing row. An ASIN listed twice (two SKUs, e.g. new and used or FBA
    and merchant-fulfilled) is written twice: the later row wins."""
    for row in report.rows():
        if isinstance(row, RowError):
            yield row
            continue
        try:
            yield ListingRecord(row.line, _asin(row, "asin1"), _short(row, "seller-sku", 64),
                                _required(row, "item-name"), row["item-description"],
                                _amount(row, "price"))
        except _Bad as bad:
            yield row.error(bad.kind, bad.reason)


def resolve_listing(record: ListingRecord, seller_id: str,
                    products: Mapping[str, Known]) -> dict | RowError:
    """The product's values for `storage.orders.upsert_product`. Category, bullets,
    attributes, currency and returnability are not in the report: a product already stored
    keeps them (a new one gets the defaults); an empty price or description keeps the stored
    one."""
    known = products.get(record.asin)
    if known is not None and known.seller_id != seller_id:
        return RowError(record.line, "other seller", f"ASIN {record.asin} belongs to seller "
                                                     f"{known.seller_id}, not {seller_id}")
    if record.price is None and known is None:
        return RowError(record.line, "no price", f"ASIN {record.asin} has no price and is not "
                                                 f"in the catalog yet")
    values = {"asin": record.asin, "seller_id": seller_id, "title": record.title}
    if record.sku:
        values["sku"] = record.sku
    if record.description:
        values["description"] = record.description
    if record.price is not None:
        values["price"] = record.price.quantize(CENT, rounding=ROUND_HALF_UP)
    return values


def records(report: ReportFile) -> Iterator[OrderRecord | ListingRecord | RowError]:
    return order_records(report) if report.kind == ORDERS else listing_records(report)
