"""A local fake of Twilio's Messages REST API: checks Basic auth and the form fields as
Twilio does (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource)
and records what it accepted. Can be told to fail the next N requests with a 5xx."""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class TwilioFake:
    account_sid: str
    auth_token: str
    sent: list[dict] = field(default_factory=list)
    requests: int = 0
    fail_next: int = 0
    fail_status: int = 503
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self.create_message)
        return app

    def _error(self, status: int, code: int, message: str) -> web.Response:
        return web.json_response({"code": code, "message": message, "status": status,
                                  "more_info": f"https://www.twilio.com/docs/errors/{code}"},
                                 status=status)

    async def create_message(self, request: web.Request) -> web.Response:
        self.requests += 1
        expected = "Basic " + base64.b64encode(
            f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return self._error(401, 20003, "Authenticate")
        if request.match_info["sid"] != self.account_sid:
            return self._error(404, 20404, "The requested resource was not found")
        if self.fail_next:
            self.fail_next -= 1
            return self._error(self.fail_status, 20500, "Internal Server Error")
        form = await request.post()
        if not form.get("To"):
            return self._error(400, 21604, "A 'To' phone number is required.")
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return self._error(400, 21603, "A 'From' phone number is required.")
        if not form.get("Body") and not form.get("MediaUrl"):
            return self._error(400, 21602, "Message body is required.")
        if len(str(form.get("Body", ""))) > 1600:
            return self._error(400, 21617, "The concatenated message body exceeds the 1600 "
                                           "character limit.")
        sid = f"SM{next(self._ids):032x}"
        record = {"sid": sid, **{k: str(v) for k, v in form.items()}}
        self.sent.append(record)
        return web.json_response({
            "sid": sid, "account_sid": self.account_sid, "to": record["To"],
            "from": record.get("From"), "body": record.get("Body"), "status": "queued",
            "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }, status=201)
