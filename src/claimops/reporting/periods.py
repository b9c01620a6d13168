"""Reporting periods and their comparison periods (较上期/环比, 较去年同期/同比).

A period is a half-open range of Shanghai calendar days [start, end). Names: `2026` (year),
`2026-H1` (half), `2026-Q3` (quarter), `2026-07` (month), or explicit start/end dates (end inclusive).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from claimops.clock import start_of_local_day
from claimops.errors import ValidationFailed
from claimops.schemas import DATE_RANGE_ERROR, FIRST_DAY, LAST_DAY, in_date_range

_PATTERNS = {
    "year": re.compile(r"^(\d{4})$"),
    "half": re.compile(r"^(\d{4})-H([12])$", re.I),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$", re.I),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
}


def _add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    start: date  # first day
    end: date  # day after the last day
    kind: str  # year, half, quarter, month, range
    label: str

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def start_utc(self) -> datetime:
        return start_of_local_day(self.start)

    @property
    def end_utc(self) -> datetime:
        return start_of_local_day(self.end)

    @property
    def months(self) -> int:
        return {"year": 12, "half": 6, "quarter": 3, "month": 1}.get(self.kind, 0)

    def previous(self) -> Period:
        """The period of the same length just before (环比)."""
        if self.months:
            start = _add_months(self.start, -self.months)
            return Period(start, self.start, self.kind, _label(self.kind, start))
        start = self.start - timedelta(days=self.days)
        return Period(start, self.start, "range", f"{start}~{self.start - timedelta(days=1)}")

    def year_before(self) -> Period:
        """The same period a year earlier (同比)."""
        if self.months:
            start = _add_months(self.start, -12)
            return Period(start, _add_months(start, self.months), self.kind, _label(self.kind, start))
        start, end = _minus_year(self.start), _minus_year(self.end)
        return Period(start, end, "range", f"{start}~{end - timedelta(days=1)}")


def _minus_year(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _label(kind: str, start: date) -> str:
    if kind == "year":
        return f"{start.year}"
    if kind == "half":
        return f"{start.year}-H{1 if start.month <= 6 else 2}"
    if kind == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def _year(text: str) -> int:
    """A period's year, within the dates claimops takes (its comparisons reach a year back)."""
    year = int(text)
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise ValidationFailed(
            f"the year {text} is out of range; use {FIRST_DAY.year} to {LAST_DAY.year}",
            code="INVALID_PERIOD",
        )
    return year


def parse_period(name: str) -> Period:
    text = name.strip()
    if m := _PATTERNS["year"].match(text):
        start = date(_year(m[1]), 1, 1)
        return Period(start, _add_months(start, 12), "year", text)
    if m := _PATTERNS["half"].match(text):
        start = date(_year(m[1]), 1 if m[2] == "1" else 7, 1)
        return Period(start, _add_months(start, 6), "half", text.upper())
    if m := _PATTERNS["quarter"].match(text):
        start = date(_year(m[1]), 3 * int(m[2]) - 2, 1)
        return Period(start, _add_months(start, 3), "quarter", text.upper())
    if (m := _PATTERNS["month"].match(text)) and 1 <= int(m[2]) <= 12:
        start = date(_year(m[1]), int(m[2]), 1)
        return Period(start, _add_months(start, 1), "month", text)
    raise ValidationFailed(
        f"unknown period {name!r}; use 2026, 2026-H1, 2026-Q3, 2026-07 or start/end dates",
        code="INVALID_PERIOD",
    )


def date_range(start: date, end_inclusive: date) -> Period:
    if not (in_date_range(start) and in_date_range(end_inclusive)):
        raise ValidationFailed(f"start and end {DATE_RANGE_ERROR}", code="INVALID_PERIOD")
    if end_inclusive < start:
        raise ValidationFailed("end is before start", code="INVALID_PERIOD")
    end = end_inclusive + timedelta(days=1)
    for kind in ("year", "half", "quarter", "month"):
        candidate = parse_period(_label(kind, start))
        if (candidate.start, candidate.end) == (start, end):
            return candidate
    return Period(start, end, "range", f"{start}~{end_inclusive}")


def resolve(*, period: str | None, start: date | None, end: date | None) -> Period:
    if period:
        return parse_period(period)
    if start and end:
        return date_range(start, end)
    raise ValidationFailed("give a period (e.g. 2026-Q3) or both start and end dates", code="INVALID_PERIOD")
