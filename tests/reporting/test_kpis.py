"""KPIs on a small data set built by hand; every expected figure is worked out in the comments."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from claimops.config import Settings
from claimops.reporting.periods import parse_period
from claimops.reporting.summary import jsonable, period_summary
from factories import Walk, make_policy


def at(y: int, m: int, d: int, h: int = 2) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)  # 02:00 UTC = 10:00 in Shanghai


@pytest.fixture
def data(session: Session, settings: Settings) -> dict[str, Any]:
    span = {"effective_from": "2025-01-01", "effective_to": "2026-12-31"}
    auto = make_policy(session, line="auto", **span)  # deductible 500, coinsurance 10 %
    health = make_policy(session, line="health", deductible="0.00", coinsurance_rate="0", **span)
    prop = make_policy(session, line="property", sum_insured="200000.00", deductible="1000.00", **span)
    # 2026-Q2
    # A: acceptance 1 d, review 2+3 = 5 d, payment 2 d, handling 8 d; (10,500 − 500) × 0.9 = 9,000
    Walk(session, settings, auto, at(2026, 4, 10), "10500").do("accept", 1).do("start_review", 2).decide(
        3, "approved", "10500"
    ).pay(2)
    # B: acceptance 0.5, investigation 10, review 1+2 = 3, payment 1, handling 14.5; pays 20,000
    Walk(session, settings, health, at(2026, 5, 1), "20000").do("accept", 0.5).do(
        "start_investigation", 1
    ).do("finish_investigation", 10).decide(2, "approved", "20000").pay(1)
    # C: acceptance 1, review 1+2 = 3, denied, closed after 1 more day: handling 5
    Walk(session, settings, prop, at(2026, 6, 1), "50000").do("accept", 1).do("start_review", 1).decide(
        2, "denied", "0", ["EXCLUSION"]
    ).do("close", 1)
    # D: rejected at intake after 1 day: received, not accepted; acceptance stage 1 d, handling 1 d
    Walk(session, settings, auto, at(2026, 6, 20), "3000").do("reject", 1, reason_codes=["NOT_COVERED"])
    # E: accepted, still under review at the quarter's end: backlog 0-7 days
    Walk(session, settings, auto, at(2026, 6, 28), "4000").do("accept", 1).do("start_review", 0.5)
    # 2026-Q1 (previous): F pays (5,500 − 500) × 0.9 = 4,500; G pays 8,000
    Walk(session, settings, auto, at(2026, 2, 1), "5500").do("accept", 1).do("start_review", 1).decide(
        1, "approved", "5500"
    ).pay(1)
    Walk(session, settings, health, at(2026, 3, 1), "8000").do("accept", 1).do("start_review", 1).decide(
        2, "approved", "8000"
    ).pay(1)
    # 2025-Q2 (a year before): H pays (3,000 − 500) × 0.9 = 2,250
    Walk(session, settings, auto, at(2025, 5, 6), "3000").do("accept", 1).do("start_review", 1).decide(
        1, "approved", "3000"
    ).pay(1)
    session.flush()
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
