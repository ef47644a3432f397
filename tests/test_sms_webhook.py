"""The Twilio SMS webhook end to end: signed forms in, TwiML out, everything stored."""

import asyncio

from sqlalchemy import func, select

from storage.models import Conversation, Decision, DeliveryReport, Message, OutboxItem, SmsOptOut
from tests.conftest import twilio_fixture

EMILY = "+15555550103"   # one order, in transit (FedEx)
ANA = "+15555550101"     # one order, in transit (UPS), Spanish-speaking
JAMES = "+15555550102"   # three recent orders
STRANGER = "+15555550199"


async def count_messages(service) -> int:
    return await service.scalar(select(func.count()).select_from(Message))


async def test_where_is_my_order_from_the_buyers_phone(service):
    assert await service.sms(EMILY, "Where is my order?") == [
        "Your order 111-6649302-1175048 (Brightside Waffle-Knit Cotton Throw Blanket) is on its "
        "way with FedEx, tracking number 785280841481. It should arrive between Nov 28, 2026 "
        "and Dec 1, 2026."
    ]
    decision = await service.scalar(select(Decision).where(Decision.outcome == "in_transit"))
    assert decision.reasons == ["delivery.in_transit_on_time"]
    assert decision.facts["latest_delivery_date"] == "2026-12-01T12:00:00+00:00"
    inbound = await service.scalar(select(Message).where(Message.direction == "in"))
    assert (inbound.intent, inbound.language) == ("order_status", "en")


async def test_spanish_question_gets_a_spanish_answer(service):
    assert await service.sms(ANA, "Hola, ¿dónde está mi pedido?") == [
        "Su pedido 114-7720413-9182654 (Brightside Portable Bluetooth Speaker) va en camino con "
        "UPS, número de seguimiento 1Z8E47V10352601818. Debería llegar entre el 27 nov 2026 y "
        "el 30 nov 2026."
    ]


async def test_several_orders_asks_which_naming_the_items_and_understands_the_answer(service):
    assert await service.sms(JAMES, "where's my order") == [
        "You have more than one recent order. Which one do you mean? Reply with its number:\n"
        "1) Brightside 1.5 L Electric Kettle (Nov 25, 2026)\n"
        "2) Brightside 65 W USB-C GaN Charger (Nov 12, 2026)\n"
        "3) Brightside Pre-Seasoned Cast Iron Skillet (Nov 11, 2026)"
    ]
    assert await service.sms(JAMES, "the kettle") == [
        "Your order 112-9034521-4418830 (Brightside 1.5 L Electric Kettle) hasn't shipped yet. "
        "The seller will ship it by Nov 27, 2026, and it should arrive between Nov 29, 2026 and "
        "Dec 2, 2026."
    ]
    # The order in focus answers the next question without asking again.
    assert await service.sms(JAMES, "when will it arrive?") == [
        "Your order 112-9034521-4418830 (Brightside 1.5 L Electric Kettle) hasn't shipped yet. "
        "The seller will ship it by Nov 27, 2026, and it should arrive between Nov 29, 2026 and "
        "Dec 2, 2026."
    ]


async def test_choice_by_number_and_unclear_choice_asks_again(service):
    await service.sms(JAMES, "where's my order")
    again = await service.sms(JAMES, "hmm not sure")
    assert again[0].startswith("Sorry, which order do you mean? Reply with its number from this list:\n1) ")
    assert await service.sms(JAMES, "3") == [
        "Your order 112-8190354-2736641 (Brightside Pre-Seasoned Cast Iron Skillet) was "
        "delivered on Nov 16, 2026 (UPS 1Z8E47V10359083018). If you can't find it, tell me and "
        "I'll ask the seller."
    ]


async def test_unknown_number_must_give_the_postal_code_before_any_detail(service):
    assert await service.sms(STRANGER, "where is my order") == [
        "I couldn't find an order for this number or address. Please send your order number (17 "
        "digits, like 112-1234567-1234567) and I'll look it up. Questions before buying are "
        "answered by the seller on the product page."
    ]
    assert await service.sms(STRANGER, "it's 111 6649302 1175048") == [
        "Thanks. To protect your privacy, please reply with the ZIP code the order "
        "111-6649302-1175048 ships to."
    ]
    assert await service.sms(STRANGER, "98103") == [
        "Your order 111-6649302-1175048 (Brightside Waffle-Knit Cotton Throw Blanket) is on its "
        "way with FedEx, tracking number 785280841481. It should arrive between Nov 28, 2026 "
        "and Dec 1, 2026."
    ]
    verified = await service.scalar(select(Decision).where(Decision.outcome == "identity_verified"))
    assert verified.reasons == ["identity.order_id_and_postal_code"]


