"""Mail that is about someone else: a seller forwarding a customer's email hands us that
customer; a delivery status notification marks an address undeliverable."""

from email.message import EmailMessage

from sqlalchemy import select

from storage.models import Conversation, Decision, Message, OutboxItem, UndeliverableAddress
from tests.conftest import email_fixture

JAMES = "james.carter@example.net"
KEVIN = "kevin.zhang@example.com"
ANA = "ana.diaz@example.com"
BRIGHTSIDE = "ops@brightside.example"
MINGDENG_SECOND_ADDRESS = "service@mingdeng.example"
KETTLE_ORDER = "112-9034521-4418830"


def plain(answer) -> str:
    return answer.get_body(("plain",)).get_content()


def attached_forward() -> EmailMessage:
    """Brightside forwards James's email as an attachment (Outlook's "Forward as attachment")."""
    original = EmailMessage()
    original["From"] = f"James Carter <{JAMES}>"
    original["To"] = BRIGHTSIDE
    original["Subject"] = "Kettle?"
    original["Message-ID"] = "<james-original@example.net>"
    original.set_content(f"Hi, my order {KETTLE_ORDER} still has not shipped. When will it?\n")
    forward = EmailMessage()
    forward["From"] = f"Brightside Home Goods <{BRIGHTSIDE}>"
    forward["To"] = "support@support.example.com"
    forward["Subject"] = "FW: Kettle?"
    forward["Message-ID"] = "<fw-1@brightside.example>"
    forward.set_content("Can you take this one? Thanks, Brightside\n")
    forward.add_attachment(original)
    return forward


async def test_a_seller_forwarding_as_attachment_hands_over_the_customer_and_order(service):
    _, reply = await service.send_email(attached_forward(), sender=BRIGHTSIDE)
    assert reply.startswith("2.0.0")
    await service.dispatch()
    conversation = await service.scalar(select(Conversation).where(
        Conversation.customer_address == JAMES))
    assert conversation.order_id == KETTLE_ORDER and conversation.channel == "email"
    [answer] = service.mail.to(JAMES)
    assert KETTLE_ORDER in plain(answer) and "Kettle" in plain(answer)
    assert answer["In-Reply-To"] == "<james-original@example.net>"
    assert answer["Subject"] == "Re: Kettle?"
    [receipt] = service.mail.to(BRIGHTSIDE)
    assert receipt["Subject"] == f"Order {KETTLE_ORDER}: we are answering your customer"
    assert f"forwarding the message from {JAMES}" in plain(receipt)
    messages = await service.scalars(select(Message).where(
        Message.conversation_id == conversation.id).order_by(Message.id))
    assert [(m.direction, m.sender) for m in messages][:2] == [("in", BRIGHTSIDE), ("in", JAMES)]
    assert messages[1].body.startswith(f"Hi, my order {KETTLE_ORDER} still has not shipped")
    decision = await service.scalar(select(Decision).where(
        Decision.outcome == "taken_from_seller_forward"))
    assert decision.reasons == ["mail.seller_forward"]
    assert decision.facts == {"seller_id": "SELLER-US1", "customer": JAMES,
                              "order_id": KETTLE_ORDER}


async def test_an_inline_forward_from_a_sellers_second_address_gets_a_chinese_receipt(service):
    forward = (
        f"From: =?UTF-8?B?5piO54Gv?= <{MINGDENG_SECOND_ADDRESS}>\r\n"
        "To: support@support.example.com\r\nSubject: Fwd: lamp\r\n"
        "Message-ID: <fwd-2@mingdeng.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "请处理这位顾客的问题。\r\n\r\n"
        "---------- Forwarded message ---------\r\n"
        f"From: Kevin Zhang <{KEVIN}>\r\n"
        "Date: Wed, Nov 25, 2026 at 8:12 PM\r\nSubject: lamp\r\n"
        f"To: <kefu@mingdeng.example>\r\n\r\n"
        "Where is my desk lamp order? Thanks, Kevin\r\n").encode()
    await service.send_email(forward, sender=MINGDENG_SECOND_ADDRESS)
    await service.dispatch()
    [answer] = service.mail.to(KEVIN)
    assert "lamp" in plain(answer).lower()
    [receipt] = service.mail.to(MINGDENG_SECOND_ADDRESS)
    assert "我们已就订单" in plain(receipt) and KEVIN in plain(receipt)


async def test_a_forward_from_someone_who_is_not_a_seller_is_their_own_question(service):
    forward = attached_forward()
    forward.replace_header("From", f"Ana <{ANA}>")
    await service.send_email(forward, sender=ANA)
    await service.dispatch()
    assert service.mail.to(JAMES) == []
    assert await service.scalar(select(Conversation.id).where(
        Conversation.customer_address == JAMES)) is None
    assert len(service.mail.to(ANA)) == 1


async def test_a_bounce_marks_the_address_and_the_outbox_holds_mail_to_it(service):
    await service.send_email(email_fixture("customer_where_is_my_order.eml"), sender=ANA)
    anas = await service.scalar(select(Conversation.id).where(
        Conversation.customer_address == ANA))
    bounce = email_fixture("bounce.eml").replace(b"nobody@example.net", ANA.encode())
    _, reply = await service.send_email(bounce, sender="MAILER-DAEMON@mx.example.net")
    assert reply.startswith("2.0.0")
    assert await service.dispatch() == 0
    assert service.mail.to(ANA) == []
    item = await service.scalar(select(OutboxItem).where(OutboxItem.recipient == ANA))
    assert item.status == "suppressed" and "undeliverable" in item.last_error
    report = await service.scalar(select(Message).where(
        Message.external_id == "<bounce-1@mx.example.net>"))
    assert report.conversation_id == anas and report.automatic
    marked = await service.scalar(select(UndeliverableAddress))
    assert (marked.address, marked.report_message_id) == (ANA, report.id)
    decision = await service.scalar(select(Decision).where(Decision.message_id == report.id))
    assert (decision.outcome, decision.reasons) == ("address_undeliverable",
                                                    ["mail.delivery_status_notification"])
    # Ana writes again: the address works after all, and she is answered.
    again = email_fixture("customer_where_is_my_order.eml").replace(
        b"<CAJx3Zq1oP7vN0c9mKfR2tY8wLsE5dHbA4gU6iB@mail.gmail.com>", b"<again@mail.gmail.com>")
    await service.send_email(again, sender=ANA)
    assert await service.dispatch() == 1
    assert await service.scalar(select(UndeliverableAddress)) is None


async def test_a_bounce_for_an_address_we_never_wrote_to_is_kept(service):
    _, reply = await service.send_email(email_fixture("bounce.eml"),
                                        sender="MAILER-DAEMON@mx.example.net")
    assert reply.startswith("2.0.0")
    report = await service.scalar(select(Message).where(
        Message.external_id == "<bounce-1@mx.example.net>"))
    assert report.conversation_id is None
    assert await service.scalar(select(UndeliverableAddress.address)) == "nobody@example.net"
