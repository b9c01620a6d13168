"""Settings read from the environment (CLAIMOPS_*) once per process."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path.cwd() / "claimops-data"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLAIMOPS_", env_file=".env", extra="ignore")

    database_url: str = ""
    data_dir: Path = Field(default_factory=_default_data_dir)
    secret_key: str = ""
    token_minutes: int = 8 * 60
    language: str = "zh"
    timezone: str = "Asia/Shanghai"

    # Straight-through processing: a clean claim at or under this amount is decided automatically
    # when review starts. Off unless enabled, so every decision has a named person by default.
    stp_enabled: bool = False
    stp_limit: Decimal = Decimal("5000.00")

    # Review red flags
    early_claim_days: int = 30
    late_report_days: int = 30
    frequent_claims_per_year: int = 3
    large_claim_share: Decimal = Decimal("0.5")
    # A risk score (probability from the current risk model) at or above this routes the claim to a
    # person with the HIGH_RISK_SCORE finding; below it the score and its reasons are shown for info.
    risk_threshold: float = Field(default=0.5, ge=0.0, le=1.0)

    # Service levels per stage in days (保险法第二十三条: decide within 30 days, pay within 10 days)
    sla_acceptance_days: int = 1
    sla_investigation_days: int = 30
    sla_review_days: int = 30
    sla_payment_days: int = 10

    # Uploads; any other request body (JSON, forms) is limited to max_body_bytes. Both are refused by
    # their Content-Length before authentication, and a body sent without one is cut off at the limit.
    max_upload_bytes: int = 10 * 1024 * 1024
    max_body_bytes: int = 1024 * 1024

    # A report dated more than this many days back needs a late_report_reason (it moves the KPIs of
    # a closed period); never before the policy's start nor in the future.
    report_max_age_days: int = Field(default=365, ge=1)

    # Database waits, so that no request holds up another beyond them. PostgreSQL: lock_timeout,
    # statement_timeout and idle_in_transaction_session_timeout on every connection (analytics reads
    # and bulk loads get the long statement timeout); SQLite: the busy timeout is the lock timeout.
    # A request that runs into one is answered 503 BUSY with Retry-After.
    db_lock_timeout_seconds: float = Field(default=5.0, gt=0)
    db_statement_timeout_seconds: float = Field(default=30.0, gt=0)
    db_long_statement_timeout_seconds: float = Field(default=600.0, gt=0)
    db_idle_in_transaction_seconds: float = Field(default=60.0, gt=0)
    db_pool_timeout_seconds: float = Field(default=10.0, gt=0)

    # `claimops serve`: requests still running this long after SIGTERM are cancelled.
    shutdown_grace_seconds: int = Field(default=10, ge=1)

    # Logins: an account is locked after this many failures within the window, for the lockout period;
    # a client address that fails this often within the window waits for the window to pass.
    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_minutes: int = Field(default=15, ge=1)
    login_address_max_failures: int = Field(default=20, ge=1)
    login_window_minutes: int = Field(default=15, ge=1)
    password_min_length: int = Field(default=12, ge=8)
    # The session cookie's Secure flag: auto = when the request came over https (uvicorn reads
    # X-Forwarded-Proto from the proxies it trusts, --forwarded-allow-ips).
    cookie_secure: Literal["auto", "true", "false"] = "auto"

    # Default authority limits per role (CNY); a user's own limit overrides.
    authority_handler: Decimal = Decimal("10000")
    authority_reviewer: Decimal = Decimal("50000")
    authority_approver: Decimal = Decimal("1000000")
    authority_manager: Decimal = Decimal("5000000")

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'claimops.db'}"

    @property
    def resolved_secret_key(self) -> str:
        """A configured key, else one kept in the data dir so that all workers share it."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret.key"
        if not path.exists():
            import secrets

            self.data_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(secrets.token_urlsafe(48))
            tmp.replace(path) if not path.exists() else tmp.unlink()
        return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
