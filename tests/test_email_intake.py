"""The SMTP intake over real SMTP sessions, and the answers through the real relay."""

import aiosmtplib
import pytest
from sqlalchemy import func, select

from storage.models import Conversation, Decision, Message
from tests.conftest import email_fixture

ANA = "ana.diaz@example.com"


@pytest.fixture
def settings(settings):
    return settings.with_overrides(max_attachment_bytes=100_000)


async def stored_inbound(service) -> list[Message]:
    return await service.scalars(select(Message).where(Message.direction == "in"))


async def test_customer_email_gets_a_threaded_multipart_answer_through_the_relay(service):
    refused, reply = await service.send_email(email_fixture("customer_where_is_my_order.eml"),
                                              sender=ANA)
    assert (refused, reply) == ({}, "2.0.0 Message accepted")
    assert await service.dispatch() == 1
    [answer] = service.mail.to(ANA)
    assert service.mail.envelopes == [("support@support.example.com", [ANA])]
    assert answer["Subject"] == "Re: ¿Dónde está mi pedido?"
    assert answer["In-Reply-To"] == "<CAJx3Zq1oP7vN0c9mKfR2tY8wLsE5dHbA4gU6iB@mail.gmail.com>"
    assert answer["References"] == "<CAJx3Zq1oP7vN0c9mKfR2tY8wLsE5dHbA4gU6iB@mail.gmail.com>"
    assert answer["Auto-Submitted"] == "auto-replied"
    assert answer["Message-ID"].endswith("@support.example.com>")
    assert answer.get_content_type() == "multipart/alternative"
    plain = answer.get_body(preferencelist=("plain",)).get_content()
    html = answer.get_body(preferencelist=("html",)).get_content()
    assert plain == (
        "Su pedido 114-7720413-9182654 (Brightside Portable Bluetooth Speaker) va en camino con "
        "UPS, número de seguimiento 1Z8E47V10352601818. Debería llegar entre el 27 nov 2026 y el "
        "30 nov 2026.\n\nResponda a este correo si necesita algo más.\n\n-- \n"
        "Atención al cliente\n")
    assert "<p>Su pedido 114-7720413-9182654" in html and 'lang="es"' in html
    inbound = (await stored_inbound(service))[0]
    assert inbound.body == "Hola, ¿dónde está mi pedido? Lo compré hace unos días.\n\nGracias,\nAna"


async def test_a_reply_in_the_thread_stays_in_the_conversation(service):
    await service.send_email(email_fixture("customer_where_is_my_order.eml"), sender=ANA)
    await service.dispatch()
    [answer] = service.mail.to(ANA)
    follow_up = (
        f"From: Ana <{ANA}>\r\nTo: support@support.example.com\r\n"
        f"Subject: Re: {answer['Subject']}\r\nMessage-ID: <second@mail.gmail.com>\r\n"
        f"In-Reply-To: {answer['Message-ID']}\r\nReferences: {answer['References']} "
        f"{answer['Message-ID']}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Gracias!\r\n\r\nEl jue, 26 nov 2026 a las 10:00, Customer Support escribió:\r\n"
        "> Su pedido 114-7720413-9182654 va en camino\r\n").encode()
    await service.send_email(follow_up, sender=ANA)
    await service.dispatch()
    assert await service.scalar(select(func.count()).select_from(Conversation)) == 1
    thanks = service.mail.to(ANA)[-1]
    assert thanks["In-Reply-To"] == "<second@mail.gmail.com>"
    assert thanks.get_body(("plain",)).get_content().startswith("¡De nada!")
    assert (await stored_inbound(service))[-1].body == "Gracias!"


@pytest.mark.parametrize("fixture, sender", [
    ("out_of_office.eml", "emily.nguyen@example.com"),
    ("newsletter_bulk.eml", "emily.nguyen@example.com"),
    ("bounce.eml", "mailer-daemon@mx.example.net"),
])
async def test_automatic_mail_is_kept_but_never_answered(service, fixture, sender):
    _, reply = await service.send_email(email_fixture(fixture), sender=sender)
    assert reply == "2.0.0 Message accepted"
    assert await service.dispatch() == 0
    assert service.mail.messages == []
    [inbound] = await stored_inbound(service)
    assert inbound.automatic and inbound.sender == sender


