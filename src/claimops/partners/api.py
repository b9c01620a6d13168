"""REST API of the partners domain: insurers, providers, agreements, assignments, scorecards."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from claimops.clock import local_date
from claimops.partners import queries, service
from claimops.partners.schemas import (
    ActionItemIn,
    ActionItemOut,
    AgreementIn,
    AgreementOut,
    AssignmentIn,
    AssignmentOut,
    ContactIn,
    ContactOut,
    CriterionIn,
    EmergencyCallIn,
    EvaluationIn,
    EvaluationOut,
    InsurerIn,
    InsurerOut,
    MeetingIn,
    MeetingOut,
    ProviderIn,
    ProviderOut,
    ResponsibilityIn,
    ResponsibilityOut,
    ReviewIn,
    ScorecardOut,
    StatusIn,
    VisitIn,
)
from claimops.partners.views import (
    action_out,
    agreement_out,
    assignment_out,
    contact_out,
    insurer_out,
    meeting_out,
    provider_out,
    scorecard_out,
)
from claimops.reporting.periods import parse_period
from claimops.schemas import MAX_ID
from claimops.web.deps import ActorDep, NowDep, SessionDep
from claimops.web.errors import responses

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]

router = APIRouter(tags=["partners"], responses=responses(400, 401, 403, 413))


@router.get("/insurers", response_model=list[InsurerOut], summary="Insurers with their contacts")
def list_insurers(session: SessionDep, actor: ActorDep) -> list[InsurerOut]:
    actor.require("read")
    return [insurer_out(session, i) for i in queries.insurers(session)]


@router.post(
    "/insurers",
    status_code=201,
    response_model=InsurerOut,
    summary="Register an insurer",
    responses=responses(409, 422),
)
def create_insurer(body: InsurerIn, session: SessionDep, actor: ActorDep) -> InsurerOut:
    return insurer_out(session, service.create_insurer(session=session, actor=actor, cmd=body))


@router.post(
    "/insurers/{insurer_id}/emergency-calls",
    status_code=201,
    summary="Record a call on the emergency chain",
    responses=responses(404, 422),
)
def emergency_call(
    insurer_id: PathId, body: EmergencyCallIn, session: SessionDep, actor: ActorDep
) -> dict[str, int]:
    call = service.record_emergency_call(session=session, actor=actor, insurer_id=insurer_id, cmd=body)
    return {"id": call.id}


@router.get(
    "/insurers/{insurer_id}/meetings", response_model=list[MeetingOut], summary="Meetings, latest first"
)
def list_meetings(insurer_id: PathId, session: SessionDep, actor: ActorDep, now: NowDep) -> list[MeetingOut]:
    actor.require("read")
    return [meeting_out(session, m, local_date(now)) for m in queries.meetings(session, insurer_id)]


@router.post(
    "/insurers/{insurer_id}/meetings",
    status_code=201,
    response_model=MeetingOut,
    summary="Record a meeting with its minutes and action items",
    responses=responses(404, 422),
)
def create_meeting(
    insurer_id: PathId, body: MeetingIn, session: SessionDep, actor: ActorDep, now: NowDep
) -> MeetingOut:
    meeting = service.record_meeting(session=session, actor=actor, insurer_id=insurer_id, cmd=body)
    return meeting_out(session, meeting, local_date(now))


@router.post(
    "/action-items/{action_id}/done",
    response_model=ActionItemOut,
    summary="Close an action item",
    responses=responses(404, 409),
)
def close_action(action_id: PathId, session: SessionDep, actor: ActorDep, now: NowDep) -> ActionItemOut:
    item = service.close_action(session=session, actor=actor, action_id=action_id, today=local_date(now))
    return action_out(item, local_date(now))


@router.get(
    "/insurers/{insurer_id}/responsibilities",
    response_model=list[ResponsibilityOut],
    summary="Responsibilities per process step",
)
def list_responsibilities(
    insurer_id: PathId, session: SessionDep, actor: ActorDep
) -> list[ResponsibilityOut]:
    actor.require("read")
    return [
        ResponsibilityOut(
            step=r.step, responsible=r.responsible, approver=r.approver, within_hours=r.within_hours
        )
        for r in queries.responsibilities(session, insurer_id)
    ]


@router.post(
    "/insurers/{insurer_id}/contacts",
    status_code=201,
    response_model=ContactOut,
    summary="Add a contact (with an order: a place in the emergency chain)",
    responses=responses(404, 409, 422),
)
def add_contact(insurer_id: PathId, body: ContactIn, session: SessionDep, actor: ActorDep) -> ContactOut:
    c = service.add_contact(session=session, actor=actor, insurer_id=insurer_id, cmd=body)
    return contact_out(c)


@router.put(
    "/insurers/{insurer_id}/responsibilities",
    response_model=ResponsibilityOut,
    summary="Set who is responsible for a step",
    responses=responses(404, 422),
)
def set_responsibility(
    insurer_id: PathId, body: ResponsibilityIn, session: SessionDep, actor: ActorDep
) -> ResponsibilityOut:
    r = service.set_responsibility(session=session, actor=actor, insurer_id=insurer_id, cmd=body)
    return ResponsibilityOut(
        step=r.step, responsible=r.responsible, approver=r.approver, within_hours=r.within_hours
    )


@router.get("/providers", response_model=list[ProviderOut], summary="Providers by type, region, status")
def list_providers(
    session: SessionDep,
    actor: ActorDep,
    type: Annotated[str | None, Query()] = None,
    status: Annotated[str | None, Query()] = None,
) -> list[ProviderOut]:
    actor.require("read")
    return [provider_out(p) for p in queries.providers(session, type_=type, status=status)]


@router.post(
    "/providers",
    status_code=201,
    response_model=ProviderOut,
    summary="Register a provider (a candidate)",
    responses=responses(422),
)
def create_provider(body: ProviderIn, session: SessionDep, actor: ActorDep) -> ProviderOut:
    return provider_out(service.create_provider(session=session, actor=actor, cmd=body))


@router.post(
    "/providers/{provider_id}/status",
    response_model=ProviderOut,
    summary="Suspend, reactivate or terminate a provider",
    responses=responses(404, 409, 422),
)
def provider_status(provider_id: PathId, body: StatusIn, session: SessionDep, actor: ActorDep) -> ProviderOut:
    return provider_out(
        service.set_provider_status(session=session, actor=actor, provider_id=provider_id, status=body.status)
    )


@router.put(
    "/selection-criteria",
    summary="Set a selection criterion and its weight for a provider type",
    responses=responses(422),
)
def set_criterion(body: CriterionIn, session: SessionDep, actor: ActorDep) -> dict[str, int]:
    service.set_criterion(session=session, actor=actor, cmd=body)
    return service.criteria(session, body.provider_type)


@router.post(
    "/providers/{provider_id}/evaluations",
    status_code=201,
    response_model=EvaluationOut,
    summary="Score a candidate and record the decision",
    responses=responses(404, 409, 422),
)
def evaluate(
    provider_id: PathId, body: EvaluationIn, session: SessionDep, actor: ActorDep, now: NowDep
) -> EvaluationOut:
    e = service.evaluate(session=session, actor=actor, provider_id=provider_id, cmd=body, now=now)
    return EvaluationOut(
        id=e.id,
        provider_id=e.provider_id,
        scores=e.scores,
        total=e.total,
        decision=e.decision,
        decided_by=e.decided_by,
        decided_at=e.decided_at,
    )


@router.get("/agreements", response_model=list[AgreementOut], summary="Agreements (expiring ones flagged)")
def list_agreements(
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    provider_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[AgreementOut]:
    actor.require("read")
    return [agreement_out(session, a, local_date(now)) for a in queries.agreements(session, provider_id)]


@router.post(
    "/agreements",
    status_code=201,
    response_model=AgreementOut,
    summary="Sign an agreement with a provider",
    responses=responses(404, 409, 422),
)
def sign(body: AgreementIn, session: SessionDep, actor: ActorDep, now: NowDep) -> AgreementOut:
    return agreement_out(
        session, service.sign_agreement(session=session, actor=actor, cmd=body), local_date(now)
    )


@router.post(
    "/assignments",
    status_code=201,
    response_model=AssignmentOut,
    summary="Assign a provider to a claim",
    responses=responses(404, 409, 422),
)
def assign(body: AssignmentIn, session: SessionDep, actor: ActorDep, now: NowDep) -> AssignmentOut:
    a = service.assign(session=session, actor=actor, cmd=body, now=now)
    return assignment_out(a, body.claim_number)


@router.post(
    "/assignments/{assignment_id}/visit",
    response_model=AssignmentOut,
    summary="Record the provider's arrival, report, finish and cost",
    responses=responses(404, 422),
)
def visit(assignment_id: PathId, body: VisitIn, session: SessionDep, actor: ActorDep) -> AssignmentOut:
    a = service.record_visit(session=session, actor=actor, assignment_id=assignment_id, cmd=body)
    return assignment_out(a, queries.assignments(session, claim_id=a.claim_id)[0][1])


@router.get(
    "/providers/{provider_id}/scorecard",
    response_model=ScorecardOut,
    summary="A provider's scorecard for a period, each figure with its claims",
    responses=responses(404, 422),
)
def scorecard(
    provider_id: PathId, period: str, session: SessionDep, actor: ActorDep, now: NowDep
) -> ScorecardOut:
    actor.require("partner.scorecard")
    p = parse_period(period)
    provider = service.get_provider(session=session, provider_id=provider_id)
    return scorecard_out(
        session, queries.scorecard(session, provider, p), p.label, min(local_date(now), p.last_day)
    )


@router.post(
    "/providers/{provider_id}/reviews",
    status_code=201,
    summary="A reviewer's comments on a scorecard",
    responses=responses(404, 422),
)
def review(
    provider_id: PathId, body: ReviewIn, session: SessionDep, actor: ActorDep, now: NowDep
) -> dict[str, int]:
    parse_period(body.period)
    return {
        "id": service.review_scorecard(
            session=session, actor=actor, provider_id=provider_id, cmd=body, now=now
        ).id
    }


@router.post(
    "/providers/{provider_id}/improvements",
    status_code=201,
    response_model=ActionItemOut,
    summary="Ask a provider for an improvement (an action item)",
    responses=responses(404, 422),
)
def improvement(
    provider_id: PathId, body: ActionItemIn, session: SessionDep, actor: ActorDep, now: NowDep
) -> ActionItemOut:
    item = service.ask_improvement(session=session, actor=actor, provider_id=provider_id, cmd=body)
    return action_out(item, local_date(now))
