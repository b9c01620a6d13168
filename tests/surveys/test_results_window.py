"""The days survey results cover: the year up to today unless asked, the same for page, API and CLI."""

from __future__ import annotations

from datetime import UTC, date, datetime

from claimops.surveys.rules import results_days
from claimops.surveys.service import day_span


def test_by_default_the_year_up_to_today() -> None:
    assert results_days(None, None, date(2026, 12, 6)) == (date(2025, 12, 6), date(2026, 12, 6))


def test_an_end_alone_moves_the_year_and_a_start_is_kept() -> None:
    assert results_days(None, date(2026, 6, 30), date(2026, 12, 6)) == (date(2025, 6, 30), date(2026, 6, 30))
    assert results_days(date(2026, 1, 1), None, date(2026, 12, 6)) == (date(2026, 1, 1), date(2026, 12, 6))


def test_the_days_are_shanghai_days_with_the_last_included() -> None:
    assert day_span(date(2026, 1, 1), date(2026, 1, 31)) == (
        datetime(2025, 12, 31, 16, tzinfo=UTC),
        datetime(2026, 1, 31, 16, tzinfo=UTC),
    )
