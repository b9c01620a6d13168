"""Partner services: keyword-only, session first; they flush and never commit."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimops.claims.service import get_claim
from claimops.clock import as_utc, local_date
from claimops.errors import Conflict, NotFound, ValidationFailed
from claimops.partners import rules
from claimops.partners.models import (
    ActionItem,
    Agreement,
    AgreementFee,
    Assignment,
    EmergencyCall,
    Evaluation,
    Insurer,
    InsurerContact,
    Meeting,
    Provider,
    Responsibility,
    ScorecardReview,
    SelectionCriterion,
)
from claimops.partners.schemas import (
    ActionItemIn,
    AgreementIn,
    AssignmentIn,
    ContactIn,
    CriterionIn,
    EmergencyCallIn,
    EvaluationIn,
    InsurerIn,
    MeetingIn,
    ProviderIn,
    ResponsibilityIn,
    ReviewIn,
    VisitIn,
)
from claimops.users.actor import Actor

# --- insurers -------------------------------------------------------------------------------------


def get_insurer(*, session: Session, insurer_id: int) -> Insurer:
    insurer = session.get(Insurer, insurer_id)
    if insurer is None:
        raise NotFound(f"insurer {insurer_id} not found", code="INSURER_NOT_FOUND")
    return insurer


def insurer_by_code(*, session: Session, code: str) -> Insurer:
    insurer = session.scalar(select(Insurer).where(Insurer.code == code))
    if insurer is None:
        raise NotFound(f"insurer {code} not found", code="INSURER_NOT_FOUND")
    return insurer


def create_insurer(*, session: Session, actor: Actor, cmd: InsurerIn) -> Insurer:
    actor.require("partner.manage")
    if session.scalar(select(Insurer.id).where(Insurer.code == cmd.code)) is not None:
        raise Conflict(f"insurer {cmd.code} already exists", code="INSURER_EXISTS")
    insurer = Insurer(code=cmd.code, name=cmd.name)
    session.add(insurer)
    session.flush()
    for c in cmd.contacts:
        session.add(InsurerContact(insurer_id=insurer.id, **c.model_dump()))
    session.flush()
    return insurer


def add_contact(*, session: Session, actor: Actor, insurer_id: int, cmd: ContactIn) -> InsurerContact:
    """A contact of an insurer; with an order, a place in its emergency chain that must be free."""
    actor.require("partner.manage")
    get_insurer(session=session, insurer_id=insurer_id)
    if cmd.emergency_order is not None:
        taken = session.scalar(
            select(InsurerContact.name).where(
                InsurerContact.insurer_id == insurer_id, InsurerContact.emergency_order == cmd.emergency_order
            )
        )
        if taken is not None:
            raise Conflict(
                f"place {cmd.emergency_order} of the emergency chain is held by {taken}",
                code="CHAIN_ORDER_TAKEN",
            )
    contact = InsurerContact(insurer_id=insurer_id, **cmd.model_dump())
    session.add(contact)
    session.flush()
    return contact


def record_emergency_call(
    *, session: Session, actor: Actor, insurer_id: int, cmd: EmergencyCallIn
) -> EmergencyCall:
    actor.require("partner.assign")
    contact = session.get(InsurerContact, cmd.contact_id)
    if contact is None or contact.insurer_id != insurer_id or contact.emergency_order is None:
        raise NotFound("no such contact in the insurer's emergency chain", code="CONTACT_NOT_FOUND")
    call = EmergencyCall(
        insurer_id=insurer_id, contact_id=contact.id, called_at=as_utc(cmd.called_at), reason=cmd.reason
    )
    session.add(call)
    session.flush()
    return call


def record_meeting(*, session: Session, actor: Actor, insurer_id: int, cmd: MeetingIn) -> Meeting:
    actor.require("partner.manage")
    get_insurer(session=session, insurer_id=insurer_id)
    meeting = Meeting(
        insurer_id=insurer_id, held_on=cmd.held_on, attendees=cmd.attendees, minutes=cmd.minutes
    )
    session.add(meeting)
    session.flush()
    for a in cmd.actions:
        session.add(
            ActionItem(meeting_id=meeting.id, title=a.title, owner=a.owner, due_on=a.due_on, status="open")
        )
    session.flush()
    return meeting


def close_action(*, session: Session, actor: Actor, action_id: int, today: date) -> ActionItem:
    actor.require("partner.manage")
    item = session.get(ActionItem, action_id)
    if item is None:
        raise NotFound(f"action item {action_id} not found", code="ACTION_NOT_FOUND")
    if item.status == "done":
        raise Conflict("the action item is already done", code="ACTION_DONE")
    item.status, item.closed_on = "done", today
    session.flush()
    return item


def set_responsibility(
    *, session: Session, actor: Actor, insurer_id: int, cmd: ResponsibilityIn
) -> Responsibility:
    actor.require("partner.manage")
    get_insurer(session=session, insurer_id=insurer_id)
    if cmd.step not in rules.PROCESS_STEPS:
        raise ValidationFailed(
            f"unknown process step {cmd.step!r}; one of {', '.join(rules.PROCESS_STEPS)}", code="STEP_UNKNOWN"
        )
    row = session.scalar(
        select(Responsibility).where(Responsibility.insurer_id == insurer_id, Responsibility.step == cmd.step)
    )
    if row is None:
        row = Responsibility(insurer_id=insurer_id, step=cmd.step)
        session.add(row)
    row.responsible, row.approver, row.within_hours = cmd.responsible, cmd.approver, cmd.within_hours
    session.flush()
    return row


# --- providers ------------------------------------------------------------------------------------


def get_provider(*, session: Session, provider_id: int) -> Provider:
    provider = session.get(Provider, provider_id)
    if provider is None:
        raise NotFound(f"provider {provider_id} not found", code="PROVIDER_NOT_FOUND")
    return provider


def create_provider(*, session: Session, actor: Actor, cmd: ProviderIn) -> Provider:
    actor.require("partner.manage")
    rules.check_type(cmd.type)
    provider = Provider(name=cmd.name, type=cmd.type, region=cmd.region, status="candidate")
    session.add(provider)
    session.flush()
    return provider


def set_provider_status(*, session: Session, actor: Actor, provider_id: int, status: str) -> Provider:
    actor.require("partner.manage")
    if status not in rules.PROVIDER_STATUSES:
        raise ValidationFailed(
            f"unknown status {status!r}; one of {', '.join(rules.PROVIDER_STATUSES)}", code="STATUS_UNKNOWN"
        )
    provider = get_provider(session=session, provider_id=provider_id)
    if provider.status == "terminated":
        raise Conflict("a terminated provider stays terminated", code="PROVIDER_TERMINATED")
    provider.status = status
    session.flush()
    return provider


def set_criterion(*, session: Session, actor: Actor, cmd: CriterionIn) -> SelectionCriterion:
    actor.require("partner.manage")
    rules.check_type(cmd.provider_type)
    row = session.scalar(
        select(SelectionCriterion).where(
            SelectionCriterion.provider_type == cmd.provider_type, SelectionCriterion.name == cmd.name
        )
    )
    if row is None:
        row = SelectionCriterion(provider_type=cmd.provider_type, name=cmd.name, weight=cmd.weight)
        session.add(row)
    row.weight = cmd.weight
    session.flush()
    return row


def criteria(session: Session, provider_type: str) -> dict[str, int]:
    rows = session.scalars(
        select(SelectionCriterion).where(SelectionCriterion.provider_type == provider_type)
    )
    return {r.name: r.weight for r in rows}


def evaluate(
    *, session: Session, actor: Actor, provider_id: int, cmd: EvaluationIn, now: datetime
) -> Evaluation:
    """A candidate's scored evaluation and the decision; selecting it makes it active."""
    actor.require("partner.manage")
    provider = get_provider(session=session, provider_id=provider_id)
    if provider.status != "candidate":
        raise Conflict(
            f"only a candidate is evaluated for selection (this one is {provider.status})",
            code="NOT_A_CANDIDATE",
        )
    total = rules.weighted_total(criteria(session, provider.type), cmd.scores)
    evaluation = Evaluation(
        provider_id=provider.id,
        scores=dict(cmd.scores),
        total=total,
        decision=cmd.decision,
        decided_by=actor.id,
        decided_at=as_utc(now),
        note=cmd.note,
    )
    session.add(evaluation)
    provider.status = "active" if cmd.decision == "select" else "terminated"
    session.flush()
    return evaluation


