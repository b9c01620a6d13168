"""Delivery settings, read from CLAIMOPS_* environment variables like the rest of the configuration."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class NotifySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLAIMOPS_", extra="ignore")

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_from: str = "claims@claimops.example"
    smtp_timeout_seconds: float = 10.0
    portal_url: str = "http://127.0.0.1:8000/portal"
    notify_max_attempts: int = Field(default=6, ge=1)
    notify_backoff_seconds: int = Field(default=60, ge=1)
    notify_backoff_cap_seconds: int = Field(default=6 * 3600, ge=1)
