"""Logs as the engineer running the service reads them: one JSON object per line
(python-json-logger) carrying the conversation and case the line is about, taken from context
variables the engine and the sweeper set while they work on one."""

from __future__ import annotations

import logging
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

CONVERSATION: ContextVar[int | None] = ContextVar("conversation_id", default=None)
CASE: ContextVar[int | None] = ContextVar("case_id", default=None)


class WorkContext(logging.Filter):
    """Adds conversation_id and case_id (None outside a turn) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.conversation_id = CONVERSATION.get()
        record.case_id = CASE.get()
        return True


def configure_logging(log_format: str) -> None:
    """`json` (the default for `csba serve`): one object per line with time, level, logger,
    message, conversation_id, case_id and the process (several workers share a log);
    `text` for a terminal."""
    handler = logging.StreamHandler()
    handler.addFilter(WorkContext())
    if log_format == "json":
        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(conversation_id)s %(case_id)s "
            "%(process)d",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    else:
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)
