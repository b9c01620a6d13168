"""Period KPIs, computed in the database with aggregates over indexed columns.

Which date puts a claim into a period (see docs/kpi-definitions.md):
counts by report date; amounts by payment date; decisions by decision date; timings by completion
date (claims finished in the period); backlog as of the period's end.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from sqlalchemy import Select, and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from claimops.claims.lifecycle import Outcome
from claimops.claims.models import Claim, ClaimTiming, Decision
from claimops.claims.timing import STAGES
from claimops.clock import start_of_local_day
from claimops.config import Settings
from claimops.money import ZERO, money_or_zero, to_money
from claimops.payments.models import Payment
from claimops.policies.lines import LINES
from claimops.policies.models import Policy
from claimops.reporting.periods import Period, _add_months
from claimops.users.models import User

DAY = 86400
Q = TypeVar("Q", bound="Select[*tuple[Any, ...]]")
AGE_BUCKETS = ((7, "0-7"), (30, "8-30"), (90, "31-90"))  # days; beyond: "90+"


@dataclass
class Filters:
    line: str | None = None
    region: str | None = None
    channel: str | None = None
    insurer_id: int | None = None  # the policies' insurer (policies.insurer_id)

    @property
    def active(self) -> bool:
        return bool(self.line or self.region or self.channel or self.insurer_id)

    def narrow(self, stmt: Q, claim_id: Any) -> Q:
        """`stmt` over a claim's child table, joined to claims only when a filter needs them."""
        return self.apply(stmt.join(Claim, Claim.id == claim_id)) if self.active else stmt

    def apply(self, stmt: Q) -> Q:
        if self.line:
            stmt = stmt.where(Claim.line == self.line)
        if self.region:
            stmt = stmt.where(Claim.region == self.region)
        if self.channel:
            stmt = stmt.where(Claim.channel == self.channel)
        if self.insurer_id:
            of_insurer = select(Policy.id).where(Policy.insurer_id == self.insurer_id)
            stmt = stmt.where(Claim.policy_id.in_(of_insurer))
        return stmt


@dataclass
class LineFigures:
    count: int = 0
    count_share: float | None = None
    paid: Decimal = ZERO
    paid_share: float | None = None
    payments: int = 0


@dataclass(frozen=True)
class DenialReason:
    code: str
    count: int
    share: float | None  # of all reasons given on denied decisions


@dataclass(frozen=True)
class HandlerWorkload:
    username: str
    name: str
    claims: int  # reported in the period and handled by them
    completed: int
    avg_handling_days: float | None


@dataclass(frozen=True)
class MonthFigures:
    month: str  # 2026-07 (Shanghai)
    claims: int
    paid: Decimal


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
    top_denial_reasons: list[DenialReason] = field(default_factory=list)
    backlog_open: int = 0
    backlog_by_age: dict[str, int] = field(default_factory=dict)
    handlers: list[HandlerWorkload] = field(default_factory=list)


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


def compute(
    session: Session,
    period: Period,
    settings: Settings,
    flt: Filters | None = None,
    *,
    comparison: bool = False,
) -> PeriodKpis:
    """The period's KPIs. `comparison`: only what a comparison period (较上期, 同比) is shown with —
    headline figures and stage averages — leaving out workload, decisions and splits by line."""
    flt = flt or Filters()
    start, end = period.start_utc, period.end_utc
    k = PeriodKpis(period=period.label, start=period.start.isoformat(), end=period.last_day.isoformat())
    k.by_line = {line.value: LineFigures() for line in LINES}
    _counts(session, k, flt, start, end)
    _payments(session, k, flt, start, end, by_line=not comparison)
    _timings(session, k, flt, start, end, settings)
    _backlog(session, k, flt, end)
    if not comparison:
        _handlers(session, k, flt, start, end)
        _decisions(session, k, flt, start, end)
    return k


# Splits by line and outcome are conditional aggregates over the known values, not GROUP BY: one
# pass in index order, where SQLite would otherwise sort every row of the period for the grouping.


def _reported_in(start: Any, end: Any) -> tuple[Any, ...]:
    """Claims reported in [start, end) joined to their timings, the range stated on both tables.

    claim_timings.reported_at is the claim's reported_at (copied when the claim is reported), so the
    second range changes no result; it lets PostgreSQL join two index ranges instead of hashing every
    timing row.
    """
    t = ClaimTiming
    return Claim.reported_at >= start, Claim.reported_at < end, t.reported_at >= start, t.reported_at < end


