"""/api/v1/training: catalogue, sessions, enrolment, attendance and scores, certifications, KPIs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict

from claimops.clock import as_utc, local_date
from claimops.team.service import visible_ids
from claimops.team.training import queries, service
from claimops.team.training.schemas import (
    CertificationIn,
    CourseIn,
    EnrolIn,
    OnboardingIn,
    ResultIn,
    SessionIn,
)
from claimops.team.views import kpis_view, period_of
from claimops.web.deps import ActorDep, NowDep, SessionDep
from claimops.web.errors import responses

ERRORS = responses(400, 401, 403, 404, 409, 413, 422)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]

router = APIRouter(prefix="/training", tags=["training"], responses=ERRORS)


class RequiredIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: str
    course: str


def session_out(row: queries.SessionRow) -> dict[str, Any]:
    ts, c = row.session, row.course
    return {
        "id": ts.id,
        "course": c.code,
        "title": c.title,
        "kind": c.kind,
        "starts_at": as_utc(ts.starts_at).isoformat(),
        "hours": ts.minutes / 60,
        "trainer": ts.trainer,
        "location": ts.location,
        "max_score": ts.max_score,
        "pass_mark": ts.pass_mark,
        "enrolled": row.enrolled,
        "attended": row.attended,
        "assessed": row.assessed,
        "passed": row.passed,
    }


@router.get("/courses", summary="The catalogue: basic, professional and practical courses", responses=ERRORS)
def courses(session: SessionDep, actor: ActorDep) -> list[dict[str, Any]]:
    actor.require("read")
    return [
        {"code": c.code, "title": c.title, "kind": c.kind, "topic": c.topic, "hours": c.minutes / 60}
        for c in queries.courses(session)
    ]


@router.post("/courses", status_code=201, summary="Add a course", responses=ERRORS)
def create_course(body: CourseIn, session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    c = service.create_course(session=session, actor=actor, cmd=body)
    return {"code": c.code, "title": c.title, "kind": c.kind}


@router.post("/required", status_code=201, summary="Require a course of a role", responses=ERRORS)
def require(body: RequiredIn, session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    service.require_course(session=session, actor=actor, role=body.role, course=body.course)
    return {"role": body.role, "course": body.course}


@router.get("/sessions", summary="Sessions, latest first, with attendance and pass counts", responses=ERRORS)
def sessions(session: SessionDep, actor: ActorDep) -> list[dict[str, Any]]:
    actor.require("read")
    return [session_out(r) for r in queries.sessions(session)]


@router.post("/sessions", status_code=201, summary="Schedule a session of a course", responses=ERRORS)
def schedule(body: SessionIn, session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    ts = service.schedule_session(session=session, actor=actor, cmd=body)
    return {"id": ts.id, "course": body.course, "starts_at": as_utc(ts.starts_at).isoformat()}


@router.post(
    "/sessions/{session_id}/enrolments",
    status_code=201,
    summary="Enrol people (all or nothing; someone already enrolled is 409 ALREADY_ENROLLED)",
    responses=ERRORS,
)
def enrol(session_id: Id, body: EnrolIn, session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    rows = service.enrol(session=session, actor=actor, session_id=session_id, usernames=body.usernames)
    return {"session_id": session_id, "enrolled": len(rows)}


@router.post(
    "/sessions/{session_id}/results",
    summary="Attendance and score of one person (409 SESSION_NOT_HELD before the session, "
    "422 SCORE_OUT_OF_SCALE outside 0..max_score)",
    responses=ERRORS,
)
def result(
    session_id: Id, body: ResultIn, session: SessionDep, actor: ActorDep, now: NowDep
) -> dict[str, Any]:
    e = service.record_result(session=session, actor=actor, session_id=session_id, cmd=body, now=now)
    return {"username": body.username, "attended": e.attended, "score": e.score, "passed": e.passed}


@router.post("/certifications", status_code=201, summary="Record a certification", responses=ERRORS)
def certify(body: CertificationIn, session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    c = service.add_certification(session=session, actor=actor, cmd=body)
    return {"username": body.username, "name": c.name, "expires_on": c.expires_on.isoformat()}


@router.get(
    "/reminders", summary="Certifications expired or expiring within 60 days, soonest first", responses=ERRORS
)
def reminders(session: SessionDep, actor: ActorDep, now: NowDep) -> list[dict[str, Any]]:
    rows = queries.expiring_certifications(
        session, visible=visible_ids(session, actor), today=local_date(now)
    )
    return [{"username": u.username, "name": c.name, "expires_on": c.expires_on.isoformat()} for u, c in rows]


@router.post(
    "/onboarding",
    status_code=201,
    summary="Start a new person's onboarding plan",
    responses=ERRORS,
)
def onboarding(body: OnboardingIn, session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    service.start_onboarding(session=session, actor=actor, cmd=body)
    return {"username": body.username, "due_on": body.due_on.isoformat()}


@router.get(
    "/kpis",
    summary="Training KPIs of the people the caller may see, with quality before and after",
    responses=ERRORS,
)
def kpis(session: SessionDep, actor: ActorDep, now: NowDep, period: str | None = None) -> dict[str, Any]:
    return kpis_view(session, actor=actor, period=period_of(period, now), now=now)
