"""What the partner pages, the API and the deck read (SQLAlchemy Core/ORM selects, no writes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim
from claimops.disputes.models import Dispute
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
from claimops.reporting.kpis import Filters
from claimops.reporting.periods import Period
from claimops.surveys.models import SurveyResponse
from claimops.users.models import User


def insurers(session: Session) -> list[Insurer]:
    return list(session.scalars(select(Insurer).order_by(Insurer.code)))


def contacts(session: Session, insurer_id: int) -> list[InsurerContact]:
    """Contacts, the emergency chain first in its order."""
    rows = session.scalars(select(InsurerContact).where(InsurerContact.insurer_id == insurer_id))
    return sorted(rows, key=lambda c: (c.emergency_order is None, c.emergency_order or 0, c.id))


def meetings(session: Session, insurer_id: int) -> list[Meeting]:
    stmt = select(Meeting).where(Meeting.insurer_id == insurer_id).order_by(Meeting.held_on.desc())
    return list(session.scalars(stmt))


def meeting_actions(session: Session, meeting_id: int) -> list[ActionItem]:
    return list(
        session.scalars(select(ActionItem).where(ActionItem.meeting_id == meeting_id).order_by(ActionItem.id))
    )


def responsibilities(session: Session, insurer_id: int) -> list[Responsibility]:
    rows = session.scalars(select(Responsibility).where(Responsibility.insurer_id == insurer_id))
    order = {s: i for i, s in enumerate(rules.PROCESS_STEPS)}
    return sorted(rows, key=lambda r: order.get(r.step, 99))


def providers(session: Session, *, type_: str | None = None, status: str | None = None) -> list[Provider]:
    stmt = select(Provider).order_by(Provider.type, Provider.region, Provider.name)
    if type_:
        stmt = stmt.where(Provider.type == type_)
    if status:
        stmt = stmt.where(Provider.status == status)
    return list(session.scalars(stmt))


def criteria_by_type(session: Session) -> dict[str, list[SelectionCriterion]]:
    rows = session.scalars(select(SelectionCriterion).order_by(SelectionCriterion.name))
    out: dict[str, list[SelectionCriterion]] = {t: [] for t in rules.PROVIDER_TYPES}
    for r in rows:
        out.setdefault(r.provider_type, []).append(r)
    return out


def evaluations(session: Session, provider_id: int) -> list[tuple[Evaluation, str | None]]:
    """A provider's evaluations, latest first, with the name of who decided."""
    stmt = (
        select(Evaluation, func.coalesce(func.nullif(User.full_name, ""), User.username))
        .outerjoin(User, User.id == Evaluation.decided_by)
        .where(Evaluation.provider_id == provider_id)
        .order_by(Evaluation.decided_at.desc(), Evaluation.id.desc())
    )
    return [(e, who) for e, who in session.execute(stmt)]


def agreements(session: Session, provider_id: int | None = None) -> list[Agreement]:
    stmt = select(Agreement).order_by(Agreement.end_on.desc())
    if provider_id is not None:
        stmt = stmt.where(Agreement.provider_id == provider_id)
    return list(session.scalars(stmt))


def fees(session: Session, agreement_id: int) -> dict[str, Decimal]:
    rows = session.execute(
        select(AgreementFee.item, AgreementFee.amount).where(AgreementFee.agreement_id == agreement_id)
    )
    return {str(r[0]): r[1] for r in rows}


def assignments(
    session: Session, *, claim_id: int | None = None, provider_id: int | None = None
) -> list[tuple[Assignment, str]]:
    stmt = (
        select(Assignment, Claim.claim_number)
        .join(Claim, Claim.id == Assignment.claim_id)
        .order_by(Assignment.assigned_at.desc())
    )
    if claim_id is not None:
        stmt = stmt.where(Assignment.claim_id == claim_id)
    if provider_id is not None:
        stmt = stmt.where(Assignment.provider_id == provider_id)
    return [(a, n) for a, n in session.execute(stmt.limit(500))]


def provider_actions(session: Session, provider_id: int) -> list[ActionItem]:
    stmt = select(ActionItem).where(ActionItem.provider_id == provider_id).order_by(ActionItem.due_on)
    return list(session.scalars(stmt))


