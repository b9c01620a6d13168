"""Survey arithmetic on hand-made numbers, each reconciled by hand in the comments."""

from __future__ import annotations

import pytest

from claimops.surveys import stats


def test_csat_with_wilson_interval() -> None:
    # 6 of 10 answers are 4 or 5. Wilson (z = 1.96): denom = 1 + 3.8416/10 = 1.38416;
    # centre = (0.6 + 0.19208)/1.38416 = 0.57225; half = 1.96·√(0.024 + 0.009604)/1.38416 = 0.25958
    e = stats.csat([5, 4, 4, 3, 2, 5, 1, 4, 5, 3])
    assert e.value == pytest.approx(0.6)
    assert e.low == pytest.approx(0.31267, abs=1e-4) and e.high == pytest.approx(0.83183, abs=1e-4)
    assert e.n == 10 and e.small


def test_wilson_at_the_edges_stays_in_range() -> None:
    # 0 of 5: low 0, high = 3.8416/5 / (1 + 3.8416/5) = 0.76832/1.76832 = 0.43449
    low, high = stats.wilson(0, 5)
    assert low == 0.0 and high == pytest.approx(0.43449, abs=1e-4)
    low, high = stats.wilson(5, 5)
    assert high == 1.0 and low == pytest.approx(1 - 0.43449, abs=1e-4)


def test_nps_and_its_interval() -> None:
    # promoters (9–10): 5 of 10; detractors (0–6): 3 of 10 → NPS = 50 − 30 = 20 points.
    # variance = (0.5 + 0.3 − 0.2²)/10 = 0.076; half = 1.96·√0.076 = 0.54033 → 20 ± 54.03
    e = stats.nps([10, 9, 9, 8, 7, 6, 5, 10, 3, 9])
    assert e.value == pytest.approx(20.0)
    assert e.low == pytest.approx(-34.03, abs=0.01) and e.high == pytest.approx(74.03, abs=0.01)


def test_mean_with_t_interval() -> None:
    # mean 4, s = √(2/4) = 0.70711, t(0.975, 4) = 2.776445 → half = 2.776445·0.70711/√5 = 0.87798
    e = stats.mean_interval([4, 5, 3, 4, 4])
    assert e.value == pytest.approx(4.0)
    assert e.low == pytest.approx(3.12202, abs=1e-4) and e.high == pytest.approx(4.87798, abs=1e-4)


def test_empty_and_single_samples_say_nothing_rather_than_guess() -> None:
    assert stats.csat([]).value is None and stats.nps([]).n == 0
    one = stats.mean_interval([3])
    assert one.value == 3 and one.low is None and one.small


def test_before_after_welch_and_shares() -> None:
    # before 3,3,4,3 (mean 3.25, var 0.25), after 4,5,4,5 (mean 4.5, var 1/3):
    # se = √(0.25/4 + 0.3333/4) = 0.381881, t = 1.25/0.381881 = 3.2733, Welch df = 5.88 → p ≈ 0.018
    c = stats.compare_means([3, 3, 4, 3], [4, 5, 4, 5])
    assert c.change == pytest.approx(1.25)
    assert c.p_value == pytest.approx(0.0176, abs=0.002) and c.beyond_noise
    same = stats.compare_means([3, 4, 3, 4], [4, 3, 4, 3])
    assert same.change == 0 and not same.beyond_noise
    # CSAT 2/10 → 8/10: pooled 0.5, se = √(0.25·0.2) = 0.22361, z = 2.6833, p = 0.00729
    s = stats.compare_shares([5, 5, 1, 1, 1, 1, 1, 1, 1, 1], [5] * 8 + [1, 1])
    assert s.change == pytest.approx(0.6) and s.p_value == pytest.approx(0.00729, abs=1e-4)
