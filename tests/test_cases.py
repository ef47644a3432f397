"""Seller cases end to end: the case email, the seller's reply by email, the relay to the
customer, and resolution on the seller's silence through `csba sweep`."""

import asyncio
import json
import re
from datetime import timedelta

from sqlalchemy import select

from bot.app import create_app
from bot.clock import FixedClock
from storage.models import Case, CaseEvent, Decision, Order, ReturnRecord
from tests.conftest import NOW, Service, email_fixture

VALENTINA = "+15555550113"   # Spanish; two orders from the Chinese seller, one unshipped
EMILY = "+15555550103"       # English; one order from the US seller, in transit
CN_SELLER = "kefu@mingdeng.example"
US_SELLER = "ops@brightside.example"


def case_address(email) -> str:
    return email["Reply-To"]


async def open_cancellation_case_with_the_chinese_seller(service):
    await service.sms(VALENTINA, "Quiero cancelar mi pedido")
    reply = await service.sms(VALENTINA, "1")
    assert reply == [
        "Su pedido 111-3390846-7125509 todavía no se ha enviado, así que le pedí al vendedor "
        "que lo cancele. Tendrá noticias mías a más tardar el 27 nov 2026, 10:00 hora estándar "
        "oriental."]
    assert await service.dispatch() == 1
    [case_email] = service.mail.to(CN_SELLER)
    return case_email


async def test_whole_loop_sms_to_chinese_seller_and_gb18030_reply_back_by_sms(service):
    case_email = await open_cancellation_case_with_the_chinese_seller(service)
    [case] = await service.scalars(select(Case))
    assert (case.kind, case.status) == ("cancellation", "waiting_on_seller")
    assert case_address(case_email) == f"case+{case.token}@support.example.com"
    assert case_email["Subject"] == "[案例 1] 取消订单请求：订单 111-3390846-7125509"
    assert case_email["Auto-Submitted"] == "auto-generated"
    body = case_email.get_body(("plain",)).get_content()
    assert "深圳明灯照明有限公司 / Shenzhen Mingdeng Lighting，您好：" in body
    assert "该订单尚未发货。您能取消这个订单吗？" in body
    assert "请在 2026年11月27日 23:00 中国标准时间 之前回复。" in body
    assert '"Quiero cancelar mi pedido"' in body
    assert VALENTINA not in body

    reply = email_fixture("seller_reply_gb18030_qqmail.eml", token=case.token,
                          in_reply_to=case_email["Message-ID"])
    _, answer = await service.send_email(reply, sender=CN_SELLER,
                                         recipients=[case_address(case_email)])
    assert answer == "2.0.0 Message accepted"
    assert await service.dispatch() == 2   # the customer's SMS and the seller's confirmation

    [sms] = service.twilio.sent
    assert (sms["To"], sms["From"]) == (VALENTINA, "+15005550006")
    assert sms["Body"] == ("Su pedido 111-3390846-7125509 está cancelado. Recibirá un reembolso "
                           "completo de 35,97 US$ en su método de pago original.")
    assert sms["StatusCallback"] == "https://csba.example.com/twilio/status"
    events = await service.scalars(select(CaseEvent).order_by(CaseEvent.id))
    # the words beside 同意 are Chinese, the customer Spanish: recorded, not relayed
    assert [(e.kind, e.actor) for e in events] == [
        ("opened", "service"), ("seller_reply", CN_SELLER), ("note_not_relayed", "service"),
        ("answered", CN_SELLER)]
    assert events[1].body == "同意，已取消订单，请给买家退款。"
    decision = await service.scalar(select(Decision).where(Decision.case_id == case.id))
    assert (decision.outcome, decision.reasons) == ("canceled_refunded",
                                                    ["case.cancellation.seller_approve"])
    assert (await service.scalar(select(Order.status).where(
        Order.order_id == "111-3390846-7125509"))) == "Canceled"
    confirmation = service.mail.to(CN_SELLER)[-1]
    assert confirmation["Subject"] == "已关闭：[案例 1] 取消订单请求：订单 111-3390846-7125509"
    assert "订单 111-3390846-7125509 已取消，已向买家退款 US$35.97。请不要发货。" in \
        confirmation.get_body(("plain",)).get_content()