def open_actions(session: Session, as_of: date | None = None) -> list[ActionItem]:
    """Action items open (at the end of `as_of` when given: agreed by then, not yet closed then)."""
    stmt = select(ActionItem).order_by(ActionItem.due_on, ActionItem.id)
    if as_of is None:
        return list(session.scalars(stmt.where(ActionItem.status == "open")))
    held = select(Meeting.id).where(Meeting.held_on <= as_of)
    return list(
        session.scalars(
            stmt.where(
                or_(ActionItem.status == "open", ActionItem.closed_on > as_of),
                or_(ActionItem.meeting_id.is_(None), ActionItem.meeting_id.in_(held)),
            )
        )
    )


# --- scorecards -----------------------------------------------------------------------------------


def _jobs(
    session: Session, period: Period, provider_ids: list[int] | None, flt: Filters | None = None
) -> dict[int, list[rules.Job]]:
    disputed = select(Dispute.claim_id).distinct().scalar_subquery()
    stmt = (
        select(
            Assignment.provider_id,
            Claim.claim_number,
            Assignment.assigned_at,
            Assignment.arrived_at,
            Assignment.reported_at,
            Assignment.finished_at,
            Assignment.cost,
            Agreement.on_site_hours,
            Agreement.report_days,
            Agreement.finish_days,
            Claim.reopen_count,
            Claim.id.in_(disputed),
        )
        .join(Claim, Claim.id == Assignment.claim_id)
        .join(Agreement, Agreement.id == Assignment.agreement_id)
        .where(Assignment.assigned_at >= period.start_utc, Assignment.assigned_at < period.end_utc)
        .order_by(Assignment.assigned_at)
    )
    if provider_ids is not None:
        stmt = stmt.where(Assignment.provider_id.in_(provider_ids))
    if flt is not None:
        stmt = flt.apply(stmt)
    out: dict[int, list[rules.Job]] = {}
    for row in session.execute(stmt):
        out.setdefault(row[0], []).append(
            rules.Job(
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                row[6],
                row[7],
                row[8],
                row[9],
                row[10] > 0,
                bool(row[11]),
            )
        )
    return out


def _peer_costs(
    session: Session, period: Period, provider: Provider, flt: Filters | None = None
) -> list[Decimal]:
    """Costs of the other providers of the same type and region in the period."""
    stmt = (
        select(Assignment.cost)
        .join(Provider, Provider.id == Assignment.provider_id)
        .where(
            Provider.type == provider.type,
            Provider.region == provider.region,
            Provider.id != provider.id,
            Assignment.cost.is_not(None),
            Assignment.assigned_at >= period.start_utc,
            Assignment.assigned_at < period.end_utc,
        )
    )
    if flt is not None:
        stmt = flt.narrow(stmt, Assignment.claim_id)
    return [c for c in session.scalars(stmt) if c is not None]


def _responses(
    session: Session, period: Period, provider_ids: list[int] | None, flt: Filters | None = None
) -> dict[int, list[tuple[str, int]]]:
    """Per provider, the survey responses (claim number, overall 1–5) on the claims it was assigned
    to in the period, whenever the customer answered (the survey follows the claim): each response
    once per provider, however many times the provider was assigned to the claim."""
    stmt = (
        select(Assignment.provider_id, SurveyResponse.id, Claim.claim_number, SurveyResponse.overall)
        .distinct()
        .join(Assignment, Assignment.claim_id == SurveyResponse.claim_id)
        .join(Claim, Claim.id == Assignment.claim_id)
        .where(Assignment.assigned_at >= period.start_utc, Assignment.assigned_at < period.end_utc)
    )
    if provider_ids is not None:
        stmt = stmt.where(Assignment.provider_id.in_(provider_ids))
    if flt is not None:
        stmt = flt.apply(stmt)
    out: dict[int, list[tuple[str, int]]] = {}
    for provider_id, _id, number, overall in session.execute(stmt.order_by(SurveyResponse.id)):
        out.setdefault(provider_id, []).append((number, overall))
    return out


@dataclass(frozen=True)
class ProviderCard:
    provider: Provider
    card: rules.Scorecard
    comments: list[str]


def scorecard(session: Session, provider: Provider, period: Period) -> ProviderCard:
    jobs = _jobs(session, period, [provider.id]).get(provider.id, [])
    responses = _responses(session, period, [provider.id]).get(provider.id, [])
    card = rules.scorecard(jobs, _peer_costs(session, period, provider), responses)
    comments = list(
        session.scalars(
            select(ScorecardReview.comments)
            .where(ScorecardReview.provider_id == provider.id, ScorecardReview.period == period.label)
            .order_by(ScorecardReview.id)
        )
    )
    return ProviderCard(provider, card, comments)


