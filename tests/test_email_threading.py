"""Which conversation an email lands in: our Message-IDs carry the conversation, replies are
matched by In-Reply-To/References, then by an order ID in the subject when a client broke the
chain; and loop safety caps the answers one address gets per hour."""

import re
from datetime import timedelta

from sqlalchemy import select

from storage.models import Conversation, Decision, Message
from tests.conftest import NOW

JAMES = "james.carter@example.net"
ANA = "ana.diaz@example.com"
SKILLET_ORDER = "112-8190354-2736641"
KETTLE_ORDER = "112-9034521-4418830"


def mail(sender: str, subject: str, body: str, message_id: str, *,
         in_reply_to: str | None = None, references: str | None = None) -> bytes:
    headers = [f"From: {sender}", "To: support@support.example.com", f"Subject: {subject}",
               f"Message-ID: {message_id}", "Date: Thu, 26 Nov 2026 10:00:00 -0500",
               "Content-Type: text/plain; charset=utf-8"]
    if in_reply_to:
        headers.append(f"In-Reply-To: {in_reply_to}")
    if references:
        headers.append(f"References: {references}")
    return ("\r\n".join(headers) + "\r\n\r\n" + body + "\r\n").encode()


def plain(answer) -> str:
    return answer.get_body(("plain",)).get_content()


async def inbound_conversation(service, message_id: str) -> int:
    return await service.scalar(select(Message.conversation_id)
                                .where(Message.external_id == message_id))


async def test_an_order_id_in_the_subject_is_the_order_the_body_asks_about(service):
    await service.send_email(mail(JAMES, f"Order {SKILLET_ORDER}", "Where is it?",
                                  "<s1@example.net>"), sender=JAMES)
    await service.dispatch()
    [answer] = service.mail.to(JAMES)
    assert "Brightside Pre-Seasoned Cast Iron Skillet" in plain(answer)
    assert "which order" not in plain(answer).lower()


async def test_our_message_id_names_the_conversation_and_a_bare_in_reply_to_finds_it(service):
    await service.send_email(mail(JAMES, f"Order {SKILLET_ORDER}", "Where is it?",
                                  "<s1@example.net>"), sender=JAMES)
    await service.dispatch()
    [answer] = service.mail.to(JAMES)
    first = await inbound_conversation(service, "<s1@example.net>")
    assert re.fullmatch(rf"<[^@]+\.c{first}@support\.example\.com>", answer["Message-ID"])
    later = await newer_conversation(service, JAMES, KETTLE_ORDER)
    await service.send_email(mail(JAMES, "Re: Order", "Thanks!", "<s2@example.net>",
                                  in_reply_to=answer["Message-ID"]), sender=JAMES)
    assert await inbound_conversation(service, "<s2@example.net>") == first != later


async def newer_conversation(service, address: str, order_id: str) -> int:
    """A second, newer conversation for the same address, as a seller's forward makes one."""
    await service.sql(
        "INSERT INTO conversations (channel, customer_address, order_id, state, created_at, "
        f"updated_at) VALUES ('email', '{address}', '{order_id}', '{{}}', "
        f"'{NOW + timedelta(minutes=5)}', '{NOW + timedelta(minutes=5)}')")
    return await service.scalar(select(Conversation.id).where(Conversation.order_id == order_id))


async def test_an_outlook_reply_that_broke_the_chain_is_matched_by_the_order_in_its_subject(
        service):
    await service.send_email(mail(JAMES, f"Order {SKILLET_ORDER}", "Where is it?",
                                  "<s1@example.net>"), sender=JAMES)
    await service.dispatch()
    first = await inbound_conversation(service, "<s1@example.net>")
    later = await newer_conversation(service, JAMES, KETTLE_ORDER)
    # Outlook answered with a fresh Message-ID, no In-Reply-To and no References.
    await service.send_email(mail(JAMES, f"RE: Order {SKILLET_ORDER}", "It came, thanks",
                                  "<AM0PR01MB1234@outlook.com>"), sender=JAMES)
    assert await inbound_conversation(service, "<AM0PR01MB1234@outlook.com>") == first
    # Without an order in the subject the latest conversation takes it.
    await service.send_email(mail(JAMES, "RE: hello", "Hello again",
                                  "<AM0PR01MB5678@outlook.com>"), sender=JAMES)
    assert await inbound_conversation(service, "<AM0PR01MB5678@outlook.com>") == later


async def test_a_reference_to_another_customers_conversation_is_not_followed(service):
    await service.send_email(mail(ANA, "Pedido", "¿Dónde está mi pedido?", "<a1@example.com>"),
                             sender=ANA)
    await service.dispatch()
    [answer] = service.mail.to(ANA)
    anas = await inbound_conversation(service, "<a1@example.com>")
    await service.send_email(mail(JAMES, "Re: Pedido", "Where is it?", "<j1@example.net>",
                                  in_reply_to=answer["Message-ID"],
                                  references=answer["Message-ID"]), sender=JAMES)
    james = await inbound_conversation(service, "<j1@example.net>")
    assert james != anas
    owner = await service.scalar(select(Conversation.customer_address)
                                 .where(Conversation.id == james))
    assert owner == JAMES


async def test_past_the_hourly_limit_mail_is_kept_but_not_answered(service):
    for number in range(6):
        await service.send_email(mail(ANA, f"Pregunta {number}", "¿Dónde está mi pedido?",
                                      f"<limit{number}@example.com>"), sender=ANA)
    assert await service.dispatch() == 5
    assert len(service.mail.to(ANA)) == 5
    sixth = await service.scalar(select(Message).where(
        Message.external_id == "<limit5@example.com>"))
    assert sixth is not None and sixth.conversation_id is not None
    decision = await service.scalar(select(Decision).where(Decision.message_id == sixth.id))
    assert decision.outcome == "not_answered"
    assert decision.reasons == ["loop.auto_reply_limit"]
    assert decision.facts == {"answers_last_hour": 5, "limit": 5}
    service.clock.set(NOW + timedelta(minutes=61))
    await service.send_email(mail(ANA, "Otra", "¿Dónde está mi pedido?", "<limit6@example.com>"),
                             sender=ANA)
    assert await service.dispatch() == 1
