"""Typed keys for the objects the aiohttp application shares with handlers."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.clock import Clock
from bot.engine import ConversationEngine
from bot.metrics import Metrics
from bot.outbox import Dispatcher
from bot.settings import Settings
from bot.templating import Templates
from storage.db import Database

SETTINGS = web.AppKey("settings", Settings)
CLOCK = web.AppKey("clock", Clock)
DATABASE = web.AppKey("database", Database)
TEMPLATES = web.AppKey("templates", Templates)
ENGINE = web.AppKey("engine", ConversationEngine)
DISPATCHER = web.AppKey("dispatcher", Dispatcher)
SMTP_SOCKETS = web.AppKey("smtp_sockets", list)
METRICS = web.AppKey("metrics", Metrics)
STOPPING = web.AppKey("stopping", asyncio.Event)  # set when the process begins to shut down