async def test_three_wrong_postal_codes_end_the_attempt_for_the_day(service):
    await service.sms(STRANGER, "status of order #11166493021175048 please")
    assert await service.sms(STRANGER, "10001") == [
        "That ZIP code doesn't match the order. You can try 2 more times today."]
    assert await service.sms(STRANGER, "10002") == [
        "That ZIP code doesn't match the order. You can try 1 more time today."]
    locked = ("For your security I can't share order details after several tries today. Please "
              "write from the phone number or email address on the order, or try again tomorrow.")
    assert await service.sms(STRANGER, "10003") == [locked]
    assert await service.sms(STRANGER, "order 111-6649302-1175048 zip 98103") == [locked]
    details = await service.scalars(select(Message.body).where(Message.direction == "out"))
    assert not any("785280841481" in body for body in details)


async def test_out_of_scope_orders_get_a_polite_redirection(service):
    assert await service.sms("+15555550109", "where is order 114-2286045-5397712?") == [
        "Order 114-2286045-5397712 is shipped by the marketplace, so its customer service "
        "handles it: please contact marketplace support from Your Orders."
    ]
    assert await service.sms("+15555550115", "where is my order") == [
        "The seller answers questions about order 114-0734618-5582291 directly: please use "
        "\"Contact seller\" in Your Orders."
    ]
    decision = await service.scalar(select(Decision).where(Decision.outcome == "out_of_scope")
                                    .order_by(Decision.id.desc()))
    assert decision.reasons == ["scope.placed_after_opt_out"]


async def test_forged_or_missing_signature_is_refused_and_nothing_is_stored(service):
    form = twilio_fixture("sms_inbound")
    forged = await service.post_signed("/twilio/sms", form, signature="bm90IGEgc2lnbmF0dXJl")
    assert forged.status == 403
    assert "invalid X-Twilio-Signature" in await forged.text()
    missing = await service.client.post("/twilio/sms", data=form)
    assert missing.status == 403
    assert "missing X-Twilio-Signature" in await missing.text()
    tampered = {**form, "Body": "cancel my order"}
    response = await service.post_signed("/twilio/sms", tampered, signature=service.sign("/twilio/sms", form))
    assert response.status == 403
    assert await count_messages(service) == 0


async def test_missing_fields_and_bad_numbers_get_400_with_the_reason(service):
    form = twilio_fixture("sms_inbound")
    del form["MessageSid"]
    response = await service.post_signed("/twilio/sms", form)
    assert response.status == 400
    assert await response.text() == "missing form fields: MessageSid"
    response = await service.post_signed("/twilio/sms", twilio_fixture("sms_inbound", From="hello"))
    assert response.status == 400
    assert "From is not a phone number" in await response.text()
    assert await count_messages(service) == 0


async def test_the_same_message_sid_twice_stores_one_message_and_replies_once(service):
    first = await service.sms(EMILY, "Where is my order?", sid="SM" + "a" * 32)
    second = await service.sms(EMILY, "Where is my order?", sid="SM" + "a" * 32)
    assert len(first) == 1 and second == []
    assert await count_messages(service) == 2  # one in, one out


async def test_concurrent_duplicates_store_one_message_and_reply_once(service):
    results = await asyncio.gather(*(
        service.sms(EMILY, "Where is my order?", sid="SM" + "b" * 32) for _ in range(5)))
    assert sorted(len(r) for r in results) == [0, 0, 0, 0, 1]
    inbound = await service.scalar(select(func.count()).select_from(Message)
                                   .where(Message.direction == "in"))
    assert inbound == 1


