"""The leads' conversation list (filters, full-text search, CSV) and their actions on a
conversation, through the console's HTTP endpoints as a signed-in lead."""

import csv
import io
import re

from sqlalchemy import select

from storage.models import AuditEvent, Conversation, Decision, Handoff, Note
from tests.test_outbox import sms_waiting_in_the_outbox

EMILY = "+15555550103"
JAMES = "+15555550102"
ANA = "+15555550101"


async def listed(service, query: str = "") -> list[str]:
    response = await service.client.get(f"/console/conversations/?{query}")
    assert response.status == 200, await response.text()
    return re.findall(r'<td><a href="/console/conversations/\d+">\d+</a></td><td>\w+</td>'
                      r'<td>([^<]+)</td>', await response.text())


async def test_filters_and_search_find_the_conversations(service):
    await service.sms(EMILY, "Where is my blanket?")
    await service.sms(JAMES, "I want to talk to a person")
    await service.sms(ANA, "¿Dónde está mi pedido?")
    await service.sms("+15555550113", "Quiero cancelar mi pedido")
    await service.sms("+15555550113", "1")
    await service.sign_in("lead")
    assert sorted(await listed(service)) == sorted([EMILY, JAMES, ANA, "+15555550113"])
    assert await listed(service, "q=blanket") == [EMILY]
    assert await listed(service, "q=d%C3%B3nde") == [ANA]          # "dónde"
    assert await listed(service, "q=donde") == [ANA]               # diacritics folded
    assert await listed(service, "q=%22blanket*%29") == [EMILY]  # no query syntax
    assert sorted(await listed(service, "language=es")) == sorted([ANA, "+15555550113"])
    assert await listed(service, "person=1") == [JAMES]
    assert await listed(service, "waiting=1") == ["+15555550113"]
    assert await listed(service, "intent=human_agent") == [JAMES]
    assert sorted(await listed(service, "outcome=in_transit&channel=sms")) == sorted(
        [EMILY, ANA])
    assert await listed(service, "seller=SELLER-CN1") == ["+15555550113"]
    assert await listed(service, "channel=email") == []
    assert await listed(service, "since=2026-11-27") == []
    assert len(await listed(service, "since=2026-11-26&until=2026-11-26")) == 4
    bad = await service.client.get("/console/conversations/?since=yesterday")
    assert (bad.status, await bad.text()) == (
        400, "since is not a date (YYYY-MM-DD): 'yesterday'")


async def test_the_list_exports_as_csv_without_spreadsheet_formulas(service):
    await service.send_email(
        b"From: =HYPERLINK@example.com\r\nTo: support@support.example.com\r\n"
        b"Subject: hi\r\nMessage-ID: <csv1@example.com>\r\n\r\nWhere is my order?\r\n",
        sender="x@example.com")
    await service.sms(EMILY, "Where is my blanket?")
    await service.sign_in("lead")
    response = await service.client.get("/console/conversations.csv?q=order")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(await response.text())))
    assert rows[0][:3] == ["id", "channel", "customer"]
    customers = {row[2] for row in rows[1:]}
    assert customers == {"'=hyperlink@example.com", EMILY}


async def test_take_over_reply_note_flag_review_and_hand_back(service):
    await service.sms(JAMES, "I want to talk to a person")
    conversation = await service.scalar(select(Conversation))
    lead = await service.sign_in("lead")
    page = f"/console/conversations/{conversation.id}"

    async def post(action: str, **form):
        csrf = await service.csrf(page)
        return await service.client.post(f"{page}/{action}", data={"csrf": csrf, **form},
                                          allow_redirects=False)

    early = await post("reply", reply="Hi James")
    assert (early.status, await early.text()) == (
        409, "take the conversation over before answering the customer")
    assert (await post("take-over")).status == 303
    assert (await service.scalar(select(Handoff.closed_at))) is not None
    assert (await post("take-over")).status == 409
    assert (await post("reply", reply="Hi James, Sam here. How can I help?")).status == 303
    assert (await post("note", note="Angry about the skillet; offer a refund.")).status == 303
    assert (await post("flag")).status == 303
    conversation = await service.scalar(select(Conversation))
    assert conversation.flagged_at is not None and conversation.taken_over_by is not None
    assert (await post("review")).status == 303
    assert (await post("hand-back")).status == 303
    conversation = await service.scalar(select(Conversation))
    assert (conversation.flagged_at, conversation.taken_over_by) == (None, None)
    assert conversation.reviewed_at is not None
    await service.dispatch()
    assert [m["Body"] for m in service.twilio.sent] == ["Hi James, Sam here. How can I help?"]
    [note] = await service.scalars(select(Note))
    assert note.body == "Angry about the skillet; offer a refund."
    text = await (await service.client.get(page)).text()
    assert f"{lead}: Angry about the skillet; offer a refund." in text
    actions = [a.action for a in await service.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-6:] == ["conversation_take_over", "conversation_reply", "conversation_note",
                            "conversation_flag", "conversation_review",
                            "conversation_hand_back"]
    outcomes = [d.outcome for d in await service.scalars(select(Decision).order_by(Decision.id))]
    assert outcomes[-2:] == ["taken_over", "handed_back"]
    # handed back: the bot answers again
    assert (await service.sms(JAMES, "where is my kettle?"))[0].startswith("Your order")


async def test_the_transcript_lists_the_cases_and_the_audit_log_who_did_what(service):
    await service.sms("+15555550103", "Does it come in a gift box?")
    lead = await service.sign_in("lead")
    page = await (await service.client.get("/console/conversations/1")).text()
    assert re.search(r'<a href="/console/cases/1">Case 1</a>: product_question, '
                     r'waiting_on_seller \(2[34] h \d+ min left\)', page)
    csrf = await service.csrf("/console/conversations/1")
    await service.client.post("/console/conversations/1/flag", data={"csrf": csrf})
    audit = await (await service.client.get("/console/audit")).text()
    assert f"<td>{lead}</td><td>conversation_flag</td><td>conversation 1</td>" in audit
    assert f"<td>{lead}</td><td>signed_in</td>" in audit


async def test_the_transcript_says_how_each_answer_fared(service):
    await sms_waiting_in_the_outbox(service)     # a silent seller: the customer is told by SMS
    service.twilio.fail_next, service.twilio.fail_status = 1, 400
    await service.dispatch()
    await service.sign_in("lead")
    page = await (await service.client.get("/console/conversations/1")).text()
    cells = re.findall(r'<td class="delivery">(.*?)</td>', page)
    assert cells[0] == ""                                   # the customer's question
    assert "in the webhook response" in cells               # the first answer, as TwiML
    assert any(c.startswith("<strong>not delivered</strong>: Twilio 400") for c in cells)
    assert any(c.startswith("to ") and c.endswith(": sent") for c in cells)   # the seller
