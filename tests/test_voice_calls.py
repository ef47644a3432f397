"""Phone calls through Twilio Voice end to end: signed webhook forms for each step of a call
(start, speech, digits, low confidence, silence, language switch, hang-up) posted to the real
app, the TwiML parsed and compared element by element, and what was heard and said stored."""

import json
from html.parser import HTMLParser
from urllib.parse import urlencode
from xml.etree import ElementTree

from sqlalchemy import func, select

from storage.models import CallEvent, Conversation, Decision, Handoff, Message
from tests.conftest import twilio_fixture

EMILY = "+15555550103"   # one order, in transit (FedEx), ships to 98103
DAVID = "+15555550106"   # a drill 3 days past its ship-by date
LANDLINE = "+442079460958"  # a London office line: not a buyer's phone, cannot take texts
JAMES_EMAIL = "james.carter@example.net"

EN_HINTS = ("order, order number, where is my order, return, refund, tracking, tracking number, "
            "cancel, cancel my order, delivery, package, damaged, ZIP code, agent, "
            "representative, Spanish, español")
ES_HINTS = ("pedido, número de pedido, dónde está mi pedido, devolución, reembolso, rastreo, "
            "número de rastreo, cancelar, cancelar mi pedido, entrega, paquete, dañado, "
            "código postal, agente, inglés")
WELCOME = ("Thank you for calling customer support for your marketplace order. How can I help "
           "you? You can ask where your order is, or about a return, a refund or a "
           "cancellation. You can also type your 17-digit order number, then press pound.")
EMILY_ORDER_ALOUD = ("Your order 1 1 1, 6 6 4, 9 3 0 2, 1 1 7, 5 0 4 8, Brightside Waffle-Knit "
                     "Cotton Throw Blanket, is on its way with FedEx, tracking number 7 8 5 2, "
                     "8 0 8 4, 1 4 8 1. It should arrive between November 28, 2026 and "
                     "December 1, 2026.")
ANYTHING_ELSE = "Is there anything else I can help you with?"


def call_sid(n: int = 1) -> str:
    return f"CA{n:032d}"


def tree(xml: str) -> list:
    """TwiML as nested (tag, attributes, text, children) tuples."""
    def node(element):
        return (element.tag, dict(element.attrib), (element.text or "").strip(),
                [node(child) for child in element])
    root = ElementTree.fromstring(xml)
    assert root.tag == "Response"
    return [node(child) for child in root]


def gather(says: list[tuple[str, str]], *, lang: str = "en", expect: str = "talk",
           tries: int = 0, step: int, held: str | None = None) -> tuple:
    """The <Gather> we expect: its attributes exactly, with the <Say>s inside."""
    query = {"lang": lang, "expect": expect, "tries": str(tries), "step": str(step)}
    if held:
        query["held"] = held
    return ("Gather", {
        "action": f"/twilio/voice/gather?{urlencode(query)}", "actionOnEmptyResult": "true",
        "hints": EN_HINTS if lang == "en" else ES_HINTS, "input": "speech dtmf",
        "language": "en-US" if lang == "en" else "es-US", "method": "POST",
        "speechTimeout": "auto", "timeout": "5",
    }, "", [("Say", {"language": tag}, text, []) for tag, text in says])


class Call:
    """One phone call to the service, step by step, as Twilio posts it."""

    def __init__(self, service, caller: str, sid: str = call_sid()) -> None:
        self.service, self.caller, self.sid = service, caller, sid
        self.action = "/twilio/voice"

    async def post(self, fixture: str, **fields: str) -> list:
        form = twilio_fixture(fixture, From=self.caller, Caller=self.caller, CallSid=self.sid,
                              **fields)
        response = await self.service.post_signed(self.action, form)
        assert response.status == 200, await response.text()
        assert response.content_type == "application/xml"
        twiml = tree(await response.text())
        if twiml and twiml[0][0] == "Gather":
            self.action = twiml[0][1]["action"]
        return twiml

    async def start(self) -> list:
        return await self.post("voice_incoming")

    async def say(self, words: str, confidence: float = 0.92) -> list:
        return await self.post("voice_gather_speech", SpeechResult=words,
                               Confidence=str(confidence))

    async def press(self, digits: str) -> list:
        return await self.post("voice_gather_digits", Digits=digits)

    async def silence(self) -> list:
        return await self.post("voice_gather_silence")


async def decisions(service, outcome: str) -> list:
    return await service.scalars(select(Decision).where(Decision.outcome == outcome)
                                 .order_by(Decision.id))


