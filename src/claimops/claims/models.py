from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from claimops.claims.settlement import against_paid
from claimops.clock import utcnow
from claimops.db import Base, Money, UTCDateTime
from claimops.money import ZERO
from claimops.policies.models import Policy


class Claim(Base):
    __tablename__ = "claims"
    __table_args__ = (
        Index("ix_claims_reported_at", "reported_at"),
        Index("ix_claims_line_reported_at", "line", "reported_at"),
        Index("ix_claims_status", "status"),
        Index("ix_claims_policy_incident", "policy_id", "incident_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_number: Mapped[str] = mapped_column(String(24), unique=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    # Copied from the policy/customer at report time so that reports group without joins.
    line: Mapped[str] = mapped_column(String(16))
    region: Mapped[str] = mapped_column(String(32), default="")
    channel: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(24))
    incident_date: Mapped[date] = mapped_column(Date)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    description: Mapped[str] = mapped_column(Text, default="")
    claimed_amount: Mapped[Decimal] = mapped_column(Money)
    assessed_loss: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    approved_amount: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    paid_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), nullable=True, index=True)
    straight_through: Mapped[bool] = mapped_column(Boolean, default=False)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    risk_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The ledger's head: seq and hash of the last event (claims/ledger.py), kept by the event writer
    ledger_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    ledger_head: Mapped[str] = mapped_column(String(64), default="", server_default="")

    policy: Mapped[Policy] = relationship(lazy="joined")
    events: Mapped[list[ClaimEvent]] = relationship(
        order_by="ClaimEvent.seq", back_populates="claim", lazy="selectin"
    )

    @property
    def payable(self) -> Decimal:
        """What the current decision leaves to pay: its approved total less what has been paid
        (the decision's own `payable` until its payment, zero after it or without a decision)."""
        if self.approved_amount is None:
            return ZERO
        return against_paid(self.approved_amount, self.paid_amount).payable


class ClaimEvent(Base):
    """Append-only: triggers refuse UPDATE, DELETE and TRUNCATE; each event is chained to the one
    before it by `hash` (claims/ledger.py)."""

    __tablename__ = "claim_events"
    __table_args__ = (UniqueConstraint("claim_id", "seq"), Index("ix_claim_events_at", "at"))

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"))
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(24), nullable=True)
    to_status: Mapped[str] = mapped_column(String(24))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    hash: Mapped[str] = mapped_column(String(64), default="", server_default="")

    claim: Mapped[Claim] = relationship(back_populates="events")


class ClaimFinding(Base):
    """The latest automated review of a claim; each review run replaces the claim's findings."""

    __tablename__ = "claim_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    severity: Mapped[str] = mapped_column(String(8))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Decision(Base):
    """The approved amount is the claim's approved total; a decision after a reopening is set against
    what the claim had been paid (paid_before), leaving `payable` to release or `recovery` to record.
    The checks hold in the database too (migration 0004: CHECK constraints on PostgreSQL, triggers on
    SQLite, which cannot add a constraint to an existing table)."""

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint(
            "paid_before >= 0 AND payable >= 0 AND recovery >= 0 AND (payable = 0 OR recovery = 0)",
            name="amounts_not_negative",
        ),
        CheckConstraint(
            "round(payable - recovery - approved_amount + paid_before, 2) = 0", name="payable_balances"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    assessed_loss: Mapped[Decimal] = mapped_column(Money)
    approved_amount: Mapped[Decimal] = mapped_column(Money)
    paid_before: Mapped[Decimal] = mapped_column(Money)
    payable: Mapped[Decimal] = mapped_column(Money)
    recovery: Mapped[Decimal] = mapped_column(Money)
    reason_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    payment_method: Mapped[str | None] = mapped_column(String(24), nullable=True)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(Text, default="")


class ClaimTiming(Base):
    """Seconds per stage, rebuilt from the events by the event writer (claims/timing.py)."""

    __tablename__ = "claim_timings"
    __table_args__ = (
        Index("ix_claim_timings_completed_at", "completed_at"),
        Index("ix_claim_timings_paid_at", "paid_at"),
        Index("ix_claim_timings_decided_at", "decided_at"),
    )

    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), primary_key=True)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acceptance_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    investigation_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    review_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    payment_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    handling_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