async def test_reply_from_an_unregistered_address_is_logged_not_acted_on(service):
    case_email = await open_cancellation_case_with_the_chinese_seller(service)
    [case] = await service.scalars(select(Case))
    reply = email_fixture("seller_reply_gb18030_qqmail.eml", token=case.token,
                          in_reply_to=case_email["Message-ID"]).replace(
        b"kefu@mingdeng.example>", b"intruder@mingdeng-lighting.example>")
    await service.send_email(reply, sender="intruder@mingdeng-lighting.example",
                             recipients=[case_address(case_email)])
    await service.dispatch()
    assert service.twilio.sent == []
    case = await service.scalar(select(Case))
    assert case.status == "waiting_on_seller"
    event = await service.scalar(select(CaseEvent).where(CaseEvent.kind == "reply_not_accepted"))
    assert event.actor == "intruder@mingdeng-lighting.example"
    notice = service.mail.to(CN_SELLER)[-1]
    assert notice["Subject"] == "您对案例 1 的回复未被接受"


async def test_product_question_the_data_cannot_settle_goes_to_the_seller_in_english(service):
    reply = await service.sms(EMILY, "Does it come in a gift box?")
    assert reply == [
        "The product details don't answer that, so I've asked the seller. You'll hear from me "
        "by Nov 27, 2026, 10:00 AM EST at the latest."]
    await service.dispatch()
    [case_email] = service.mail.to(US_SELLER)
    assert case_email["Subject"] == "[Case 1] Product question: order 111-6649302-1175048"
    body = case_email.get_body(("plain",)).get_content()
    assert "Please reply by Nov 27, 2026, 9:00\u202fAM CST." in body
    assert "The product details do not answer the customer's question." in body
    # each part on its own line: a block tag eats the newline after a translated line
    assert "\nItems:\n- 1 x Brightside Waffle-Knit Cotton Throw Blanket" in body
    assert '\nThe customer wrote:\n"Does it come in a gift box?"' in body
    assert re.search(r"your reply goes to \S+\.\nYou can also see the case", body)
    html = case_email.get_body(("html",)).get_content()
    assert "<blockquote><p>Does it come in a gift box?</p></blockquote>" in html


async def test_another_product_question_joins_the_open_case_and_a_repeat_does_not(service):
    await service.sms(EMILY, "Does it come in a gift box?")
    reply = await service.sms(EMILY, "And is the cover made in the USA?")
    assert reply == [
        "The product details don't answer that either, so I've sent it to the seller with your "
        "first question. You'll hear from me by Nov 27, 2026, 10:00 AM EST at the latest."]
    assert await service.sms(EMILY, "Does it come in a gift box?") == [
        "I've already asked the seller about this for order 111-6649302-1175048. You'll hear "
        "from me by Nov 27, 2026, 10:00 AM EST at the latest."]
    await service.dispatch()
    [case] = await service.scalars(select(Case))
    assert case.customer_text == "Does it come in a gift box?\n\nAnd is the cover made in the USA?"
    # none for the repeat; the two may reach the relay in either order
    first, second = sorted(service.mail.to(US_SELLER), key=lambda m: "In-Reply-To" in m)
    body = second.get_body(("plain",)).get_content()
    assert "The customer has another question about order 111-6649302-1175048. Please answer " \
           "both by Nov 27, 2026, 9:00\u202fAM CST." in body
    assert '"Does it come in a gift box?\n\nAnd is the cover made in the USA?"' in body
    assert second["In-Reply-To"].strip() == first["Message-ID"].strip()
    assert second["Reply-To"] == first["Reply-To"]
    events = await service.scalars(select(CaseEvent.kind).order_by(CaseEvent.id))
    assert list(events) == ["opened", "question_added"]
    decisions = await service.scalars(select(Decision.outcome).order_by(Decision.id))
    assert [d for d in decisions if d.startswith("case_")] == [
        "case_opened", "case_question_added", "case_already_asked"]


async def test_the_case_says_why_the_product_data_did_not_settle_the_question(service):
    await service.sms(EMILY, "Does it come in a gift box?")
    await service.sms(EMILY, "How long does shipping take for it?")
    await service.sms(EMILY, "How many pillows are in the set?")
    opened = await service.scalars(select(Decision).where(Decision.outcome.like("case_%"))
                                   .order_by(Decision.id))
    assert [d.reasons for d in opened] == [
        ["product.not_settled_by_detail_data", "product.low_confidence"],
        ["product.not_settled_by_detail_data", "product.not_from_product_data"],
        ["product.not_settled_by_detail_data", "product.count_of_something_else"]]