def _counts(session: Session, k: PeriodKpis, flt: Filters, start: Any, end: Any) -> None:
    t = ClaimTiming
    stmt = flt.apply(
        select(
            func.count(),
            func.count(t.accepted_at),
            func.count(case((Claim.status == "rejected", 1))),
            func.count(case((Claim.status == "withdrawn", 1))),
            *[func.count(case((Claim.line == line.value, t.accepted_at))) for line in LINES],
        )
        .join(t, t.claim_id == Claim.id)
        .where(*_reported_in(start, end))
    )
    k.claims_received, k.claims_accepted, k.claims_rejected, k.claims_withdrawn, *by_line = session.execute(
        stmt
    ).one()
    for line, accepted in zip(LINES, by_line, strict=True):
        k.by_line[line.value].count = accepted
    for fig in k.by_line.values():
        fig.count_share = pct(fig.count, k.claims_accepted)


def _handlers(session: Session, k: PeriodKpis, flt: Filters, start: Any, end: Any) -> None:
    t = ClaimTiming
    stmt = flt.apply(
        select(Claim.handler_id, func.count(), func.count(t.completed_at), func.avg(t.handling_s))
        .join(t, t.claim_id == Claim.id)
        .where(*_reported_in(start, end), Claim.handler_id.is_not(None))
        .group_by(Claim.handler_id)
    )
    work = {handler: (n, done, avg) for handler, n, done, avg in session.execute(stmt)}
    if not work:
        return
    users = session.execute(select(User.id, User.username, User.full_name).where(User.id.in_(work)))
    k.handlers = sorted(
        (
            HandlerWorkload(
                username=username,
                name=name,
                claims=work[uid][0],
                completed=work[uid][1],
                avg_handling_days=_days(work[uid][2]),
            )
            for uid, username, name in users
        ),
        key=lambda h: (-h.claims, h.username),
    )


def _payments(session: Session, k: PeriodKpis, flt: Filters, start: Any, end: Any, *, by_line: bool) -> None:
    p = Payment
    in_period = (p.paid_at >= start, p.paid_at < end)
    if by_line:
        row = session.execute(
            flt.apply(
                select(
                    *[
                        agg
                        for line in LINES
                        for agg in (
                            func.count(case((Claim.line == line.value, 1))),
                            func.sum(case((Claim.line == line.value, p.amount))),
                            func.max(case((Claim.line == line.value, p.amount))),
                        )
                    ]
                )
                .join(Claim, Claim.id == p.claim_id)
                .where(*in_period)
            )
        ).one()
        figures = [(line.value, row[3 * i], row[3 * i + 1], row[3 * i + 2]) for i, line in enumerate(LINES)]
    else:  # the totals only: no claim rows needed unless a filter asks for them
        n, total, biggest = session.execute(
            flt.narrow(
                select(func.count(), func.sum(p.amount), func.max(p.amount)).where(*in_period), p.claim_id
            )
        ).one()
        figures = [("", n, total, biggest)]
    largest = None
    for line, n, total, biggest in figures:
        if line:
            fig = k.by_line[line]
            fig.paid, fig.payments = money_or_zero(total), n
        k.paid_total += money_or_zero(total)
        k.payments_count += n
        if biggest is not None:
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
    stmt = flt.narrow(
        select(
            func.count(),
            func.avg(t.handling_s),
            *[func.avg(cols[s]) for s in STAGES],
            *[func.count(cols[s]) for s in STAGES],
            *[func.count(case((cols[s] <= k.sla_days[s] * DAY, 1))) for s in STAGES],
        ).where(t.completed_at >= start, t.completed_at < end),
        t.claim_id,
    )
    row = session.execute(stmt).one()
    n = len(STAGES)
    k.claims_completed = row[0]
    k.avg_handling_days = _days(row[1])
    k.stage_avg_days = {s: _days(row[2 + i]) for i, s in enumerate(STAGES)}
    k.stage_counts = {s: int(row[2 + n + i]) for i, s in enumerate(STAGES)}
    k.sla_compliance_pct = {s: pct(int(row[2 + 2 * n + i]), k.stage_counts[s]) for i, s in enumerate(STAGES)}
    timed = {s: v for s, v in k.stage_avg_days.items() if v is not None}
    k.bottleneck_stage = max(timed, key=lambda s: timed[s]) if timed else None


