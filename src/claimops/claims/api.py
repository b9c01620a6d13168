from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from starlette.responses import Response

from claimops.claims import results, service
from claimops.claims.lifecycle import Status
from claimops.claims.queries import MAX_PAGE, ClaimFilter, list_claims, queue_filter
from claimops.claims.schemas import ActionOut, ClaimOut, ClaimPage, ReportIn
from claimops.claims.views import summary
from claimops.policies.lines import Line
from claimops.schemas import Day
from claimops.users.access import CLAIM_API, record_access
from claimops.web.deps import (
    ActorDep,
    ClientAddress,
    LangDep,
    NowDep,
    RiskScorerDep,
    SessionDep,
    SettingsDep,
)
from claimops.web.errors import responses
from claimops.web.fastjson import FastJSON

router = APIRouter(prefix="/claims", tags=["claims"], responses=responses(401, 403))

_VIEW = "light: what the step did (ActionOut); full: the whole claim (ClaimOut), as GET /claims/{n} gives"


@router.post(
    "",
    status_code=201,
    response_model=ClaimOut | ActionOut,
    summary="Report a claim (报案)",
    responses=responses(400, 404, 413, 422),
    description="Answers the new claim's full view; with ?view=light the light shape of a lifecycle "
    "action (ActionOut) instead.",
)
def report(
    body: ReportIn,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    settings: SettingsDep,
    lang: LangDep,
    risk_scorer: RiskScorerDep,
    view: Annotated[results.View, Query(description=_VIEW)] = "full",
) -> Response:
    results.watch(session)
    claim = service.report_claim(
        session=session, actor=actor, cmd=body, now=now, settings=settings, risk_scorer=risk_scorer
    )
    if view == "light":
        return results.respond(results.action_result(session, claim), status_code=201)
    return results.full_response(session, claim, lang, status_code=201)


@router.get("", response_model=ClaimPage, summary="List claims with filters and pagination")
def index(
    session: SessionDep,
    actor: ActorDep,
    status: Annotated[list[Status] | None, Query()] = None,
    line: Annotated[list[Line] | None, Query()] = None,
    reported_from: Day | None = None,
    reported_to: Day | None = None,
    incident_from: Day | None = None,
    incident_to: Day | None = None,
    region: Annotated[str | None, Query(max_length=32)] = None,
    channel: Annotated[str | None, Query(max_length=32)] = None,
    q: Annotated[str | None, Query(max_length=40)] = None,
    queue: Annotated[bool, Query(description="only the caller's work queue")] = False,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ClaimPage:
    actor.require("read")
    flt = queue_filter(actor.role) if queue else ClaimFilter()
    if status:
        flt.statuses = [s.value for s in status]
    flt.lines = [ln.value for ln in line or []]
    flt.reported_from, flt.reported_to = reported_from, reported_to
    flt.incident_from, flt.incident_to = incident_from, incident_to
    flt.region, flt.channel, flt.q = region, channel, q
    rows, total = list_claims(session=session, flt=flt, page=page, page_size=page_size)
    return ClaimPage(items=[summary(c) for c in rows], total=total, page=page, page_size=page_size)


@router.get(
    "/{claim_number}",
    response_model=ClaimOut,
    summary="A claim with timeline, checklist, findings",
    responses=responses(404),
)
def read(
    claim_number: str,
    session: SessionDep,
    actor: ActorDep,
    lang: LangDep,
    address: ClientAddress,
    now: NowDep,
) -> Response:
    actor.require("read")
    claim = service.get_claim(session=session, claim_number=claim_number)
    record_access(session=session, actor=actor, what=CLAIM_API, address=address, now=now, claim_id=claim.id)
    return results.full_response(session, claim, lang)


@router.post(
    "/{claim_number}/{action}",
    response_model=ActionOut | ClaimOut,
    response_class=FastJSON,
    summary="Apply a lifecycle action",
    responses=responses(400, 404, 409, 413, 422),
    description="Actions: accept, reject, request_documents, start_investigation, finish_investigation, "
    "start_review, decide ({outcome, assessed_loss, reason_codes, payment_method}), approve, close, "
    "withdraw, reopen. Others take {note, reason_codes, doc_types}. An illegal move is 409. "
    "Answers the light shape (ActionOut: status, the events written, the next actions, the amounts "
    "set); with ?view=full the whole claim (ClaimOut).",
)
def act(
    claim_number: str,
    action: str,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    settings: SettingsDep,
    lang: LangDep,
    risk_scorer: RiskScorerDep,
    body: Annotated[dict[str, Any] | None, Body()] = None,
    view: Annotated[results.View, Query(description=_VIEW)] = "light",
) -> Response:
    results.watch(session)
    claim = service.act(
        session=session,
        actor=actor,
        claim_number=claim_number,
        action=action,
        payload=body or {},
        now=now,
        settings=settings,
        risk_scorer=risk_scorer,
    )
    if view == "full":
        return results.full_response(session, claim, lang)
    return results.respond(results.action_result(session, claim))
