from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from claimops.clock import utcnow
from claimops.db import Base, Money, UTCDateTime


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    authority_limit: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Every token carries the version it was issued under; bumping it (new password, deactivation)
    # revokes all of the user's tokens at once.
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class RevokedToken(Base):
    """Tokens logged out before they expire; a row can go once its token has expired anyway."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginThrottle(Base):
    """Failed logins per account name or per client address, in the database so that every server
    worker sees the same counts."""

    __tablename__ = "login_throttle"

    scope: Mapped[str] = mapped_column(String(8), primary_key=True)  # "account" or "address"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class AccessLog(Base):
    """Who read which claim's or policy's personal data, when and from where."""

    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_user_at", "user_id", "at"),
        Index("ix_access_log_claim_at", "claim_id", "at"),
        Index("ix_access_log_policy_at", "policy_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"), nullable=True)
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("policies.id"), nullable=True)
    what: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(64), default="")
