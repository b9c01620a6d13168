"""Reads of the training record: sessions, a person's record, the KPIs and before/after quality."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from claimops.claims.models import Decision
from claimops.clock import as_utc, local_date
from claimops.team.drills.models import DrillAttempt
from claimops.team.models import TeamMember
from claimops.team.queries import changed_later
from claimops.team.training.kpis import EnrolmentRow, TrainingKpis, cert_state, training_kpis
from claimops.team.training.models import (
    Certification,
    Course,
    Enrolment,
    OnboardingPlan,
    RequiredCourse,
    TrainingSession,
)
from claimops.team.training.stats import Comparison, compare_shares
from claimops.users.models import User

QUALITY_WINDOW_DAYS = 90


def courses(session: Session) -> list[Course]:
    return list(session.scalars(select(Course).order_by(Course.kind, Course.code)))


def required_courses(session: Session) -> list[tuple[str, Course]]:
    """(role, course) for every course a role requires, by role."""
    rows = session.execute(
        select(RequiredCourse.role, Course)
        .join(Course, Course.id == RequiredCourse.course_id)
        .order_by(RequiredCourse.role, Course.code)
    ).all()
    return [(r, c) for r, c in rows]


@dataclass(frozen=True)
class SessionRow:
    session: TrainingSession
    course: Course
    enrolled: int
    attended: int
    passed: int
    assessed: int


def sessions(
    session: Session, *, start: datetime | None = None, end: datetime | None = None
) -> list[SessionRow]:
    stmt = (
        select(
            TrainingSession,
            Course,
            func.count(Enrolment.id),
            func.count(case((Enrolment.attended.is_(True), 1))),
            func.count(case((Enrolment.passed.is_(True), 1))),
            func.count(Enrolment.score),
        )
        .join(Course, Course.id == TrainingSession.course_id)
        .outerjoin(Enrolment, Enrolment.session_id == TrainingSession.id)
        .group_by(TrainingSession.id, Course.id)
        .order_by(TrainingSession.starts_at.desc())
    )
    if start is not None:
        stmt = stmt.where(TrainingSession.starts_at >= start)
    if end is not None:
        stmt = stmt.where(TrainingSession.starts_at < end)
    return [SessionRow(*r) for r in session.execute(stmt).all()]


def course_of(session: Session, ts: TrainingSession) -> Course | None:
    return session.get(Course, ts.course_id)


def attendees(session: Session, session_id: int) -> list[tuple[User, Enrolment]]:
    rows = session.execute(
        select(User, Enrolment)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.session_id == session_id)
        .order_by(User.username)
    ).all()
    return [(u, e) for u, e in rows]


def onboarding_progress(session: Session, user: User) -> tuple[int, int]:
    """(required courses of the user's role passed, required courses of the role)."""
    required = set(session.scalars(select(RequiredCourse.course_id).where(RequiredCourse.role == user.role)))
    if not required:
        return 0, 0
    passed = set(
        session.scalars(
            select(TrainingSession.course_id)
            .join(Enrolment, Enrolment.session_id == TrainingSession.id)
            .where(Enrolment.user_id == user.id, Enrolment.passed.is_(True))
        )
    )
    return len(required & passed), len(required)


def person_record(session: Session, user: User, today: date) -> dict[str, Any]:
    """What a person's training record page and endpoint show."""
    rows = session.execute(
        select(TrainingSession, Course, Enrolment)
        .join(Course, Course.id == TrainingSession.course_id)
        .join(Enrolment, Enrolment.session_id == TrainingSession.id)
        .where(Enrolment.user_id == user.id)
        .order_by(TrainingSession.starts_at)
    ).all()
    certs = session.scalars(
        select(Certification).where(Certification.user_id == user.id).order_by(Certification.expires_on)
    )
    plan = session.scalar(select(OnboardingPlan).where(OnboardingPlan.user_id == user.id))
    done, required = onboarding_progress(session, user)
    return {
        "courses": [
            {
                "session_id": ts.id,
                "course": c.code,
                "title": c.title,
                "kind": c.kind,
                "date": local_date(as_utc(ts.starts_at)),
                "hours": ts.minutes / 60,
                "attended": e.attended,
                "score": e.score,
                "max_score": ts.max_score,
                "passed": e.passed,
            }
            for ts, c, e in rows
        ],
        "hours": sum(ts.minutes for ts, _, e in rows if e.attended) / 60,
        "certifications": [
            {
                "name": c.name,
                "issued_on": c.issued_on,
                "expires_on": c.expires_on,
                "state": cert_state(c.expires_on, today),
            }
            for c in certs
        ],
        "onboarding": None
        if plan is None
        else {"started_on": plan.started_on, "due_on": plan.due_on, "done": done, "required": required},
    }


def scope_ids(session: Session, visible: Collection[int] | None) -> list[int]:
    """The people a KPI counts: the visible ones, or every team member (every active user without teams)."""
    if visible is not None:
        return sorted(visible)
    members = list(session.scalars(select(TeamMember.user_id)))
    if members:
        return sorted(members)
    return list(session.scalars(select(User.id).where(User.active.is_(True))))


def _kpi_rows(
    session: Session, ids: list[int], *, start: datetime, end: datetime, now: datetime
) -> tuple[
    list[EnrolmentRow], list[tuple[int, date]], list[tuple[int, tuple[int, int]]], list[tuple[int, int]]
]:
    """The rows the KPIs add up, each with its person: enrolments of the period, certification
    expiries, onboarding plans' progress, scored drill attempts of the period."""
    enrol = session.execute(
        select(
            Enrolment.user_id,
            TrainingSession.minutes,
            TrainingSession.starts_at,
            Enrolment.attended,
            Enrolment.score,
            Enrolment.passed,
        )
        .join(TrainingSession, TrainingSession.id == Enrolment.session_id)
        .where(
            Enrolment.user_id.in_(ids), TrainingSession.starts_at >= start, TrainingSession.starts_at < end
        )
    ).all()
    expiries = session.execute(
        select(Certification.user_id, Certification.expires_on).where(Certification.user_id.in_(ids))
    ).all()
    plans = session.scalars(
        select(User).join(OnboardingPlan, OnboardingPlan.user_id == User.id).where(User.id.in_(ids))
    )
    scores = session.execute(
        select(DrillAttempt.trainee_id, DrillAttempt.score).where(
            DrillAttempt.trainee_id.in_(ids),
            DrillAttempt.score.is_not(None),
            DrillAttempt.submitted_at >= start,
            DrillAttempt.submitted_at < end,
        )
    ).all()
    return (
        [
            EnrolmentRow(uid, minutes, as_utc(at) <= now, attended, score, passed)
            for uid, minutes, at, attended, score, passed in enrol
        ],
        [(uid, d) for uid, d in expiries],
        [(u.id, onboarding_progress(session, u)) for u in plans],
        [(uid, int(s)) for uid, s in scores if s is not None],
    )


def kpis(
    session: Session, *, visible: Collection[int] | None, start: datetime, end: datetime, now: datetime
) -> TrainingKpis:
    ids = scope_ids(session, visible)
    enrolments, expiries, plans, scores = _kpi_rows(session, ids, start=start, end=end, now=now)
    return training_kpis(
        headcount=len(ids),
        enrolments=enrolments,
        cert_expiries=[d for _, d in expiries],
        today=local_date(now),
        onboarding=[p for _, p in plans],
        drill_scores=[s for _, s in scores],
    )


def kpis_by_person(
    session: Session, *, visible: Collection[int] | None, start: datetime, end: datetime, now: datetime
) -> list[tuple[User, TrainingKpis]]:
    """The same KPIs for each person in scope: the list behind the dashboard's training figures."""
    ids = scope_ids(session, visible)
    enrolments, expiries, plans, scores = _kpi_rows(session, ids, start=start, end=end, now=now)
    users = session.scalars(select(User).where(User.id.in_(ids)).order_by(User.username))
    return [
        (
            u,
            training_kpis(
                headcount=1,
                enrolments=[e for e in enrolments if e.user_id == u.id],
                cert_expiries=[d for uid, d in expiries if uid == u.id],
                today=local_date(now),
                onboarding=[p for uid, p in plans if uid == u.id],
                drill_scores=[s for uid, s in scores if uid == u.id],
            ),
        )
        for u in users
    ]


def certifications(
    session: Session, *, visible: Collection[int] | None, today: date, state: str | None = None
) -> list[tuple[User, Certification, str]]:
    """Everyone's certifications in scope with their state (current, expiring, expired), soonest
    expiry first; `state` keeps one of them."""
    ids = scope_ids(session, visible)
    rows = session.execute(
        select(User, Certification)
        .join(Certification, Certification.user_id == User.id)
        .where(User.id.in_(ids))
        .order_by(Certification.expires_on, User.username)
    ).all()
    out = [(u, c, cert_state(c.expires_on, today)) for u, c in rows]
    return [r for r in out if state is None or r[2] == state]


def expiring_certifications(
    session: Session, *, visible: Collection[int] | None, today: date, days: int = 60
) -> list[tuple[User, Certification]]:
    """Reminders: certifications expiring within `days` (and expired ones), soonest first."""
    stmt = (
        select(User, Certification)
        .join(Certification, Certification.user_id == User.id)
        .where(Certification.expires_on <= today + timedelta(days=days))
        .order_by(Certification.expires_on)
    )
    if visible is not None:
        stmt = stmt.where(User.id.in_(list(visible)))
    return [(u, c) for u, c in session.execute(stmt).all()]


@dataclass(frozen=True)
class PersonBeforeAfter:
    """One trained person's decisions in the window before and after their first session."""

    user_id: int
    first_session: datetime
    before_n: int
    before_stood: int
    after_n: int
    after_stood: int


@dataclass(frozen=True)
class QualityBeforeAfter:
    window_days: int
    people: int
    comparison: Comparison
    by_person: tuple[PersonBeforeAfter, ...] = ()


def quality_before_after(
    session: Session,
    *,
    visible: Collection[int] | None,
    start: datetime,
    end: datetime,
    window_days: int = QUALITY_WINDOW_DAYS,
) -> QualityBeforeAfter:
    """Decisions that stood (not changed on review, reopening or dispute: team.queries.changed_later),
    in the `window_days` before and after each person's first attended session of the period, pooled
    over the people trained (a share; compare_shares decides whether the difference is more than
    noise)."""
    ids = scope_ids(session, visible)
    firsts = session.execute(
        select(Enrolment.user_id, func.min(TrainingSession.starts_at))
        .join(TrainingSession, TrainingSession.id == Enrolment.session_id)
        .where(
            Enrolment.user_id.in_(ids),
            Enrolment.attended.is_(True),
            TrainingSession.starts_at >= start,
            TrainingSession.starts_at < end,
        )
        .group_by(Enrolment.user_id)
    ).all()
    window = timedelta(days=window_days)
    people = []
    for uid, first in firsts:
        t = as_utc(first)
        counts: list[int] = []
        for lo, hi in ((t - window, t), (t, t + window)):
            n, changed = session.execute(
                select(func.count(), func.count(case((changed_later(), 1)))).where(
                    Decision.decided_by == uid, Decision.decided_at >= lo, Decision.decided_at < hi
                )
            ).one()
            counts += [int(n), int(n) - int(changed)]
        people.append(PersonBeforeAfter(uid, t, *counts))
    comparison = compare_shares(
        sum(p.before_stood for p in people),
        sum(p.before_n for p in people),
        sum(p.after_stood for p in people),
        sum(p.after_n for p in people),
    )
    return QualityBeforeAfter(window_days, len(firsts), comparison, tuple(people))


def sessions_by_kind(
    session: Session, *, start: datetime, end: datetime, now: datetime
) -> dict[str, dict[str, float]]:
    """Per course kind: sessions held, attended hours (person-hours), attendance and pass counts."""
    rows = session.execute(
        select(
            Course.kind,
            func.count(func.distinct(TrainingSession.id)),
            func.coalesce(
                func.sum(case((Enrolment.attended.is_(True), TrainingSession.minutes), else_=0)), 0
            ),
            func.count(Enrolment.id),
            func.count(case((Enrolment.attended.is_(True), 1))),
            func.count(Enrolment.score),
            func.count(case((Enrolment.passed.is_(True), 1))),
        )
        .join(Course, Course.id == TrainingSession.course_id)
        .outerjoin(Enrolment, Enrolment.session_id == TrainingSession.id)
        .where(
            TrainingSession.starts_at >= start,
            TrainingSession.starts_at < end,
            TrainingSession.starts_at <= now,
        )
        .group_by(Course.kind)
    ).all()
    return {
        kind: {
            "sessions": int(n),
            "hours": int(minutes) / 60,
            "enrolled": int(enrolled),
            "attended": int(att),
            "assessed": int(assessed),
            "passed": int(passed),
        }
        for kind, n, minutes, enrolled, att, assessed, passed in rows
    }