# --- agreements -----------------------------------------------------------------------------------


def sign_agreement(*, session: Session, actor: Actor, cmd: AgreementIn) -> Agreement:
    actor.require("partner.manage")
    provider = get_provider(session=session, provider_id=cmd.provider_id)
    if provider.status == "terminated":
        raise Conflict("no agreement with a terminated provider", code="PROVIDER_TERMINATED")
    if session.scalar(select(Agreement.id).where(Agreement.number == cmd.number)) is not None:
        raise Conflict(f"agreement {cmd.number} already exists", code="AGREEMENT_EXISTS")
    agreement = Agreement(
        number=cmd.number,
        provider_id=provider.id,
        scope=cmd.scope,
        on_site_hours=cmd.on_site_hours,
        report_days=cmd.report_days,
        finish_days=cmd.finish_days,
        start_on=cmd.start_on,
        end_on=cmd.end_on,
        signed_by=actor.id,
    )
    session.add(agreement)
    session.flush()
    for item, amount in cmd.fees.items():
        session.add(AgreementFee(agreement_id=agreement.id, item=item, amount=amount))
    session.flush()
    return agreement


def current_agreement(session: Session, provider_id: int, day: date) -> Agreement | None:
    return session.scalar(
        select(Agreement)
        .where(Agreement.provider_id == provider_id, Agreement.start_on <= day, Agreement.end_on >= day)
        .order_by(Agreement.end_on.desc())
    )


