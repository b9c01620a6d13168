from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from claimops.db import Base, UTCDateTime


class SurveyInvitation(Base):
    __tablename__ = "survey_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    trigger: Mapped[str] = mapped_column(String(16))  # paid | closed | rejected | denied
    channel: Mapped[str] = mapped_column(String(8))  # online | phone | review
    nonce: Mapped[str] = mapped_column(String(32), unique=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SurveyResponse(Base):
    """One answer: invitation_id is unique, so a second answer to an invitation cannot be stored."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        CheckConstraint("overall BETWEEN 1 AND 5", name="overall_range"),
        CheckConstraint("nps IS NULL OR nps BETWEEN 0 AND 10", name="nps_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_invitations.id"), unique=True, nullable=True
    )
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"), nullable=True, index=True)
    channel: Mapped[str] = mapped_column(String(8))
    overall: Mapped[int] = mapped_column(Integer)
    timeliness: Mapped[int | None] = mapped_column(Integer, nullable=True)
    communication: Mapped[int | None] = mapped_column(Integer, nullable=True)
    professionalism: Mapped[int | None] = mapped_column(Integer, nullable=True)
    nps: Mapped[int | None] = mapped_column(Integer, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    entered_by: Mapped[str] = mapped_column(String(64), default="")


class ImprovementAction(Base):
    """改进措施: a problem, where it was seen, who fixes it by when, and the metric that should move."""

    __tablename__ = "improvement_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    problem: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))  # survey_theme | complaint | kpi
    metric: Mapped[str] = mapped_column(String(24))  # overall | timeliness | ... | nps | csat
    owner: Mapped[str] = mapped_column(String(64))
    due_date: Mapped[date] = mapped_column(Date)
    started_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | in_progress | done
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
