"""REST API of disputes: open, move through the stages, resolve; KPIs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from sqlalchemy.orm import Session

from claimops.clock import local_date
from claimops.disputes import queries, rules, service
from claimops.disputes.models import Dispute
from claimops.disputes.schemas import DisputeIn, DisputeOut, MoveIn, StepOut
from claimops.reporting.periods import parse_period
from claimops.schemas import MAX_ID
from claimops.web.deps import ActorDep, NowDep, SessionDep, SettingsDep
from claimops.web.errors import responses

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]

router = APIRouter(prefix="/disputes", tags=["disputes"], responses=responses(400, 401, 403, 413))


def dispute_out(session: Session, d: Dispute, claim_number: str, now: Any) -> DisputeOut:
    return DisputeOut(
        id=d.id,
        claim_number=claim_number,
        party=d.party,
        reason=d.reason,
        disputed_amount=d.disputed_amount,
        decided_amount=d.decided_amount,
        stage=d.stage,
        stage_due_on=d.stage_due_on,
        overdue=rules.overdue(d.stage_due_on, d.stage, local_date(now)),
        opened_at=d.opened_at,
        closed_at=d.closed_at,
        outcome=d.outcome,
        settled_amount=d.settled_amount,
        supplementary_decision_id=d.decision_id,
        steps=[
            StepOut(stage=s.stage, at=s.at, due_on=s.due_on, note=s.note)
            for s in queries.steps(session, d.id)
        ],
    )


@router.get("", response_model=list[DisputeOut], summary="Disputes, latest first")
def index(session: SessionDep, actor: ActorDep, now: NowDep, open_only: bool = False) -> list[DisputeOut]:
    actor.require("read")
    return [dispute_out(session, d, n, now) for d, n in queries.disputes(session, open_only=open_only)]


@router.post(
    "",
    status_code=201,
    response_model=DisputeOut,
    summary="Open a dispute on a claim",
    responses=responses(404, 409, 422),
)
def open_(body: DisputeIn, session: SessionDep, actor: ActorDep, now: NowDep) -> DisputeOut:
    d = service.open_dispute(session=session, actor=actor, cmd=body, now=now)
    return dispute_out(session, d, body.claim_number, now)


@router.post(
    "/{dispute_id}/stage",
    response_model=DisputeOut,
    summary="Move a dispute to its next stage (or resolve it)",
    responses=responses(404, 409, 422),
)
def move(
    dispute_id: PathId, body: MoveIn, session: SessionDep, actor: ActorDep, now: NowDep, settings: SettingsDep
) -> DisputeOut:
    d = service.move(
        session=session, actor=actor, dispute_id=dispute_id, cmd=body, now=now, settings=settings
    )
    number = next(n for x, n in queries.disputes(session, claim_id=d.claim_id) if x.id == d.id)
    return dispute_out(session, d, number, now)


@router.get(
    "/kpis", summary="Dispute KPIs for a period: rate, open by stage and age, resolution time, amounts"
)
def kpis(period: str, session: SessionDep, actor: ActorDep, now: NowDep) -> dict[str, Any]:
    actor.require("read")
    p = parse_period(period)
    k = queries.kpis(session, p, min(local_date(now), p.last_day))
    out = dict(k.__dict__)
    for key in ("disputed_amount", "decided_amount", "settled_amount"):
        out[key] = str(out[key])
    return out