# --- assignments ----------------------------------------------------------------------------------


def assign(*, session: Session, actor: Actor, cmd: AssignmentIn, now: datetime) -> Assignment:
    actor.require("partner.assign")
    claim = get_claim(session=session, claim_number=cmd.claim_number)
    provider = get_provider(session=session, provider_id=cmd.provider_id)
    at = as_utc(cmd.assigned_at or now)
    agreement = current_agreement(session, provider.id, local_date(at))
    rules.check_assignable(
        status=provider.status,
        provider_type=provider.type,
        kind=cmd.kind,
        has_current_agreement=agreement is not None,
    )
    assert agreement is not None
    row = Assignment(
        claim_id=claim.id,
        provider_id=provider.id,
        agreement_id=agreement.id,
        kind=cmd.kind,
        assigned_at=at,
        assigned_by=actor.id,
    )
    session.add(row)
    if claim.provider_id is None:
        claim.provider_id = provider.id
    session.flush()
    return row


def record_visit(*, session: Session, actor: Actor, assignment_id: int, cmd: VisitIn) -> Assignment:
    actor.require("partner.assign")
    row = session.get(Assignment, assignment_id)
    if row is None:
        raise NotFound(f"assignment {assignment_id} not found", code="ASSIGNMENT_NOT_FOUND")
    times = {
        k: as_utc(v)
        for k, v in (
            ("arrived_at", cmd.arrived_at),
            ("reported_at", cmd.reported_at),
            ("finished_at", cmd.finished_at),
        )
        if v is not None
    }
    rules.check_times(row.assigned_at, **times)
    for k, v in times.items():
        setattr(row, k, v)
    if cmd.cost is not None:
        row.cost = cmd.cost
    session.flush()
    return row


# --- scorecards -----------------------------------------------------------------------------------


def review_scorecard(
    *, session: Session, actor: Actor, provider_id: int, cmd: ReviewIn, now: datetime
) -> ScorecardReview:
    actor.require("partner.review")
    get_provider(session=session, provider_id=provider_id)
    review = ScorecardReview(
        provider_id=provider_id,
        period=cmd.period,
        comments=cmd.comments,
        reviewer_id=actor.id,
        at=as_utc(now),
    )
    session.add(review)
    session.flush()
    return review


def ask_improvement(*, session: Session, actor: Actor, provider_id: int, cmd: ActionItemIn) -> ActionItem:
    """The improvement asked of a provider, tracked as an action item with an owner and a due date."""
    actor.require("partner.review")
    get_provider(session=session, provider_id=provider_id)
    item = ActionItem(
        provider_id=provider_id, title=cmd.title, owner=cmd.owner, due_on=cmd.due_on, status="open"
    )
    session.add(item)
    session.flush()
    return item
