"""Dialogue scripts (tests/fixtures/dialogues/*.json) played through the real entry points:
signed Twilio SMS webhooks, or SMTP into the intake with the answer read from the relay. Each
turn states what the customer says and what must come back: reply text (and text that must
not be in it), the intent stored with the message, the decisions recorded for it, hand-offs
and seller emails."""

import json
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import Attachment, Conversation, Decision, Handoff, Message, ReturnRecord
from tests.conftest import FIXTURES

SCRIPTS = sorted((FIXTURES / "dialogues").glob("*.json"))


class Customer:
    """Says things on one channel and returns what the service answered."""

    def __init__(self, service, channel: str, address: str) -> None:
        self.service = service
        self.channel = channel
        self.address = address
        self.count = 0
        self.last_answer: EmailMessage | None = None

    async def say(self, text: str, media: list | None = None) -> tuple[str, str]:
        """(the answer's text, the external id of what the customer sent)."""
        self.count += 1
        if self.channel == "sms":
            sid = f"SMdialogue{self.count:022d}"
            replies = await self.service.sms(self.address, text, sid=sid,
                                             media=[tuple(m) for m in media or []])
            return "\n\n".join(replies), sid
        message = EmailMessage()
        message["From"] = self.address
        message["To"] = self.service.settings.intake_address
        message_id = f"<dialogue-{self.count}@example.com>"
        message["Message-ID"] = message_id
        if self.last_answer is not None:
            message["Subject"] = self.last_answer["Subject"]
            message["In-Reply-To"] = self.last_answer["Message-ID"]
            message["References"] = self.last_answer["Message-ID"]
        else:
            message["Subject"] = "My order"
        message.set_content(text)
        await self.service.send_email(message, sender=self.address)
        await self.service.dispatch()
        answers = self.service.mail.to(self.address)
        self.last_answer = answers[-1] if answers else None
        body = self.last_answer.get_body(("plain",)).get_content() if answers else ""
        return body, message_id


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
async def test_dialogue(service, script: Path):
    plan = json.loads(script.read_text(encoding="utf-8"))
    customer = Customer(service, plan["channel"], plan["from"])
    for number, turn in enumerate(plan["turns"], 1):
        if "advance_hours" in turn:
            service.clock.set(service.clock.now() + timedelta(hours=turn["advance_hours"]))
            continue
        answer, external_id = await customer.say(turn["say"], turn.get("media"))
        where = f"{script.stem} turn {number} ({turn['say']!r}) answered {answer!r}"
        for expected in turn.get("reply_contains", []):
            assert expected in answer, where
        for unexpected in turn.get("reply_lacks", []):
            assert unexpected not in answer, where
        message = await service.scalar(select(Message).where(Message.external_id == external_id))
        if "intent" in turn:
            assert message.intent == turn["intent"], where
        if "decisions" in turn:
            outcomes = await service.scalars(select(Decision.outcome)
                                             .where(Decision.message_id == message.id)
                                             .order_by(Decision.id))
            assert outcomes == turn["decisions"], where
        if "handoffs" in turn:
            reasons = await service.scalars(select(Handoff.reason).where(
                Handoff.conversation_id == message.conversation_id))
            assert reasons == turn["handoffs"], where
        if "seller_emails" in turn or "seller_email_contains" in turn:
            await service.dispatch()
            to_sellers = [m for m in service.mail.messages if m["To"] != plan["from"]]
            subjects = [m["Subject"].strip() for m in to_sellers]
            for expected in turn.get("seller_emails", []):
                assert expected in subjects, where
            bodies = "\n".join(m.get_body(("plain",)).get_content() for m in to_sellers)
            for expected in turn.get("seller_email_contains", []):
                assert expected in bodies, where
        if "returns" in turn:
            records = await service.scalars(select(ReturnRecord).where(
                ReturnRecord.conversation_id == message.conversation_id).order_by(ReturnRecord.id))
            assert [(r.status, r.return_shipping_paid_by, str(r.refund_amount))
                    for r in records] == [tuple(r) for r in turn["returns"]], where
        if "attachments" in turn:
            kept = await service.scalars(select(Attachment.url).where(
                Attachment.conversation_id == message.conversation_id).order_by(Attachment.id))
            assert kept == turn["attachments"], where
        if "at_risk" in turn:
            conversation = await service.scalar(select(Conversation).where(
                Conversation.id == message.conversation_id))
            assert conversation.at_risk == turn["at_risk"], where
