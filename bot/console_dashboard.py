"""The leads' dashboard: the figures of `bot.figures` over the last N days as server-rendered
SVG charts and tables, and the same figures as CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from aiohttp import web

from bot import charts
from bot.app_keys import DATABASE, ENGINE
from bot.console_auth import LEAD_ROLES, render, require_role
from bot.figures import Figures, compute, months_back
from storage import figures as rows


async def _figures(request: web.Request) -> tuple[Figures, int]:
    try:
        days = min(max(int(request.query.get("days", "30")), 1), 366)
    except ValueError:
        raise web.HTTPBadRequest(text="days is not a number") from None
    engine = request.config_dict[ENGINE]
    policy = engine.policy
    now = engine.clock.now()
    zone = policy.timezone
    today = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    since, until = today - timedelta(days=days - 1), today + timedelta(days=1)
    fee_since, fee_until = months_back(now, policy.fees.months, zone)

    def read(connection):
        return compute(
            rows.customer_messages(connection, since, until),
            rows.conversations_with_help(connection, since, until),
            rows.cases_in_window(connection, since, until),
            rows.mfn_units_shipped(connection, fee_since, fee_until),
            rows.customer_messages(connection, fee_since, fee_until),
            rows.orders_at_risk(connection, now - policy.late_after),
            since=since, until=until, zone=zone, fee_policy=policy.fees)

    return await request.config_dict[DATABASE].run(read), days


async def dashboard(request: web.Request) -> web.Response:
    require_role(request, *LEAD_ROLES)
    figures, days = await _figures(request)
    silence = {seller: counts.get("resolved_on_silence", 0)
               for seller, counts in sorted(figures.case_statuses.items())}
    return render(
        request, "console/dashboard.html", figures=figures, days=days,
        by_channel=charts.stacked_days(figures.by_channel, figures.days,
                                       title="Contacts per day by channel"),
        by_language=charts.stacked_days(figures.by_language, figures.days,
                                        title="Contacts per day by language"),
        response=charts.bars({s: round(v[1], 1) for s, v in sorted(
            figures.response_hours.items())}, title="Sellers' median answer time", unit=" h"),
        silence=charts.bars(silence, title="Cases resolved on the seller's silence"))


async def dashboard_csv(request: web.Request) -> web.Response:
    require_role(request, *LEAD_ROLES)
    figures, _ = await _figures(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["figure", "key", "day", "value"])
    for name, series in (("contacts_by_channel", figures.by_channel),
                         ("contacts_by_language", figures.by_language)):
        for key, per_day in sorted(series.items()):
            for day in figures.days:
                writer.writerow([name, key, day.isoformat(), per_day.get(day, 0)])
    writer.writerow(["conversations", "", "", figures.conversations])
    writer.writerow(["automated_conversations", "", "", figures.automated])
    for seller, (answered, median, p90) in sorted(figures.response_hours.items()):
        writer.writerow(["seller_answers", seller, "", answered])
        writer.writerow(["seller_answer_hours_median", seller, "", f"{median:.2f}"])
        writer.writerow(["seller_answer_hours_p90", seller, "", f"{p90:.2f}"])
    for seller, counts in sorted(figures.case_statuses.items()):
        for status, count in sorted(counts.items()):
            writer.writerow([f"cases_{status}", seller, "", count])
    for seller, fee in figures.fees.items():
        writer.writerow(["contacts_3_months", seller, "", fee.contacts])
        writer.writerow(["mfn_units_3_months", seller, "", fee.units])
        writer.writerow(["contacts_per_unit", seller, "",
                         "" if fee.cpu is None else f"{fee.cpu:.4f}"])
        writer.writerow(["fee_per_unit", seller, "", f"{fee.rate}"])
    writer.writerow(["orders_at_risk", "", "", len(figures.at_risk)])
    return web.Response(text=out.getvalue(), content_type="text/csv", headers={
        "Content-Disposition": 'attachment; filename="figures.csv"'})


def routes() -> list[web.RouteDef]:
    return [web.get("/dashboard", dashboard), web.get("/dashboard.csv", dashboard_csv)]
