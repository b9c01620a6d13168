"""The few figures the deck states beyond the KPI summary: data volume, documents requested, partners.

Counted in the database with the summary's rules: claims by report date, payments by payment date,
the period's filters applied to everything about claims. Totals of the data held are system-wide.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim, ClaimEvent
from claimops.customers.models import Customer
from claimops.documents.models import Document
from claimops.money import money_or_zero
from claimops.payments.models import Payment
from claimops.policies.models import Policy
from claimops.reporting.indexes import REQUEST_DOCUMENTS
from claimops.reporting.kpis import Filters
from claimops.reporting.periods import Period

DIRECT = "direct_to_provider"


@dataclass(frozen=True)
class Facts:
    claims_total: int  # held in claimops, all periods
    policies_total: int
    customers_total: int
    documents_total: int
    claims_reported: int  # in the period
    documents_requested: int  # of the period's claims, how many were asked for more documents
    provider_claims: int  # of the period's claims, how many involve a partner (hospital, garage…)
    providers: int  # distinct partners involved
    direct_payments: int  # paid straight to a partner in the period
    direct_amount: Decimal

    @property
    def documents_requested_pct(self) -> float | None:
        return _pct(self.documents_requested, self.claims_reported)

    @property
    def provider_claims_pct(self) -> float | None:
        return _pct(self.provider_claims, self.claims_reported)


def _pct(part: int, whole: int) -> float | None:
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")))


def facts(session: Session, period: Period, flt: Filters | None = None) -> Facts:
    flt = flt or Filters()
    start, end = period.start_utc, period.end_utc

    def total(model: type) -> int:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)

    in_period = flt.apply(select(Claim.id).where(Claim.reported_at >= start, Claim.reported_at < end))
    reported, provider_claims, providers = session.execute(
        flt.apply(
            select(
                func.count(Claim.id),
                func.count(Claim.provider_id),
                func.count(func.distinct(Claim.provider_id)),
            ).where(Claim.reported_at >= start, Claim.reported_at < end)
        )
    ).one()
    requested = session.scalar(
        select(func.count(func.distinct(ClaimEvent.claim_id))).where(
            # inline, not a bound parameter: only then may SQLite use the partial index on this action
            ClaimEvent.action == literal(REQUEST_DOCUMENTS, literal_execute=True),
            ClaimEvent.claim_id.in_(in_period.scalar_subquery()),
        )
    )
    direct_n, direct_sum = session.execute(
        flt.narrow(
            select(func.count(), func.sum(Payment.amount)).where(
                Payment.paid_at >= start, Payment.paid_at < end, Payment.method == DIRECT
            ),
            Payment.claim_id,
        )
    ).one()
    return Facts(
        claims_total=total(Claim),
        policies_total=total(Policy),
        customers_total=total(Customer),
        documents_total=total(Document),
        claims_reported=int(reported or 0),
        documents_requested=int(requested or 0),
        provider_claims=int(provider_claims or 0),
        providers=int(providers or 0),
        direct_payments=int(direct_n or 0),
        direct_amount=money_or_zero(direct_sum),
    )
