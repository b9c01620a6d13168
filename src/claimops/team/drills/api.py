"""/api/v1/drills: the drill sandbox. Nothing here pays, notifies or reports; a drill's SBX- number
given to the claims API is 409 SANDBOX_CLAIM."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from claimops.team.drills import service
from claimops.team.drills.models import Drill, DrillAttempt
from claimops.team.drills.schemas import AttemptIn, DrillIn, EmergencyDrillIn, ReviewIn
from claimops.web.deps import ActorDep, NowDep, SessionDep
from claimops.web.errors import responses

ERRORS = responses(400, 401, 403, 404, 409, 413, 422)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]

router = APIRouter(prefix="/drills", tags=["drills"], responses=ERRORS)


def drill_out(d: Drill) -> dict[str, Any]:
    return {"number": d.number, "kind": d.kind, "title": d.title, "cases": len(d.scenario.get("cases", []))}


def attempt_out(a: DrillAttempt, drill: Drill, trainee: str = "") -> dict[str, Any]:
    scored = a.submitted_at is not None
    return {
        "id": a.id,
        "drill": drill.number,
        "trainee": trainee,
        "submitted": scored,
        "score": a.score,
        "breakdown": a.breakdown if scored else None,
        "answer": drill.answer if scored else None,  # the real outcome only once scored
        "review_note": a.review_note,
    }


@router.get("", summary="Drills", responses=ERRORS)
def index(session: SessionDep, actor: ActorDep) -> list[dict[str, Any]]:
    actor.require("drill.attempt")
    return [drill_out(d) for d in service.drills(session)]


@router.post(
    "",
    status_code=201,
    summary="Build a drill from a closed claim (409 DRILL_SOURCE_NOT_CLOSED otherwise)",
    responses=ERRORS,
)
def build(body: DrillIn, session: SessionDep, actor: ActorDep, now: NowDep) -> dict[str, Any]:
    return drill_out(service.build_drill(session=session, actor=actor, cmd=body, now=now))


@router.post(
    "/emergency",
    status_code=201,
    summary="An emergency drill: many closed claims at once to triage",
    responses=ERRORS,
)
def build_emergency(
    body: EmergencyDrillIn, session: SessionDep, actor: ActorDep, now: NowDep
) -> dict[str, Any]:
    return drill_out(service.build_emergency_drill(session=session, actor=actor, cmd=body, now=now))


@router.get(
    "/attempts", summary="Attempts the caller may see (their own; a lead their team's)", responses=ERRORS
)
def attempts(session: SessionDep, actor: ActorDep) -> list[dict[str, Any]]:
    return [attempt_out(v.attempt, v.drill, v.trainee) for v in service.attempts(session, actor)]


@router.get("/{number}", summary="The drill as a trainee sees it (masked; no outcome)", responses=ERRORS)
def read(number: str, session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    actor.require("drill.attempt")
    return service.trainee_view(service.get_drill(session, number))


@router.post(
    "/{number}/attempts",
    status_code=201,
    summary="Start working a drill (the clock starts)",
    responses=ERRORS,
)
def start(number: str, session: SessionDep, actor: ActorDep, now: NowDep) -> dict[str, Any]:
    a = service.start_attempt(session=session, actor=actor, number=number, now=now)
    return {"id": a.id, "drill": number}


@router.post(
    "/attempts/{attempt_id}/submit",
    summary="Submit the decision (or triage) and get it scored",
    responses=ERRORS,
)
def submit(
    attempt_id: Id, body: AttemptIn, session: SessionDep, actor: ActorDep, now: NowDep
) -> dict[str, Any]:
    a = service.submit_attempt(session=session, actor=actor, attempt_id=attempt_id, cmd=body, now=now)
    return attempt_out(a, service.drill_of(session, a))


@router.post("/attempts/{attempt_id}/review", summary="A lead's review of an attempt", responses=ERRORS)
def review(
    attempt_id: Id, body: ReviewIn, session: SessionDep, actor: ActorDep, now: NowDep
) -> dict[str, Any]:
    a = service.review_attempt(session=session, actor=actor, attempt_id=attempt_id, cmd=body, now=now)
    return attempt_out(a, service.drill_of(session, a))
