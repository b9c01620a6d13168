"""REST API of investigations: open, notes and evidence, finish with a conclusion; KPIs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from claimops.claims.service import get_claim
from claimops.investigations import queries, service
from claimops.investigations.schemas import FinishIn, InvestigationOut, KpisOut, NoteIn, NoteOut, StartIn
from claimops.investigations.views import investigation_out, kpis_out
from claimops.reporting.periods import parse_period
from claimops.schemas import MAX_ID
from claimops.web.deps import ActorDep, NowDep, SessionDep
from claimops.web.errors import responses

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]

router = APIRouter(prefix="/investigations", tags=["investigations"], responses=responses(400, 401, 403, 413))


@router.get(
    "",
    response_model=list[InvestigationOut],
    summary="Investigations, latest first",
    responses=responses(404, 422),
)
def index(
    session: SessionDep,
    actor: ActorDep,
    claim_number: Annotated[str | None, Query(max_length=24)] = None,
    open_only: bool = False,
) -> list[InvestigationOut]:
    actor.require("read")
    claim_id = get_claim(session=session, claim_number=claim_number).id if claim_number else None
    rows = queries.investigations(session, claim_id=claim_id, open_only=open_only)
    return [investigation_out(session, inv, number) for inv, number in rows]


@router.post(
    "",
    status_code=201,
    response_model=InvestigationOut,
    summary="Open an investigation of a claim",
    responses=responses(404, 409, 422),
)
def start(body: StartIn, session: SessionDep, actor: ActorDep, now: NowDep) -> InvestigationOut:
    inv = service.start_investigation(session=session, actor=actor, cmd=body, now=now)
    return investigation_out(session, inv, body.claim_number)


@router.get(
    "/kpis",
    response_model=KpisOut,
    summary="Opened, closed, hit rate, amount saved; by line, trigger",
    responses=responses(422),
)
def kpis(session: SessionDep, actor: ActorDep, period: Annotated[str, Query(max_length=32)]) -> KpisOut:
    actor.require("read")
    p = parse_period(period)
    return kpis_out(queries.kpis(session, p), p.label)


@router.get(
    "/{investigation_id}",
    response_model=InvestigationOut,
    summary="One investigation",
    responses=responses(404),
)
def show(investigation_id: PathId, session: SessionDep, actor: ActorDep) -> InvestigationOut:
    actor.require("read")
    inv = service.get_investigation(session=session, investigation_id=investigation_id)
    return investigation_out(session, inv, _number(session, inv.claim_id))


@router.post(
    "/{investigation_id}/notes",
    status_code=201,
    response_model=NoteOut,
    summary="Add a note, optionally pointing at a document of the claim as evidence",
    responses=responses(404, 409, 422),
)
def note(
    investigation_id: PathId, body: NoteIn, session: SessionDep, actor: ActorDep, now: NowDep
) -> NoteOut:
    n = service.add_note(session=session, actor=actor, investigation_id=investigation_id, cmd=body, now=now)
    return NoteOut(id=n.id, at=n.at, text=n.text, document_id=n.document_id)


@router.post(
    "/{investigation_id}/finish",
    response_model=InvestigationOut,
    summary="Finish with a conclusion (fraud_confirmed, not_confirmed, inconclusive), reasons, amount saved",
    responses=responses(404, 409, 422),
)
def finish(
    investigation_id: PathId, body: FinishIn, session: SessionDep, actor: ActorDep, now: NowDep
) -> InvestigationOut:
    inv = service.finish_investigation(
        session=session, actor=actor, investigation_id=investigation_id, cmd=body, now=now
    )
    return investigation_out(session, inv, _number(session, inv.claim_id))


def _number(session: SessionDep, claim_id: int) -> str:
    rows = queries.investigations(session, claim_id=claim_id, limit=1)
    return rows[0][1]
