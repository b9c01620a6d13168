"""The scorecard's arithmetic on hand-made jobs, reconciled by hand in the comments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from claimops.errors import ValidationFailed
from claimops.partners.rules import Job, scorecard, weighted_total

T0 = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)


def job(
    n: str,
    arrive_h: float | None,
    report_d: float | None,
    cost: str | None,
    *,
    reopened: bool = False,
    disputed: bool = False,
    finish_d: float | None = None,
) -> Job:
    return Job(
        claim_number=n,
        assigned_at=T0,
        arrived_at=None if arrive_h is None else T0 + timedelta(hours=arrive_h),
        reported_at=None if report_d is None else T0 + timedelta(days=report_d),
        finished_at=None if finish_d is None else T0 + timedelta(days=finish_d),
        cost=None if cost is None else Decimal(cost),
        on_site_hours=4,
        report_days=3,
        finish_days=None,  # not agreed: the finish figure is missing
        reopened=reopened,
        disputed=disputed,
    )


def test_figures_points_and_grade_reconciled_by_hand() -> None:
    jobs = [
        job("C1", 2, 2, "1000"),  # on site in 2h ≤ 4h, report in 2d ≤ 3d
        job("C2", 6, 2, "1200", reopened=True),  # late on site (6h > 4h)
        job("C3", 3, 5, "1400", disputed=True),  # report late (5d > 3d)
        job("C4", 4, 3, None),  # exactly on the standard counts as on time; no cost yet
    ]
    peers = [Decimal("1000"), Decimal("1100"), Decimal("1200")]  # peer average 1100
    card = scorecard(jobs, peers)
    f = card.figures
    # on site: 3 of 4 within 4h -> 0.75; the late one is C2
    assert f["on_site"].value == Decimal("0.7500") and f["on_site"].flagged == ["C2"]
    assert f["on_site"].claims == ["C1", "C2", "C3", "C4"]
    # report: 3 of 4 within 3 days -> 0.75; late C3
    assert f["report"].value == Decimal("0.7500") and f["report"].flagged == ["C3"]
    # cost: (1000 + 1200 + 1400) / 3 = 1200; / 1100 = 1.0909 (four places, half up); above peers: C2, C3
    assert f["cost"].value == Decimal("1.0909") and f["cost"].flagged == ["C2", "C3"]
    assert f["cost"].claims == ["C1", "C2", "C3"]
    # reopen 1 of 4 claims = 0.25; dispute 1 of 4 = 0.25
    assert f["reopen"].value == Decimal("0.2500") and f["reopen"].flagged == ["C2"]
    assert f["dispute"].value == Decimal("0.2500") and f["dispute"].flagged == ["C3"]
    assert f["finish"].value is None and f["satisfaction"].value is None
    assert card.missing == ["finish", "satisfaction"]
    # points: on site 75, report 75, cost 100 − 0.0909 × 200 = 81.82, reopen 100 − 0.25 × 500 = −25 → 0,
    # dispute 0: (75 + 75 + 81.82 + 0 + 0) / 5 = 231.82 / 5 = 46.364 → 46.36 → D; below standard
    assert card.points == Decimal("46.36")
    assert card.grade == "D" and card.below_standard


def test_missing_figures_never_get_the_top_grade() -> None:
    # every measured figure perfect: on site 100, report 100, cost at the peers' average 100,
    # reopen 0 → 100, dispute 0 → 100: 100 points, but finish and satisfaction are not measured
    jobs = [job("C1", 1, 1, "1000"), job("C2", 2, 1, "1000")]
    card = scorecard(jobs, [Decimal("1000")])
    assert card.points == Decimal("100.00")
    assert card.missing == ["finish", "satisfaction"]
    assert card.grade == "B"
    assert not card.below_standard


def test_all_figures_measured_can_be_graded_a() -> None:
    j = Job(
        "C1",
        T0,
        T0 + timedelta(hours=1),
        T0 + timedelta(days=1),
        T0 + timedelta(days=2),
        Decimal("900"),
        4,
        3,
        5,
        False,
        False,
    )
    answers = [("C1", 5)] * 6 + [("C1", 4)] * 3 + [("C1", 3)]  # 9 of 10 answers 4 or 5: CSAT 0.9
    card = scorecard([j], [Decimal("1000")], satisfaction=answers)
    assert card.figures["satisfaction"].value == Decimal("0.9000")
    assert card.figures["satisfaction"].measured == 10 and card.figures["satisfaction"].flagged == ["C1"]
    # 100, 100, 100, cost 0.9 ≤ 1 → 100, 100, 100, satisfaction 0.9 × 100 = 90: 690 / 7 = 98.571 → 98.57
    assert card.missing == [] and card.points == Decimal("98.57") and card.grade == "A"


def test_no_jobs_no_grade() -> None:
    card = scorecard([], [])
    assert card.grade is None and card.points is None
    assert set(card.missing) == {"on_site", "report", "finish", "cost", "reopen", "dispute", "satisfaction"}


def test_weighted_selection_total() -> None:
    # (40 × 80 + 35 × 90 + 25 × 70) / 100 = (3200 + 3150 + 1750) / 100 = 81.00
    weights = {"资质": 40, "价格": 35, "网点": 25}
    assert weighted_total(weights, {"资质": 80, "价格": 90, "网点": 70}) == Decimal("81.00")
    with pytest.raises(ValidationFailed) as exc:
        weighted_total(weights, {"资质": 80})
    assert exc.value.code == "SCORES_INCOMPLETE"