def scorecards(session: Session, period: Period, flt: Filters | None = None) -> list[ProviderCard]:
    """Every provider with work in the period (on the claims the filters keep)."""
    jobs = _jobs(session, period, None, flt)
    responses = _responses(session, period, None, flt)
    out = []
    for p in session.scalars(
        select(Provider).where(Provider.id.in_(list(jobs))).order_by(Provider.type, Provider.name)
    ):
        card = rules.scorecard(jobs[p.id], _peer_costs(session, period, p, flt), responses.get(p.id, []))
        out.append(ProviderCard(p, card, []))
    return out


# --- the period's partner activity (deck) ---------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    meetings: int
    actions_closed: int
    actions_open: int
    actions_overdue: int
    emergency_calls: int
    agreements_active: int
    agreements_expiring: int
    agreements_signed: int


def activity(session: Session, period: Period, insurer_id: int | None = None) -> Activity:
    """Meetings, action items and emergency calls (of one insurer when given) and agreements."""
    last = period.last_day
    meeting_of = [Meeting.insurer_id == insurer_id] if insurer_id else []
    call_of = [EmergencyCall.insurer_id == insurer_id] if insurer_id else []

    def count(stmt: object) -> int:
        return int(session.scalar(stmt) or 0)  # type: ignore[call-overload]

    return Activity(
        meetings=count(
            select(func.count())
            .select_from(Meeting)
            .where(Meeting.held_on >= period.start, Meeting.held_on <= last, *meeting_of)
        ),
        actions_closed=count(
            select(func.count())
            .select_from(ActionItem)
            .where(ActionItem.closed_on >= period.start, ActionItem.closed_on <= last)
        ),
        actions_open=count(select(func.count()).select_from(ActionItem).where(ActionItem.status == "open")),
        actions_overdue=count(
            select(func.count())
            .select_from(ActionItem)
            .where(ActionItem.status == "open", ActionItem.due_on < last)
        ),
        emergency_calls=count(
            select(func.count())
            .select_from(EmergencyCall)
            .where(
                EmergencyCall.called_at >= period.start_utc,
                EmergencyCall.called_at < period.end_utc,
                *call_of,
            )
        ),
        agreements_active=count(
            select(func.count())
            .select_from(Agreement)
            .where(Agreement.start_on <= last, Agreement.end_on >= last)
        ),
        agreements_expiring=count(
            select(func.count())
            .select_from(Agreement)
            .where(
                Agreement.end_on >= last,
                Agreement.end_on <= date.fromordinal(last.toordinal() + rules.EXPIRY_ALERT_DAYS),
            )
        ),
        agreements_signed=count(
            select(func.count())
            .select_from(Agreement)
            .where(Agreement.start_on >= period.start, Agreement.start_on <= last)
        ),
    )


# --- the lists behind the dashboard panel ----------------------------------------------------------

AGREEMENT_STATES = ("active", "expiring")


def agreements_at(
    session: Session, day: date, state: str, region: str | None = None
) -> list[tuple[Agreement, Provider]]:
    """Agreements in force on `day` ("active"), or in force and ending within the alert window
    ("expiring"); of the providers of one region when given."""
    stmt = (
        select(Agreement, Provider)
        .join(Provider, Provider.id == Agreement.provider_id)
        .where(Agreement.start_on <= day, Agreement.end_on >= day)
        .order_by(Agreement.end_on, Agreement.number)
    )
    if state == "expiring":
        stmt = stmt.where(Agreement.end_on <= day + timedelta(days=rules.EXPIRY_ALERT_DAYS))
    if region:
        stmt = stmt.where(Provider.region == region)
    return [(a, p) for a, p in session.execute(stmt)]


def actions_at(
    session: Session, day: date, *, overdue_only: bool = False, insurer_id: int | None = None
) -> list[ActionItem]:
    """Action items open at the end of `day` (overdue then: due before it); of one insurer's
    meetings when given."""
    items = open_actions(session, day)
    if insurer_id:
        ids = set(session.scalars(select(Meeting.id).where(Meeting.insurer_id == insurer_id)))
        items = [a for a in items if a.meeting_id in ids]
    if overdue_only:
        items = [a for a in items if a.due_on < day]
    return items