async def test_free_text_answer_is_relayed_verbatim(service):
    await service.sms(EMILY, "Does it come in a gift box?")
    await service.dispatch()
    [case_email] = service.mail.to(US_SELLER)
    reply = (f"From: Brightside Ops <{US_SELLER}>\r\nTo: {case_address(case_email)}\r\n"
             f"Subject: Re: {case_email['Subject']}\r\nMessage-ID: <r1@brightside.example>\r\n"
             f"In-Reply-To: {case_email['Message-ID']}\r\n"
             "Content-Type: text/plain; charset=utf-8\r\n\r\n"
             "No gift box, but it ships in a plain brown box with no price on it.\r\n\r\n"
             "On Thu, Nov 26, 2026 at 10:00 AM Customer Support <support@support.example.com> "
             "wrote:\r\n> A customer needs your answer about order 111-6649302-1175048.\r\n"
             ).encode()
    await service.send_email(reply, sender=US_SELLER, recipients=[case_address(case_email)])
    await service.dispatch()
    [sms] = service.twilio.sent
    assert sms["Body"] == (
        "The seller answered your question about order 111-6649302-1175048:\n"
        "\"No gift box, but it ships in a plain brown box with no price on it.\"")


async def test_free_text_in_another_language_waits_for_a_translation(service):
    case_email = await open_cancellation_case_with_the_chinese_seller(service)
    reply = (f"From: <{CN_SELLER}>\r\nTo: {case_address(case_email)}\r\n"
             "Subject: Re\r\nMessage-ID: <r2@mingdeng.example>\r\n"
             "Content-Type: text/plain; charset=utf-8\r\n\r\n"
             "这个订单明天就会发出，可以吗？\r\n").encode()
    await service.send_email(reply, sender=CN_SELLER, recipients=[case_address(case_email)])
    await service.dispatch()
    assert service.twilio.sent == []
    case = await service.scalar(select(Case))
    assert case.status == "awaiting_translation"
    decision = await service.scalar(select(Decision).where(Decision.case_id == case.id))
    assert decision.outcome == "held_for_translation"
    assert decision.facts["written_in"] == "zh"


async def test_silent_seller_reminded_at_12_hours_and_overruled_at_24(service):
    await service.sms(EMILY, "Does it come in a gift box?")
    await service.dispatch()

    just_before = service.cli("sweep", "--now", "2026-11-27T02:59:59Z")
    assert json.loads(just_before.stdout) == {
        "now": "2026-11-27T02:59:59+00:00", "reminded": [], "resolved": {}}
    reminder = service.cli("sweep", "--now", "2026-11-27T03:00:00Z")
    assert json.loads(reminder.stdout)["reminded"] == [1]
    assert service.cli("sweep", "--now", "2026-11-27T14:59:59Z").stdout.strip().endswith(
        '"reminded": [], "resolved": {}}')
    resolved = service.cli("sweep", "--now", "2026-11-27T15:00:00Z")
    assert json.loads(resolved.stdout)["resolved"] == {"1": "no_answer"}
    again = service.cli("sweep", "--now", "2026-11-28T15:00:00Z")
    assert json.loads(again.stdout)["resolved"] == {}

    service.clock.set(service.clock.now().replace(day=27))
    await service.dispatch()
    [sms] = service.twilio.sent
    assert sms["Body"] == (
        "The seller didn't answer in time about order 111-6649302-1175048. I'm sorry for the "
        "wait; if you still need help, just write to me again.")
    subjects = [m["Subject"] for m in service.mail.to(US_SELLER)]
    assert subjects == [
        "[Case 1] Product question: order 111-6649302-1175048",
        "Reminder: [Case 1] Product question: order 111-6649302-1175048",
        "Closed: [Case 1] Product question: order 111-6649302-1175048",
    ]
    assert all(m["In-Reply-To"] for m in service.mail.to(US_SELLER)[1:])
    decision = await service.scalar(select(Decision).where(Decision.case_id == 1))
    assert decision.reasons == ["case.deadline_passed_without_reply",
                                "silence.product_question.no_answer_notice"]
    case = await service.scalar(select(Case))
    assert case.status == "resolved_on_silence"


async def test_silent_seller_on_a_cancellation_cancels_and_refunds(service):
    await open_cancellation_case_with_the_chinese_seller(service)
    result = service.cli("sweep", "--now", "2026-11-27T15:00:00Z")
    assert json.loads(result.stdout)["resolved"] == {"1": "canceled_refunded"}
    service.clock.set(service.clock.now().replace(day=27))
    await service.dispatch()
    [sms] = service.twilio.sent
    assert sms["Body"].startswith("Su pedido 111-3390846-7125509 está cancelado.")
    resolved = service.mail.to(CN_SELLER)[-1].get_body(("plain",)).get_content()
    assert re.search(r"我们在 2026年11月27日 23:00 中国标准时间 之前未收到您对案例 1 的答复", resolved)


