"""Refusals of the training services: a clear code and nothing stored."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claimops.errors import ClaimopsError
from claimops.team.training.models import Course, Enrolment, TrainingSession
from claimops.team.training.schemas import CourseIn, ResultIn, SessionIn
from claimops.team.training.service import create_course, enrol, record_result, schedule_session
from factories import at, make_lead, staff_actor

NOW = at(2026, 6, 1)
CODE = f"LAW-{uuid.uuid4().hex[:8]}"  # the database is shared with committed API tests


def _session(db: Session, *, days_from_now: float = -1) -> int:
    admin = staff_actor(db, "admin")
    create_course(
        session=db,
        actor=admin,
        cmd=CourseIn(code=CODE, title="法律法规：保险法理赔时效", kind="basic", minutes=120),
    )
    ts = schedule_session(
        session=db,
        actor=admin,
        cmd=SessionIn(
            course=CODE, starts_at=NOW + timedelta(days=days_from_now), trainer="王老师", pass_mark=60
        ),
    )
    return ts.id


def _count(db: Session) -> int:
    """Enrolments in this test's sessions (the database is shared with committed API tests)."""
    return (
        db.scalar(
            select(func.count(Enrolment.id)).join(TrainingSession).join(Course).where(Course.code == CODE)
        )
        or 0
    )


def test_enrolling_someone_twice_is_refused_and_stores_nothing(session: Session) -> None:
    sid = _session(session)
    admin = staff_actor(session, "admin")
    enrol(session=session, actor=admin, session_id=sid, usernames=["handler"])
    before = _count(session)
    with pytest.raises(ClaimopsError) as exc:
        enrol(session=session, actor=admin, session_id=sid, usernames=["reviewer", "handler"])
    assert exc.value.code == "ALREADY_ENROLLED" and exc.value.status == 409
    assert _count(session) == before  # reviewer was not added either
    with pytest.raises(ClaimopsError) as twice:
        enrol(session=session, actor=admin, session_id=sid, usernames=["reviewer", "reviewer"])
    assert twice.value.code == "ALREADY_ENROLLED" and _count(session) == before


def test_a_score_outside_the_scale_is_refused(session: Session) -> None:
    sid = _session(session)
    admin = staff_actor(session, "admin")
    enrol(session=session, actor=admin, session_id=sid, usernames=["handler"])
    for bad in (101, -1):
        with pytest.raises(ClaimopsError) as exc:
            record_result(
                session=session,
                actor=admin,
                session_id=sid,
                cmd=ResultIn(username="handler", attended=True, score=bad),
                now=NOW,
            )
        assert exc.value.code == "SCORE_OUT_OF_SCALE"
    row = session.scalar(select(Enrolment).where(Enrolment.session_id == sid))
    assert row is not None and row.attended is None and row.score is None and row.recorded_at is None
    ok = record_result(
        session=session,
        actor=admin,
        session_id=sid,
        cmd=ResultIn(username="handler", attended=True, score=60),
        now=NOW,
    )
    assert ok.passed is True  # 60 is the pass mark


def test_attendance_at_a_session_that_has_not_happened_is_refused(session: Session) -> None:
    sid = _session(session, days_from_now=2)
    admin = staff_actor(session, "admin")
    enrol(session=session, actor=admin, session_id=sid, usernames=["handler"])
    with pytest.raises(ClaimopsError) as exc:
        record_result(
            session=session,
            actor=admin,
            session_id=sid,
            cmd=ResultIn(username="handler", attended=True, score=80),
            now=NOW,
        )
    assert exc.value.code == "SESSION_NOT_HELD"
    row = session.scalar(select(Enrolment).where(Enrolment.session_id == sid))
    assert row is not None and row.attended is None and row.score is None


def test_a_lead_manages_their_own_team_only(session: Session) -> None:
    sid = _session(session)
    make_lead(session, "lead-a", ("handler",))
    lead = staff_actor(session, "lead-a")
    enrol(session=session, actor=lead, session_id=sid, usernames=["handler"])
    with pytest.raises(ClaimopsError) as exc:
        enrol(session=session, actor=lead, session_id=sid, usernames=["reviewer"])
    assert exc.value.code == "NOT_YOUR_TEAM" and _count(session) == 1
    with pytest.raises(ClaimopsError) as role:
        enrol(session=session, actor=staff_actor(session, "handler"), session_id=sid, usernames=["handler"])
    assert role.value.code == "ROLE_FORBIDDEN"
