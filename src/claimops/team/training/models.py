"""The training catalogue, sessions and their attendees, required courses, certifications, onboarding."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from claimops.clock import utcnow
from claimops.db import Base, UTCDateTime


class Course(Base):
    """kind: basic (保险基础知识, 理赔流程, 法律法规), professional (高级管理, 风险评估, 反欺诈) or
    practical (案例演练)."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16), index=True)
    topic: Mapped[str] = mapped_column(String(32), default="")
    minutes: Mapped[int] = mapped_column(Integer)  # the usual length of a session
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RequiredCourse(Base):
    __tablename__ = "required_courses"
    __table_args__ = (UniqueConstraint("role", "course_id", name="uq_required_courses"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(16), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))


class TrainingSession(Base):
    """One delivery of a course: when, by whom, how long, and the assessment's scale and pass mark."""

    __tablename__ = "training_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    trainer: Mapped[str] = mapped_column(String(64))
    location: Mapped[str] = mapped_column(String(64), default="")
    max_score: Mapped[int] = mapped_column(Integer, default=100)
    pass_mark: Mapped[int] = mapped_column(Integer, default=60)
    scheduled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class Enrolment(Base):
    """A person on a session; attended and score are recorded after the session has begun."""

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("session_id", "user_id", name="uq_enrolments_session_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    attended: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    passed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Certification(Base):
    __tablename__ = "certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date, index=True)


class OnboardingPlan(Base):
    """A new person's plan: their role's required courses, due by `due_on`; progress is computed."""

    __tablename__ = "onboarding_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    started_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
