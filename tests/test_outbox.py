"""The outbox: provider failures are retried with backoff; nothing lost, nothing sent twice."""

from datetime import timedelta
from email.utils import format_datetime

from sqlalchemy import select

from bot.app_keys import DATABASE, DISPATCHER
from storage.models import OutboxItem
from storage.outbox import update_outbox
from tests.conftest import OUR_NUMBER

JAMES = "+15555550102"
EMILY = "+15555550103"


async def sms_waiting_in_the_outbox(service) -> None:
    """A silent seller's case leaves an SMS for the customer in the outbox."""
    await service.sms(EMILY, "Does it come in a gift box?")
    assert service.cli("sweep", "--now", "2026-11-27T15:00:00Z").returncode == 0
    service.clock.set(service.clock.now() + timedelta(days=1))


async def outbox(service, channel: str) -> list[OutboxItem]:
    return await service.scalars(select(OutboxItem).where(OutboxItem.channel == channel)
                                 .order_by(OutboxItem.id))


async def test_twilio_5xx_is_retried_with_backoff_and_sent_once(service):
    await sms_waiting_in_the_outbox(service)
    service.twilio.fail_next = 2
    await service.dispatch()
    [item] = await outbox(service, "sms")
    assert (item.status, item.attempts) == ("pending", 1)
    assert "503" in item.last_error
    assert item.next_attempt_at == service.clock.now() + timedelta(seconds=5)
    await service.dispatch()  # not due yet: nothing happens
    assert service.twilio.requests == 1
    service.clock.set(service.clock.now() + timedelta(seconds=5))
    await service.dispatch()
    [item] = await outbox(service, "sms")
    assert (item.status, item.attempts) == ("pending", 2)
    assert item.next_attempt_at == service.clock.now() + timedelta(seconds=10)
    service.clock.set(service.clock.now() + timedelta(seconds=10))
    await service.dispatch()
    await service.dispatch()
    [item] = await outbox(service, "sms")
    assert (item.status, item.attempts) == ("sent", 3)
    assert [m["To"] for m in service.twilio.sent] == [EMILY]
    assert item.provider_id == service.twilio.sent[0]["sid"]


async def test_relay_refusing_mail_is_retried_and_delivers_once(service):
    await service.sms(EMILY, "Does it come in a gift box?")   # a case email to the seller
    service.mail.refuse_next = 1
    assert await service.dispatch() == 0
    [item] = await outbox(service, "email")
    assert item.status == "pending" and "451" in item.last_error
    service.clock.set(service.clock.now() + timedelta(seconds=5))
    assert await service.dispatch() == 1
    assert len(service.mail.messages) == 1


async def test_relay_down_keeps_the_mail_until_it_is_back(service, mail_sink):
    await service.sms(EMILY, "Does it come in a gift box?")
    await mail_sink.stop()
    assert await service.dispatch() == 0
    [item] = await outbox(service, "email")
    assert item.status == "pending" and item.attempts == 1
    await mail_sink.start_on(mail_sink.port)
    service.clock.set(service.clock.now() + timedelta(seconds=5))
    assert await service.dispatch() == 1
    assert len(mail_sink.messages) == 1


async def test_a_permanent_refusal_is_not_retried(service):
    await sms_waiting_in_the_outbox(service)
    service.twilio.fail_next, service.twilio.fail_status = 1, 400
    await service.dispatch()
    [item] = await outbox(service, "sms")
    assert item.status == "failed"
    assert item.last_error.startswith("Twilio 400")
    service.clock.set(service.clock.now() + timedelta(hours=2))
    await service.dispatch()
    assert service.twilio.requests == 1


async def test_one_recipients_messages_keep_their_order_across_a_failure(service):
    await service.sms(EMILY, "Does it come in a gift box?")      # case 1: email to the seller
    await service.sms("+15555550106", "where is my drill?")       # case 2: same seller
    service.mail.refuse_next = 1
    assert await service.dispatch() == 0
    items = await outbox(service, "email")
    assert [(i.status, i.attempts) for i in items] == [("pending", 1), ("pending", 0)]
    assert items[0].next_attempt_at == items[1].next_attempt_at
    service.clock.set(service.clock.now() + timedelta(seconds=5))
    assert await service.dispatch() == 2
    assert [m["Subject"].strip()[:7] for m in service.mail.messages] == ["[Case 1", "[Case 2"]


# -- exactly once: what a later attempt finds out about one whose outcome is unknown --------

async def crashed_mid_send(service, channel: str, *, handed_over: bool,
                           claimant: str = "csba host 4242 0dead000") -> OutboxItem:
    """The row as a process killed while sending it leaves it: claimed ('sending', leased
    for five minutes) by a process that is gone, with or without the hand-over mark."""
    [item] = await outbox(service, channel)
    now = service.clock.now()
    await service.client.app[DATABASE].run(lambda connection: update_outbox(
        connection, item.id, status="sending", attempts=1, claimed_by=claimant,
        handed_over_at=now if handed_over else None, next_attempt_at=now + timedelta(minutes=5)))
    return item


