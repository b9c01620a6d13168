"""Read-side queries for lists and work queues."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from claimops.claims.lifecycle import Status
from claimops.claims.models import Claim, Decision
from claimops.clock import start_of_local_day
from claimops.policies.models import Policy
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
        like = f"%{f.q.strip()}%"
        stmt = stmt.where(
            or_(
                Claim.claim_number.like(like),
                Claim.policy_id.in_(select(Policy.id).where(Policy.policy_number.like(like))),
            )
        )
    if f.claim_ids is not None:
        stmt = stmt.where(Claim.id.in_(f.claim_ids))
    return stmt


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
