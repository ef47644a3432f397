"""The record of why the service did what it did: decisions with the rules that fired, and
the case log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from bot.messages import Decision
from storage.cases import insert_case_event, insert_decision


def record_decision(connection: Connection, decision: Decision, now: datetime, *,
                    conversation_id: int | None = None, case_id: int | None = None,
                    message_id: int | None = None) -> None:
    insert_decision(connection, conversation_id=conversation_id, case_id=case_id,
                    message_id=message_id, outcome=decision.outcome,
                    reasons=list(decision.reasons), facts=dict(decision.facts), created_at=now)


def log_case_event(connection: Connection, case_id: int, event: str, actor: str, now: datetime,
                   body: str = "", **data: Any) -> None:
    insert_case_event(connection, case_id=case_id, kind=event, actor=actor, body=body,
                      data=data, created_at=now)
