"""The seller's case log in the console: a signed-in seller sees their own cases (open ones
first, by deadline, with the time left), each case's conversation excerpt and log, and answers
from the page as they would by email. Leads see every seller's cases, and can withdraw a case
or translate an answer held for translation. A seller asking for another seller's case gets
404, as for a case that does not exist."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from aiohttp import web
from sqlalchemy import Connection, Row

from bot.accounts import SignedIn
from bot.app_keys import DATABASE, ENGINE
from bot.cases import AWAITING_TRANSLATION, OPEN, OPEN_STATUSES
from bot.console_auth import (
    LEAD_ROLES,
    checked_form,
    current_user,
    lead_action,
    number_in_path,
    render,
    require_role,
)
from bot.orders import load_order
from bot.redaction import without_contact_details
from storage.cases import case_by_id, case_log, cases_of_seller
from storage.conversations import insert_message
from storage.returns import attachment_content, attachments_of
from storage.users import audit

MAX_ANSWER = 5000


class TimeLeft(NamedTuple):
    """Until a deadline, or past it: said by the `left` macro of templates/console/_time.html
    in the reader's language ("5 h 12 min left", "overdue by 2 h 3 min")."""

    late: bool
    hours: int
    minutes: int


def time_left(deadline: datetime, now: datetime) -> TimeLeft:
    delta = deadline - now
    hours, minutes = divmod(int(abs(delta).total_seconds() // 60), 60)
    return TimeLeft(delta < timedelta(0), hours, minutes)


def _visible_case(connection: Connection, case_id: int, user: SignedIn) -> Row | None:
    case = case_by_id(connection, case_id)
    if case is None or (user.is_seller and case.seller_id != user.seller_id):
        return None
    return case


def _case_id(request: web.Request) -> int:
    return number_in_path(request, "id", "no such case")


async def case_list(request: web.Request) -> web.Response:
    user = require_role(request, "seller", *LEAD_ROLES)
    cases = await request.config_dict[DATABASE].run(
        lambda connection: cases_of_seller(connection, user.seller_id if user.is_seller
                                           else None, OPEN_STATUSES))
    now = request.config_dict[ENGINE].clock.now()
    return render(request, "console/cases.html", cases=cases, open_statuses=OPEN_STATUSES,
                  time_left=lambda case: time_left(case.deadline_at, now))


async def case_page(request: web.Request) -> web.Response:
    user = require_role(request, "seller", *LEAD_ROLES)
    case_id = _case_id(request)

    def read(connection: Connection):
        case = _visible_case(connection, case_id, user)
        if case is None:
            return None
        return (case, load_order(connection, case.order_id), case_log(connection, case.id),
                attachments_of(connection, case.conversation_id))

    found = await request.config_dict[DATABASE].run(read)
    if found is None:
        raise web.HTTPNotFound(text="no such case")
    case, order, log, attachments = found
    engine = request.config_dict[ENGINE]
    now = engine.clock.now()
    held = next((e.body for e in reversed(log) if e.kind == "seller_reply"), "") \
        if case.status == AWAITING_TRANSLATION else ""
    return render(request, "console/case.html", case=case, order=order, log=log,
                  attachments=attachments,
                  excerpt=without_contact_details(case.customer_text), held=held,
                  is_open=case.status in OPEN_STATUSES, can_answer=case.status == OPEN,
                  time_left=time_left(case.deadline_at, now),
                  reply_address=engine.outgoing.case_address(case),
                  tz=order.seller.timezone or str(engine.policy.timezone))


async def attachment(request: web.Request) -> web.Response:
    """A photo or file the customer sent, for whoever may see the case. Served as the type it
    was kept as (the intake keeps images, video, PDF and text only), never sniffed, and as a
    download unless it is an image."""
    user = require_role(request, "seller", *LEAD_ROLES)
    case_id = _case_id(request)
    attachment_id = number_in_path(request, "attachment", "no such file")

    def read(connection: Connection):
        case = _visible_case(connection, case_id, user)
        return None if case is None else attachment_content(connection, attachment_id,
                                                              case.conversation_id)

    found = await request.config_dict[DATABASE].run(read)
    if found is None or found.content is None:
        raise web.HTTPNotFound(text="no such file")
    inline = found.content_type.startswith("image/") and found.content_type != "image/svg+xml"
    name = (found.filename or f"attachment-{found.id}").replace('"', "")
    return web.Response(body=found.content, content_type=found.content_type, headers={
        "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{name}"',
        "X-Content-Type-Options": "nosniff"})


async def answer_case(request: web.Request) -> web.Response:
    """The seller's answer from the page: stored like an emailed reply and read the same way
    (decision words, tracking numbers, free text)."""
    user = require_role(request, "seller")
    form = await checked_form(request)
    text = form.get("answer", "").strip()
    if not text:
        raise web.HTTPBadRequest(text="the answer is empty")
    if len(text) > MAX_ANSWER:
        raise web.HTTPBadRequest(text=f"the answer is longer than {MAX_ANSWER} characters")
    case_id = _case_id(request)
    engine = request.config_dict[ENGINE]

    def answer(connection: Connection, now: datetime) -> bool:
        case = _visible_case(connection, case_id, user)
        if case is None:
            return False
        message_id = insert_message(
            connection, conversation_id=case.conversation_id, case_id=case.id,
            direction="in", channel="web", sender=user.email,
            recipient=engine.outgoing.case_address(case), subject=None, body=text,
            external_id=None, language=None, created_at=now)
        audit(connection, user.user_id, "case_answered", f"case {case.id}", now)
        engine.desk.take_answer(connection, case, load_order(connection, case.order_id),
                                text, user.email, message_id, now)
        return True

    if not await engine.act(answer):
        raise web.HTTPNotFound(text="no such case")
    raise web.HTTPSeeOther(f"/console/cases/{case_id}")


def _translate(connection: Connection, case, user, form, now: datetime, engine) -> str | None:
    translation = form.get("translation", "").strip()
    if not translation:
        raise web.HTTPBadRequest(text="the translation is empty")
    if case.status != AWAITING_TRANSLATION:
        return f"case {case.id} holds no answer waiting for a translation"
    engine.desk.translate(connection, case, translation, user.email, now)
    return None


def _withdraw(connection: Connection, case, user, form, now: datetime, engine) -> str | None:
    if case.status not in OPEN_STATUSES:
        return f"case {case.id} is already closed"
    engine.desk.withdraw(connection, case, user.email, "lead", now)
    return None


def routes() -> list[web.RouteDef]:
    return [web.get("/cases/", case_list), web.get("/cases/{id}", case_page),
            web.get("/cases/{id}/attachments/{attachment}", attachment),
            web.post("/cases/{id}/answer", answer_case),
            web.post("/cases/{id}/translate",
                     lead_action("case", "case_translated", case_by_id, _translate)),
            web.post("/cases/{id}/withdraw",
                     lead_action("case", "case_withdrawn", case_by_id, _withdraw))]


__all__ = ["current_user", "routes", "time_left"]