async def test_a_call_is_greeted_in_english_with_a_keypad_choice_for_spanish(service):
    call = Call(service, EMILY)
    assert await call.start() == [gather([("en-US", WELCOME), ("es-US", "Para español, oprima 2.")],
                                         expect="menu", step=1)]
    conversation = await service.scalar(select(Conversation))
    assert (conversation.channel, conversation.customer_address) == ("voice", EMILY)
    [started] = await decisions(service, "call_greet")
    assert started.reasons == ["voice.incoming_call"]
    assert started.facts == {"caller": EMILY, "call": call.sid}


async def test_where_is_my_order_spoken_from_the_buyers_phone(service):
    call = Call(service, EMILY)
    await call.start()
    assert await call.say("Where is my order?", 0.9217458) == [
        gather([("en-US", f"{EMILY_ORDER_ALOUD} {ANYTHING_ELSE}")], step=2)]
    heard = await service.scalar(select(Message).where(Message.body == "Where is my order?"))
    assert (heard.channel, heard.direction, heard.intent) == ("voice", "in", "order_status")
    assert heard.speech_confidence == 0.9217458
    assert heard.external_id == f"{call.sid}/1"
    said = await service.scalar(select(Message).where(Message.direction == "out")
                                .order_by(Message.id.desc()))
    assert (said.channel, said.body) == ("voice", f"{EMILY_ORDER_ALOUD} {ANYTHING_ELSE}")
    assert [d.reasons for d in await decisions(service, "in_transit")] == [
        ["delivery.in_transit_on_time"]]
    assert await call.say("No, that's all. Goodbye.") == [
        ("Say", {"language": "en-US"}, "Thank you for calling. Goodbye!", []),
        ("Hangup", {}, "", [])]


async def test_no_to_anything_else_ends_the_call_and_yes_asks_what(service):
    call = Call(service, EMILY)
    await call.start()
    await call.say("Where is my order?")
    assert await call.say("yes") == [
        gather([("en-US", "Sure: what else can I help you with?")], step=3)]
    await call.say("Where is my order?")
    assert await call.say("no") == [
        ("Say", {"language": "en-US"}, "Thank you for calling. Goodbye!", []),
        ("Hangup", {}, "", [])]


async def test_say_that_again_repeats_the_answer_and_its_question_still_waits(service):
    call = Call(service, EMILY)
    await call.start()
    await call.say("Where is my order?")
    # what a recognizer makes of "say that again?" is no request about the order
    assert await call.say("sorry, can you say that again?") == [
        gather([("en-US", f"{EMILY_ORDER_ALOUD} {ANYTHING_ELSE}")], step=3)]
    [repeated] = await decisions(service, "answer_repeated")
    assert repeated.reasons == ["dialogue.asked_to_repeat"]
    assert await call.say("no") == [  # still the answer to "anything else?"
        ("Say", {"language": "en-US"}, "Thank you for calling. Goodbye!", []),
        ("Hangup", {}, "", [])]


async def test_a_repeated_tracking_number_is_read_the_same_way(service):
    call = Call(service, "+15555550101")   # Ana: UPS 1Z8E47V1..., whose V is no volt
    await call.start()
    [(_, _, _, first)] = await call.say("where is my speaker")
    [(_, _, _, again)] = await call.say("repeat that")
    assert [text for _, _, text, _ in again] == [text for _, _, text, _ in first]
    assert "4 7 V 1" in first[0][2]


async def test_thanks_to_anything_else_ends_the_call(service):
    call = Call(service, EMILY)
    await call.start()
    await call.say("Where is my order?")
    assert await call.say("that's it, thank you") == [
        ("Say", {"language": "en-US"}, "Thank you for calling. Goodbye!", []),
        ("Hangup", {}, "", [])]


async def test_hello_on_a_call_is_not_followed_by_anything_else(service):
    call = Call(service, EMILY)
    await call.start()
    [(_, _, _, nested)] = await call.say("hi")
    spoken = " ".join(text for _, _, text, _ in nested)
    assert spoken.endswith("Tell me what you need, and include your order number if you have "
                           "it.")


async def test_no_after_what_else_ends_the_call(service):
    call = Call(service, EMILY)
    await call.start()
    await call.say("Where is my order?")
    await call.say("okay")  # a yes to "anything else?": "what else can I help you with?"
    assert await call.say("no") == [
        ("Say", {"language": "en-US"}, "Thank you for calling. Goodbye!", []),
        ("Hangup", {}, "", [])]


