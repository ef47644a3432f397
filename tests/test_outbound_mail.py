"""Outbound mail as receivers see it: headers that keep mail systems calm."""

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
