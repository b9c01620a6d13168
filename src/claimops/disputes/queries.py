"""Dispute lists and KPIs: rate, open by stage and age, resolution time, amounts (SQL reads)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim, Decision
from claimops.clock import local_date
from claimops.disputes import rules
from claimops.disputes.models import Dispute, DisputeStep
from claimops.money import ZERO
from claimops.reporting.kpis import Filters
from claimops.reporting.periods import Period

AGES = ((0, 30), (31, 90), (91, None))  # days open


def disputes(
    session: Session, *, open_only: bool = False, claim_id: int | None = None
) -> list[tuple[Dispute, str]]:
    stmt = (
        select(Dispute, Claim.claim_number)
        .join(Claim, Claim.id == Dispute.claim_id)
        .order_by(Dispute.opened_at.desc())
    )
    if open_only:
        stmt = stmt.where(Dispute.stage.not_in(rules.FINAL))
    if claim_id is not None:
        stmt = stmt.where(Dispute.claim_id == claim_id)
    return [(d, n) for d, n in session.execute(stmt.limit(500))]


def steps(session: Session, dispute_id: int) -> list[DisputeStep]:
    return list(
        session.scalars(
            select(DisputeStep).where(DisputeStep.dispute_id == dispute_id).order_by(DisputeStep.id)
        )
    )


@dataclass(frozen=True)
class DisputeKpis:
    opened: int
    resolved: int
    withdrawn: int
    decided_claims: int
    rate: float | None  # disputes opened per claim decided in the period
    open_by_stage: dict[str, int]
    open_by_age: dict[str, int]
    overdue: int
    resolution_days: float | None  # mean, resolved in the period
    disputed_amount: Decimal  # of those resolved
    decided_amount: Decimal
    settled_amount: Decimal
    supplementary: int  # resolved with a supplementary decision


def kpis(session: Session, period: Period, today: date, flt: Filters | None = None) -> DisputeKpis:
    """`today`: the day open disputes are aged at (the period's last day, or an injected now);
    `flt`: only the disputes on claims the deck's filters keep."""
    s, e = period.start_utc, period.end_utc
    flt = flt or Filters()
    opened = int(
        session.scalar(
            flt.narrow(select(func.count()).select_from(Dispute), Dispute.claim_id).where(
                Dispute.opened_at >= s, Dispute.opened_at < e
            )
        )
        or 0
    )
    closed = session.execute(
        flt.narrow(
            select(
                Dispute.stage,
                Dispute.opened_at,
                Dispute.closed_at,
                Dispute.disputed_amount,
                Dispute.decided_amount,
                Dispute.settled_amount,
                Dispute.decision_id,
            ),
            Dispute.claim_id,
        ).where(Dispute.closed_at >= s, Dispute.closed_at < e)
    ).all()
    resolved = [r for r in closed if r.stage == "resolved"]
    decided = int(
        session.scalar(
            flt.narrow(select(func.count(func.distinct(Decision.claim_id))), Decision.claim_id).where(
                Decision.decided_at >= s, Decision.decided_at < e
            )
        )
        or 0
    )
    open_rows = session.execute(
        flt.narrow(select(Dispute.stage, Dispute.opened_at, Dispute.stage_due_on), Dispute.claim_id).where(
            Dispute.stage.not_in(rules.FINAL), Dispute.opened_at < e
        )
    ).all()
    by_stage = dict.fromkeys(rules.RANK, 0)
    by_age = {_age_label(a): 0 for a in AGES}
    overdue = 0
    for stage, opened_at, due in open_rows:
        by_stage[stage] = by_stage.get(stage, 0) + 1
        age = (today - local_date(opened_at)).days
        by_age[_age_label(next(a for a in AGES if a[1] is None or age <= a[1]))] += 1
        overdue += rules.overdue(due, stage, today)
    days = [(r.closed_at - r.opened_at).total_seconds() / 86400 for r in resolved]
    return DisputeKpis(
        opened=opened,
        resolved=len(resolved),
        withdrawn=sum(1 for r in closed if r.stage == "withdrawn"),
        decided_claims=decided,
        rate=opened / decided if decided else None,
        open_by_stage=by_stage,
        open_by_age=by_age,
        overdue=overdue,
        resolution_days=sum(days) / len(days) if days else None,
        disputed_amount=sum((r.disputed_amount for r in resolved), ZERO),
        decided_amount=sum((r.decided_amount for r in resolved), ZERO),
        settled_amount=sum((r.settled_amount or ZERO for r in resolved), ZERO),
        supplementary=sum(1 for r in resolved if r.decision_id is not None),
    )


def _age_label(bucket: tuple[int, int | None]) -> str:
    lo, hi = bucket
    return f"{lo}-{hi}" if hi is not None else f"{lo}+"