async def test_a_return_for_a_damaged_item_on_a_call_asks_for_no_photo(service):
    call = Call(service, "+15555550102")   # James: a skillet delivered in the holiday window
    await call.start()
    await call.say("I want to return the skillet")
    [(verb, _, _, nested)] = await call.say("it arrived damaged")
    spoken = " ".join(text for _, _, text, _ in nested)
    assert "is authorized" in spoken and "photo" not in spoken


async def test_an_offer_on_a_call_asks_for_yes_or_no_and_nothing_else(service):
    call = Call(service, "+15555550102")   # James: a kettle not shipped yet
    await call.start()
    [(_, _, _, nested)] = await call.say("I want to return the kettle")
    spoken = " ".join(text for _, _, text, _ in nested)
    assert spoken.endswith("Would you like me to ask the seller to cancel it? Please say yes "
                           "or no.")
    assert ANYTHING_ELSE not in spoken and "Reply YES" not in spoken
    [(_, _, _, nested)] = await call.say("yes")
    assert "so I've asked the seller to cancel it" in " ".join(t for _, _, t, _ in nested)


async def test_keypad_2_switches_to_spanish_and_the_answers_follow(service):
    call = Call(service, EMILY)
    await call.start()
    assert await call.press("2") == [gather(
        [("es-US", "Muy bien, seguimos en español. ¿En qué puedo ayudarle con su pedido?")],
        lang="es", step=2)]
    [switched] = await decisions(service, "call_switch_language")
    assert (switched.reasons, switched.facts["language"]) == (["voice.keypad_language"], "es")
    twiml = await call.say("¿Dónde está mi pedido?")
    [(tag, attributes, _, [(say, say_attributes, text, [])])] = twiml
    assert (tag, attributes["language"], say, say_attributes) == (
        "Gather", "es-US", "Say", {"language": "es-US"})
    assert text.startswith("Su pedido 1 1 1, 6 6 4, 9 3 0 2, 1 1 7, 5 0 4 8")
    assert "28 de noviembre de 2026" in text and "FedEx" in text
    assert text.endswith("¿Hay algo más en lo que pueda ayudarle?")


async def test_asking_for_english_by_voice_switches_back(service):
    call = Call(service, EMILY)
    await call.start()
    await call.press("2")
    assert await call.say("English, please") == [gather(
        [("en-US", "All right, let's continue in English. How can I help you with your order?")],
        step=3)]
    [_, spoken] = await decisions(service, "call_switch_language")
    assert spoken.reasons == ["voice.spoken_language"]


async def test_order_id_typed_and_postal_code_are_read_back_before_they_are_used(service):
    call = Call(service, LANDLINE)
    await call.start()
    assert await call.press("11290345214418830") == [gather(
        [("en-US", "I heard 1 1 2, 9 0 3, 4 5 2 1, 4 4 1, 8 8 3 0. Is that right? Say yes or "
                   "press 1. Say no or press 2.")],
        expect="confirm", step=2, held="112-9034521-4418830")]
    assert await call.press("1") == [gather(
        [("en-US", "Thanks. To protect your privacy, please say or type the ZIP code the "
                   "order ships to.")], step=3)]
    assert await call.press("60614") == [gather(
        [("en-US", "I heard 6 0 6 1 4. Is that right? Say yes or press 1. Say no or press 2.")],
        expect="confirm", step=4, held="60614")]
    twiml = await call.say("yes")
    text = twiml[0][3][0][2]
    assert text.startswith("Your order 1 1 2, 9 0 3, 4 5 2 1, 4 4 1, 8 8 3 0")
    assert "hasn't shipped yet" in text
    assert [d.reasons for d in await decisions(service, "identity_verified")] == [
        ["identity.order_id_and_postal_code"]]
    confirmed = await decisions(service, "call_number_confirmed")
    assert [d.facts["number"] for d in confirmed] == ["112-9034521-4418830", "60614"]
    # the transcript keeps what was heard ("yes") and what it confirmed
    bodies = await service.scalars(select(Message.body).where(Message.direction == "in")
                                   .order_by(Message.id))
    assert bodies == ["", "11290345214418830", "1", "112-9034521-4418830", "60614", "yes",
                      "60614"]


