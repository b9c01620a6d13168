"""/api/v1/team: teams with each person's workload and quality; one person's record."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from claimops.team import service
from claimops.team.schemas import MemberIn, TeamIn
from claimops.team.views import period_of, person_view, teams_view
from claimops.web.deps import ActorDep, NowDep, SessionDep, SettingsDep
from claimops.web.errors import responses

ERRORS = responses(400, 401, 403, 404, 409, 413, 422)

router = APIRouter(prefix="/team", tags=["team"], responses=ERRORS)


@router.get(
    "/teams",
    summary="Teams the caller may see, each person's figures and the change vs the previous period",
    responses=ERRORS,
)
def teams(
    session: SessionDep, actor: ActorDep, settings: SettingsDep, now: NowDep, period: str | None = None
) -> dict[str, Any]:
    return teams_view(session, actor=actor, period=period_of(period, now), settings=settings)


@router.post("/teams", status_code=201, summary="Create a team with its lead", responses=ERRORS)
def create(body: TeamIn, session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    team = service.create_team(session=session, actor=actor, name=body.name, lead=body.lead)
    return {"name": team.name, "lead": body.lead}


@router.post("/teams/{name}/members", status_code=201, summary="Add a person to a team", responses=ERRORS)
def add_member(name: str, body: MemberIn, session: SessionDep, actor: ActorDep) -> dict[str, Any]:
    service.add_member(
        session=session, actor=actor, team=name, username=body.username, joined_on=body.joined_on
    )
    return {"team": name, "username": body.username}


@router.get(
    "/people/{username}",
    summary="A person's workload, quality, authority, role history and training record",
    responses=ERRORS,
)
def person(
    username: str,
    session: SessionDep,
    actor: ActorDep,
    settings: SettingsDep,
    now: NowDep,
    period: str | None = None,
) -> dict[str, Any]:
    return person_view(
        session, actor=actor, username=username, period=period_of(period, now), now=now, settings=settings
    )
