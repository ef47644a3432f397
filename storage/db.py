"""The database handle: one transaction at a time through `run(fn)`, schema upgrades, and the
SQLite settings that make it a good embedded default.

The core's data access is plain synchronous SQLAlchemy Core (the statement modules of this
package), handed a Connection. `run(fn)` runs it in one transaction:
- on SQLite, directly on the event loop's thread: a local WAL database answers in
  microseconds, far less than the round trips of an asyncio driver (aiosqlite hops to a worker
  thread for every call, several per statement), and SQLite has one writer anyway;
- on PostgreSQL, through asyncpg with `AsyncConnection.run_sync`, so the loop never blocks on the
  network.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import sys
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, event, make_url, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).with_name("migrations")
T = TypeVar("T")


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


class Database:
    """One per process; passed around, never global."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        # Names this process to the database (PostgreSQL's application_name; at most 63
        # bytes), so that other processes can tell whether it is still there.
        self.process_name = f"csba {socket.gethostname()[:32]} {os.getpid()} {uuid.uuid4().hex[:8]}"
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite:
            # The contract's URL names aiosqlite; the embedded database runs on the loop with
            # the standard library driver. One connection: turns never interleave on it, and
            # every transaction ends in our own COMMIT or ROLLBACK (no reset on return).
            self.engine = create_engine(parsed.set(drivername="sqlite+pysqlite"), echo=echo,
                                        poolclass=StaticPool, pool_reset_on_return=None,
                                        connect_args={"check_same_thread": False})
            self._checkpointer: ThreadPoolExecutor | None = None
            event.listen(self.engine, "connect", _sqlite_connect)
            self.async_engine = None
        else:
            self.async_engine = create_async_engine(
                url, echo=echo, pool_size=10, max_overflow=10, pool_pre_ping=True,
                connect_args={"server_settings": {"application_name": self.process_name}})
            self.engine = self.async_engine.sync_engine

    async def run(self, work: Callable[[Connection], T]) -> T:
        """Run `work(connection)` in one transaction: committed if it returns, rolled back if
        it raises."""
        if self.async_engine is None:
            with self.engine.begin() as connection:
                # The write lock from the start, so a transaction never fails upgrading a
                # read lock. Straight to the driver, not from a "begin" event listener: any
                # listener makes SQLAlchemy dispatch events around every statement (5 % of
                # the SMS benchmark's throughput). The driver's commit and rollback end it.
                connection.connection.dbapi_connection.execute("BEGIN IMMEDIATE")
                return work(connection)
        async with self.async_engine.begin() as connection:
            return await connection.run_sync(work)

    async def checkpoint(self) -> None:
        """SQLite: copy the write-ahead log into the database file. PostgreSQL checkpoints on
        its own.

        The bulk is copied on a thread of its own with its own connection (PASSIVE: it never
        waits for, nor blocks, the service's writes). Under a steady load the service writes
        during that copy, so the log never ends fully copied, and SQLite starts it over only
        when it does: it grew by some 80 MB a second in the SMS benchmark, and every turn got
        slower. So the few frames written meanwhile are copied here, between two of the
        service's transactions, after which the next transaction starts the log over."""
        if not self.is_sqlite or self.engine.url.database in (None, "", ":memory:"):
            return
        if self._checkpointer is None:
            self._checkpointer = ThreadPoolExecutor(
                1, thread_name_prefix="sqlite-checkpoint", initializer=_yield_to_the_loop)
        await asyncio.get_running_loop().run_in_executor(
            self._checkpointer, _checkpoint, self.engine.url.database)
        # Outside a transaction (a checkpoint cannot run inside one), so not through `run`.
        connection = self.engine.raw_connection()
        try:
            connection.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            connection.close()

    async def upgrade(self) -> None:
        """Bring the schema to the newest migration."""
        await self.run(_upgrade)

    async def schema_state(self) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        """("empty", "current" or "behind", the database's revisions, the code's heads)."""
        current = tuple(await self.run(
            lambda connection: MigrationContext.configure(connection).get_current_heads()))
        heads = tuple(ScriptDirectory.from_config(_alembic_config()).get_heads())
        if not current:
            return "empty", current, heads
        return ("current" if set(current) == set(heads) else "behind"), current, heads

    async def pending_migrations(self) -> bool:
        current = await self.run(
            lambda connection: MigrationContext.configure(connection).get_current_heads())
        heads = ScriptDirectory.from_config(_alembic_config()).get_heads()
        return set(current) != set(heads)

    async def close(self) -> None:
        if self.async_engine is not None:
            await self.async_engine.dispose()
        else:
            self.engine.dispose()
            if self._checkpointer is not None:
                self._checkpointer.shutdown()


def _upgrade(connection: Connection) -> None:
    config = _alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Transactions are ours (BEGIN IMMEDIATE in `Database.run`), not the driver's implicit ones.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # No checkpoint in a commit on the event loop's thread (it writes and fsyncs the WAL into
    # the database: 13 % of the SMS benchmark's throughput): `Database.checkpoint` does it from
    # a worker thread, and closing the last connection does it too.
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Another process (`csba sweep`) may hold the write lock for a moment: wait for it.
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def lock_for_transaction(connection: Connection, key: str) -> None:
    """Serialize work on `key` across processes until the transaction ends: a PostgreSQL
    advisory transaction lock. SQLite has one writer and one process, which serializes it."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                           {"key": key})


def _yield_to_the_loop() -> None:
    # The checkpoint thread shares the core with the event loop (in the benchmark, pinned to
    # one). At the same priority the kernel gives it the core in slices of tens of
    # milliseconds, and every request in flight waits that long; at nice 10 it mostly runs
    # in the loop's gaps (SMS benchmark p99: 47-52 ms at nice 0, 37-39 ms at nice 10; at 19
    # it falls so far behind that the loop's own share of the copy grows). Linux sets nice
    # per thread.
    if sys.platform == "linux":
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def _checkpoint(path: str) -> None:
    connection = sqlite3.connect(path, timeout=10)
    try:
        # Twice: the second copies what was written during the first, leaving the loop a
        # few frames.
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        connection.close()
