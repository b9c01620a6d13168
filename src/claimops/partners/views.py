"""Output shapes of the partners domain (the API's; pages render the same objects)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from claimops.masking import mask_phone
from claimops.partners import queries, rules
from claimops.partners.models import (
    ActionItem,
    Agreement,
    Assignment,
    Insurer,
    InsurerContact,
    Meeting,
    Provider,
)
from claimops.partners.schemas import (
    ActionItemOut,
    AgreementOut,
    AssignmentOut,
    ContactOut,
    FigureOut,
    InsurerOut,
    MeetingOut,
    ProviderOut,
    ScorecardOut,
)


def insurer_out(session: Session, insurer: Insurer) -> InsurerOut:
    return InsurerOut(
        id=insurer.id,
        code=insurer.code,
        name=insurer.name,
        contacts=[contact_out(c) for c in queries.contacts(session, insurer.id)],
    )


def contact_out(c: InsurerContact) -> ContactOut:
    return ContactOut(
        id=c.id,
        name=c.name,
        title=c.title,
        phone=mask_phone(c.phone),
        emergency_order=c.emergency_order,
        hours=c.hours,
    )


def action_out(item: ActionItem, today: date) -> ActionItemOut:
    return ActionItemOut(
        id=item.id,
        title=item.title,
        owner=item.owner,
        due_on=item.due_on,
        status=item.status,
        overdue=rules.overdue(item.due_on, item.status, today),
    )


def meeting_out(session: Session, meeting: Meeting, today: date) -> MeetingOut:
    return MeetingOut(
        id=meeting.id,
        insurer_id=meeting.insurer_id,
        held_on=meeting.held_on,
        attendees=meeting.attendees,
        minutes=meeting.minutes,
        actions=[action_out(a, today) for a in queries.meeting_actions(session, meeting.id)],
    )


def provider_out(p: Provider) -> ProviderOut:
    return ProviderOut(id=p.id, name=p.name, type=p.type, region=p.region, status=p.status)


def agreement_out(session: Session, a: Agreement, today: date) -> AgreementOut:
    return AgreementOut(
        id=a.id,
        number=a.number,
        provider_id=a.provider_id,
        scope=a.scope,
        on_site_hours=a.on_site_hours,
        report_days=a.report_days,
        finish_days=a.finish_days,
        fees=queries.fees(session, a.id),
        start_on=a.start_on,
        end_on=a.end_on,
        expiring=rules.expiring(a.end_on, today),
    )


def assignment_out(a: Assignment, claim_number: str) -> AssignmentOut:
    return AssignmentOut(
        id=a.id,
        claim_number=claim_number,
        provider_id=a.provider_id,
        agreement_id=a.agreement_id,
        kind=a.kind,
        assigned_at=a.assigned_at,
        arrived_at=a.arrived_at,
        reported_at=a.reported_at,
        finished_at=a.finished_at,
        cost=a.cost,
    )


def scorecard_out(session: Session, card: queries.ProviderCard, period: str, today: date) -> ScorecardOut:
    c = card.card
    return ScorecardOut(
        provider=provider_out(card.provider),
        period=period,
        figures=[
            FigureOut(
                key=f.key,
                value=f.value,
                measured=f.measured,
                target=f.target,
                claims=f.claims,
                flagged=f.flagged,
            )
            for f in c.figures.values()
        ],
        missing=c.missing,
        points=c.points,
        grade=c.grade,
        below_standard=c.below_standard,
        comments=card.comments,
        actions=[action_out(a, today) for a in queries.provider_actions(session, card.provider.id)],
    )
