"""The intake protects itself like an MTA: recipient and line-length limits, an idle timeout,
a connection limit, and STARTTLS when a certificate is configured. Each limit is met over a
real SMTP session and must give its specific answer, never a dropped connection mid-reply."""

import asyncio
import ssl
import subprocess

import aiosmtplib
import pytest
from sqlalchemy import func, select

from bot.app import create_app
from bot.clock import FixedClock
from storage.models import Message
from tests.conftest import NOW, Service, email_fixture

ANA = "ana.diaz@example.com"


@pytest.fixture
def settings(settings):
    return settings.with_overrides(smtp_max_recipients=3, smtp_max_line_bytes=2_000,
                                   smtp_idle_timeout_seconds=0.5, smtp_max_connections=4)


async def stored_messages(service) -> int:
    return await service.scalar(select(func.count()).select_from(Message))


async def open_session(service) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", service.smtp_port)
    banner = await reader.readline()
    assert banner.startswith(b"220 ")
    return reader, writer


async def command(reader, writer, line: bytes) -> bytes:
    writer.write(line + b"\r\n")
    await writer.drain()
    return await reader.readline()


async def test_recipients_beyond_the_limit_get_452(service):
    async with aiosmtplib.SMTP(hostname="127.0.0.1", port=service.smtp_port) as smtp:
        await smtp.mail(ANA)
        for _ in range(3):
            code, _ = await smtp.rcpt(service.settings.intake_address)
            assert code == 250
        with pytest.raises(aiosmtplib.SMTPRecipientRefused) as refused:
            await smtp.rcpt(service.settings.intake_address)
        assert refused.value.code == 452
        assert "Too many recipients" in refused.value.message


async def test_lines_longer_than_rfc_5321s_are_taken_up_to_the_setting(service):
    # Some mailers send unwrapped HTML; 1,500 octets is over RFC 5321's 1,000 but under ours.
    raw = email_fixture("customer_where_is_my_order.eml") + b"<p>" + b"y" * 1_500 + b"</p>\r\n"
    errors, _ = await service.send_email(raw, sender=ANA)
    assert errors == {}


async def test_a_line_over_the_limit_is_refused_and_nothing_is_stored(service):
    before = await stored_messages(service)
    reader, writer = await open_session(service)
    writer.write(b"EHLO client.test\r\n")
    await writer.drain()
    while not (await reader.readline()).startswith(b"250 "):
        pass
    assert (await command(reader, writer, f"MAIL FROM:<{ANA}>".encode())).startswith(b"250")
    rcpt = f"RCPT TO:<{service.settings.intake_address}>".encode()
    assert (await command(reader, writer, rcpt)).startswith(b"250")
    assert (await command(reader, writer, b"DATA")).startswith(b"354")
    body = (b"From: " + ANA.encode() + b"\r\nSubject: long\r\nMessage-ID: <long@x>\r\n\r\n"
            + b"x" * 5_000 + b"\r\n.\r\n")
    writer.write(body)
    await writer.drain()
    answer = await reader.readline()
    assert answer.startswith(b"500 ") and b"Line too long" in answer
    # The session goes on: the next message in it is taken.
    assert (await command(reader, writer, b"NOOP")).startswith(b"250")
    writer.close()
    assert await stored_messages(service) == before


async def test_an_idle_session_is_told_421_and_closed(service):
    reader, writer = await open_session(service)
    answer = await asyncio.wait_for(reader.readline(), timeout=5)
    assert answer.startswith(b"421 4.4.2")
    assert await asyncio.wait_for(reader.read(), timeout=5) == b""
    writer.close()


async def test_connections_beyond_the_limit_get_421_and_the_rest_still_work(service):
    held = [await open_session(service) for _ in range(4)]
    reader, writer = await asyncio.open_connection("127.0.0.1", service.smtp_port)
    refused = await asyncio.wait_for(reader.readline(), timeout=5)
    assert refused.startswith(b"421 4.7.0")
    assert await asyncio.wait_for(reader.read(), timeout=5) == b""
    writer.close()
    for _, held_writer in held:
        held_writer.close()
    await asyncio.sleep(0.05)  # the server sees the closes
    errors, _ = await service.send_email(email_fixture("customer_where_is_my_order.eml"),
                                         sender=ANA)
    assert errors == {}


@pytest.fixture
def certificate(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=support.example.com", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


async def test_starttls_is_offered_and_works_when_a_certificate_is_configured(
        aiohttp_client, settings, certificate, twilio_fake, mail_sink):
    tls_settings = settings.with_overrides(smtp_tls_cert=str(certificate[0]),
                                           smtp_tls_key=str(certificate[1]))
    client = await aiohttp_client(create_app(tls_settings, clock=FixedClock(NOW), demo=True,
                                             background=False))
    service = Service(client, tls_settings, FixedClock(NOW), twilio_fake, mail_sink)
    context = ssl.create_default_context(cafile=str(certificate[0]))
    context.check_hostname = False
    async with aiosmtplib.SMTP(hostname="127.0.0.1", port=service.smtp_port,
                               tls_context=context, start_tls=False) as smtp:
        await smtp.ehlo()
        assert smtp.supports_extension("starttls")
        await smtp.starttls()
        assert smtp.get_transport_info("sslcontext") is not None
        errors, response = await smtp.sendmail(
            ANA, [service.settings.intake_address],
            email_fixture("customer_where_is_my_order.eml"))
        assert errors == {} and response.startswith("2.0.0")
    stored = await service.scalars(select(Message.sender).where(Message.direction == "in"))
    assert stored == [ANA]


async def test_without_a_certificate_starttls_is_not_offered(service):
    async with aiosmtplib.SMTP(hostname="127.0.0.1", port=service.smtp_port,
                               start_tls=False) as smtp:
        await smtp.ehlo()
        assert not smtp.supports_extension("starttls")
