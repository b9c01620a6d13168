"""Survey reads: responses with their claims' facts, invitation counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim, ClaimTiming
from claimops.reporting.kpis import Filters
from claimops.surveys.models import SurveyInvitation, SurveyResponse

# The dashboard's filters (line, region, channel, insurer) narrow answers and invitations through their
# claims: answers without a claim (imported reviews) cannot be placed in a filter and drop out of one.
EVERYTHING = Filters()


@dataclass(frozen=True)
class ResponseRow:
    id: int
    channel: str
    overall: int
    timeliness: int | None
    communication: int | None
    professionalism: int | None
    nps: int | None
    comment: str
    responded_at: datetime
    claim_number: str | None
    line: str | None
    handler_id: int | None
    provider_id: int | None
    outcome: str | None
    acceptance: int | None
    investigation: int | None
    review: int | None
    payment: int | None
    handling: int | None


def response_rows(
    session: Session, start: datetime, end: datetime, scope: Filters = EVERYTHING
) -> list[ResponseRow]:
    stmt = (
        select(
            SurveyResponse.id,
            SurveyResponse.channel,
            SurveyResponse.overall,
            SurveyResponse.timeliness,
            SurveyResponse.communication,
            SurveyResponse.professionalism,
            SurveyResponse.nps,
            SurveyResponse.comment,
            SurveyResponse.responded_at,
            Claim.claim_number,
            Claim.line,
            Claim.handler_id,
            Claim.provider_id,
            Claim.outcome,
            ClaimTiming.acceptance_s,
            ClaimTiming.investigation_s,
            ClaimTiming.review_s,
            ClaimTiming.payment_s,
            ClaimTiming.handling_s,
        )
        .outerjoin(Claim, Claim.id == SurveyResponse.claim_id)
        .outerjoin(ClaimTiming, ClaimTiming.claim_id == SurveyResponse.claim_id)
        .where(SurveyResponse.responded_at >= start, SurveyResponse.responded_at < end)
        .order_by(SurveyResponse.id)
    )
    return [ResponseRow(*list(row)) for row in session.execute(scope.apply(stmt))]


def invitation_counts(
    session: Session, start: datetime, end: datetime, scope: Filters = EVERYTHING
) -> dict[str, tuple[int, int]]:
    """Per channel: (invitations sent in the period, of which answered)."""
    stmt = (
        select(
            SurveyInvitation.channel,
            func.count(),
            func.count(SurveyInvitation.responded_at),
        )
        .where(SurveyInvitation.sent_at >= start, SurveyInvitation.sent_at < end)
        .group_by(SurveyInvitation.channel)
    )
    return {
        channel: (int(n), int(answered))
        for channel, n, answered in session.execute(scope.narrow(stmt, SurveyInvitation.claim_id))
    }


def invitation_rows(
    session: Session, start: datetime, end: datetime, scope: Filters = EVERYTHING
) -> list[tuple[str, int | None, int | None, datetime, str]]:
    """(line, handler, provider, sent at, channel) per invitation sent in the period, for response rates
    by group."""
    stmt = (
        select(
            Claim.line,
            Claim.handler_id,
            Claim.provider_id,
            SurveyInvitation.sent_at,
            SurveyInvitation.channel,
        )
        .join(Claim, Claim.id == SurveyInvitation.claim_id)
        .where(SurveyInvitation.sent_at >= start, SurveyInvitation.sent_at < end)
    )
    return [(line, h, p, sent, channel) for line, h, p, sent, channel in session.execute(scope.apply(stmt))]