def _decisions(session: Session, k: PeriodKpis, flt: Filters, start: Any, end: Any) -> None:
    d = Decision
    in_period = (d.decided_at >= start, d.decided_at < end)
    stmt = flt.narrow(
        select(
            func.count(),
            func.count(case((d.decided_by.is_(None), 1))),
            *[func.count(case((d.outcome == o.value, 1))) for o in Outcome],
        ).where(*in_period),
        d.claim_id,
    )
    k.decisions, k.straight_through, *by_outcome = session.execute(stmt).one()
    k.decisions_by_outcome = {o.value: n for o, n in zip(Outcome, by_outcome, strict=True) if n}
    k.straight_through_rate_pct = pct(k.straight_through, k.decisions)
    k.denial_rate_pct = pct(k.decisions_by_outcome.get("denied", 0), k.decisions)
    # Only the denied decisions' reason lists are read: a few per cent of a period's decisions.
    reasons: Counter[str] = Counter()
    denied = flt.narrow(select(d.reason_codes).where(d.outcome == "denied", *in_period), d.claim_id)
    for (codes,) in session.execute(denied):
        reasons.update(codes or [])
    total = sum(reasons.values())
    top = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:5]  # ties by code: stable output
    k.top_denial_reasons = [DenialReason(code, n, pct(n, total)) for code, n in top]


def _backlog(session: Session, k: PeriodKpis, flt: Filters, end: Any) -> None:
    """Open at `end`: reported before it and not completed before it.

    Two index ranges instead of a scan of every claim reported before `end`: the claims still open
    today (a partial index) and the claims completed at or after `end`. Ages are cumulative counts
    (reported within 7, 30, 90 days of `end`), differenced below.
    """
    t = ClaimTiming
    # "reported before end" is counted, not filtered: as a filter it would tempt the planner into the
    # (reported_at, ...) index, a range over nearly every claim.
    before = t.reported_at < end
    within = [
        func.count(case((and_(before, t.reported_at >= end - timedelta(days=d)), 1))) for d, _ in AGE_BUCKETS
    ]
    counts = [0] * (len(AGE_BUCKETS) + 1)
    for still_open in (t.completed_at.is_(None), t.completed_at >= end):
        stmt = flt.narrow(select(*within, func.count(case((before, 1)))).where(still_open), t.claim_id)
        counts = [a + b for a, b in zip(counts, session.execute(stmt).one(), strict=True)]
    labels = [label for _, label in AGE_BUCKETS] + ["90+"]
    k.backlog_by_age = {label: counts[i] - (counts[i - 1] if i else 0) for i, label in enumerate(labels)}
    k.backlog_open = counts[-1]


def trend_months(period: Period, months: int = 12) -> list[date]:
    """First days of the `months` Shanghai months ending with the period's last month."""
    first = (
        _add_months(period.end, -months)
        if period.end.day == 1
        else _add_months(period.end.replace(day=1), 1 - months)
    )
    out = [first]
    while (nxt := _add_months(out[-1], 1)) < period.end:
        out.append(nxt)
    return out


def _per_month(stmts: list[Any]) -> Any:
    """One statement of per-month aggregates, each an index range of its own (no per-row date maths)."""
    return union_all(*[stmt.add_columns(literal(i)) for i, stmt in enumerate(stmts)])


def monthly_trend(
    session: Session, period: Period, flt: Filters | None = None, months: int = 12
) -> list[MonthFigures]:
    """Claims received and amounts paid per Shanghai month, for the `months` months ending with the period."""
    flt = flt or Filters()
    firsts = trend_months(period, months)
    bounds = [start_of_local_day(day) for day in firsts] + [period.end_utc]
    ranges = list(zip(bounds, bounds[1:], strict=False))
    counts = {
        i: n
        for n, i in session.execute(
            _per_month(
                [
                    flt.apply(select(func.count()).where(Claim.reported_at >= a, Claim.reported_at < b))
                    for a, b in ranges
                ]
            )
        )
    }
    paid = {
        i: total
        for total, i in session.execute(
            _per_month(
                [
                    flt.narrow(
                        select(func.sum(Payment.amount)).where(Payment.paid_at >= a, Payment.paid_at < b),
                        Payment.claim_id,
                    )
                    for a, b in ranges
                ]
            )
        )
    }
    return [
        MonthFigures(f"{day.year}-{day.month:02d}", int(counts.get(i, 0)), money_or_zero(paid.get(i)))
        for i, day in enumerate(firsts)
    ]


@dataclass
class Summary:
    current: PeriodKpis
    previous: PeriodKpis
    year_before: PeriodKpis
    trend: list[MonthFigures]


def summary(session: Session, period: Period, settings: Settings, flt: Filters | None = None) -> Summary:
    return Summary(
        current=compute(session, period, settings, flt),
        previous=compute(session, period.previous(), settings, flt, comparison=True),
        year_before=compute(session, period.year_before(), settings, flt, comparison=True),
        trend=monthly_trend(session, period, flt),
    )


def as_dict(k: PeriodKpis) -> dict[str, Any]:
    return asdict(k)
