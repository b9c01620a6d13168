"""Courses, sessions, attendance and scores, certifications, required courses, onboarding (writes).

Every refusal is raised before anything is added, so a refused request stores nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimops.clock import as_utc
from claimops.errors import Conflict, NotFound, ValidationFailed
from claimops.team.service import check_visible, user_by_name
from claimops.team.training.models import (
    Certification,
    Course,
    Enrolment,
    OnboardingPlan,
    RequiredCourse,
    TrainingSession,
)
from claimops.team.training.schemas import CertificationIn, CourseIn, OnboardingIn, ResultIn, SessionIn
from claimops.users.actor import Actor
from claimops.users.roles import Role


def get_course(session: Session, code: str) -> Course:
    course = session.scalar(select(Course).where(Course.code == code))
    if course is None:
        raise NotFound(f"no course {code}", code="COURSE_NOT_FOUND")
    return course


def get_session(session: Session, session_id: int) -> TrainingSession:
    row = session.get(TrainingSession, session_id)
    if row is None:
        raise NotFound(f"no training session {session_id}", code="SESSION_NOT_FOUND")
    return row


def create_course(*, session: Session, actor: Actor, cmd: CourseIn) -> Course:
    actor.require("training.manage")
    if session.scalar(select(Course.id).where(Course.code == cmd.code)) is not None:
        raise Conflict(f"course {cmd.code} exists", code="COURSE_EXISTS")
    course = Course(**cmd.model_dump())
    session.add(course)
    session.flush()
    return course


def require_course(*, session: Session, actor: Actor, role: str, course: str) -> RequiredCourse:
    actor.require("training.manage")
    c = get_course(session, course)
    if role not in {r.value for r in Role}:
        raise ValidationFailed(f"no role {role!r}", code="ROLE_UNKNOWN")
    exists = session.scalar(
        select(RequiredCourse.id).where(RequiredCourse.role == role, RequiredCourse.course_id == c.id)
    )
    if exists is not None:
        raise Conflict(f"{course} is already required of {role}", code="ALREADY_REQUIRED")
    row = RequiredCourse(role=role, course_id=c.id)
    session.add(row)
    session.flush()
    return row


def schedule_session(*, session: Session, actor: Actor, cmd: SessionIn) -> TrainingSession:
    actor.require("training.manage")
    course = get_course(session, cmd.course)
    if cmd.pass_mark > cmd.max_score:
        raise ValidationFailed(
            f"the pass mark {cmd.pass_mark} is above the scale's top {cmd.max_score}",
            code="PASS_MARK_ABOVE_SCALE",
        )
    row = TrainingSession(
        course_id=course.id,
        starts_at=as_utc(cmd.starts_at),
        minutes=cmd.minutes or course.minutes,
        trainer=cmd.trainer,
        location=cmd.location,
        max_score=cmd.max_score,
        pass_mark=cmd.pass_mark,
        scheduled_by=actor.id,
    )
    session.add(row)
    session.flush()
    return row


def enrol(*, session: Session, actor: Actor, session_id: int, usernames: list[str]) -> list[Enrolment]:
    """All or nothing: a person already on the session (or named twice) refuses the whole list."""
    actor.require("training.manage")
    ts = get_session(session, session_id)
    users = [user_by_name(session, u) for u in usernames]
    for u in users:
        check_visible(session, actor, u.id)
    ids = [u.id for u in users]
    already = set(
        session.scalars(
            select(Enrolment.user_id).where(Enrolment.session_id == ts.id, Enrolment.user_id.in_(ids))
        )
    )
    twice = {u.username for u in users if u.id in already or ids.count(u.id) > 1}
    if twice:
        raise Conflict(
            f"already enrolled in this session: {', '.join(sorted(twice))}",
            code="ALREADY_ENROLLED",
            details={"usernames": sorted(twice)},
        )
    rows = [Enrolment(session_id=ts.id, user_id=i) for i in ids]
    session.add_all(rows)
    session.flush()
    return rows


def record_result(
    *, session: Session, actor: Actor, session_id: int, cmd: ResultIn, now: datetime
) -> Enrolment:
    """Attendance and score of one person, once the session has begun; the score on the session's scale."""
    actor.require("training.manage")
    ts = get_session(session, session_id)
    if as_utc(ts.starts_at) > now:
        raise Conflict(
            "attendance and scores are recorded once the session has taken place", code="SESSION_NOT_HELD"
        )
    if cmd.score is not None and not 0 <= cmd.score <= ts.max_score:
        raise ValidationFailed(
            f"a score is between 0 and {ts.max_score}, not {cmd.score}", code="SCORE_OUT_OF_SCALE"
        )
    if cmd.score is not None and not cmd.attended:
        raise ValidationFailed("only someone who attended has a score", code="SCORE_WITHOUT_ATTENDANCE")
    user = user_by_name(session, cmd.username)
    check_visible(session, actor, user.id)
    row = session.scalar(select(Enrolment).where(Enrolment.session_id == ts.id, Enrolment.user_id == user.id))
    if row is None:
        raise NotFound(f"{cmd.username} is not enrolled in this session", code="NOT_ENROLLED")
    row.attended, row.score = cmd.attended, cmd.score
    row.passed = None if cmd.score is None else cmd.score >= ts.pass_mark
    row.recorded_at = now
    session.flush()
    return row


def add_certification(*, session: Session, actor: Actor, cmd: CertificationIn) -> Certification:
    actor.require("training.manage")
    if cmd.expires_on <= cmd.issued_on:
        raise ValidationFailed("a certification expires after it is issued", code="EXPIRY_BEFORE_ISSUE")
    user = user_by_name(session, cmd.username)
    check_visible(session, actor, user.id)
    row = Certification(user_id=user.id, name=cmd.name, issued_on=cmd.issued_on, expires_on=cmd.expires_on)
    session.add(row)
    session.flush()
    return row


def start_onboarding(*, session: Session, actor: Actor, cmd: OnboardingIn) -> OnboardingPlan:
    actor.require("training.manage")
    if cmd.due_on <= cmd.started_on:
        raise ValidationFailed("an onboarding plan is due after it starts", code="DUE_BEFORE_START")
    user = user_by_name(session, cmd.username)
    check_visible(session, actor, user.id)
    if session.scalar(select(OnboardingPlan.id).where(OnboardingPlan.user_id == user.id)) is not None:
        raise Conflict(f"{cmd.username} already has an onboarding plan", code="ONBOARDING_EXISTS")
    mentor = user_by_name(session, cmd.mentor).id if cmd.mentor else None
    row = OnboardingPlan(user_id=user.id, started_on=cmd.started_on, due_on=cmd.due_on, mentor_id=mentor)
    session.add(row)
    session.flush()
    return row
