"""Read-side queries: lists and work queues, and what the write path reads before it writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, ScalarSelect, Select, Subquery, exists, func, or_, select, true
from sqlalchemy.orm import Session

from claimops.claims.lifecycle import Status
from claimops.claims.models import Claim, ClaimFinding, Decision
from claimops.claims.review import BLOCK
from claimops.clock import start_of_local_day
from claimops.documents.models import Document
from claimops.money import money_or_zero
from claimops.payments.models import Payment
from claimops.policies.models import Policy
from claimops.policies.service import terms_with
from claimops.policies.terms import PolicyTerms
from claimops.users.roles import Role

S = Status
# What each role works on (its queue), in the order a person would take it.
QUEUES: dict[Role, tuple[Status, ...]] = {
    Role.HANDLER: (S.REPORTED, S.ACCEPTED, S.DOCUMENTS_PENDING, S.INVESTIGATING),
    Role.REVIEWER: (S.UNDER_REVIEW, S.INVESTIGATING, S.DOCUMENTS_PENDING),
    Role.APPROVER: (S.DECIDED,),
    Role.FINANCE: (S.PAYMENT_PENDING,),
    Role.MANAGER: tuple(s for s in Status if s not in (S.CLOSED, S.REJECTED, S.WITHDRAWN, S.PAID)),
    Role.ADMIN: tuple(s for s in Status if s not in (S.CLOSED, S.REJECTED, S.WITHDRAWN, S.PAID)),
    Role.AUDITOR: tuple(Status),
    Role.PARTNER_MANAGER: (S.INVESTIGATING, S.UNDER_REVIEW),  # where providers are at work
    Role.TEAM_LEAD: tuple(s for s in Status if s not in (S.CLOSED, S.REJECTED, S.WITHDRAWN, S.PAID)),
}


@dataclass
class ClaimFilter:
    statuses: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    reported_from: date | None = None
    reported_to: date | None = None
    incident_from: date | None = None
    incident_to: date | None = None
    region: str | None = None
    channel: str | None = None
    handler_id: int | None = None
    awaiting_approval: bool = False
    q: str | None = None
    claim_ids: list[int] | None = None


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(stmt: Select[Any], f: ClaimFilter) -> Select[Any]:
    if f.statuses:
        stmt = stmt.where(Claim.status.in_(f.statuses))
    if f.lines:
        stmt = stmt.where(Claim.line.in_(f.lines))
    if f.reported_from:
        stmt = stmt.where(Claim.reported_at >= start_of_local_day(f.reported_from))
    if f.reported_to:
        stmt = stmt.where(Claim.reported_at < start_of_local_day(f.reported_to + timedelta(days=1)))
    if f.incident_from:
        stmt = stmt.where(Claim.incident_date >= f.incident_from)
    if f.incident_to:
        stmt = stmt.where(Claim.incident_date <= f.incident_to)
    if f.region:
        stmt = stmt.where(Claim.region == f.region)
    if f.channel:
        stmt = stmt.where(Claim.channel == f.channel)
    if f.handler_id is not None:
        stmt = stmt.where(Claim.handler_id == f.handler_id)
    if f.awaiting_approval:
        stmt = stmt.where(
            Claim.id.in_(
                select(Decision.claim_id).where(
                    Decision.current, Decision.requires_approval, Decision.approved_by.is_(None)
                )
            )
        )
    if f.q:
        # % and _ in what was typed are searched for as themselves, not as wildcards
        like = f"%{escape_like(f.q.strip())}%"
        stmt = stmt.where(
            or_(
                Claim.claim_number.like(like, escape="\\"),
                Claim.policy_id.in_(select(Policy.id).where(Policy.policy_number.like(like, escape="\\"))),
            )
        )
    if f.claim_ids is not None:
        stmt = stmt.where(Claim.id.in_(f.claim_ids))
    return stmt


# Pages past this are refused (API) or not offered (pages): offsets stay far inside 64 bits.
MAX_PAGE = 1_000_000


def list_claims(
    *, session: Session, flt: ClaimFilter, page: int = 1, page_size: int = 50
) -> tuple[list[Claim], int]:
    total: int = session.scalar(_filtered(select(func.count(Claim.id)), flt)) or 0
    rows: list[Claim] = list(
        session.scalars(
            _filtered(select(Claim), flt)
            .order_by(Claim.reported_at.desc(), Claim.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).all()
    )
    return rows, total


def queue_filter(role: Role) -> ClaimFilter:
    if role is Role.APPROVER:
        return ClaimFilter(statuses=[S.DECIDED.value], awaiting_approval=True)
    return ClaimFilter(statuses=[s.value for s in QUEUES[role]])


# What the write path reads, one round trip each: a request's cost is mostly its round trips.


def paid_on_policy(policy_id: int) -> ScalarSelect[Any]:
    """Paid to date on a policy, as a scalar subquery (read it with money_or_zero)."""
    total = (
        select(func.sum(Payment.amount))
        .join(Claim, Claim.id == Payment.claim_id)
        .where(Claim.policy_id == policy_id)
        .scalar_subquery()
    )
    return total


@dataclass(frozen=True)
class ReviewFacts:
    terms: PolicyTerms
    same_incident: int  # other live claims on the policy with the same incident date
    last_year: int  # the customer's other claims reported in the 365 days before this one
    has_findings: bool
    doc_types: list[str]  # document types received


def review_facts(session: Session, claim: Claim) -> ReviewFacts:
    same_incident = (
        select(func.count())
        .select_from(Claim)
        .where(
            Claim.policy_id == claim.policy_id,
            Claim.incident_date == claim.incident_date,
            Claim.id != claim.id,
            Claim.status.not_in([Status.REJECTED.value, Status.WITHDRAWN.value]),
        )
        .scalar_subquery()
    )
    last_year = (
        select(func.count())
        .select_from(Claim)
        .where(
            Claim.customer_id == claim.customer_id,
            Claim.id != claim.id,
            Claim.reported_at >= claim.reported_at - timedelta(days=365),
            Claim.reported_at <= claim.reported_at,
        )
        .scalar_subquery()
    )
    has_findings = exists().where(ClaimFinding.claim_id == claim.id)
    counts = select(
        paid_on_policy(claim.policy_id).label("paid"),
        same_incident.label("same_incident"),
        last_year.label("last_year"),
        has_findings.label("has_findings"),
    ).subquery()
    first, doc_types = _with_doc_types(session, counts, claim.id)
    return ReviewFacts(
        terms=terms_with(claim.policy, money_or_zero(first.paid)),
        same_incident=first.same_incident,
        last_year=first.last_year,
        has_findings=bool(first.has_findings),
        doc_types=doc_types,
    )


def _with_doc_types(session: Session, figures: Subquery, claim_id: int) -> tuple[Row[Any], list[str]]:
    """A one-row subquery of figures and the claim's received document types, in one round trip."""
    docs = select(Document.doc_type).where(Document.claim_id == claim_id).distinct().subquery()
    # the row of figures, repeated once per document type (once with NULL when there are none)
    stmt = select(figures, docs.c.doc_type).select_from(figures.outerjoin(docs, true()))
    rows = session.execute(stmt).all()
    return rows[0], [r.doc_type for r in rows if r.doc_type is not None]


