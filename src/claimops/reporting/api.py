"""Report endpoints: the summary, and each KPI block on its own for BI tools."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from claimops.policies.lines import Line
from claimops.reporting import kpis
from claimops.reporting.periods import Period, resolve
from claimops.reporting.summary import block, jsonable, period_summary
from claimops.schemas import Day
from claimops.web.deps import ActorDep, SessionDep, SettingsDep
from claimops.web.errors import responses

router = APIRouter(prefix="/reports", tags=["reports"], responses=responses(401, 403, 422))

PERIOD_HELP = "2026, 2026-H1, 2026-Q3 or 2026-07; or give start and end"


def period_dep(
    period: Annotated[str | None, Query(description=PERIOD_HELP, max_length=32)] = None,
    start: Annotated[Day | None, Query(description="first day (YYYY-MM-DD)")] = None,
    end: Annotated[Day | None, Query(description="last day, inclusive (YYYY-MM-DD)")] = None,
) -> Period:
    return resolve(period=period, start=start, end=end)


def filters_dep(
    line: Line | None = None,
    region: str | None = None,
    channel: str | None = None,
    insurer_id: Annotated[
        int | None, Query(description="claims of this insurer's policies", ge=1, le=2_147_483_647)
    ] = None,
) -> kpis.Filters:
    return kpis.Filters(
        line=line.value if line else None, region=region, channel=channel, insurer_id=insurer_id
    )


PeriodDep = Annotated[Period, Depends(period_dep)]
FiltersDep = Annotated[kpis.Filters, Depends(filters_dep)]


@router.get(
    "/summary",
    summary="Period summary with 较上期 and 同比 comparisons",
    description="Counts by report date, amounts by payment date, timings by completion date. "
    "Percentages are numbers (5.6 means 5.6%), null where the base is zero. Amounts in CNY.",
)
def summary_(
    period: PeriodDep, flt: FiltersDep, session: SessionDep, settings: SettingsDep, actor: ActorDep
) -> dict[str, Any]:
    actor.require("report.read")
    return jsonable(period_summary(session, period, settings, flt))  # type: ignore[no-any-return]


def _one(
    session: SessionDep, period: Period, settings: SettingsDep, flt: kpis.Filters, actor: ActorDep
) -> kpis.PeriodKpis:
    actor.require("report.read")
    return kpis.compute(session, period, settings, flt)


@router.get("/claims", summary="Claims received, accepted, rejected, withdrawn; by line")
def claims_block(
    period: PeriodDep, flt: FiltersDep, session: SessionDep, settings: SettingsDep, actor: ActorDep
) -> Any:
    k = _one(session, period, settings, flt, actor)
    return jsonable(
        block(k, "claims_received", "claims_accepted", "claims_rejected", "claims_withdrawn", "by_line")
    )


@router.get("/payments", summary="Total, average and largest payouts; paid by line")
def payments_block(
    period: PeriodDep, flt: FiltersDep, session: SessionDep, settings: SettingsDep, actor: ActorDep
) -> Any:
    k = _one(session, period, settings, flt, actor)
    return jsonable(block(k, "paid_total", "payments_count", "avg_payout", "max_payout", "by_line"))


@router.get("/timings", summary="Handling time, stage averages, bottleneck and SLA compliance")
def timings_block(
    period: PeriodDep, flt: FiltersDep, session: SessionDep, settings: SettingsDep, actor: ActorDep
) -> Any:
    k = _one(session, period, settings, flt, actor)
    return jsonable(
        block(
            k,
            "claims_completed",
            "avg_handling_days",
            "stage_avg_days",
            "stage_counts",
            "bottleneck_stage",
            "sla_days",
            "sla_compliance_pct",
        )
    )


@router.get("/decisions", summary="Decisions, straight-through rate, denial rate and top reasons")
def decisions_block(
    period: PeriodDep, flt: FiltersDep, session: SessionDep, settings: SettingsDep, actor: ActorDep
) -> Any:
    k = _one(session, period, settings, flt, actor)
    return jsonable(
        block(
            k,
            "decisions",
            "decisions_by_outcome",
            "straight_through",
            "straight_through_rate_pct",
            "denial_rate_pct",
            "top_denial_reasons",
        )
    )


@router.get("/backlog", summary="Open claims at the period's end, by age")
def backlog_block(
    period: PeriodDep, flt: FiltersDep, session: SessionDep, settings: SettingsDep, actor: ActorDep
) -> Any:
    k = _one(session, period, settings, flt, actor)
    return jsonable(block(k, "backlog_open", "backlog_by_age"))


@router.get("/handlers", summary="Workload per handler")
def handlers_block(
    period: PeriodDep, flt: FiltersDep, session: SessionDep, settings: SettingsDep, actor: ActorDep
) -> Any:
    k = _one(session, period, settings, flt, actor)
    return jsonable(block(k, "handlers"))


@router.get("/trend", summary="Monthly claims and payments for the 12 months ending with the period")
def trend_block(period: PeriodDep, flt: FiltersDep, session: SessionDep, actor: ActorDep) -> Any:
    actor.require("report.read")
    return jsonable({"period": period.label, "trend": kpis.monthly_trend(session, period, flt)})
