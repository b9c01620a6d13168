"""KPIs on a small data set built by hand; every expected figure is worked out in the comments."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from claimops.config import Settings
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
