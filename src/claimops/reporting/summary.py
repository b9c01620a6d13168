"""The period summary as one flat, documented JSON shape (API, deck, narrative share it)."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from claimops.claims.timing import STAGES
from claimops.config import Settings
from claimops.reporting.kpis import Filters, PeriodKpis, Summary, change_pct, summary
from claimops.reporting.periods import Period

HEADLINES = (
    "claims_received",
    "claims_accepted",
    "paid_total",
    "avg_handling_days",
    "avg_payout",
    "backlog_open",
)


def jsonable(value: Any) -> Any:
    """Decimals become JSON numbers; CNY amounts below 1e13 round-trip exactly through their shortest repr."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def build(s: Summary) -> dict[str, Any]:
    cur, prev, yoy = s.current, s.previous, s.year_before
    out: dict[str, Any] = {
        "period": cur.period,
        "start": cur.start,
        "end": cur.end,
        "previous_period": {"period": prev.period, "start": prev.start, "end": prev.end},
        "year_before_period": {"period": yoy.period, "start": yoy.start, "end": yoy.end},
    }
    for key in HEADLINES:
        value = getattr(cur, key)
        out[key] = value
        out[f"{key}_change_pct"] = change_pct(value, getattr(prev, key))
        out[f"{key}_yoy_pct"] = change_pct(value, getattr(yoy, key))
        out[f"{key}_previous"] = getattr(prev, key)
        out[f"{key}_year_before"] = getattr(yoy, key)
    out["by_line"] = {line: asdict(fig) for line, fig in cur.by_line.items()}
    out["max_payout"] = cur.max_payout
    out["payments_count"] = cur.payments_count
    out["claims_rejected"] = cur.claims_rejected
    out["claims_withdrawn"] = cur.claims_withdrawn
    out["claims_completed"] = cur.claims_completed
    out["stage_avg_days"] = cur.stage_avg_days
    out["stage_avg_days_previous"] = prev.stage_avg_days
    out["stage_avg_days_change_pct"] = {
        st: change_pct(cur.stage_avg_days.get(st), prev.stage_avg_days.get(st)) for st in STAGES
    }
    out["stage_counts"] = cur.stage_counts
    out["bottleneck_stage"] = cur.bottleneck_stage
    out["sla_days"] = cur.sla_days
    out["sla_compliance_pct"] = cur.sla_compliance_pct
    out["decisions"] = cur.decisions
    out["decisions_by_outcome"] = cur.decisions_by_outcome
    out["straight_through"] = cur.straight_through
    out["straight_through_rate_pct"] = cur.straight_through_rate_pct
    out["denial_rate_pct"] = cur.denial_rate_pct
    out["top_denial_reasons"] = cur.top_denial_reasons
    out["backlog_by_age"] = cur.backlog_by_age
    out["handlers"] = cur.handlers
    out["trend"] = s.trend
    return out


def period_summary(
    session: Session, period: Period, settings: Settings, flt: Filters | None = None
) -> dict[str, Any]:
    return build(summary(session, period, settings, flt))


def block(k: PeriodKpis, *keys: str) -> dict[str, Any]:
    return {"period": k.period, "start": k.start, "end": k.end, **{key: getattr(k, key) for key in keys}}
