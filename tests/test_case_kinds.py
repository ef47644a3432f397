"""Every case kind through its answered and silent paths (POLICY.md D): the seller answers by
email or from the case page, in English (the US seller) or Chinese (the Chinese seller), or
says nothing until the deadline; the customer's resulting text message is asserted. The case
is opened by the case desk as the dialogue opens it, for a buyer's text conversation."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app_keys import ENGINE
from bot.orders import load_order
from bot.sweeper import sweep
from storage.conversations import create_conversation
from storage.models import Case, CaseEvent, Decision
from tests.conftest import NOW

US = ("SELLER-US1", "ops@brightside.example")
CN = ("SELLER-CN1", "kefu@mingdeng.example")
PHONE = {"112-9034521-4418830": "+15555550102", "113-5521907-2049386": "+15555550106",
         "113-2087465-3319072": "+15555550102", "112-8190354-2736641": "+15555550102",
         "111-3390846-7125509": "+15555550113", "112-0587362-9934172": "+15555550118",
         "112-6604719-8315524": "+15555550112"}
# (kind, seller) -> the order it is opened on: unshipped ones for what only an unshipped
# order can get, late ones for "not received", delivered ones for returns.
ORDER = {
    ("product_question", US): "112-9034521-4418830", ("product_question", CN): "111-3390846-7125509",
    ("cancellation", US): "112-9034521-4418830", ("cancellation", CN): "111-3390846-7125509",
    ("address_change", US): "112-9034521-4418830", ("address_change", CN): "111-3390846-7125509",
    ("not_shipped", US): "113-5521907-2049386", ("not_shipped", CN): "111-3390846-7125509",
    ("not_received", US): "113-2087465-3319072", ("not_received", CN): "112-0587362-9934172",
    ("delivered_missing", US): "112-8190354-2736641",
    ("delivered_missing", CN): "112-6604719-8315524",
    ("return_out_of_policy", US): "112-8190354-2736641",
    ("return_out_of_policy", CN): "112-6604719-8315524",
    ("return_exempt", US): "112-8190354-2736641", ("return_exempt", CN): "112-6604719-8315524",
    ("international_return", CN): "112-6604719-8315524",
    ("replacement", US): "112-8190354-2736641", ("replacement", CN): "112-6604719-8315524",
    ("general", US): "112-8190354-2736641", ("general", CN): "112-6604719-8315524",
}
# kind -> (English answer, Chinese answer, outcome)
ANSWER = {
    "product_question": ("No gift box, sorry: it ships in a plain carton.", None,
                         "seller_answered"),
    "cancellation": ("APPROVE", "同意", "canceled_refunded"),
    "address_change": ("APPROVE", "同意", "address_changed"),
    "not_shipped": ("SHIPPED 1Z8E47V10399999999", "已发货 运单号 1Z8E47V10399999999",
                    "seller_shipped"),
    "not_received": ("REFUND", "退款", "refund_returnless"),
    "delivered_missing": ("REPLACE", "补发", "replacement_sent"),
    "return_out_of_policy": ("APPROVE", "同意", "return_authorized"),
    "return_exempt": ("DECLINE", "拒绝", "return_declined"),
    "international_return": (None, "退款", "refund_returnless"),
    "replacement": ("REPLACE", "补发", "replacement_sent"),
    "general": ("We will call the carrier today and write back.", None, "seller_answered"),
}
# What the customer's text says for each outcome.
SAYS = {
    "canceled_refunded": "is canceled. You'll get a full refund",
    "address_changed": "The seller has updated the shipping address",
    "seller_shipped": "the seller has shipped your order",
    "refund_returnless": "You'll get a full refund of",
    "replacement_sent": "The seller is sending you a replacement",
    "seller_answered": "The seller answered your question",
    "return_authorized": "is authorized: return number RMA-",
    "return_declined": "The seller can't accept the return",
    "cancellation_offered": "Would you like me to cancel it",
    "free_return_authorized": "I've authorized a free return",
    "no_answer": "The seller didn't answer in time",
}
# (kind, seller) -> the outcome when the seller stays silent (the order decides some).
SILENCE = {
    "product_question": "cancellation_offered", "cancellation": "canceled_refunded",
    "address_change": "cancellation_offered", "not_shipped": "cancellation_offered",
    "not_received": "refund_returnless", "delivered_missing": "refund_returnless",
    "return_out_of_policy": "return_authorized", "return_exempt": "return_authorized",
    "international_return": "refund_returnless", "replacement": "return_authorized",
    "general": "free_return_authorized",
}
CASES = sorted(ORDER, key=lambda pair: (pair[0], pair[1][0]))


def case_id(pair) -> str:
    return f"{pair[0]}-{'zh' if pair[1] == CN else 'en'}"


async def open_case(service, kind: str, seller) -> Case:
    order_id = ORDER[(kind, seller)]
    engine = service.client.app[ENGINE]

    def open_it(connection, now):
        order = load_order(connection, order_id)
        conversation = create_conversation(connection, "sms", PHONE[order_id], now)
        details = {}
        if kind in ("return_out_of_policy", "return_exempt", "international_return",
                    "replacement"):
            details = {"asin": order.items[0].asin, "reason": "damaged", "seller_fault": True,
                       "returnless": False}
        return engine.desk.open(connection, conversation, order, kind,
                                "It's not what I expected. Call me at (555) 555-0102.", now,
                                language="en", details=details).id

    opened = await engine.act(open_it)
    await service.dispatch()
    return await service.scalar(select(Case).where(Case.id == opened))


async def reply_by_email(service, case: Case, seller, text: str) -> None:
    raw = (f"From: <{seller[1]}>\r\nTo: case+{case.token}@support.example.com\r\n"
           f"Subject: Re: case {case.id}\r\nMessage-ID: <r{case.id}@seller.example>\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n").encode()
    await service.send_email(raw, sender=seller[1],
                             recipients=[f"case+{case.token}@support.example.com"])


async def reply_on_the_page(service, case: Case, seller, text: str) -> None:
    await service.sign_in("seller", seller=seller[0])
    csrf = await service.csrf(f"/console/cases/{case.id}")
    response = await service.client.post(f"/console/cases/{case.id}/answer",
                                         data={"csrf": csrf, "answer": text},
                                         allow_redirects=False)
    assert response.status == 303, await response.text()


async def customer_text(service, order_id: str) -> str:
    await service.dispatch()
    [sms] = [m for m in service.twilio.sent if m["To"] == PHONE[order_id]]
    return sms["Body"]


@pytest.mark.parametrize("pair", CASES, ids=case_id)
@pytest.mark.parametrize("path", ["email", "page"])
async def test_each_kind_answered_by_the_seller(service, pair, path):
    kind, seller = pair
    english, chinese, outcome = ANSWER[kind]
    answer = chinese if seller == CN else english
    if answer is None:  # free text in Chinese for an English customer: held, translated
        answer = "是的，我们会在今天处理并回复您。"
    case = await open_case(service, kind, seller)
    sender = reply_by_email if path == "email" else reply_on_the_page
    await sender(service, case, seller, answer)
    case = await service.scalar(select(Case).where(Case.id == case.id))
    if seller == CN and english is not None and chinese is None:
        assert case.status == "awaiting_translation"
        await service.sign_in("lead")
        csrf = await service.csrf(f"/console/cases/{case.id}")
        response = await service.client.post(
            f"/console/cases/{case.id}/translate", allow_redirects=False,
            data={"csrf": csrf, "translation": "Yes, we will handle it today and reply."})
        assert response.status == 303, await response.text()
        case = await service.scalar(select(Case).where(Case.id == case.id))
    assert (case.status, case.closed_at is not None) == ("answered", True)
    decision = await service.scalar(select(Decision).where(
        Decision.case_id == case.id, Decision.outcome == outcome))
    assert decision is not None, outcome
    assert SAYS[outcome] in await customer_text(service, ORDER[pair])
    actors = [e.actor for e in await service.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "answered"))]
    assert actors and "sweeper" not in actors


@pytest.mark.parametrize("pair", CASES, ids=case_id)
async def test_each_kind_resolved_on_silence_at_the_deadline(service, pair):
    kind, seller = pair
    case = await open_case(service, kind, seller)
    desk = service.client.app[ENGINE].desk
    # the sweeper the service runs in the background (`csba sweep` is the same call)
    assert (await sweep(service.db, desk, NOW + timedelta(hours=24, seconds=-1))).resolved == {}
    report = await sweep(service.db, desk, NOW + timedelta(hours=24))
    assert report.resolved == {case.id: SILENCE[kind]}
    service.clock.set(NOW.replace(day=27))
    assert SAYS[SILENCE[kind]] in await customer_text(service, ORDER[pair])
    notice = [m for m in service.mail.to(seller[1])
              if (m["Subject"] or "").strip().startswith(("Closed:", "已关闭："))]
    assert len(notice) == 1


async def test_the_sellers_email_keeps_the_customers_contact_details_out(service):
    await open_case(service, "general", US)
    [email] = service.mail.to(US[1])
    body = email.get_body(("plain",)).get_content()
    assert "It's not what I expected. Call me at [phone number]." in body
    assert "555-0102" not in body


async def test_a_decision_with_a_note_brings_the_note_to_the_customer(service):
    case = await open_case(service, "not_received", US)
    await reply_by_email(service, case, US, "REFUND. Sorry, the carrier lost it; the refund "
                                            "goes out today.")
    text = await customer_text(service, ORDER[("not_received", US)])
    assert text.startswith("You'll get a full refund of $")
    assert text.endswith('back.\nThe seller added:\n"REFUND. Sorry, the carrier lost it; the '
                         'refund goes out today."')


async def test_a_reply_after_the_deadline_finds_the_customers_resolution_applied(service):
    case = await open_case(service, "cancellation", CN)
    service.clock.set(NOW.replace(day=27, minute=0, second=1))
    await reply_by_email(service, case, CN, "拒绝")
    case = await service.scalar(select(Case).where(Case.id == case.id))
    assert case.status == "resolved_on_silence"
    kinds = [e.kind for e in await service.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id))]
    assert kinds == ["opened", "resolved_on_silence", "reply_after_deadline"]
    assert SAYS["canceled_refunded"] in await customer_text(service, ORDER[("cancellation", CN)])
    late = service.mail.to(CN[1])[-1]
    assert late["Subject"] == "案例 1 已关闭"
    assert "之后才到达" in late.get_body(("plain",)).get_content()


async def test_repeated_and_closed_case_replies_are_recorded_not_acted_on(service):
    case = await open_case(service, "cancellation", US)
    await reply_by_email(service, case, US, "APPROVE")
    raw = (f"From: <{US[1]}>\r\nTo: case+{case.token}@support.example.com\r\nSubject: Re\r\n"
           "Message-ID: <again@seller.example>\r\nContent-Type: text/plain\r\n\r\nDECLINE\r\n")
    await service.send_email(raw.encode(), sender=US[1],
                             recipients=[f"case+{case.token}@support.example.com"])
    await service.dispatch()
    kinds = [e.kind for e in await service.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id))]
    assert kinds == ["opened", "seller_reply", "answered", "reply_after_close"]
    assert service.mail.to(US[1])[-1]["Subject"] == "Case 1 is already closed"
    assert len([m for m in service.twilio.sent if m["To"] == PHONE[case.order_id]]) == 1


async def test_a_customer_whose_problem_went_away_withdraws_the_case(service):
    james = "+15555550102"
    await service.sms(james, "where is my charger?")
    await service.dispatch()
    [case] = await service.scalars(select(Case))
    assert (case.kind, case.status) == ("not_received", "waiting_on_seller")
    assert await service.sms(james, "Never mind, it arrived today!") == [
        "Glad to hear it! I've told the seller they don't need to do anything about order "
        f"{case.order_id}."]
    case = await service.scalar(select(Case))
    assert (case.status, case.closed_at is not None) == ("withdrawn", True)
    decision = await service.scalar(select(Decision).where(Decision.outcome == "case_withdrawn"))
    assert decision.reasons == ["case.withdrawn.customer"]
    await service.dispatch()
    notice = service.mail.to(US[1])[-1]
    assert notice["Subject"].startswith("Withdrawn: [Case 1]")
    result = service.cli("sweep", "--now", "2026-11-28T15:00:00Z")
    assert '"resolved": {}' in result.stdout


async def test_a_lead_withdraws_a_case_and_the_chinese_seller_is_told(service):
    case = await open_case(service, "general", CN)
    lead = await service.sign_in("lead")
    csrf = await service.csrf(f"/console/cases/{case.id}")
    response = await service.client.post(f"/console/cases/{case.id}/withdraw",
                                         data={"csrf": csrf}, allow_redirects=False)
    assert response.status == 303
    event = await service.scalar(select(CaseEvent).where(CaseEvent.kind == "withdrawn"))
    assert event.actor == lead
    await service.dispatch()
    assert service.mail.to(CN[1])[-1]["Subject"] == (
        "已撤回：[案例 1] 买家请求：订单 112-6604719-8315524")
    again = await service.client.post(f"/console/cases/{case.id}/withdraw",
                                      data={"csrf": csrf}, allow_redirects=False)
    assert (again.status, await again.text()) == (409, "case 1 is already closed")



async def test_a_deadline_survives_a_restart_to_the_second(aiohttp_client, settings, twilio_fake,
                                                            mail_sink):
    """The case opened by one run of the service is resolved by the background sweeper of
    the next run, not a second before its 24 hours."""
    from bot.app import create_app
    from bot.clock import FixedClock
    from tests.conftest import Service

    fast = settings.with_overrides(sweep_interval_seconds=0.02, outbox_poll_seconds=0.02)
    first = Service(await aiohttp_client(create_app(fast, clock=FixedClock(NOW), demo=True)),
                    fast, FixedClock(NOW), twilio_fake, mail_sink)
    case = await open_case(first, "cancellation", US)
    await first.client.close()  # the service stops

    almost = FixedClock(NOW + timedelta(hours=24, seconds=-1))
    second = Service(await aiohttp_client(create_app(fast, clock=almost, demo=True,
                                                     background=True)),
                     fast, almost, twilio_fake, mail_sink)
    await asyncio.sleep(0.3)  # many sweeps
    assert (await second.scalar(select(Case.status))) == "waiting_on_seller"
    await second.client.close()

    due = FixedClock(NOW + timedelta(hours=24))
    third = Service(await aiohttp_client(create_app(fast, clock=due, demo=True,
                                                    background=True)),
                    fast, due, twilio_fake, mail_sink)
    for _ in range(100):
        if (await third.scalar(select(Case.status))) == "resolved_on_silence":
            break
        await asyncio.sleep(0.02)
    assert (await third.scalar(select(Case.status))) == "resolved_on_silence"
    for _ in range(100):
        if twilio_fake.sent:
            break
        await asyncio.sleep(0.02)
    assert SAYS["canceled_refunded"] in twilio_fake.sent[-1]["Body"]
    assert case.id == 1


async def test_a_request_about_an_order_that_stays_unclear_goes_to_the_seller(service):
    emily = "+15555550103"   # one order: the one any message is about
    first = await service.sms(emily, "the weather is nice today")
    assert first[0].startswith("Sorry, I didn't understand that.")
    second = await service.sms(emily, "banana telephone")
    assert second == ["I've passed your request about order 111-6649302-1175048 to the seller. "
                      "You'll hear from me by Nov 27, 2026, 10:00 AM EST at the latest."]
    [case] = await service.scalars(select(Case))
    assert (case.kind, case.customer_text) == (
        "general", "the weather is nice today\nbanana telephone")
    await service.dispatch()
    assert service.mail.to(US[1])[-1]["Subject"] == (
        "[Case 1] Customer request: order 111-6649302-1175048")


async def test_the_tracking_number_of_a_promised_replacement_reaches_the_customer(service):
    case = await open_case(service, "replacement", CN)
    await reply_by_email(service, case, CN, "补发")
    assert SAYS["replacement_sent"] in await customer_text(service, ORDER[("replacement", CN)])
    raw = (f"From: <{CN[1]}>\r\nTo: case+{case.token}@support.example.com\r\nSubject: Re\r\n"
           "Message-ID: <tracking@seller.example>\r\nContent-Type: text/plain; charset=utf-8"
           "\r\n\r\n已发货，运单号 UG516761999YP\r\n").encode()
    await service.send_email(raw, sender=CN[1],
                             recipients=[f"case+{case.token}@support.example.com"])
    await service.dispatch()
    last = [m for m in service.twilio.sent if m["To"] == PHONE[case.order_id]][-1]
    assert last["Body"] == ("Good news: the replacement for your order 112-6604719-8315524 has "
                            "shipped. Tracking number: UG516761999YP.")


async def test_a_shipment_the_seller_reports_is_what_the_customer_hears_next(service):
    case = await open_case(service, "not_shipped", US)
    await reply_by_email(service, case, US, "SHIPPED 1Z8E47V10399999999")
    assert SAYS["seller_shipped"] in await customer_text(service, case.order_id)
    assert (await service.sms("+15555550106", "where is my drill?"))[0].startswith(
        "Your order 113-5521907-2049386 (Brightside 20 V Cordless Drill/Driver Kit) is on its way")


async def test_good_news_withdraws_the_parcel_case_and_not_a_cancellation(service):
    james = "+15555550102"
    await service.sms(james, "cancel the kettle")
    await service.sms(james, "where is my charger")
    await service.sms(james, "good news, it arrived")
    cases = {c.kind: c.status for c in await service.scalars(select(Case))}
    assert cases["cancellation"] != "withdrawn"
    assert cases["not_received"] == "withdrawn"
    await service.sms(james, "actually don't cancel the kettle")
    cases = {c.kind: c.status for c in await service.scalars(select(Case))}
    assert cases["cancellation"] == "withdrawn"