async def test_cancellation_offered_on_silence_is_carried_out_when_the_customer_says_yes(service):
    david = "+15555550106"   # the drill is unshipped 3 days past its ship-by date
    assert (await service.sms(david, "where is my drill?"))[0].startswith(
        "Your order 113-5521907-2049386 should have shipped by Nov 23, 2026 and hasn't yet.")
    result = service.cli("sweep", "--now", "2026-11-27T15:00:00Z")
    assert json.loads(result.stdout)["resolved"] == {"1": "cancellation_offered"}
    service.clock.set(service.clock.now().replace(day=27))
    await service.dispatch()
    assert service.twilio.sent[-1]["Body"] == (
        "The seller didn't answer in time about order 113-5521907-2049386, which hasn't shipped. "
        "Would you like me to cancel it for a full refund of $79.99? Reply YES to cancel.")
    assert await service.sms(david, "yes") == [
        "Your order 113-5521907-2049386 (Brightside 20 V Cordless Drill/Driver Kit) is canceled. "
        "You'll get a full refund of $79.99 to your original payment method."]
    assert (await service.scalar(select(Order.status).where(
        Order.order_id == "113-5521907-2049386"))) == "Canceled"
    await service.dispatch()
    notice = service.mail.to(US_SELLER)[-1].get_body(("plain",)).get_content()
    assert "The customer accepted the cancellation we offered when case 1 went unanswered." in notice
    assert "Order 113-5521907-2049386 was canceled and the customer refunded $79.99." in notice


async def test_the_background_sweeper_and_dispatcher_do_it_on_their_own(aiohttp_client, settings,
                                                                         twilio_fake, mail_sink):
    clock = FixedClock(NOW)
    fast = settings.with_overrides(sweep_interval_seconds=0.05, outbox_poll_seconds=0.05)
    client = await aiohttp_client(create_app(fast, clock=clock, demo=True, background=True))
    service = Service(client, fast, clock, twilio_fake, mail_sink)
    await service.sms(EMILY, "Does it come in a gift box?")
    for _ in range(100):
        if service.mail.to(US_SELLER):
            break
        await asyncio.sleep(0.05)
    assert service.mail.to(US_SELLER), "the case email was not sent by the dispatcher"
    clock.set(NOW + timedelta(hours=24))
    for _ in range(100):
        if twilio_fake.sent:
            break
        await asyncio.sleep(0.05)
    assert [m["To"] for m in twilio_fake.sent] == [EMILY]
    assert (await service.scalar(select(Case.status))) == "resolved_on_silence"


async def test_one_unit_of_two_missing_is_refunded_on_silence_not_the_whole_order(service):
    # Sarah's order: a spatula set and two mugs at $26.00 each; one mug did not come
    [answer] = await service.sms("+15555550107", "i only got one mug, ordered 2")
    assert "not all of your Handmade Stoneware Coffee Mug from order 111-5827713-3098264" \
        in answer
    case = await service.scalar(select(Case))
    assert (case.kind, case.details["units"]) == ("delivered_missing", 1)
    resolved = service.cli("sweep", "--now", "2026-11-27T15:00:00Z")
    assert json.loads(resolved.stdout)["resolved"] == {"1": "refund_returnless"}
    [record] = await service.scalars(select(ReturnRecord))
    assert (record.asin, record.quantity, str(record.refund_amount)) == (
        case.details["asin"], 1, "26.00")
    service.clock.set(service.clock.now().replace(day=27))
    await service.dispatch()
    assert "$26.00" in service.twilio.sent[-1]["Body"]


async def test_one_unit_of_two_damaged_is_returned_on_silence_not_both(service):
    # the mugs are handmade (the seller authorizes their returns); one of the two came chipped
    [answer] = await service.sms("+15555550107",
                                 "one of the mugs arrived chipped, the other one is fine")
    assert "asked them about your return from order 111-5827713-3098264" in answer
    case = await service.scalar(select(Case))
    assert (case.kind, case.details["units"]) == ("return_exempt", 1)
    resolved = service.cli("sweep", "--now", "2026-11-27T15:00:00Z")
    assert json.loads(resolved.stdout)["resolved"] == {"1": "return_authorized"}
    [record] = await service.scalars(select(ReturnRecord))
    assert (record.asin, record.quantity, str(record.refund_amount)) == (
        case.details["asin"], 1, "26.00")


async def test_a_fault_of_each_unit_returns_every_unit(service):
    # "one of the mugs arrived chipped and the other one has a crack": both mugs
    await service.sms("+15555550107", "one of the mugs arrived chipped and the other one has a crack")
    case = await service.scalar(select(Case))
    assert case.kind == "return_exempt" and "units" not in case.details


