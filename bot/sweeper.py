"""The deadline sweeper: reminds sellers halfway and resolves cases whose deadline passed.
Deadlines are rows, so a restart loses none; each case is handled in its own transaction."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection

from bot.cases import OPEN, CaseDesk
from bot.clock import Clock
from bot.log_context import CASE
from storage.cases import case_by_id, cases_due
from storage.db import Database

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    reminded: list[int] = field(default_factory=list)
    resolved: dict[int, str] = field(default_factory=dict)


async def sweep(db: Database, desk: CaseDesk, now: datetime) -> SweepReport:
    report = SweepReport()

    def resolve(connection: Connection, case_id: int) -> None:
        CASE.set(case_id)
        case = case_by_id(connection, case_id, for_update=True)
        if case is not None and case.status == OPEN and case.deadline_at <= now:
            report.resolved[case_id] = desk.resolve_on_silence(connection, case, now).outcome

    def remind(connection: Connection, case_id: int) -> None:
        CASE.set(case_id)
        case = case_by_id(connection, case_id, for_update=True)
        if case is not None and case.status == OPEN and case.reminded_at is None:
            desk.remind(connection, case, now)
            report.reminded.append(case_id)

    overdue, reminders = await db.run(lambda connection: cases_due(connection, OPEN, now))
    for case_id in overdue:
        await db.run(lambda connection, case_id=case_id: resolve(connection, case_id))
    for case_id in reminders:
        await db.run(lambda connection, case_id=case_id: remind(connection, case_id))
    CASE.set(None)
    if report.reminded or report.resolved:
        log.info("sweep at %s: reminded %s, resolved %s", now.isoformat(), report.reminded,
                 report.resolved)
    return report


async def run_sweeper(db: Database, desk: CaseDesk, clock: Clock, interval: float,
                      after_sweep: Callable[[], None]) -> None:
    while True:
        try:
            report = await sweep(db, desk, clock.now())
            if report.reminded or report.resolved:
                after_sweep()
        except Exception:
            log.exception("sweep failed; trying again in %s s", interval)
        await asyncio.sleep(interval)