async def test_an_order_number_said_digit_by_digit_is_read_back_as_the_number(service):
    call = Call(service, LANDLINE)
    await call.start()
    said = "my order is one one two nine oh three four five two one double four one double " \
           "eight three oh"
    assert await call.say(said) == [gather(
        [("en-US", "I heard 1 1 2, 9 0 3, 4 5 2 1, 4 4 1, 8 8 3 0. Is that right? Say yes or "
                   "press 1. Say no or press 2.")],
        expect="confirm", step=2, held="my order is 11290345214418830")]
    await call.say("yes")
    assert await call.say("six zero six one four") == [gather(
        [("en-US", "I heard 6 0 6 1 4. Is that right? Say yes or press 1. Say no or press 2.")],
        expect="confirm", step=4, held="60614")]
    text = (await call.say("yes"))[0][3][0][2]
    assert text.startswith("Your order 1 1 2, 9 0 3, 4 5 2 1, 4 4 1, 8 8 3 0")
    assert "hasn't shipped yet" in text
    read_back = await decisions(service, "call_read_back")
    assert [d.reasons for d in read_back] == [["voice.number_heard", "voice.digits_spoken"]] * 2


async def test_an_order_number_said_in_spanish_words_is_understood(service):
    call = Call(service, LANDLINE)
    await call.start()
    await call.press("2")
    assert await call.say("uno uno dos nueve cero tres cuatro cinco dos uno cuatro cuatro uno "
                          "ocho ocho tres cero") == [gather(
        [("es-US", "Entendí 1 1 2, 9 0 3, 4 5 2 1, 4 4 1, 8 8 3 0. ¿Es correcto? Diga sí u "
                   "oprima 1. Diga no u oprima 2.")],
        lang="es", expect="confirm", step=3, held="11290345214418830")]


async def test_a_number_read_back_wrongly_is_asked_for_again(service):
    call = Call(service, LANDLINE)
    await call.start()
    await call.say("where is order 112 9034521 4418830")
    assert await call.say("no") == [gather(
        [("en-US", "All right. Please say the number again, or type it on the keypad and "
                   "then press pound.")], tries=1, step=3)]
    assert await call.press("123") == [gather(
        [("en-US", "Sorry, I didn't recognize those keys. An order number has 17 digits and a "
                   "ZIP code has 5. Please type it again and then press pound.")],
        tries=2, step=4)]


async def test_low_confidence_asks_again_and_silence_ends_politely_with_a_text(service):
    call = Call(service, EMILY)
    await call.start()
    assert await call.say("wear is my odor", confidence=0.31) == [gather(
        [("en-US", "Sorry, I didn't catch that. Could you say it again, a little more "
                   "slowly?")], expect="menu", tries=1, step=2)]
    assert await call.silence() == [gather(
        [("en-US", "Sorry, I didn't hear anything. How can I help you? You can say it, or "
                   "type your order number and then press pound.")],
        expect="menu", tries=2, step=3)]
    assert await call.silence() == [
        ("Say", {"language": "en-US"},
         "I'm sorry we couldn't understand each other. I'll send you a message you can "
         "answer in writing. Thank you for calling. Goodbye.", []),
        ("Hangup", {}, "", [])]
    low = await service.scalar(select(Message).where(Message.body == "wear is my odor"))
    assert low.speech_confidence == 0.31
    [gave_up] = await decisions(service, "call_give_up")
    assert gave_up.reasons == ["voice.no_input", "voice.reprompt_limit"]
    await service.dispatch()
    [text] = service.twilio.sent
    assert text["To"] == EMILY
    assert text["Body"] == ("Sorry we couldn't understand each other on the phone. Reply to "
                            "this message with your question or your order number, and I'll "
                            "help you here.")


async def test_what_the_engine_cannot_understand_counts_as_a_no_match(service):
    call = Call(service, LANDLINE)
    await call.start()
    first = await call.say("the weather is nice today")
    assert first[0][1]["action"].endswith("tries=1&step=2")
    assert first[0][3][0][2].startswith("Sorry, I didn't understand that.")
    second = await call.say("banana telephone")
    assert second[0][1]["action"].endswith("tries=2&step=3")
    assert await call.say("flying saucer spaghetti") == [
        ("Say", {"language": "en-US"},
         "I'm sorry we couldn't understand each other. I'll send you a message you can "
         "answer in writing. Thank you for calling. Goodbye.", []),
        ("Hangup", {}, "", [])]
    [gave_up] = await decisions(service, "call_give_up")
    assert gave_up.reasons == ["voice.no_match", "voice.reprompt_limit"]


