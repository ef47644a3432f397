"""What keeps the service steady under sustained load: no turn leaves reference cycles for the
garbage collector to stop the event loop over, and SQLite's write-ahead log starts over while
the service keeps writing instead of growing without bound."""

import asyncio
import gc

from sqlalchemy import text

from channels.smtp_intake import IntakeSMTP
from storage.db import Database
from tests.conftest import ROOT, email_fixture
from tests.test_voice_calls import Call

EMILY = "+15555550103"  # one FedEx parcel in transit
ANA = "ana.diaz@example.com"
OUR_PACKAGES = {path.name for path in ROOT.iterdir() if (path / "__init__.py").exists()}


def _ours(objects: list[object]) -> list[str]:
    # aiosmtpd's session keeps bound methods of itself in tables of its own (its command
    # and AUTH handlers): a cycle of the library's, once per SMTP connection, not per turn.
    return sorted({f"{type(o).__module__}.{type(o).__qualname__}" for o in objects
                   if type(o).__module__.split(".")[0] in OUR_PACKAGES
                   and not isinstance(o, IntakeSMTP)})


async def test_turns_leave_no_reference_cycles_of_ours(service):
    # First turns fill caches (templates, the intent model, catalogs): not garbage.
    await service.sms(EMILY, "Where is my order?")
    await service.sms(EMILY, "Does it come in a gift box?")
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # keep what a collection frees, to look at it
    try:
        await service.sms(EMILY, "Where is my order?")
        await service.sms(EMILY, "Is it machine washable?")
        await service.sms(EMILY, "I want to return it, it arrived torn")
        await service.send_email(email_fixture("customer_where_is_my_order.eml"), sender=ANA)
        call = Call(service, EMILY)
        await call.start()
        await call.say("Where is my order?")
        await service.dispatch()
        gc.collect()
        left = _ours(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []


async def test_the_write_ahead_log_starts_over_under_steady_writes(tmp_path):
    path = tmp_path / "log.sqlite3"
    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.run(lambda c: c.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
    writing = True

    async def write_steadily() -> None:
        while writing:
            await db.run(lambda c: c.execute(text("INSERT INTO t (v) VALUES (:v)"),
                                             {"v": "x" * 3000}))
            await asyncio.sleep(0)

    writer = asyncio.create_task(write_steadily())
    starts = []
    try:
        for _ in range(6):
            await asyncio.sleep(0.1)
            await db.checkpoint()
            await asyncio.sleep(0.01)  # a transaction or two: the one that starts it over
            starts.append(_times_started_over(f"{path}-wal"))
    finally:
        writing = False
        await writer
    await db.close()
    assert starts[-1] - starts[0] >= 4, starts


def _times_started_over(wal: str) -> int:
    # The log's header counts the times it started over: its "checkpoint sequence number",
    # a 32-bit big-endian integer at byte 12 (https://sqlite.org/fileformat2.html#walformat).
    with open(wal, "rb") as log:
        return int.from_bytes(log.read(16)[12:16], "big")
