"""Period KPIs, computed in the database with aggregates over indexed columns.

Which date puts a claim into a period (see docs/kpi-definitions.md):
counts by report date; amounts by payment date; decisions by decision date; timings by completion
date (claims finished in the period); backlog as of the period's end.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from claimops.claims.lines import LINES
from claimops.claims.models import Claim, ClaimTiming, Decision
from claimops.claims.timing import STAGES
from claimops.config import Settings
from claimops.money import ZERO, money_or_zero, to_money
from claimops.payments.models import Payment
from claimops.reporting.periods import Period, _add_months
from claimops.reporting.sql import local_month
from claimops.users.models import User

DAY = 86400
Q = TypeVar("Q", bound="Select[*tuple[Any, ...]]")
AGE_BUCKETS = ((7, "0-7"), (30, "8-30"), (90, "31-90"))  # days; beyond: "90+"


@dataclass
class Filters:
    line: str | None = None
    region: str | None = None
    channel: str | None = None

    def apply(self, stmt: Q) -> Q:
        if self.line:
            stmt = stmt.where(Claim.line == self.line)
        if self.region:
            stmt = stmt.where(Claim.region == self.region)
        if self.channel:
            stmt = stmt.where(Claim.channel == self.channel)
        return stmt


@dataclass
class LineFigures:
    count: int = 0
    count_share: float | None = None
    paid: Decimal = ZERO
    paid_share: float | None = None
    payments: int = 0


@dataclass
class PeriodKpis:
    period: str
    start: str
    end: str
    claims_received: int = 0
    claims_accepted: int = 0
    claims_rejected: int = 0
    claims_withdrawn: int = 0
    by_line: dict[str, LineFigures] = field(default_factory=dict)
    paid_total: Decimal = ZERO
    payments_count: int = 0
    avg_payout: Decimal | None = None
    max_payout: Decimal | None = None
    claims_completed: int = 0
    avg_handling_days: float | None = None
    stage_avg_days: dict[str, float | None] = field(default_factory=dict)
    stage_counts: dict[str, int] = field(default_factory=dict)
    bottleneck_stage: str | None = None
    sla_days: dict[str, int] = field(default_factory=dict)
    sla_compliance_pct: dict[str, float | None] = field(default_factory=dict)
    decisions: int = 0
    decisions_by_outcome: dict[str, int] = field(default_factory=dict)
    straight_through: int = 0
    straight_through_rate_pct: float | None = None
    denial_rate_pct: float | None = None
    top_denial_reasons: list[dict[str, Any]] = field(default_factory=list)
    backlog_open: int = 0
    backlog_by_age: dict[str, int] = field(default_factory=dict)
    handlers: list[dict[str, Any]] = field(default_factory=list)


def pct(part: float | Decimal | int, whole: float | Decimal | int) -> float | None:
    """Share in percent with one decimal; None where the base is zero."""
    if not whole:
        return None
    return _one_place(Decimal(part) * 100 / Decimal(whole))


def change_pct(current: float | Decimal | int | None, base: float | Decimal | int | None) -> float | None:
    """Change in percent with one decimal (5.6 means +5.6%); None where the base is zero or missing."""
    if current is None or base is None or not base:
        return None
    return _one_place((Decimal(str(current)) - Decimal(str(base))) * 100 / Decimal(str(base)))


def _one_place(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _days(seconds: Any) -> float | None:
    """Seconds to days, two places, rounded half up like every other figure in the reports."""
    if seconds is None:
        return None
    return float((Decimal(str(seconds)) / DAY).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def compute(session: Session, period: Period, settings: Settings, flt: Filters | None = None) -> PeriodKpis:
    flt = flt or Filters()
    start, end = period.start_utc, period.end_utc
    k = PeriodKpis(period=period.label, start=period.start.isoformat(), end=period.last_day.isoformat())
    k.by_line = {line.value: LineFigures() for line in LINES}
    _counts(session, k, flt, start, end)
    _payments(session, k, flt, start, end)
    _timings(session, k, flt, start, end, settings)
    _decisions(session, k, flt, start, end)
    _backlog(session, k, flt, end)
    _handlers(session, k, flt, start, end)
    return k


def _counts(session: Session, k: PeriodKpis, flt: Filters, start: Any, end: Any) -> None:
    stmt = flt.apply(
        select(
            Claim.line,
            func.count(Claim.id),
            func.count(ClaimTiming.accepted_at),
            func.sum(case((Claim.status == "rejected", 1), else_=0)),
            func.sum(case((Claim.status == "withdrawn", 1), else_=0)),
        )
        .join(ClaimTiming, ClaimTiming.claim_id == Claim.id)
        .where(Claim.reported_at >= start, Claim.reported_at < end)
        .group_by(Claim.line)
    )
    for line, received, accepted, rejected, withdrawn in session.execute(stmt):
        k.claims_received += received
        k.claims_accepted += accepted
        k.claims_rejected += int(rejected or 0)
        k.claims_withdrawn += int(withdrawn or 0)
        k.by_line.setdefault(line, LineFigures()).count = accepted
    for fig in k.by_line.values():
        fig.count_share = pct(fig.count, k.claims_accepted)


def _payments(session: Session, k: PeriodKpis, flt: Filters, start: Any, end: Any) -> None:
    stmt = flt.apply(
        select(Claim.line, func.count(Payment.id), func.sum(Payment.amount), func.max(Payment.amount))
        .join(Claim, Claim.id == Payment.claim_id)
        .where(Payment.paid_at >= start, Payment.paid_at < end)
        .group_by(Claim.line)
    )
    largest = None
    for line, n, total, biggest in session.execute(stmt):
        fig = k.by_line.setdefault(line, LineFigures())
        fig.paid, fig.payments = money_or_zero(total), n
        k.paid_total += fig.paid
        k.payments_count += n
        big = money_or_zero(biggest)
        largest = big if largest is None or big > largest else largest
    k.max_payout = largest
    k.avg_payout = to_money(k.paid_total / k.payments_count) if k.payments_count else None
    for fig in k.by_line.values():
        fig.paid_share = pct(fig.paid, k.paid_total)


def _timings(session: Session, k: PeriodKpis, flt: Filters, start: Any, end: Any, settings: Settings) -> None:
    t = ClaimTiming
    k.sla_days = {
        "acceptance": settings.sla_acceptance_days,
        "investigation": settings.sla_investigation_days,
        "review": settings.sla_review_days,
        "payment": settings.sla_payment_days,
    }
    cols = {s: getattr(t, f"{s}_s") for s in STAGES}
    within = [
        func.sum(case((and_(cols[s].is_not(None), cols[s] <= k.sla_days[s] * DAY), 1), else_=0))
        for s in STAGES
    ]
    stmt = flt.apply(
        select(
            func.count(t.claim_id),
            func.avg(t.handling_s),
            *[func.avg(cols[s]) for s in STAGES],
            *[func.count(cols[s]) for s in STAGES],
            *within,
        )
        .join(Claim, Claim.id == t.claim_id)
        .where(t.completed_at >= start, t.completed_at < end)
    )
    row = session.execute(stmt).one()
    n = len(STAGES)
    k.claims_completed = row[0]
    k.avg_handling_days = _days(row[1])
    k.stage_avg_days = {s: _days(row[2 + i]) for i, s in enumerate(STAGES)}
    k.stage_counts = {s: int(row[2 + n + i]) for i, s in enumerate(STAGES)}
    k.sla_compliance_pct = {
        s: pct(int(row[2 + 2 * n + i] or 0), k.stage_counts[s]) for i, s in enumerate(STAGES)
    }
    timed = {s: v for s, v in k.stage_avg_days.items() if v is not None}
    k.bottleneck_stage = max(timed, key=lambda s: timed[s]) if timed else None


def _decisions(session: Session, k: PeriodKpis, flt: Filters, start: Any, end: Any) -> None:
    stmt = flt.apply(
        select(
            Decision.outcome,
            func.count(Decision.id),
            func.count(Decision.id).filter(Decision.decided_by.is_(None)),
        )
        .join(Claim, Claim.id == Decision.claim_id)
        .where(Decision.decided_at >= start, Decision.decided_at < end)
        .group_by(Decision.outcome)
    )
    for outcome, n, robot in session.execute(stmt):
        k.decisions_by_outcome[outcome] = n
        k.decisions += n
        k.straight_through += robot
    k.straight_through_rate_pct = pct(k.straight_through, k.decisions)
    k.denial_rate_pct = pct(k.decisions_by_outcome.get("denied", 0), k.decisions)
    # Only the denied decisions' reason lists are read: a few per cent of a period's decisions.
    reasons: Counter[str] = Counter()
    denied = flt.apply(
        select(Decision.reason_codes)
        .join(Claim, Claim.id == Decision.claim_id)
        .where(Decision.decided_at >= start, Decision.decided_at < end, Decision.outcome == "denied")
    )
    for (codes,) in session.execute(denied):
        reasons.update(codes or [])
    total = sum(reasons.values())
    k.top_denial_reasons = [
        {"code": code, "count": n, "share": pct(n, total)} for code, n in reasons.most_common(5)
    ]


def _backlog(session: Session, k: PeriodKpis, flt: Filters, end: Any) -> None:
    t = ClaimTiming
    age = case(
        *[(t.reported_at >= end - timedelta(days=d), label) for d, label in AGE_BUCKETS],
        else_="90+",
    )
    stmt = flt.apply(
        select(age, func.count(t.claim_id))
        .join(Claim, Claim.id == t.claim_id)
        .where(t.reported_at < end, or_(t.completed_at.is_(None), t.completed_at >= end))
        .group_by(age)
    )
    k.backlog_by_age = {label: 0 for _, label in AGE_BUCKETS} | {"90+": 0}
    for label, n in session.execute(stmt):
        k.backlog_by_age[label] = n
    k.backlog_open = sum(k.backlog_by_age.values())


def _handlers(session: Session, k: PeriodKpis, flt: Filters, start: Any, end: Any) -> None:
    stmt = flt.apply(
        select(
            User.username,
            User.full_name,
            func.count(Claim.id),
            func.count(ClaimTiming.completed_at),
            func.avg(ClaimTiming.handling_s),
        )
        .join(User, User.id == Claim.handler_id)
        .join(ClaimTiming, ClaimTiming.claim_id == Claim.id)
        .where(Claim.reported_at >= start, Claim.reported_at < end)
        .group_by(User.username, User.full_name)
        .order_by(func.count(Claim.id).desc())
    )
    k.handlers = [
        {"username": u, "name": name, "claims": n, "completed": done, "avg_handling_days": _days(avg)}
        for u, name, n, done, avg in session.execute(stmt)
    ]


def monthly_trend(
    session: Session, period: Period, flt: Filters | None = None, months: int = 12
) -> list[dict[str, Any]]:
    """Claims received and amounts paid per Shanghai month, for the `months` months ending with the period."""
    flt = flt or Filters()
    first = (
        _add_months(period.end, -months)
        if period.end.day == 1
        else _add_months(period.end.replace(day=1), 1 - months)
    )
    start = Period(first, period.end, "range", "").start_utc
    end = period.end_utc
    m1 = local_month(session, Claim.reported_at)
    counts: dict[str, int] = dict(
        session.execute(
            flt.apply(
                select(m1, func.count(Claim.id))
                .where(Claim.reported_at >= start, Claim.reported_at < end)
                .group_by(m1)
            )
        ).all()
    )
    m2 = local_month(session, Payment.paid_at)
    paid: dict[str, Any] = dict(
        session.execute(
            flt.apply(
                select(m2, func.sum(Payment.amount))
                .join(Claim, Claim.id == Payment.claim_id)
                .where(Payment.paid_at >= start, Payment.paid_at < end)
                .group_by(m2)
            )
        ).all()
    )
    out = []
    month = first
    while month < period.end:
        key = f"{month.year}-{month.month:02d}"
        out.append({"month": key, "claims": int(counts.get(key, 0)), "paid": money_or_zero(paid.get(key))})
        month = _add_months(month, 1)
    return out


@dataclass
class Summary:
    current: PeriodKpis
    previous: PeriodKpis
    year_before: PeriodKpis
    trend: list[dict[str, Any]]


def summary(session: Session, period: Period, settings: Settings, flt: Filters | None = None) -> Summary:
    return Summary(
        current=compute(session, period, settings, flt),
        previous=compute(session, period.previous(), settings, flt),
        year_before=compute(session, period.year_before(), settings, flt),
        trend=monthly_trend(session, period, flt),
    )


def as_dict(k: PeriodKpis) -> dict[str, Any]:
    return asdict(k)