async def test_silence_pays_nothing_again_for_goods_already_returned(service):
    # the mattress's return was authorized (the customer's reason); the question after it went
    # to the seller as a product question, whose silence had authorized a second, free return
    await service.sms("+15555550111", "i want to return the mattress, too firm for my back")
    await service.sms("+15555550111", "how long do i have")
    case = await service.scalar(select(Case))
    assert case.kind == "product_question"
    resolved = service.cli("sweep", "--now", "2026-11-28T15:00:00Z")
    assert json.loads(resolved.stdout)["resolved"] == {str(case.id): "no_answer"}
    [record] = await service.scalars(select(ReturnRecord))
    assert (record.return_shipping_paid_by, str(record.refund_amount)) == ("customer", "299.00")
    [decision] = await service.scalars(select(Decision).where(Decision.case_id == case.id))
    assert "silence.product_question.already_refunded_or_returned" in decision.reasons


async def test_one_unit_told_broken_beside_one_fine_is_one_unit(service):
    # "1 broken 1 fine" had carried no count: on silence both mugs ($52) went back
    await service.sms("+15555550107", "i got the mugs, 1 broken 1 fine")
    case = await service.scalar(select(Case))
    assert (case.kind, case.details["units"]) == ("return_exempt", 1)


async def test_one_unit_told_with_its_fault_beside_the_other_is_one_unit(service):
    # "1 mug chipped, other is fine": the fault after the noun, "other" without "the"; on
    # silence both mugs ($52) had gone back
    await service.sms("+15555550107", "1 mug chipped, other is fine")
    case = await service.scalar(select(Case))
    assert (case.kind, case.details["units"]) == ("return_exempt", 1)
    result = service.cli("sweep", "--now", "2026-11-30T12:00:00Z")
    assert list(json.loads(result.stdout)["resolved"].values()) == ["return_authorized"]
    record = await service.scalar(select(ReturnRecord))
    assert (record.quantity, str(record.refund_amount)) == (1, "26.00")


async def test_the_other_unit_told_later_joins_the_case(service):
    # "una de las tazas llego rota" then "tambien la otra taza esta despostillada": the case had
    # stayed of one mug, and on silence only $26 of the $52 came back
    await service.sms("+15555550107", "una de las tazas llego rota")
    await service.sms("+15555550107", "tambien la otra taza esta despostillada")
    case = await service.scalar(select(Case))
    assert case.kind == "return_exempt" and "units" not in case.details
    service.cli("sweep", "--now", "2026-11-30T12:00:00Z")
    record = await service.scalar(select(ReturnRecord))
    assert (record.quantity, str(record.refund_amount)) == (2, "52.00")


async def test_a_question_whether_it_was_cancelled_is_no_yes_to_cancel(service):
    # the seller stayed silent about the night lights; "did they cancel the night lights?"
    # had been taken as a yes to cancelling the whole order, bulbs too
    valentina = "+15555550113"
    await service.sms(valentina, "cancel the night lights")
    result = service.cli("sweep", "--now", "2026-11-28T15:00:00Z")
    assert list(json.loads(result.stdout)["resolved"].values()) == ["cancellation_offered"]
    service.clock.set(service.clock.now().replace(day=28))
    await service.sms(valentina, "did they cancel the night lights?")
    assert (await service.scalar(select(Order.status).where(
        Order.order_id == "111-3390846-7125509"))) == "Unshipped"


async def test_a_fault_of_each_mug_told_in_two_clauses_returns_both(service):
    # "one is chipped and the other one too" had been read as one unit
    await service.sms("+15555550107", "2 mugs arrived, one is chipped and the other one too")
    case = await service.scalar(select(Case))
    assert case.kind == "return_exempt" and "units" not in case.details


async def test_a_parcel_refunded_on_silence_that_came_broken_is_not_paid_twice(service):
    # the not-received case refunded the charger; "it did come but it doesnt work" then had
    # authorized a seller-paid return promising the $29.99 again
    james = "+15555550102"
    await service.sms(james, "my charger never arrived, its a week late")
    resolved = service.cli("sweep", "--now", "2026-11-28T15:00:00Z")
    assert list(json.loads(resolved.stdout)["resolved"].values()) == ["refund_returnless"]
    [answer] = await service.sms(james, "it did come but it doesnt work")
    assert "authorized" not in answer and "$29.99" in answer
    records = await service.scalars(select(ReturnRecord))
    assert [(r.status, str(r.refund_amount)) for r in records] == [("refunded", "29.99")]
