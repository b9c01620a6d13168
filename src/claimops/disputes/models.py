from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from claimops.db import Base, Money, UTCDateTime


class Dispute(Base):
    """争议: on a claim, by a party, over an amount; `decided_amount` is the claim's approved total
    when the dispute was opened, `settled_amount` the agreed total at resolution."""

    __tablename__ = "disputes"
    __table_args__ = (Index("ix_disputes_claim_party", "claim_id", "party"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    party: Mapped[str] = mapped_column(String(12))  # customer, insurer, provider
    reason: Mapped[str] = mapped_column(String(16))
    disputed_amount: Mapped[Decimal] = mapped_column(Money)
    decided_amount: Mapped[Decimal] = mapped_column(Money)
    stage: Mapped[str] = mapped_column(String(12), index=True)
    stage_due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    outcome: Mapped[str] = mapped_column(Text, default="")
    settled_amount: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), nullable=True)
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class DisputeStep(Base):
    """Each stage a dispute entered, when, by whom, with its deadline."""

    __tablename__ = "dispute_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    stage: Mapped[str] = mapped_column(String(12))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