@dataclass(frozen=True)
class DecisionFacts:
    terms: PolicyTerms  # paid to date: what the policy has paid on its other claims
    paid_before: Decimal  # what this claim has been paid (before a reopening's new decision)
    blocking_findings: int
    current_decisions: int
    doc_types: list[str]  # document types received


def paid_on_claim(claim_id: int) -> ScalarSelect[Any]:
    return select(func.sum(Payment.amount)).where(Payment.claim_id == claim_id).scalar_subquery()


def decision_facts(session: Session, claim: Claim) -> DecisionFacts:
    blocking = (
        select(func.count())
        .select_from(ClaimFinding)
        .where(ClaimFinding.claim_id == claim.id, ClaimFinding.severity == BLOCK)
        .scalar_subquery()
    )
    current = (
        select(func.count())
        .select_from(Decision)
        .where(Decision.claim_id == claim.id, Decision.current)
        .scalar_subquery()
    )
    counts = select(
        paid_on_policy(claim.policy_id).label("paid"),
        paid_on_claim(claim.id).label("claim_paid"),
        blocking.label("blocking"),
        current.label("current"),
    ).subquery()
    first, doc_types = _with_doc_types(session, counts, claim.id)
    claim_paid = money_or_zero(first.claim_paid)
    # the claim's own payments are set against its new total, not counted again against the limit
    return DecisionFacts(
        terms=terms_with(claim.policy, money_or_zero(first.paid) - claim_paid),
        paid_before=claim_paid,
        blocking_findings=first.blocking,
        current_decisions=first.current,
        doc_types=doc_types,
    )
