"""Training KPI arithmetic and the before/after tests, on hand-made data."""

from __future__ import annotations

from datetime import date

import pytest

from claimops.team.training.kpis import EnrolmentRow, cert_state, training_kpis
from claimops.team.training.stats import compare_shares, two_proportion_z, welch_t

TODAY = date(2026, 6, 1)


def test_training_kpis_on_hand_made_rows() -> None:
    rows = [
        EnrolmentRow(1, 120, True, True, 80, True),  # 2 h, passed
        EnrolmentRow(2, 120, True, True, 50, False),  # 2 h, failed
        EnrolmentRow(3, 90, True, False, None, None),  # absent
        EnrolmentRow(1, 60, True, True, None, None),  # 1 h, no assessment
        EnrolmentRow(2, 600, False, None, None, None),  # not held yet: left out
    ]
    k = training_kpis(
        headcount=4,
        enrolments=rows,
        cert_expiries=[date(2026, 5, 31), date(2026, 7, 31), date(2026, 8, 1), date(2027, 1, 1)],
        today=TODAY,
        onboarding=[(2, 4), (3, 3), (5, 3)],  # passing more than required counts as complete
        drill_scores=[100, 32, 70],
    )
    assert k.hours == 5 and k.hours_per_head == 5 / 4
    assert (k.enrolled_held, k.attended, k.completion_rate) == (4, 3, 3 / 4)
    assert (k.assessed, k.passed, k.pass_rate) == (2, 1, 1 / 2)
    # 31 May expired; 31 Jul within 60 days; 1 Aug is day 61: current
    assert (k.certs_expired, k.certs_expiring, k.certs_current) == (1, 1, 2)
    assert k.onboarding_progress == (2 + 3 + 3) / (4 + 3 + 3)
    assert k.drill_score == 202 / 3


def test_no_rows_is_no_data_not_zero() -> None:
    k = training_kpis(
        headcount=0, enrolments=[], cert_expiries=[], today=TODAY, onboarding=[], drill_scores=[]
    )
    assert k.hours_per_head is None and k.pass_rate is None and k.completion_rate is None
    assert k.onboarding_progress is None and k.drill_score is None and not k.has_data


def test_cert_state_boundaries() -> None:
    assert cert_state(TODAY, TODAY) == "expiring"
    assert cert_state(date(2026, 5, 31), TODAY) == "expired"


def test_two_proportion_z_and_welch_t_match_scipy_and_statsmodels() -> None:
    # statsmodels proportions_ztest([45, 40], [50, 50]) = (1.40028, 0.161429)
    z, p = two_proportion_z(40, 50, 45, 50)
    assert z == pytest.approx(1.4002800840280094) and p == pytest.approx(0.16142946236708322)
    # scipy ttest_ind([1..5], [2,4,..10], equal_var=False): t = -1.89737 (a - b), df 5.88235, p 0.107531
    t, df, pt = welch_t([1, 2, 3, 4, 5], [2, 4, 6, 8, 10])
    assert t == pytest.approx(1.8973665961010275) and df == pytest.approx(5.882352941176471)
    assert pt == pytest.approx(0.10753119493062728, rel=1e-9)


def test_no_effect_is_claimed_below_the_sample_size_or_within_noise() -> None:
    small = compare_shares(10, 20, 19, 20)
    assert small.verdict == "insufficient" and small.p is None and small.before_n == 20
    noise = compare_shares(40, 50, 45, 50)  # p = 0.16
    assert noise.verdict == "no_difference"
    better = compare_shares(30, 60, 50, 60)  # 50% -> 83%: z = 3.87, p = 0.0001
    assert better.verdict == "better" and better.p is not None and better.p < 0.001
    assert compare_shares(50, 60, 30, 60).verdict == "worse"
