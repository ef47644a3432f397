"""Seller report imports (All Orders, All Listings) through `import_report` into the demo
database, one fixture file per situation with the exact row errors it must give; and the
`csba import` command in a subprocess."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bot.report_import import ImportReport, ProgressBar, import_report
from bot.reports import ReportError
from storage.models import Order, OrderItem, Product
from tests.conftest import FIXTURES

REPORTS = FIXTURES / "reports"
SELLER = "SELLER-US1"


async def run(service, kind: str, name: str, seller: str = SELLER, *,
              new_orders: bool = True) -> ImportReport:
    with (REPORTS / name).open("rb") as fileobj:
        return await import_report(service.db, kind, fileobj, seller, new_orders=new_orders)


def errors(report: ImportReport) -> list[str]:
    return [str(error) for error in report.errors]


def data_rows(name: str) -> int:
    """Physical lines after the header; a fixture with a multi-line row says so itself."""
    return (REPORTS / name).read_bytes().count(b"\n") - 1


async def order(service, order_id: str) -> Order | None:
    return await service.scalar(select(Order).where(Order.order_id == order_id))


async def items(service, order_id: str) -> list[tuple]:
    rows = await service.scalars(select(OrderItem).where(OrderItem.order_id == order_id)
                                 .order_by(OrderItem.position))
    return [(item.position, item.asin, item.quantity, item.price) for item in rows]


async def count(service, model) -> int:
    return await service.scalar(select(func.count()).select_from(model))


async def test_orders_are_grouped_mapped_and_keep_the_buyer_contact(service):
    report = await run(service, "orders", "orders_good.txt")
    assert (report.loaded, report.loaded_rows, report.skipped_rows) == (6, 7, 1)
    assert errors(report) == [
        "line 9: order 114-5550103-0000003: this item was canceled; the order keeps its other items"]
    assert report.rows == data_rows("orders_good.txt")

    # Two rows, one order; the report's item-price is the line's total: 79.98 for 2.
    new = await order(service, "114-3941689-8772232")
    assert (new.seller_id, new.fulfillment, new.status, new.purchased_at, new.ship_postal_code,
            new.ship_country) == (SELLER, "MFN", "Shipped", datetime(2026, 11, 20, 23, 4, tzinfo=UTC),
                                  "98101-2345", "US")
    assert (new.buyer_name, new.buyer_email, new.buyer_phone) == ("", None, None)
    assert await items(service, "114-3941689-8772232") == [
        (0, "B0C4X7K2QZ", 2, Decimal("39.99")), (1, "B0B8N3VJ5T", 1, Decimal("34.99"))]

    # A demo order the report updates: the buyer and the promise dates stay.
    maria = await order(service, "111-2384710-5530127")
    assert (maria.status, maria.buyer_name, maria.buyer_email, maria.buyer_phone,
            maria.buyer_language) == ("Shipped", "María González", "maria.gonzalez@example.net",
                                      "+15555550104", "es")
    assert maria.latest_delivery_date == datetime(2026, 12, 3, 14, 35, tzinfo=UTC)
    assert await items(service, "111-2384710-5530127") == [(0, "B0BQ7Z3K9N", 1, Decimal("29.99"))]

    # Delivered stays Delivered when an older report says Shipped; its shipment stays too.
    james = await order(service, "112-8190354-2736641")
    assert (james.status, james.tracking_number, james.buyer_email) == (
        "Delivered", "1Z8E47V10359083018", "james.carter@example.net")

    assert (await order(service, "112-5550101-0000001")).fulfillment == "AFN"
    # A pending order has no prices in the report yet: the catalog's price is used.
    assert (await order(service, "113-5550102-0000002")).status == "Pending"
    assert await items(service, "113-5550102-0000002") == [(0, "B0C9HT2L4P", 1, Decimal("39.99"))]
    assert await items(service, "114-5550103-0000003") == [(0, "B0C4X7K2QZ", 1, Decimal("39.99"))]


async def test_new_seller_fulfilled_orders_wait_for_their_promised_dates(service):
    # Without new_orders, the report updates the orders the service has (from format v1 or
    # the API, with the promise an answer states) and creates only FBA ones.
    report = await run(service, "orders", "orders_good.txt", new_orders=False)
    assert (report.loaded, report.loaded_rows, report.skipped_rows, report.faulty_rows) == (3, 3, 5, 0)
    new = ("is not in the service yet and the report has no promised dates: add it with csba "
           "load or the API first (the report then updates it)")
    assert errors(report) == [
        f"line 2: order 114-3941689-8772232 {new}",
        f"line 3: order 114-3941689-8772232 {new}",
        f"line 7: order 113-5550102-0000002 {new}",
        f"line 8: order 114-5550103-0000003 {new}",
        "line 9: order 114-5550103-0000003: this item was canceled; the order keeps its other items"]
    assert (await order(service, "111-2384710-5530127")).status == "Shipped"
    assert (await order(service, "112-5550101-0000001")).fulfillment == "AFN"
    assert await order(service, "114-3941689-8772232") is None


async def test_importing_again_changes_nothing(service):
    await run(service, "orders", "orders_good.txt")
    before = (await count(service, Order), await count(service, OrderItem))
    again = await run(service, "orders", "orders_good.txt")
    assert (again.loaded, again.skipped_rows) == (6, 1)
    assert (await count(service, Order), await count(service, OrderItem)) == before


async def test_an_order_the_database_refuses_costs_only_itself(service):
    # A refusal at the database's edge (PostgreSQL refusing a value, say), here a trigger.
    await service.sql("CREATE TRIGGER refuse_spatulas BEFORE INSERT ON order_items "
                      "WHEN NEW.asin = 'B0D1RW6M8C' BEGIN SELECT RAISE(ABORT, 'no spatulas'); END")
    report = await run(service, "orders", "orders_good.txt")
    assert (report.loaded, report.loaded_rows, report.skipped_rows) == (5, 6, 2)
    assert errors(report) == [
        "line 6: the database refused it: no spatulas",
        "line 9: order 114-5550103-0000003: this item was canceled; the order keeps its other items"]
    # The order row went in before its item was refused: rolled back with it.
    assert await order(service, "112-5550101-0000001") is None
    assert await order(service, "114-3941689-8772232") is not None


async def test_quoted_values_and_an_unclosed_quote(service):
    # Saved by Excel: BOM, CRLF, "quoted" values with a tab, "" and a line break inside.
    report = await run(service, "orders", "orders_quoting.txt")
    assert (report.loaded, report.loaded_rows) == (3, 3)
    assert errors(report) == [
        "lines 6-7: the row has 10 columns, the header has 31: a quote left open joined lines "
        "6-7 into one row"]
    for order_id in ("111-5550201-0000001", "111-5550202-0000002", "111-5550203-0000003"):
        assert await order(service, order_id) is not None
    for order_id in ("111-5550204-0000004", "111-5550205-0000005"):
        assert await order(service, order_id) is None


async def test_a_missing_required_column_loads_nothing(service):
    before = await count(service, Order)
    with pytest.raises(ReportError) as raised:
        await run(service, "orders", "orders_missing_column.txt")
    assert str(raised.value) == (
        "not an All Orders report: missing required column(s) purchase-date; the header has 30 "
        "column(s): amazon-order-id, merchant-order-id, last-updated-date, order-status, "
        "fulfillment-channel, sales-channel, order-channel, ship-service-level, ...")
    assert await count(service, Order) == before


async def test_the_other_report_and_an_unknown_seller_are_refused(service):
    with pytest.raises(ReportError, match=r"this looks like an All Listings report \(import it "
                                          r"as listings\)"):
        await run(service, "orders", "listings.txt")
    with pytest.raises(ReportError, match="seller 'NOPE' is not known"):
        await run(service, "orders", "orders_good.txt", seller="NOPE")
    with pytest.raises(ReportError, match="the file is empty"):
        await import_report(service.db, "orders", io.BytesIO(b""), SELLER)
    with pytest.raises(ReportError, match="UTF-16"):
        await import_report(service.db, "orders", io.BytesIO("x\ty\n".encode("utf-16")), SELLER)
    assert await order(service, "114-3941689-8772232") is None


async def test_bad_dates_and_numbers_are_row_errors_and_sink_their_whole_order(service):
    report = await run(service, "orders", "orders_bad_values.txt")
    assert (report.loaded, report.loaded_rows, report.skipped_rows) == (1, 1, 10)
    assert errors(report) == [
        "line 2: purchase-date '11/20/2026 15:04' is not a valid ISO 8601 date",
        "line 3: purchase-date '2026-11-20T15:04:00' has no UTC offset (the report writes e.g. "
        "2026-11-20T15:04:00+00:00)",
        "line 4: quantity 'one' is not a whole number of items",
        "line 5: item-price '39,99' is not an amount (the decimal separator is a dot)",
        "line 6: order 111-5550405-0000005 was not loaded: line 7 of the same order failed",
        "line 7: item-price '-5.00' is not an amount",
        "line 8: order 111-5550405-0000005 was not loaded: line 7 of the same order failed",
        "line 9: order-status 'Lost' is not one the importer knows",
        "line 10: amazon-order-id '111-5550407' is not an order ID (123-1234567-1234567)",
        "line 11: purchase-date '2026-11-31T10:00:00+00:00' is not a valid ISO 8601 date",
    ]
    assert dict(report.reasons) == {"bad date": 3, "bad number": 3, "order not loaded": 2,
                                    "unknown status": 1, "bad order ID": 1}
    # Nothing half-loaded: the order with one bad row of three is not there at all.
    assert await order(service, "111-5550405-0000005") is None
    assert await items(service, "111-5550405-0000005") == []
    assert await order(service, "111-5550409-0000009") is not None


async def test_non_utf8_bytes(service):
    report = await run(service, "orders", "orders_encoding.txt")
    assert (report.loaded, report.loaded_rows) == (3, 3)
    # Line 2 is Windows-1252 ("Café", "SAN JOSÉ"): read and noted; line 5 is UTF-8 ("Straße").
    assert (report.fallback_lines, report.first_fallback_lines) == (1, [2])
    assert errors(report) == ["line 4: byte 0x81 (byte 116 of the line) is neither UTF-8 nor "
                              "Windows-1252"]
    assert await order(service, "111-5550503-0000003") is None


async def test_catalog_and_seller_checks(service):
    report = await run(service, "orders", "orders_catalog.txt")
    assert errors(report) == [
        "line 2: ASIN B0NOTINCAT is not in the catalog (import the All Listings report first)",
        "line 3: order 111-5550601-0000001 was not loaded: line 2 failed",
        "line 4: ASIN B0CM7L3D9Q belongs to seller SELLER-CN1, not SELLER-US1",
        "line 5: order 112-6604719-8315524 belongs to seller SELLER-CN1, not SELLER-US1",
        "line 6: sales-channel is 'Non-Amazon': a multi-channel fulfillment order, not a "
        "marketplace order",
    ]
    assert (report.loaded, report.loaded_rows) == (1, 1)
    assert await order(service, "111-5550601-0000001") is None
    assert await order(service, "111-5550602-0000002") is None
    other = await order(service, "112-6604719-8315524")
    assert (other.seller_id, other.status) == ("SELLER-CN1", "Delivered")
    assert await items(service, "112-6604719-8315524") == [(0, "B0CM7L3D9Q", 1, Decimal("32.99"))]
    assert await order(service, "111-5550605-0000005") is not None


async def test_listings_then_an_order_of_a_new_product(service):
    report = await run(service, "listings", "listings.txt")
    assert (report.loaded, report.loaded_rows, report.skipped_rows) == (4, 4, 3)
    assert errors(report) == [
        "line 5: ASIN B0CM7L3D9Q belongs to seller SELLER-CN1, not SELLER-US1",
        "line 6: asin1 is empty",
        "line 7: ASIN B0NEWTOWEL has no price and is not in the catalog yet",
    ]
    assert (report.fallback_lines, report.first_fallback_lines) == (1, [8])
    products = {p.asin: p for p in await service.scalars(select(Product).where(Product.asin.in_(
        ["B0NEWPOUR1", "B0C4X7K2QZ", "B0B8N3VJ5T", "B0NEWTORCH", "B0CM7L3D9Q", "B0NEWTOWEL"])))}
    pour = products["B0NEWPOUR1"]
    assert (pour.seller_id, pour.sku, pour.title, pour.description, pour.price, pour.currency,
            pour.category, pour.returnable) == (
        SELLER, "BSH-POUR-600", "Brightside Pour-Over Coffee Set",
        "Glass carafe, 600 ml, with a stainless filter.", Decimal("32.50"), "USD", "", True)
    # An existing product: the new price; its description and category stay (empty in the report).
    kettle = products["B0C4X7K2QZ"]
    assert (kettle.price, kettle.category) == (Decimal("41.99"), "Kitchen")
    assert kettle.description.startswith("A fast, quiet kettle")
    assert products["B0B8N3VJ5T"].title == 'Brightside 10" Skillet, pre-seasoned'
    assert products["B0NEWTORCH"].title == "Brightside Crème Brûlée Torch"
    assert products["B0NEWTORCH"].description == "Butane torch – refillable."
    assert products["B0CM7L3D9Q"].seller_id == "SELLER-CN1"
    assert "B0NEWTOWEL" not in products

    report = await run(service, "orders", "orders_new_product.txt")
    assert (report.loaded, report.skipped_rows) == (1, 0)
    assert await items(service, "113-5550801-0000001") == [(0, "B0NEWPOUR1", 2, Decimal("32.50"))]


def _report_of(rows: list[str]) -> io.BytesIO:
    header, template = (REPORTS / "orders_catalog.txt").read_text().splitlines()[0::6]
    lines = [header] + [template.replace("111-5550605-0000005", order_id) for order_id in rows]
    return io.BytesIO(("\n".join(lines) + "\n").encode())


async def test_rows_of_one_order_a_few_orders_apart_are_joined(service):
    fileobj = _report_of(["111-0000001-0000001", "111-0000002-0000002", "111-0000001-0000001"])
    report = await import_report(service.db, "orders", fileobj, SELLER, new_orders=True)
    assert (report.loaded, report.loaded_rows, report.skipped_rows) == (2, 3, 0)
    assert [row[0] for row in await items(service, "111-0000001-0000001")] == [0, 1]


async def test_rows_of_one_order_far_apart_are_reported(service):
    others = [f"111-0000000-{n:07d}" for n in range(1, 81)]
    fileobj = _report_of(["111-0000001-0000001", *others, "111-0000001-0000001"])
    report = await import_report(service.db, "orders", fileobj, SELLER, new_orders=True,
                                 batch_size=7)
    assert (report.loaded, report.loaded_rows, report.skipped_rows) == (81, 81, 1)
    assert errors(report) == [
        "line 83: order 111-0000001-0000001 was already complete: its rows must be together "
        "(within 64 orders of each other, as the report writes them); this row was not loaded "
        "and the order was taken from its earlier rows. Put the order's rows together and import "
        "again"]
    assert len(await items(service, "111-0000001-0000001")) == 1


def test_progress_bar_draws_by_bytes_at_most_ten_times_a_second():
    stream, now = io.StringIO(), iter([0.0, 0.05, 0.06, 0.5, 1.0])
    bar = ProgressBar(4_000_000, stream, clock=lambda: next(now))
    for done in (1_000_000, 2_000_000, 4_000_000, 4_000_000):
        bar(done)
    bar.close()
    assert stream.getvalue().split("\r")[1:] == [
        "[#######.......................]  25% 1.0 of 4.0 MB, 20.0 MB/s",
        "[##############################] 100% 4.0 of 4.0 MB, 8.0 MB/s",
        "[##############################] 100% 4.0 of 4.0 MB, 4.0 MB/s\n",
    ]


async def test_csba_import_prints_a_summary_and_the_row_errors(service):
    result = service.cli("import", "orders", str(REPORTS / "orders_catalog.txt"),
                         "--seller", SELLER, "--new-orders", "--errors", "2")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        f"imported 1 order from {REPORTS / 'orders_catalog.txt'} (All Orders report, seller "
        f"SELLER-US1): 1 row loaded, 5 rows skipped",
        "skipped rows by reason: other seller 2, not a marketplace order 1, order not loaded 1, "
        "unknown ASIN 1",
        "first 2 of 5 skipped rows:",
        "  line 2: ASIN B0NOTINCAT is not in the catalog (import the All Listings report first)",
        "  line 3: order 111-5550601-0000001 was not loaded: line 2 failed",
    ]
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    result = service.cli("import", "orders", str(REPORTS / "orders_new_product.txt"),
                         "--seller", SELLER, "--new-orders")
    assert result.returncode == 1  # B0NEWPOUR1 is not in the catalog yet
    result = service.cli("import", "listings", str(REPORTS / "listings.txt"), "--seller", SELLER)
    assert result.returncode == 1
    result = service.cli("import", "orders", str(REPORTS / "orders_new_product.txt"),
                         "--seller", SELLER)
    assert result.returncode == 0  # skipped by default: a new order without promised dates
    assert result.stdout.splitlines()[0].endswith("0 rows loaded, 1 row skipped")
    result = service.cli("import", "orders", str(REPORTS / "orders_new_product.txt"),
                         "--seller", SELLER, "--new-orders")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].endswith("1 row loaded, 0 rows skipped")
    result = service.cli("import", "orders", str(REPORTS / "orders_missing_column.txt"),
                         "--seller", SELLER)
    assert result.returncode == 2
    assert result.stderr.startswith(f"csba import: {REPORTS / 'orders_missing_column.txt'}: not "
                                    f"an All Orders report: missing required column(s) "
                                    f"purchase-date")
    assert result.stderr.rstrip().endswith("(nothing was loaded)")
