"""Twilio Programmable Voice webhooks: a call is answered with a greeting and a
<Gather input="speech dtmf">; each gather's speech or digits come back to
/twilio/voice/gather, are decided by `bot.call_flow`, answered by the conversation engine, and
spoken in the next <Gather>. The call's state rides in the gather's action URL, which Twilio
signs with the rest of the request. Call status callbacks arrive at /twilio/status."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy.exc import IntegrityError
from twilio.twiml.voice_response import Gather, VoiceResponse

from bot.app_keys import CLOCK, DATABASE, ENGINE, TEMPLATES
from bot.call_flow import (
    BadCallState,
    CallState,
    CallStep,
    Heard,
    following,
    greeting,
    next_step,
)
from bot.identifiers import to_e164
from bot.messages import Channel, InboundMessage, OutboundMessage
from channels.twilio_sms import require_fields, signed_form, twiml
from storage.calls import record_call_event

log = logging.getLogger(__name__)

GATHER_PATH = "/twilio/voice/gather"
# Seconds of silence before a gather gives up (speech), or between two keys (keypad).
GATHER_TIMEOUT = 5


def caller_of(form: Mapping[str, str]) -> str:
    """The caller's number in E.164; a withheld or unknown caller ID ("anonymous",
    "+266696687", Twilio's placeholder) gives an address for this call only."""
    number = to_e164(form.get("From", ""))
    if number is None or number == "+266696687":
        return f"unknown:{form['CallSid']}"
    return number


async def incoming_call(request: web.Request) -> web.Response:
    form = await signed_form(request)
    require_fields(form, "CallSid", "From", "To")
    engine = request.app[ENGINE]
    step = greeting(engine.policy.default_language)
    state = CallState(step.language, "menu", step=0)
    return await _turn(request, form, state, step, Heard())


async def gathered(request: web.Request) -> web.Response:
    form = await signed_form(request)
    require_fields(form, "CallSid", "From", "To")
    engine = request.app[ENGINE]
    languages = engine.policy.customer_languages
    try:
        state = CallState.from_query(request.query, languages)
    except BadCallState as exc:
        raise web.HTTPBadRequest(text=f"bad call state in the action URL: {exc}") from None
    try:
        confidence = float(form["Confidence"]) if form.get("Confidence") else None
    except ValueError:
        raise web.HTTPBadRequest(text=f"Confidence is not a number: {form['Confidence']!r}") \
            from None
    heard = Heard(speech=form.get("SpeechResult", ""), confidence=confidence,
                  digits=form.get("Digits", ""))
    step = next_step(state, heard, min_confidence=engine.policy.voice.min_confidence,
                     languages=languages)
    return await _turn(request, form, state, step, heard)


async def _turn(request: web.Request, form: Mapping[str, str], state: CallState,
                step: CallStep, heard: Heard) -> web.Response:
    inbound = InboundMessage(
        channel=Channel.VOICE, sender=caller_of(form), recipient=form["To"], text=heard.text,
        external_id=f"{form['CallSid']}/{state.step}", received_at=request.app[CLOCK].now(),
        call=step, speech_confidence=heard.confidence if heard.speech.strip() else None)
    try:
        replies = await request.app[ENGINE].handle(inbound)
    except Exception:
        log.exception("call %s step %s not handled; Twilio will see a 500", form["CallSid"],
                      state.step)
        raise web.HTTPInternalServerError(text="temporary failure, please retry") from None
    if not replies:  # a repeated request for a step already answered: listen again
        return twiml(_listen(request, VoiceResponse(), state))
    return twiml(respond(request, step, state, replies[0]))


def respond(request: web.Request, step: CallStep, state: CallState,
            reply: OutboundMessage) -> VoiceResponse:
    """The answer spoken inside the next gather, or before hanging up."""
    language = reply.language or step.language
    then = following(step, state, reply.said, language)
    response = VoiceResponse()
    speech_language = _speech_language(request, language)
    if then is None:
        response.say(reply.body, language=speech_language)
        response.hangup()
        return response
    gather = _gather(request, then)
    gather.say(reply.body, language=speech_language)
    if step.action == "greet":
        _language_choices(request, gather, language)
    response.append(gather)
    return response


def _listen(request: web.Request, response: VoiceResponse, state: CallState) -> VoiceResponse:
    response.append(_gather(request, CallState(state.language, state.expecting, state.tries,
                                               state.held, state.step + 1)))
    return response


def _gather(request: web.Request, state: CallState) -> Gather:
    voice = request.app[ENGINE].policy.voice
    return Gather(input="speech dtmf", action=f"{GATHER_PATH}?{urlencode(state.query())}",
                  method="POST", language=voice.speech_languages[state.language],
                  hints=voice.hints[state.language], speech_timeout="auto",
                  timeout=GATHER_TIMEOUT, action_on_empty_result=True)


def _language_choices(request: web.Request, gather: Gather, language: str) -> None:
    """"For Spanish, press 2", each said in its own language and voice."""
    engine = request.app[ENGINE]
    for other in engine.policy.customer_languages:
        if other != language:
            text = request.app[TEMPLATES].render("voice/language_choice.txt", other,
                                                 choice=other)
            gather.say(text, language=_speech_language(request, other))


def _speech_language(request: web.Request, language: str) -> str:
    return request.app[ENGINE].policy.voice.speech_languages[language]


async def call_status(request: web.Request, form: Mapping[str, str]) -> web.Response:
    """A Voice status callback (initiated, ringing, in-progress, completed, busy, no-answer,
    failed, canceled); /twilio/status hands over the ones that carry CallStatus."""
    require_fields(form, "CallSid", "CallStatus")
    try:
        duration = int(form["CallDuration"]) if form.get("CallDuration") else None
    except ValueError:
        raise web.HTTPBadRequest(text=f"CallDuration is not a number: "
                                      f"{form['CallDuration']!r}") from None
    caller = caller_of(form) if form.get("From") else None
    try:
        await request.app[DATABASE].run(lambda connection: record_call_event(
            connection, form["CallSid"], form["CallStatus"], caller, duration,
            request.app[CLOCK].now()))
    except IntegrityError:
        log.info("call status %s/%s already recorded", form["CallSid"], form["CallStatus"])
    return web.Response(status=204)


def routes() -> list[web.RouteDef]:
    return [web.post("/twilio/voice", incoming_call), web.post(GATHER_PATH, gathered)]