async def test_stop_silences_everything_until_start_and_help_answers(service):
    assert await service.sms(EMILY, "STOP") == [
        "You're unsubscribed and won't get more messages from us. Reply START to subscribe again."]
    assert await service.scalar(select(SmsOptOut.phone)) == EMILY
    assert await service.sms(EMILY, "where is my order?") == []
    assert await service.sms(EMILY, "help") == [
        "Order support for your marketplace purchase. Ask about your order status, "
        "cancellations, address changes or the item. Reply STOP to unsubscribe. Msg&data rates "
        "may apply."]
    assert await service.sms(EMILY, "Start") == [
        "You're subscribed again. How can I help with your order?"]
    assert len(await service.sms(EMILY, "where is my order?")) == 1
    # "yes" from a subscribed number is an answer, not a START keyword.
    assert await service.scalar(select(func.count()).select_from(SmsOptOut)) == 0


async def test_a_first_spanish_keyword_is_answered_in_spanish(service):
    ana = "+15555550101"
    [help_text] = await service.sms(ana, "AYUDA")
    assert help_text.startswith("Atención para su compra en el marketplace.")
    [stopped] = await service.sms(ana, "alto")
    assert stopped.startswith("Se ha dado de baja")


async def test_outbox_sms_to_a_stopped_number_is_suppressed(service):
    await service.sms(JAMES, "cancel my kettle order")  # asks which order
    await service.sms(JAMES, "1")                        # case opened: news will come by SMS
    await service.sms(JAMES, "STOP")
    service.clock.set(service.clock.now().replace(day=27, hour=16))
    assert service.cli("sweep", "--now", "2026-11-27T16:00:00Z").returncode == 0
    await service.dispatch()
    assert [m["To"] for m in service.twilio.sent] == []
    suppressed = await service.scalar(select(OutboxItem).where(OutboxItem.channel == "sms"))
    assert (suppressed.status, suppressed.last_error) == ("suppressed", "recipient texted STOP")


async def test_card_numbers_are_masked_before_storage(service):
    await service.sms(EMILY, "my card 4111 1111 1111 1111 was charged, where is my order?")
    body = await service.scalar(select(Message.body).where(Message.direction == "in"))
    assert body == "my card [card ending 1111] was charged, where is my order?"


async def test_an_internal_failure_answers_500_and_keeps_nothing_half_done(service):
    await service.sql("DROP TABLE decisions")
    form = twilio_fixture("sms_inbound", From=EMILY, Body="Where is my order?")
    response = await service.post_signed("/twilio/sms", form)
    assert response.status == 500
    assert await count_messages(service) == 0
    assert await service.scalar(select(func.count()).select_from(Conversation)) == 0


async def test_status_callbacks_are_recorded_once_against_the_sent_message(service):
    await service.sms(JAMES, "cancel my order")
    await service.sms(JAMES, "1")
    assert service.cli("sweep", "--now", "2026-11-27T15:00:00Z").returncode == 0
    service.clock.set(service.clock.now().replace(day=27))
    await service.dispatch()
    [sent] = service.twilio.sent
    form = twilio_fixture("status_delivered", MessageSid=sent["sid"], SmsSid=sent["sid"])
    for _ in range(2):
        response = await service.post_signed("/twilio/status", form)
        assert response.status == 204
    reports = await service.scalars(select(DeliveryReport))
    assert [(r.provider_id, r.status) for r in reports] == [(sent["sid"], "delivered")]
    item = await service.scalar(select(OutboxItem).where(OutboxItem.provider_id == sent["sid"]))
    assert item.provider_status == "delivered"
    bad = await service.post_signed("/twilio/status", {"AccountSid": "AC1"})
    assert bad.status == 400
    assert await bad.text() == "missing MessageSid or MessageStatus"


async def test_an_order_fed_without_its_promised_dates_is_answered_with_what_is_known(service):
    """A report import carries no promised dates nor carrier: no 500, no "None"."""
    await service.sql("UPDATE orders SET latest_ship_date=NULL, earliest_delivery_date=NULL, "
                      "latest_delivery_date=NULL, carrier=NULL "
                      "WHERE order_id='111-6649302-1175048'")
    assert await service.sms(EMILY, "Where is my order?") == [
        "Your order 111-6649302-1175048 (Brightside Waffle-Knit Cotton Throw Blanket) is on its "
        "way. Tracking number: 785280841481."]
    await service.sql("UPDATE orders SET status='Unshipped', shipped_at=NULL, "
                      "tracking_number=NULL WHERE order_id='111-6649302-1175048'")
    assert await service.sms(EMILY, "where is it now?", sid="SM" + "9" * 32) == [
        "Your order 111-6649302-1175048 (Brightside Waffle-Knit Cotton Throw Blanket) hasn't "
        "shipped yet."]