async def test_a_restart_sends_at_once_what_a_crash_stopped_before_the_hand_over(service):
    await sms_waiting_in_the_outbox(service)
    await crashed_mid_send(service, "sms", handed_over=False)
    await service.dispatch()
    assert service.twilio.sent == []                          # leased: not due yet
    assert await service.client.app[DISPATCHER].reclaim_abandoned() == 1
    await service.dispatch()
    [item] = await outbox(service, "sms")
    assert (item.status, item.recovery, item.handed_over_at) == ("sent", "not_handed_over", None)
    assert [m["To"] for m in service.twilio.sent] == [EMILY]


async def test_a_row_its_live_sender_holds_waits_for_the_lease(service):
    await sms_waiting_in_the_outbox(service)
    dispatcher = service.client.app[DISPATCHER]
    await crashed_mid_send(service, "sms", handed_over=True,
                           claimant=dispatcher.db.process_name)   # this process: alive
    assert await dispatcher.reclaim_abandoned() == 0
    await service.dispatch()
    assert service.twilio.sent == []


async def test_an_sms_twilio_has_is_not_sent_again_after_a_crash(service):
    await sms_waiting_in_the_outbox(service)
    [waiting] = await outbox(service, "sms")
    # Twilio created the message; the process died before it recorded the SID.
    service.twilio.sent.append({"sid": "SM" + "e" * 32, "To": EMILY, "From": OUR_NUMBER,
                                "Body": waiting.body, "date_created": format_datetime(
                                    service.clock.now(), usegmt=True)})
    await crashed_mid_send(service, "sms", handed_over=True)
    await service.client.app[DISPATCHER].reclaim_abandoned()
    await service.dispatch()
    [item] = await outbox(service, "sms")
    assert (item.status, item.recovery, item.provider_id) == (
        "sent", "found_at_provider", "SM" + "e" * 32)
    assert service.twilio.requests == 0 and len(service.twilio.sent) == 1


async def test_an_sms_twilio_never_got_is_sent_after_a_crash(service):
    await sms_waiting_in_the_outbox(service)
    await crashed_mid_send(service, "sms", handed_over=True)
    await service.client.app[DISPATCHER].reclaim_abandoned()
    await service.dispatch()
    [item] = await outbox(service, "sms")
    assert (item.status, item.recovery) == ("sent", "not_at_provider")
    assert [m["To"] for m in service.twilio.sent] == [EMILY]


async def test_an_sms_in_doubt_stays_in_doubt_while_twilio_cannot_be_asked(service):
    await sms_waiting_in_the_outbox(service)
    await crashed_mid_send(service, "sms", handed_over=True)
    await service.client.app[DISPATCHER].reclaim_abandoned()
    service.twilio.fail_next = 1                # the message list answers 503
    await service.dispatch()
    [item] = await outbox(service, "sms")
    assert item.status == "pending" and item.handed_over_at is not None
    assert "503" in item.last_error and service.twilio.requests == 0
    service.clock.set(item.next_attempt_at)
    await service.dispatch()
    [item] = await outbox(service, "sms")
    assert (item.status, item.recovery) == ("sent", "not_at_provider")
    assert [m["To"] for m in service.twilio.sent] == [EMILY]


async def test_a_twilio_5xx_after_the_message_was_created_does_not_send_it_twice(service):
    await sms_waiting_in_the_outbox(service)
    service.twilio.fail_next, service.twilio.fail_after_create = 1, True
    await service.dispatch()
    [item] = await outbox(service, "sms")
    assert item.status == "pending" and item.handed_over_at is not None   # in doubt
    service.clock.set(service.clock.now() + timedelta(seconds=5))
    await service.dispatch()
    [item] = await outbox(service, "sms")
    assert (item.status, item.recovery) == ("sent", "found_at_provider")
    assert len(service.twilio.sent) == 1 and item.provider_id == service.twilio.sent[0]["sid"]
    metrics = await (await service.client.get("/metrics")).text()
    assert 'csba_outbox_attempts_total{channel="sms",outcome="pending"} 1.0' in metrics
    assert 'csba_outbox_attempts_total{channel="sms",outcome="sent"} 1.0' in metrics
    assert 'csba_outbox_recoveries_total{how="found_at_provider"} 1.0' in metrics


async def test_an_email_in_doubt_goes_again_with_the_same_message_id(service):
    await service.sms(EMILY, "Does it come in a gift box?")   # a case email to the seller
    await crashed_mid_send(service, "email", handed_over=True)
    await service.client.app[DISPATCHER].reclaim_abandoned()
    assert await service.dispatch() == 1
    [item] = await outbox(service, "email")
    assert (item.status, item.recovery) == ("sent", "sent_again_in_doubt")
    [sent] = service.mail.messages
    assert str(sent["Message-ID"]).strip() == item.headers["Message-ID"] == item.provider_id


async def test_a_relay_answer_is_not_doubt(service):
    await service.sms(EMILY, "Does it come in a gift box?")
    service.mail.refuse_next = 1                               # 451 at the end of DATA
    await service.dispatch()
    [item] = await outbox(service, "email")
    assert item.status == "pending" and item.handed_over_at is None
    service.clock.set(service.clock.now() + timedelta(seconds=5))
    await service.dispatch()
    [item] = await outbox(service, "email")
    assert (item.status, item.recovery) == ("sent", None)
