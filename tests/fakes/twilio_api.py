"""A local fake of Twilio's Messages REST API: checks Basic auth and the form fields as
Twilio does (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource)
and records what it accepted. Can be told to fail the next N requests with a 5xx."""

from __future__ import annotations

import base64
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

from aiohttp import web


@dataclass
class TwilioFake:
    account_sid: str
    auth_token: str
    sent: list[dict] = field(default_factory=list)
    requests: int = 0
    fail_next: int = 0
    fail_status: int = 503
    # A 5xx after the message was created: Twilio's own warning about retrying a POST
    # (https://www.twilio.com/docs/api/errors/20500).
    fail_after_create: bool = False
    # Twilio's clock: the tests' fixed clock when a test moves time.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self.create_message)
        app.router.add_get("/2010-04-01/Accounts/{sid}/Messages.json", self.list_messages)
        return app

    def _turned_away(self, request: web.Request) -> web.Response | None:
        """Refused as Twilio refuses (Basic auth, the account), or failed as the test asked
        before anything is done; None to go on."""
        expected = "Basic " + base64.b64encode(
            f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return self._error(401, 20003, "Authenticate")
        if request.match_info["sid"] != self.account_sid:
            return self._error(404, 20404, "The requested resource was not found")
        if self.fail_next and not self.fail_after_create:
            self.fail_next -= 1
            return self._error(self.fail_status, 20500, "Internal Server Error")
        return None

    def _resource(self, record: dict) -> dict:
        sid = record["sid"]
        return {
            "sid": sid, "account_sid": self.account_sid, "to": record["To"],
            "from": record.get("From"), "body": record.get("Body"), "status": "queued",
            "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01",
            "date_created": record["date_created"], "date_updated": record["date_created"],
            "date_sent": None,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }

    async def list_messages(self, request: web.Request) -> web.Response:
        turned_away = self._turned_away(request)
        if turned_away is not None:
            return turned_away
        query = request.query
        size = min(int(query.get("PageSize", 50)), 1000)
        found = [r for r in reversed(self.sent)
                 if query.get("To") in (None, r["To"]) and query.get("From") in (None, r.get("From"))]
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        return web.json_response({
            "messages": [self._resource(r) for r in found[:size]], "page": 0,
            "page_size": size, "start": 0, "end": min(size, len(found)) - 1, "uri": uri,
            "first_page_uri": uri, "next_page_uri": None, "previous_page_uri": None})

    def _error(self, status: int, code: int, message: str) -> web.Response:
        return web.json_response({"code": code, "message": message, "status": status,
                                  "more_info": f"https://www.twilio.com/docs/errors/{code}"},
                                 status=status)

    async def create_message(self, request: web.Request) -> web.Response:
        self.requests += 1
        turned_away = self._turned_away(request)
        if turned_away is not None:
            return turned_away
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
        record = {"sid": sid, **{k: str(v) for k, v in form.items()},
                  "date_created": format_datetime(self.clock(), usegmt=True)}
        self.sent.append(record)
        if self.fail_next:
            self.fail_next -= 1
            return self._error(self.fail_status, 20500, "Internal Server Error")
        return web.json_response(self._resource(record), status=201)
