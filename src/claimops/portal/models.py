from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from claimops.db import Base, UTCDateTime


class OneTimeCode(Base):
    """A sign-in code for a claim number: only its hash is kept; used once, expires."""

    __tablename__ = "portal_codes"
    __table_args__ = (Index("ix_portal_codes_claim", "claim_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    code_hash: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PortalRevokedToken(Base):
    """Customer tokens logged out before they expire."""

    __tablename__ = "portal_revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
