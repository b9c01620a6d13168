"""Figures for the deck beyond the KPI summary: data volume, direct payments, document requests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim, ClaimEvent
from claimops.customers.models import Customer
from claimops.documents.models import Document
from claimops.money import money_or_zero
from claimops.payments.models import Payment
from claimops.policies.models import Policy
from claimops.reporting.periods import Period


@dataclass
class Facts:
    claims: int
    policies: int
    customers: int
    events: int
    documents: int
    direct_payments: int
    direct_amount: Decimal
    documents_requested_pct: float | None
    investigated: int


def facts(session: Session, period: Period) -> Facts:
    start, end = period.start_utc, period.end_utc

    def count(model: type) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

    direct_n, direct_sum = session.execute(
        select(func.count(Payment.id), func.sum(Payment.amount)).where(
            Payment.paid_at >= start, Payment.paid_at < end, Payment.method == "direct_to_provider"
        )
    ).one()
    in_period = select(Claim.id).where(Claim.reported_at >= start, Claim.reported_at < end)
    reported = session.scalar(select(func.count()).select_from(in_period.subquery())) or 0
    requested = (
        session.scalar(
            select(func.count(func.distinct(ClaimEvent.claim_id))).where(
                ClaimEvent.action == "request_documents", ClaimEvent.claim_id.in_(in_period)
            )
        )
        or 0
    )
    investigated = (
        session.scalar(
            select(func.count(func.distinct(ClaimEvent.claim_id))).where(
                ClaimEvent.action == "start_investigation", ClaimEvent.at >= start, ClaimEvent.at < end
            )
        )
        or 0
    )
    return Facts(
        claims=count(Claim),
        policies=count(Policy),
        customers=count(Customer),
        events=count(ClaimEvent),
        documents=count(Document),
        direct_payments=direct_n or 0,
        direct_amount=money_or_zero(direct_sum),
        documents_requested_pct=None if not reported else round(requested * 100 / reported, 1),
        investigated=investigated,
    )
