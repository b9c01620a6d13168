from __future__ import annotations

from datetime import date

import pytest

from claimops.errors import ValidationFailed
from claimops.reporting.kpis import change_pct, pct
from claimops.reporting.periods import date_range, parse_period


@pytest.mark.parametrize(
    ("name", "start", "end", "prev", "yoy"),
    [
        ("2026-Q3", date(2026, 7, 1), date(2026, 10, 1), "2026-Q2", "2025-Q3"),
        ("2026-Q1", date(2026, 1, 1), date(2026, 4, 1), "2025-Q4", "2025-Q1"),
        ("2026-07", date(2026, 7, 1), date(2026, 8, 1), "2026-06", "2025-07"),
        ("2026-01", date(2026, 1, 1), date(2026, 2, 1), "2025-12", "2025-01"),
        ("2026-H1", date(2026, 1, 1), date(2026, 7, 1), "2025-H2", "2025-H1"),
        ("2026", date(2026, 1, 1), date(2027, 1, 1), "2025", "2025"),
    ],
)
def test_named_periods_and_their_comparisons(name: str, start: date, end: date, prev: str, yoy: str) -> None:
    p = parse_period(name)
    assert (p.start, p.end) == (start, end)
    assert p.previous().label == prev and p.year_before().label == yoy


def test_custom_range_compares_with_the_same_number_of_days() -> None:
    p = date_range(date(2026, 3, 10), date(2026, 3, 19))
    assert p.days == 10
    assert (p.previous().start, p.previous().end) == (date(2026, 2, 28), date(2026, 3, 10))
    assert p.year_before().start == date(2025, 3, 10)
    assert date_range(date(2026, 7, 1), date(2026, 9, 30)).label == "2026-Q3"


@pytest.mark.parametrize("bad", ["2026-Q5", "2026-13", "26", "Q3", "2026-H3"])
def test_bad_period_names(bad: str) -> None:
    with pytest.raises(ValidationFailed):
        parse_period(bad)


def test_percentages_round_half_up_and_are_none_on_a_zero_base() -> None:
    assert change_pct(1056, 1000) == 5.6
    assert change_pct(950, 1000) == -5.0
    assert change_pct(5, 0) is None and pct(1, 0) is None
    assert pct(1, 8) == 12.5 and pct(1, 3) == 33.3
