"""Twilio status callbacks at /twilio/status: delivery reports of the texts we sent
(MessageStatus) and the progress of calls (CallStatus), both signed like every webhook."""

from __future__ import annotations

from aiohttp import web

from bot.app_keys import CLOCK, DATABASE
from bot.outbox import record_delivery_report
from channels.twilio_sms import signed_form
from channels.twilio_voice import call_status


async def status_callback(request: web.Request) -> web.Response:
    form = await signed_form(request)
    if form.get("CallStatus") and not (form.get("MessageStatus") or form.get("SmsStatus")):
        return await call_status(request, form)
    sid = form.get("MessageSid") or form.get("SmsSid")
    status = form.get("MessageStatus") or form.get("SmsStatus")
    if not sid or not status:
        raise web.HTTPBadRequest(text="missing MessageSid or MessageStatus")
    await record_delivery_report(request.app[DATABASE], request.app[CLOCK].now(), sid, status,
                                 form.get("ErrorCode"))
    return web.Response(status=204)


def routes() -> list[web.RouteDef]:
    return [web.post("/twilio/status", status_callback)]