async def test_a_caller_who_asks_for_a_person_is_queued_for_the_leads(service):
    call = Call(service, EMILY)
    await call.start()
    assert await call.say("I want to talk to a real person") == [gather(
        [("en-US", "I've passed your call to our support team. A person will read what you "
                   "told me and contact you by text message, or by email if your phone "
                   f"cannot take texts, usually within one business day. {ANYTHING_ELSE}")],
        step=2)]
    [handoff] = await service.scalars(select(Handoff))
    assert handoff.reason == "human_agent"


async def test_a_sellers_later_answer_reaches_the_caller_by_text(service):
    call = Call(service, DAVID)
    await call.start()
    text = (await call.say("where is my drill?"))[0][3][0][2]
    assert text.startswith("Your order 1 1 3, 5 5 2, 1 9 0 7, 2 0 4, 9 3 8 6 should have "
                           "shipped by November 23, 2026")
    result = service.cli("sweep", "--now", "2026-11-27T15:00:00Z")
    assert json.loads(result.stdout)["resolved"] == {"1": "cancellation_offered"}
    service.clock.set(service.clock.now().replace(day=27))
    await service.dispatch()
    [sms] = service.twilio.sent
    assert sms["To"] == DAVID
    assert sms["Body"].startswith("The seller didn't answer in time about order "
                                  "113-5521907-2049386")


async def test_a_caller_whose_number_cannot_take_texts_hears_later_by_email(service):
    call = Call(service, LANDLINE)
    await call.start()
    await call.press("11290345214418830")
    await call.press("1")
    await call.press("60614")
    await call.press("1")
    text = (await call.say("please cancel it"))[0][3][0][2]
    assert "so I've asked the seller to cancel it" in text
    result = service.cli("sweep", "--now", "2026-11-27T15:00:00Z")
    assert json.loads(result.stdout)["resolved"] == {"1": "canceled_refunded"}
    service.clock.set(service.clock.now().replace(day=27))
    await service.dispatch()
    assert service.twilio.sent == []
    [email] = service.mail.to(JAMES_EMAIL)
    assert "112-9034521-4418830" in email.get_body(("plain",)).get_content()


async def test_call_status_callbacks_are_recorded_once(service):
    call = Call(service, EMILY)
    await call.start()
    form = twilio_fixture("voice_status_completed", From=EMILY, CallSid=call.sid)
    for _ in range(2):
        response = await service.post_signed("/twilio/status", form)
        assert response.status == 204
    [event] = await service.scalars(select(CallEvent))
    assert (event.call_sid, event.status, event.caller, event.duration_seconds) == (
        call.sid, "completed", EMILY, 74)


async def test_forged_requests_and_bad_call_state_are_refused_and_nothing_is_stored(service):
    form = twilio_fixture("voice_incoming", From=EMILY)
    response = await service.post_signed("/twilio/voice", form, signature="forged")
    assert (response.status, await response.text()) == (403, "invalid X-Twilio-Signature")
    path = "/twilio/voice/gather?lang=fr&expect=talk&tries=0&step=2"
    response = await service.post_signed(path, twilio_fixture("voice_gather_speech"))
    assert (response.status, await response.text()) == (
        400, "bad call state in the action URL: unknown language 'fr'")
    response = await service.post_signed("/twilio/voice", {"From": EMILY, "To": "+15005550006"})
    assert (response.status, await response.text()) == (400, "missing form fields: CallSid")
    assert await service.scalar(select(func.count()).select_from(Message)) == 0


async def test_a_repeated_gather_post_is_answered_once(service):
    call = Call(service, EMILY)
    await call.start()
    action = call.action
    first = await call.say("Where is my order?")
    call.action = action
    again = await call.say("Where is my order?")
    assert again == [gather([], expect="menu", step=2)] != first
    assert await service.scalar(select(func.count()).select_from(Message).where(
        Message.body == "Where is my order?")) == 1


