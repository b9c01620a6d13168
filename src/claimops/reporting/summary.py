"""The period summary: one typed record that the deck and the narrative read, and that the API, the
dashboard and BI tools receive as one flat, documented JSON shape (`jsonable`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, is_dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from claimops.claims.timing import STAGES
from claimops.config import Settings
from claimops.money import ZERO
from claimops.reporting.kpis import (
    DenialReason,
    Filters,
    HandlerWorkload,
    LineFigures,
    MonthFigures,
    PeriodKpis,
    Summary,
    change_pct,
    summary,
)
from claimops.reporting.periods import Period

# Each headline comes with its change on the previous period (较上期) and on the same period a year
# before (同比), and both bases: <key>, <key>_change_pct, <key>_yoy_pct, <key>_previous, <key>_year_before.
HEADLINES = (
    "claims_received",
    "claims_accepted",
    "paid_total",
    "avg_handling_days",
    "avg_payout",
    "backlog_open",
)


@dataclass(frozen=True)
class PeriodRef:
    period: str  # 2026-Q3, or a start~end range
    start: str
    end: str  # last day, inclusive


@dataclass(frozen=True)
class PeriodSummary:
    """The figures of a period with both comparisons. Field order is the JSON's key order."""

    period: str
    start: str
    end: str
    previous_period: PeriodRef
    year_before_period: PeriodRef
    claims_received: int = 0
    claims_received_change_pct: float | None = None
    claims_received_yoy_pct: float | None = None
    claims_received_previous: int = 0
    claims_received_year_before: int = 0
    claims_accepted: int = 0
    claims_accepted_change_pct: float | None = None
    claims_accepted_yoy_pct: float | None = None
    claims_accepted_previous: int = 0
    claims_accepted_year_before: int = 0
    paid_total: Decimal = ZERO
    paid_total_change_pct: float | None = None
    paid_total_yoy_pct: float | None = None
    paid_total_previous: Decimal = ZERO
    paid_total_year_before: Decimal = ZERO
    avg_handling_days: float | None = None
    avg_handling_days_change_pct: float | None = None
    avg_handling_days_yoy_pct: float | None = None
    avg_handling_days_previous: float | None = None
    avg_handling_days_year_before: float | None = None
    avg_payout: Decimal | None = None
    avg_payout_change_pct: float | None = None
    avg_payout_yoy_pct: float | None = None
    avg_payout_previous: Decimal | None = None
    avg_payout_year_before: Decimal | None = None
    backlog_open: int = 0
    backlog_open_change_pct: float | None = None
    backlog_open_yoy_pct: float | None = None
    backlog_open_previous: int = 0
    backlog_open_year_before: int = 0
    by_line: dict[str, LineFigures] = field(default_factory=dict)
    max_payout: Decimal | None = None
    payments_count: int = 0
    claims_rejected: int = 0
    claims_withdrawn: int = 0
    claims_completed: int = 0
    stage_avg_days: dict[str, float | None] = field(default_factory=dict)
    stage_avg_days_previous: dict[str, float | None] = field(default_factory=dict)
    stage_avg_days_change_pct: dict[str, float | None] = field(default_factory=dict)
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
    backlog_by_age: dict[str, int] = field(default_factory=dict)
    handlers: list[HandlerWorkload] = field(default_factory=list)
    trend: list[MonthFigures] = field(default_factory=list)


def jsonable(value: Any) -> Any:
    """The JSON form: records become objects in field order; Decimals become JSON numbers (CNY amounts
    below 1e13 round-trip exactly through their shortest repr)."""
    if isinstance(value, Decimal):
        return float(value)
    if is_dataclass(value) and not isinstance(value, type):
        return {name: jsonable(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


@cache
def _field_names(cls: type[Any]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _ref(k: PeriodKpis) -> PeriodRef:
    return PeriodRef(k.period, k.start, k.end)


def _headlines(cur: PeriodKpis, prev: PeriodKpis, yoy: PeriodKpis) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in HEADLINES:
        value = getattr(cur, key)
        out[key] = value
        out[f"{key}_change_pct"] = change_pct(value, getattr(prev, key))
        out[f"{key}_yoy_pct"] = change_pct(value, getattr(yoy, key))
        out[f"{key}_previous"] = getattr(prev, key)
        out[f"{key}_year_before"] = getattr(yoy, key)
    return out


def build(s: Summary) -> PeriodSummary:
    cur, prev, yoy = s.current, s.previous, s.year_before
    return PeriodSummary(
        period=cur.period,
        start=cur.start,
        end=cur.end,
        previous_period=_ref(prev),
        year_before_period=_ref(yoy),
        **_headlines(cur, prev, yoy),
        by_line=cur.by_line,
        max_payout=cur.max_payout,
        payments_count=cur.payments_count,
        claims_rejected=cur.claims_rejected,
        claims_withdrawn=cur.claims_withdrawn,
        claims_completed=cur.claims_completed,
        stage_avg_days=cur.stage_avg_days,
        stage_avg_days_previous=prev.stage_avg_days,
        stage_avg_days_change_pct={
            st: change_pct(cur.stage_avg_days.get(st), prev.stage_avg_days.get(st)) for st in STAGES
        },
        stage_counts=cur.stage_counts,
        bottleneck_stage=cur.bottleneck_stage,
        sla_days=cur.sla_days,
        sla_compliance_pct=cur.sla_compliance_pct,
        decisions=cur.decisions,
        decisions_by_outcome=cur.decisions_by_outcome,
        straight_through=cur.straight_through,
        straight_through_rate_pct=cur.straight_through_rate_pct,
        denial_rate_pct=cur.denial_rate_pct,
        top_denial_reasons=cur.top_denial_reasons,
        backlog_by_age=cur.backlog_by_age,
        handlers=cur.handlers,
        trend=s.trend,
    )


def period_summary(
    session: Session, period: Period, settings: Settings, flt: Filters | None = None
) -> PeriodSummary:
    return build(summary(session, period, settings, flt))


def block(k: PeriodKpis, *keys: str) -> dict[str, Any]:
    out = {"period": k.period, "start": k.start, "end": k.end, **{key: getattr(k, key) for key in keys}}
    if "by_line" in out:
        # The block endpoints have always sent these amounts as strings ("9000.00"), where the summary
        # sends numbers; kept so that their JSON does not change.
        out["by_line"] = {line: {**asdict(fig), "paid": str(fig.paid)} for line, fig in k.by_line.items()}
    return out
