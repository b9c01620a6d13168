"""KPIs on a small data set built by hand; every expected figure is worked out in the comments."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.reporting.kpis import Filters
from claimops.reporting.periods import parse_period
from claimops.reporting.summary import jsonable, period_summary
from factories import kpi_dataset


@pytest.fixture
def data(session: Session, settings: Settings) -> dict[str, Any]:
    kpi_dataset(session, settings)
    return jsonable(period_summary(session, parse_period("2026-Q2"), settings))


def test_counts_and_changes(data: dict[str, Any]) -> None:
    assert data["claims_received"] == 5
    assert data["claims_accepted"] == 4  # A, B, C, E (D rejected)
    assert data["claims_accepted_previous"] == 2 and data["claims_accepted_change_pct"] == 100.0
    assert data["claims_accepted_year_before"] == 1 and data["claims_accepted_yoy_pct"] == 300.0
    by_line = data["by_line"]
    assert (by_line["auto"]["count"], by_line["auto"]["count_share"]) == (2, 50.0)
    assert (by_line["health"]["count"], by_line["health"]["count_share"]) == (1, 25.0)
    assert (by_line["property"]["count"], by_line["property"]["count_share"]) == (1, 25.0)
    assert by_line["other"]["count"] == 0


def test_amounts(data: dict[str, Any]) -> None:
    assert data["paid_total"] == 29000.00
    assert data["paid_total_previous"] == 12500.00
    assert data["paid_total_change_pct"] == 132.0  # (29,000 − 12,500) / 12,500
    assert data["paid_total_yoy_pct"] == 1188.9  # (29,000 − 2,250) / 2,250 = 11.8889
    assert data["by_line"]["auto"]["paid"] == 9000.00 and data["by_line"]["auto"]["paid_share"] == 31.0
    assert data["by_line"]["health"]["paid"] == 20000.00 and data["by_line"]["health"]["paid_share"] == 69.0
    assert data["by_line"]["property"]["paid_share"] == 0.0
    assert data["avg_payout"] == 14500.00 and data["max_payout"] == 20000.00


def test_timings(data: dict[str, Any]) -> None:
    # completed in Q2: A 8, B 14.5, C 5, D 1 → 28.5 / 4 = 7.125 → 7.13
    assert data["claims_completed"] == 4
    assert data["avg_handling_days"] == 7.13
    assert data["stage_avg_days"] == {
        "acceptance": 0.88,  # (1 + 0.5 + 1 + 1) / 4
        "investigation": 10.0,  # B only
        "review": 3.67,  # (5 + 3 + 3) / 3
        "payment": 1.5,  # (2 + 1) / 2
    }
    assert data["bottleneck_stage"] == "investigation"
    # previous: F 4 d, G 5 d → 4.5; change on the shown figures: (7.13 − 4.5) / 4.5 = 58.4 %
    assert data["avg_handling_days_previous"] == 4.5
    assert data["avg_handling_days_change_pct"] == 58.4
    assert data["sla_compliance_pct"] == {
        "acceptance": 100.0,
        "investigation": 100.0,
        "review": 100.0,
        "payment": 100.0,
    }


def test_decisions_backlog_and_trend(data: dict[str, Any]) -> None:
    assert data["decisions"] == 3 and data["decisions_by_outcome"] == {"approved": 2, "denied": 1}
    assert data["denial_rate_pct"] == 33.3
    assert data["straight_through_rate_pct"] == 0.0
    assert data["top_denial_reasons"] == [{"code": "EXCLUSION", "count": 1, "share": 100.0}]
    assert data["backlog_open"] == 1 and data["backlog_by_age"]["0-7"] == 1
    trend = {row["month"]: row for row in data["trend"]}
    assert len(data["trend"]) == 12 and data["trend"][-1]["month"] == "2026-06"
    assert (trend["2026-04"]["claims"], trend["2026-04"]["paid"]) == (1, 9000.0)
    assert (trend["2026-06"]["claims"], trend["2026-06"]["paid"]) == (3, 0.0)
    assert (trend["2026-02"]["claims"], trend["2026-02"]["paid"]) == (1, 4500.0)
    handlers = {h["username"]: h for h in data["handlers"]}
    assert handlers["handler"]["claims"] == 4  # A, B, C, E accepted by "handler"; D was never accepted


def test_filtered_by_line_every_block_narrows(session: Session, settings: Settings) -> None:
    """line=auto: Q2 has A (paid 9,000, 8 d), D (rejected at intake, 1 d) and E (open); Q1 has F
    (4,500), 2025-Q2 has H (2,250). Health and property claims (B, C, G) drop out of every figure."""
    kpi_dataset(session, settings)
    data = jsonable(period_summary(session, parse_period("2026-Q2"), settings, Filters(line="auto")))
    assert (data["claims_received"], data["claims_accepted"], data["claims_rejected"]) == (3, 2, 1)
    assert data["by_line"]["auto"]["count"] == 2 and data["by_line"]["auto"]["count_share"] == 100.0
    assert data["by_line"]["health"]["count"] == 0 and data["by_line"]["health"]["paid"] == 0.0
    assert data["paid_total"] == 9000.0 and data["payments_count"] == 1
    assert data["paid_total_change_pct"] == 100.0  # (9,000 − 4,500) / 4,500
    assert data["paid_total_yoy_pct"] == 300.0  # (9,000 − 2,250) / 2,250
    assert data["claims_accepted_change_pct"] == 100.0  # 2 against F alone
    assert data["claims_completed"] == 2 and data["avg_handling_days"] == 4.5  # (8 + 1) / 2
    assert data["decisions"] == 1 and data["decisions_by_outcome"] == {"approved": 1}
    assert data["denial_rate_pct"] == 0.0 and data["top_denial_reasons"] == []
    assert data["backlog_open"] == 1 and data["backlog_by_age"] == {"0-7": 1, "8-30": 0, "31-90": 0, "90+": 0}
    assert [(h["username"], h["claims"], h["completed"]) for h in data["handlers"]] == [("handler", 2, 1)]
    assert data["handlers"][0]["avg_handling_days"] == 8.0  # A only: D was never given to a handler
    trend = {row["month"]: (row["claims"], row["paid"]) for row in data["trend"]}
    assert trend["2026-04"] == (1, 9000.0) and trend["2026-06"] == (2, 0.0)
    assert trend["2026-02"] == (1, 4500.0) and trend["2026-05"] == (0, 0.0)  # B (health) left out


def test_a_filter_nothing_matches_gives_zeros_not_errors(session: Session, settings: Settings) -> None:
    kpi_dataset(session, settings)
    data = jsonable(period_summary(session, parse_period("2026-Q2"), settings, Filters(region="nowhere")))
    assert (data["claims_received"], data["paid_total"], data["decisions"], data["backlog_open"]) == (
        0,
        0.0,
        0,
        0,
    )
    assert data["avg_payout"] is None and data["max_payout"] is None and data["avg_handling_days"] is None
    assert data["handlers"] == [] and sum(row["claims"] for row in data["trend"]) == 0
