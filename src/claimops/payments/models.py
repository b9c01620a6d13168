from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from claimops.db import Base, Money, UTCDateTime


class Payment(Base):
    """One payment per decision (unique decision_id) and per idempotency key: the database refuses a
    second one even when two requests race past the Python checks. A trigger (migration 0004) refuses
    a payment that would take the claim's payments above its decision's approved total."""

    __tablename__ = "payments"
    __table_args__ = (
        Index("ix_payments_paid_at", "paid_at"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    amount: Mapped[Decimal] = mapped_column(Money)
    method: Mapped[str] = mapped_column(String(24))
    payee_name: Mapped[str] = mapped_column(String(100))
    payee_bank: Mapped[str] = mapped_column(String(100), default="")
    payee_account: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(16), default="paid")
    released_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime)
