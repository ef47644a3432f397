"""Service settings, read once from the environment (and an optional `.env` file)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from dotenv import dotenv_values

DEFAULT_DB_URL = "sqlite+aiosqlite:///./csba.sqlite3"
TWILIO_API_URL = "https://api.twilio.com"


def parse_host_port(value: str, *, default_host: str = "127.0.0.1") -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep:
        host, port = default_host, value
    try:
        number = int(port)
    except ValueError:
        raise ValueError(f"expected HOST:PORT, got {value!r}") from None
    return host.strip("[]") or default_host, number


@dataclass(frozen=True)
class Settings:
    db_url: str = DEFAULT_DB_URL
    http_listen: str = "127.0.0.1:8080"
    smtp_listen: str = "127.0.0.1:2525"
    public_url: str = "http://127.0.0.1:8080"
    marketplace: str = "US"
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_api_url: str = TWILIO_API_URL
    sms_from: str = ""
    mail_domain: str = "support.localhost"
    support_address: str = ""
    smtp_relay: str = "127.0.0.1:25"
    max_message_bytes: int = 10 * 1024 * 1024
    max_attachment_bytes: int = 5 * 1024 * 1024
    smtp_max_recipients: int = 20
    smtp_max_line_bytes: int = 10_000
    smtp_idle_timeout_seconds: float = 300.0
    smtp_max_connections: int = 100
    smtp_tls_cert: str = ""
    smtp_tls_key: str = ""
    auto_replies_per_hour: int = 5
    dkim_key_file: str = ""
    dkim_selector: str = ""
    outbox_poll_seconds: float = 1.0
    sweep_interval_seconds: float = 60.0
    log_format: str = "json"
    workers: int = 1

    @property
    def intake_address(self) -> str:
        """The customer intake mailbox: `CSBA_SUPPORT_ADDRESS`, else support@<mail domain>."""
        return (self.support_address or f"support@{self.mail_domain}").lower()

    @property
    def twilio_configured(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token)

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
    ) -> Settings:
        merged: dict[str, str] = {}
        if env_file is not None and env_file.is_file():
            merged.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        merged.update(os.environ if environ is None else environ)
        found: dict[str, object] = {}
        for name, kind in _FIELDS.items():
            raw = merged.get(f"CSBA_{name.upper()}")
            if raw is None or raw == "":
                continue
            try:
                found[name] = kind(raw)
            except ValueError:
                raise ValueError(f"CSBA_{name.upper()}: cannot read {raw!r} as {kind.__name__}") from None
        return cls(**found)


_FIELDS: dict[str, type] = {
    "db_url": str,
    "http_listen": str,
    "smtp_listen": str,
    "public_url": str,
    "marketplace": str,
    "twilio_account_sid": str,
    "twilio_auth_token": str,
    "twilio_api_url": str,
    "sms_from": str,
    "mail_domain": str,
    "support_address": str,
    "smtp_relay": str,
    "max_message_bytes": int,
    "max_attachment_bytes": int,
    "smtp_max_recipients": int,
    "smtp_max_line_bytes": int,
    "smtp_idle_timeout_seconds": float,
    "smtp_max_connections": int,
    "smtp_tls_cert": str,
    "smtp_tls_key": str,
    "auto_replies_per_hour": int,
    "dkim_key_file": str,
    "dkim_selector": str,
    "outbox_poll_seconds": float,
    "sweep_interval_seconds": float,
    "log_format": str,
    "workers": int,
}
