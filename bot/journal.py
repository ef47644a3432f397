"""The record of why the service did what it did: decisions with the rules that fired, and
the case log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.messages import Decision
from storage.models import CaseEvent, Message
from storage.models import Decision as DecisionRow


def record_decision(session: Session, decision: Decision, now: datetime, *,
                    conversation_id: int | None = None, case_id: int | None = None,
                    message: Message | None = None) -> DecisionRow:
    """Record a decision, against the message that led to it when there is one (that
    message may not be written yet: it goes out in the same flush)."""
    row = DecisionRow(
        conversation_id=conversation_id, case_id=case_id, message=message,
        outcome=decision.outcome, reasons=list(decision.reasons), facts=dict(decision.facts),
        created_at=now,
    )
    session.add(row)
    return row


def log_case_event(session: Session, case_id: int, event: str, actor: str, now: datetime,
                   body: str = "", **data: Any) -> CaseEvent:
    row = CaseEvent(case_id=case_id, kind=event, actor=actor, body=body, data=data,
                    created_at=now)
    session.add(row)
    return row
