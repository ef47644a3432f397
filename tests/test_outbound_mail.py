"""Outbound mail as receivers see it: headers that keep mail systems calm."""

import asyncio

from tests.conftest import email_fixture

ANA = "ana.diaz@example.com"


async def test_answers_carry_the_headers_of_a_polite_robot(service):
    await service.send_email(email_fixture("customer_where_is_my_order.eml"), sender=ANA)
    await service.dispatch()
    [answer] = service.mail.to(ANA)
    assert answer["From"] == "Customer Support <support@support.example.com>"
    assert answer["Reply-To"] == "support@support.example.com"
    assert answer["X-Auto-Response-Suppress"] == "All"
    assert answer["Auto-Submitted"] == "auto-replied"
    assert answer["Date"] and answer["Message-ID"]
    assert "DKIM-Signature" not in answer
    assert answer.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in answer.iter_parts()] == ["text/plain",
                                                                          "text/html"]
    asked = email_fixture("customer_where_is_my_order.eml")
    original_id = next(line.split(":", 1)[1].strip() for line in asked.decode().splitlines()
                       if line.lower().startswith("message-id:"))
    assert answer["In-Reply-To"] == original_id
    assert original_id in answer["References"]


def asked(number: int) -> bytes:
    return email_fixture("customer_where_is_my_order.eml").replace(
        b"<CAJx3Zq1oP7vN0c9mKfR2tY8wLsE5dHbA4gU6iB@mail.gmail.com>",
        f"<share-{number}@example.com>".encode())


async def test_answers_share_a_relay_session_and_survive_the_relay_closing_it(service):
    service.mail.idle_timeout = 0.3   # sessions opened from now on
    for number in range(2):
        await service.send_email(asked(number), sender=ANA)
        assert await service.dispatch() == 1
    first, second = service.mail.peers
    assert first == second   # the second answer went over the first one's session
    await asyncio.sleep(0.6)   # the relay closes the idle session
    await service.send_email(asked(2), sender=ANA)
    assert await service.dispatch() == 1   # sent at once over a new session, not retried
    assert service.mail.peers[-1] != first
    assert len(service.mail.to(ANA)) == 3
