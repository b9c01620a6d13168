from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from claimops.clock import utcnow
from claimops.customers.models import Customer
from claimops.db import Base, Money, Rate, UTCDateTime


class Policy(Base):
    __tablename__ = "policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_number: Mapped[str] = mapped_column(String(40), unique=True)
    line: Mapped[str] = mapped_column(String(16), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date] = mapped_column(Date)
    sum_insured: Mapped[Decimal] = mapped_column(Money)
    deductible: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    coinsurance_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal("0"))
    premium: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    channel: Mapped[str] = mapped_column(String(32), default="")
    # the insurer the policy (and so its claims) belongs to (partners.models.Insurer)
    insurer_id: Mapped[int | None] = mapped_column(ForeignKey("insurers.id"), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    holder: Mapped[Customer] = relationship(lazy="joined")
