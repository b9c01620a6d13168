"""Dispute lists and KPIs: rate, open by stage and age, resolution time, amounts (SQL reads)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim, Decision
from claimops.clock import local_date, start_of_local_day
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
    """`today`: the day open disputes are aged at (the period's last day, or an injected now), in
    the stage each was in then; `flt`: only the disputes on claims the deck's filters keep."""
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
    by_stage = dict.fromkeys(rules.RANK, 0)
    by_age = {_age_label(a): 0 for a in AGES}
    overdue = 0
    for row in open_at(session, period, today, flt):
        by_stage[row.stage] = by_stage.get(row.stage, 0) + 1
        by_age[age_bucket(row.opened_at, today)] += 1
        overdue += rules.overdue(row.due_on, row.stage, today)
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


AGE_LABELS = tuple(_age_label(a) for a in AGES)


def age_bucket(opened_at: datetime, today: date) -> str:
    age = (today - local_date(opened_at)).days
    return _age_label(next(a for a in AGES if a[1] is None or age <= a[1]))


def cutoff(period: Period, today: date) -> datetime:
    """The instant open disputes are counted at: the end of `today`, at most the period's end."""
    return min(period.end_utc, start_of_local_day(today + timedelta(days=1)))


@dataclass(frozen=True)
class OpenAt:
    dispute_id: int
    stage: str  # the stage it was in at the cutoff, from its steps (not its stage today)
    opened_at: datetime
    due_on: date | None


def open_at(session: Session, period: Period, today: date, flt: Filters | None = None) -> list[OpenAt]:
    """Disputes open at the end of `today` (within the period), each with the stage its last step
    before then put it in: a past period shows the stages as they were, not as they are now."""
    at = cutoff(period, today)
    flt = flt or Filters()
    # steps are appended in order, so the highest id before the cutoff is the stage then
    last = (
        select(func.max(DisputeStep.id))
        .where(DisputeStep.dispute_id == Dispute.id, DisputeStep.at < at)
        .correlate(Dispute)
        .scalar_subquery()
    )
    stmt = flt.narrow(
        select(Dispute.id, DisputeStep.stage, Dispute.opened_at, DisputeStep.due_on)
        .select_from(Dispute)
        .join(DisputeStep, DisputeStep.id == last),
        Dispute.claim_id,
    ).where(
        Dispute.opened_at < at,
        or_(Dispute.closed_at.is_(None), Dispute.closed_at >= at),
        DisputeStep.stage.not_in(rules.FINAL),
    )
    return [OpenAt(r[0], r[1], r[2], r[3]) for r in session.execute(stmt.order_by(Dispute.opened_at))]


LISTS = ("opened", "resolved", "withdrawn", "open", "overdue")


def listed(
    session: Session,
    *,
    period: Period,
    which: str,
    today: date,
    flt: Filters | None = None,
    stage: str | None = None,
    age: str | None = None,
) -> list[tuple[Dispute, str]]:
    """The disputes behind a KPI figure: opened, resolved or withdrawn in the period, or open at its
    end (in a stage as it was then, of an age), or overdue then; on the claims the filters keep."""
    flt = flt or Filters()
    base = flt.apply(select(Dispute, Claim.claim_number).join(Claim, Claim.id == Dispute.claim_id))
    s, e = period.start_utc, period.end_utc
    if which == "opened":
        stmt = base.where(Dispute.opened_at >= s, Dispute.opened_at < e)
    elif which in ("resolved", "withdrawn"):
        stmt = base.where(Dispute.stage == which, Dispute.closed_at >= s, Dispute.closed_at < e)
    elif which in ("open", "overdue"):
        rows = [
            r
            for r in open_at(session, period, today, flt)
            if (stage is None or r.stage == stage)
            and (age is None or age_bucket(r.opened_at, today) == age)
            and (which == "open" or rules.overdue(r.due_on, r.stage, today))
        ]
        stmt = base.where(Dispute.id.in_([r.dispute_id for r in rows]))
    else:
        stmt = base
    return [(d, n) for d, n in session.execute(stmt.order_by(Dispute.opened_at.desc()).limit(500))]
