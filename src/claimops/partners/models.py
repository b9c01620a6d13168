from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from claimops.clock import utcnow
from claimops.db import Base, Money, UTCDateTime


class Insurer(Base):
    """合作保险公司: the insurer whose policies (policies.insurer_id) the department handles."""

    __tablename__ = "insurers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InsurerContact(Base):
    """A contact; `emergency_order` 1, 2, 3 … places it in the emergency chain (None: not in it)."""

    __tablename__ = "insurer_contacts"
    __table_args__ = (UniqueConstraint("insurer_id", "emergency_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurers.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    emergency_order: Mapped[int | None] = mapped_column(Integer, nullable=True)
    hours: Mapped[str] = mapped_column(String(32), default="")  # e.g. 08:00-20:00, 24h


class EmergencyCall(Base):
    """The emergency chain used: who was called, when, about what."""

    __tablename__ = "emergency_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurers.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("insurer_contacts.id"))
    called_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")


class Meeting(Base):
    __tablename__ = "partner_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurers.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    attendees: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")


class ActionItem(Base):
    """改进措施 / a meeting's action: from a meeting, or asked of a provider below standard."""

    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_meetings.id"), nullable=True, index=True
    )
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), nullable=True, index=True)
    title: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(64))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open, done
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class Responsibility(Base):
    """Who is responsible for a process step with an insurer, who approves, within how many hours."""

    __tablename__ = "responsibilities"
    __table_args__ = (UniqueConstraint("insurer_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurers.id"))
    step: Mapped[str] = mapped_column(String(16))
    responsible: Mapped[str] = mapped_column(String(64))
    approver: Mapped[str] = mapped_column(String(64), default="")
    within_hours: Mapped[int] = mapped_column(Integer)


class Provider(Base):
    """第三方服务机构: claims.provider_id points here."""

    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(16), index=True)
    region: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(12), default="candidate")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SelectionCriterion(Base):
    __tablename__ = "selection_criteria"
    __table_args__ = (UniqueConstraint("provider_type", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_type: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(64))
    weight: Mapped[int] = mapped_column(Integer)  # percent; a type's weights add up to 100


class Evaluation(Base):
    """A candidate's scored evaluation and the decision taken on it."""

    __tablename__ = "provider_evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # criterion name -> 0..100
    total: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    decision: Mapped[str] = mapped_column(String(12))  # select, reject
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")


class Agreement(Base):
    """合作协议: scope, measurable standards (None: not part of the agreement), fees, term."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    scope: Mapped[str] = mapped_column(Text, default="")
    on_site_hours: Mapped[int | None] = mapped_column(Integer, nullable=True)
    report_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    finish_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    signed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgreementFee(Base):
    __tablename__ = "agreement_fees"
    __table_args__ = (UniqueConstraint("agreement_id", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    item: Mapped[str] = mapped_column(String(64))
    amount: Mapped[Decimal] = mapped_column(Money)


class Assignment(Base):
    """A provider assigned to a claim, and when it arrived, reported and finished."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    kind: Mapped[str] = mapped_column(String(16))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    cost: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class ScorecardReview(Base):
    """A reviewer's comments on a provider's scorecard for a period (the figures are computed)."""

    __tablename__ = "scorecard_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    period: Mapped[str] = mapped_column(String(16))
    comments: Mapped[str] = mapped_column(Text)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
