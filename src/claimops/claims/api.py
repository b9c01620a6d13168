from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from claimops.claims import service
from claimops.claims.lifecycle import Status
from claimops.claims.queries import MAX_PAGE, ClaimFilter, list_claims, queue_filter
from claimops.claims.schemas import ClaimOut, ClaimPage, ReportIn
from claimops.claims.views import detail, summary
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

router = APIRouter(prefix="/claims", tags=["claims"], responses=responses(401, 403))


@router.post(
    "",
    status_code=201,
    response_model=ClaimOut,
    summary="Report a claim (报案)",
    responses=responses(400, 404, 413, 422),
)
def report(
    body: ReportIn,
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    settings: SettingsDep,
    lang: LangDep,
    risk_scorer: RiskScorerDep,
) -> ClaimOut:
    claim = service.report_claim(
        session=session, actor=actor, cmd=body, now=now, settings=settings, risk_scorer=risk_scorer
    )
    return detail(session, claim, lang)


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
) -> ClaimOut:
    actor.require("read")
    claim = service.get_claim(session=session, claim_number=claim_number)
    record_access(session=session, actor=actor, what=CLAIM_API, address=address, now=now, claim_id=claim.id)
    return detail(session, claim, lang)


@router.post(
    "/{claim_number}/{action}",
    response_model=ClaimOut,
    summary="Apply a lifecycle action",
    responses=responses(400, 404, 409, 413, 422),
    description="Actions: accept, reject, request_documents, start_investigation, finish_investigation, "
    "start_review, decide ({outcome, assessed_loss, reason_codes, payment_method}), approve, close, "
    "withdraw, reopen. Others take {note, reason_codes, doc_types}. An illegal move is 409.",
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
) -> ClaimOut:
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
    return detail(session, claim, lang)
