"""The sellers' JSON API at /api/v1/: each request carries a seller's key
(`Authorization: Bearer csba_...`, from `csba sellers api-key`), and acts for that seller only.
Products and orders are upserted with the validation of data set format v1 (`bot.dataset`);
shipment events keep answers current; the enrollment can be read, started and ended."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy import Connection

from bot.app_keys import CLOCK, DATABASE, ENGINE
from bot.dataset import DatasetError, order_values, product_values
from bot.seller_accounts import account, enroll, opt_out, seller_for_key
from storage import orders as order_store

SELLER = web.RequestKey("seller_id", str)
MAX_BATCH = 1000


def _error(status: type[web.HTTPException], message: str) -> web.HTTPException:
    return status(text=json.dumps({"error": message}), content_type="application/json")


@web.middleware
async def seller_key(request: web.Request,
                     handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                     ) -> web.StreamResponse:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key:
        raise _error(web.HTTPUnauthorized, "send your API key as 'Authorization: Bearer <key>'")
    seller_id = await request.config_dict[DATABASE].run(
        lambda connection: seller_for_key(connection, key.strip()))
    if seller_id is None:
        raise _error(web.HTTPUnauthorized, "unknown or revoked API key")
    request[SELLER] = seller_id
    return await handler(request)


async def _body(request: web.Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise _error(web.HTTPBadRequest, "the body is not JSON") from None


def _list(body: Any, name: str) -> list[dict]:
    items = body.get(name) if isinstance(body, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise _error(web.HTTPBadRequest, f'send {{"{name}": [...]}}')
    if len(items) > MAX_BATCH:
        raise _error(web.HTTPRequestEntityTooLarge, f"at most {MAX_BATCH} {name} per request")
    return items


async def _write(request: web.Request, work: Callable[[Connection, datetime], Any]) -> Any:
    """One transaction; a validation error anywhere writes nothing and answers 400."""
    now = request.config_dict[CLOCK].now()
    try:
        return await request.config_dict[DATABASE].run(lambda connection: work(connection, now))
    except DatasetError as exc:
        raise _error(web.HTTPBadRequest, str(exc)) from None


async def put_products(request: web.Request) -> web.Response:
    seller_id = request[SELLER]
    products = _list(await _body(request), "products")

    def upsert(connection: Connection, now: datetime) -> int:
        for raw in products:
            values = product_values({**raw, "seller_id": raw.get("seller_id", seller_id)})
            if values["seller_id"] != seller_id:
                raise DatasetError(f"product {values['asin']}: not your seller ID")
            owner = order_store.product_owner(connection, values["asin"])
            if owner not in (None, seller_id):
                raise DatasetError(f"product {values['asin']} belongs to another seller")
            order_store.upsert_product(connection, values)
        return len(products)

    return web.json_response({"upserted": await _write(request, upsert)})


async def put_orders(request: web.Request) -> web.Response:
    seller_id = request[SELLER]
    orders = _list(await _body(request), "orders")

    def upsert(connection: Connection, now: datetime) -> int:
        for raw in orders:
            values, items = order_values(connection,
                                         {**raw, "seller_id": raw.get("seller_id", seller_id)})
            if values["seller_id"] != seller_id:
                raise DatasetError(f"order {values['order_id']}: not your seller ID")
            owner = order_store.order_owner(connection, values["order_id"])
            if owner not in (None, seller_id):
                raise DatasetError(f"order {values['order_id']} belongs to another seller")
            order_store.upsert_order(connection, values, items)
        return len(orders)

    return web.json_response({"upserted": await _write(request, upsert)})


def _when(value: Any, field: str, default: datetime) -> datetime:
    if value is None:
        return default
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise _error(web.HTTPBadRequest, f"{field} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise _error(web.HTTPBadRequest, f"{field} needs a time zone offset")
    return parsed


async def post_shipment(request: web.Request) -> web.Response:
    """The seller shipped the order: carrier, tracking number and when."""
    body = await _body(request)
    if not isinstance(body, dict) or not body.get("carrier") or not body.get("tracking_number"):
        raise _error(web.HTTPBadRequest, "send carrier and tracking_number")
    return await _order_event(request, lambda now: {
        "status": "Shipped", "carrier": str(body["carrier"])[:64],
        "tracking_number": str(body["tracking_number"])[:64],
        "shipped_at": _when(body.get("shipped_at"), "shipped_at", now)})


async def post_delivery(request: web.Request) -> web.Response:
    body = await _body(request) if request.can_read_body else {}
    when = body.get("delivered_at") if isinstance(body, dict) else None
    return await _order_event(request, lambda now: {
        "status": "Delivered", "delivered_at": _when(when, "delivered_at", now)})


async def _order_event(request: web.Request, values: Callable[[datetime], dict]) -> web.Response:
    seller_id, order_id = request[SELLER], request.match_info["order_id"]
    now = request.config_dict[CLOCK].now()
    changes = values(now)

    def apply(connection: Connection, _now: datetime) -> bool:
        if order_store.order_owner(connection, order_id) != seller_id:
            return False
        order_store.update_order(connection, order_id, **changes)
        return True

    if not await _write(request, apply):
        raise _error(web.HTTPNotFound, f"no order {order_id} of yours")
    return web.json_response({"order_id": order_id, **{
        k: v.isoformat() if isinstance(v, datetime) else v for k, v in changes.items()}})


async def get_enrollment(request: web.Request) -> web.Response:
    policy = request.config_dict[ENGINE].policy
    found = await request.config_dict[DATABASE].run(
        lambda connection: account(connection, request[SELLER], policy))
    return web.json_response(found.as_json())


async def post_enrollment(request: web.Request) -> web.Response:
    body = await _body(request)
    accepted = isinstance(body, dict) and body.get("accept_terms") is True
    return await _enrollment(request, lambda connection, now, policy: enroll(
        connection, request[SELLER], policy, now, terms_accepted=accepted, by="api"))


async def delete_enrollment(request: web.Request) -> web.Response:
    return await _enrollment(request, lambda connection, now, policy: opt_out(
        connection, request[SELLER], policy, now, by="api"))


async def _enrollment(request: web.Request, act) -> web.Response:
    policy = request.config_dict[ENGINE].policy
    decision = await _write(request, lambda connection, now: act(connection, now, policy))
    body = {"outcome": decision.outcome, "reasons": list(decision.reasons)}
    if decision.outcome in ("enrolled", "opted_out"):
        return web.json_response(body)
    return web.json_response(body, status=409)


def create_api() -> web.Application:
    api = web.Application(middlewares=[seller_key])
    api.add_routes([
        web.put("/products", put_products), web.put("/orders", put_orders),
        web.post("/orders/{order_id}/shipment", post_shipment),
        web.post("/orders/{order_id}/delivery", post_delivery),
        web.get("/enrollment", get_enrollment), web.post("/enrollment", post_enrollment),
        web.delete("/enrollment", delete_enrollment),
    ])
    return api