async def test_unknown_recipients_are_refused_at_rcpt(service):
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as refused:
        await service.send_email(email_fixture("customer_where_is_my_order.eml"), sender=ANA,
                                 recipients=["sales@support.example.com"])
    assert refused.value.recipients[0].code == 550
    assert "5.1.1" in refused.value.recipients[0].message
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as relay:
        await service.send_email(email_fixture("customer_where_is_my_order.eml"), sender=ANA,
                                 recipients=["someone@elsewhere.example"])
    assert relay.value.recipients[0].code == 550
    assert "Relaying denied" in relay.value.recipients[0].message
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused):
        await service.send_email(email_fixture("customer_where_is_my_order.eml"), sender=ANA,
                                 recipients=["case+0123456789abcdef0123@support.example.com"])
    assert await stored_inbound(service) == []


async def test_oversize_mail_is_refused_with_552(service):
    big = email_fixture("customer_where_is_my_order.eml") + b"x" * 300_000 + b"\r\n"
    # aiosmtplib announces SIZE, so aiosmtpd refuses already at MAIL FROM (RFC 1870).
    with pytest.raises(aiosmtplib.SMTPResponseException) as error:
        await service.send_email(big, sender=ANA)
    assert error.value.code == 552
    assert await stored_inbound(service) == []


async def test_malformed_mail_gets_a_5xx_not_a_crash(service):
    with pytest.raises(aiosmtplib.SMTPDataError) as error:
        await service.send_email(email_fixture("no_from.eml"), sender=ANA)
    assert error.value.code == 554
    assert "no From address" in error.value.message
    # The intake is still there for the next message.
    _, reply = await service.send_email(email_fixture("customer_where_is_my_order.eml"), sender=ANA)
    assert reply == "2.0.0 Message accepted"


async def test_the_same_message_id_twice_is_stored_and_answered_once(service):
    for _ in range(2):
        _, reply = await service.send_email(email_fixture("customer_where_is_my_order.eml"),
                                            sender=ANA)
        assert reply == "2.0.0 Message accepted"
    assert await service.dispatch() == 1
    assert len(await stored_inbound(service)) == 1


async def test_internal_failure_answers_451_so_the_sender_retries(service):
    await service.sql("ALTER TABLE decisions RENAME TO decisions_away")
    with pytest.raises(aiosmtplib.SMTPDataError) as error:
        await service.send_email(email_fixture("customer_where_is_my_order.eml"), sender=ANA)
    assert error.value.code == 451
    assert await stored_inbound(service) == []
    await service.sql("ALTER TABLE decisions_away RENAME TO decisions")
    _, reply = await service.send_email(email_fixture("customer_where_is_my_order.eml"), sender=ANA)
    assert reply == "2.0.0 Message accepted"
    assert len(await stored_inbound(service)) == 1


async def test_photos_are_kept_and_dangerous_attachments_dropped(service):
    from email.message import EmailMessage

    from storage.models import Attachment

    message = EmailMessage()
    message["From"] = "james.carter@example.net"
    message["To"] = service.settings.intake_address
    message["Subject"] = "Broken skillet"
    message["Message-ID"] = "<photo-1@example.net>"
    message.set_content("The skillet arrived cracked, please send a replacement.")
    message.add_attachment(b"\xff\xd8\xff\xe0fake-jpeg", maintype="image", subtype="jpeg",
                           filename="crack.jpg")
    message.add_attachment(b"MZ\x90\x00", maintype="application", subtype="x-msdownload",
                           filename="invoice.exe")
    # A script that calls itself a photo, and a photo over the limit.
    message.add_attachment(b"<svg onload=alert(1)>", maintype="image", subtype="jpeg",
                           filename="photo.svg")
    message.add_attachment(b"\xff\xd8" * 60_000, maintype="image", subtype="jpeg",
                           filename="huge.jpg")
    _, reply = await service.send_email(message, sender="james.carter@example.net")
    assert reply == "2.0.0 Message accepted"
    kept = await service.scalars(select(Attachment))
    assert [(a.filename, a.content_type, a.size) for a in kept] == [("crack.jpg", "image/jpeg", 13)]
    dropped = await service.scalar(select(Decision).where(
        Decision.outcome == "attachments_dropped"))
    assert dropped.reasons == ["attachments.not_accepted", "attachments.too_large"]
    assert dropped.facts == {"not_accepted": ["invoice.exe", "photo.svg"],
                             "too_large": ["huge.jpg"]}
    await service.dispatch()
    case_email = service.mail.to("ops@brightside.example")[0]
    assert "- crack.jpg" in case_email.get_body(("plain",)).get_content()
    [answer] = service.mail.to("james.carter@example.net")
    assert ("I could not keep invoice.exe, photo.svg: I keep photos, videos, PDFs and text "
            "files only. I could not keep huge.jpg: files over 0.1 MB are too large"
            in " ".join(answer.get_body(("plain",)).get_content().split()))
