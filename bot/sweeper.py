"""The deadline sweeper: reminds sellers halfway and resolves cases whose deadline passed.
Deadlines are rows, so a restart loses none; each case is handled in its own transaction."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from bot.cases import OPEN, CaseDesk
from bot.clock import Clock
from storage.db import Database
from storage.models import Case

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    reminded: list[int] = field(default_factory=list)
    resolved: dict[int, str] = field(default_factory=dict)


async def sweep(db: Database, desk: CaseDesk, now: datetime) -> SweepReport:
    report = SweepReport()
    async with db.sessions() as session:
        overdue = (await session.scalars(
            select(Case.id).where(Case.status == OPEN, Case.deadline_at <= now)
            .order_by(Case.deadline_at))).all()
        reminders = (await session.scalars(
            select(Case.id).where(Case.status == OPEN, Case.reminder_at <= now,
                                  Case.deadline_at > now, Case.reminded_at.is_(None))
            .order_by(Case.reminder_at))).all()
    for case_id in overdue:
        async with db.sessions.begin() as session:
            case = await session.get(Case, case_id)
            if case is None or case.status != OPEN or case.deadline_at > now:
                continue  # answered meanwhile
            decision = await desk.resolve_on_silence(session, case, now)
            report.resolved[case_id] = decision.outcome
    for case_id in reminders:
        async with db.sessions.begin() as session:
            case = await session.get(Case, case_id)
            if case is None or case.status != OPEN or case.reminded_at is not None:
                continue
            await desk.remind(session, case, now)
            report.reminded.append(case_id)
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
