"""Prometheus metrics of one service process (prometheus_client, one registry per app):
turns by channel and intent with their latency, SMTP answers by code, outbox attempts by
outcome and what was found out about sends a crash or a timeout left unknown, and, read from
the database when scraped, the outbox's depth and oldest row, and cases open and overdue."""

from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import Connection, func, select

from storage.models import Case, OutboxItem

OUTBOX = OutboxItem.__table__
CASES = Case.__table__
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.turns = Counter("csba_turns", "Messages handled by the engine",
                             ["channel", "intent"], registry=self.registry)
        self.turn_seconds = Histogram(
            "csba_turn_seconds", "Time to handle one message, transaction included",
            ["channel"], registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
        self.smtp_answers = Counter("csba_smtp_answers", "SMTP replies of the intake by code",
                                    ["code"], registry=self.registry)
        self.outbox_attempts = Counter(
            "csba_outbox_attempts", "Outbox send attempts by channel and outcome (sent, "
            "pending: to be tried again, failed: for good)", ["channel", "outcome"],
            registry=self.registry)
        self.outbox_recoveries = Counter(
            "csba_outbox_recoveries", "Sends whose earlier attempt's outcome was unknown, by "
            "what was found (not_handed_over, found_at_provider, not_at_provider, "
            "sent_again_in_doubt)", ["how"], registry=self.registry)
        self.outbox_depth = Gauge("csba_outbox_depth", "Outbox rows waiting, by status",
                                  ["status"], registry=self.registry)
        self.outbox_oldest = Gauge("csba_outbox_oldest_seconds",
                                   "Age of the oldest outbox row waiting to be sent",
                                   registry=self.registry)
        self.cases_open = Gauge("csba_cases_open", "Cases waiting on a seller or a lead",
                                registry=self.registry)
        self.cases_overdue = Gauge("csba_cases_overdue", "Open cases past their deadline",
                                   registry=self.registry)

    def observe_turn(self, channel: str, intent: str | None, seconds: float) -> None:
        self.turns.labels(channel, intent or "none").inc()
        self.turn_seconds.labels(channel).observe(seconds)

    def observe_send(self, channel: str, outcome: str, recovery: str | None) -> None:
        self.outbox_attempts.labels(channel, outcome).inc()
        if recovery is not None:
            self.outbox_recoveries.labels(recovery).inc()

    def observe_smtp(self, reply: str) -> str:
        self.smtp_answers.labels(reply[:3]).inc()
        return reply

    def read_database(self, connection: Connection, now: datetime,
                      open_statuses: tuple[str, ...]) -> None:
        waiting = dict(connection.execute(
            select(OUTBOX.c.status, func.count()).where(
                OUTBOX.c.status.in_(("pending", "sending"))).group_by(OUTBOX.c.status)).all())
        for status in ("pending", "sending"):
            self.outbox_depth.labels(status).set(waiting.get(status, 0))
        oldest = connection.scalar(select(func.min(OUTBOX.c.created_at)).where(
            OUTBOX.c.status.in_(("pending", "sending"))))
        self.outbox_oldest.set((now - oldest).total_seconds() if oldest else 0)
        open_ = CASES.c.status.in_(list(open_statuses))
        self.cases_open.set(connection.scalar(select(func.count()).where(open_)) or 0)
        self.cases_overdue.set(connection.scalar(select(func.count()).where(
            open_, CASES.c.deadline_at <= now)) or 0)

    def render(self) -> bytes:
        return generate_latest(self.registry)