class Rows(HTMLParser):
    """The text of each table row of a page, cell by cell."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


async def test_the_console_shows_the_calls_transcript_with_what_was_heard(service):
    call = Call(service, EMILY)
    await call.start()
    await call.say("Where is my order? <b>now</b>", 0.8764)
    await service.post_signed("/twilio/status", twilio_fixture(
        "voice_status_completed", From=EMILY, CallSid=call.sid))
    conversation_id = await service.scalar(select(Conversation.id))
    await service.sign_in("lead")
    response = await service.client.get(f"/console/conversations/{conversation_id}")
    assert response.status == 200
    page = await response.text()
    assert "<b>now</b>" not in page  # a caller's words are shown as text, never as markup
    rows = Rows()
    rows.feed(page)
    [header, greeted, welcome, heard, answer, status_header, completed] = rows.rows[-7:]
    assert header == ["Time (UTC)", "Channel", "", "Text", "Heard with", "Intent", "Decisions",
                      "Delivery"]
    assert greeted == ["2026-11-26 15:00:00", "voice", "customer", "(call started)", "", "",
                       "call_greet: voice.incoming_call", ""]
    assert welcome[1:4] == ["voice", "service", WELCOME]
    assert welcome[7] == "in the webhook response"          # said in the TwiML
    assert heard[1:6] == ["voice", "customer", "Where is my order? <b>now</b>",
                          "0.88 confidence", heard[5]]
    assert heard[5].startswith("order_status (")
    assert "in_transit: delivery.in_transit_on_time" in heard[6]
    assert answer[3] == f"{EMILY_ORDER_ALOUD} {ANYTHING_ELSE}"
    assert completed == ["2026-11-26 15:00:00", call.sid, "completed", "74 s"]
    missing = await service.client.get("/console/conversations/999")
    assert (missing.status, await missing.text()) == (404, "no conversation 999")


async def test_a_caller_without_caller_id_is_helped_by_keypad_and_gets_no_text(service):
    call = Call(service, "anonymous")
    await call.start()
    conversation = await service.scalar(select(Conversation))
    assert conversation.customer_address == f"unknown:{call.sid}"
    for _ in range(3):
        await call.silence()
    await service.dispatch()
    assert service.twilio.sent == []


async def test_a_spanish_call_is_prompted_and_read_back_in_spanish(service):
    call = Call(service, LANDLINE)
    await call.start()
    await call.press("2")
    assert await call.silence() == [gather(
        [("es-US", "Perdón, no escuché nada. ¿En qué puedo ayudarle? Puede decirlo, o marcar "
                   "su número de pedido y luego oprimir la tecla numeral.")],
        lang="es", tries=1, step=3)]
    assert await call.press("11290345214418830") == [gather(
        [("es-US", "Entendí 1 1 2, 9 0 3, 4 5 2 1, 4 4 1, 8 8 3 0. ¿Es correcto? Diga sí u "
                   "oprima 1. Diga no u oprima 2.")],
        lang="es", expect="confirm", step=4, held="112-9034521-4418830")]
    assert await call.say("sí") == [gather(
        [("es-US", "Gracias. Para proteger su privacidad, diga o marque el código postal de "
                   "envío del pedido.")], lang="es", step=5)]


async def test_a_caller_known_to_speak_spanish_is_greeted_and_heard_in_spanish(service):
    # Valentina's orders say Spanish: the greeting had been English, and so the recognizer
    call = Call(service, "+15555550113")
    [(verb, attributes, _, nested)] = await call.start()
    assert verb == "Gather" and attributes["language"].startswith("es")
    spoken = [(tag["language"], text) for _, tag, text, _ in nested]
    assert spoken[0][0] == "es-US" and spoken[0][1].startswith("Gracias por llamar")
    assert ("en-US", "For English, press 1.") in spoken
    [(_, attributes, _, nested)] = await call.say("dónde están mis focos")
    assert attributes["language"].startswith("es")
    assert "todavía no se ha enviado" in " ".join(text for _, _, text, _ in nested)


async def test_a_number_after_a_filler_answers_the_question(service):
    # "uh two" had been no answer, and "yeah" after it sent the return to the seller
    call = Call(service, "+15555550102")   # James: a skillet delivered in the holiday window
    await call.start()
    await call.say("uh i want to return the skillet")
    [(_, _, _, nested)] = await call.say("uh two")
    spoken = " ".join(text for _, _, text, _ in nested)
    assert "is authorized" in spoken and "Why are you sending it back" not in spoken


async def test_items_named_in_answer_to_which_order_are_all_that_is_asked(service):
    # "bueno, dos focos nada más" chose the order and had cancelled all of it, night lights too
    call = Call(service, "+15555550113")   # Valentina: bulbs and night lights, not shipped
    await call.start()
    [(_, _, _, nested)] = await call.say("quiero cancelar un pedido")
    assert "Opción 1" in " ".join(text for _, _, text, _ in nested)
    [(_, _, _, nested)] = await call.say("bueno dos focos nada mas")
    assert "cancele solo lo que usted pidió" in " ".join(text for _, _, text, _ in nested)
    outcomes = await service.scalars(select(Decision.outcome).order_by(Decision.id))
    assert "case_partial_cancellation" in outcomes and "case_cancellation" not in outcomes
