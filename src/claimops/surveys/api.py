"""Survey REST API: the public questionnaire link, and staff results, entries and actions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from claimops.clock import local_date
from claimops.masking import mask_text
from claimops.schemas import Day
from claimops.surveys import service
from claimops.surveys.rules import results_days
from claimops.surveys.views import effect_json, results_json
from claimops.users.actor import Actor
from claimops.web.deps import ActorDep, NowDep, SessionDep, SettingsDep
from claimops.web.errors import responses

public = APIRouter(prefix="/surveys/answer", tags=["surveys"], responses=responses(400))
router = APIRouter(prefix="/surveys", tags=["surveys"], responses=responses(400, 401, 403))


class AnswersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    overall: int | None = None
    timeliness: int | None = None
    communication: int | None = None
    professionalism: int | None = None
    nps: int | None = None
    comment: str = Field(default="", max_length=2000)


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    problem: str = Field(min_length=1, max_length=2000)
    source: str
    metric: str
    owner: str = Field(min_length=1, max_length=64)
    due_date: date
    started_on: date


def needs(permission: str) -> Any:
    async def check(actor: ActorDep) -> Actor:
        actor.require(permission)
        return actor

    return Depends(check)


@public.get("/{token}", summary="Check a questionnaire link (public)", responses=responses(404, 409, 410))
def check_link(token: str, session: SessionDep, now: NowDep, settings: SettingsDep) -> dict[str, str]:
    service.check_link(session=session, token=token, secret=settings.resolved_secret_key, now=now)
    return {"status": "open"}


@public.post(
    "/{token}",
    status_code=201,
    summary="Answer the questionnaire (public)",
    responses=responses(404, 409, 410, 422),
)
def answer(
    token: str, body: AnswersIn, session: SessionDep, now: NowDep, settings: SettingsDep
) -> dict[str, int]:
    r = service.answer_online(
        session=session, token=token, answers=body.model_dump(), now=now, secret=settings.resolved_secret_key
    )
    return {"id": r.id}


@router.get(
    "/results", summary="CSAT, NPS and dimension scores with intervals", dependencies=[needs("survey.read")]
)
def results(
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    by: Annotated[str, Query()] = "period",
    start: Annotated[Day | None, Query()] = None,
    end: Annotated[Day | None, Query()] = None,
) -> dict[str, Any]:
    s, e = service.day_span(*results_days(start, end, local_date(now)))
    return results_json(
        service.results(session=session, start=s, end=e, by=by, settings=settings, mask=mask_text)
    )


@router.post(
    "/phone/{claim_number}",
    status_code=201,
    summary="Enter a phone interview",
    responses=responses(404, 409, 422),
)
def phone(
    claim_number: str, body: AnswersIn, session: SessionDep, actor: ActorDep, now: NowDep
) -> dict[str, int]:
    r = service.record_phone_interview(
        session=session, actor=actor, claim_number=claim_number, answers=body.model_dump(), now=now
    )
    return {"id": r.id}


@router.post(
    "/reviews", status_code=201, summary="Import online reviews (CSV text)", responses=responses(422)
)
def reviews(
    session: SessionDep, actor: ActorDep, now: NowDep, csv_text: Annotated[str, Body(media_type="text/csv")]
) -> dict[str, int]:
    return {"imported": service.import_reviews(session=session, actor=actor, text=csv_text, now=now)}


@router.get(
    "/actions", summary="Improvement actions with before/after effect", dependencies=[needs("survey.read")]
)
def actions(session: SessionDep, now: NowDep) -> list[dict[str, Any]]:
    today = local_date(now)
    return [
        effect_json(service.effect(session=session, action=a, today=today))
        for a in service.list_actions(session=session)
    ]


@router.post("/actions", status_code=201, summary="Register an improvement action", responses=responses(422))
def add_action(body: ActionIn, session: SessionDep, actor: ActorDep, now: NowDep) -> dict[str, Any]:
    a = service.add_action(session=session, actor=actor, now=now, **body.model_dump())
    return effect_json(service.effect(session=session, action=a, today=local_date(now)))
