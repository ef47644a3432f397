"""Monthly fee statements (POLICY.md E), read from the database: contacts (`bot.contacts`) and
units over the previous calendar months set the tier; the covered MFN units shipped in the
month, after the free trial, are billed. On the 1st each enrolled seller gets the previous
month's statement by email, once (a row per seller and month)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from bot.contacts import contacts_per_seller
from bot.facts import seller_from_row
from bot.fees import Statement, fee_rate, units_billed
from bot.figures import months_back
from bot.marketplace import MarketplacePolicy
from bot.outgoing import Outgoing
from bot.seller_accounts import account
from storage import figures as rows
from storage.sellers import all_sellers, insert_statement, statement_sent

log = logging.getLogger(__name__)


def month_bounds(month: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The first moment of the month and of the next, in the marketplace's time zone."""
    try:
        year, number = (int(part) for part in month.split("-"))
        start = datetime(year, number, 1, tzinfo=zone)
    except ValueError:
        raise ValueError(f"a month is YYYY-MM: {month!r}") from None
    following = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=zone)
    return start, following


def previous_month(now: datetime, zone: ZoneInfo) -> str:
    first = now.astimezone(zone).replace(day=1)
    last = first - timedelta(days=1)
    return f"{last.year:04d}-{last.month:02d}"


def monthly_statement(connection: Connection, seller_id: str, month: str,
                      policy: MarketplacePolicy) -> Statement:
    zone = policy.timezone
    start, end = month_bounds(month, zone)
    since, until = months_back(start, policy.fees.months, zone)
    messages = rows.customer_messages(connection, since, until, seller_id=seller_id)
    units = rows.mfn_units_shipped(connection, since, until, seller_id=seller_id).get(
        seller_id, 0)
    rate = fee_rate(contacts_per_seller(messages, zone)[seller_id], units, policy.fees)
    seller = account(connection, seller_id, policy)
    delay = policy.enrollment_delay
    shipped, in_trial = units_billed(
        ((r.purchased_at, r.shipped_at, int(r.units))
         for r in rows.mfn_shipments(connection, seller_id, start, end)),
        lambda placed: any(p.covers(placed, delay) for p in seller.periods),
        seller.trial_ends_at)
    return Statement(seller_id, month, rate, shipped, in_trial, policy.fees.currency)


def send_statements(connection: Connection, month: str, policy: MarketplacePolicy,
                    outgoing: Outgoing, now: datetime) -> list[str]:
    """Queue the month's statement email for every seller enrolled at some time who has not
    had it yet; returns the sellers sent to."""
    sent = []
    for row in all_sellers(connection):
        if not row.enrollment_history or statement_sent(connection, row.id, month):
            continue
        statement = monthly_statement(connection, row.id, month, policy)
        insert_statement(connection, seller_id=row.id, month=month, amount=statement.amount,
                         details=statement.as_dict(), created_at=now)
        outgoing.notify_seller(connection, None, None, "fee_statement", now,
                               seller=seller_from_row(row),
                               statement=statement)
        sent.append(row.id)
    if sent:
        log.info("fee statements for %s queued for %s", month, ", ".join(sent))
    return sent


async def run_statements(db, outgoing: Outgoing, policy: MarketplacePolicy, clock,
                         interval: float, after_send) -> None:
    """The background job: on the 1st (any time that day, so a restart does not miss it)
    every seller gets the previous month's statement, once."""
    while True:
        try:
            now = clock.now()
            if now.astimezone(policy.timezone).day == 1:
                month = previous_month(now, policy.timezone)
                if await db.run(lambda connection, month=month, now=now: send_statements(
                        connection, month, policy, outgoing, now)):
                    after_send()
        except Exception:
            log.exception("fee statements failed; trying again later")
        await asyncio.sleep(interval)
