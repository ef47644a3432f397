"""Twilio Programmable Messaging webhooks: incoming SMS answered with TwiML. Every Twilio
request must carry a valid `X-Twilio-Signature` for our public URL (`signed_form`)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from aiohttp import web
from twilio.request_validator import RequestValidator, compare
from twilio.twiml.messaging_response import MessagingResponse

from bot.app_keys import CLOCK, ENGINE, SETTINGS
from bot.identifiers import to_e164
from bot.messages import Channel, InboundAttachment, InboundMessage

log = logging.getLogger(__name__)

TWIML = "application/xml"


async def signed_form(request: web.Request) -> Mapping[str, str]:
    """The POSTed form, after checking Twilio's signature over our public URL and the
    parameters (https://www.twilio.com/docs/usage/webhooks/webhooks-security)."""
    settings = request.app[SETTINGS]
    if not settings.twilio_auth_token:
        raise web.HTTPServiceUnavailable(text="Twilio is not configured: set CSBA_TWILIO_AUTH_TOKEN")
    form = await request.post()
    params = {key: str(value) for key, value in form.items()}
    signature = request.headers.get("X-Twilio-Signature")
    if not signature:
        raise web.HTTPForbidden(text="missing X-Twilio-Signature")
    url = settings.public_url.rstrip("/") + request.path_qs
    validator = RequestValidator(settings.twilio_auth_token)
    # One HMAC for the usual case; the validator's full check also tries the URL with its
    # default port, which Twilio's signing sometimes includes.
    if not (compare(validator.compute_signature(url, params), signature)
            or validator.validate(url, params, signature)):
        log.warning("rejected %s with a bad Twilio signature", request.path)
        raise web.HTTPForbidden(text="invalid X-Twilio-Signature")
    return params


def require_fields(form: Mapping[str, str], *names: str) -> None:
    """400 naming every field a Twilio form lacks."""
    missing = [name for name in names if not form.get(name)]
    if missing:
        raise web.HTTPBadRequest(text=f"missing form fields: {', '.join(missing)}")


def media(form: Mapping[str, str]) -> tuple[InboundAttachment, ...]:
    """MMS photos: Twilio posts NumMedia and MediaUrl<i>/MediaContentType<i> for each."""
    try:
        count = int(form.get("NumMedia") or 0)
    except ValueError:
        raise web.HTTPBadRequest(text=f"NumMedia is not a number: {form['NumMedia']!r}") from None
    return tuple(
        InboundAttachment(content_type=form.get(f"MediaContentType{i}") or "application/octet-stream",
                          url=form[f"MediaUrl{i}"])
        for i in range(min(count, 10)) if form.get(f"MediaUrl{i}"))


def twiml(response: MessagingResponse) -> web.Response:
    return web.Response(text=str(response), content_type=TWIML)


async def incoming_sms(request: web.Request) -> web.Response:
    form = await signed_form(request)
    require_fields(form, "MessageSid", "From", "To")
    sender = to_e164(form["From"])
    if sender is None:
        raise web.HTTPBadRequest(text=f"From is not a phone number: {form['From']!r}")
    inbound = InboundMessage(
        channel=Channel.SMS, sender=sender, recipient=form["To"], text=form.get("Body", ""),
        external_id=form["MessageSid"], received_at=request.app[CLOCK].now(),
        attachments=media(form),
    )
    try:
        replies = await request.app[ENGINE].handle(inbound)
    except Exception:
        log.exception("SMS %s not handled; Twilio will see a 500", form["MessageSid"])
        raise web.HTTPInternalServerError(text="temporary failure, please retry") from None
    response = MessagingResponse()
    for reply in replies:
        response.message(reply.body)
    return twiml(response)


def routes() -> list[web.RouteDef]:
    return [web.post("/twilio/sms", incoming_sms)]
